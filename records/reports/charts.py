"""Report-card charts drawn on the server with pygal, as accessible inline SVG.

Each chart is plain SVG with no script: a ``<title>``, a ``<desc>`` that says the chart in words,
``role="img"`` on the root, and always a table of the same numbers beside it on the page. pygal
writes its colours into a ``<style>`` element, which the page's Content Security Policy would
refuse inline; it is taken out of every chart and served once as a stylesheet (``stylesheet()``).
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Sequence
from functools import cache

import pygal
from pygal.style import Style

# pygal appends a legacy import hook for its map plugins (unused here) to sys.meta_path; it has
# no find_spec, so every later import it is asked about raises an ImportWarning. Take it out.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

# Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphics).
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2937",
    foreground_strong="#111827",
    foreground_subtle="#4b5563",
    colors=("#1d4ed8", "#b45309", "#047857", "#b91c1c", "#6d28d9", "#0f766e"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    title_font_size=15,
    legend_font_size=13,
)
_CONFIG = {
    "style": STYLE,
    "js": [],  # no script at all (pygal's tooltips load from a CDN)
    "no_prefix": True,  # style rules by class only, so one stylesheet serves every chart
    "disable_xml_declaration": True,
    "explicit_size": False,
    "width": 640,
    "height": 360,
    "show_legend": True,
    "legend_at_bottom": True,
    "print_values": False,
    "truncate_label": -1,
}
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TOOLTIP_DATA = re.compile(r'<desc class="[^"]*">.*?</desc>', re.S)  # for pygal's tooltip script
_ROOT = re.compile(r"<svg\b([^>]*)>", re.S)


def _finish(chart: pygal.graph.graph.Graph, key: str, title: str, description: str) -> str:
    """The chart's SVG with its style removed, a role, a title and a description."""
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", _STYLE_ELEMENT.sub("", svg)))
    svg = _TOOLTIP_DATA.sub("", svg)
    svg = svg.replace(' id=""', "", 1).replace(' style="opacity: 0"', ' display="none"')
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)  # replaced by ours, with an id
    labelled = (
        f'<svg\\1 role="img" aria-labelledby="{key}-title {key}-desc" focusable="false">'
        f'<title id="{key}-title">{html.escape(title)}</title>'
        f'<desc id="{key}-desc">{html.escape(description)}</desc>'
    )
    return _ROOT.sub(labelled, svg, count=1)


def histogram(
    key: str,
    title: str,
    days: Sequence[int],
    *,
    deadline: int | None = None,
    unit: str = "business days",
) -> str:
    """How many requests were answered in each band of days, with the law's deadline marked."""
    bands = _bands(days)
    chart = pygal.Bar(**_CONFIG, x_title=unit, y_title="requests", title=title)
    chart.x_labels = [label for label, _n, _lo in bands]
    chart.add("Requests answered", [n for _label, n, _lo in bands])
    if deadline is not None and bands:
        # The law's deadline as a bar of its own in the band it falls in.
        top = max((n for _label, n, _lo in bands), default=1) or 1
        marks: list[float | None] = [None] * len(bands)
        band = max((i for i, (_l, _n, lo) in enumerate(bands) if lo <= deadline), default=0)
        marks[band] = top
        chart.add(f"The law's deadline: {deadline} {unit}", marks)
    words = "; ".join(f"{label} {unit}: {n}" for label, n, _lo in bands) or "no answers yet"
    law = f" The law's deadline is {deadline} {unit}." if deadline is not None else ""
    return _finish(chart, key, title, f"Requests answered by {unit} taken: {words}.{law}")


def _bands(days: Sequence[int]) -> list[tuple[str, int, int]]:
    """(label, count, first day of the band) for bands of a width that keeps about ten bars."""
    if not days:
        return []
    top = max(days)
    width = max(1, -(-(top + 1) // 10))
    out = []
    for lo in range(0, top + 1, width):
        hi = lo + width - 1
        n = sum(1 for d in days if lo <= d <= hi)
        out.append((str(lo) if width == 1 else f"{lo}–{hi}", n, lo))
    return out


def on_time_by_year(key: str, title: str, shares: Sequence[tuple[int, float | None]]) -> str:
    """Share of clocks met on time, per year the requests were received."""
    chart = pygal.Bar(**_CONFIG, range=(0, 100), y_title="% on time", title=title)
    chart.x_labels = [str(y) for y, _s in shares]
    chart.add("On time (%)", [s for _y, s in shares])
    words = "; ".join(f"{y}: {'not shown' if s is None else f'{s:g}%'}" for y, s in shares)
    return _finish(chart, key, title, f"Share answered on time by year received: {words}.")


def outcomes(key: str, title: str, counts: Sequence[tuple[str, int]]) -> str:
    """How the requests ended, as horizontal bars."""
    chart = pygal.HorizontalBar(**_CONFIG, title=title)
    for label, n in counts:
        chart.add(label, [n])
    words = "; ".join(f"{label}: {n}" for label, n in counts)
    return _finish(chart, key, title, f"Outcomes: {words}.")


def comparison(
    key: str, title: str, rows: Sequence[tuple[str, float | None]], *, deadline: int | None
) -> str:
    """Median business days to answer per agency, with the law's deadline drawn as a bar."""
    chart = pygal.HorizontalBar(**_CONFIG, title=title, x_title="median business days")
    chart.x_labels = [label for label, _v in rows]
    chart.add("Median business days to answer", [v for _label, v in rows])
    if deadline is not None:
        chart.add(f"The law's deadline: {deadline} business days", [deadline] * len(rows))
    words = "; ".join(f"{label}: {'not shown' if v is None else f'{v:g}'}" for label, v in rows)
    law = f" The law's deadline is {deadline} business days." if deadline is not None else ""
    return _finish(chart, key, title, f"Median business days to answer: {words}.{law}")


@cache
def stylesheet() -> str:
    """The CSS pygal writes into each chart, for the whole palette (served as one file)."""
    chart = pygal.Bar(**_CONFIG)
    for i in range(len(STYLE.colors)):
        chart.add(str(i), [1])
    svg = chart.render(is_unicode=True)
    found = re.findall(r"<style[^>]*>(.*?)</style>", svg, re.S)
    css = "\n".join(html.unescape(text) for text in found)
    # Rules pygal writes for the chart's own id have no selector once unprefixed.
    return re.sub(r"(^|})\s*\{", r"\1.pygal-chart{", css)
