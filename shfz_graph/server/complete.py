"""`GET /api/complete?q=`: what the query editor offers as the user types a name: the graph's classes,
properties and things whose label (English or Chinese) or local name starts with the text, each with what
to insert (a prefixed name when a built-in prefix covers it). Bounded: a short text, at most 20 answers."""

from __future__ import annotations

from fastapi import APIRouter
from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import JSONResponse

from shfz_graph.server.context import ServerContext
from shfz_graph.server.dependencies import Context
from shfz_graph.server.problems import HTTPProblem

__all__ = ["MAX_ANSWERS", "MAX_TEXT", "completions", "insertion", "router"]

router = APIRouter()

MAX_TEXT = 100  #: longest text completed (characters)
MAX_ANSWERS = 20  #: most answers given


def insertion(iri: str, prefixes: dict[str, str]) -> str:
    """How a query names `iri`: `prefix:local` with the longest built-in namespace that gives a valid
    local name, else `<iri>`."""
    best = ""
    best_prefix = ""
    for prefix, namespace in prefixes.items():
        local = iri[len(namespace) :]
        if (
            iri.startswith(namespace)
            and len(namespace) > len(best)
            and local
            and all(c.isalnum() or c in "_-" for c in local)
            and not local.startswith("-")
        ):
            best, best_prefix = namespace, prefix
    if best:
        return f"{best_prefix}:{iri[len(best) :]}"
    return f"<{iri}>"


def completions(ctx: ServerContext, text: str, limit: int) -> list[dict[str, str]]:
    """The answers for `text`: a prefixed name (`shfz:Zo`) is looked up by its local part in that
    namespace, anything else by label."""
    prefix, colon, local = text.partition(":")
    namespace = ctx.prefixes.get(prefix) if colon else None
    site = ctx.site
    if namespace is not None:
        found = site.complete(local, namespace=namespace, limit=limit)
    else:
        found = site.complete(text, limit=limit)
    return [
        {
            "label": site.label(node),
            "label_zh": site.label_zh(node) or "",
            "insert": insertion(str(node), ctx.prefixes),
            "iri": str(node),
            "kind": site.kind(str(node)),
        }
        for node in found
        if isinstance(node, URIRef)
    ]


@router.get("/api/complete", include_in_schema=False)
async def complete(request: Request, ctx: Context) -> JSONResponse:
    """Completions for the editor, as JSON: `{"completions": [{label, label_zh, insert, iri, kind}]}`."""
    text = request.query_params.get("q", "")
    if len(text) > MAX_TEXT:
        raise HTTPProblem(400, f"the text to complete is longer than {MAX_TEXT} characters")
    try:
        limit = min(int(request.query_params.get("limit", "12")), MAX_ANSWERS)
    except ValueError:
        raise HTTPProblem(400, "limit must be a whole number") from None
    if limit < 1 or not text.strip():
        return JSONResponse({"completions": []})
    found = await ctx.in_thread(completions, ctx, text.strip(), limit)
    return JSONResponse({"completions": found})
