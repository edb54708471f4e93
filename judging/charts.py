"""Server-rendered SVG charts for the results page: no JavaScript, prints well, readable by screen readers
(each chart has a <title> and <desc>, and the same numbers are in the tables next to it)."""

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

ACCENT = "#6d28d9"
MUTED = "#52525b"
GRID = "#d4d4d8"


def _x(value: float, left: float, width: float) -> float:
    return left + width * max(0.0, min(100.0, value)) / 100


def _label(text: str, limit: int) -> str:
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def juror_distributions(rows: list[dict], overall_mean: float | None) -> SafeString:
    """One line per juror on a 0..100 axis: a dot per review total, a bar for mean ± standard deviation,
    the overall mean as a dashed line. `rows`: [{"label": str, "result": JurorResult}].

    Drawn about as wide as a phone's screen, each juror's name above their line rather than in a column beside it,
    so that the chart scaled to the width of the page keeps its text at the size of the page's own."""
    left, width, row_height, top = 12, 316, 44, 8
    height = top + row_height * len(rows) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 12} {height}" role="img" '
        f'class="chart" aria-labelledby="juror-chart-title juror-chart-desc">',
        f'<title id="juror-chart-title">{escape(_("Scores given by each juror (out of 100)"))}</title>',
        f'<desc id="juror-chart-desc">{escape(_("Dots are review totals; the bar is the mean plus or minus one standard deviation; the dashed line is the mean of all reviews."))}</desc>',
    ]
    for tick in range(0, 101, 20):
        x = _x(tick, left, width)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}"/>')
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="13" text-anchor="{anchor}" fill="{MUTED}">{tick}</text>'
        )
    if overall_mean is not None:
        x = _x(overall_mean, left, width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" stroke="{MUTED}" stroke-dasharray="4 3"/>'
        )
    for index, row in enumerate(rows):
        result = row["result"]
        label_y = top + row_height * index + 16
        y = label_y + 14
        parts.append(f'<text x="{left}" y="{label_y}" font-size="14">{_label(row["label"], 40)}</text>')
        for total in result.totals:
            parts.append(
                f'<circle cx="{_x(total, left, width):.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}" fill-opacity="0.35"/>'
            )
        if result.mean is not None:
            low, high = result.mean - (result.sd or 0), result.mean + (result.sd or 0)
            parts.append(
                f'<line x1="{_x(low, left, width):.1f}" y1="{y:.1f}" x2="{_x(high, left, width):.1f}" y2="{y:.1f}" '
                f'stroke="{ACCENT}" stroke-width="3"/>'
            )
            parts.append(
                f'<rect x="{_x(result.mean, left, width) - 4:.1f}" y="{y - 6:.1f}" width="8" height="12" fill="{ACCENT}">'
                f"<title>{escape(row['label'])}: {result.mean:.1f} ± {result.sd or 0:.1f} (n={result.n})</title></rect>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _levels(criterion) -> list[Decimal]:
    levels = []
    value = criterion.scale_min
    while value <= criterion.scale_max and len(levels) < 101:
        levels.append(value)
        value += criterion.step
    return levels


def criterion_histogram(criterion, counts: dict) -> SafeString:
    """Bars: how many times each level of the criterion's scale was given. About as wide as a phone's screen; on a
    long scale only every n-th level is labelled, so that labels never overlap."""
    levels = _levels(criterion)
    left, width, height, bottom = 28, 260, 150, 20
    peak = max(counts.values(), default=0) or 1
    bar = width / max(1, len(levels))
    longest = max((len(f"{level.normalize():f}") for level in levels), default=1)
    every = max(1, math.ceil((longest * 7 + 6) / bar))  # a 12-unit digit is about 7 units wide
    name = escape(criterion.name)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 8} {height + bottom}" role="img" '
        f'class="chart" aria-label="{name}">',
        f"<title>{escape(_('How often each score was given'))}: {name}</title>",
        f'<line x1="{left}" y1="{height}" x2="{left + width}" y2="{height}" stroke="{GRID}"/>',
        f'<text x="{left - 4}" y="14" font-size="12" text-anchor="end" fill="{MUTED}">{peak}</text>',
    ]
    for index, level in enumerate(levels):
        count = counts.get(level, 0)
        bar_height = (height - 10) * count / peak
        x = left + index * bar
        label = f"{level.normalize():f}"
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{height - bar_height:.1f}" width="{max(1.0, bar - 2):.1f}" '
            f'height="{bar_height:.1f}" fill="{ACCENT}"><title>{label}: {count}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height + 15}" font-size="12" text-anchor="middle" fill="{MUTED}">{label}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
