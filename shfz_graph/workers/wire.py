"""What crosses the pipes between the pool and a worker: jobs, answers, and errors as plain data.

Light on purpose: a worker imports it before its memory limit, and it imports neither rdflib nor
pyoxigraph at module level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shfz_graph import defaults, errors, formats
from shfz_graph.errors import ShfzError, WorkerFailure

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Answer",
    "Job",
    "TermSpec",
    "error_reply",
    "rebuild_error",
    "term_spec",
]

#: Result formats a worker writes natively (Oxigraph's serializers), by our name.
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
#: Graph formats a worker writes natively, by our name (JSON-LD, compacted with our context, is not one).
GRAPH_FORMATS = ("nt", "turtle", "xml")
RESULT_ATTRS = {name: str(formats.get(formats.RESULTS, name).oxigraph) for name in RESULT_FORMATS}
GRAPH_ATTRS = {name: str(formats.get(formats.RDF, name).oxigraph) for name in GRAPH_FORMATS}

TermSpec = tuple[str, str, "str | None", "str | None"]  # (iri|literal, value, datatype, language)


@dataclass(frozen=True)
class Job:
    """One query for a worker: its text, bound variables as plain term tuples, the formats wanted for each
    query form (None: the caller cannot accept that form), limits and the guard's setting."""

    text: str
    bindings: Mapping[str, TermSpec] = field(default_factory=dict)
    select_format: str | None = "json"
    ask_format: str | None = "json"
    graph_format: str | None = "nt"  # CONSTRUCT and DESCRIBE
    allow_network: bool = False
    max_rows: int = defaults.MAX_ROWS
    max_bytes: int = defaults.MAX_BYTES
    prefixes: Mapping[str, str] = field(default_factory=dict)  # usable undeclared in the query
    output_prefixes: Mapping[str, str] = field(default_factory=dict)  # for Turtle answers


@dataclass(frozen=True)
class Answer:
    """A worker's answer: the query form, the serialized bytes, the format they are in (None: the job
    accepted no answer of this form, and the query did not run), rows or triples, truncation."""

    kind: str
    body: bytes
    format: str | None
    rows: int
    truncated: bool


def term_spec(term: Any) -> TermSpec:
    """An rdflib IRI or literal as a plain tuple that crosses the pipe (blank nodes cannot be bound)."""
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return ("iri", str(term), None, None)
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return ("literal", str(term), datatype, term.language)
    raise errors.ParameterError(f"{term!r} cannot be bound to a query variable (only IRIs and literals can)")


def error_reply(exc: BaseException) -> tuple[str, str, str, dict[str, Any]]:
    """An error as plain data the parent can rebuild: ("error", class name, message, attributes)."""
    attrs = {k: v for k, v in vars(exc).items() if isinstance(v, (str, int, float, type(None), list))}
    return ("error", type(exc).__name__, str(exc), attrs)


def rebuild_error(message: tuple[Any, ...]) -> ShfzError:
    """The exception a worker reported, rebuilt in this process with its message and attributes."""
    _, name, text, attrs = message
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, ShfzError)):
        return WorkerFailure(f"the query failed in its worker: {name}: {text}")
    exc: ShfzError = cls.__new__(cls)
    Exception.__init__(exc, text)
    for key, value in attrs.items():
        setattr(exc, key, value)
    return exc
