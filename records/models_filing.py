"""Tables for the filing feature (see records/filing*.py)."""

from __future__ import annotations
