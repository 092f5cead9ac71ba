"""Errors that become HTTP answers: a status, a short message, never a stack trace."""

from __future__ import annotations

from shfz_graph.errors import (
    HTTPProblem,
    NetworkAccessDenied,
    ParameterError,
    QueryLimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    UnknownQueryError,
    UpdateDenied,
    WorkerFailure,
)

__all__ = ["HTTPProblem", "status_of"]


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
