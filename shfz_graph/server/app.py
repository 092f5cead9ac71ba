"""The app factory: one FastAPI app serving the SPARQL endpoint, the IRIs, the pages and the REST API.

The routes are the routers of `protocol`, `complete`, `api`, `pages`, `editor` and `iris` (the IRIs'
catch-all last); each gets the app's `ServerContext` through `dependencies.Context`. Errors are answered
by `handlers`; `middleware` stacks the middlewares and sets the short way for plain SPARQL GETs
(`fastpath`) in front, behind HTTP caching (`httpcache`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from shfz_graph import __version__, defaults
from shfz_graph.errors import LimitError
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import api, complete, editor, ftzs, iris, middleware, pages, protocol
from shfz_graph.server.context import ServerContext
from shfz_graph.server.fastpath import App
from shfz_graph.server.handlers import HANDLERS
from shfz_graph.vocab import BASE

__all__ = ["App", "create_app"]

STATIC = Path(__file__).resolve().parent / "static"


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Allow queries while the app runs; stop the query workers when it shuts down."""
    ctx: ServerContext = app.state.ctx
    ctx.reopen()  # an app may be started again after a shutdown (as test clients do)
    early = asyncio.create_task(pages.prepare(ctx)) if ctx.pages_at_start else None
    try:
        yield
    finally:
        if early is not None:
            early.cancel()
        ctx.close()


def create_app(
    kg: KnowledgeGraph,
    *,
    base_url: str | None = None,
    timeout: float = defaults.TIMEOUT,
    max_rows: int = defaults.MAX_ROWS,
    max_body: int = defaults.MAX_BODY,
    queries_dir: Path | str | None = None,
    workers: int | None = None,
    max_memory: int | None = defaults.MAX_MEMORY,
    max_bytes: int = defaults.MAX_BYTES,
    answer_cache: int = defaults.ANSWER_CACHE,
    cache_max_age: int = defaults.CACHE_MAX_AGE,
) -> FastAPI:
    """The ASGI app for a loaded graph (read only; the app never changes it).

    `base_url`: the IRI prefix served at this server's root (default `https://w3id.org/shfz/`), so
    `/id/zone/huangpu` serves `<https://w3id.org/shfz/id/zone/huangpu>`. `timeout` (seconds) and
    `max_rows` limit every query; `max_body` limits request bodies (bytes). Queries run in `workers`
    worker processes (default: one per core), each under `max_memory` bytes of address space (None: no
    limit), each answer at most `max_bytes`; past any limit the client gets a 503 and the worker is
    replaced. The workers start with the first query and stop when the app shuts down (or `app.state.ctx
    .close()`). Answers carry strong ETags (304 to a matching `If-None-Match`, nothing evaluated), up to
    `answer_cache` bytes of complete answers are kept and served again (0: none), `Cache-Control` lets
    clients reuse one for `cache_max_age` seconds (0: revalidate every time), and answers are compressed
    as `Accept-Encoding` allows.
    """
    if answer_cache < 0 or cache_max_age < 0:
        raise LimitError("answer_cache and cache_max_age must not be negative")
    base = base_url or BASE
    ctx = ServerContext(
        kg,
        base=base if base.endswith("/") else base + "/",
        timeout=timeout,
        max_rows=max_rows,
        max_body=max_body,
        queries_dir=queries_dir,
        workers=workers,
        max_memory=max_memory,
        max_bytes=max_bytes,
    )
    app = App(
        title="shfz-graph",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
        exception_handlers=HANDLERS,
    )
    app.state.ctx = ctx
    api.use_schema(app, ctx)
    for router in (protocol.router, complete.router, api.router, pages.router, editor.router, ftzs.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(iris.router)  # last: it serves every other path
    middleware.install(  # the short way for plain SPARQL GETs among them
        app, ctx, max_body=max_body, answer_cache=answer_cache, cache_max_age=cache_max_age
    )
    return app
