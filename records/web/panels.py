"""Panels other features add to the request page and the dashboard.

A feature module appends a function to ``REQUEST_PANELS`` (called with the request) or
``DASHBOARD_PANELS`` (called with the org id and user id); each returns ``(template, context)`` or
None. Pages render them in ``order`` so features stay in their own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    order: int
    render: Callable[..., tuple[str, dict[str, Any]] | None]


REQUEST_PANELS: list[Panel] = []
DASHBOARD_PANELS: list[Panel] = []
PUBLIC_REQUEST_PANELS: list[Panel] = []


def collect(panels: list[Panel], *args: Any) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for panel in sorted(panels, key=lambda p: p.order):
        result = panel.render(*args)
        if result is not None:
            out.append(result)
    return out
