"""Errors that become HTTP answers: a status, a short message, never a stack trace.

`problem_of` is the one decision, for any exception, of the status, the message and whether the server
logs it; the handlers (`handlers`) and the short way (`fastpath`) both answer from it, so they cannot
drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from shfz_graph.errors import (
    HTTPProblem,
    NetworkAccessDenied,
    ParameterError,
    QueryLimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    ShfzError,
    UnknownQueryError,
    UpdateDenied,
    WorkerDied,
    WorkerFailure,
)

__all__ = ["HTTPProblem", "Problem", "problem_of", "status_of"]

log = logging.getLogger("shfz_graph.server")

#: The message of every error that is a bug of ours: its details go to the log, never to a client.
INTERNAL_ERROR = "internal server error"


@dataclass(frozen=True)
class Problem:
    """How an error is answered: `status`, `message` (one line), extra `headers`, and what the log
    gets: nothing (the client's answer says it all), a `warning` line, or a `bug` with its traceback."""

    status: int
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)
    logged: Literal["no", "warning", "bug"] = "no"

    def report(self, exc: BaseException, method: str, path: str) -> None:
        """Log `exc`, raised while answering `method path`, as `logged` says."""
        if self.logged == "bug":
            log.error("unexpected error while answering %s %s", method, path, exc_info=exc)
        elif self.logged == "warning":
            log.warning("%s %s: %s", method, path, self.message)


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
    if isinstance(exc, WorkerDied):
        return 500  # the server's failure, though no bug of ours: no limit explains it
    if isinstance(exc, (QueryTimeout, QueryLimitExceeded, WorkerFailure)):
        return 503
    return 500


def problem_of(exc: BaseException) -> Problem:
    """How to answer `exc`: our errors with their own message (a worker's death also logged as a
    warning); a bug (any other 500) as `INTERNAL_ERROR`, its traceback logged."""
    status = status_of(exc)
    if isinstance(exc, HTTPProblem):
        return Problem(status, str(exc), exc.headers or {})
    if isinstance(exc, WorkerDied):
        return Problem(status, str(exc), logged="warning")
    if isinstance(exc, ShfzError) and status != 500:
        return Problem(status, str(exc))
    return Problem(500, INTERNAL_ERROR, logged="bug")
