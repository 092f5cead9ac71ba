"""The named queries as a REST API (`/api/queries`, `/api/queries/{name}`), its OpenAPI and our `/docs` page.

FastAPI's own /docs loads Swagger UI from a CDN, which fails offline; this app serves `/openapi.json`
(with one path per named query, grlc-style) and a server-rendered `/docs` page of its own instead.
"""

from __future__ import annotations

import warnings
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shfz_graph import __version__
from shfz_graph.catalog import NamedQuery, Parameter
from shfz_graph.errors import DeprecatedParameterName
from shfz_graph.server.context import ServerContext
from shfz_graph.server.dependencies import Context
from shfz_graph.server.problems import HTTPProblem
from shfz_graph.server.protocol import answer_query
from shfz_graph.server.render import render

__all__ = ["openapi_schema", "router", "use_schema"]

#: The routes of the API and its /docs page; `use_schema` makes an app serve `openapi_schema`.
router = APIRouter()

_RESERVED = ("format",)
_XSD_SCHEMA = {
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "double": {"type": "number"},
    "float": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "dateTime": {"type": "string", "format": "date-time"},
}


def _parameter_json(p: Parameter) -> dict[str, Any]:
    return {
        "name": p.name,
        "kind": p.kind,
        "description": p.describe(),
        "required": p.required and p.default is None,
        "default": p.default,
        "enum": list(p.enum),
    }


def _query_json(q: NamedQuery, root: str) -> dict[str, Any]:
    return {
        "name": q.name,
        "summary": q.summary,
        "description": q.description,
        "tags": list(q.tags),
        "network": q.network,
        "parameters": [_parameter_json(p) for p in q.parameters],
        "url": f"{root}/api/queries/{q.name}",
        "sparql": q.text,
    }


def _openapi_parameter(p: Parameter) -> dict[str, Any]:
    schema: dict[str, Any] = dict(_XSD_SCHEMA.get(p.kind, {"type": "string"}))
    if p.kind == "iri":
        schema["format"] = "iri"
    if p.enum:
        schema["enum"] = list(p.enum)
    if p.default is not None:
        schema["default"] = p.default
    return {
        "name": p.name,
        "in": "query",
        "required": p.required and p.default is None,
        "description": p.describe(),
        "schema": schema,
    }


_RESULT_CONTENT = {
    "application/sparql-results+json": {"schema": {"type": "object"}},
    "text/csv": {"schema": {"type": "string"}},
    "text/tab-separated-values": {"schema": {"type": "string"}},
    "application/sparql-results+xml": {"schema": {"type": "string"}},
}


def openapi_schema(app: FastAPI, ctx: ServerContext) -> dict[str, Any]:
    """The OpenAPI document: the app's routes plus one GET path per named query with its parameters."""
    schema = get_openapi(
        title="shfz-graph",
        version=__version__,
        description=(
            "Linked data of the China (Shanghai) Pilot Free Trade Zone and its linked innovation zones: "
            "a read-only SPARQL 1.1 endpoint, the named queries as a REST API, dereferenceable IRIs, "
            "VoID and full dumps."
        ),
        routes=app.routes,
    )
    paths = schema.setdefault("paths", {})
    format_parameter = {
        "name": "format",
        "in": "query",
        "required": False,
        "description": "json (default), csv, tsv or xml; overrides Accept",
        "schema": {"type": "string", "enum": ["json", "csv", "tsv", "xml"]},
    }
    for q in sorted(ctx.queries.values(), key=lambda q: q.name):
        paths[f"/api/queries/{q.name}"] = {
            "get": {
                "summary": q.summary or q.name,
                "description": q.description or q.summary,
                "operationId": f"query_{q.name.replace('-', '_')}",
                "tags": ["Named queries"],
                "parameters": [*(_openapi_parameter(p) for p in q.parameters), format_parameter],
                "responses": {
                    "200": {"description": "Query results", "content": _RESULT_CONTENT},
                    "400": {"description": "A parameter is missing or not of its kind"},
                    "403": {"description": "The query needs network access, which this server never allows"},
                    "503": {"description": "The query went past its time, memory or answer-size limit"},
                },
            }
        }
    return schema


def use_schema(app: FastAPI, ctx: ServerContext) -> None:
    """Make `app.openapi` (served at /openapi.json) answer `openapi_schema`, computed once."""

    def cached_openapi() -> dict[str, Any]:
        return ctx.cached("openapi", lambda: openapi_schema(app, ctx))

    app.openapi = cached_openapi  # type: ignore[method-assign]


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/api/queries", tags=["Named queries"], summary="List the named queries and their parameters")
async def list_queries(request: Request, ctx: Context) -> JSONResponse:
    queries = sorted(ctx.queries.values(), key=lambda q: q.name)
    return JSONResponse([_query_json(q, _root(request)) for q in queries])


@router.get(
    "/api/queries/{name}",
    tags=["Named queries"],
    summary="Run a named query; parameters as ?name=value",
    responses={200: {"content": _RESULT_CONTENT}},
)
async def run_named(request: Request, name: str, ctx: Context) -> Response:
    named = ctx.named(name)
    values: dict[str, str] = {}
    for param, value in request.query_params.multi_items():
        if param in _RESERVED:
            continue
        if param in values:
            raise HTTPProblem(400, f"parameter {param!r} is given more than once")
        values[param] = value
    renamed = {old: p.name for old in values if (p := named.renamed(old)) is not None}
    with warnings.catch_warnings():  # said in the response's headers instead
        warnings.simplefilter("ignore", DeprecatedParameterName)
        bindings = named.bind(values)
    fmt_values = request.query_params.getlist("format")
    response = await answer_query(ctx, named.text, bindings, request.headers.get("accept"), fmt_values)
    if renamed:  # RFC 9745 Deprecation, and a human-readable note
        response.headers["Deprecation"] = "true"
        response.headers["Warning"] = "; ".join(
            f'299 shfz-graph "{DeprecatedParameterName(old, new)}"' for old, new in renamed.items()
        )
    return response


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations of an OpenAPI document, by tag, path and method, as the /docs page lists them."""
    operations = [
        {
            "path": path,
            "method": method.upper(),
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "tags": op.get("tags", []),
            "parameters": op.get("parameters", []),
        }
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]
    operations.sort(key=lambda o: (o["tags"][:1], o["path"], o["method"]))
    return operations


@router.get("/docs", include_in_schema=False)
async def docs(request: Request, ctx: Context) -> Response:
    operations = _operations(request.app.openapi())
    named = [o for o in operations if o["path"].startswith("/api/queries/") and "{" not in o["path"]]
    general = [o for o in operations if o not in named]
    return render(
        ctx.env, request, "docs.html", title="API", general=general, named=named, root=_root(request)
    )
