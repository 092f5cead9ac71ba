"""The errors shfz-graph raises: each says what is wrong and where, so the CLI can print one line.

Every exception the package raises on purpose is defined here (signals a module raises and catches itself,
never seen by a caller, stay private to that module)::

    Exception
    +-- ShfzError
    |   +-- InputError                      a source file cannot be read or parsed
    |   +-- QuerySyntaxError                SPARQL that does not parse
    |   +-- ParameterError                  a parameter unknown, missing or of the wrong kind
    |   |   +-- LimitError (+ ValueError)   a limit out of range (max_rows, timeout, ...)
    |   +-- UnknownQueryError               no named query of that name
    |   +-- NetworkAccessDenied             SERVICE, LOAD or FROM without permission
    |   |   +-- LoadDenied (+ UpdateDenied)
    |   +-- UpdateDenied                    an update where only queries are allowed
    |   +-- QueryTimeout                    a query past its time limit
    |   |   +-- RemoteTimeout (+ RemoteError)
    |   +-- QueryLimitExceeded              a query past its memory or answer-size limit
    |   +-- WorkerFailure                   a query worker failed to start or was stopped
    |   |   +-- WorkerDied                  a worker died under a query for no limit of ours (HTTP 500)
    |   |   +-- SandboxUnavailable          no network sandbox, and the server was to serve other hosts
    |   +-- ValidationFailed                data that does not conform to the SHACL shapes
    |   +-- InconsistencyError              ontology and data contradict each other (OWL 2 RL)
    |   +-- RemoteError                     a remote endpoint or store failed or refused
    |   +-- ExportError (+ ValueError)      an unknown export format, or data it cannot express
    |   +-- LabelError (+ LookupError)      no thing, or several, with a given label
    |   +-- HTTPProblem                     a request the server refuses (a status and a message)
    |   |   +-- ClientDisconnected          the client left before its answer (499: nobody reads it)
    |   |   +-- BodyTooLarge                a request body over the server's limit (413)
    |   +-- MissingExtraError (+ ImportError)  an optional dependency is not installed
    +-- AttemptFailed                       (internal) one failed attempt at a remote call: retried, or
                                            its RemoteError raised (see `httpclient.with_retries`)
    FutureWarning
    +-- DeprecatedParameterName             a parameter given by its old name (a warning)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class ShfzError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(ShfzError):
    """A source file cannot be read or parsed; names the file and, where known, the line."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


class QuerySyntaxError(ShfzError):
    """A SPARQL query does not parse; names the line and column."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None and column is not None else ""
        text = f"SPARQL syntax error at {where}{message}" if where else f"SPARQL syntax error: {message}"
        super().__init__(text)


class ParameterError(ShfzError):
    """A query parameter is unknown, missing, or not of its declared kind."""


class LimitError(ParameterError, ValueError):
    """A limit out of its range (a negative `max_rows`, a `timeout` not above zero): the same class and
    message whichever path checks it (see `check_max_rows`, `check_timeout`)."""


def check_max_rows(max_rows: int) -> int:
    """`max_rows` itself if it is not negative, else a `LimitError`."""
    if max_rows < 0:
        raise LimitError(f"max_rows must not be negative (got {max_rows})")
    return max_rows


def check_timeout(timeout: float | None, *, optional: bool = True) -> float | None:
    """`timeout` itself if it is positive (or None, where `optional`: no limit), else a `LimitError`."""
    if timeout is None and optional:
        return None
    if timeout is None or timeout <= 0:
        raise LimitError(f"timeout must be positive (got {timeout})")
    return timeout


class UnknownQueryError(ShfzError):
    """No named query has this name; carries the nearest names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown query {name!r}{hint}")


class NetworkAccessDenied(ShfzError):
    """A query would reach the network or the file system (SERVICE, LOAD, FROM) without permission."""


class UpdateDenied(ShfzError):
    """A SPARQL update was sent where only queries are allowed."""


class LoadDenied(UpdateDenied, NetworkAccessDenied):
    """`LOAD` is both an update and a fetch: refused as either."""


class QueryTimeout(ShfzError):
    """A query ran longer than its time limit (its worker was killed)."""

    limit = "time"


class QueryLimitExceeded(ShfzError):
    """A query went past a resource limit other than time: `limit` is "memory" or "answer-bytes"."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


class WorkerFailure(ShfzError):
    """A query worker could not start, or was stopped (the pool closed) while running a query."""


class WorkerDied(WorkerFailure):
    """A worker died under a query, not by a limit of ours (killed from outside, or a crash): the server's
    failure, answered 500 with this message, never reported as a time or memory limit."""


class SandboxUnavailable(WorkerFailure):
    """The query workers cannot be kept off the network on this system (no user or network namespaces),
    and the server was asked to listen beyond loopback without `--no-sandbox`."""


class ValidationFailed(ShfzError):
    """The data does not conform to the SHACL shapes."""


class InconsistencyError(ShfzError):
    """The ontology and data contradict each other under OWL 2 RL; `problems` lists each contradiction."""

    def __init__(self, problems: Sequence[str], *, reasoner: str) -> None:
        self.problems = list(problems)
        self.reasoner = reasoner
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"inconsistent graph ({count} {noun}, {reasoner}): " + "; ".join(self.problems))


class RemoteError(ShfzError):
    """A remote SPARQL endpoint or graph store failed, refused, timed out or answered nonsense."""


class RemoteTimeout(RemoteError, QueryTimeout):
    """A remote endpoint or store did not answer in time (both a `RemoteError` and a `QueryTimeout`)."""


class ExportError(ShfzError, ValueError):
    """An unknown export format, or data that the chosen format cannot express."""


class LabelError(ShfzError, LookupError):
    """No thing, or more than one, has the given label; carries suggestions to try instead."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        self.suggestions = suggestions
        super().__init__(message)


class HTTPProblem(ShfzError):
    """A request the server refuses: the status code, a one-line message and extra headers."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class ClientDisconnected(HTTPProblem):
    """The client closed its connection while its query ran: the query was stopped (status 499, in the
    manner of nginx; nobody is left to read it)."""

    def __init__(self, message: str) -> None:
        super().__init__(499, message)


class BodyTooLarge(HTTPProblem):
    """The request body is larger than the server accepts."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large (the limit is {limit} bytes)")


@dataclass
class AttemptFailed(Exception):
    """One failed attempt at a remote call: the error to report, and whether (and after how long) to try
    again. Internal: `httpclient.with_retries` retries it or raises its `error`; no caller sees it."""

    error: RemoteError
    retry: bool = False
    retry_after: float | None = None


class MissingExtraError(ShfzError, ImportError):
    """An optional dependency is not installed; names the extra that brings it."""

    def __init__(self, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(f"{module} is not installed: pip install 'shfz-graph[{extra}]'")


class DeprecatedParameterName(FutureWarning):
    """A named query's parameter was given by its name of the previous release (`min_area` for
    `minarea`): it still works, for one release. A warning, not an error."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__(
            f"parameter name {old!r} is deprecated and will stop working in the next release: use {new!r}"
        )
        self.old = old
        self.new = new
