"""Human-readable documentation of our ontology, built from the ontology graph (pyLODE-like, our own)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from shfz_graph.server.site import Site
from shfz_graph.vocab import GRAPH_INFERRED, SHFZ, VANN

__all__ = ["OntologyDoc", "TermDoc", "TermRef", "build_ontology_doc"]

_CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}
_METADATA = (
    ("Title", DCTERMS.title),
    ("Version", OWL.versionInfo),
    ("Version IRI", OWL.versionIRI),
    ("Licence", DCTERMS.license),
    ("Rights", DCTERMS.rights),
    ("Creator", DCTERMS.creator),
    ("Publisher", DCTERMS.publisher),
    ("Created", DCTERMS.created),
    ("Issued", DCTERMS.issued),
    ("Modified", DCTERMS.modified),
    ("Preferred prefix", VANN.preferredNamespacePrefix),
    ("Namespace", VANN.preferredNamespaceUri),
    ("Cite as", DCTERMS.bibliographicCitation),
    ("Sources", DCTERMS.source),
    ("See also", RDFS.seeAlso),
)


@dataclass(frozen=True)
class TermRef:
    """A link to a term: `#Zone` for ours, the IRI itself for reused terms."""

    text: str
    href: str
    ours: bool


@dataclass
class TermDoc:
    """One class or property of the ontology."""

    iri: str
    anchor: str
    label: str
    label_zh: str | None
    definition: str | None
    notes: list[str]
    kind: str
    facts: list[tuple[str, list[TermRef]]] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    instances: int = 0


@dataclass
class OntologyDoc:
    """The ontology page: metadata, then classes and properties."""

    iri: str
    title: str
    description: str | None
    metadata: list[tuple[str, list[TermRef | str]]]
    classes: list[TermDoc]
    object_properties: list[TermDoc]
    datatype_properties: list[TermDoc]
    annotation_properties: list[TermDoc]
    reused: list[TermRef]
    namespace: str


def _ours(iri: str) -> bool:
    return iri.startswith(str(SHFZ))


def _ref(site: Site, graph: Graph, node: Node) -> TermRef | None:
    if isinstance(node, BNode):
        members = _list_members(graph, node)
        if members:
            return TermRef(" or ".join(site.label(m) for m in members), "", False)
        return None
    if not isinstance(node, URIRef):
        return None
    iri = str(node)
    if _ours(iri):
        return TermRef(iri[len(str(SHFZ)) :], "#" + iri[len(str(SHFZ)) :], True)
    return TermRef(site.short(iri), iri, False)


def _list_members(graph: Graph, node: BNode) -> list[Node]:
    union = graph.value(node, OWL.unionOf)
    if isinstance(union, BNode):
        return list(Collection(graph, union))
    return []


def _text(graph: Graph, node: Node, prop: URIRef) -> str | None:
    values = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
    values.sort(key=lambda o: (0 if (o.language or "").startswith("en") else 1, str(o)))
    return str(values[0]) if values else None


def _refs(site: Site, graph: Graph, nodes: list[Node]) -> list[TermRef]:
    refs = [r for n in nodes if (r := _ref(site, graph, n)) is not None]
    return sorted(refs, key=lambda r: (not r.ours, r.text.lower()))


def _uses(site: Site, classes: list[URIRef], properties: list[URIRef]) -> dict[Node, int]:
    """Instances of each class (distinct) and statements of each property, in the asserted graphs: counted
    by the query workers, two answers whatever the graph's size."""
    out: dict[Node, int] = {}
    asserted = f"FILTER(?g != <{GRAPH_INFERRED}>)"
    for terms, text in (
        (
            classes,
            "SELECT ?term (COUNT(DISTINCT ?s) AS ?n) "
            "WHERE {{ {values} GRAPH ?g {{ ?s a ?term }} {asserted} }}",
        ),
        (
            properties,
            "SELECT ?term (COUNT(*) AS ?n) WHERE {{ {values} GRAPH ?g {{ ?s ?term ?o }} {asserted} }}",
        ),
    ):
        if not terms:
            continue
        values = "VALUES ?term { " + " ".join(f"<{t}>" for t in terms) + " }"
        for row in site.ask(text.format(values=values, asserted=asserted) + " GROUP BY ?term").rows:
            if isinstance(n := row["n"], Literal) and row["term"] is not None:
                out[row["term"]] = int(n.toPython())
    return out


