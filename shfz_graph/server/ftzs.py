"""The page of China's pilot free trade zones (/pilot-ftzs): the national map, the 22 zones by the year of
their first recorded decision with their total areas and areas, the Shanghai FTZ's parts over time, the
linked-zone programmes, and the sources the page draws on. Everything comes from named queries run by the
workers; the map from `chinamap`. The home page's line placing Shanghai among the zones comes from `summary`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from shfz_graph.errors import QueryLimitExceeded, QueryTimeout, ShfzError
from shfz_graph.geo import chinamap, mapping
from shfz_graph.query.results import Result
from shfz_graph.server.context import ServerContext
from shfz_graph.server.dependencies import Context
from shfz_graph.server.render import render
from shfz_graph.vocab import sparql_prologue

__all__ = ["SOURCES_QUERY", "FtzRow", "FtzSummary", "router", "summary"]

log = logging.getLogger("shfz_graph.server")
router = APIRouter()

SHANGHAI_FTZ = "https://w3id.org/shfz/id/zone/china-shanghai-pilot-free-trade-zone"

#: The source documents of what the page shows: the zones, their areas, stages, milestones and figures.
SOURCES_QUERY = (
    sparql_prologue("rdfs", "shfz", "dcterms", "schema")
    + """
SELECT DISTINCT ?source ?title ?url
WHERE {
  { ?thing a shfz:FreeTradeZone } UNION { ?thing a shfz:FreeTradeZoneArea }
  UNION { ?thing a shfz:SpecialArea } UNION { ?thing a shfz:Expansion } UNION { ?thing a shfz:Milestone }
  UNION { ?thing a shfz:Programme }
  UNION { ?thing shfz:areaOf|shfz:totalAreaOf ?of .
          { ?of a shfz:FreeTradeZone } UNION { ?of a shfz:FreeTradeZoneArea } UNION { ?of a shfz:SpecialArea }
          UNION { ?of a shfz:Expansion } }
  ?thing dcterms:source ?source .
  ?source rdfs:label ?title .
  FILTER(lang(?title) = "en")
  OPTIONAL { ?source schema:url ?url }
}
ORDER BY ?title
"""
)


@dataclass
class FtzRow:
    """One pilot free trade zone of the table: its first decision, total area and areas."""

    iri: str
    label: str
    place: str
    year: int | None = None
    date: str | None = None
    kind: str | None = None
    total: str | None = None
    areas: list[tuple[str, str, str | None]] = field(default_factory=list)  # IRI, label, size


@dataclass(frozen=True)
class FtzSummary:
    """How many pilot free trade zones the graph holds, and Shanghai's place among them by first decision."""

    count: int
    shanghai_rank: int | None
    shanghai_year: int | None


def _text(row: dict[str, Any], name: str) -> str | None:
    value = row.get(name)
    return None if value is None else str(value)


def _rows(by_year: Result, by_area: Result, everything: Result) -> list[FtzRow]:
    """The table: every zone (from the map's query), its first decision and its areas, oldest first."""
    rows: dict[str, FtzRow] = {}
    for row in everything.rows:
        iri = str(row["ftz"])
        rows[iri] = FtzRow(iri, str(row["label"]), f"{row['placeLabel']} ({row['code']})")
    for row in by_year.rows:
        found = rows.get(str(row["ftz"]))
        if found is not None:
            found.year, found.date, found.kind = int(str(row["year"])), _text(row, "date"), _text(row, "kind")
    for row in by_area.rows:
        found = rows.get(str(row["ftz"]))
        if found is None:
            continue
        found.total = f"{row['total']} km²" + (" (about)" if str(row["approximate"]) == "true" else "")
        if row.get("area") is not None:
            size = _text(row, "size")
            found.areas.append((str(row["area"]), str(row["areaLabel"]), f"{size} km²" if size else None))
    return sorted(rows.values(), key=lambda r: (r.date is None, r.date or "", r.label))


def _summary(rows: list[FtzRow]) -> FtzSummary:
    dated = [r for r in rows if r.date is not None]
    rank = next((i + 1 for i, r in enumerate(dated) if r.iri == SHANGHAI_FTZ), None)
    year = next((r.year for r in dated if r.iri == SHANGHAI_FTZ), None)
    return FtzSummary(len(rows), rank, year)


