"""The map on the pages: the home page's map of the zones and the locator maps of zones and districts.

Drawn by `shfz_graph.geo.mapping` when the `map` extra is installed; without it the pages carry a one-line
note naming the command that installs it (no broken image, no error)."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

from rdflib import URIRef

from shfz_graph.errors import QueryLimitExceeded, QueryTimeout, ShfzError
from shfz_graph.geo import mapdata, mapping
from shfz_graph.query.binding import bind_constants
from shfz_graph.server.context import ServerContext
from shfz_graph.vocab import sparql_prologue

__all__ = [
    "MAP_DISTRICTS",
    "MAP_SECONDS",
    "NOTE",
    "TOO_MANY",
    "ListedDistrict",
    "MarkedZone",
    "answer_map",
    "home_map",
    "locator_map",
    "mark_districts",
    "marked_zones",
    "zoned_districts",
]

log = logging.getLogger("shfz_graph.server")

#: What the pages say in place of a map when the `map` extra is missing.
NOTE = f"The map of the zones needs the optional map extra: {mapping.INSTALL}"
_MISSING = object()
#: The pages' map query may take this long: ours takes milliseconds; a huge graph gets no map, not slow pages.
MAP_SECONDS = 3.0
#: The map is drawn for at most this many districts with a division code (Shanghai has 16).
MAP_DISTRICTS = 100
#: What the home page says in place of the map of a graph with more districts than `MAP_DISTRICTS`.
TOO_MANY = (
    "The graph has more than {} districts with a division code: the map, which draws Shanghai's 16 and "
    "lists every zone under them, is left out."
)
_DISTRICTS = sparql_prologue("shfz") + "SELECT ?d WHERE { ?d a shfz:District ; shfz:divisionCode ?code } "


#: After the map's queries ran out of time or rows, pages go without a map this long before asking again:
#: a graph too large to map costs that once in a while, and a busy moment does not lose the map for good.
MAP_RETRY_SECONDS = 300.0


async def _data(ctx: ServerContext) -> mapping.MapData | None:
    """What the map draws, asked once of the query workers within `MAP_SECONDS` (None, logged, if the
    query fails; not asked again for `MAP_RETRY_SECONDS` when it ran out of time or rows)."""
    cached = ctx.peek("map-data", _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[return-value]
    failed: dict[str, float] = ctx.cached("map-failed", dict)
    if "at" in failed and time.monotonic() - failed["at"] < MAP_RETRY_SECONDS:
        return None
    try:
        districts = await ctx.run_query(_DISTRICTS + f"LIMIT {MAP_DISTRICTS + 1}", timeout=MAP_SECONDS)
        if len(districts.rows) > MAP_DISTRICTS:  # a graph of that size: the map would list them all
            ctx.cached("map-note", lambda: TOO_MANY.format(MAP_DISTRICTS))
            return ctx.cached("map-data", lambda: None)
        result = await ctx.run_query(ctx.named(mapping.QUERY).text, timeout=MAP_SECONDS)
        labels = await ctx.run_query(mapping.LABELS_QUERY, timeout=MAP_SECONDS)
        marks = await ctx.run_query(ctx.named(mapdata.MARKS_QUERY).text, timeout=MAP_SECONDS)
    except (QueryTimeout, QueryLimitExceeded) as exc:  # too large, or too busy: not again for a while
        log.warning("no map for %g s: the zone-map query failed: %s", MAP_RETRY_SECONDS, exc)
        failed["at"] = time.monotonic()
        return None
    except ShfzError as exc:
        log.warning("no map: the zone-map query failed: %s", exc)
        return None
    return ctx.cached(
        "map-data", lambda: mapping.with_marks(mapping.with_labels(mapping.map_data(result), labels), marks)
    )


def left_out_for_now(ctx: ServerContext) -> bool:
    """Whether pages go without the map only for a while (its queries ran past a limit lately): such a
    page says `Cache-Control: no-store`, so that no cache keeps it once the map is back."""
    failed = ctx.peek("map-failed")
    return ctx.peek("map-data", _MISSING) is _MISSING and isinstance(failed, dict) and "at" in failed


async def home_map(ctx: ServerContext) -> str | None:
    """The home page's map (SVG), or None when the `map` extra is missing or the query failed."""
    if not mapping.available():
        return None
    data = await _data(ctx)
    if data is None:
        return None
    return await ctx.in_thread(ctx.cached, "map:home", lambda: mapping.draw(data, href=ctx.site.href))


