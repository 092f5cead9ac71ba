"""Running a query in a worker process: the job to send, and the answer read back as a `Result`.

The CLI, the server and `KnowledgeGraph.query` all come through here (see `shfz_graph.workers` for the
workers and their limits). Answers arrive serialized by Oxigraph; `to_result` reads one back into rdflib
terms, for tables, pages and Python callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from shfz_graph._sparqltext import prefixes_used
from shfz_graph.defaults import Limits
from shfz_graph.errors import ParameterError, ShfzError, check_timeout
from shfz_graph.query.results import TABLE_PREFIXES, Result, read_json
from shfz_graph.workers.supervisor import QueryPool
from shfz_graph.workers.wire import Answer, Job, term_spec

__all__ = ["make_job", "oxigraph_bytes", "run", "to_result"]


_OUTPUT_PREFIXES = {k: v for k, v in TABLE_PREFIXES.items() if k != "id"}  # `id:` names need escapes


def prefix_items(
    prefixes: Mapping[str, Any] | tuple[tuple[str, str], ...] | None,
) -> tuple[tuple[str, str], ...]:
    """Prefixes as the sorted (name, namespace) pairs `prefixes_used` takes; a tuple of pairs is taken
    as it is, so a server that makes it once pays nothing per query."""
    if isinstance(prefixes, tuple):
        return prefixes
    return tuple(sorted((str(k), str(v)) for k, v in (prefixes or {}).items()))


def make_job(
    text: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    allow_network: bool = False,
    limits: Limits | None = None,
    prefixes: Mapping[str, Any] | tuple[tuple[str, str], ...] | None = None,
    select_format: str | None = "json",
    ask_format: str | None = "json",
    graph_format: str | None = "nt",
) -> Job:
    """A job for a worker under `limits` (its rows and bytes; the pool keeps its time and memory);
    bindings are checked here (IRIs and literals only) and travel as plain tuples."""
    limits = limits if limits is not None else Limits()
    specs = {}
    for name, term in (bindings or {}).items():
        if not isinstance(term, (URIRef, Literal)):
            raise ParameterError(
                f"binding for ?{name.lstrip('?$')} must be an RDF term, not {type(term).__name__}"
            )
        specs[name.lstrip("?$")] = term_spec(term)
    return Job(
        text=text,
        bindings=specs,
        select_format=select_format,
        ask_format=ask_format,
        graph_format=graph_format,
        allow_network=allow_network,
        max_rows=limits.max_rows,
        max_bytes=limits.max_bytes,
        # only those the text may use: the job crosses a pipe for every query
        prefixes=dict(prefixes_used(text, prefix_items(prefixes))),
        output_prefixes=_OUTPUT_PREFIXES,
    )


def run(pool: QueryPool, job: Job, *, timeout: float | None) -> Answer:
    """Run a job in the pool (QueryTimeout, QueryLimitExceeded or the query's own error on failure)."""
    check_timeout(timeout)
    return pool.run(job, timeout=timeout)


def to_result(answer: Answer) -> Result:
    """A worker's answer (SPARQL JSON, or N-Triples for a graph) as a `Result` of rdflib terms."""
    if answer.format is None:
        raise ShfzError(f"the query is a {answer.kind} query, whose answer was not asked for")
    if answer.kind in ("CONSTRUCT", "DESCRIBE"):
        if answer.format != "nt":
            raise ShfzError(f"cannot read a {answer.format} graph answer back (ask for nt)")
        graph = Graph()
        graph.parse(data=answer.body.decode("utf-8"), format="nt")
        result = Result.from_graph(answer.kind, graph)
        result.truncated = answer.truncated
        return result
    if answer.format != "json":
        raise ShfzError(f"cannot read a {answer.format} answer back (ask for json)")
    result = read_json(answer.body, answer.kind)
    result.truncated = answer.truncated
    return result


def oxigraph_bytes(result: Result, fmt: str) -> bytes:
    """A SELECT or ASK result written by Oxigraph's own serializer in json, xml, csv or tsv, so that an
    answer read from another store prints byte for byte as a local one (its terms already in the one
    spelling, `literals.answer_term`)."""
    import pyoxigraph as ox

    names = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
    if fmt not in names or result.kind not in ("SELECT", "ASK"):
        raise ShfzError(f"Oxigraph writes SELECT and ASK results as json, xml, csv or tsv, not {fmt}")
    parsed = ox.parse_query_results(result.to_json().encode("utf-8"), ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=getattr(ox.QueryResultsFormat, names[fmt])) or b""
