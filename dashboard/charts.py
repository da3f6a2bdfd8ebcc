"""How a chart's axis is fitted to its figures, and the same chart drawn as SVG for the PDF pack.

The pages draw with Chart.js in the browser; the committee pack is a PDF
with no JavaScript, so it gets the same lines as SVG drawn here, on the same
axis (`fitted_axis`), from the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Okabe-Ito, darkened for contrast: distinguishable for the common colour-vision deficiencies
# (static/js/trend.js uses the same list).
COLOURS = ("#1d4f91", "#b35900", "#007a5a", "#a3366b", "#4d4d4d", "#0072b2", "#8a6d00", "#6a3d9a", "#b3261e")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "", "6 3", "2 2", "8 3 2 3", "")
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    step: float

    @property
    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(count + 1)]


def fitted_axis(values, *, percent: bool) -> Axis:
    """An axis that shows the figures' own range, on round numbers, with about five ticks.

    A 0-100% axis flattens a 62-79% range into a line; this one runs 60-80%.
    Counts keep zero at the bottom (a count's bar or line read against zero
    is honest) and fit the top; percentages fit both ends, never past 0 or 100.
    """
    present = [v for v in values if v is not None]
    if not present:
        return Axis(0, 100, 20) if percent else Axis(0, 5, 1)
    low, high = min(present), max(present)
    if not percent:
        low = 0
    least = 5 if percent else 4  # the narrowest axis: a flat line stays a line, not noise magnified
    step = next((s for s in NICE_STEPS if max(high - low, least) / s <= 5), NICE_STEPS[-1])
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    if not percent:
        return Axis(0, top + step if top == high else top, step)  # a little room above the highest count
    if top - bottom < least:
        bottom = max(0, top - least)
        top = min(100, bottom + least)
    return Axis(bottom, top, step)


def line_chart_svg(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    axis: Axis,
    *,
    unit: str = "",
    title: str = "",
    width: int = 640,
    height: int = 260,
) -> str:
    """A line chart as an SVG string: y on `axis`, one point per label, a gap where a value is None."""
    left, right, top, bottom = 48, 12, 12, 66
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (axis.high - axis.low) or 1

    def x(i: int) -> float:
        return left + (plot_w * i / max(len(labels) - 1, 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - (min(max(v, axis.low), axis.high) - axis.low) / span)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" font-size="10" '
        'font-family="sans-serif">'
    ]
    for tick in axis.ticks:
        ty = y(tick)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{ty + 3:.1f}" text-anchor="end">{tick:g}{unit}</text>')
    for i, label in enumerate(labels):
        out.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 14}" text-anchor="middle">{escape(label)}</text>'
        )
    legend_y = height - 14
    for n, (name, points) in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        run: list[str] = []
        runs = []
        for i, v in enumerate(points):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{x(i):.1f},{y(v):.1f}")
        if run:
            runs.append(run)
        for r in runs:
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="{3 if n == 0 else 2}"{dash_attr} '
                f'points="{" ".join(r)}"/>'
            )
            for p in r:
                px, py = p.split(",")
                out.append(f'<circle cx="{px}" cy="{py}" r="2.5" fill="{colour}"/>')
        lx = left + (n % 4) * 150
        # Four to a row; the last row sits at the bottom.
        ly = legend_y + (n // 4 - (len(series) - 1) // 4) * 12
        out.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="{ly - 3}" y2="{ly - 3}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        out.append(f'<text x="{lx + 22}" y="{ly}">{escape(name[:22])}</text>')
    out.append("</svg>")
    return "".join(out)
