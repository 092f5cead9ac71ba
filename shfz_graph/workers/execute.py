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

from shfz_graph.defaults import Limits
from shfz_graph.errors import ParameterError, ShfzError, check_timeout
from shfz_graph.query.results import TABLE_PREFIXES, Result, read_json
from shfz_graph.workers.supervisor import QueryPool
from shfz_graph.workers.wire import Answer, Job, term_spec

__all__ = ["make_job", "oxigraph_bytes", "prefix_map", "run", "to_result"]


_OUTPUT_PREFIXES = {k: v for k, v in TABLE_PREFIXES.items() if k != "id"}  # `id:` names need escapes


def prefix_map(prefixes: Mapping[str, Any] | None) -> dict[str, str]:
    """Prefixes as the plain {name: namespace} a job carries; a server makes it once and hands the same
    dict to every job (`make_job` takes a plain dict as it is)."""
    return {str(k): str(v) for k, v in sorted((prefixes or {}).items())}


def make_job(
    text: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    allow_network: bool = False,
    limits: Limits | None = None,
    prefixes: Mapping[str, Any] | None = None,
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
        # all of them: the worker gives them to Oxigraph only if the text fails without them
        prefixes=prefixes if type(prefixes) is dict else prefix_map(prefixes),
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
