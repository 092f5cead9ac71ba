"""HTML pages and dereferenceable IRIs: home, things, ontology, VoID, downloads, search, the query page."""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import FastAPI
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID, XSD
from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from shfz_graph import export, mapping
from shfz_graph import formats as format_table
from shfz_graph.catalog import NamedQuery
from shfz_graph.errors import (
    NetworkAccessDenied,
    ParameterError,
    QuerySyntaxError,
    QueryTimeout,
    UpdateDenied,
)
from shfz_graph.results import GRAPH_KINDS, Result
from shfz_graph.server import formats, maps, svg
from shfz_graph.server.context import ServerContext
from shfz_graph.server.ontology_doc import build_ontology_doc
from shfz_graph.server.overview import Overview, build_overview
from shfz_graph.server.problems import HTTPProblem, status_of
from shfz_graph.server.protocol import result_response
from shfz_graph.server.render import render
from shfz_graph.server.site import TermView
from shfz_graph.server.thing import build_thing
from shfz_graph.server.void import Counts, count, void_description
from shfz_graph.vocab import SHFZ, sparql_prologue

__all__ = ["DEFAULT_QUERY", "DUMP_STEMS", "install", "install_things", "query_page"]

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
#: What the area chart and the zones tables show for a zone whose area no source gives (never zero).
NO_FIGURE = "no figure given"
#: Dump file stems: the asserted graphs, and the same with the inferred graph (what the endpoint serves).
DUMP_STEMS = {"shfz": False, "shfz-with-inferences": True}
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


def _alternates(path: str) -> list[tuple[str, str, str]]:
    """(href, media type, name) of the RDF versions of a page (`path.ttl`, ...)."""
    out = []
    for suffix, key in formats.RDF_SUFFIXES.items():
        fmt = format_table.get(format_table.RDF, key)
        out.append((path + suffix, fmt.media_type, fmt.label))
    return out


def _link_header(iri: str, alternates: list[tuple[str, str, str]]) -> str:
    links = [f'<{iri}>; rel="canonical"']
    links += [f'<{href}>; rel="alternate"; type="{media}"' for href, media, _ in alternates]
    return ", ".join(links)


def _cell(ctx: ServerContext, node: Node | None) -> TermView | None:
    """A result cell: IRIs shown compactly (prefixed), linked to their page."""
    if node is None:
        return None
    view = ctx.site.term(node)
    if view.kind == "iri" and view.iri:
        return TermView("iri", ctx.site.short(view.iri), href=view.href, local=view.local, iri=view.iri)
    return view


def _with_format(request: Request, fmt: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("format", "run")]
    return request.url.path + "?" + urlencode([*params, ("format", fmt)])


def _download(result: Result, fmt: str) -> Response:
    graph = result.kind in GRAPH_KINDS
    key = formats.from_format_params([fmt], graph=graph)
    if key is None or (result.kind == "ASK" and key in ("csv", "tsv")):
        raise HTTPProblem(400, f"format {fmt!r} is not available for a {result.kind} result")
    response = result_response(result, key)
    suffix = format_table.get(format_table.RDF if graph else format_table.RESULTS, key).extension
    response.headers["Content-Disposition"] = f'attachment; filename="results.{suffix}"'
    return response


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
        text = named.text if named is not None else DEFAULT_QUERY
        run = bool(run)
    elif run is None:
        run = True
    result: Result | None = None
    error: str | None = None
    status = 200
    elapsed = 0.0
    if run:
        started = time.perf_counter()
        try:
            bindings = named.bind(values) if named is not None else None
            result = await ctx.run_query(text, bindings)
        except _QUERY_ERRORS as exc:
            if fmt:
                raise
            error, status = str(exc), status_of(exc)
        elapsed = time.perf_counter() - started
    if fmt and result is not None:
        return await ctx.in_thread(_download, result, fmt)
    table: list[list[TermView | None]] = []
    downloads: list[tuple[str, str]] = []
    if result is not None:
        table = [[_cell(ctx, row.get(v)) for v in result.vars] for row in result.rows[:_SHOWN_ROWS]]
        choices = _GRAPH_DOWNLOADS if result.kind in GRAPH_KINDS else _DOWNLOAD_FORMATS[result.kind]
        labels = {f: format_table.get(format_table.RDF, f).label for f in _GRAPH_DOWNLOADS}
        downloads = [(labels.get(f, f.upper()), _with_format(request, f)) for f in choices]
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
        table=table,
        shown=min(len(table), _SHOWN_ROWS),
        downloads=downloads,
        error=error,
        elapsed=elapsed,
        timeout=ctx.timeout,
        max_rows=ctx.max_rows,
    )


def _dump_format(filename: str) -> tuple[export.Format, bool]:
    stem, _, extension = filename.rpartition(".")
    by_extension = {f.extension: f for f in export.FORMATS.values()}
    if stem not in DUMP_STEMS or extension not in by_extension:
        raise HTTPProblem(404, f"no download called {filename!r}; see /download/ for the list")
    return by_extension[extension], DUMP_STEMS[stem]


