"""Load the knowledge graph: one named graph per source file in an rdflib Dataset, plus the inferences.

`load()` parses `ontology/shfz.ttl` into `graph/ontology`, each `data/<stem>.ttl` into `graph/<stem>`, each
extra source into `graph/extra/<stem>`, and (with `reason=True`) adds the OWL 2 RL closure as
`graph/inferred`. Queries see the union of the named graphs as the default graph. The store is rdflib's
in-memory store, or Oxigraph (the `oxigraph` extra), optionally on disk so that a later run with the same
sources opens it without parsing or reasoning again.
"""

from __future__ import annotations

import io
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from rdflib import RDF, BNode, Dataset, Graph, URIRef
from rdflib.term import Node

from shfz_graph import defaults, reasoning, resources
from shfz_graph.errors import ParameterError
from shfz_graph.literals import canonical
from shfz_graph.loading import sources as sources_module
from shfz_graph.loading import stores
from shfz_graph.loading.sources import Source
from shfz_graph.vocab import GRAPH_INFERRED

if TYPE_CHECKING:
    from shfz_graph.loading.querystore import StoreDescription
    from shfz_graph.loading.validation import ValidationReport
    from shfz_graph.query.results import Result
    from shfz_graph.workers.supervisor import QueryPool
    from shfz_graph.workers.wire import Answer

__all__ = [
    "EXECUTIONS",
    "STORES",
    "KnowledgeGraph",
    "Source",
    "load",
]

STORES = ("memory", "oxigraph")
EXECUTIONS = ("isolated", "in-process")


def _check_execution(execution: str) -> None:
    if execution not in EXECUTIONS:
        raise ParameterError(f"unknown execution {execution!r}; choose one of {', '.join(EXECUTIONS)}")


