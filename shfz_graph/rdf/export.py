"""RDF serialisations of the knowledge graph, byte-identical for the same input in any process."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD, NamespaceManager
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.term import Node

from shfz_graph import formats
from shfz_graph.errors import ExportError
from shfz_graph.files import write_atomic
from shfz_graph.formats import Format
from shfz_graph.iris import check_iri
from shfz_graph.literals import canonical

__all__ = [
    "FORMATS",
    "ExportError",
    "Format",
    "export",
    "get_format",
    "readable_turtle",
    "serialize_dataset",
    "write_atomic",
]

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef | None]


#: The RDF formats this module writes, by name (their facts live in `shfz_graph.formats`).
FORMATS: dict[str, Format] = {f.name: f for f in formats.formats(formats.RDF, writable=True)}


def get_format(name: str) -> Format:
    """Return the format called ``name`` (or one of its aliases, any case); raise :class:`ExportError`."""
    found = formats.find(formats.RDF, name)
    if found is None or found.name not in FORMATS:
        known = ", ".join(sorted(formats.names(formats.RDF, writable=True, aliases=True)))
        raise ExportError(f"unknown RDF format {name!r} (known: {known})")
    return found


def export(graphs: Sequence[Graph], format: str, *, namespaces: Iterable[tuple[str, URIRef]] = ()) -> bytes:
    """Serialise named graphs in ``format`` (JSON-LD compacted with our context), byte-identical for the
    same input; ``namespaces`` are the prefixes to write."""
    fmt = get_format(format)
    context = None
    if fmt.name == "json-ld":
        from shfz_graph.rdf.jsonld import load_context

        context = load_context()
    return serialize_dataset(list(graphs), fmt.name, context=context, namespaces=namespaces)


def serialize_dataset(
    dataset_or_graphs: Graph | Iterable[Graph],
    format: str,
    *,
    context: Mapping[str, Any] | None = None,
    namespaces: Iterable[tuple[str, URIRef]] | None = None,
    spelling: Callable[[Node], Node] = canonical,
) -> bytes:
    """Serialise a Dataset, a Graph, or named Graphs deterministically.

    Triple formats get the union of all graphs; quad formats keep each named graph (a graph whose
    name is a blank node, or the dataset's default graph, becomes the default graph). Blank nodes are
    relabelled canonically and statements sorted, so equal input gives equal bytes. ``context`` is the
    JSON-LD context (a dict, never a URL) used to compact JSON-LD; ``namespaces`` the prefixes to use;
    ``spelling`` how literals are written (`literals.canonical` for files, `literals.answer_term` for
    query answers).
    """
    fmt = get_format(format)
    graphs = _graphs_of(dataset_or_graphs)
    if namespaces is None:
        source = (
            dataset_or_graphs if isinstance(dataset_or_graphs, Graph) else (graphs[0] if graphs else None)
        )
        namespaces = source.namespaces() if source is not None else ()
    prefixes = sorted((str(p), URIRef(str(ns))) for p, ns in namespaces)
    quads = _canonical(_quads_of(graphs, spelling))
    if fmt.quads:
        return _serialize_quads(quads, fmt, prefixes)
    return _serialize_triples({q[:3] for q in quads}, fmt, prefixes, context)


def _graphs_of(source: Graph | Iterable[Graph]) -> list[Graph]:
    """The graphs inside a Dataset/ConjunctiveGraph, a lone Graph, or an iterable of Graphs."""
    if isinstance(source, Dataset):
        return list(source.graphs())
    if isinstance(source, Graph):
        if source.context_aware:
            return list(source.contexts())  # type: ignore[attr-defined]
        return [source]
    return list(source)


def _quads_of(graphs: Iterable[Graph], spelling: Callable[[Node], Node] = canonical) -> set[Quad]:
    """All statements of ``graphs`` as quads; unnamed graphs (blank or default id) map to ``None``."""
    quads: set[Quad] = set()
    for g in graphs:
        name = g.identifier
        gname = name if isinstance(name, URIRef) and name != DATASET_DEFAULT_GRAPH_ID else None
        quads.update((s, p, spelling(o), gname) for s, p, o in g)
    return quads


def _canonical(quads: set[Quad]) -> set[Quad]:
    """Relabel blank nodes by content (rdflib's canonical hashing), keeping graph membership in view.

    Only statements that hold a blank node are hashed: a statement without one neither gets a label nor
    colours any blank node (rdflib's `_TripleCanonicalizer` leaves such nodes out), so the labels are
    those of the whole graph, at the cost of the few statements with blank nodes instead of all."""
    with_blanks = {q for q in quads if isinstance(q[0], BNode) or isinstance(q[2], BNode)}
    if not with_blanks:
        return quads
    # Fold the graph name into the predicate so that canonical labels also depend on it.
    encoded: dict[URIRef, tuple[Node, URIRef | None]] = {}
    folded = Graph()
    for s, p, o, g in with_blanks:
        key = hashlib.sha256(f"{p.n3()} {g.n3() if g is not None else ''}".encode()).hexdigest()
        pred = URIRef(f"urn:x-shfz-quad:{key}")
        encoded[pred] = (p, g)
        folded.add((s, pred, o))
    result = quads - with_blanks
    for s, folded_p, o in to_canonical_graph(folded):
        p, g = encoded[URIRef(str(folded_p))]
        result.add((s, p, o, g))
    return result


def _sort_key(statement: tuple[Node | None, ...]) -> tuple[str, ...]:
    """A total order on statements: their N3 forms."""
    return tuple("" if t is None else t.n3() for t in statement)


def _bind(graph: Graph, prefixes: list[tuple[str, URIRef]], triples: Iterable[Triple]) -> None:
    """Bind ``prefixes``, then pre-generate prefixes for predicates and classes in sorted order.

    Serialisers invent ``ns1``... prefixes for unbound predicate namespaces in the order they meet
    them; doing it here, in a fixed order, keeps the output identical from run to run.
    """
    manager = graph.namespace_manager
    for prefix, namespace in prefixes:
        manager.bind(prefix, namespace, override=True, replace=True)
    terms = {p for _, p, _ in triples} | {o for _, p, o in triples if p == RDF.type and isinstance(o, URIRef)}
    for term in sorted(terms, key=lambda t: t.n3()):
        try:
            manager.compute_qname(str(term), generate=True)
        except (ValueError, KeyError):
            continue  # not splittable into namespace + local name; the serialiser decides


def _serialize_triples(
    triples: set[Triple], fmt: Format, prefixes: list[tuple[str, URIRef]], context: Mapping[str, Any] | None
) -> bytes:
    """Serialise the union graph; SimpleMemory iterates in insertion order, so insert sorted."""
    ordered = sorted(triples, key=_sort_key)
    graph = Graph(store="SimpleMemory", bind_namespaces="none")
    _bind(graph, prefixes, ordered)
    for triple in ordered:
        graph.add(triple)
    if fmt.name == "nt":
        return _sorted_lines(_rdflib_serialize(graph, "nt"))
    if fmt.name == "json-ld":
        return _jsonld(graph, context)
    # rdflib's "pretty-xml" orders namespaces and leftover blank nodes by set iteration; "xml" is stable.
    return _rdflib_serialize(graph, fmt.rdflib or fmt.name)


def _serialize_quads(quads: set[Quad], fmt: Format, prefixes: list[tuple[str, URIRef]]) -> bytes:
    """Serialise quads keeping their named graphs, graphs and statements in sorted order."""
    ordered = sorted(quads, key=_sort_key)
    dataset = Dataset()
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    _bind(dataset, prefixes, [q[:3] for q in ordered])
    for s, p, o, g in ordered:
        target = dataset.graph(g) if g is not None else dataset.default_graph
        target.add((s, p, o))
    if fmt.name == "nquads":
        return _sorted_lines(_rdflib_serialize(dataset, "nquads"))
    stream = io.BytesIO()
    try:
        _SortedTrigSerializer(dataset).serialize(stream, encoding="utf-8")
    except Exception as exc:
        raise ExportError(f"cannot serialise as trig: {exc}") from exc
    return stream.getvalue()


def _rdflib_serialize(graph: Graph, rdflib_format: str) -> bytes:
    """Run one of rdflib's serialisers; what it cannot express becomes an :class:`ExportError`."""
    try:
        return graph.serialize(format=rdflib_format, encoding="utf-8")
    except Exception as exc:  # rdflib signals unrepresentable data (e.g. RDF/XML predicates) this way
        raise ExportError(f"cannot serialise as {rdflib_format}: {exc}") from exc


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer with its named graphs in IRI order (the store yields them in hash order)."""

    def __init__(self, store: Dataset) -> None:
        super().__init__(store)
        default = self.default_context
        self.contexts.sort(key=lambda g: (g.identifier == default, g.identifier.n3()))


def _sorted_lines(data: bytes) -> bytes:
    """Sort and de-duplicate line-based output (N-Triples, N-Quads); one statement per line."""
    lines = sorted({line for line in data.splitlines() if line.strip()})
    return b"".join(line + b"\n" for line in lines)


def _jsonld(graph: Graph, context: Mapping[str, Any] | None) -> bytes:
    """Compact JSON-LD with ``context`` (embedded as a dict), top-level nodes sorted by ``@id``."""
    from shfz_graph.rdf.jsonld import remote_references

    refs = list(remote_references({"@context": context}))
    if refs:
        raise ExportError(f"the JSON-LD context must be local: it refers to {refs[0]!r}")
    document, active = _from_rdf(graph, dict(context) if context else None)
    graph_key, id_key = active.graph_key, active.id_key
    if isinstance(document, list):
        document = sorted(document, key=lambda node: _node_key(node, id_key))
    elif isinstance(document.get(graph_key), list):
        document[graph_key] = sorted(document[graph_key], key=lambda node: _node_key(node, id_key))
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _node_key(node: Any, id_key: str) -> tuple[str, str]:
    """Order node objects by id, then by content (for safety: ids are unique in rdflib's output)."""
    ident = node.get(id_key, "") if isinstance(node, dict) else ""
    return (str(ident), json.dumps(node, sort_keys=True, ensure_ascii=False))


def _from_rdf(graph: Graph, context_data: dict[str, Any] | None) -> tuple[Any, Any]:
    """rdflib's ``from_rdf`` with :class:`_Converter`; returns the document and the active context."""
    from rdflib.plugins.shared.jsonld.context import Context
    from rdflib.plugins.shared.jsonld.keys import CONTEXT, GRAPH

    context = Context(context_data)
    converter = _converter_class()(context, False, False)
    result = converter.convert(graph)
    if context.active:
        if isinstance(result, list):
            result = {context.get_key(GRAPH): result}
        result[CONTEXT] = context_data
    return result, context


def _converter_class() -> type:
    """Build (lazily, to keep imports cheap) rdflib's JSON-LD converter with two losses fixed."""
    from rdflib.plugins.serializers.jsonld import Converter

    class _Converter(Converter):
        """Fixes: (1) a blank node reached through a term coerced to ``@id`` lost its own statements;
        (2) native JSON numbers/booleans changed non-canonical lexical forms (``1.5e0`` -> ``1.5E0``)."""

        def add_to_node(  # type: ignore[no-untyped-def]
            self, graph, s, p, o, s_node, nodemap
        ) -> None:
            if isinstance(o, BNode) and self.to_collection(graph, o) is None:
                self.process_subject(graph, o, nodemap)  # emits it at top level unless already there
            super().add_to_node(graph, s, p, o, s_node, nodemap)

        def to_raw_value(self, graph, s, o, nodemap):  # type: ignore[no-untyped-def]
            if isinstance(o, Literal) and o.datatype is not None and not _native_is_lossless(o):
                return {
                    self.context.type_key: self.context.to_symbol(o.datatype),
                    self.context.value_key: str(o),
                }
            return super().to_raw_value(graph, s, o, nodemap)

    return _Converter


def _native_is_lossless(literal: Literal) -> bool:
    """Whether rdflib may write ``literal`` as a bare JSON value and read the same literal back."""
    if literal.datatype == XSD.string:
        return True
    if literal.datatype == XSD.boolean:
        return str(literal) in ("true", "false")
    if literal.datatype == XSD.integer:
        return str(literal) == str(literal.toPython())
    return literal.datatype not in (XSD.double,)


# -- readable Turtle: a hand-edited file's generated block -------------------------------------------

_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?")


def readable_turtle(graph: Graph, prefixes: Mapping[str, str], order: Sequence[Node] = ()) -> str:
    """`graph` as Turtle laid out for people, in a fixed order: the `prefixes` (all, in their order); each
    reified statement's own triple just before the `rdf:Statement` (its predicates ranked by `order`);
    then every other subject, types first. Prefixed names where they read well, `\"\"\"` for long text.
    Used for a generated block inside a hand-written file (`shfz_graph.links.linking`)."""
    out = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in prefixes.items()]
    done: set[Triple] = set()

    def name(term: Node) -> str:
        return _turtle_term(term, prefixes)

    def describe(subject: Node, ranking: Sequence[Node]) -> None:
        triples = sorted(graph.predicate_objects(subject), key=lambda po: (po[0].n3(), po[1].n3()))
        by_predicate: dict[Node, list[Node]] = defaultdict(list)
        for p, o in triples:
            if (subject, p, o) not in done:
                by_predicate[p].append(o)
                done.add((subject, p, o))
        if not by_predicate:
            return
        ranked = sorted(
            by_predicate, key=lambda p: (ranking.index(p) if p in ranking else len(ranking), p.n3())
        )
        parts = []
        for p in ranked:
            objects = " , ".join(name(o) for o in by_predicate[p])
            parts.append(f"    {'a' if p == RDF.type else name(p)} {objects}")
        out.append("")
        out.append(name(subject))
        out.append(" ;\n".join(parts) + " .")

    statements = sorted(set(graph.subjects(RDF.type, RDF.Statement)), key=lambda n: n.n3())
    for statement in statements:
        s, p, o = (graph.value(statement, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if s is not None and p is not None and o is not None and (s, p, o) in graph and (s, p, o) not in done:
            out.append("")
            out.append(f"{name(s)} {name(p)} {name(o)} .")
            done.add((s, p, o))
        describe(statement, order)
    for subject in sorted(set(graph.subjects()), key=lambda n: n.n3()):
        describe(subject, [RDF.type])
    return "\n".join(out) + "\n"


def _turtle_term(term: Node, prefixes: Mapping[str, str]) -> str:
    """A term in Turtle: a prefixed name where one reads well, else the N-Triples form (IRIs checked)."""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            local = text[len(namespace) :]
            if text.startswith(namespace) and _PN_LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
        check_iri(text, "IRI")
        return term.n3()
    if isinstance(term, Literal):
        value = str(term)
        body = f'"""{_long_string(value)}"""' if "\n" in value else Literal(value).n3()
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{body}^^{_turtle_term(term.datatype, prefixes)}"
        return body
    raise ExportError(f"cannot write {term!r} in readable Turtle (only IRIs and literals)")


def _long_string(value: str) -> str:
    """The inside of a Turtle `\"\"\"` string: backslashes and CRs escaped, and a quote only where it would
    close the string (before another quote, or last)."""
    out = []
    for i, c in enumerate(value):
        if c == "\\":
            out.append("\\\\")
        elif c == "\r":
            out.append("\\r")
        elif c == '"' and (i == len(value) - 1 or value[i + 1] == '"'):
            out.append('\\"')
        else:
            out.append(c)
    return "".join(out)
