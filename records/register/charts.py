"""Year-by-year bar charts of the forfeiture ledger, as geometry for server-rendered SVG.

Pure: no Flask, no database. A chart is drawn in a fixed viewBox that the page scales to the
screen, and always travels with its text alternative and the table of the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 320
HEIGHT = 180
LEFT = 8  # room for nothing but a margin: the values are in the table beside the chart
TOP = 16
BOTTOM = 24  # the year labels
SERIES = ("received", "spent")
SERIES_LABELS = {"received": "Received", "spent": "Spent"}


def dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


@dataclass(frozen=True)
class Bar:
    series: str
    x: float
    y: float
    width: float
    height: float
    cents: int


@dataclass(frozen=True)
class Year:
    year: int
    values: dict[str, int]
    label_x: float
    bars: list[Bar]


@dataclass
class Chart:
    key: str  # an id-safe name for the SVG's title and description
    title: str
    years: list[Year] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM

    @property
    def description(self) -> str:
        """The chart in words, for readers who do not see it."""
        parts = [
            f"FY{y.year}: "
            + ", ".join(f"{SERIES_LABELS[s].lower()} {dollars(y.values.get(s, 0))}" for s in SERIES)
            for y in self.years
        ]
        return f"{self.title}, by fiscal year. " + "; ".join(parts) + "."


def bar_chart(key: str, title: str, by_year: dict[int, dict[str, int]]) -> Chart:
    """Grouped bars (received, spent) per fiscal year, scaled to the largest value."""
    chart = Chart(key=key, title=title)
    years = sorted(by_year)
    if not years:
        return chart
    top = max((max(by_year[y].get(s, 0), 0) for y in years for s in SERIES), default=0) or 1
    plot_h = chart.baseline - TOP
    slot = (WIDTH - 2 * LEFT) / len(years)
    bar_w = min(slot * 0.8 / len(SERIES), 40.0)
    for i, year in enumerate(years):
        values = {s: by_year[year].get(s, 0) for s in SERIES}
        start = LEFT + i * slot + (slot - bar_w * len(SERIES)) / 2
        bars = []
        for j, s in enumerate(SERIES):
            h = round(plot_h * max(values[s], 0) / top, 2)
            bars.append(
                Bar(
                    s,
                    round(start + j * bar_w, 2),
                    round(chart.baseline - h, 2),
                    bar_w,
                    h,
                    values[s],
                )
            )
        chart.years.append(Year(year, values, round(LEFT + i * slot + slot / 2, 2), bars))
    return chart
