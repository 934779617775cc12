"""The database schema: every table in one place (``tables``) and its history as Alembic
migrations (``migrate``, ``migrations/``), configured in code so ``flask db upgrade`` needs no
alembic.ini."""
