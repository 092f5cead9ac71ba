"""Errors that become HTTP answers: a status, a short message, never a stack trace."""

from __future__ import annotations

from shfz_graph.errors import (
    NetworkAccessDenied,
    ParameterError,
    QueryLimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    ShfzError,
    UnknownQueryError,
    UpdateDenied,
    WorkerFailure,
)

__all__ = ["HTTPProblem", "status_of"]


class HTTPProblem(ShfzError):
    """A request the server refuses: the status code, a one-line message and extra headers."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def status_of(exc: BaseException) -> int:
    """The HTTP status for one of our errors (500 for anything unexpected)."""
    if isinstance(exc, HTTPProblem):
        return exc.status
    if isinstance(exc, (UpdateDenied, NetworkAccessDenied)):
        return 403
    if isinstance(exc, (QuerySyntaxError, ParameterError)):
        return 400
    if isinstance(exc, UnknownQueryError):
        return 404
    if isinstance(exc, (QueryTimeout, QueryLimitExceeded, WorkerFailure)):
        return 503
    return 500
