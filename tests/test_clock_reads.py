"""The product reads the clock only through ``records/core/clock.py``.

A stray ``date.today()`` reads local time, escapes the tests' pinned clock and turns into a
deadline that is a day off for part of the day; this scan keeps every read in one module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "records"
CLOCK_MODULE = ROOT / "core" / "clock.py"
# (object, attribute) pairs that read the wall clock.
FORBIDDEN = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def clock_reads(root: Path, allowed: Path | None = CLOCK_MODULE) -> list[str]:
    """Every ``file:line`` under ``root`` that reads the wall clock, outside ``allowed``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = _dotted(node.func.value).split(".")[-1]
            gmtime_of_value = node.func.attr in {"localtime", "gmtime"} and node.args
            if (owner, node.func.attr) in FORBIDDEN and not gmtime_of_value:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return sorted(found, key=lambda s: (s.split(":")[0], int(s.split(":")[1])))


def test_product_reads_the_clock_only_through_its_clock_module():
    assert clock_reads(ROOT) == []


def test_the_scan_finds_a_planted_read(tmp_path):
    (tmp_path / "ok.py").write_text("from records.core.clock import utc_today\nutc_today()\n")
    (tmp_path / "bad.py").write_text(
        "import datetime as dt\nfrom datetime import date\n\n"
        "def due():\n    return date.today()\n\n"
        "stamp = dt.datetime.now(dt.UTC)\n"
    )
    assert clock_reads(tmp_path, allowed=None) == ["bad.py:5", "bad.py:7"]


def test_the_clock_module_itself_is_the_one_exception():
    assert clock_reads(CLOCK_MODULE.parent, allowed=None) != []
