"""The app factory: one FastAPI app serving the SPARQL endpoint, the IRIs, the pages and the REST API.

The routes are the routers of `protocol`, `api`, `pages`, `editor` and `iris` (the IRIs' catch-all last);
each gets the app's `ServerContext` through `dependencies.Context`. Errors are answered by `handlers`,
and `middleware` stacks the middlewares.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from shfz_graph import __version__, defaults
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import api, editor, ftzs, iris, middleware, pages, protocol
from shfz_graph.server.context import ServerContext
from shfz_graph.server.fastpath import SparqlFastPath
from shfz_graph.server.handlers import HANDLERS
from shfz_graph.vocab import BASE

__all__ = ["DEFAULT_MAX_BODY", "App", "create_app"]

DEFAULT_MAX_BODY = defaults.MAX_BODY
STATIC = Path(__file__).resolve().parent / "static"


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Allow queries while the app runs; stop the query workers when it shuts down."""
    ctx: ServerContext = app.state.ctx
    ctx.reopen()  # an app may be started again after a shutdown (as test clients do)
    try:
        yield
    finally:
        ctx.close()


class App(FastAPI):
    """The FastAPI app, whose `short_way` (see `fastpath`) sees each request before the framework does:
    plain SPARQL GETs are answered there, with the same answers, and skip every framework layer."""

    short_way: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.short_way is None:
            await super().__call__(scope, receive, send)
        else:
            await self.short_way(scope, receive, send)

    async def full_path(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app without its short way: FastAPI's middleware, routing and handlers."""
        await super().__call__(scope, receive, send)


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
) -> FastAPI:
    """The ASGI app for a loaded graph (read only; the app never changes it).

    `base_url`: the IRI prefix served at this server's root (default `https://w3id.org/shfz/`), so
    `/id/zone/huangpu` serves `<https://w3id.org/shfz/id/zone/huangpu>`. `timeout` (seconds) and
    `max_rows` limit every query; `max_body` limits request bodies (bytes). Queries run in `workers`
    worker processes (default: one per core), each under `max_memory` bytes of address space (None: no
    limit), each answer at most `max_bytes`; past any limit the client gets a 503 and the worker is
    replaced. The workers start with the first query and stop when the app shuts down (or `app.state.ctx
    .close()`).
    """
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
    for router in (protocol.router, api.router, pages.router, editor.router, ftzs.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(iris.router)  # last: it serves every other path
    middleware.install(app, ctx, max_body=max_body)
    app.short_way = SparqlFastPath(app.full_path, ctx, middleware.SECURITY_HEADERS)
    return app
