"""Panels other features add to the request page, the public request page and the dashboard.

A package's ``init_app`` adds a function with :func:`add` to ``REQUEST_PANELS`` (called with the
request), ``PUBLIC_REQUEST_PANELS`` (the same, on the public archive) or ``DASHBOARD_PANELS``
(called with the org id and user id); each returns ``(template, context)`` or None. Pages render
them in ``order``, so features stay in their own packages and the pages need not know them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PanelFn = Callable[..., tuple[str, dict[str, Any]] | None]


@dataclass(frozen=True)
class Panel:
    order: int
    render: PanelFn


# Keyed by the function's dotted name, so building a second app adds nothing twice.
REQUEST_PANELS: dict[str, Panel] = {}
DASHBOARD_PANELS: dict[str, Panel] = {}
PUBLIC_REQUEST_PANELS: dict[str, Panel] = {}


def add(panels: dict[str, Panel], order: int, render: PanelFn) -> None:
    """Show ``render``'s panel on the pages that collect ``panels``, at position ``order``."""
    panels[f"{render.__module__}.{render.__qualname__}"] = Panel(order, render)


def collect(panels: dict[str, Panel], *args: Any) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for panel in sorted(panels.values(), key=lambda p: p.order):
        result = panel.render(*args)
        if result is not None:
            out.append(result)
    return out
