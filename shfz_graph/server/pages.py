"""The HTML pages with fixed paths: home, VoID, ontology, search, downloads (each also RDF where it has
an RDF form). The query page is `shfz_graph.server.editor`'s, the IRIs' pages `shfz_graph.server.iris`'s.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict

from fastapi import APIRouter
from rdflib import Graph, URIRef
from starlette.requests import Request
from starlette.responses import Response

from shfz_graph.geo import mapping
from shfz_graph.rdf import export
from shfz_graph.server import formats, ftzs, maps, svg
from shfz_graph.server.context import ServerContext
from shfz_graph.server.dependencies import Context
from shfz_graph.server.iris import alternates, link_header, negotiated, not_found
from shfz_graph.server.ontology_doc import build_ontology_doc
from shfz_graph.server.overview import Overview, build_overview
from shfz_graph.server.problems import HTTPProblem
from shfz_graph.server.render import render
from shfz_graph.server.site import BrowseGroup, TermView
from shfz_graph.server.void import Counts, counts_of, void_description
from shfz_graph.vocab import SHFZ

__all__ = ["DUMP_STEMS", "NO_FIGURE", "router"]

router = APIRouter()

#: What the area chart and the zones tables show for a zone whose area no source gives (never zero).
NO_FIGURE = "no figure given"
#: Dump file stems: the asserted graphs, and the same with the inferred graph (what the endpoint serves).
DUMP_STEMS = {"shfz": False, "shfz-with-inferences": True}


def _dump_format(filename: str) -> tuple[export.Format, bool]:
    stem, _, extension = filename.rpartition(".")
    by_extension = {f.extension: f for f in export.FORMATS.values()}
    if stem not in DUMP_STEMS or extension not in by_extension:
        raise HTTPProblem(404, f"no download called {filename!r}; see /download/ for the list")
    return by_extension[extension], DUMP_STEMS[stem]


def _media_type(fmt: export.Format) -> str:
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


def _overview(ctx: ServerContext) -> Overview:
    return ctx.cached("overview", lambda: build_overview(ctx.site))


def _counts(ctx: ServerContext) -> Counts:
    return counts_of(ctx)


_SEARCH_HITS = 50  # the search page shows at most this many things, best first
_VOID_ROOTS = 4  # the VoID page's Turtle is kept for this many server addresses (Host headers vary)


def _void_turtle(ctx: ServerContext, root: str, graph: Graph) -> str:
    """The VoID description in Turtle for the page: written once per server address, the last few kept."""
    kept: OrderedDict[str, str] = ctx.cached("void-turtle", OrderedDict)
    lock: threading.Lock = ctx.cached("void-turtle-lock", threading.Lock)
    with lock:
        if root in kept:
            kept.move_to_end(root)
            return kept[root]
    text = ctx.plain_rdf_bytes(graph, "turtle").decode("utf-8")
    with lock:
        kept[root] = text
        while len(kept) > _VOID_ROOTS:
            kept.popitem(last=False)
    return text


async def _void_answer(request: Request, ctx: ServerContext, key: str) -> Response:
    """The VoID description of the dataset, as a page or in RDF format `key`."""
    numbers = await ctx.in_thread(_counts, ctx)
    root = str(request.base_url).rstrip("/")
    dumps = {
        f"{root}/download/shfz-with-inferences.{f.extension}": f.media_type for f in export.FORMATS.values()
    }
    example = str(numbers.example) if numbers.example is not None else None
    graph = void_description(
        numbers, endpoint=root + "/sparql", dumps=dumps, document=root + "/.well-known/void", example=example
    )
    if key != formats.HTML:
        body = await ctx.in_thread(ctx.plain_rdf_bytes, graph, key)
        return Response(body, media_type=formats.RDF_CONTENT_TYPES[key], headers={"Vary": "Accept"})
    turtle = await ctx.in_thread(_void_turtle, ctx, root, graph)
    whole = numbers.whole
    return render(
        ctx.env,
        request,
        "void.html",
        title="VoID description",
        counts=numbers,
        turtle=turtle,
        headers={"Vary": "Accept"},
        classes=sorted(whole.class_subjects.items(), key=lambda item: (-item[1], str(item[0]))),
        properties=sorted(whole.property_triples.items(), key=lambda item: (-item[1], str(item[0]))),
        short=ctx.site.short,
        href=ctx.site.href,
    )


def _area_chart(data: Overview) -> str:
    """The home page's bar chart of the zones' areas (SVG; empty without zones)."""
    bars = [
        svg.Bar(row.short, row.area.value, row.area.text, row.area.approximate, row.zone.href)
        if row.area is not None
        else svg.Bar(row.short, None, NO_FIGURE, False, row.zone.href)
        for row in data.zones
    ]
    unit = next((row.area.unit for row in data.zones if row.area is not None), "")
    return svg.bar_chart(bars, title="Area of each zone", unit=unit) if bars else ""


def _sites_of(ctx: ServerContext, iri: str | None) -> list[TermView]:
    """The sites a zone is on, includes or partly includes (asserted), by name."""
    if iri is None:
        return []
    zone = URIRef(iri)
    found = {
        o
        for p in (SHFZ.onSite, SHFZ.includesSite, SHFZ.partlyIncludes)
        for o in ctx.site.dataset.objects(zone, p)
        if isinstance(o, URIRef) and not ctx.site.is_inferred((zone, p, o))
    }
    return [ctx.site.term(o) for o in sorted(found, key=lambda n: ctx.site.label(n).lower())]


async def home_data(
    ctx: ServerContext,
) -> tuple[Overview, list[BrowseGroup], str | None, ftzs.FtzSummary | None]:
    """The home page's overview, browse list, map and place among the pilot FTZs, each built once (they
    wait on the query workers: asked at once)."""
    return await asyncio.gather(
        ctx.in_thread(_overview, ctx),
        ctx.in_thread(ctx.cached, "browse", ctx.site.browse_groups),
        maps.home_map(ctx),
        ftzs.summary(ctx),
    )


@router.get("/", include_in_schema=False)
async def home(request: Request, ctx: Context) -> Response:
    key = negotiated(request)
    if key != formats.HTML:
        return await _void_answer(request, ctx, key)
    data, groups, zone_map, pilot_ftzs = await home_data(ctx)
    return render(
        ctx.env,
        request,
        "home.html",
        title="Shanghai Pilot Free Trade Zone knowledge graph",
        data=data,
        chart=_area_chart(data),
        zone_map=zone_map,
        zoned_districts=await maps.zoned_districts(ctx) if zone_map is not None else [],
        marked_zones=await maps.marked_zones(ctx) if zone_map is not None else {},
        sites_of=lambda iri: _sites_of(ctx, iri),
        href=ctx.site.href,
        pilot_ftzs=pilot_ftzs,
        map_note=None
        if zone_map is not None
        else maps.NOTE
        if not mapping.available()
        else ctx.peek("map-note"),
        groups=groups,
        examples=sorted(ctx.queries.values(), key=lambda q: q.name),
        headers=_map_headers(ctx, {"Vary": "Accept"}),
    )


def _map_headers(ctx: ServerContext, headers: dict[str, str]) -> dict[str, str]:
    """`headers`, and `Cache-Control: no-store` while the map is left out for a while (`maps`)."""
    return {**headers, "Cache-Control": "no-store"} if maps.left_out_for_now(ctx) else headers


@router.get("/.well-known/void", include_in_schema=True, tags=["Linked data"], summary="VoID description")
async def void(request: Request, ctx: Context) -> Response:
    return await _void_answer(request, ctx, negotiated(request))


async def _ontology_answer(request: Request, ctx: ServerContext, suffix_key: str | None) -> Response:
    """The ontology's documentation page, or the ontology in RDF."""
    key = negotiated(request, suffix_key)
    if key == formats.HTML:
        doc = await ctx.in_thread(ctx.cached, "ontology-doc", lambda: build_ontology_doc(ctx.site))
        versions = alternates("/ontology")
        return render(
            ctx.env,
            request,
            "ontology.html",
            title=doc.title,
            doc=doc,
            alternates=versions,
            headers={"Vary": "Accept", "Link": link_header(doc.iri, versions)},
        )
    graph = ctx.kg.graph("ontology")
    body = await ctx.in_thread(ctx.cached, f"ontology:{key}", lambda: ctx.rdf_bytes(graph, key))
    return Response(body, media_type=formats.RDF_CONTENT_TYPES[key], headers={"Vary": "Accept"})


