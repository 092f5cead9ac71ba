"""What the map draws, as the graph says it: the districts with their zones and batches, from the answer
of the named query `zone-map`; the zones in no single district marked in the districts of their places,
from the answer of `zone-site-districts`; and the labels of the free trade zones (see `mapping`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from shfz_graph.errors import ParameterError
from shfz_graph.vocab import UNIT, sparql_prologue

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph
    from shfz_graph.query.results import Result

__all__ = [
    "LABELS_QUERY",
    "MARKS_QUERY",
    "QUERY",
    "SITE_QUERY",
    "BatchView",
    "DistrictView",
    "MapData",
    "MarkView",
    "ZoneView",
    "load",
    "map_data",
    "site_districts",
    "with_labels",
    "with_marks",
]

#: The named query whose answer the map draws.
QUERY = "zone-map"
#: The named query whose answer places the zones in no single district by the districts of their places.
MARKS_QUERY = "zone-site-districts"
#: The named query that gives the districts a site lies in, wholly or in part (for a site's locator map).
SITE_QUERY = "site-districts"
_UNIT_SYMBOLS = {UNIT.KiloM2: "km²", UNIT.M2: "m²", UNIT.HA: "ha"}


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


@dataclass(frozen=True)
class MarkView:
    """A zone in no single district, marked in a district: the zone (IRI, English label, batch IRI), how it
    is tied to a place (`relation`: "includes", "partly includes", "lies on", "has part of its area in",
    "shares ground with"), that place (IRI, English label), and whether only part of the place lies in the
    district (`part`)."""

    zone: str
    zone_label: str
    batch: str | None
    relation: str
    place: str
    place_label: str
    part: bool

    @property
    def text(self) -> str:
        """The tie in words, seen from the district: "lies on X, part of which lies here"."""
        return f"{self.relation} {self.place_label}, {'part of which' if self.part else 'which'} lies here"


@dataclass
class DistrictView:
    """A district of the graph: division code, IRI, labels, its zones, the free trade zones covering it,
    and the marks of the zones in no single district that reach it through one of their places."""

    code: str
    iri: str
    label: str
    label_zh: str | None
    zones: list[ZoneView] = field(default_factory=list)
    free_trade_zones: list[str] = field(default_factory=list)
    marks: list[MarkView] = field(default_factory=list)

    def marked_zones(self) -> dict[str, list[MarkView]]:
        """The marks by zone IRI, in the order the zones were first marked here."""
        out: dict[str, list[MarkView]] = {}
        for mark in self.marks:
            out.setdefault(mark.zone, []).append(mark)
        return out


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
                d.code,
                d.iri,
                d.label,
                d.label_zh,
                [z for z in d.zones if z.batch == iri],
                d.free_trade_zones,
                [m for m in d.marks if m.batch == iri],
            )
            for code, d in self.districts.items()
        }
        return MapData(districts, chosen, self.free_trade_zone_labels)

    def marked(self) -> list[tuple[str, str]]:
        """The zones marked on the map (IRI, English label), by label: the order of their symbols."""
        zones = {m.zone: m.zone_label for d in self.districts.values() for m in d.marks}
        return sorted(zones.items(), key=lambda item: (item[1], item[0]))

    def marked_in(self, zone: str) -> list[DistrictView]:
        """The districts in which the zone `zone` is marked, by name."""
        found = [d for d in self.districts.values() if any(m.zone == zone for m in d.marks)]
        return sorted(found, key=lambda d: d.label)

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
    """Ask the graph (the named query `zone-map`, the free trade zones' labels, then the named query
    `zone-site-districts`) what the map draws."""
    return with_marks(with_labels(map_data(kg.query(QUERY)), kg.query(LABELS_QUERY)), kg.query(MARKS_QUERY))


def with_marks(data: MapData, marks: Result) -> MapData:
    """The map's content with the marks of the zones in no single district (from the answer of the
    `zone-site-districts` query), each in the district of the map it names; districts the map does not
    hold are left out."""
    for row in marks.rows:
        district = data.districts.get(str(row["code"]))
        if district is None:
            continue
        part = row.get("part")
        mark = MarkView(
            zone=str(row["zone"]),
            zone_label=str(row["zoneLabel"]),
            batch=_text(row.get("batch")),
            relation=str(row["relation"]),
            place=str(row["place"]),
            place_label=str(row["placeLabel"]),
            part=isinstance(part, Literal) and part.toPython() is True,
        )
        if mark not in district.marks:
            district.marks.append(mark)
    return data


def site_districts(result: Result) -> dict[str, bool]:
    """The division codes of the districts a site lies in, from the answer of the `site-districts` query,
    each with True where only part of the site lies there."""
    out: dict[str, bool] = {}
    for row in result.rows:
        part = row.get("part")
        whole = not (isinstance(part, Literal) and part.toPython() is True)
        code = str(row["code"])
        out[code] = out.get(code, True) and not whole
    return out


def with_labels(data: MapData, labels: Result) -> MapData:
    """The map's content with the English labels of its free trade zones (from the `LABELS_QUERY` answer)."""
    ftzs = {f for d in data.districts.values() for f in d.free_trade_zones}
    data.free_trade_zone_labels = {
        str(row["thing"]): str(row["label"]) for row in labels.rows if str(row["thing"]) in ftzs
    }
    return data


#: English labels of the free trade zones (for the legend).
LABELS_QUERY = (
    sparql_prologue("rdfs", "shfz")
    + """SELECT ?thing ?label WHERE {
  ?thing a shfz:FreeTradeZone ; rdfs:label ?label .
  FILTER(lang(?label) = "en")
}"""
)
