"""Seed data shipped with the app (reviewed lists of agencies and offices)."""