@router.get("/ontology", tags=["Linked data"], summary="The ontology: documentation (HTML) or RDF by Accept")
async def ontology(request: Request, ctx: Context) -> Response:
    return await _ontology_answer(request, ctx, None)


@router.get("/ontology.{extension}", include_in_schema=False)
async def ontology_file(request: Request, extension: str, ctx: Context) -> Response:
    key = formats.RDF_SUFFIXES.get("." + extension)
    if key is None:
        raise HTTPProblem(404, f"no ontology file .{extension}; try .ttl, .jsonld, .nt or .rdf")
    return await _ontology_answer(request, ctx, key)


@router.get("/ontology/{version}", include_in_schema=False)
async def ontology_version(request: Request, version: str, ctx: Context) -> Response:
    site = ctx.site
    key: str | None = None
    for suffix, suffix_format in formats.RDF_SUFFIXES.items():  # /ontology/0.1.0.ttl, as w3id sends
        bare = version.removesuffix(suffix)
        if bare != version and site.knows(site.iri_for_path("ontology/" + bare)):
            version, key = bare, suffix_format
            break
    iri = URIRef(site.iri_for_path("ontology/" + version))
    if not site.knows(str(iri)):
        return await not_found(request, ctx, str(iri))
    return await _ontology_answer(request, ctx, key)


