"""VoID and SPARQL 1.1 Service Description graphs whose numbers are counted from the loaded graph.

Definitions used for the counts (VoID, https://www.w3.org/TR/void/):
- `void:triples`: distinct triples (the union of the named graphs, as the SPARQL endpoint sees it);
- `void:entities`: distinct IRIs in subject position that start with `void:uriSpace`;
- `void:classes`: distinct objects of `rdf:type`; `void:properties`: distinct predicates;
- `void:distinctSubjects` / `void:distinctObjects`: distinct terms in subject / object position;
- class partitions: `void:entities` (as above) and `void:distinctSubjects` (any subject) of each class;
- property partitions: `void:triples` per predicate;
- linksets: triples whose predicate is a linking property and whose object is in a known external dataset.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node
from rdflib.util import from_n3

from shfz_graph import formats as table
from shfz_graph.errors import QueryTimeout
from shfz_graph.files import write_atomic
from shfz_graph.query.results import Result
from shfz_graph.server import formats as served
from shfz_graph.server.context import ServerContext
from shfz_graph.vocab import PREFIXES, SHFZ, prefixes

__all__ = [
    "SD",
    "Ask",
    "Counts",
    "Stats",
    "count",
    "counts_file",
    "counts_of",
    "read_counts",
    "service_description",
    "void_description",
]

SD = Namespace(PREFIXES["sd"])
FORMATS = Namespace(PREFIXES["formats"])

_LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, RDFS.seeAlso)
#: External datasets we may link to: namespace of their IRIs -> the dataset's own IRI.
TARGETS = {
    "http://www.wikidata.org/entity/": "http://www.wikidata.org/",
    "https://sws.geonames.org/": "https://www.geonames.org/",
    "http://sws.geonames.org/": "https://www.geonames.org/",
    "http://dbpedia.org/resource/": "http://dbpedia.org/",
    "https://dbpedia.org/resource/": "http://dbpedia.org/",
}
#: The formats the endpoint answers with, by their names in the W3C list of formats.
RESULT_FORMATS = tuple(str(table.get(table.RESULTS, name).w3c) for name in served.SERVED_RESULTS)
RDF_FORMATS = tuple(str(table.get(table.RDF, name).w3c) for name in served.SERVED_GRAPHS)


@dataclass
class Stats:
    """Counts over a set of distinct triples (see the module docstring for the definitions)."""

    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int
    class_entities: dict[Node, int] = field(default_factory=dict)
    class_subjects: dict[Node, int] = field(default_factory=dict)
    property_triples: dict[Node, int] = field(default_factory=dict)


@dataclass
class Counts:
    """Everything VoID and the service description report, counted once per loaded graph."""

    uri_space: str
    whole: Stats
    graphs: dict[str, tuple[URIRef, Stats]]
    links: dict[tuple[Node, str], int]
    licences: list[Node]
    example: URIRef | None = None  # a zone of ours, the first by IRI (VoID's example resource)


#: Runs one SELECT query over the endpoint's dataset (the server's query workers) and returns its rows.
Ask = Callable[[str], Result]


#: The time VoID's aggregates may take in a worker: they read the whole store, once per store and base.
COUNTING_SECONDS = 600.0


def counts_of(ctx: ServerContext) -> Counts:
    """This server's counts (call from a thread `ctx.in_thread` runs): read from beside the query store
    if a server counted them before, else made by the query workers and kept there (the store never
    changes). A count past its time is remembered too: VoID then answers its error at once."""

    def compute() -> Counts | QueryTimeout:
        kept = counts_file(ctx.kg.query_store(), ctx.base)
        found = read_counts(kept)
        if found is not None:
            return found
        graphs = {name: URIRef(str(ctx.kg.graph(name).identifier)) for name in ctx.kg.names}
        try:
            made = count(lambda text: ctx.ask_own(text, seconds=COUNTING_SECONDS), graphs, uri_space=ctx.base)
        except QueryTimeout as exc:
            return QueryTimeout(f"VoID's counts took longer than {COUNTING_SECONDS:g} s: {exc}")
        with contextlib.suppress(OSError):  # a store in a folder we cannot write: counted each start
            write_atomic(kept, json.dumps(_counts_json(made), ensure_ascii=False).encode("utf-8"))
        return made

    found = ctx.cached("counts", compute)
    if isinstance(found, QueryTimeout):
        raise found
    return found


_COUNTS_FORMAT = 1


def counts_file(store: Path, uri_space: str) -> Path:
    """Where the counts of `store` for `uri_space` are kept: beside the store, which never changes."""
    digest = hashlib.blake2b(uri_space.encode("utf-8"), digest_size=8).hexdigest()
    return store.parent / f"{store.name}.void-{digest}.json"


def _stats_json(stats: Stats) -> dict[str, Any]:
    def pairs(numbers: dict[Node, int]) -> list[list[Any]]:
        return [[node.n3(), n] for node, n in numbers.items()]

    plain = {k: v for k, v in vars(stats).items() if isinstance(v, int)}
    return {
        **plain,
        "class_entities": pairs(stats.class_entities),
        "class_subjects": pairs(stats.class_subjects),
        "property_triples": pairs(stats.property_triples),
    }


def _counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "format": _COUNTS_FORMAT,
        "uri_space": counts.uri_space,
        "whole": _stats_json(counts.whole),
        "graphs": {name: [iri.n3(), _stats_json(stats)] for name, (iri, stats) in counts.graphs.items()},
        "links": [[p.n3(), target, n] for (p, target), n in counts.links.items()],
        "licences": [node.n3() for node in counts.licences],
        "example": counts.example.n3() if counts.example is not None else None,
    }


def _node(text: str) -> Node:
    node = from_n3(text)
    if not isinstance(node, Node):
        raise ValueError(f"not an RDF term: {text!r}")
    return node


def _iri(text: str) -> URIRef:
    node = _node(text)
    if not isinstance(node, URIRef):
        raise ValueError(f"not an IRI: {text!r}")
    return node


def _stats_from(data: dict[str, Any]) -> Stats:
    def nodes(pairs: list[list[Any]]) -> dict[Node, int]:
        return {_node(node): int(n) for node, n in pairs}

    numbers = {k: int(data[k]) for k in ("triples", "entities", "classes", "properties")}
    return Stats(
        **numbers,
        distinct_subjects=int(data["distinct_subjects"]),
        distinct_objects=int(data["distinct_objects"]),
        class_entities=nodes(data["class_entities"]),
        class_subjects=nodes(data["class_subjects"]),
        property_triples=nodes(data["property_triples"]),
    )


def read_counts(path: Path) -> Counts | None:
    """The counts kept at `path`, or None if there are none (or in another format: counted again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _COUNTS_FORMAT:
            return None
        example = data["example"]
        graphs = {name: (_iri(iri), _stats_from(stats)) for name, (iri, stats) in data["graphs"].items()}
        return Counts(
            data["uri_space"],
            _stats_from(data["whole"]),
            graphs,
            {(_node(p), str(target)): int(n) for p, target, n in data["links"]},
            [_node(node) for node in data["licences"]],
            _iri(example) if example is not None else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def count(ask: Ask, graphs: Mapping[str, URIRef], *, uri_space: str) -> Counts:
    """Count the union (as the endpoint sees it) and each named graph of `graphs` (name -> IRI) by
    aggregate queries: the engine counts, so the serving process never holds the triples (at 10^6
    triples, counting them in Python took minutes and a gigabyte). Partitions are the largest first, up
    to the row cap of `ask`."""
    whole = _stats(ask, None, uri_space)
    per_graph = {name: (iri, _stats(ask, iri, uri_space, partitions=False)) for name, iri in graphs.items()}
    licences = [row["l"] for row in ask(_LICENCES).rows if row["l"] is not None]
    zone = ask(
        f"SELECT ?z WHERE {{ ?z a/{RDFS.subClassOf.n3()}* {SHFZ.Zone.n3()} "
        f"FILTER(isIRI(?z) && STRSTARTS(STR(?z), {Literal(uri_space).n3()})) }} ORDER BY ?z LIMIT 1"
    ).rows
    example = zone[0]["z"] if zone and isinstance(zone[0]["z"], URIRef) else None
    return Counts(uri_space, whole, per_graph, _linksets(ask), sorted(licences, key=str), example)


def _int(value: Node | None) -> int:
    return int(value) if isinstance(value, Literal) else 0


def _stats(ask: Ask, graph: URIRef | None, uri_space: str, *, partitions: bool = True) -> Stats:
    pattern = "?s ?p ?o" if graph is None else f"GRAPH {graph.n3()} {{ ?s ?p ?o }}"
    entity = f"BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), {Literal(uri_space).n3()}), ?s, ?none) AS ?e)"
    # a triple in several graphs is one triple of the union: counted over distinct triples (a named graph
    # is a set already)
    triples = f"{{ SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} }} }}" if graph is None else pattern
    numbers = ask(
        "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties) "
        f"(COUNT(DISTINCT ?o) AS ?objects) (COUNT(DISTINCT ?e) AS ?entities) WHERE {{ {triples} {entity} }}"
    ).rows[0]
    typed = "?s a ?c" if graph is None else f"GRAPH {graph.n3()} {{ ?s a ?c }}"
    classes = ask(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {typed} }}").rows[0]
    stats = Stats(
        triples=_int(numbers["triples"]),
        entities=_int(numbers["entities"]),
        classes=_int(classes["n"]),
        properties=_int(numbers["properties"]),
        distinct_subjects=_int(numbers["subjects"]),
        distinct_objects=_int(numbers["objects"]),
    )
    if partitions:
        for row in ask(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?e) AS ?entities) "
            f"WHERE {{ {typed} {entity} }} GROUP BY ?c ORDER BY DESC(?subjects) ?c"
        ).rows:
            if row["c"] is not None:
                stats.class_subjects[row["c"]] = _int(row["subjects"])
                stats.class_entities[row["c"]] = _int(row["entities"])
        for row in ask(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} }} }} }} "
            "GROUP BY ?p ORDER BY DESC(?n) ?p"
        ).rows:
            if row["p"] is not None:
                stats.property_triples[row["p"]] = _int(row["n"])
    return stats


