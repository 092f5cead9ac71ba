"""RDF serialisations of the knowledge graph, byte-identical for the same input in any process."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD, NamespaceManager
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.term import Node

from shfz_graph.errors import ExportError
from shfz_graph.literals import canonical

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph

__all__ = [
    "FORMATS",
    "ExportError",
    "Format",
    "export",
    "get_format",
    "serialize_dataset",
    "write_atomic",
]

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef | None]


@dataclass(frozen=True)
class Format:
    """One RDF serialisation: name, aliases, media type, file extension, and whether it keeps graphs."""

    name: str
    aliases: tuple[str, ...]
    media_type: str
    extension: str
    quads: bool


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", ("ttl",), "text/turtle", "ttl", quads=False),
        Format("json-ld", ("jsonld",), "application/ld+json", "jsonld", quads=False),
        Format("nt", ("ntriples", "n-triples"), "application/n-triples", "nt", quads=False),
        Format("nquads", ("nq", "n-quads"), "application/n-quads", "nq", quads=True),
        Format("trig", (), "application/trig", "trig", quads=True),
        Format("xml", ("rdfxml", "rdf/xml", "rdf"), "application/rdf+xml", "rdf", quads=False),
    )
}
_BY_ALIAS = {alias: f for f in FORMATS.values() for alias in (f.name, *f.aliases)}


def get_format(name: str) -> Format:
    """Return the format called ``name`` (or one of its aliases, any case); raise :class:`ExportError`."""
    try:
        return _BY_ALIAS[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(_BY_ALIAS))
        raise ExportError(f"unknown RDF format {name!r} (known: {known})") from None


def export(kg: KnowledgeGraph, format: str, *, inferred: bool = False) -> bytes:
    """Serialise the asserted named graphs of ``kg`` (plus ``inferred`` if asked) in ``format``."""
    fmt = get_format(format)
    graphs = [kg.graph(name) for name in kg.names if inferred or name != "inferred"]
    context = None
    if fmt.name == "json-ld":
        from shfz_graph.jsonld import load_context

        context = load_context()
    return serialize_dataset(graphs, fmt.name, context=context, namespaces=kg.dataset.namespaces())


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


def write_atomic(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: a temp file in the same folder, then ``os.replace``.

    On any error the temp file is removed and a file already at ``path`` is left untouched. A new
    file gets the usual permissions (0666 minus umask); a replaced one keeps its mode.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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
    """Relabel blank nodes by content (rdflib's canonical hashing), keeping graph membership in view."""
    if not any(isinstance(t, BNode) for q in quads for t in q[:3]):
        return quads
    # Fold the graph name into the predicate so that canonical labels also depend on it.
    encoded: dict[URIRef, tuple[Node, URIRef | None]] = {}
    folded = Graph()
    for s, p, o, g in quads:
        key = hashlib.sha256(f"{p.n3()} {g.n3() if g is not None else ''}".encode()).hexdigest()
        pred = URIRef(f"urn:x-shfz-quad:{key}")
        encoded[pred] = (p, g)
        folded.add((s, pred, o))
    result: set[Quad] = set()
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
    return _rdflib_serialize(graph, fmt.name)


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
    from shfz_graph.jsonld import remote_references

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
