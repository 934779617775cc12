"""Pure arithmetic of report cards: medians, 90th percentiles, shares and the minimum n.

No Flask, no database: lists of numbers in, numbers out, so every figure can be worked by hand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# A public report card hides any figure resting on fewer requests than this: below it one or two
# unusual requests would decide the figure (docs/reports.md).
PUBLIC_MIN_N = 5


def median(values: Sequence[int | float]) -> float | None:
    """The middle value (the mean of the two middle values for an even count); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[int | float], pct: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``pct``% at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return float(ordered[rank - 1])


@dataclass(frozen=True)
class Figure:
    """A number with the count of requests it rests on; ``hidden`` when too few for the reader."""

    value: float | None
    n: int
    hidden: bool = False

    @property
    def shown(self) -> bool:
        return self.value is not None and not self.hidden


def days_figure(values: Sequence[int], pct: float | None, min_n: int) -> Figure:
    """The median (``pct`` None) or a percentile of day counts, hidden under ``min_n``."""
    value = median(values) if pct is None else percentile(values, pct)
    return Figure(value, len(values), hidden=len(values) < min_n)


def share(part: int, whole: int, min_n: int) -> Figure:
    """``part`` of ``whole`` as a percentage (one decimal), hidden under ``min_n``."""
    value = round(100 * part / whole, 1) if whole else None
    return Figure(value, whole, hidden=whole < min_n)


def fmt_days(fig: Figure) -> str:
    """A day count for a page: "12", "12.5", or a dash when there is nothing to show."""
    if not fig.shown:
        return "—"
    assert fig.value is not None
    return f"{fig.value:g}"
