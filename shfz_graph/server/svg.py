"""Charts and diagrams drawn on the server as inline SVG (no JavaScript, works offline)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Bar", "Edge", "Node", "bar_chart", "graph", "neighbourhood", "neighbourhood_column"]

#: Fill and stroke per kind of thing (the path segment after `id/`).
PALETTE = {
    "zone": ("#dbeafe", "#1d4ed8"),
    "bonded-area": ("#e0e7ff", "#4338ca"),
    "district": ("#dcfce7", "#15803d"),
    "municipality": ("#dcfce7", "#15803d"),
    "country": ("#dcfce7", "#15803d"),
    "sector": ("#fef3c7", "#b45309"),
    "site": ("#f3e8ff", "#7e22ce"),
    "site-type": ("#f3e8ff", "#7e22ce"),
    "initiative": ("#ffedd5", "#c2410c"),
    "source": ("#f1f5f9", "#475569"),
    "figure": ("#fce7f3", "#be185d"),
    "ontology": ("#ecfeff", "#0e7490"),
}
_DEFAULT_COLOURS = ("#f8fafc", "#334155")


def _colours(kind: str) -> tuple[str, str]:
    return PALETTE.get(kind, _DEFAULT_COLOURS)


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: wide (CJK) characters take a full em, others about 0.56 em."""
    em = sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.6 for c in text)
    return em * size


def _fit(text: str, width: float, size: float) -> str:
    """The text, shortened with an ellipsis so that it fits `width` pixels: whole words are dropped from
    the end (never a word cut in its middle); a first word too long on its own is cut."""
    if _text_width(text, size) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        shorter = " ".join(words).rstrip(",;:-–") + "…"
        if _text_width(shorter, size) <= width:
            return shorter
    out = ""
    for c in text:
        if _text_width(out + c + "…", size) > width:
            break
        out += c
    return out.rstrip() + "…"


