"""The SPARQL 1.1 Protocol endpoint `/sparql`: queries only, guarded, with content negotiation.

GET `?query=`, POST form-encoded `query=`, POST `application/sparql-query`. SELECT/ASK answer in SPARQL
Results JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE in Turtle, JSON-LD, N-Triples or RDF/XML. The format comes
from `format=` (or `output=`/`results=`, as SPARQLWrapper sends them) else from `Accept`. GET without a
query answers with the Service Description (RDF) or, for a browser, the query page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl

from fastapi import APIRouter
from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive

from shfz_graph.query.results import GRAPH_KINDS
from shfz_graph.server import formats
from shfz_graph.server.context import ServerContext
from shfz_graph.server.dependencies import Context
from shfz_graph.server.editor import query_page
from shfz_graph.server.problems import HTTPProblem
from shfz_graph.server.void import counts_of, service_description
from shfz_graph.workers.wire import GRAPH_FORMATS, Answer

__all__ = ["answer_query", "check_params", "format_params", "request_params", "router"]

#: `/sparql`: GET and POST; 405 for the other methods.
router = APIRouter()

_FORMAT_PARAMS = ("format", "output", "results")
_DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
_POST_TYPES = "application/x-www-form-urlencoded or application/sparql-query"
_PARAMETERS = [
    {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "SPARQL 1.1 query text"},
    {
        "name": "format",
        "in": "query",
        "schema": {"type": "string"},
        "description": f"{', '.join(formats.SERVED_RESULTS)} (SELECT/ASK); "
        f"{', '.join(formats.SERVED_GRAPHS)} (CONSTRUCT/DESCRIBE); overrides Accept",
    },
]
_RESPONSES = {
    "200": {
        "description": "Query results (or the Service Description when no query is given)",
        "content": {media: {} for media in formats.SERVED_MEDIA_TYPES},
    },
    "400": {"description": "Malformed query or request"},
    "403": {"description": "Update, SERVICE, LOAD, FROM or dataset selection refused"},
    "406": {"description": "No acceptable result format"},
    "413": {"description": "Request body too large"},
    "503": {
        "description": "The query went past its time, memory or answer-size limit (its worker was stopped)"
    },
}


def _content_type(request: Request) -> tuple[str, str]:
    """The media type (lower case, no parameters) and the charset of the request body."""
    header = request.headers.get("content-type", "")
    parts = [p.strip() for p in header.split(";")]
    charset = "utf-8"
    for param in parts[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


def _decode(body: bytes, charset: str) -> str:
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise HTTPProblem(400, f"the request body is not valid {charset} text") from None


async def request_params(request: Request) -> list[tuple[str, str]]:
    """The protocol parameters of a request: the URL's, plus a form body's or a query body's."""
    params = list(request.query_params.multi_items())
    if request.method != "POST":
        return params
    media_type, charset = _content_type(request)
    if media_type == "application/sparql-update":
        raise HTTPProblem(403, "SPARQL updates are not accepted: this endpoint is read-only")
    body = await request.body()
    if media_type == "application/x-www-form-urlencoded":
        try:
            return params + parse_qsl(_decode(body, charset), keep_blank_values=True, encoding=charset)
        except LookupError:
            raise HTTPProblem(400, f"unknown charset {charset!r}") from None
    if media_type == "application/sparql-query":
        if any(name == "query" for name, _ in params):
            raise HTTPProblem(400, "a POST with a query body must not also have a query parameter in the URL")
        return [*params, ("query", _decode(body, charset))]
    if not media_type:
        raise HTTPProblem(400, f"a POST needs a Content-Type: {_POST_TYPES}")
    raise HTTPProblem(400, f"unsupported Content-Type {media_type!r} for a query: use {_POST_TYPES}")


def check_params(params: Sequence[tuple[str, str]]) -> str | None:
    """The query text, after refusing updates, repeated queries and dataset selection."""
    if any(name == "update" for name, _ in params):
        raise HTTPProblem(403, "SPARQL updates are not accepted: this endpoint is read-only")
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise HTTPProblem(400, f"give exactly one query parameter (got {len(queries)})")
    dataset = sorted({name for name, _ in params if name in _DATASET_PARAMS})
    if dataset:
        raise HTTPProblem(
            403,
            f"{' and '.join(dataset)} not accepted: the default graph is the union of all named graphs; "
            "use GRAPH <...> { } patterns to query one of them",
        )
    if not queries:
        return None
    if not queries[0].strip():
        raise HTTPProblem(400, "the query is empty")
    return queries[0]


def format_params(params: Sequence[tuple[str, str]]) -> list[str]:
    """The values of the `format`/`output`/`results` parameters that say something."""
    return [value for name, value in params if name in _FORMAT_PARAMS and value.strip()]


_FORMS = ("SELECT", "ASK", "CONSTRUCT")


def _format_for(kind: str, accept: str | None, format_values: list[str]) -> str | HTTPProblem:
    """Our format key for answering a query of this form, or the 406 problem to raise if it runs."""
    try:
        return formats.choose_format(accept, format_values, kind=kind)
    except HTTPProblem as problem:
        return problem


def _format_keys(accept: str | None, format_values: tuple[str, ...]) -> dict[str, str | HTTPProblem]:
    """Our format key (or the 406 to raise) for each query form."""
    return {
        kind: key if isinstance(key, str) else HTTPProblem(*key)
        for kind, key in _negotiated(accept, format_values)
    }


