"""Tables for the ops feature (see records/ops*.py)."""

from __future__ import annotations