_QUERY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class KnowledgeGraph:
    """The loaded graph: an rdflib `Dataset` (wrapped, not subclassed) and what it was loaded from."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        sources: Sequence[Source],
        source_hash: str,
        store: str = "memory",
        reasoner: str | None = None,
        cache_dir: Path | str | None = None,
        execution: str = "isolated",
        max_memory: int | None = None,
    ) -> None:
        _check_execution(execution)
        self.dataset = dataset
        self.sources = tuple(sources)
        self.source_hash = source_hash
        self.store = store
        self.reasoner = reasoner
        self.cache_dir = cache_dir
        self.execution = execution
        self.max_memory = max_memory
        self._pools: dict[bool, QueryPool] = {}  # by whether its workers may reach the network
        self._pool_lock = threading.Lock()
        self._prefix_map: dict[str, str] | None = None
        self._closed = False
        self._graphs = {source.name: source.graph for source in self.sources}
        if reasoner is not None:
            self._graphs["inferred"] = GRAPH_INFERRED

    @property
    def reasoned(self) -> bool:
        """Whether the `inferred` graph holds the OWL 2 RL closure."""
        return self.reasoner is not None

    @property
    def names(self) -> list[str]:
        """Names of the named graphs, in load order ("ontology", data stems, "extra/...", "inferred")."""
        return list(self._graphs)

    def graph(self, name: str) -> Graph:
        """The named graph `name` (or its full IRI), live in the dataset: read it, do not change it."""
        for known, iri in self._graphs.items():
            if name in (known, str(iri)):
                return self.dataset.graph(iri)
        raise ParameterError(f"unknown graph {name!r}; known graphs: {', '.join(self._graphs)}")

    def counts(self) -> dict[str, int]:
        """Number of triples in each named graph, in load order."""
        return {name: len(self.dataset.graph(iri)) for name, iri in self._graphs.items()}

    def class_counts(self) -> dict[Node, int]:
        """Number of distinct instances of each rdf:type over the union, most frequent first, then by IRI."""
        pairs = {(s, o) for s, _, o in self._triples((None, RDF.type, None))}
        counts = Counter(cls for _, cls in pairs)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))))

    def describe(self, iri: str | URIRef) -> Graph:
        """The concise bounded description of `iri` over the union, plus the triples pointing at it.

        Holds every triple with `iri` as subject, recursively those of blank nodes reached as objects
        (the CBD), and also every triple with `iri` as object (its subjects are not expanded further).
        """
        node = URIRef(iri)
        result = Graph()
        for prefix, namespace in self.dataset.namespaces():  # copied: sharing the manager could rebind ours
            result.bind(prefix, namespace, override=True, replace=True)
        todo: list[Node] = [node]
        seen: set[Node] = set()
        while todo:
            subject = todo.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for s, p, o in self._triples((subject, None, None)):
                result.add((s, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
        for s, p, o in self._triples((None, None, node)):
            result.add((s, p, o))
        return result

    def _triples(
        self, pattern: tuple[Node | None, Node | None, Node | None]
    ) -> Iterator[tuple[Node, Node, Node]]:
        """Triples matching `pattern` in each named graph (a triple in two graphs comes twice).

        Not `Dataset.triples`: with default_union it warns about a deprecated attribute on every call.
        """
        for iri in self._graphs.values():
            yield from self.dataset.graph(iri).triples(pattern)

    def query(
        self,
        name_or_sparql: str,
        *,
        allow_network: bool = False,
        timeout: float | None = defaults.TIMEOUT,
        max_rows: int = defaults.MAX_ROWS,
        **params: Any,
    ) -> Result:
        """Run a named query (parameters as keywords) or SPARQL text (parameters as RDF terms, by variable).

        A bare name ("zones-by-sector") is looked up in the catalogue; anything else is SPARQL text.
        Network features are refused unless allowed; every query has a time limit and a row cap. With
        `execution="isolated"` (the default) it runs in a worker process under a memory limit, killed
        past its time; with "in-process" it runs in this process (see `load`).
        """
        query_text, bindings = self._query_text(name_or_sparql, params)
        if self.execution == "in-process":
            from shfz_graph.query import engine

            return engine.run(
                self.dataset,
                query_text,
                bindings=bindings,
                allow_network=allow_network,
                timeout=timeout,
                max_rows=max_rows,
            )
        from shfz_graph.workers import execute

        answer = self.answer(
            query_text, bindings=bindings, allow_network=allow_network, timeout=timeout, max_rows=max_rows
        )
        return execute.to_result(answer)

    def answer(
        self,
        text: str,
        *,
        bindings: dict[str, Node] | None = None,
        allow_network: bool = False,
        timeout: float | None = defaults.TIMEOUT,
        max_rows: int = defaults.MAX_ROWS,
        max_bytes: int | None = None,
        select_format: str | None = "json",
        ask_format: str | None = "json",
        graph_format: str | None = "nt",
    ) -> Answer:
        """Run SPARQL text in a worker and return its answer as Oxigraph serialized it (always isolated).

        Formats: json, xml, csv, tsv for SELECT and ASK; nt, turtle, xml for CONSTRUCT and DESCRIBE.
        """
        from shfz_graph.workers import execute

        limits = defaults.Limits(
            timeout=timeout,
            max_rows=max_rows,
            max_bytes=max_bytes if max_bytes is not None else defaults.MAX_BYTES,
            max_memory=None,  # the pool's own, set when it started (see query_pool)
        )
        job = execute.make_job(
            text,
            bindings=bindings,
            allow_network=allow_network,
            limits=limits,
            prefixes=self._prefixes(),
            select_format=select_format,
            ask_format=ask_format,
            graph_format=graph_format,
        )
        return execute.run(self.query_pool(network=allow_network), job, timeout=limits.timeout)

    def _query_text(self, name_or_sparql: str, params: dict[str, Any]) -> tuple[str, dict[str, Node]]:
        """The SPARQL text and bindings for a query name and its parameters, or SPARQL text and its terms."""
        text = name_or_sparql.strip()
        if _QUERY_NAME.fullmatch(text):
            from shfz_graph.catalog import get

            named = get(text)
            return named.text, named.bind(params)
        return name_or_sparql, dict(params)

    def _prefixes(self) -> dict[str, str]:
        """The prefixes a query may use undeclared: those bound in the dataset (read once)."""
        if self._prefix_map is None:
            self._prefix_map = {str(prefix): str(ns) for prefix, ns in self.dataset.namespaces()}
        return self._prefix_map

    def store_description(self) -> StoreDescription:
        """What this graph's on-disk query store is built from (see `shfz_graph.loading.querystore`)."""
        from shfz_graph.loading.querystore import StoreDescription

        return StoreDescription(self.sources, self.source_hash, self.reasoner, self.cache_dir, self.graph)

    def query_store(self) -> Path:
        """The on-disk Oxigraph store of this graph, built on first use (workers open it read-only)."""
        from shfz_graph.loading import querystore

        return querystore.ensure_store(self.store_description())

    def query_pool(self, *, network: bool = False) -> QueryPool:
        """The worker processes this graph's isolated queries run in (started on first use, over the
        on-disk query store, which is built on first use: see `shfz_graph.loading.querystore`).

        Workers run in a sandbox with no network (see `shfz_graph.workers.sandbox`); queries that were
        allowed the network (`allow_network=True`) run in a second pool, started only when first asked.
        """
        with self._pool_lock:
            if self._closed:
                raise ParameterError("the knowledge graph is closed")
            if network not in self._pools:
                from shfz_graph.loading import querystore
                from shfz_graph.workers.supervisor import QueryPool

                path = querystore.ensure_store(self.store_description())
                memory = self.max_memory if self.max_memory is not None else defaults.MAX_MEMORY
                self._pools[network] = QueryPool(path, max_memory=memory or None, network=network)
            return self._pools[network]

    def sandbox_problem(self) -> str | None:
        """Why the sandboxed query workers, once started, could not be kept off the network (None if
        they were, or have not started)."""
        with self._pool_lock:
            pool = self._pools.get(False)
        return pool.sandbox_problem if pool is not None else None

    def validate(self, *, shapes: Path | str | None = None, inferred: bool = False) -> ValidationReport:
        """SHACL-validate the asserted data (plus the inferences if `inferred=True`) against the shapes.

        The shapes are the data contract for what the files assert, so inferences are left out by default
        (the closure adds, e.g., every enclosing place to shfz:locatedIn). The ontology is given to
        pySHACL as the ontology graph, so class targets follow rdfs:subClassOf. All are plain copies.
        """
        from shfz_graph.loading import validation

        shapes_path = Path(shapes) if shapes is not None else resources.shapes_path()
        shapes_graph = Graph()
        sources_module.parse_into(shapes_graph, shapes_path, sources_module.format_of(shapes_path))
        data = Graph()
        ontology = Graph()
        for name, iri in self._graphs.items():
            if name == "ontology":
                ontology += _simple_literals(self.dataset.graph(iri))
            elif name != "inferred" or inferred:
                data += _simple_literals(self.dataset.graph(iri))
        return validation.validate(data, shapes_graph, ontology)

    def export(self, format: str, *, inferred: bool = False) -> bytes:
        """The graph serialised as `format` (see `shfz_graph.rdf.export`)."""
        from shfz_graph.rdf import export

        graphs = [self.graph(name) for name in self.names if inferred or name != "inferred"]
        return export.export(graphs, format, namespaces=self.dataset.namespaces())

    def close(self) -> None:
        """Stop the query workers and release the store (an on-disk Oxigraph store stays locked while
        open); idempotent."""
        with self._pool_lock:
            if self._closed:
                return
            self._closed = True
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.close()
        self.dataset.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={count}" for name, count in self.counts().items())
        return f"<KnowledgeGraph store={self.store} reasoner={self.reasoner} {counts}>"

    def _repr_html_(self) -> str:
        """Graphs, triple counts and source hash as HTML, for Jupyter."""
        from shfz_graph.analysis.display import graph_html

        return graph_html(
            self.counts(), store=self.store, reasoner=self.reasoner, source_hash=self.source_hash
        )