_FAILED = "failed"  # remembered in place of data whose queries ran past a limit (not asked again)


def _table(ctx: ServerContext) -> list[FtzRow] | str:
    """The table of zones from three small queries (in a thread `in_thread` runs), or `_FAILED` when
    they ran past a limit (a graph too large for them: remembered, not asked again)."""
    try:
        by_year = ctx.ask(ctx.named("ftzs-by-approval-year").text)
        by_area = ctx.ask(ctx.named("ftzs-by-area").text)
        everything = ctx.ask(chinamap.QUERY)
    except (QueryTimeout, QueryLimitExceeded) as exc:
        log.warning("no pilot-FTZ table: %s", exc)
        return _FAILED
    return _rows(by_year, by_area, everything)


async def _rows_of(ctx: ServerContext) -> list[FtzRow] | None:
    """The table of zones, made once however many ask at the same time: all the home page needs."""
    try:
        found = await ctx.in_thread(ctx.cached, "pilot-ftz-rows", lambda: _table(ctx))
    except ShfzError as exc:  # not remembered: the next visit asks again
        log.warning("no pilot-FTZ table: %s", exc)
        return None
    return None if isinstance(found, str) else found


async def _data(ctx: ServerContext) -> tuple[list[FtzRow], Result, Result, Result] | None:
    """The table, the Shanghai FTZ's parts and the sources, asked once of the workers (None on failure;
    a failure past a limit is remembered, so a graph too large for the page costs its time once)."""
    cached = ctx.peek("pilot-ftzs")
    if cached is not None:
        return None if cached == _FAILED else cached  # type: ignore[return-value]
    rows = await _rows_of(ctx)
    if rows is None:
        return None
    try:
        parts_query = ctx.named("ftz-parts-and-linked-zones")
        parts = await ctx.run_query(parts_query.text, parts_query.bind({}))
        sources = await ctx.run_query(SOURCES_QUERY)
        programmes = await ctx.run_query(ctx.named("linked-zone-programmes").text)
    except (QueryTimeout, QueryLimitExceeded) as exc:
        log.warning("no pilot-FTZ page data: %s", exc)
        ctx.cached("pilot-ftzs", lambda: _FAILED)
        return None
    except ShfzError as exc:
        log.warning("no pilot-FTZ page data: %s", exc)
        return None
    value = (rows, parts, sources, programmes)
    return ctx.cached("pilot-ftzs", lambda: value)


async def summary(ctx: ServerContext) -> FtzSummary | None:
    """Shanghai's place among the pilot free trade zones, for the home page (None if the queries fail):
    from the table alone, so the home page never waits on the page's larger queries."""
    rows = await _rows_of(ctx)
    return None if rows is None else _summary(rows)


async def _national_map(ctx: ServerContext) -> str | None:
    if not mapping.available():
        return None
    try:
        data = chinamap.national_map(await ctx.run_query(chinamap.QUERY))
    except ShfzError as exc:
        log.warning("no national map: %s", exc)
        return None
    return await ctx.in_thread(ctx.cached, "map:china", lambda: chinamap.draw(data, href=ctx.site.href))


@router.get("/pilot-ftzs", include_in_schema=False)
async def pilot_ftzs(request: Request, ctx: Context) -> Response:
    data = await _data(ctx)
    national = await _national_map(ctx)
    rows, parts, sources, programmes = data if data is not None else ([], None, None, None)
    return render(
        ctx.env,
        request,
        "pilot_ftzs.html",
        title="China's pilot free trade zones",
        rows=rows,
        summary=_summary(rows) if rows else None,
        parts=[r for r in parts.rows if str(r["kind"]) == "part"] if parts is not None else [],
        linked=[r for r in parts.rows if str(r["kind"]) == "linked zone"] if parts is not None else [],
        sources=sources.rows if sources is not None else [],
        programmes=programmes.rows if programmes is not None else [],
        national_map=national,
        map_note=None if national is not None or mapping.available() else mapping.INSTALL,
        href=ctx.site.href,
    )
