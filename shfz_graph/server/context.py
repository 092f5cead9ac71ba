"""The state one app instance shares between requests: the graph, its settings, caches, the query pool."""

from __future__ import annotations

import asyncio
import difflib
import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from rdflib import Graph
from rdflib.term import Node
from starlette.types import Receive

from shfz_graph import catalog as catalog_module
from shfz_graph import defaults
from shfz_graph.catalog import NamedQuery
from shfz_graph.errors import (
    ClientDisconnected,
    InputError,
    LimitError,
    UnknownQueryError,
    check_timeout,
)
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.literals import answer_term, canonical
from shfz_graph.query.results import Result
from shfz_graph.rdf.export import serialize_dataset
from shfz_graph.server.render import make_environment
from shfz_graph.server.site import Site
from shfz_graph.workers import execute
from shfz_graph.workers.supervisor import QueryPool
from shfz_graph.workers.wire import Answer, Job

__all__ = ["ServerContext"]

log = logging.getLogger("shfz_graph.server")
T = TypeVar("T")


async def _disconnect(receive: Receive) -> None:
    """Return when the client has gone (the request's body, if any, was read before)."""
    while (await receive())["type"] != "http.disconnect":
        pass


#: How long a query runs before the server starts watching for its client leaving: most are answered
#: sooner, and a watcher (a task waiting on the connection) would cost each of them more than the query.
WATCH_AFTER = 0.05


