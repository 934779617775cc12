"""Tables for the letters feature (see records/letters*.py)."""

from __future__ import annotations
