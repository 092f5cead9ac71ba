"""The state one app instance shares between requests: the graph, its settings, caches, the query pool."""

from __future__ import annotations

import difflib
import functools
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from rdflib import Graph
from rdflib.term import Node

from shfz_graph import catalog as catalog_module
from shfz_graph import sparql
from shfz_graph.catalog import NamedQuery
from shfz_graph.errors import InputError, UnknownQueryError
from shfz_graph.export import serialize_dataset
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.results import Result
from shfz_graph.server.render import make_environment
from shfz_graph.server.site import Site

__all__ = ["ServerContext"]

log = logging.getLogger("shfz_graph.server")
T = TypeVar("T")


class ServerContext:
    """Settings and read-only facts of one app; the graph is never changed by the server."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        *,
        base: str,
        timeout: float,
        max_rows: int,
        max_body: int,
        queries_dir: Path | str | None = None,
        query_threads: int = 8,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if max_rows < 1:
            raise ValueError("max_rows must be at least 1")
        if max_body < 1:
            raise ValueError("max_body must be at least 1")
        self.kg = kg
        self.base = base
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_body = max_body
        self.site = Site(kg, base=base)
        self.env = make_environment()
        self.queries: dict[str, NamedQuery] = {q.name: q for q in catalog_module.catalog(queries_dir)}
        self._query_threads = query_threads
        self._limiter: anyio.CapacityLimiter | None = None
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}

    # -- caching -----------------------------------------------------------------------------------

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """The value under `key`, computed once (the graph does not change while the app runs)."""
        if key in self._cache:
            value: T = self._cache[key]
            return value
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    def jsonld_context(self) -> dict[str, Any] | None:
        """The project's JSON-LD context (read once), or None if it is missing (then JSON-LD is expanded)."""

        def read() -> dict[str, Any] | None:
            from shfz_graph.jsonld import load_context

            try:
                return load_context()
            except InputError as exc:
                log.warning("JSON-LD will not be compacted: %s", exc)
                return None

        return self.cached("jsonld-context", read)

    def rdf_bytes(self, graph: Graph, fmt: str) -> bytes:
        """A graph in one RDF format, with our prefixes (JSON-LD compacted with our context)."""
        context = self.jsonld_context() if fmt == "json-ld" else None
        return serialize_dataset(graph, fmt, context=context, namespaces=self.kg.dataset.namespaces())

    def plain_rdf_bytes(self, graph: Graph, fmt: str) -> bytes:
        """A small generated graph (VoID, service description) in one RDF format, without canonicalisation."""
        if fmt == "nt":
            lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph)
            return "".join(lines).encode("utf-8")
        data = graph.serialize(format=fmt, encoding="utf-8")
        return data if isinstance(data, bytes) else str(data).encode("utf-8")

    # -- running work off the event loop -----------------------------------------------------------

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """At most this many queries run at once (created on first use, inside the event loop)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self._query_threads)
        return self._limiter

    async def in_thread(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking work (graph reads, serialisation) in the worker thread pool."""
        return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs))

    async def run_query(self, text: str, bindings: Mapping[str, Node] | None = None) -> Result:
        """Run a SPARQL query in the query pool: guarded (no network, no update), time-limited, row-capped."""
        call = functools.partial(
            sparql.run,
            self.kg.dataset,
            text,
            bindings=bindings,
            allow_network=False,
            timeout=self.timeout,
            max_rows=self.max_rows,
        )
        return await anyio.to_thread.run_sync(call, limiter=self.limiter)

    def named(self, name: str) -> NamedQuery:
        """The named query `name` (UnknownQueryError with suggestions if there is none)."""
        query = self.queries.get(name)
        if query is None:
            raise UnknownQueryError(name, difflib.get_close_matches(name, list(self.queries), n=3))
        return query
