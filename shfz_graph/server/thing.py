"""The page of one thing: labels, statements, what links to it, its sources, its neighbourhood."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from shfz_graph.server import svg
from shfz_graph.server.site import Site, TermView
from shfz_graph.vocab import SCHEMA

__all__ = ["PropertyRow", "SourceView", "ThingPage", "build_thing"]

_FIRST = (
    RDF.type,
    SKOS.prefLabel,
    RDFS.label,
    SKOS.altLabel,
    DCTERMS.description,
    SKOS.definition,
    SKOS.note,
)
_SOURCE_PROPS = (DCTERMS.source, PROV.wasDerivedFrom)
_DIAGRAM_SKIP = {RDF.type, *_SOURCE_PROPS}
_DESCRIPTION_PROPS = (DCTERMS.description, SKOS.definition, RDFS.comment)
_MAX_PER_SIDE = 12


@dataclass
class PropertyRow:
    """A property and its values (for incoming links: the things that point here with it)."""

    predicate: TermView
    values: list[TermView]


@dataclass
class SourceView:
    """A source document of the thing, with what a reader needs to find it."""

    term: TermView
    issued: str | None
    url: str | None
    kind: str | None
    via: list[str]


@dataclass
class ThingPage:
    """Everything the thing page shows."""

    iri: str
    label: str
    label_en: str | None
    label_zh: str | None
    types: list[TermView]
    description: str | None
    rows: list[PropertyRow]
    inferred_rows: list[PropertyRow]
    incoming: list[PropertyRow]
    incoming_inferred: list[PropertyRow]
    sources: list[SourceView]
    diagram: str
    graph: dict[str, object] | None = None
    alternates: list[tuple[str, str, str]] = field(default_factory=list)
    locator: str | None = None  # a small map with the place highlighted (the `map` extra)
    map_note: str | None = None  # said instead when the `map` extra is missing
    locator_note: str = ""  # what the locator map highlights, and how the place was found in it


def _literal_rank(node: Node) -> tuple[int, str]:
    if isinstance(node, Literal):
        lang = (node.language or "").lower()
        return (0 if lang.startswith("en") else 1 if lang.startswith("zh") else 2, str(node))
    return (3, str(node))


def _order(site: Site, predicates: list[URIRef]) -> list[URIRef]:
    def key(p: URIRef) -> tuple[int, str]:
        if p in _FIRST:
            return (_FIRST.index(p), "")
        if p in _SOURCE_PROPS:
            return (len(_FIRST) + 2, str(p))
        return (len(_FIRST) + 1, site.predicate_term(p).text.lower())

    return sorted(predicates, key=key)


def _bnode_text(site: Site, node: BNode, depth: int = 0) -> str:
    """A blank node as a compact `[ property value ; ... ]` line, using labels."""
    if depth > 2:
        return "[…]"
    parts = []
    for p, o in sorted(site.dataset.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
        if isinstance(o, BNode):
            value = _bnode_text(site, o, depth + 1)
        elif isinstance(o, URIRef):
            value = site.label(o)
        else:
            value = str(o)
        parts.append(f"{site.predicate_term(p).text} {value}")  # type: ignore[arg-type]
    return "[ " + " ; ".join(parts) + " ]" if parts else "[ ]"


def _term(site: Site, node: Node, inferred: bool) -> TermView:
    if isinstance(node, BNode):
        return TermView("bnode", _bnode_text(site, node), inferred=inferred)
    return site.term(node, inferred=inferred)


def _rows(site: Site, pairs: dict[URIRef, list[Node]], inferred: bool) -> list[PropertyRow]:
    rows = []
    for p in _order(site, list(pairs)):
        values = sorted(set(pairs[p]), key=lambda n: (_literal_rank(n), site.label(n).lower()))
        rows.append(PropertyRow(site.predicate_term(p), [_term(site, v, inferred) for v in values]))
    return rows


def _sources(site: Site, node: URIRef) -> list[SourceView]:
    via: dict[Node, list[str]] = defaultdict(list)
    for prop in _SOURCE_PROPS:
        for source in site.dataset.objects(node, prop):
            via[source].append(site.predicate_term(prop).text)
    out = []
    for source, props in sorted(via.items(), key=lambda item: site.label(item[0]).lower()):
        issued = site.dataset.value(source, DCTERMS.issued)
        url = site.dataset.value(source, SCHEMA.url)
        kind = site.dataset.value(source, DCTERMS.type)
        out.append(
            SourceView(
                term=site.term(source),
                issued=str(issued) if issued is not None else None,
                url=str(url) if url is not None else None,
                kind=str(kind) if kind is not None else None,
                via=sorted(set(props)),
            )
        )
    return out


def _diagram(site: Site, node: URIRef, label: str) -> str:
    """The neighbourhood drawing, twice: wide for screens, one column for phones (the page's style shows
    one). Each related thing appears once: a thing linked both ways gets one arrow with both properties."""
    links: dict[URIRef, dict[str, list[str]]] = {}
    for direction in ("out", "in"):
        triples = (
            site.dataset.triples((node, None, None))
            if direction == "out"
            else site.dataset.triples((None, None, node))
        )
        for s, p, o in triples:
            other = o if direction == "out" else s
            if p in _DIAGRAM_SKIP or not isinstance(other, URIRef) or other == node:
                continue
            if site.is_inferred((s, p, o)):
                continue
            names = links.setdefault(other, {"out": [], "in": []})[direction]
            name = site.predicate_term(p).text  # type: ignore[arg-type]
            if name not in names:
                names.append(name)
    found = []
    for other, named in links.items():
        direction = "both" if named["out"] and named["in"] else "out" if named["out"] else "in"
        text = " · ".join(sorted(named["out"]))
        if direction == "both":
            text += " / " + " · ".join(sorted(named["in"]))
        elif direction == "in":
            text = " · ".join(sorted(named["in"]))
        found.append((direction == "in", text, site.label(other).lower(), direction, other))
    found.sort()
    edges: list[svg.Edge] = []
    kept = {"in": 0, "out": 0}
    more = 0
    for _, text, _, direction, other in found:
        side = "in" if direction == "in" else "out"
        if kept[side] >= _MAX_PER_SIDE:
            more += 1
            continue
        kept[side] += 1
        target = svg.Node(site.label(other), site.kind(str(other)), site.href(str(other)))
        edges.append(svg.Edge(text, direction, target))
    centre = svg.Node(label, site.kind(str(node)), None)
    return svg.neighbourhood(centre, edges, more=more) + svg.neighbourhood_column(centre, edges, more=more)


def build_thing(site: Site, iri: str) -> ThingPage:
    """Collect the page of the thing `iri` (which the graph knows)."""
    node = URIRef(iri)
    out_asserted: dict[URIRef, list[Node]] = defaultdict(list)
    out_inferred: dict[URIRef, list[Node]] = defaultdict(list)
    for s, p, o in site.dataset.triples((node, None, None)):
        target = out_inferred if site.is_inferred((s, p, o)) else out_asserted
        target[p].append(o)  # type: ignore[index]
    in_asserted: dict[URIRef, list[Node]] = defaultdict(list)
    in_inferred: dict[URIRef, list[Node]] = defaultdict(list)
    for s, p, o in site.dataset.triples((None, None, node)):
        target = in_inferred if site.is_inferred((s, p, o)) else in_asserted
        target[p].append(s)  # type: ignore[index]

    description = None
    for prop in _DESCRIPTION_PROPS:
        values = sorted(site.dataset.objects(node, prop), key=_literal_rank)
        if values:
            description = str(values[0])
            break
    label = site.label(node)
    entry_en = next(
        (
            str(o)
            for o in site.dataset.objects(node, SKOS.prefLabel)
            if isinstance(o, Literal) and o.language == "en"
        ),
        None,
    )
    graph_info = None
    if iri in site.graph_names:
        name = site.graph_names[iri]
        graph_info = {"name": name, "triples": len(site.kg.graph(name))}
    types = sorted(
        {t for t in site.types(node) if isinstance(t, URIRef)}, key=lambda t: site.label(t).lower()
    )
    return ThingPage(
        iri=iri,
        label=label,
        label_en=entry_en or label,
        label_zh=site.label_zh(node),
        types=[site.predicate_term(t) for t in types if not site.is_inferred((node, RDF.type, t))],
        description=description,
        rows=_rows(site, out_asserted, False),
        inferred_rows=_rows(site, out_inferred, True),
        incoming=_rows(site, in_asserted, False),
        incoming_inferred=_rows(site, in_inferred, True),
        sources=_sources(site, node),
        diagram=_diagram(site, node, label),
        graph=graph_info,
    )