@functools.lru_cache(maxsize=256)
def _negotiated(
    accept: str | None, format_values: tuple[str, ...]
) -> tuple[tuple[str, str | tuple[int, str]], ...]:
    """`_format_keys` as plain values, remembered: data clients send the same few `Accept` headers."""
    pairs: list[tuple[str, str | tuple[int, str]]] = []
    for kind in _FORMS:
        key = _format_for(kind, accept, list(format_values))
        pairs.append((kind, key if isinstance(key, str) else (key.status, key.message)))
    return tuple(pairs)


async def answer_query(
    ctx: ServerContext,
    text: str,
    bindings: Mapping[str, Node] | None,
    accept: str | None,
    format_values: list[str],
    receive: Receive | None = None,
) -> Response:
    """Run a query in a worker, with the answer format negotiated beforehand for each query form, and
    send the bytes Oxigraph wrote (JSON-LD goes through our compacting writer). With the request's
    `receive`, a client that leaves stops its query (see `ServerContext.run_answer`)."""
    keys = _format_keys(accept, tuple(format_values))

    def wanted(kind: str, native: tuple[str, ...] | None = None) -> str | None:
        key = keys[kind]
        if isinstance(key, HTTPProblem):
            return None
        return key if native is None or key in native else "nt"

    answer = await ctx.run_answer(
        text,
        bindings,
        select_format=wanted("SELECT"),
        ask_format=wanted("ASK"),
        graph_format=wanted("CONSTRUCT", GRAPH_FORMATS),  # JSON-LD is compacted here, from N-Triples
        receive=receive,
    )
    key = keys["CONSTRUCT" if answer.kind in GRAPH_KINDS else answer.kind]
    if isinstance(key, HTTPProblem):
        raise key
    headers = {"Vary": "Accept"}
    if answer.truncated:
        unit = "triples" if answer.kind in GRAPH_KINDS else "rows"
        headers["X-Result-Truncated"] = f"true; cut at {answer.rows} {unit}"
    if answer.kind in GRAPH_KINDS:
        body = answer.body
        if key != answer.format:  # JSON-LD: compacted with our context, from the N-Triples answer
            body = await ctx.in_thread(_graph_bytes, ctx, answer, key)
        return Response(body, media_type=formats.RDF_CONTENT_TYPES[key], headers=headers)
    return Response(answer.body, media_type=formats.RESULT_CONTENT_TYPES[key], headers=headers)


def _graph_bytes(ctx: ServerContext, answer: Answer, key: str) -> bytes:
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=answer.body.decode("utf-8"), format="nt")
    return ctx.rdf_bytes(graph, key, answer=True)


def endpoint_url(request: Request) -> str:
    """The absolute URL of `/sparql` on the host the client used."""
    return str(request.base_url).rstrip("/") + "/sparql"


async def answer(request: Request, ctx: ServerContext) -> Response:
    """Answer a protocol request: a query, the service description, or (to a browser) the query page."""
    params = await request_params(request)
    text = check_params(params)
    format_values = format_params(params)
    accept = request.headers.get("accept")
    if text is None:
        if request.method == "POST":
            raise HTTPProblem(400, "no query: send query=... (form) or a SPARQL query body")
        return await service(request, ctx, accept, format_values)
    if not format_values and formats.prefers_html(accept):
        return await query_page(request, ctx, text=text)
    return await answer_query(ctx, text, None, accept, format_values, request.receive)


async def service(
    request: Request, ctx: ServerContext, accept: str | None, format_values: list[str]
) -> Response:
    """The SPARQL 1.1 Service Description in RDF, or the query page for a browser."""
    key = formats.choose_format(accept, format_values, html=True, what="service description request")
    if key == formats.HTML:
        return await query_page(request, ctx, text=None)
    counts = await ctx.in_thread(counts_of, ctx)
    endpoint = endpoint_url(request)
    void_url = str(request.base_url).rstrip("/") + "/.well-known/void"
    graph = service_description(counts, endpoint=endpoint, void_url=void_url)
    body = await ctx.in_thread(ctx.plain_rdf_bytes, graph, key)
    return Response(body, media_type=formats.RDF_CONTENT_TYPES[key], headers={"Vary": "Accept"})


@router.get(
    "/sparql",
    name="sparql_get",
    summary="SPARQL 1.1 Protocol: query by GET",
    tags=["SPARQL"],
    openapi_extra={"parameters": _PARAMETERS},
    responses=_RESPONSES,  # type: ignore[arg-type]
)
async def sparql_get(request: Request, ctx: Context) -> Response:
    return await answer(request, ctx)


@router.post(
    "/sparql",
    name="sparql_post",
    summary="SPARQL 1.1 Protocol: query by POST (form-encoded or application/sparql-query)",
    tags=["SPARQL"],
    openapi_extra={
        "parameters": _PARAMETERS[1:],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"query": {"type": "string"}}}
                },
                "application/sparql-query": {"schema": {"type": "string"}},
            },
        },
    },
    responses=_RESPONSES,  # type: ignore[arg-type]
)
async def sparql_post(request: Request, ctx: Context) -> Response:
    return await answer(request, ctx)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    raise HTTPProblem(
        405,
        f"{request.method} is not allowed: this endpoint answers queries (GET, POST) and is read-only",
        headers={"Allow": "GET, HEAD, POST, OPTIONS"},
    )