_LICENCES = f"SELECT DISTINCT ?l WHERE {{ ?s {DCTERMS.license.n3()} ?l }}"


def _linksets(ask: Ask) -> dict[tuple[Node, str], int]:
    """Number of distinct link triples per (linking predicate, external dataset IRI)."""
    predicates = " ".join(p.n3() for p in _LINK_PREDICATES)
    targets = " ".join(f"({Literal(ns).n3()} {URIRef(ds).n3()})" for ns, ds in TARGETS.items())
    rows = ask(
        "SELECT ?p ?target (COUNT(*) AS ?n) WHERE { "
        f"{{ SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o FILTER(isIRI(?o)) }} }} "
        f"VALUES (?namespace ?target) {{ {targets} }} FILTER(STRSTARTS(STR(?o), ?namespace)) "
        "} GROUP BY ?p ?target"
    ).rows
    return {(row["p"], str(row["target"])): _int(row["n"]) for row in rows if row["p"] is not None}


def _add_counts(graph: Graph, node: Node, numbers: Stats) -> None:
    for prop, value in (
        (VOID.triples, numbers.triples),
        (VOID.entities, numbers.entities),
        (VOID.classes, numbers.classes),
        (VOID.properties, numbers.properties),
        (VOID.distinctSubjects, numbers.distinct_subjects),
        (VOID.distinctObjects, numbers.distinct_objects),
    ):
        graph.add((node, prop, Literal(value, datatype=XSD.integer)))