@router.get("/search", include_in_schema=False)
async def search(request: Request, ctx: Context, q: str = "") -> Response:
    hits, note = (
        await ctx.in_thread(ctx.site.search_noted, q, limit=_SEARCH_HITS) if q.strip() else ([], None)
    )
    return render(
        ctx.env,
        request,
        "search.html",
        title="Search",
        q=q,
        hits=hits,
        limit=_SEARCH_HITS,
        note=note,
        everything=ctx.site.search_query(q) if note else None,
    )


@router.get("/download/", include_in_schema=False)
async def downloads(request: Request, ctx: Context) -> Response:
    files = [
        (f"{stem}.{f.extension}", f, inferred)
        for stem, inferred in DUMP_STEMS.items()
        for f in export.FORMATS.values()
    ]
    return render(ctx.env, request, "downloads.html", title="Downloads", files=files, counts=ctx.kg.counts())


@router.get("/download", include_in_schema=False)
async def downloads_redirect(request: Request) -> Response:
    return Response(status_code=308, headers={"Location": "/download/"})


@router.get(
    "/download/{filename}",
    tags=["Linked data"],
    summary="Full dump: shfz.<ext> (asserted) or shfz-with-inferences.<ext> "
    "(ext: ttl, nt, nq, trig, jsonld, rdf)",
)
async def download(request: Request, filename: str, ctx: Context) -> Response:
    fmt, inferred = _dump_format(filename)
    etag = f'"{ctx.kg.source_hash[:20]}-{filename}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    data = await ctx.in_thread(
        ctx.cached, f"dump:{filename}", lambda: ctx.kg.export(fmt.name, inferred=inferred)
    )
    headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(data, media_type=_media_type(fmt), headers=headers)


async def prepare(ctx: ServerContext) -> None:
    """Build the home page's data now (`serve` asks for it at start: `pages_at_start`), so that its first
    visitor does not wait for the queries behind it; a failure is logged and left to that visit. VoID's
    counts are not made here: over a large graph they keep a core busy for seconds, which the first
    visitors would wait on; they are made at the first VoID request and kept beside the store."""
    try:
        await home_data(ctx)
    except Exception as exc:  # the visit will build it again and show its error
        log = logging.getLogger("shfz_graph.server")
        log.warning("the home page could not be prepared at start: %s", exc)