async def locator_map(ctx: ServerContext, iri: str) -> tuple[str | None, str]:
    """A small map with the district `iri`, the districts of the zone `iri`, or the districts the site `iri`
    lies in, wholly or in part, highlighted; and the caption saying which and how (None, "" when the extra
    is missing or the thing lies in no district of the graph)."""
    if not mapping.available():
        return None, ""
    data = await _data(ctx)
    if data is None:
        return None, ""
    kind = ctx.site.kind(iri)
    if kind == "site":
        return await _site_locator(ctx, data, iri)
    codes = data.codes_of(iri)
    if not codes and data.marked_in(iri):
        return await _marked_locator(ctx, data, iri)
    if not codes:
        return None, ""
    names = ", ".join(sorted(d.label for d in data.districts.values() if d.code in codes))
    what = (
        "The district highlighted"
        if kind == "district"
        else f"Highlighted: {names}; the {kind}'s own outline is not drawn"
    )
    drawing = await ctx.in_thread(ctx.cached, f"map:locator:{iri}", lambda: mapping.locator(data, iri))
    return drawing, what + "."


async def _marked_locator(ctx: ServerContext, data: mapping.MapData, iri: str) -> tuple[str | None, str]:
    """The locator map of a zone in no single district: the districts where the home map marks it, drawn
    lighter, and the caption saying why and that the zone may not cover them whole."""
    districts = data.marked_in(iri)
    relations = sorted({m.relation for d in districts for m in d.marks if m.zone == iri})
    places = dict.fromkeys((d.code for d in districts), True)
    drawing = await ctx.in_thread(
        ctx.cached, f"map:locator:{iri}", lambda: mapping.locator(data, iri, districts=places)
    )
    names = ", ".join(d.label for d in districts)
    caption = (
        f"Highlighted lighter: {names}, each holding all or part of a place the zone "
        f"{' or '.join(relations)}; the sources place the zone in no single district, and its own outline "
        "is not drawn."
    )
    return drawing, caption


async def _site_locator(ctx: ServerContext, data: mapping.MapData, iri: str) -> tuple[str | None, str]:
    """The locator map of a site: the districts the named query `site-districts` places it in (dark where
    it lies wholly, light where part of it does), and the caption saying so."""
    try:
        # the site written in place as a checked term: a VALUES block would leave the query's property
        # paths to run from every node of the graph
        text = bind_constants(ctx.named(mapdata.SITE_QUERY).text, {"_site_iri": URIRef(iri)})
        answer = await ctx.run_query(text, timeout=MAP_SECONDS)
    except ShfzError as exc:
        log.warning("no locator map for %s: the site-districts query failed: %s", iri, exc)
        return None, ""
    places = {c: part for c, part in mapdata.site_districts(answer).items() if c in data.districts}
    if not places:
        return None, ""
    through: dict[str, list[str]] = {}
    for row in answer.rows:
        if row.get("throughLabel") is not None:
            through.setdefault(str(row["code"]), []).append(str(row["throughLabel"]))
    whole = sorted(data.districts[c].label for c, part in places.items() if not part)
    parts = sorted(
        f"{data.districts[c].label} (through {', '.join(sorted(set(through.get(c, []))))})"
        for c, part in places.items()
        if part
    )
    said = []
    if whole:
        said.append(f"highlighted: {', '.join(whole)}, in which the site lies")
    if parts:
        said.append(f"highlighted lighter, as only part of the site lies there: {'; '.join(parts)}")
    key = f"map:locator:{iri}:" + ",".join(f"{c}{int(p)}" for c, p in sorted(places.items()))
    drawing = await ctx.in_thread(ctx.cached, key, lambda: mapping.locator(data, iri, districts=places))
    text = "; ".join(said)
    return drawing, text[:1].upper() + text[1:] + "; the site's own outline is not drawn."


def mark_districts(drawing: str, codes: set[str]) -> str:
    """The map `drawing` with the districts of division `codes` given the class `named` (the page's style
    shades them and greys the rest)."""
    return re.sub(
        r'<path class="([^"]*)" data-code="(\d+)"',
        lambda m: (
            f'<path class="{m.group(1)}{" named" if m.group(2) in codes else ""}" data-code="{m.group(2)}"'
        ),
        drawing,
    )


