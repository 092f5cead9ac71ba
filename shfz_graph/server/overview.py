"""The home page's content: the dataset, its zones (district, area, sectors) and the sector-by-zone matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, VOID
from rdflib.term import Node

from shfz_graph.server.site import Site, TermView
from shfz_graph.vocab import QUDT, SHFZ, UNIT

__all__ = ["Area", "BatchGroup", "DatasetInfo", "Overview", "SectorRow", "ZoneRow", "build_overview"]

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


def _zone_rows(site: Site) -> list[ZoneRow]:
    ds = site.dataset
    zones = [
        z
        for z in site.instances_with_subclasses(SHFZ.LinkedInnovationZone)  # the FTZs: /pilot-ftzs
        if any((z, p, None) in ds for p in (SHFZ.hasArea, SHFZ.inDistrict, SHFZ.hasFocusSector, SHFZ.inBatch))
    ]
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


def _sector_order(site: Site) -> list[tuple[URIRef, int]]:
    """Sectors as a tree walk: top concepts by label, each followed by its narrower concepts."""
    ds = site.dataset
    sectors = set(site.instances_with_subclasses(SHFZ.Sector))
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


def _sector_rows(site: Site, zones: list[ZoneRow]) -> list[SectorRow]:
    ds = site.dataset
    zone_iris = [URIRef(z.zone.iri or "") for z in zones]
    focus = {(z, s) for z in zone_iris for s in ds.objects(z, SHFZ.hasFocusSector)}
    served: dict[tuple[URIRef, Node], list[str]] = {}
    for z in zone_iris:
        initiatives = set(ds.objects(z, SHFZ.hasInitiative)) | set(ds.subjects(SHFZ.initiativeOf, z))
        for initiative in initiatives:
            for sector in ds.objects(initiative, SHFZ.servesSector):
                served.setdefault((z, sector), []).append(site.label(initiative))
    rows = []
    for sector, depth in _sector_order(site):
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
    return rows


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


def build_overview(site: Site) -> Overview:
    """Collect the home page's content from the graph."""
    zones = _zone_rows(site)
    stats = {
        "zones": len(zones),  # the zones of the table below (not the bonded areas or the FTZ itself)
        "sectors": len(site.instances_with_subclasses(SHFZ.Sector)),
        "sites": len(site.instances_with_subclasses(SHFZ.Site)),
        "initiatives": len(site.instances_with_subclasses(SHFZ.Initiative)),
        "sources": len(site.instances_with_subclasses(SHFZ.SourceDocument)),
        "things": len({s for g in site.asserted for s in g.subjects() if isinstance(s, URIRef)}),
        "triples": len(set(site.dataset.triples((None, None, None)))),  # distinct, as queries see them
    }
    return Overview(
        datasets=_datasets(site),
        ontology=_ontology_info(site),
        zones=zones,
        sectors=_sector_rows(site, zones),
        counts=site.kg.counts(),
        stats=stats,
        batches=_batch_groups(site, zones),
    )
