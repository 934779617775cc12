"""Shared pieces of the benchmarks: interleaved timing, medians with their spread, verdicts.

Every benchmark times the product and its baseline in turn (ABBA order, so drift and other load
on the machine hit both alike), compares medians, prints one line per target::

    request list html / raw = 2.41 (target ≤ 3): ok

and exits non-zero when any target is missed, so ``make bench`` fails. Scratch data (databases,
files) goes under the system's temporary folder, never into the repository.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Stats:
    """Samples of one measurement (seconds, or any unit), with median and spread."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def iqr(self) -> tuple[float, float]:
        if len(self.samples) < 4:
            return min(self.samples), max(self.samples)
        q = statistics.quantiles(self.samples, n=4)
        return q[0], q[2]

    def show(self, scale: float = 1000.0, unit: str = "ms") -> str:
        """``median (IQR lo–hi) unit``; the spread is min–max below four samples."""
        lo, hi = self.iqr
        return f"{self.median * scale:.2f} {unit} (IQR {lo * scale:.2f}–{hi * scale:.2f})"


def interleave(
    fns: dict[str, Callable[[], Any]], rounds: int, warmup: int = 2, inner: int = 1
) -> dict[str, Stats]:
    """Time each callable ``rounds`` times, alternating A B B A: seconds per call.

    ``inner`` calls are made per sample (for very fast calls); ``warmup`` untimed calls first.
    """
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    out = {name: Stats() for name in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            fn = fns[name]
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            out[name].samples.append((time.perf_counter() - t0) / inner)
    return out


def paired_ratio(a: Stats, b: Stats) -> float:
    """Median of the per-round ratios a/b (samples taken in turn, so pairs share conditions)."""
    return statistics.median(x / y for x, y in zip(a.samples, b.samples, strict=True) if y > 0)


@dataclass
class Report:
    """Collects targets met or missed and prints the summary."""

    name: str
    results: list[tuple[str, float, float, bool, bool]] = field(default_factory=list)

    def check(self, label: str, value: float, target: float, *, at_most: bool = True) -> bool:
        """Print ``label = value (target ≤|≥ target): ok|MISSED`` and remember it."""
        ok = value <= target if at_most else value >= target
        sign = "≤" if at_most else "≥"
        print(f"  {label} = {value:.3g} (target {sign} {target:g}): {'ok' if ok else 'MISSED'}")
        self.results.append((label, value, target, at_most, ok))
        sys.stdout.flush()
        return ok

    def info(self, line: str) -> None:
        print(f"  {line}")
        sys.stdout.flush()

    def finish(self) -> int:
        """Print the summary; 1 when any target was missed, else 0."""
        missed = [r for r in self.results if not r[4]]
        print(f"\n{self.name}: {len(self.results) - len(missed)}/{len(self.results)} targets met")
        for label, value, target, at_most, _ok in missed:
            print(f"  MISSED {label} = {value:.3g} (target {'≤' if at_most else '≥'} {target:g})")
        return 1 if missed else 0


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark shares (``--quick``, ``--rounds``)."""
    p = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes, few rounds (a quick look)")
    p.add_argument("--rounds", type=int, default=0, help="interleaved rounds (0: the default)")
    return p


@contextmanager
def scratch(prefix: str = "records-bench-") -> Iterator[Path]:
    """A temporary folder under the system's temp dir, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix, dir=tempfile.gettempdir()) as tmp:
        yield Path(tmp)


@contextmanager
def database(pg_url: str, tmp: Path) -> Iterator[str]:
    """A SQLite file in ``tmp``, or a temporary schema in the given PostgreSQL database."""
    if not pg_url:
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    from sqlalchemy import text

    from records.core.db import make_engine

    schema = f"bench_{secrets.token_hex(4)}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def status_kb(field_name: str) -> int:
    """A memory field of /proc/self/status (VmRSS, VmHWM) in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field_name} not in /proc/self/status")
