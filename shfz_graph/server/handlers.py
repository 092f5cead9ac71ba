"""How errors reach a client: JSON under `/api/`, a page for a browser, one line of text otherwise; never
a stack trace (unexpected errors are logged, and answered 500). One error path, `problem_response`, serves
the exception handlers, `middleware.UnexpectedErrors` and the short way (`fastpath`) alike."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from shfz_graph.errors import ShfzError, UnknownQueryError
from shfz_graph.server import formats
from shfz_graph.server.dependencies import get_context
from shfz_graph.server.problems import problem_of
from shfz_graph.server.render import render

__all__ = ["HANDLERS", "error_response", "problem_response"]


def error_response(request: Request, status: int, message: str, **extra: Any) -> Response:
    """The answer for an error: `extra` goes into the JSON of the API (`headers`: into the response)."""
    headers = dict(extra.pop("headers", None) or {})
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": message, "status": status, **extra}, status_code=status, headers=headers
        )
    if request.method == "GET" and formats.prefers_html(request.headers.get("accept")):
        return render(
            get_context(request).env,
            request,
            "error.html",
            status=status,
            headers=headers,
            title=f"Error {status}",
            message=message,
            status_code=status,
        )
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def problem_response(request: Request, exc: Exception) -> Response:
    """The answer for any exception, as `problems.problem_of` decides it (logged as it says): the one
    error path of the handlers, of `middleware.UnexpectedErrors` and of the short way (`fastpath`)."""
    problem = problem_of(exc)
    problem.report(exc, request.method, request.url.path)
    extra: dict[str, Any] = {}
    if problem.headers:
        extra["headers"] = problem.headers
    if isinstance(exc, UnknownQueryError):
        extra["suggestions"] = exc.suggestions
    return error_response(request, problem.status, problem.message, **extra)


async def on_problem(request: Request, exc: Exception) -> Response:
    """One of our errors: its status and message (a bug's message stays in the log)."""
    return problem_response(request, exc)


async def on_http(request: Request, exc: Exception) -> Response:
    """The framework's own errors (404 of an unknown path, 405, ...), answered as ours are."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    return error_response(request, exc.status_code, str(exc.detail), headers=headers)


async def on_unexpected(request: Request, exc: Exception) -> Response:
    """The last resort, for an error in a middleware itself (`middleware.UnexpectedErrors` answers those
    of the routes): logged, and a bare 500 in plain text, which cannot fail in turn."""
    problem = problem_of(exc)
    problem.report(exc, request.method, request.url.path)
    return PlainTextResponse(problem.message + "\n", status_code=problem.status)


#: The app's exception handlers, by the exception class each answers.
HANDLERS: dict[int | type[Exception], Callable[[Request, Any], Coroutine[Any, Any, Response]]] = {
    ShfzError: on_problem,
    StarletteHTTPException: on_http,
    Exception: on_unexpected,
}
