"""Precision and recall of the register's assisted entry on the corpus in tests/register_corpus.

Run: .venv/bin/python bench/bench_register.py [--verbose]

Two corpora: ``tests/register_corpus`` (the patterns were developed against it) and
``tests/register_corpus/holdout`` (written afterwards, not tuned on): the held-out figures are the
honest estimate. Targets: the floors ``tests/test_register.py`` asserts (``FLOORS``).
A proposal counts as right when its (target, name, value) is in the file's gold list; a clause
(exclusions, sharing, retention, reporting) counts when it is found at all.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402

from records.register.extract import propose  # noqa: E402

CORPUS = ROOT / "tests" / "register_corpus"


def measure(corpus: Path = CORPUS, verbose: bool = False) -> dict[str, float]:
    """Overall and per-target precision/recall over one corpus folder."""
    gold_all = json.loads((corpus / "gold.json").read_text())
    directory = gold_all["directory"]
    tp: Counter[str] = Counter()
    found_n: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    for name, gold_list in sorted(gold_all["files"].items()):
        text = (corpus / name).read_text()
        found = {p.key() for p in propose(text, directory)}
        gold = {tuple(g) for g in gold_list}
        for target in ("agreement", "ledger"):
            f = {k for k in found if k[0] == target}
            g = {k for k in gold if k[0] == target}
            tp[target] += len(f & g)
            found_n[target] += len(f)
            gold_n[target] += len(g)
        if verbose:
            for k in sorted(found - gold):
                print(f"{name}: wrong  {k}")
            for k in sorted(gold - found):
                print(f"{name}: missed {k}")
    out: dict[str, float] = {}
    for target in ("agreement", "ledger", "all"):
        t = sum(tp.values()) if target == "all" else tp[target]
        f = sum(found_n.values()) if target == "all" else found_n[target]
        g = sum(gold_n.values()) if target == "all" else gold_n[target]
        out[f"{target}_precision"] = t / f if f else 1.0
        out[f"{target}_recall"] = t / g if g else 1.0
        out[f"{target}_counts"] = (t, f, g)  # type: ignore[assignment]
    return out


FLOORS = {  # what tests/test_register.py asserts
    "development": {"all_precision": 0.95, "all_recall": 0.95},
    "held-out": {
        "all_precision": 0.85,
        "all_recall": 0.85,
        "ledger_precision": 1.0,
        "ledger_recall": 1.0,
    },
}


def main() -> int:
    args = harness.parser(__doc__)
    args.add_argument("--verbose", action="store_true")
    args.parse_args()
    verdicts = harness.Report("register extraction")
    for label, corpus in (("development", CORPUS), ("held-out", CORPUS / "holdout")):
        result = measure(corpus, "--verbose" in sys.argv)
        files = len(json.loads((corpus / "gold.json").read_text())["files"])
        print(f"{label} corpus: {files} documents")
        for target in ("agreement", "ledger", "all"):
            t, f, g = result[f"{target}_counts"]  # type: ignore[misc]
            print(
                f"  {target:9s} precision {result[f'{target}_precision']:.3f} ({t}/{f})  "
                f"recall {result[f'{target}_recall']:.3f} ({t}/{g})"
            )
        for key, floor in FLOORS[label].items():
            verdicts.check(f"{label} {key.replace('_', ' ')}", result[key], floor, at_most=False)
    return verdicts.finish()


if __name__ == "__main__":
    sys.exit(main())
