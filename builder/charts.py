"""Charts for /impact/, computed at build time.

Python owns the numbers and the geometry (where each bar goes); the template draws
the SVG and the table beside it, so a hub can restyle a chart without touching code.
Months and quarters come from content dates and the build date only; their names,
the titles and the summaries are in the hub's language.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from .languages import Language
from .model import Hub

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 36, 28, 12


@dataclass(frozen=True)
class Bar:
    series: str
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Group:
    label: str
    #: A short label for the axis; "" where labels would crowd.
    tick: str
    values: tuple[float | None, ...]
    bars: tuple[Bar, ...]
    x: float


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str
    #: What one row of the chart's table is: "Month", "Quarter" (its column's header).
    period: str
    series: tuple[str, ...]
    groups: tuple[Group, ...]
    y_ticks: tuple[tuple[float, str], ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - MARGIN_BOTTOM
    left: float = MARGIN_LEFT


def _month_range(first: date, last: date) -> list[tuple[int, int]]:
    months, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _nice_ceiling(value: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


def _layout(
    title: str,
    summary: str,
    period: str,
    series: tuple[str, ...],
    rows: list[tuple[str, str, tuple]],
) -> Chart:
    top = max([v for _, _, values in rows for v in values if v is not None] + [1])
    ceiling = _nice_ceiling(top)
    plot_w = WIDTH - MARGIN_LEFT - 8
    plot_h = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_w / max(len(rows), 1)
    bar_w = max(min(slot * 0.8 / len(series), 28), 2)
    baseline = HEIGHT - MARGIN_BOTTOM
    groups = []
    for i, (label, tick, values) in enumerate(rows):
        x0 = MARGIN_LEFT + i * slot + (slot - bar_w * len(series)) / 2
        bars = []
        for j, (name, value) in enumerate(zip(series, values, strict=True)):
            if value is None:
                continue
            h = plot_h * value / ceiling
            bars.append(
                Bar(
                    name,
                    value,
                    round(x0 + j * bar_w, 2),
                    round(baseline - h, 2),
                    round(bar_w, 2),
                    round(h, 2),
                )
            )
        groups.append(
            Group(label, tick, values, tuple(bars), round(MARGIN_LEFT + i * slot + slot / 2, 2))
        )
    ticks = tuple((round(baseline - plot_h * k / 4, 2), _number(ceiling * k / 4)) for k in range(5))
    return Chart(title, summary, period, series, tuple(groups), ticks)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def heard_and_shipped(hub: Hub, t: Language) -> Chart:
    """Ideas heard (by month submitted) against ideas shipped (by release month)."""
    title = t.gettext("Ideas heard and shipped per month")
    series = (t.gettext("heard"), t.gettext("shipped"))
    period = t.gettext("Month")
    heard = [i for i in hub.ideas.values() if i.duplicate_of is None]
    submitted = Counter((i.submitted.day.year, i.submitted.day.month) for i in heard)
    shipped = Counter()
    for idea in heard:
        if idea.shipped_in:
            day = hub.releases[idea.shipped_in].date.day
            shipped[day.year, day.month] += 1
    dates = [i.submitted.day for i in heard] + [
        hub.releases[i.shipped_in].date.day for i in heard if i.shipped_in
    ]
    if not dates:
        return _layout(title, t.gettext("No ideas yet."), period, series, [])
    # Up to the build date, but never before the first date: a hub whose ideas are
    # all dated in the future (published as they are, SPEC §8) still has a month.
    first = min(dates)
    months = _month_range(first, max(first, min(max(dates), hub.build_date)))
    crowded = len(months) > 12
    rows = []
    for n, (y, m) in enumerate(months):
        day = date(y, m, 1)
        tick = t.month_name(day) if not crowded or n % 3 == 0 else ""
        if m == 1 or n == 0:
            tick = t.month(day) if tick else ""
        rows.append((t.month(day), tick, (submitted[y, m], shipped[y, m])))
    total_heard, total_shipped = sum(submitted.values()), sum(shipped.values())
    summary = t.ngettext(
        "From %(first)s to %(last)s: %(num)s idea heard and %(shipped)s shipped. "
        "The table below gives every month.",
        "From %(first)s to %(last)s: %(num)s ideas heard and %(shipped)s shipped. "
        "The table below gives every month.",
        total_heard,
        first=rows[0][0],
        last=rows[-1][0],
        shipped=total_shipped,
    )
    return _layout(title, summary, period, series, rows)


def days_to_answer(hub: Hub, t: Language) -> Chart:
    """Median days from an idea's submission to its first answer, per quarter
    submitted; quarters with no answered idea have no bar."""
    by_quarter: dict[tuple[int, int], list[int]] = defaultdict(list)
    quarters_seen = set()
    for idea in hub.ideas.values():
        if idea.duplicate_of is not None:
            continue
        quarter = (idea.submitted.day.year, (idea.submitted.day.month - 1) // 3 + 1)
        quarters_seen.add(quarter)
        if idea.days_to_answer is not None:
            by_quarter[quarter].append(idea.days_to_answer)
    title = t.gettext("Median days to first answer, per quarter")
    series = (t.gettext("median days"),)
    period = t.gettext("Quarter")
    if not quarters_seen:
        return _layout(title, t.gettext("No ideas yet."), period, series, [])
    first, last = min(quarters_seen), max(quarters_seen)
    rows = []
    y, q = first
    while (y, q) <= last:
        values = by_quarter.get((y, q))
        median = float(statistics.median(values)) if values else None
        label = t.quarter(date(y, 3 * q - 2, 1))
        rows.append((label, label, (median,)))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    answered = [v for values in by_quarter.values() for v in values]
    if answered:
        summary = t.gettext(
            "Median days to a first answer, by the quarter an idea arrived; overall median "
            "%(median)s.",
            median=t.number(statistics.median(answered)),
        )
    else:
        summary = t.gettext(
            "Median days to a first answer, by the quarter an idea arrived; none answered yet."
        )
    return _layout(title, summary, period, series, rows)
