"""CLI command groups, one module per area; each lists its click commands in ``COMMANDS``."""