async def answer_map(ctx: ServerContext, places: list[str]) -> tuple[str, str] | None:
    """The map of an answer that names zones or districts (IRIs `places`): those districts shaded, with a
    caption naming what is shaded and what lies in no single district (None without the extra or places)."""
    if not places or not mapping.available():
        return None
    data = await _data(ctx)
    if data is None:
        return None
    drawing = await ctx.in_thread(ctx.cached, "map:home", lambda: mapping.draw(data, href=ctx.site.href))
    codes: set[str] = set()
    unplaced = []
    for iri in places:
        found = data.codes_of(iri)
        codes |= found
        if not found:
            unplaced.append(ctx.site.label(URIRef(iri)))
    names = sorted(d.label for d in data.districts.values() if d.code in codes)
    note = (
        f"Shaded dark: the {len(names)} district{'s' if len(names) != 1 else ''} the answer names or in "
        f"which a zone it names lies ({', '.join(names) or 'none'})."
    )
    if unplaced:
        note += f" Not on the map, as the sources place them in no single district: {'; '.join(unplaced)}."
    return mark_districts(drawing, codes), note


@dataclass(frozen=True)
class MarkedZone:
    """A zone in no single district as the map marks it: its symbol (SVG), the districts it is marked in,
    and how it is tied to the places there (by district code)."""

    zone: str
    label: str
    symbol: str
    districts: list[mapping.DistrictView]
    ties: dict[str, list[mapping.MarkView]]


@dataclass(frozen=True)
class ListedDistrict:
    """A district beside the map: its view, the fill the map gives it, the batch of each of its zones, the
    zones in no single district marked in it, and the labels of the free trade zones covering part of it."""

    district: mapping.DistrictView
    fill: str
    batches: dict[str, str]  # zone IRI -> label of its batch
    marked: list[MarkedZone] = field(default_factory=list)
    free_trade_zones: list[tuple[str, str]] = field(default_factory=list)  # (IRI, label)


def _symbol(index: int) -> str:
    """A marked zone's symbol as a small inline SVG for the list beside the map."""
    return (
        '<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
        f"{mapping.mark_symbol(index, 7, 7, 10)}</svg>"
    )


def _marked(data: mapping.MapData) -> dict[str, MarkedZone]:
    """Every zone the map marks, by IRI, in the order of their symbols."""
    out = {}
    for i, (zone, label) in enumerate(data.marked()):
        districts = data.marked_in(zone)
        ties = {d.code: [m for m in d.marks if m.zone == zone] for d in districts}
        out[zone] = MarkedZone(zone, label, _symbol(i), districts, ties)
    return out


async def marked_zones(ctx: ServerContext) -> dict[str, MarkedZone]:
    """The zones in no single district that the home map marks, by IRI (empty when the map data cannot be
    read): the list under the map says where each is marked."""
    data = await _data(ctx) if mapping.available() else None
    return {} if data is None else _marked(data)


async def zoned_districts(ctx: ServerContext) -> list[ListedDistrict]:
    """The districts that a zone reaches, by name: those holding a zone, those where a zone in no single
    district is marked, and those a free trade zone covers part of; each with its zones, their batches, the
    marked zones and how they are tied there, and the district's colour on the map. What the map's hover
    texts and legend say, for the list beside the map (a touch screen never hovers, and a phone hides the
    map's small text). Empty when the map data cannot be read."""
    data = await _data(ctx) if mapping.available() else None
    if data is None:
        return []
    fills = {b.iri: mapping.BATCH_FILLS[i % len(mapping.BATCH_FILLS)] for i, b in enumerate(data.batches)}
    labels = {b.iri: b.label for b in data.batches}
    marked = _marked(data)
    out = []
    reached = (d for d in data.districts.values() if d.zones or d.marks or d.free_trade_zones)
    for d in sorted(reached, key=lambda d: d.label):
        batches = {z.batch for z in d.zones}
        if not d.zones:
            fill = mapping.EMPTY_FILL
        elif len(batches) > 1:
            fill = mapping.SEVERAL_FILL
        else:
            fill = fills.get(next(iter(batches)) or "", "#cbd5e1")
        out.append(
            ListedDistrict(
                d,
                fill,
                {z.iri: labels.get(z.batch or "", "no batch") for z in d.zones},
                [m for zone, m in marked.items() if zone in d.marked_zones()],
                [(f, data.free_trade_zone_labels.get(f, f)) for f in d.free_trade_zones],
            )
        )
    return out
