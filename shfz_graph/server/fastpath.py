"""The short way through the server for the commonest request: a SPARQL query by GET from a data client.

`GET /sparql?query=...` from a client that is not a browser and sends no `Origin` is answered here, in
front of every layer of the framework (`App` hands each request to its `short_way` first;
`middleware.install` sets it there), with the same code (`protocol.answer_query`), the same headers and
the same error path (`handlers.problem_response`) as the full path. Everything else (browsers, CORS
requests, POST, HEAD, the service description) goes the full way. The saving is the per-request work of
the framework, which was most of the server process's share of a query's cost (even as the outermost of
the app's middlewares it would still pay for FastAPI's own layers around them).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from shfz_graph.server import formats, protocol
from shfz_graph.server.context import ServerContext
from shfz_graph.server.handlers import problem_response
from shfz_graph.server.httpcache import query_params

__all__ = ["App", "SparqlFastPath"]


class App(FastAPI):
    """The FastAPI app, whose `short_way` (a `SparqlFastPath`, set by `middleware.install`) sees each
    request before the framework does: plain SPARQL GETs are answered there and skip every layer."""

    short_way: ASGIApp | None = None
    answer_cache: Any = None  # the `httpcache.AnswerCache` in front of both paths (None: answers not kept)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.short_way is None:
            await super().__call__(scope, receive, send)
        else:
            scope["app"] = self  # as the framework sets it: an error page finds the app's context
            await self.short_way(scope, receive, send)

    async def full_path(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app without its short way: FastAPI's middleware, routing and handlers."""
        await super().__call__(scope, receive, send)


class SparqlFastPath:
    """ASGI middleware answering plain `GET /sparql?query=` itself; the rest goes to `app`."""

    def __init__(
        self, app: ASGIApp, ctx: ServerContext, security_headers: tuple[tuple[bytes, bytes], ...]
    ) -> None:
        self.app = app
        self.ctx = ctx
        self.security_headers = security_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        params = self._params(scope)
        if params is None:
            await self.app(scope, receive, send)
            return
        accept = _header(scope, b"accept")
        format_values = protocol.format_params(params)
        if not format_values and formats.prefers_html(accept):
            await self.app(scope, receive, send)  # a browser: the query page
            return
        response: Response | None = None
        try:
            text = protocol.check_params(params)
            if text is not None:
                response = await protocol.answer_query(self.ctx, text, None, accept, format_values, receive)
        except Exception as exc:  # ours or a bug: answered (and logged) as the full path does
            response = problem_response(Request(scope, receive), exc)
        if response is None:  # the service description: the full path answers (and fails) on its own
            await self.app(scope, receive, send)
            return
        response.raw_headers.extend(self.security_headers)
        await response(scope, receive, send)

    @staticmethod
    def _params(scope: Scope) -> tuple[tuple[str, str], ...] | None:
        """The URL's parameters if this request may take the short way, else None."""
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/sparql":
            return None
        if scope.get("root_path") or _header(scope, b"origin") is not None:
            return None  # mounted under a prefix, or a cross-origin request (CORS headers due)
        query_string = scope.get("query_string", b"")
        if b"query=" not in query_string:
            return None
        return query_params(query_string)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None
