"""The query page (`/query`, and `/sparql` in a browser): an editor with the named queries as examples,
the answer as a table, and downloads of it in each format."""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from shfz_graph import formats as format_table
from shfz_graph.catalog import NamedQuery
from shfz_graph.errors import (
    NetworkAccessDenied,
    ParameterError,
    QuerySyntaxError,
    QueryTimeout,
    UpdateDenied,
)
from shfz_graph.query.results import GRAPH_KINDS, Result
from shfz_graph.server import formats, maps
from shfz_graph.server.answers import AnswerView, answer_view
from shfz_graph.server.context import ServerContext
from shfz_graph.server.dependencies import Context
from shfz_graph.server.problems import HTTPProblem, status_of
from shfz_graph.server.render import render
from shfz_graph.server.syntax import explain
from shfz_graph.vocab import sparql_prologue

__all__ = ["DEFAULT_QUERY", "query_page", "result_response", "router", "without_header"]

router = APIRouter()

DEFAULT_QUERY = (
    sparql_prologue("rdfs", "shfz")
    + """
SELECT ?zone ?label WHERE {
  ?zone a shfz:LinkedInnovationZone ;
        rdfs:label ?label .
  FILTER(lang(?label) = "en")
}
ORDER BY ?label
"""
)
_DOWNLOAD_FORMATS = {"SELECT": ("csv", "tsv", "json", "xml"), "ASK": ("json", "xml")}
_GRAPH_DOWNLOADS = ("turtle", "nt", "json-ld")
_SHOWN_ROWS = 1000
_QUERY_ERRORS = (
    QuerySyntaxError,
    NetworkAccessDenied,
    UpdateDenied,
    QueryTimeout,
    ParameterError,
    HTTPProblem,
)


def without_header(text: str) -> str:
    """A named query's text without its `#+` header (summary, tags, defaults): what a user edits."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#+"):
        lines.pop(0)
    return "".join(lines)


def _with_format(request: Request, fmt: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("format", "run")]
    return request.url.path + "?" + urlencode([*params, ("format", fmt)])


def result_response(result: Result, key: str) -> Response:
    """The HTTP answer for a query result in format `key` (SPARQL results or RDF)."""
    if result.kind in GRAPH_KINDS:
        body = result.to_rdf(key)
        media_type = formats.RDF_CONTENT_TYPES[key]
    else:
        body = result.serialize(key)
        media_type = formats.RESULT_CONTENT_TYPES[key]
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers["X-Result-Truncated"] = f"true; cut at {len(result)} rows"
    return Response(body.encode("utf-8"), media_type=media_type, headers=headers)


def _download(result: Result, fmt: str) -> Response:
    graph = result.kind in GRAPH_KINDS
    key = formats.from_format_params([fmt], graph=graph)
    if key is None or not formats.has_form(result.kind, key):
        raise HTTPProblem(400, f"format {fmt!r} is not available for a {result.kind} result")
    response = result_response(result, key)
    suffix = format_table.get(format_table.RDF if graph else format_table.RESULTS, key).extension
    response.headers["Content-Disposition"] = f'attachment; filename="results.{suffix}"'
    return response


async def _run(
    ctx: ServerContext, text: str, named: NamedQuery | None, values: Mapping[str, str], raising: bool
) -> tuple[Result | None, str | None, int, float]:
    """Run the query for the page: (result, error message, HTTP status, seconds taken). A query error is
    shown on the page, or raised when `raising` (a download was asked for)."""
    started = time.perf_counter()
    try:
        bindings = named.bind(values) if named is not None else None
        result = await ctx.run_query(text, bindings)
    except _QUERY_ERRORS as exc:
        if raising:
            raise
        return None, str(exc), status_of(exc), time.perf_counter() - started
    return result, None, 200, time.perf_counter() - started


def _downloads(request: Request, result: Result) -> list[tuple[str, str]]:
    """(label, link) of each format the result can be downloaded in."""
    choices = _GRAPH_DOWNLOADS if result.kind in GRAPH_KINDS else _DOWNLOAD_FORMATS[result.kind]
    labels = {f: format_table.get(format_table.RDF, f).label for f in _GRAPH_DOWNLOADS}
    return [(labels.get(f, f.upper()), _with_format(request, f)) for f in choices]


async def query_page(
    request: Request,
    ctx: ServerContext,
    *,
    text: str | None,
    example: str | None = None,
    values: Mapping[str, str] | None = None,
    run: bool | None = None,
    fmt: str | None = None,
) -> Response:
    """The query editor with the named queries as examples; runs `text` and shows the rows as a table."""
    named: NamedQuery | None = ctx.named(example) if example else None
    values = {k: v for k, v in (values or {}).items() if v.strip()}
    if text is None:
        text = without_header(named.text) if named is not None else DEFAULT_QUERY
        run = bool(run)
    elif run is None:
        run = True
    result, error, status, elapsed = None, None, 200, 0.0
    if run:
        result, error, status, elapsed = await _run(ctx, text, named, values, raising=bool(fmt))
    if fmt and result is not None:
        return await ctx.in_thread(_download, result, fmt)
    view: AnswerView | None = None
    if result is not None:
        view = await ctx.in_thread(answer_view, ctx.site, result, limit=_SHOWN_ROWS)
    spot = explain(text, error) if error else None
    drawn = await maps.answer_map(ctx, view.places) if view is not None else None
    # federated queries (refused here) last
    examples = sorted(ctx.queries.values(), key=lambda q: (q.network, q.tags[:1], q.name))
    return render(
        ctx.env,
        request,
        "query.html",
        status=status,
        title="Query",
        text=text,
        example=named,
        values=values,
        examples=examples,
        result=result,
        view=view,
        shown=len(view.rows) if view is not None else 0,
        spot=spot,
        answer_map=drawn[0] if drawn else None,
        answer_map_note=drawn[1] if drawn else "",
        prefixes=sorted(ctx.prefixes.items()),
        downloads=_downloads(request, result) if result is not None else [],
        error=error,
        elapsed=elapsed,
        timeout=ctx.timeout,
        max_rows=ctx.max_rows,
    )


@router.get("/query", include_in_schema=False)
async def query(request: Request, ctx: Context) -> Response:
    """The query page: `?query=` runs a query, `?example=` shows a named one (`&run` runs it too)."""
    params = request.query_params
    if len(params.getlist("query")) > 1:
        raise HTTPProblem(400, "give exactly one query parameter")
    example = params.get("example") or None
    values: dict[str, str] = {}
    if example:
        named = ctx.named(example)
        for parameter in named.parameters:
            value = params.get(parameter.name)
            if value is not None:
                values[parameter.name] = value
    return await query_page(
        request,
        ctx,
        text=params.get("query"),
        example=example,
        values=values,
        run=True if params.get("query") is not None else "run" in params,
        fmt=params.get("format") or None,
    )
