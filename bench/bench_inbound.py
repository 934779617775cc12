"""Benchmark: how well agency email is read into proposed events (precision and recall).

Usage: python bench/bench_inbound.py

Scores ``records.inbound.classify`` on the corpus in ``tests/mail_corpus.py``: ``CORPUS`` (the
set the rules were written against) and ``HELD_OUT`` (written afterwards and never tuned on,
the honest estimate). Prints precision and recall per category, their macro means, how many
of the expected values (tracking numbers, days, dates, amounts, exemptions) were read exactly,
and the messages per second, against a baseline: the keyword guess uploads used before
(``records.filing.service.guess_event_kind``), mapped onto the same categories. Targets (the floors
``tests/test_inbound_classify.py`` asserts): development accuracy and values at least 0.95,
held-out accuracy at least 0.75 and above the baseline's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

from records.filing.service import guess_event_kind  # noqa: E402
from records.inbound.classify import CATEGORIES, PROPOSAL_KIND, read  # noqa: E402
from records.inbound.scoring import Score, score  # noqa: E402
from tests.mail_corpus import CORPUS, HELD_OUT  # noqa: E402

KIND_TO_CATEGORY = {kind: cat for cat, kind in PROPOSAL_KIND.items()}
KIND_TO_CATEGORY.update({"denial": "full_denial", "partial_release": "partial_denial"})


def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value * 100:4.0f}"


def report(name: str, s: Score) -> None:
    print(f"\n{name}: {s.total} emails, {s.correct} categorised right ({s.accuracy:.0%})")
    print(f"  {'category':<16}{'prec%':>6}{'rec%':>6}")
    for category in CATEGORIES:
        if s.tp.get(category, 0) + s.fn.get(category, 0) + s.fp.get(category, 0):
            print(f"  {category:<16}{_pct(s.precision(category)):>6}{_pct(s.recall(category)):>6}")
    p, r = s.macro()
    print(f"  macro precision {p:.2f}, macro recall {r:.2f}")
    print(f"  values read exactly: {s.fields_right}/{s.fields_checked}")
    for miss in s.misses:
        print(f"  miss: {miss}")


def baseline(entries: list) -> Score:
    """The old keyword guess of uploads, scored the same way (no values are read)."""
    s = Score()
    for _sender, subject, body, want, _values in entries:
        got = KIND_TO_CATEGORY.get(guess_event_kind(subject, body), "other")
        s.total += 1
        if got == want:
            s.correct += 1
            s.tp[want] = s.tp.get(want, 0) + 1
        else:
            s.fp[got] = s.fp.get(got, 0) + 1
            s.fn[want] = s.fn.get(want, 0) + 1
    return s


def main() -> int:
    harness.parser(__doc__).parse_args()
    dev, held = score(CORPUS), score(HELD_OUT)
    report("corpus (rules written against it)", dev)
    report("held out (never tuned on)", held)
    everything = CORPUS + HELD_OUT
    old = baseline(everything)
    p, r = old.macro()
    print(
        f"\nbaseline (upload keyword guess) on all {old.total}: {old.accuracy:.0%} right, "
        f"macro precision {p:.2f}, macro recall {r:.2f}"
    )
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for _sender, subject, body, _want, _values in everything:
            read(subject, body)
    elapsed = time.perf_counter() - start
    print(f"speed: {rounds * len(everything) / elapsed:,.0f} emails per second")
    verdicts = harness.Report("inbound mail reading")
    verdicts.check("development accuracy", dev.accuracy, 0.95, at_most=False)
    verdicts.check(
        "development values read exactly",
        dev.fields_right / dev.fields_checked,
        0.95,
        at_most=False,
    )
    verdicts.check("held-out accuracy", held.accuracy, 0.75, at_most=False)
    verdicts.check(
        "held-out accuracy over the keyword baseline",
        held.accuracy - baseline(HELD_OUT).accuracy,
        0,
        at_most=False,
    )
    return verdicts.finish()


if __name__ == "__main__":
    sys.exit(main())
