"""Who may see what: one predicate per kind of object (``visibility``), over every capability's
tables, as a SQL filter for lists and as a check of one row. Every read of organization-owned
rows goes through it, so access is decided in one place."""
