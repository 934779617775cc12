"""Infrastructure every capability shares (the clock first; config, db and the rest follow)."""