def _new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in prefixes("void", "sd", "dcterms", "formats").items():
        graph.bind(prefix, namespace)
    return graph


def void_description(
    counts: Counts,
    *,
    endpoint: str,
    dumps: Mapping[str, str],
    document: str,
    example: str | None = None,
) -> Graph:
    """The VoID description of everything the endpoint serves, with one subset per named graph.

    `dumps` maps download URLs of the full data (with inferences, as served) to their media types;
    `document` is the description's own URL: its partitions and linksets are named by fragments of it
    (so each can be linked to, and writing it needs no blank-node hashing).
    """
    graph = _new_graph()
    base = counts.uri_space
    root = URIRef(base)
    whole = counts.whole
    graph.add((root, RDF.type, VOID.Dataset))
    graph.add(
        (
            root,
            DCTERMS.title,
            Literal("shfz-graph: Shanghai Pilot Free Trade Zone knowledge graph", lang="en"),
        )
    )
    graph.add((root, VOID.uriSpace, Literal(base)))
    graph.add((root, VOID.sparqlEndpoint, URIRef(endpoint)))
    if example:
        graph.add((root, VOID.exampleResource, URIRef(example)))
    graph.add((root, VOID.vocabulary, URIRef(base + "ontology#")))
    for url, media_type in dumps.items():
        graph.add((root, VOID.dataDump, URIRef(url)))
        graph.add((URIRef(url), DCTERMS["format"], Literal(media_type)))
    for fmt in RDF_FORMATS:
        graph.add((root, VOID.feature, FORMATS[fmt]))
    for licence in counts.licences:
        graph.add((root, DCTERMS.license, licence))
    _add_counts(graph, root, whole)
    _add_partitions(graph, root, whole, document)
    for name, (iri, numbers) in counts.graphs.items():
        graph.add((root, VOID.subset, iri))
        graph.add((iri, RDF.type, VOID.Dataset))
        graph.add((iri, DCTERMS.title, Literal(f"named graph {name}", lang="en")))
        _add_counts(graph, iri, numbers)
    _add_linksets(graph, root, counts.links, document)
    return graph


