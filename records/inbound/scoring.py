"""PURE: precision and recall of the classifier on a labelled set of emails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from records.inbound.classify import CATEGORIES, read


@dataclass
class Score:
    """Per-category counts and field checks for one labelled set."""

    total: int = 0
    correct: int = 0
    tp: dict[str, int] = field(default_factory=dict)
    fp: dict[str, int] = field(default_factory=dict)
    fn: dict[str, int] = field(default_factory=dict)
    fields_checked: int = 0
    fields_right: int = 0
    misses: list[str] = field(default_factory=list)

    def precision(self, category: str) -> float | None:
        got = self.tp.get(category, 0) + self.fp.get(category, 0)
        return self.tp.get(category, 0) / got if got else None

    def recall(self, category: str) -> float | None:
        want = self.tp.get(category, 0) + self.fn.get(category, 0)
        return self.tp.get(category, 0) / want if want else None

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def macro(self) -> tuple[float, float]:
        """Mean precision and recall over the categories the set contains."""
        present = [c for c in CATEGORIES if self.tp.get(c, 0) + self.fn.get(c, 0)]
        ps = [self.precision(c) or 0.0 for c in present]
        rs = [self.recall(c) or 0.0 for c in present]
        return (sum(ps) / len(ps) if ps else 0.0, sum(rs) / len(rs) if rs else 0.0)


def score(entries: Iterable[tuple[str, str, str, str, dict[str, Any]]]) -> Score:
    """Classify every (sender, subject, body, category, values) entry and count."""
    s = Score()
    for _sender, subject, body, want, values in entries:
        got = read(subject, body)
        s.total += 1
        if got.category == want:
            s.correct += 1
            s.tp[want] = s.tp.get(want, 0) + 1
        else:
            s.fp[got.category] = s.fp.get(got.category, 0) + 1
            s.fn[want] = s.fn.get(want, 0) + 1
            s.misses.append(f"{subject!r}: {want} read as {got.category}")
        for key, expected in values.items():
            s.fields_checked += 1
            if got.data.get(key) == expected:
                s.fields_right += 1
            else:
                s.misses.append(f"{subject!r}: {key} {expected!r} read as {got.data.get(key)!r}")
    return s
