"""Page titles: plain text in every template, and the one a browser tab shows on each page.

The request form once put its script tag inside the title block; a browser shows the text of a
``<title>`` element as it is, so the tab read "New request<script src=...".
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TITLE_BLOCK = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)
TITLE_ELEMENT = re.compile(r"<title>(.*?)</title>", re.S)


def _title_blocks() -> list[tuple[str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for block in TITLE_BLOCK.findall(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(TEMPLATES)), block))
    return found


def test_templates_have_title_blocks_to_check():
    assert len(_title_blocks()) > 20


@pytest.mark.parametrize(("template", "block"), _title_blocks())
def test_title_block_holds_no_markup(template, block):
    assert "<" not in block, f"{template}: markup inside the title block: {block.strip()!r}"


def _title(resp) -> str:
    match = TITLE_ELEMENT.search(resp.get_data(as_text=True))
    assert match, "the page has no <title>"
    return html.unescape(match.group(1)).strip()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/requests/new", "New request · Records Desk"),
        ("/requests/", "Requests · Records Desk"),
        ("/agencies/", "Agencies · Records Desk"),
        ("/search/", "Search · Records Desk"),
    ],
)
def test_page_title_is_plain_text(client, member, path, expected):
    resp = client.get(path)
    assert resp.status_code == 200
    assert _title(resp) == expected


def test_edit_form_title(client, member, factory):
    org, user = member
    agency = factory.agency(org, name="Oakland Police Department", jurisdiction="CA")
    req = factory.request(org, user, agency)
    resp = client.get(f"/requests/{req.id}/edit")
    assert resp.status_code == 200
    assert _title(resp) == "Edit request · Records Desk"
