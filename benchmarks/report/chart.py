"""A small SVG line chart of our own (no third-party code): series of (x, y) points over shared axes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 40
COLOURS = ("#1f5fa8", "#c0392b", "#2e7d32", "#6a1b9a")


@dataclass
class Series:
    """One line: its name (in the legend) and its points."""

    name: str
    points: list[tuple[float, float]]


def _ticks(high: float, count: int = 4, *, round_up: bool = True) -> list[float]:
    """About `count` round tick values from 0: up to the first at or past `high` (`round_up`), else up to
    `high` itself."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / count
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < high:
        ticks.append(len(ticks) * step)
    if not round_up and ticks[-1] > high:
        ticks.pop()
    return ticks


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def line_chart(title: str, x_label: str, y_label: str, series: list[Series]) -> str:
    """The chart as an SVG document: one polyline per series (a point per sample), axes from 0, the x
    axis up to the last point and the y axis up to a round value."""
    xs = [x for s in series for x, _ in s.points] or [0.0]
    ys = [y for s in series for _, y in s.points] or [0.0]
    x_ticks, y_ticks = _ticks(max(xs), round_up=False), _ticks(max(ys))
    x_high, y_high = max(max(xs), x_ticks[-1]), y_ticks[-1]  # the x axis ends with the data
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def at(x: float, y: float) -> str:
        return f"{LEFT + plot_w * x / x_high:.1f},{TOP + plot_h * (1 - y / y_high):.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="16" font-size="13">{escape(title)}</text>',
    ]
    for y in y_ticks:
        _, py = at(0, y).split(",")
        parts.append(f'<line x1="{LEFT}" y1="{py}" x2="{WIDTH - RIGHT}" y2="{py}" stroke="#dddddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{py}" text-anchor="end" dy="4">{_number(y)}</text>')
    for x in x_ticks:
        px, _ = at(x, 0).split(",")
        parts.append(f'<text x="{px}" y="{TOP + plot_h + 16}" text-anchor="middle">{_number(x)}</text>')
    parts += [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#444444"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#444444"/>',
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text transform="translate(14 {TOP + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>",
    ]
    for index, line in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points = " ".join(at(x, y) for x, y in line.points)
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}">'
            f"<title>{escape(line.name)}</title></polyline>"
        )
        legend_x = WIDTH - RIGHT - 250
        legend_y = TOP + 14 * index + 4
        parts.append(
            f'<line x1="{legend_x}" y1="{legend_y}" x2="{legend_x + 18}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(f'<text x="{legend_x + 24}" y="{legend_y + 4}">{escape(line.name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
