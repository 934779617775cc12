"""Small helpers the browser tests share: logging in, axe-core checks, layout and focus probes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '')),
  }));
}"""

_FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, text: (el.textContent || '').trim(),
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
    boxShadow: s.boxShadow,
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < window.innerWidth && box.top < window.innerHeight,
  };
}"""

_OVERFLOW = """() => ({
  scroll: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
      && !el.closest('.table-wrap'))
    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')),
})"""


def log_in(page: Any, base: str, email: str, password: str) -> None:
    """Log in through the real form (CSRF token included) and land on the dashboard."""
    page.goto(base + "/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def serious_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """Inject axe-core into the loaded page and return its serious and critical violations."""
    page.add_script_tag(content=axe_source)
    found = page.evaluate(_AXE_RUN)
    return [v for v in found if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """Readable report of axe violations for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"      {node}" for node in v["nodes"])
    return "\n".join(lines)


def focused(page: Any) -> dict[str, Any]:
    """What has keyboard focus now, and whether its focus indicator is drawn."""
    return page.evaluate(_FOCUS_STYLE)


def has_focus_ring(info: dict[str, Any]) -> bool:
    """An outline of at least 2px, or a box shadow, marks the focused element."""
    outlined = info["outlineStyle"] != "none" and info["outlineWidth"] >= 2
    return outlined or info["boxShadow"] not in ("", "none")


def overflow(page: Any) -> dict[str, Any]:
    """Page width against the viewport, with a few elements that stick out (tables may scroll)."""
    return page.evaluate(_OVERFLOW)


def screenshot_dir(default: Path) -> Path:
    """Where screenshots go: RECORDS_E2E_SCREENSHOTS when set (for looking at them), else a temp dir."""
    chosen = os.environ.get("RECORDS_E2E_SCREENSHOTS", "").strip()
    path = Path(chosen) if chosen else default
    path.mkdir(parents=True, exist_ok=True)
    return path