def load(
    *,
    reason: bool = True,
    store: str = "memory",
    store_path: Path | str | None = None,
    reasoner: str = "auto",
    extra_sources: Iterable[Path | str] = (),
    cache_dir: Path | str | None = None,
    progress_stream: TextIO | None = None,
    execution: str = "isolated",
    max_memory: int | None = None,
) -> KnowledgeGraph:
    """Load the ontology, the data files and any extra sources, and (by default) their OWL 2 RL closure.

    `store`: "memory" (rdflib) or "oxigraph" (fast; needs the `oxigraph` extra); `store_path` keeps an
    Oxigraph store on disk, reused as is while the sources are unchanged. `reasoner`: "auto", "owlrl" or
    "reasonable". `cache_dir`: where closures are cached (see `shfz_graph.reasoning.default_cache_dir`).
    `progress_stream`: where to draw a progress bar over parsing and reasoning (only if it is a terminal).

    `execution`: "isolated" (default) runs every query in a worker process over an on-disk Oxigraph copy
    of the graph (built once per source hash in the cache folder), under a memory limit (`max_memory`
    bytes, default 1 GiB; 0 for none) and killed past its time limit. "in-process" runs queries in the
    calling thread on the graph as it is now: changes made to `dataset` after loading are seen, no worker
    starts, but a hostile query can take this process's memory, and a native (Oxigraph) query past its
    time limit is abandoned rather than stopped.
    """
    _check_load_options(store, store_path, execution, reasoner)
    wanted = reasoning.resolve_reasoner(reasoner) if reason else None
    sources = sources_module.list_sources(extra_sources)
    source_hash = sources_module.hash_sources(sources)

    if store == "memory":
        dataset = stores.new_dataset()
        for source in _steps(sources, "parse", progress_stream):
            sources_module.parse_into(dataset.graph(source.graph), source.path, source.format)
        current: str | None = None
    else:
        dataset, current = stores.open_oxigraph(store_path, sources, source_hash)
    try:
        if wanted != current:
            dataset.remove_graph(GRAPH_INFERRED)
            if wanted is not None:
                _add_closure(
                    dataset, sources, source_hash, wanted, cache_dir, progress_stream, store == "oxigraph"
                )
            if store_path is not None:
                stores.write_meta(Path(store_path), sources, source_hash, wanted)
    except BaseException:
        dataset.close()
        raise
    return KnowledgeGraph(
        dataset,
        sources=sources,
        source_hash=source_hash,
        store=store,
        reasoner=wanted,
        cache_dir=cache_dir,
        execution=execution,
        max_memory=max_memory,
    )