def _media_type(fmt: export.Format) -> str:
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


def install(app: FastAPI, ctx: ServerContext) -> None:
    """Add the pages with fixed paths (the IRI catch-all is added last, by `install_things`)."""
    site = ctx.site

    def overview() -> Overview:
        return ctx.cached("overview", lambda: build_overview(site))

    def counts() -> Counts:
        return ctx.cached("counts", lambda: count(ctx.kg, uri_space=ctx.base))

    async def void_answer(request: Request, key: str) -> Response:
        numbers = await ctx.in_thread(counts)
        root = str(request.base_url).rstrip("/")
        dumps = {
            f"{root}/download/shfz-with-inferences.{f.extension}": f.media_type
            for f in export.FORMATS.values()
        }
        zones = site.instances_with_subclasses(SHFZ.Zone)
        graph = void_description(
            numbers, endpoint=root + "/sparql", dumps=dumps, example=str(zones[0]) if zones else None
        )
        if key == formats.HTML:
            turtle = (await ctx.in_thread(ctx.plain_rdf_bytes, graph, "turtle")).decode("utf-8")
            return render(
                ctx.env,
                request,
                "void.html",
                title="VoID description",
                counts=numbers,
                turtle=turtle,
                headers={"Vary": "Accept"},
                classes=sorted(
                    numbers.whole.class_subjects.items(), key=lambda item: (-item[1], str(item[0]))
                ),
                properties=sorted(
                    numbers.whole.property_triples.items(), key=lambda item: (-item[1], str(item[0]))
                ),
                short=site.short,
                href=site.href,
            )
        body = await ctx.in_thread(ctx.plain_rdf_bytes, graph, key)
        return Response(body, media_type=formats.RDF_CONTENT_TYPES[key], headers={"Vary": "Accept"})

    def negotiated(request: Request, suffix_key: str | None = None) -> str:
        if suffix_key is not None:
            return suffix_key
        accept = request.headers.get("accept")
        key = formats.negotiate(accept, formats.GRAPH_OFFERS)
        if key is None:
            available = ", ".join(dict.fromkeys(m for m, _ in formats.GRAPH_OFFERS))
            raise HTTPProblem(
                406, f"cannot answer with any type in Accept: {accept!r}; available: {available}"
            )
        return key

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        key = negotiated(request)
        if key != formats.HTML:
            return await void_answer(request, key)
        data = await ctx.in_thread(overview)
        bars = [
            svg.Bar(row.short, row.area.value, row.area.text, row.area.approximate, row.zone.href)
            if row.area is not None
            else svg.Bar(row.short, None, NO_FIGURE, False, row.zone.href)
            for row in data.zones
        ]
        unit = next((row.area.unit for row in data.zones if row.area is not None), "")
        chart = svg.bar_chart(bars, title="Area of each zone", unit=unit) if bars else ""
        groups = await ctx.in_thread(ctx.cached, "browse", site.browse_groups)
        zone_map = await maps.home_map(ctx)
        return render(
            ctx.env,
            request,
            "home.html",
            title="Shanghai Pilot Free Trade Zone knowledge graph",
            data=data,
            chart=chart,
            zone_map=zone_map,
            map_note=None if zone_map is not None or mapping.available() else maps.NOTE,
            groups=groups,
            examples=sorted(ctx.queries.values(), key=lambda q: q.name),
            headers={"Vary": "Accept"},
        )

    @app.get("/.well-known/void", include_in_schema=True, tags=["Linked data"], summary="VoID description")
    async def void(request: Request) -> Response:
        return await void_answer(request, negotiated(request))

    async def ontology_answer(request: Request, suffix_key: str | None) -> Response:
        key = negotiated(request, suffix_key)
        if key == formats.HTML:
            doc = await ctx.in_thread(ctx.cached, "ontology-doc", lambda: build_ontology_doc(site))
            alternates = _alternates("/ontology")
            return render(
                ctx.env,
                request,
                "ontology.html",
                title=doc.title,
                doc=doc,
                alternates=alternates,
                headers={"Vary": "Accept", "Link": _link_header(doc.iri, alternates)},
            )
        graph = ctx.kg.graph("ontology")
        body = await ctx.in_thread(ctx.cached, f"ontology:{key}", lambda: ctx.rdf_bytes(graph, key))
        return Response(body, media_type=formats.RDF_CONTENT_TYPES[key], headers={"Vary": "Accept"})

    @app.get("/ontology", tags=["Linked data"], summary="The ontology: documentation (HTML) or RDF by Accept")
    async def ontology(request: Request) -> Response:
        return await ontology_answer(request, None)

    @app.get("/ontology.{extension}", include_in_schema=False)
    async def ontology_file(request: Request, extension: str) -> Response:
        key = formats.RDF_SUFFIXES.get("." + extension)
        if key is None:
            raise HTTPProblem(404, f"no ontology file .{extension}; try .ttl, .jsonld, .nt or .rdf")
        return await ontology_answer(request, key)

    @app.get("/ontology/{version}", include_in_schema=False)
    async def ontology_version(request: Request, version: str) -> Response:
        key: str | None = None
        for suffix, suffix_format in formats.RDF_SUFFIXES.items():  # /ontology/0.1.0.ttl, as w3id sends
            bare = version.removesuffix(suffix)
            if bare != version and site.knows(site.iri_for_path("ontology/" + bare)):
                version, key = bare, suffix_format
                break
        iri = URIRef(site.iri_for_path("ontology/" + version))
        if not site.knows(str(iri)):
            return await not_found(request, ctx, str(iri))
        return await ontology_answer(request, key)

    @app.get("/search", include_in_schema=False)
    async def search(request: Request, q: str = "") -> Response:
        hits = await ctx.in_thread(site.search, q, limit=50) if q.strip() else []
        return render(ctx.env, request, "search.html", title="Search", q=q, hits=hits)

    @app.get("/query", include_in_schema=False)
    async def query(request: Request) -> Response:
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

    @app.get("/download/", include_in_schema=False)
    async def downloads(request: Request) -> Response:
        files = [
            (f"{stem}.{f.extension}", f, inferred)
            for stem, inferred in DUMP_STEMS.items()
            for f in export.FORMATS.values()
        ]
        return render(
            ctx.env, request, "downloads.html", title="Downloads", files=files, counts=ctx.kg.counts()
        )

    @app.get("/download", include_in_schema=False)
    async def downloads_redirect(request: Request) -> Response:
        return Response(status_code=308, headers={"Location": "/download/"})

    @app.get(
        "/download/{filename}",
        tags=["Linked data"],
        summary="Full dump: shfz.<ext> (asserted) or shfz-with-inferences.<ext> "
        "(ext: ttl, nt, nq, trig, jsonld, rdf)",
    )
    async def download(request: Request, filename: str) -> Response:
        fmt, inferred = _dump_format(filename)
        etag = f'"{ctx.kg.source_hash[:20]}-{filename}"'
        headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
        if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        data = await ctx.in_thread(
            ctx.cached, f"dump:{filename}", lambda: export.export(ctx.kg, fmt.name, inferred=inferred)
        )
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return Response(data, media_type=_media_type(fmt), headers=headers)


