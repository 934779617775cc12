"""Rules the test suite keeps about itself."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# A redirect checked by its status alone passes for the login redirect too.
STATUS_ONLY_REDIRECT = re.compile(r"status_code\s*(==|in)\s*\(?\s*30[1-8]")


def status_only_redirects(root: Path) -> list[str]:
    """``file:line`` of every redirect assertion that does not say where it must go."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name in ("conftest.py", "test_suite_rules.py"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STATUS_ONLY_REDIRECT.search(line) and "# any redirect:" not in line:
                found.append(f"{path.relative_to(root)}:{n}")
    return found


def test_redirects_are_checked_by_where_they_go():
    assert status_only_redirects(TESTS) == [], "use tests.conftest.assert_redirect(resp, path)"


def test_the_rule_finds_a_status_only_redirect(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "def test_a(client):\n"
        "    assert client.post('/x').status_code == 302\n"
        "    assert resp.status_code in (302, 303)\n"
        "    assert_redirect(resp, '/x')\n"
    )
    assert status_only_redirects(tmp_path) == ["test_x.py:2", "test_x.py:3"]