def _check_load_options(store: str, store_path: object, execution: str, reasoner: str) -> None:
    """ParameterError for a store, execution or reasoner `load` does not know, or a path without a store."""
    if store not in STORES:
        raise ParameterError(f"unknown store {store!r}; choose one of {', '.join(STORES)}")
    _check_execution(execution)  # before any parsing: a wrong word fails at once
    if store_path is not None and store != "oxigraph":
        raise ParameterError("store_path needs store='oxigraph'")
    if reasoner not in reasoning.REASONERS:
        reasoning.resolve_reasoner(reasoner)  # raises ParameterError naming the choices


def _add_closure(
    dataset: Dataset,
    sources: Sequence[Source],
    source_hash: str,
    reasoner: str,
    cache_dir: Path | str | None,
    progress_stream: TextIO | None,
    on_oxigraph: bool,
) -> None:
    """Fill the inferred graph: an Oxigraph store bulk-loads a cached closure as it is; otherwise the
    closure is computed, or read from the cache, by `reasoning.closure`."""
    if on_oxigraph:
        cache = reasoning.cache_file(source_hash, reasoner, cache_dir)
        if reasoning.cache.bulk_load_dataset(dataset, cache, str(GRAPH_INFERRED)):
            return  # a warm start on Oxigraph: the cached closure went straight into the store
    with _steps(1, f"reason ({reasoner})", progress_stream) as bar:
        inferred = reasoning.closure(
            [dataset.graph(source.graph) for source in sources],
            reasoner=reasoner,
            source_hash=source_hash,
            cache_dir=cache_dir,
        )
        bar.update()
    target = dataset.graph(GRAPH_INFERRED)
    target += inferred


def open_for_queries(
    *,
    reason: bool = True,
    reasoner: str = "auto",
    extra_sources: Iterable[Path | str] = (),
    cache_dir: Path | str | None = None,
    max_memory: int | None = None,
) -> KnowledgeGraph | None:
    """A graph for isolated queries only, when its query store is already built for these very sources
    (same hash and reasoner): nothing is parsed or reasoned, so a command line query starts at once.
    Its `dataset` is empty; None when the store must first be built by `load`."""
    from shfz_graph.loading import querystore

    wanted = reasoning.resolve_reasoner(reasoner) if reason else None
    sources = sources_module.list_sources(extra_sources)
    kg = KnowledgeGraph(
        stores.new_dataset(),
        sources=sources,
        source_hash=sources_module.hash_sources(sources),
        reasoner=wanted,
        cache_dir=cache_dir,
        max_memory=max_memory,
    )
    if not querystore.is_ready(kg.store_description()):
        kg.close()
        return None
    return kg


def _steps(what: Any, label: str, stream: TextIO | None) -> Any:
    """A progress bar on `stream` over `what` (an iterable or a count); silent without a terminal stream."""
    from shfz_graph.progress import progress

    return progress(what, label, stream=stream if stream is not None else io.StringIO())


# --- Oxigraph store (the `oxigraph` extra) ---


def _simple_literals(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of `graph` with literals spelled one way (see `shfz_graph.literals`), for pySHACL."""
    for s, p, o in graph:
        yield s, p, canonical(o)
