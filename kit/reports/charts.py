"""Horizontal bar charts as SVG, for the reports: counts per status, findings per check, price divergences.

Written out here rather than drawn with matplotlib: a report has one or two
charts of a handful of bars, and importing matplotlib costs about half a second
per run (``python -X importtime``), which is most of a scheduled no-change
run's budget (issue 18: overhead <= 20 % of the job). The chart is an ``<img>``
with alt text and an SVG data URI, so it shows the same in a browser, in
JupyterLab and in an exported notebook.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from kit.fmt import number_pt

__all__ = ["Segment", "Bar", "bar_chart"]

ROW_H = 26
BAR_H = 18
CHAR_W = 7.0  # average width of a 12px sans-serif character, for the label column
FONT = "font-family:Helvetica,Arial,sans-serif;font-size:12px"


@dataclass(slots=True)
class Segment:
    """One piece of a bar: its value (negative values go left of zero), colour and legend name."""

    value: float
    color: str
    legend: str = ""


@dataclass(slots=True)
class Bar:
    """One row of the chart: a label and its segments, stacked from zero."""

    label: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def _fmt(value: float, decimals: int) -> str:
    return number_pt(value, decimals) if decimals else number_pt(round(value), 0)


def _scale(bars: Sequence[Bar], width: float) -> tuple[float, float]:
    """(x of zero, pixels per unit) so that every bar, positive or negative, fits in ``width``."""
    hi = max([0.0] + [sum(s.value for s in b.segments if s.value > 0) for b in bars])
    lo = min([0.0] + [sum(s.value for s in b.segments if s.value < 0) for b in bars])
    span = (hi - lo) or 1.0
    return (-lo / span) * width, width / span


def _legend(bars: Sequence[Bar], x: float, y: float) -> str:
    seen: dict[str, str] = {}
    for bar in bars:
        for s in bar.segments:
            if s.legend and s.legend not in seen:
                seen[s.legend] = s.color
    parts = []
    for name, color in seen.items():
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="{y + 9:.1f}" style="{FONT}">{escape(name)}</text>')
        x += 24 + CHAR_W * len(name)
    return "".join(parts)


def bar_chart(
    bars: Sequence[Bar], *, title: str, axis_label: str = "", width: int = 720, decimals: int = 0, suffix: str = ""
) -> str:
    """The chart as an ``<img>`` tag (alt text = title); values printed at the end of each bar, pt-BR formatted."""
    label_w = min(260.0, max([40.0] + [CHAR_W * len(b.label) for b in bars]) + 10)
    value_w = 90.0
    plot_w = max(120.0, width - label_w - value_w - 10)
    top = 28.0
    height = top + ROW_H * max(len(bars), 1) + 44
    zero, per_unit = _scale(bars, plot_w)
    x0 = label_w + zero
    out = [f'<text x="0" y="16" style="{FONT};font-size:14px;font-weight:bold">{escape(title)}</text>']
    for i, bar in enumerate(bars):
        y = top + i * ROW_H
        out.append(
            f'<text x="{label_w - 8:.1f}" y="{y + BAR_H - 4:.1f}" text-anchor="end" style="{FONT}">'
            f"{escape(bar.label)}</text>"
        )
        pos, neg = x0, x0
        for s in bar.segments:
            w = abs(s.value) * per_unit
            if w <= 0:
                continue
            if s.value >= 0:
                out.append(f'<rect x="{pos:.1f}" y="{y:.1f}" width="{w:.1f}" height="{BAR_H}" fill="{s.color}"/>')
                pos += w
            else:
                neg -= w
                out.append(f'<rect x="{neg:.1f}" y="{y:.1f}" width="{w:.1f}" height="{BAR_H}" fill="{s.color}"/>')
        text_x = (pos + 4) if bar.total >= 0 else (neg - 4)
        anchor = "start" if bar.total >= 0 else "end"
        out.append(
            f'<text x="{text_x:.1f}" y="{y + BAR_H - 4:.1f}" text-anchor="{anchor}" style="{FONT}">'
            f"{escape(_fmt(bar.total, decimals) + suffix)}</text>"
        )
    bottom = top + ROW_H * max(len(bars), 1)
    out.append(f'<line x1="{x0:.1f}" y1="{top - 4:.1f}" x2="{x0:.1f}" y2="{bottom:.1f}" stroke="#667085"/>')
    if axis_label:
        out.append(
            f'<text x="{label_w:.1f}" y="{bottom + 16:.1f}" style="{FONT};fill:#475467">{escape(axis_label)}</text>'
        )
    out.append(_legend(bars, label_w, bottom + 24))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}">{"".join(out)}</svg>'
    )
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="kit-chart" alt="{escape(title)}" src="data:image/svg+xml;base64,{data}">'
