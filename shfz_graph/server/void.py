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

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from shfz_graph import formats as table
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import formats as served
from shfz_graph.vocab import PREFIXES, prefixes

__all__ = ["SD", "Counts", "Stats", "count", "linksets", "service_description", "stats", "void_description"]

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

Triple = tuple[Node, Node, Node]


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


def stats(triples: Iterable[Triple], *, uri_space: str) -> Stats:
    """Count triples, entities, classes, properties and partitions of distinct triples."""
    distinct = set(triples)
    subjects = {s for s, _, _ in distinct}
    typed: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in distinct:
        if p == RDF.type:
            typed[o].add(s)

    def is_entity(node: Node) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(uri_space)

    return Stats(
        triples=len(distinct),
        entities=sum(1 for s in subjects if is_entity(s)),
        classes=len(typed),
        properties=len({p for _, p, _ in distinct}),
        distinct_subjects=len(subjects),
        distinct_objects=len({o for _, _, o in distinct}),
        class_entities={c: sum(1 for s in members if is_entity(s)) for c, members in typed.items()},
        class_subjects={c: len(members) for c, members in typed.items()},
        property_triples=dict(Counter(p for _, p, _ in distinct)),
    )


@dataclass
class Counts:
    """Everything VoID and the service description report, counted once per loaded graph."""

    uri_space: str
    whole: Stats
    graphs: dict[str, tuple[URIRef, Stats]]
    links: dict[tuple[Node, str], int]
    licences: list[Node]


def count(kg: KnowledgeGraph, *, uri_space: str) -> Counts:
    """Count the union (as the endpoint sees it) and each named graph."""
    union = set(kg.dataset.triples((None, None, None)))
    graphs = {}
    for name in kg.names:
        named = kg.graph(name)
        graphs[name] = (
            URIRef(str(named.identifier)),
            stats(named.triples((None, None, None)), uri_space=uri_space),
        )
    licences = sorted({o for _, p, o in union if p == DCTERMS.license}, key=str)
    return Counts(uri_space, stats(union, uri_space=uri_space), graphs, linksets(union), licences)


def linksets(triples: Iterable[Triple]) -> dict[tuple[Node, str], int]:
    """Number of distinct link triples per (linking predicate, external dataset IRI)."""
    counts: Counter[tuple[Node, str]] = Counter()
    for _, p, o in set(triples):
        if p in _LINK_PREDICATES and isinstance(o, URIRef):
            for namespace, dataset in TARGETS.items():
                if str(o).startswith(namespace):
                    counts[(p, dataset)] += 1
                    break
    return dict(counts)


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
    example: str | None = None,
) -> Graph:
    """The VoID description of everything the endpoint serves, with one subset per named graph.

    `dumps` maps download URLs of the full data (with inferences, as served) to their media types.
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
    _add_partitions(graph, root, whole)
    for name, (iri, numbers) in counts.graphs.items():
        graph.add((root, VOID.subset, iri))
        graph.add((iri, RDF.type, VOID.Dataset))
        graph.add((iri, DCTERMS.title, Literal(f"named graph {name}", lang="en")))
        _add_counts(graph, iri, numbers)
    _add_linksets(graph, root, counts.links)
    return graph


def _add_partitions(graph: Graph, root: URIRef, whole: Stats) -> None:
    """One class partition per class and one property partition per property of the whole dataset."""
    for cls, n in sorted(whole.class_subjects.items(), key=lambda item: str(item[0])):
        part = BNode()
        graph.add((root, VOID.classPartition, part))
        graph.add((part, VOID["class"], cls))
        graph.add((part, VOID.entities, Literal(whole.class_entities[cls], datatype=XSD.integer)))
        graph.add((part, VOID.distinctSubjects, Literal(n, datatype=XSD.integer)))
    for prop, n in sorted(whole.property_triples.items(), key=lambda item: str(item[0])):
        part = BNode()
        graph.add((root, VOID.propertyPartition, part))
        graph.add((part, VOID.property, prop))
        graph.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))


def _add_linksets(graph: Graph, root: URIRef, links: Mapping[tuple[Node, str], int]) -> None:
    """One linkset per (link predicate, target dataset), with its number of links."""
    for (predicate, target), n in sorted(links.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        linkset = BNode()
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