async def not_found(request: Request, ctx: ServerContext, iri: str) -> Response:
    """A 404 that helps: things with similar labels, and a search box (plain text for non-browsers)."""
    from shfz_graph.server.protocol import prefers_html

    slug = iri.rstrip("/").rsplit("/", 1)[-1]
    for suffix in formats.RDF_SUFFIXES:
        slug = slug.removesuffix(suffix)
    words = slug.replace("-", " ").replace("_", " ")
    hits = await ctx.in_thread(ctx.site.search, words, limit=8) if words.strip() else []
    if prefers_html(request.headers.get("accept")):
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


def install_things(app: FastAPI, ctx: ServerContext) -> None:
    """Add the catch-all route that serves every IRI under the base at its path, by content negotiation."""
    site = ctx.site

    @app.get("/{path:path}", include_in_schema=False)
    async def thing(request: Request, path: str) -> Response:
        iri = site.iri_for_path(path)
        suffix_key: str | None = None
        if not site.knows(iri):
            for suffix, suffix_format in formats.RDF_SUFFIXES.items():
                if path.endswith(suffix) and site.knows(iri.removesuffix(suffix)):
                    iri, suffix_key = iri.removesuffix(suffix), suffix_format
                    break
            else:
                return await not_found(request, ctx, iri)
        key = suffix_key
        if key is None:
            accept = request.headers.get("accept")
            negotiated_key = formats.negotiate(accept, formats.GRAPH_OFFERS)
            if negotiated_key is None:
                available = ", ".join(dict.fromkeys(m for m, _ in formats.GRAPH_OFFERS))
                raise HTTPProblem(
                    406, f"cannot answer with any type in Accept: {accept!r}; available: {available}"
                )
            key = negotiated_key
        page_path = site.href(iri)
        alternates = _alternates(page_path)
        headers = {"Vary": "Accept", "Link": _link_header(iri, alternates)}
        if key == formats.HTML:
            page = await ctx.in_thread(build_thing, site, iri)
            page.alternates = alternates
            if site.kind(iri) in ("zone", "district"):
                page.locator = await maps.locator_map(ctx, iri)
                page.map_note = None if mapping.available() else maps.NOTE
            return render(ctx.env, request, "thing.html", title=page.label, page=page, headers=headers)
        description = await ctx.in_thread(_description, ctx, iri)
        body = await ctx.in_thread(ctx.rdf_bytes, description, key)
        return Response(body, media_type=formats.RDF_CONTENT_TYPES[key], headers=headers)
