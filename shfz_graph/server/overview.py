"""The home page's content: the dataset, its zones (district, area, sectors) and the sector-by-zone matrix.

Bounded at any size: the zones and sectors shown are capped (`ZONES_SHOWN`, `SECTORS_SHOWN`; ours are far
fewer), chosen and counted by SPARQL in the query workers, so the page costs the same whatever the graph
holds; a capped table says so and links to a query that lists everything.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, VOID
from rdflib.term import Node

from shfz_graph.iris import iri_problem
from shfz_graph.query.results import Result
from shfz_graph.server.site import Site, TermView
from shfz_graph.vocab import QUDT, SHFZ, UNIT, sparql_prologue

__all__ = [
    "SECTORS_SHOWN",
    "ZONES_SHOWN",
    "Area",
    "BatchGroup",
    "DatasetInfo",
    "Overview",
    "SectorRow",
    "ZoneRow",
    "build_overview",
]

#: At most this many zones in the home page's tables, chart and matrix (the largest; our data has 23).
ZONES_SHOWN = 40
#: At most this many sectors in the sector-by-zone matrix (our data has about 40).
SECTORS_SHOWN = 80

_PROLOGUE = sparql_prologue("shfz", "rdfs", "qudt", "skos")
#: The zones of the home page: linked innovation zones (the free trade zones have /pilot-ftzs) with an
#: area, district, sector or batch.
_ZONE_FILTER = """FILTER EXISTS {
    VALUES ?p { shfz:hasArea shfz:inDistrict shfz:hasFocusSector shfz:inBatch } ?zone ?p ?any
  }"""
#: Every zone with its largest stated area, largest first (the query behind "all zones").
ALL_ZONES_QUERY = f"""{_PROLOGUE}SELECT ?zone (MAX(?value) AS ?area) WHERE {{
  ?zone a/rdfs:subClassOf* shfz:LinkedInnovationZone .
  {_ZONE_FILTER}
  OPTIONAL {{ ?zone shfz:hasArea/qudt:numericValue ?value }}
}}
GROUP BY ?zone
ORDER BY DESC(?area) ?zone
"""
#: Every sector with its broader sectors (the query behind "all sectors").
ALL_SECTORS_QUERY = f"""{_PROLOGUE}SELECT ?sector ?broader WHERE {{
  ?sector a/rdfs:subClassOf* shfz:Sector .
  FILTER(isIRI(?sector))
  OPTIONAL {{ ?sector skos:broader ?broader }}
}}
ORDER BY ?broader ?sector
"""

_UNIT_SYMBOLS = {UNIT.KiloM2: "km²", UNIT.M2: "m²", UNIT.HA: "ha"}


@dataclass(frozen=True)
class Area:
    """A stated area: its number, unit symbol and whether the source said "about"."""

    value: float
    unit: str
    approximate: bool
    figure: str

    @property
    def text(self) -> str:
        """`about 14 km²` or `50 km²`."""
        number = f"{self.value:g}"
        return f"{'about ' if self.approximate else ''}{number} {self.unit}".strip()


@dataclass
class ZoneRow:
    """One row of the zones table."""

    zone: TermView
    short: str
    label_zh: str | None
    kinds: list[TermView]
    districts: list[TermView]
    bonded_areas: list[TermView]
    area: Area | None
    sectors: list[TermView]
    batch: str | None = None  # IRI of the zone's batch


@dataclass
class BatchGroup:
    """The zones of one batch, for one table of the home page (`batch` is None for zones in no batch)."""

    batch: TermView | None
    announced: str | None
    notice: TermView | None
    zones: list[ZoneRow]


@dataclass
class SectorRow:
    """One row of the sector-by-zone matrix: a sector, its depth in the scheme, and one cell per zone."""

    sector: TermView
    depth: int
    cells: list[tuple[str, str]]  # (mark, explanation) per zone column: "focus", "initiative" or ""


@dataclass
class DatasetInfo:
    """A dataset described in the data (a void:Dataset): title, description, licence, sources."""

    iri: TermView
    title: str
    description: str | None
    licenses: list[TermView]
    sources: list[TermView]


@dataclass
class Overview:
    """Everything the home page shows."""

    datasets: list[DatasetInfo]
    ontology: dict[str, str | None]
    zones: list[ZoneRow]
    sectors: list[SectorRow]
    counts: dict[str, int]
    batches: list[BatchGroup] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    zones_total: int = 0  # zones in the graph; `zones` holds the largest `ZONES_SHOWN` of them
    sectors_total: int = 0  # sectors in the graph; `sectors` holds at most `SECTORS_SHOWN` of them
    zones_query: str = ALL_ZONES_QUERY
    sectors_query: str = ALL_SECTORS_QUERY

    @property
    def zones_capped(self) -> bool:
        """Whether the tables show fewer zones than the graph has."""
        return len(self.zones) < self.zones_total

    @property
    def sectors_capped(self) -> bool:
        """Whether the matrix shows fewer sectors than the graph has."""
        return len(self.sectors) < self.sectors_total


def _area(site: Site, zone: URIRef) -> Area | None:
    for figure in site.dataset.objects(zone, SHFZ.hasArea):
        value = site.dataset.value(figure, QUDT.numericValue)
        if not isinstance(value, Literal):
            continue
        try:
            number = float(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            continue
        unit = site.dataset.value(figure, QUDT.hasUnit)
        if unit is None:
            symbol = ""
        else:
            symbol = _UNIT_SYMBOLS.get(unit, "") if isinstance(unit, URIRef) else ""
            symbol = symbol or site.label(unit)
        approx = site.dataset.value(figure, SHFZ.isApproximate)
        approximate = isinstance(approx, Literal) and approx.toPython() is True
        return Area(number, symbol, approximate, str(figure))
    return None


def _common_suffix(labels: list[str]) -> str:
    """The longest run of whole words that every label ends with (" linked innovation zone")."""
    if len(labels) < 2:
        return ""
    split = [label.split(" ") for label in labels]
    suffix: list[str] = []
    for words in zip(*(reversed(s) for s in split), strict=False):
        if len({w.lower() for w in words}) != 1:
            break
        suffix.insert(0, words[0])
    if any(len(s) <= len(suffix) for s in split):
        return ""
    return " " + " ".join(suffix) if suffix else ""


def short_labels(labels: list[str]) -> list[str]:
    """Labels without the words they all end with, first letter capitalised, for compact charts."""
    suffix = _common_suffix(labels)
    out = []
    for label in labels:
        short = label[: -len(suffix)] if suffix and label.lower().endswith(suffix.lower()) else label
        out.append(short[:1].upper() + short[1:])
    return out


def _number(result: Result, variable: str = "n") -> int:
    value = result.rows[0][variable] if result.rows else None
    return int(value.toPython()) if isinstance(value, Literal) else 0


def _classes(site: Site, *tops: URIRef) -> dict[URIRef, list[URIRef]]:
    """Each class of `tops` with its subclasses in the data (asked once: a property path next to a type
    lookup is slow in the store, a list of classes is not)."""
    values = " ".join(f"<{top}>" for top in tops)
    text = (
        f"{_PROLOGUE}SELECT DISTINCT ?top ?class WHERE {{ VALUES ?top {{ {values} }} "
        "?class rdfs:subClassOf* ?top }"
    )
    found: dict[URIRef, set[URIRef]] = {top: {top} for top in tops}
    for row in site.ask(text).rows:
        top, cls = row["top"], row["class"]
        if isinstance(top, URIRef) and isinstance(cls, URIRef) and iri_problem(str(cls)) is None:
            found[top].add(cls)
    return {top: sorted(classes, key=str) for top, classes in found.items()}


def _typed(classes: list[URIRef], variable: str) -> str:
    """A pattern: `?variable` is an instance of one of `classes` (IRIs are picked out here: a filter in
    the store costs more than the whole lookup)."""
    values = " ".join(f"<{c}>" for c in classes)
    return f"VALUES ?class {{ {values} }} ?{variable} a ?class ."


def _count(site: Site, pattern: str, variable: str) -> int:
    """The number of distinct `?variable` matching `pattern` (counted by the query workers)."""
    return _number(site.ask(f"{_PROLOGUE}SELECT (COUNT(DISTINCT ?{variable}) AS ?n) WHERE {{ {pattern} }}"))


def _some(site: Site, pattern: str, variable: str, limit: int) -> list[URIRef]:
    """Up to `limit` distinct IRIs `?variable` matching `pattern`."""
    text = f"{_PROLOGUE}SELECT DISTINCT ?{variable} WHERE {{ {pattern} }} LIMIT {limit}"
    return [n for row in site.ask(text).rows if isinstance(n := row[variable], URIRef)]


def _some_and_count(site: Site, pattern: str, variable: str, limit: int) -> tuple[list[URIRef], int]:
    """Up to `limit + 1` IRIs matching `pattern`, and how many there are (counted only past `limit`)."""
    found = _some(site, pattern, variable, limit + 1)
    return found, len(found) if len(found) <= limit else _count(site, pattern, variable)


def _largest_zones(site: Site, classes: list[URIRef], limit: int) -> list[URIRef]:
    """The `limit` zones with the largest stated areas, largest first."""
    text = (
        f"{_PROLOGUE}SELECT ?zone (MAX(?value) AS ?area) WHERE {{ {_typed(classes, 'zone')} "
        f"?zone shfz:hasArea ?figure . ?figure qudt:numericValue ?value }} "
        f"GROUP BY ?zone ORDER BY DESC(?area) ?zone LIMIT {limit}"
    )
    return [z for row in site.ask(text).rows if isinstance(z := row["zone"], URIRef)]


def _shown_zones(some: list[URIRef], total: int, largest: list[URIRef], limit: int) -> list[URIRef]:
    """All zones when there are at most `limit`, else the `limit` largest (by stated area; then others if
    fewer have one)."""
    if total <= limit:
        return some
    return largest + [z for z in some if z not in largest][: limit - len(largest)]


def _zone_rows(site: Site, zones: list[URIRef]) -> list[ZoneRow]:
    ds = site.dataset
    shorts = short_labels([site.label(z) for z in zones])
    rows = []
    for zone, short in zip(zones, shorts, strict=True):
        asserted_kinds = {o for g in site.asserted for o in g.objects(zone, RDF.type)}
        rows.append(
            ZoneRow(
                zone=site.term(zone),
                short=short,
                label_zh=site.label_zh(zone),
                kinds=[
                    site.predicate_term(k) for k in sorted(asserted_kinds, key=str) if isinstance(k, URIRef)
                ],
                districts=[site.term(d) for d in sorted(ds.objects(zone, SHFZ.inDistrict), key=str)],
                bonded_areas=[
                    site.term(b) for b in sorted(ds.objects(zone, SHFZ.inBondedArea), key=site.label)
                ],
                area=_area(site, zone),
                sectors=[site.term(s) for s in sorted(ds.objects(zone, SHFZ.hasFocusSector), key=site.label)],
                batch=next((str(b) for b in ds.objects(zone, SHFZ.inBatch)), None),
            )
        )
    # largest first reads best in a table of areas; zones without a figure go last
    rows.sort(key=lambda r: (r.area is None, -(r.area.value if r.area else 0), r.zone.text.lower()))
    return rows


def _batch_groups(site: Site, zones: list[ZoneRow]) -> list[BatchGroup]:
    """The zones split by batch, oldest batch first; zones in no batch come last, in a group of their own."""
    ds = site.dataset
    groups: list[BatchGroup] = []
    batches = {row.batch for row in zones if row.batch is not None}

    def announced(batch: str) -> str:
        value = ds.value(URIRef(batch), SHFZ.announcedOn)
        return str(value) if value is not None else ""

    for batch in sorted(batches, key=lambda b: (announced(b), b)):
        iri = URIRef(batch)
        notice = ds.value(iri, SHFZ.hasNotice)
        groups.append(
            BatchGroup(
                batch=site.term(iri),
                announced=announced(batch) or None,
                notice=site.term(notice) if notice is not None else None,
                zones=[row for row in zones if row.batch == batch],
            )
        )
    loose = [row for row in zones if row.batch is None]
    if loose:
        groups.append(BatchGroup(batch=None, announced=None, notice=None, zones=loose))
    return groups


def _sector_order(site: Site, sectors: set[URIRef]) -> list[tuple[URIRef, int]]:
    """Sectors as a tree walk: top concepts by label, each followed by its narrower concepts."""
    ds = site.dataset
    broader = {s: [b for b in ds.objects(s, SKOS.broader) if b in sectors] for s in sectors}
    children: dict[Node, list[URIRef]] = {}
    for s, parents in broader.items():
        for p in parents:
            children.setdefault(p, []).append(s)
    roots = sorted((s for s in sectors if not broader[s]), key=lambda n: site.label(n).lower())
    order: list[tuple[URIRef, int]] = []
    seen: set[URIRef] = set()

    def walk(node: URIRef, depth: int) -> None:
        if node in seen:
            return
        seen.add(node)
        order.append((node, depth))
        for child in sorted(children.get(node, []), key=lambda n: site.label(n).lower()):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return order


def _with_broader(site: Site, sectors: set[Node]) -> set[URIRef]:
    """`sectors` and every sector broader than one of them (so that the matrix keeps its tree)."""
    found: set[URIRef] = set()
    todo = [s for s in sectors if isinstance(s, URIRef)]
    while todo:
        sector = todo.pop()
        if sector not in found:
            found.add(sector)
            todo.extend(b for b in site.dataset.objects(sector, SKOS.broader) if isinstance(b, URIRef))
    return found


def _sector_rows(
    site: Site, zones: list[ZoneRow], found: tuple[list[URIRef], int], *, limit: int
) -> tuple[list[SectorRow], int]:
    """The matrix's rows, and how many sectors the graph has. All sectors when there are at most `limit`;
    else those the shown zones focus on or serve (with their broader sectors), at most `limit`."""
    ds = site.dataset
    zone_iris = [URIRef(z.zone.iri or "") for z in zones]
    focus = {(z, s) for z in zone_iris for s in ds.objects(z, SHFZ.hasFocusSector)}
    served: dict[tuple[URIRef, Node], list[str]] = {}
    for z in zone_iris:
        initiatives = set(ds.objects(z, SHFZ.hasInitiative)) | set(ds.subjects(SHFZ.initiativeOf, z))
        for initiative in initiatives:
            for sector in ds.objects(initiative, SHFZ.servesSector):
                served.setdefault((z, sector), []).append(site.label(initiative))
    every, total = found
    if total <= limit:
        sectors = set(every)
    else:
        marked = {s for _, s in focus} | {s for _, s in served}
        sectors = _with_broader(site, marked)
    rows = []
    for sector, depth in _sector_order(site, sectors)[:limit]:
        cells = []
        for z in zone_iris:
            names = sorted(served.get((z, sector), []))
            if (z, sector) in focus:
                note = "focus sector" + (f"; initiatives: {'; '.join(names)}" if names else "")
                cells.append(("focus", note))
            elif names:
                cells.append(("initiative", "initiatives: " + "; ".join(names)))
            else:
                cells.append(("", ""))
        rows.append(SectorRow(site.term(sector), depth, cells))
    return rows, total


def _datasets(site: Site) -> list[DatasetInfo]:
    out = []
    for graph in site.asserted:
        for subject in sorted(set(graph.subjects(RDF.type, VOID.Dataset)), key=str):
            title = graph.value(subject, DCTERMS.title)
            description = graph.value(subject, DCTERMS.description)
            out.append(
                DatasetInfo(
                    iri=site.term(subject),
                    title=str(title) if title is not None else site.label(subject),
                    description=str(description) if description is not None else None,
                    licenses=[site.term(x) for x in sorted(graph.objects(subject, DCTERMS.license), key=str)],
                    sources=[site.term(x) for x in sorted(graph.objects(subject, DCTERMS.source), key=str)],
                )
            )
    # the data's own dataset (the one with sources) first: the home page opens with its description
    return sorted(out, key=lambda d: (not d.sources, d.title.lower()))


def _ontology_info(site: Site) -> dict[str, str | None]:
    from rdflib.namespace import OWL

    graph = site.kg.graph("ontology")
    onto = next((s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
    if onto is None:
        return {}

    def text(prop: URIRef) -> str | None:
        value = graph.value(onto, prop)
        return str(value) if value is not None else None

    return {
        "iri": str(onto),
        "href": site.href(str(onto)),
        "title": text(DCTERMS.title),
        "abstract": text(DCTERMS.abstract) or text(DCTERMS.description),
        "version": text(OWL.versionInfo),
        "license": text(DCTERMS.license),
    }


_STATS = {"sites": SHFZ.Site, "initiatives": SHFZ.Initiative, "sources": SHFZ.SourceDocument}


def _stats(site: Site, classes: dict[URIRef, list[URIRef]]) -> dict[str, int]:
    """The numbers at the top of the home page, counted by the query workers (triples by the store)."""
    pairs = " ".join(f"(<{top}> <{cls}>)" for top in _STATS.values() for cls in classes[top])
    text = (
        f"SELECT ?top (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES (?top ?class) {{ {pairs} }} "
        "?x a ?class } GROUP BY ?top"
    )
    found = {row["top"]: row["n"] for row in site.ask(text).rows}
    out = {
        key: int(n.toPython()) if isinstance(n := found.get(cls), Literal) else 0
        for key, cls in _STATS.items()
    }
    out["triples"] = len(site.dataset)  # distinct triples of the union, as queries see them
    return out


def build_overview(site: Site, *, max_zones: int | None = None, max_sectors: int | None = None) -> Overview:
    """Collect the home page's content from the graph: at most `max_zones` zones (the largest; default
    `ZONES_SHOWN`) and `max_sectors` sectors (`SECTORS_SHOWN`), with the totals, so that the page can say
    what it leaves out."""
    max_zones = ZONES_SHOWN if max_zones is None else max_zones
    max_sectors = SECTORS_SHOWN if max_sectors is None else max_sectors
    classes = _classes(site, SHFZ.LinkedInnovationZone, SHFZ.Sector, *_STATS.values())  # FTZs: /pilot-ftzs
    zone_pattern = _typed(classes[SHFZ.LinkedInnovationZone], "zone") + " " + _ZONE_FILTER
    with ThreadPoolExecutor(max_workers=3) as pool:  # the workers answer these side by side
        zones_found = pool.submit(_some_and_count, site, zone_pattern, "zone", max_zones)
        sectors_found = pool.submit(
            _some_and_count, site, _typed(classes[SHFZ.Sector], "sector"), "sector", max_sectors
        )
        numbers = pool.submit(_stats, site, classes)
        largest = _largest_zones(site, classes[SHFZ.LinkedInnovationZone], max_zones)
        some, zones_total = zones_found.result()
        zones = _zone_rows(site, _shown_zones(some, zones_total, largest, max_zones))
        sectors, sectors_total = _sector_rows(site, zones, sectors_found.result(), limit=max_sectors)
        stats = {
            "zones": zones_total,  # the zones of the tables below (not the bonded areas or the FTZ itself)
            "sectors": sectors_total,
            **numbers.result(),
        }
    return Overview(
        datasets=_datasets(site),
        ontology=_ontology_info(site),
        zones=zones,
        sectors=sectors,
        counts=site.kg.counts(),
        stats=stats,
        batches=_batch_groups(site, zones),
        zones_total=zones_total,
        sectors_total=sectors_total,
    )
