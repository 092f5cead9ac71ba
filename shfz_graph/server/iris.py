"""Dereferenceable IRIs: every IRI under the base is served at its path, as a page or as RDF by `Accept`
or by a file suffix (`/id/zone/huangpu.ttl`); unknown ones get a 404 that suggests similar things.

`router` holds the catch-all route: an app includes it after every other route.
"""

from __future__ import annotations

from fastapi import APIRouter
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID, XSD
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from shfz_graph import formats as format_table
from shfz_graph.geo import mapping
from shfz_graph.server import formats, maps
from shfz_graph.server.context import ServerContext
from shfz_graph.server.dependencies import Context
from shfz_graph.server.render import render
from shfz_graph.server.thing import build_thing

__all__ = ["alternates", "link_header", "negotiated", "not_found", "router"]

router = APIRouter()


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(href, media type, name) of the RDF versions of a page (`path.ttl`, ...)."""
    versions = []
    for suffix, key in formats.RDF_SUFFIXES.items():
        fmt = format_table.get(format_table.RDF, key)
        versions.append((path + suffix, fmt.media_type, fmt.label))
    return versions


def link_header(iri: str, versions: list[tuple[str, str, str]]) -> str:
    """The `Link` header of a page: its canonical IRI and its RDF versions."""
    links = [f'<{iri}>; rel="canonical"']
    links += [f'<{href}>; rel="alternate"; type="{media}"' for href, media, _ in versions]
    return ", ".join(links)


def negotiated(request: Request, suffix_key: str | None = None) -> str:
    """The format of a page or RDF document: the one a file suffix chose, else the best by `Accept`
    (`formats.HTML` for a page); 406 when the client accepts none."""
    if suffix_key is not None:
        return suffix_key
    return formats.choose_format(request.headers.get("accept"), html=True)


async def not_found(request: Request, ctx: ServerContext, iri: str) -> Response:
    """A 404 that helps: things with similar labels, and a search box (plain text for non-browsers)."""
    slug = iri.rstrip("/").rsplit("/", 1)[-1]
    for suffix in formats.RDF_SUFFIXES:
        slug = slug.removesuffix(suffix)
    words = slug.replace("-", " ").replace("_", " ")
    hits = await ctx.in_thread(ctx.site.search, words, limit=8) if words.strip() else []
    if formats.prefers_html(request.headers.get("accept")):
        return render(
            ctx.env, request, "not_found.html", status=404, title="Not found", iri=iri, hits=hits, q=words
        )
    lines = [f"not found: <{iri}> is not in the graph"]
    if hits:
        lines.append("did you mean: " + ", ".join(f"{h.href} ({h.label})" for h in hits))
    return PlainTextResponse("\n".join(lines) + "\n", status_code=404)


def _description(ctx: ServerContext, iri: str) -> Graph:
    """What an IRI serves in RDF: its concise bounded description, and for a named graph its size (VoID)."""
    description = ctx.kg.describe(iri)
    name = ctx.site.graph_names.get(iri)
    if name is not None:
        node = URIRef(iri)
        description.add((node, RDF.type, VOID.Dataset))
        description.add((node, VOID.triples, Literal(len(ctx.kg.graph(name)), datatype=XSD.integer)))
    return description


def _known(ctx: ServerContext, path: str) -> tuple[str, str | None] | None:
    """The IRI served at `path` and the format its file suffix chose (None: by `Accept`); None if the
    graph knows no such IRI."""
    site = ctx.site
    iri = site.iri_for_path(path)
    if site.knows(iri):
        return iri, None
    for suffix, suffix_format in formats.RDF_SUFFIXES.items():
        if path.endswith(suffix) and site.knows(iri.removesuffix(suffix)):
            return iri.removesuffix(suffix), suffix_format
    return None


@router.get("/{path:path}", include_in_schema=False)
async def thing(request: Request, path: str, ctx: Context) -> Response:
    """Serve the IRI at `path`: its page, or its description in RDF."""
    known = _known(ctx, path)
    if known is None:
        return await not_found(request, ctx, ctx.site.iri_for_path(path))
    iri, suffix_key = known
    key = negotiated(request, suffix_key)
    versions = alternates(ctx.site.href(iri))
    headers = {"Vary": "Accept", "Link": link_header(iri, versions)}
    if key == formats.HTML:
        page = await ctx.in_thread(build_thing, ctx.site, iri)
        page.alternates = versions
        kind = ctx.site.kind(iri)
        if kind in ("zone", "district", "site"):
            page.locator, page.locator_note = await maps.locator_map(ctx, iri)
            page.map_note = None if mapping.available() or kind == "site" else maps.NOTE
            if maps.left_out_for_now(ctx):  # no cache may keep the page without its map
                headers["Cache-Control"] = "no-store"
        return render(ctx.env, request, "thing.html", title=page.label, page=page, headers=headers)
    description = await ctx.in_thread(_description, ctx, iri)
    body = await ctx.in_thread(ctx.rdf_bytes, description, key)
    return Response(body, media_type=formats.RDF_CONTENT_TYPES[key], headers=headers)