def _fragment(document: str, kind: str, *named: Node | str) -> URIRef:
    """The IRI of a part of the description: `document#kind-<hash of what the part is about>`."""
    digest = hashlib.blake2b(" ".join(map(str, named)).encode("utf-8"), digest_size=8).hexdigest()
    return URIRef(f"{document}#{kind}-{digest}")


def _add_partitions(graph: Graph, root: URIRef, whole: Stats, document: str) -> None:
    """One class partition per class and one property partition per property of the whole dataset."""
    for cls, n in sorted(whole.class_subjects.items(), key=lambda item: str(item[0])):
        part = _fragment(document, "class", cls)
        graph.add((root, VOID.classPartition, part))
        graph.add((part, VOID["class"], cls))
        graph.add((part, VOID.entities, Literal(whole.class_entities[cls], datatype=XSD.integer)))
        graph.add((part, VOID.distinctSubjects, Literal(n, datatype=XSD.integer)))
    for prop, n in sorted(whole.property_triples.items(), key=lambda item: str(item[0])):
        part = _fragment(document, "property", prop)
        graph.add((root, VOID.propertyPartition, part))
        graph.add((part, VOID.property, prop))
        graph.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))


def _add_linksets(graph: Graph, root: URIRef, links: Mapping[tuple[Node, str], int], document: str) -> None:
    """One linkset per (link predicate, target dataset), with its number of links."""
    for (predicate, target), n in sorted(links.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        linkset = _fragment(document, "linkset", predicate, target)
        graph.add((root, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.linkPredicate, predicate))
        graph.add((linkset, VOID.subjectsTarget, root))
        graph.add((linkset, VOID.objectsTarget, URIRef(target)))
        graph.add((linkset, VOID.triples, Literal(n, datatype=XSD.integer)))
        graph.add((URIRef(target), RDF.type, VOID.Dataset))


def service_description(counts: Counts, *, endpoint: str, void_url: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint (read-only, union default graph)."""
    graph = _new_graph()
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in (*RESULT_FORMATS, *RDF_FORMATS):
        graph.add((service, SD.resultFormat, FORMATS[fmt]))
    graph.add((service, DCTERMS.title, Literal("shfz-graph SPARQL endpoint (read-only)", lang="en")))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                "SPARQL 1.1 queries over the union of the named graphs (ontology, data, links, inferences). "
                "Updates, SERVICE, LOAD, FROM and FROM NAMED are refused; "
                "queries have a time limit and a row cap.",
                lang="en",
            ),
        )
    )
    graph.add((service, RDFS.seeAlso, URIRef(void_url)))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.source, URIRef(counts.uri_space)))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(counts.whole.triples, datatype=XSD.integer)))
    for iri, numbers in counts.graphs.values():
        entry = BNode()
        description = BNode()
        graph.add((dataset, SD.namedGraph, entry))
        graph.add((entry, RDF.type, SD.NamedGraph))
        graph.add((entry, SD.name, iri))
        graph.add((entry, SD.graph, description))
        graph.add((description, RDF.type, SD.Graph))
        graph.add((description, VOID.triples, Literal(numbers.triples, datatype=XSD.integer)))
    return graph