def _nice_step(maximum: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` ticks up to `maximum`."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the text to print at its end, whether the figure is approximate, a link.

    A `value` of None is a thing for which no source gives a figure: it gets a row with its text ("no figure
    given") and no bar, never a bar of length zero.
    """

    label: str
    value: float | None
    text: str
    approximate: bool = False
    href: str | None = None


def _link(inner: str, href: str | None, title: str) -> str:
    if not href:
        return f"<g><title>{escape(title)}</title>{inner}</g>"
    return f"<a href={quoteattr(href)}><title>{escape(title)}</title>{inner}</a>"


_ROW, _TOP, _LABEL_W, _VALUE_W = 30, 34, 220, 110  # the bar chart's row height, top margin, columns


def bar_chart(bars: list[Bar], *, title: str, unit: str = "", width: int = 720) -> str:
    """A horizontal bar chart; approximate values are hatched and the legend says so; rows without a value
    show their text in grey where the bar would be."""
    plot_w = width - _LABEL_W - _VALUE_W - 20
    height = _TOP + _ROW * len(bars) + (66 if any(b.approximate for b in bars) else 46)
    maximum = max((b.value for b in bars if b.value is not None), default=0.0)
    step = _nice_step(maximum)
    axis_max = step * math.ceil(maximum / step) if maximum > 0 else step

    def x(value: float) -> float:
        return _LABEL_W + plot_w * value / axis_max

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="group" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#bfdbfe"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1d4ed8" stroke-width="2"/></pattern></defs>',
        f'<text x="{_LABEL_W}" y="18" class="chart-caption" font-size="13" fill="#334155">'
        f"{escape(title)}</text>",
    ]
    bottom = _TOP + _ROW * len(bars)
    out += _grid(x, step, axis_max, bottom)
    if unit:
        out.append(
            f'<text x="{_LABEL_W + plot_w / 2:.1f}" y="{bottom + 32}" font-size="11" '
            f'fill="#64748b" text-anchor="middle">{escape(unit)}</text>'
        )
    out += [_bar_row(bar, _TOP + i * _ROW, x) for i, bar in enumerate(bars)]
    if any(b.approximate for b in bars):
        ly = height - 8
        out.append(
            f'<rect x="{_LABEL_W}" y="{ly - 10}" width="14" height="12" fill="url(#hatch)" stroke="#1d4ed8" '
            f'stroke-dasharray="4 2"/><text x="{_LABEL_W + 20}" y="{ly}" font-size="11" fill="#475569">'
            "hatched: the source gives the figure as approximate (“about”)</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _grid(x: Callable[[float], float], step: float, axis_max: float, bottom: int) -> list[str]:
    """The vertical grid lines of the bar chart, each with its value under the axis."""
    lines = []
    tick = 0.0
    while tick <= axis_max + 1e-9:
        tx = x(tick)
        lines.append(
            f'<line x1="{tx:.1f}" y1="{_TOP - 6}" x2="{tx:.1f}" y2="{bottom}" '
            'stroke="#e2e8f0" stroke-width="1"/>'
            f'<text x="{tx:.1f}" y="{bottom + 16}" font-size="11" fill="#64748b" '
            f'text-anchor="middle">{tick:g}</text>'
        )
        tick += step
    return lines


def _bar_row(bar: Bar, y: int, x: Callable[[float], float]) -> str:
    """One row of the bar chart: the label, and the bar with its text (or the text alone, in grey)."""
    label = (
        f'<text x="{_LABEL_W - 8}" y="{y + 19}" font-size="13" fill="#0f172a" text-anchor="end">'
        f"{escape(_fit(bar.label, _LABEL_W - 12, 13))}</text>"
    )
    if bar.value is None:
        inner = label + (
            f'<text x="{_LABEL_W + 6}" y="{y + 19}" font-size="12" fill="#64748b" font-style="italic" '
            f'class="no-figure">{escape(bar.text)}</text>'
        )
        return _link(inner, bar.href, f"{bar.label}: {bar.text}")
    fill = "url(#hatch)" if bar.approximate else "#1d4ed8"
    bar_w = max(x(bar.value) - _LABEL_W, 1.0)
    dash = ' stroke-dasharray="4 2"' if bar.approximate else ""
    inner = label + (
        f'<rect x="{_LABEL_W}" y="{y + 5}" width="{bar_w:.1f}" height="{_ROW - 10}" rx="3" fill="{fill}" '
        f'stroke="#1d4ed8" stroke-width="1"{dash}/>'
        f'<text x="{_LABEL_W + bar_w + 6:.1f}" y="{y + 19}" font-size="12" fill="#334155">'
        f"{escape(bar.text)}</text>"
    )
    return _link(inner, bar.href, f"{bar.label}: {bar.text}")


@dataclass(frozen=True)
class Node:
    """A node of a diagram: its label, kind (for colour) and link."""

    label: str
    kind: str
    href: str | None = None


@dataclass(frozen=True)
class Edge:
    """A link between the centre and a neighbour: `out` (centre -> node), `in` (node -> centre) or `both`
    (one arrow each way, drawn once, its label naming the property of each way)."""

    label: str
    direction: str
    node: Node


def _box(node: Node, cx: float, cy: float, w: float, h: float, *, bold: bool = False) -> str:
    fill, stroke = _colours(node.kind)
    weight = ' font-weight="600"' if bold else ""
    inner = (
        f'<rect x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{2 if bold else 1.2}"/>'
        f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="12" text-anchor="middle" fill="#0f172a"{weight}>'
        f"{escape(_fit(node.label, w - 12, 12))}</text>"
    )
    return _link(inner, node.href, node.label)


def neighbourhood(centre: Node, edges: list[Edge], *, more: int = 0, width: int = 1040) -> str:
    """A thing in the middle, what it links to on the right and what links to it on the left."""
    left = [e for e in edges if e.direction == "in"]
    right = [e for e in edges if e.direction != "in"]
    gap, box_h, node_w, centre_w = 34, 24, 250, 250
    rows = max(len(left), len(right), 1)
    height = rows * gap + 40 + (18 if more else 0)
    mid_y = 20 + rows * gap / 2
    cx = width / 2
    lx, rx = 10 + node_w / 2, width - 10 - node_w / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram wide" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" aria-labelledby="diagram-title">',
        f'<title id="diagram-title">Neighbourhood of {escape(centre.label)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>',
    ]
    for side, items in (("in", left), ("out", right)):
        column_top = mid_y - len(items) * gap / 2 + gap / 2
        for i, edge in enumerate(items):
            y = column_top + i * gap
            if side == "out":
                x1, x2 = cx + centre_w / 2, rx - node_w / 2
                label_x, anchor = x2 - 6, "end"
                arrow = ' marker-end="url(#arrow)"'
                if edge.direction == "both":
                    arrow += ' marker-start="url(#arrow)"'
            else:
                x1, x2 = lx + node_w / 2, cx - centre_w / 2
                label_x, anchor = x1 + 6, "start"
                arrow = ' marker-end="url(#arrow)"'
            y1, y2 = (mid_y, y) if side == "out" else (y, mid_y)
            label_y = y - 5
            out.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#94a3b8" '
                f'stroke-width="1.2"{arrow}/>'
                f'<text x="{label_x:.1f}" y="{label_y:.1f}" font-size="11" fill="#475569" '
                f'text-anchor="{anchor}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                f"<title>{escape(edge.label)}</title>"
                f"{escape(_fit(edge.label, (rx - lx) / 2 - node_w / 2 - centre_w / 2 + 30, 11))}</text>"
            )
            out.append(_box(edge.node, lx if side == "in" else rx, y, node_w, box_h))
    out.append(_box(centre, cx, mid_y, centre_w, box_h + 8, bold=True))
    if more:
        out.append(
            f'<text x="{cx:.1f}" y="{height - 8:.0f}" font-size="11" fill="#64748b" text-anchor="middle">'
            f"and {more} more link{'s' if more != 1 else ''}, listed below</text>"
        )
    out.append("</svg>")
    return "".join(out)


def neighbourhood_column(centre: Node, edges: list[Edge], *, more: int = 0, width: int = 360) -> str:
    """The neighbourhood in one column, for a phone: the thing on top, then each related thing under the
    name of its link (what links here first), drawn at the width it is shown so that text stays legible."""
    row, box_h = 50, 26
    height = 46 + row * len(edges) + (22 if more else 0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram column" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="column-title">',
        f'<title id="column-title">Neighbourhood of {escape(centre.label)}</title>',
        _box(centre, width / 2, 18, width - 8, box_h + 6, bold=True),
    ]
    for i, edge in enumerate(edges):
        y = 46 + i * row
        way = {"in": "← links here:", "out": "→", "both": "↔"}[edge.direction]
        out.append(
            f'<text x="14" y="{y + 12}" font-size="12" fill="#475569"><title>{escape(edge.label)}</title>'
            f"{escape(_fit(way + ' ' + edge.label, width - 24, 12))}</text>"
        )
        out.append(_box(edge.node, width / 2 + 6, y + 16 + box_h / 2, width - 20, box_h))
    if more:
        out.append(
            f'<text x="{width / 2}" y="{height - 6}" font-size="12" fill="#64748b" text-anchor="middle">'
            f"and {more} more link{'s' if more != 1 else ''}, listed below</text>"
        )
    out.append("</svg>")
    return "".join(out)


def graph(triples: list[tuple[Node, str, Node]], *, width: int = 720) -> str:
    """A graph answer drawn as rows: each subject once on the left, the things it links to on the right,
    each arrow with its property (a small answer's shape at a glance; the table holds every value)."""
    gap, box_h, node_w = 34, 24, 230
    groups: dict[Node, list[tuple[str, Node]]] = {}
    for subject, label, obj in triples:
        groups.setdefault(subject, []).append((label, obj))
    height = len(triples) * gap + 16 + 6 * len(groups)
    lx, rx = 10 + node_w / 2, width - 10 - node_w / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram graph" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="graph-title">',
        '<title id="graph-title">The answer as a graph</title>',
        '<defs><marker id="graph-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/>'
        "</marker></defs>",
    ]
    y = 8.0
    for subject, links in groups.items():
        top = y
        for label, obj in links:
            cy = y + gap / 2
            out.append(
                f'<line x1="{lx + node_w / 2:.1f}" y1="{top + len(links) * gap / 2:.1f}" '
                f'x2="{rx - node_w / 2:.1f}" '
                f'y2="{cy:.1f}" stroke="#94a3b8" stroke-width="1.2" marker-end="url(#graph-arrow)"/>'
                f'<text x="{rx - node_w / 2 - 6:.1f}" y="{cy - 5:.1f}" font-size="11" fill="#475569" '
                'text-anchor="end" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                f"{escape(_fit(label, rx - lx - node_w - 20, 11))}</text>"
            )
            out.append(_box(obj, rx, cy, node_w, box_h))
            y += gap
        out.append(_box(subject, lx, top + len(links) * gap / 2, node_w, box_h, bold=True))
        y += 6
    out.append("</svg>")
    return "".join(out)
