"""The app factory: one FastAPI app serving the SPARQL endpoint, the IRIs, the pages and the REST API."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shfz_graph import __version__, defaults
from shfz_graph.errors import BodyTooLarge, ShfzError, UnknownQueryError
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import api, pages, protocol
from shfz_graph.server.context import ServerContext
from shfz_graph.server.fastpath import SparqlFastPath
from shfz_graph.server.problems import HTTPProblem, status_of
from shfz_graph.server.render import render
from shfz_graph.vocab import BASE

__all__ = ["DEFAULT_MAX_BODY", "BodyLimit", "HeadAsGet", "SecurityHeaders", "create_app"]

log = logging.getLogger("shfz_graph.server")

DEFAULT_MAX_BODY = defaults.MAX_BODY
STATIC = Path(__file__).resolve().parent / "static"


class BodyLimit:
    """ASGI middleware refusing request bodies over `max_body` bytes with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await PlainTextResponse("invalid Content-Length\n", status_code=400)(scope, receive, send)
                    return
                if declared > self.max_body:
                    message = f"request body too large (the limit is {self.max_body} bytes)\n"
                    await PlainTextResponse(message, status_code=413)(scope, receive, send)
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        await self.app(scope, limited, send)


#: Sent with every answer: no MIME sniffing, and pages may load nothing from other origins.
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
)


class SecurityHeaders:
    """ASGI middleware adding `SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """ASGI middleware answering HEAD like GET without the body (FastAPI routes are GET-only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _wants_html(request: Request) -> bool:
    return request.method == "GET" and protocol.prefers_html(request.headers.get("accept"))


def _error_response(
    request: Request, ctx: ServerContext, status: int, message: str, **extra: Any
) -> Response:
    headers = dict(extra.pop("headers", None) or {})
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": message, "status": status, **extra}, status_code=status, headers=headers
        )
    if _wants_html(request):
        return render(
            ctx.env,
            request,
            "error.html",
            status=status,
            headers=headers,
            title=f"Error {status}",
            message=message,
            status_code=status,
        )
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


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
    if not base.endswith("/"):
        base += "/"
    ctx = ServerContext(
        kg,
        base=base,
        timeout=timeout,
        max_rows=max_rows,
        max_body=max_body,
        queries_dir=queries_dir,
        workers=workers,
        max_memory=max_memory,
        max_bytes=max_bytes,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ctx.reopen()  # an app may be started again after a shutdown (as test clients do)
        try:
            yield
        finally:
            ctx.close()

    app = FastAPI(
        title="shfz-graph",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.ctx = ctx

    async def on_problem(request: Request, exc: Exception) -> Response:
        status = status_of(exc)
        if status >= 500 and not isinstance(exc, HTTPProblem) and status != 503:
            log.error("error while answering %s %s", request.method, request.url.path, exc_info=exc)
            return _error_response(request, ctx, 500, "internal server error")
        extra: dict[str, Any] = {}
        if isinstance(exc, HTTPProblem) and exc.headers:
            extra["headers"] = exc.headers
        if isinstance(exc, UnknownQueryError):
            extra["suggestions"] = exc.suggestions
        return _error_response(request, ctx, status, str(exc), **extra)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        return _error_response(request, ctx, exc.status_code, str(exc.detail), headers=headers)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected error while answering %s %s", request.method, request.url.path, exc_info=exc)
        return PlainTextResponse("internal server error\n", status_code=500)

    app.add_exception_handler(ShfzError, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)

    async def browser_query_page(request: Request, text: str | None) -> Response:
        return await pages.query_page(request, ctx, text=text)

    protocol.install(app, ctx, browser_query_page)
    api.install(app, ctx)
    pages.install(app, ctx)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages.install_things(app, ctx)

    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(  # outermost, so that refusals carry the CORS headers too
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["Accept", "Content-Type"],
        max_age=600,
    )
    app.add_middleware(SparqlFastPath, ctx=ctx, security_headers=SECURITY_HEADERS)  # in front of all
    return app