def _term(
    site: Site,
    graph: Graph,
    node: URIRef,
    kind: str,
    inverse_of: dict[Node, set[Node]],
    uses: dict[Node, int],
) -> TermDoc:
    iri = str(node)
    anchor = iri[len(str(SHFZ)) :]
    label_zh = next(
        (
            str(o)
            for o in graph.objects(node, RDFS.label)
            if isinstance(o, Literal) and (o.language or "").startswith("zh")
        ),
        None,
    )
    doc = TermDoc(
        iri=iri,
        anchor=anchor,
        label=_text(graph, node, RDFS.label) or anchor,
        label_zh=label_zh,
        definition=_text(graph, node, SKOS.definition) or _text(graph, node, RDFS.comment),
        notes=sorted(str(o) for o in graph.objects(node, SKOS.note) if isinstance(o, Literal)),
        kind=kind,
    )

    def fact(name: str, nodes: list[Node]) -> None:
        refs = _refs(site, graph, nodes)
        if refs:
            doc.facts.append((name, refs))

    if kind == "class":
        fact("Subclass of", list(graph.objects(node, RDFS.subClassOf)))
        fact("Superclass of", list(graph.subjects(RDFS.subClassOf, node)))
        fact("Equivalent to", list(graph.objects(node, OWL.equivalentClass)))
        disjoint = set(graph.objects(node, OWL.disjointWith)) | set(graph.subjects(OWL.disjointWith, node))
        for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members_node = graph.value(group, OWL.members)
            if isinstance(members_node, BNode):
                members = list(Collection(graph, members_node))
                if node in members:
                    disjoint |= {m for m in members if m != node}
        fact("Disjoint with", sorted(disjoint, key=str))
        fact("In the domain of", list(graph.subjects(RDFS.domain, node)))
        fact("In the range of", list(graph.subjects(RDFS.range, node)))
        doc.instances = uses.get(node, 0)
    else:
        fact("Domain", list(graph.objects(node, RDFS.domain)))
        fact("Range", list(graph.objects(node, RDFS.range)))
        fact("Subproperty of", list(graph.objects(node, RDFS.subPropertyOf)))
        fact("Superproperty of", list(graph.subjects(RDFS.subPropertyOf, node)))
        fact("Inverse of", sorted(inverse_of.get(node, set()), key=str))
        fact("Equivalent to", list(graph.objects(node, OWL.equivalentProperty)))
        doc.characteristics = sorted(
            name for cls, name in _CHARACTERISTICS.items() if (node, RDF.type, cls) in graph
        )
        doc.instances = uses.get(node, 0)
    return doc


def build_ontology_doc(site: Site) -> OntologyDoc:
    """Collect the ontology page from the `ontology` graph."""
    graph = site.kg.graph("ontology")
    onto = next(
        (s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), URIRef(str(SHFZ))
    )
    inverse_of: dict[Node, set[Node]] = defaultdict(set)
    for a, b in graph.subject_objects(OWL.inverseOf):
        inverse_of[a].add(b)
        inverse_of[b].add(a)

    def ours_of(cls: URIRef) -> list[URIRef]:
        found = {s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef) and _ours(str(s))}
        return sorted(found, key=lambda n: str(n).lower())

    metadata: list[tuple[str, list[TermRef | str]]] = []
    for name, prop in _METADATA:
        values: list[TermRef | str] = []
        for value in sorted(graph.objects(onto, prop), key=str):
            if isinstance(value, URIRef):
                values.append(TermRef(str(value), site.href(str(value)), False))
            else:
                values.append(str(value))
        if values:
            metadata.append((name, values))

    reused = sorted(
        {
            str(s)
            for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
            for s in graph.subjects(RDF.type, cls)
            if isinstance(s, URIRef) and not _ours(str(s))
        }
    )
    namespace = graph.value(onto, VANN.preferredNamespaceUri)
    classes, objects = ours_of(OWL.Class), ours_of(OWL.ObjectProperty)
    datatypes, annotations = ours_of(OWL.DatatypeProperty), ours_of(OWL.AnnotationProperty)
    uses = _uses(site, classes, [*objects, *datatypes, *annotations])
    return OntologyDoc(
        iri=str(onto),
        title=_text(graph, onto, DCTERMS.title) or str(onto),
        description=_text(graph, onto, DCTERMS.description),
        metadata=metadata,
        classes=[_term(site, graph, n, "class", inverse_of, uses) for n in classes],
        object_properties=[_term(site, graph, n, "object property", inverse_of, uses) for n in objects],
        datatype_properties=[_term(site, graph, n, "datatype property", inverse_of, uses) for n in datatypes],
        annotation_properties=[
            _term(site, graph, n, "annotation property", inverse_of, uses) for n in annotations
        ],
        reused=[TermRef(site.short(i), i, False) for i in reused],
        namespace=str(namespace) if namespace is not None else str(SHFZ),
    )
