"""The errors shfz-graph raises: each says what is wrong and where, so the CLI can print one line."""

from __future__ import annotations

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


class ValidationFailed(ShfzError):
    """The data does not conform to the SHACL shapes."""


class RemoteError(ShfzError):
    """A remote SPARQL endpoint or graph store failed, refused, timed out or answered nonsense."""


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