async def unless_disconnected(
    work: Coroutine[Any, Any, T], receive: Receive, *, watch_after: float = WATCH_AFTER
) -> T:
    """Await `work`, cancelling it if the client disconnects first (`ClientDisconnected` then), as seen
    from `watch_after` seconds on (a client gone before then is seen at once then). The request's own
    task is cancelled, so a query cancelled this way kills its worker as any other."""
    task = asyncio.current_task()
    assert task is not None
    gone = False
    watcher: asyncio.Future[None] | None = None

    def client_gone(_: object) -> None:
        nonlocal gone
        gone = True
        task.cancel()

    def watch() -> None:
        nonlocal watcher
        watcher = asyncio.ensure_future(_disconnect(receive))
        watcher.add_done_callback(client_gone)

    timer = asyncio.get_running_loop().call_later(watch_after, watch)
    try:
        return await work
    except asyncio.CancelledError:
        if not gone:
            raise
        task.uncancel()
        raise ClientDisconnected("the client closed the connection; its query was stopped") from None
    finally:
        timer.cancel()
        if watcher is not None:
            watcher.remove_done_callback(client_gone)
            watcher.cancel()


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
        workers: int | None = None,
        max_memory: int | None = defaults.MAX_MEMORY,
        max_bytes: int = defaults.MAX_BYTES,
    ) -> None:
        check_timeout(timeout, optional=False)
        self.limits = defaults.Limits(
            timeout=timeout, max_rows=max_rows, max_bytes=max_bytes, max_memory=max_memory
        )
        if max_body < 1:
            raise LimitError("max_body must be at least 1")
        if workers is not None and workers < 1:
            raise LimitError("workers must be at least 1")
        self.kg = kg
        self.base = base
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_body = max_body
        self.site = Site(kg, base=base, ask=self.ask)
        self.prefixes = {str(p): str(ns) for p, ns in kg.dataset.namespaces()}
        self.prefix_map = execute.prefix_map(self.prefixes)  # made once, for every job
        self.env = make_environment()
        self.queries: dict[str, NamedQuery] = {q.name: q for q in catalog_module.catalog(queries_dir)}
        self.workers = workers if workers is not None else defaults.workers()
        self.max_memory = max_memory
        self.max_bytes = max_bytes
        self._pool: QueryPool | None = None
        self._pool_lock = threading.Lock()
        self._closed = False
        self._cache: dict[str, Any] = {}
        self._jobs: OrderedDict[tuple[str, str | None, str | None, str | None], Job] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.pages_at_start = False  # build the home page's data when the app starts (`serve` does)
        self.build_id = self._build_id()

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

    def peek(self, key: str, default: object = None) -> object:
        """The value cached under `key`, or `default` if none is (yet)."""
        return self._cache.get(key, default)

    def jsonld_context(self) -> dict[str, Any] | None:
        """The project's JSON-LD context (read once), or None if it is missing (then JSON-LD is expanded)."""

        def read() -> dict[str, Any] | None:
            from shfz_graph.rdf.jsonld import load_context

            try:
                return load_context()
            except InputError as exc:
                log.warning("JSON-LD will not be compacted: %s", exc)
                return None

        return self.cached("jsonld-context", read)

    def rdf_bytes(self, graph: Graph, fmt: str, *, answer: bool = False) -> bytes:
        """A graph in one RDF format, with our prefixes (JSON-LD compacted with our context); literals
        spelled as in files, or (`answer=True`) as in query answers."""
        context = self.jsonld_context() if fmt == "json-ld" else None
        spelling = answer_term if answer else canonical
        namespaces = self.kg.dataset.namespaces()
        return serialize_dataset(graph, fmt, context=context, namespaces=namespaces, spelling=spelling)

    def plain_rdf_bytes(self, graph: Graph, fmt: str) -> bytes:
        """A small generated graph (VoID, service description) in one RDF format, with its own prefixes
        (JSON-LD not compacted)."""
        return serialize_dataset(graph, fmt, namespaces=graph.namespaces())

    def _build_id(self) -> str:
        """What every answer of this server depends on besides the request: the store's build (sources,
        reasoner, version), the named queries and the limits. HTTP validators are derived from it."""
        import hashlib

        from shfz_graph import __version__

        parts = [self.kg.source_hash, str(self.kg.reasoner), __version__, self.base]
        parts += [str(self.timeout), str(self.max_rows), str(self.max_bytes)]
        parts += [f"{name}\0{query.text}" for name, query in sorted(self.queries.items())]
        return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()

    # -- running work off the event loop -----------------------------------------------------------

    def pool(self) -> QueryPool:
        """The query workers (started on first use over the on-disk query store of the graph)."""
        with self._pool_lock:
            if self._closed:
                from shfz_graph.errors import WorkerFailure

                raise WorkerFailure("the server is shutting down")
            if self._pool is None:
                path = self.kg.query_store()
                memory = self.limits.max_memory
                self._pool = QueryPool(path, size=self.workers, max_memory=memory, spare=True)
            return self._pool

    def warm_pages(self) -> None:
        """Import what the pages draw with (the map extra) and compile their templates, so that the first
        visitor does not wait for it (half a second; `serve` calls this before it listens)."""
        from shfz_graph.geo import mapping

        mapping.available()
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)

    def reopen(self) -> None:
        """Allow queries again after `close` (the workers start with the next query)."""
        with self._pool_lock:
            self._closed = False

    def close(self) -> None:
        """Stop the query workers now: queries still running fail at once (used at shutdown)."""
        with self._pool_lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    async def in_thread(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking work (graph reads, serialisation) in the worker thread pool."""
        self._loop = asyncio.get_running_loop()  # where `ask` sends the queries of that work
        return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs))

    async def run_answer(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        select_format: str | None = "json",
        ask_format: str | None = "json",
        graph_format: str | None = "nt",
        receive: Receive | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """Run a query in a worker process: guarded (no network, no update), time-limited (the server's
        time limit, or `timeout` when shorter), row-capped,
        memory- and size-limited; the answer comes serialized by Oxigraph in the format asked per form.

        With the request's `receive`, a client that disconnects stops its query: the worker is killed at
        once (`ClientDisconnected`), instead of running on for nobody until its time is up."""
        key = (text, select_format, ask_format, graph_format)
        job = self._jobs.get(key) if not bindings else None
        if job is not None:
            self._jobs.move_to_end(key)
        else:
            job = execute.make_job(
                text,
                bindings=bindings,
                allow_network=False,
                limits=self.limits,
                prefixes=self.prefix_map,
                select_format=select_format,
                ask_format=ask_format,
                graph_format=graph_format,
            )
            if not bindings and len(text) <= 8192:
                self._jobs[key] = job  # the same few queries come again and again
                if len(self._jobs) > 256:
                    self._jobs.popitem(last=False)
        pool = self.pool() if self._pool is not None else await self.in_thread(self.pool)
        seconds = self.timeout if timeout is None else min(timeout, self.timeout)
        if receive is None:
            return await pool.run_async(job, timeout=seconds)
        return await unless_disconnected(pool.run_async(job, timeout=seconds), receive)

    async def run_query(
        self, text: str, bindings: Mapping[str, Node] | None = None, *, timeout: float | None = None
    ) -> Result:
        """Run a query in a worker process (see `run_answer`) and read its answer back as a `Result`."""
        answer = await self.run_answer(text, bindings, timeout=timeout)
        return execute.to_result(answer)

    def ask(self, text: str, bindings: Mapping[str, Node] | None = None) -> Result:
        """`run_query` for blocking code (the pages' data) in a thread other than the event loop's, started
        by `in_thread` or by work it runs: wait for the answer."""
        if self._loop is None:
            raise RuntimeError("ask is for work started by in_thread")
        return asyncio.run_coroutine_threadsafe(self.run_query(text, bindings), self._loop).result()

    def ask_own(self, text: str, *, seconds: float) -> Result:
        """`ask` for the server's own fixed queries (VoID's counts over the whole store), under their own
        time limit `seconds` instead of the clients'; never for a client's text."""
        if self._loop is None:
            raise RuntimeError("ask_own is for work started by in_thread")

        async def run() -> Result:
            job = execute.make_job(text, limits=self.limits, prefixes=self.prefix_map)
            pool = await self.in_thread(self.pool)
            return execute.to_result(await pool.run_async(job, timeout=seconds))

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result()

    def named(self, name: str) -> NamedQuery:
        """The named query `name` (UnknownQueryError with suggestions if there is none)."""
        query = self.queries.get(name)
        if query is None:
            raise UnknownQueryError(name, difflib.get_close_matches(name, list(self.queries), n=3))
        return query
