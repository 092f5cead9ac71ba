"""Every middleware of the app, and `install`, which stacks them in their one right order.

From the outside in: HTTP caching (`httpcache`: ETags and 304s, the answer cache, compression), the short
way for `GET /sparql` (`shfz_graph.server.fastpath`, in front of the
framework's own layers: `fastpath.App` hands it each request first), then inside the framework CORS, the
security headers, HEAD answered as GET, the request body limit, and the answer to an error no handler
took. Only the framework's last resort for a failing middleware (`handlers.on_unexpected`) is outside
those (the short way answers its own errors by the same path).
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shfz_graph import defaults
from shfz_graph.errors import BodyTooLarge
from shfz_graph.server.context import ServerContext
from shfz_graph.server.fastpath import App, SparqlFastPath
from shfz_graph.server.handlers import problem_response
from shfz_graph.server.httpcache import AnswerCache, HttpCache

__all__ = ["SECURITY_HEADERS", "BodyLimit", "HeadAsGet", "SecurityHeaders", "UnexpectedErrors", "install"]

#: Sent with every answer: no MIME sniffing, and pages may load nothing from other origins.
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
)


def install(
    app: App,
    ctx: ServerContext,
    *,
    max_body: int,
    answer_cache: int = defaults.ANSWER_CACHE,
    cache_max_age: int = defaults.CACHE_MAX_AGE,
) -> None:
    """Add the middlewares to `app` (each added one wraps the ones before it), and set the short way in
    front of them all, behind HTTP caching (`httpcache`: validators, `answer_cache` bytes of answers kept,
    compression), which so serves both paths."""
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(  # outside these, so that refusals carry the CORS headers too
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["Accept", "Content-Type"],
        max_age=600,
    )
    # in front of the framework: plain SPARQL GETs skip every layer (it adds the security headers itself)
    short_way = SparqlFastPath(app.full_path, ctx, SECURITY_HEADERS)
    cache = AnswerCache(answer_cache) if answer_cache > 0 else None
    app.answer_cache = cache
    app.short_way = HttpCache(short_way, build=ctx.build_id, cache=cache, max_age=cache_max_age)


class UnexpectedErrors:
    """ASGI middleware answering an error that no handler took (a bug) by the one error path
    (`handlers.problem_response`), inside the security headers and CORS, so its 500 carries them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started:
                raise  # too late for another answer: the server drops the connection
            await problem_response(Request(scope, receive), exc)(scope, receive, send)


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
