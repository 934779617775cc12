"""Tables for the notify feature (see records/notify*.py)."""

from __future__ import annotations
