"""The map on the pages: the home page's map of the zones and the locator maps of zones and districts.

Drawn by `shfz_graph.geo.mapping` when the `map` extra is installed; without it the pages carry a one-line
note naming the command that installs it (no broken image, no error)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from rdflib import URIRef

from shfz_graph.errors import QueryLimitExceeded, QueryTimeout, ShfzError
from shfz_graph.geo import mapping
from shfz_graph.server.context import ServerContext
from shfz_graph.vocab import SHFZ, sparql_prologue

__all__ = [
    "MAP_DISTRICTS",
    "MAP_SECONDS",
    "NOTE",
    "TOO_MANY",
    "ListedDistrict",
    "answer_map",
    "home_map",
    "locator_map",
    "mark_districts",
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


async def _data(ctx: ServerContext) -> mapping.MapData | None:
    """What the map draws, asked once of the query workers within `MAP_SECONDS` (None, logged, if the
    query fails; remembered when it ran out of time or rows, so a graph too large to map costs that once)."""
    cached = ctx.peek("map-data", _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[return-value]
    try:
        districts = await ctx.run_query(_DISTRICTS + f"LIMIT {MAP_DISTRICTS + 1}", timeout=MAP_SECONDS)
        if len(districts.rows) > MAP_DISTRICTS:  # a graph of that size: the map would list them all
            ctx.cached("map-note", lambda: TOO_MANY.format(MAP_DISTRICTS))
            return ctx.cached("map-data", lambda: None)
        result = await ctx.run_query(ctx.named(mapping.QUERY).text, timeout=MAP_SECONDS)
        labels = await ctx.run_query(mapping.LABELS_QUERY, timeout=MAP_SECONDS)
    except (QueryTimeout, QueryLimitExceeded) as exc:  # the graph's answer is too large: not again
        log.warning("no map: the zone-map query failed: %s", exc)
        return ctx.cached("map-data", lambda: None)
    except ShfzError as exc:
        log.warning("no map: the zone-map query failed: %s", exc)
        return None
    return ctx.cached("map-data", lambda: mapping.with_labels(mapping.map_data(result), labels))


async def home_map(ctx: ServerContext) -> str | None:
    """The home page's map (SVG), or None when the `map` extra is missing or the query failed."""
    if not mapping.available():
        return None
    data = await _data(ctx)
    if data is None:
        return None
    return await ctx.in_thread(ctx.cached, "map:home", lambda: mapping.draw(data, href=ctx.site.href))


async def locator_map(ctx: ServerContext, iri: str) -> tuple[str | None, str]:
    """A small map with the district `iri`, the districts of the zone `iri`, or those of the zones that
    include the site `iri`, highlighted; and the caption saying which and how (None, "" when the extra is
    missing or the thing lies in no district of the graph)."""
    if not mapping.available():
        return None, ""
    data = await _data(ctx)
    if data is None:
        return None, ""
    codes = data.codes_of(iri)
    how = ""
    target = iri
    if not codes and ctx.site.kind(iri) == "site":
        zones = sorted(
            str(z)
            for z in ctx.site.dataset.subjects(SHFZ.includesSite, URIRef(iri))
            if not ctx.site.is_inferred((z, SHFZ.includesSite, URIRef(iri)))
        )
        placed = [z for z in zones if data.codes_of(z)]
        if not placed:
            return None, ""
        target = placed[0]
        codes = data.codes_of(target)
        how = f" (the district of {ctx.site.label(URIRef(target))}, which includes it)"
    if not codes:
        return None, ""
    names = ", ".join(sorted(d.label for d in data.districts.values() if d.code in codes))
    kind = ctx.site.kind(iri)
    what = (
        "The district highlighted"
        if kind == "district"
        else f"Highlighted: {names}{how}; the {kind}'s own outline is not drawn"
    )
    drawing = await ctx.in_thread(ctx.cached, f"map:locator:{target}", lambda: mapping.locator(data, target))
    return drawing, what + "."


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
class ListedDistrict:
    """A district under the map: its view, the fill the map gives it, and the batch of each of its zones."""

    district: mapping.DistrictView
    fill: str
    batches: dict[str, str]  # zone IRI -> label of its batch


async def zoned_districts(ctx: ServerContext) -> list[ListedDistrict]:
    """The districts that hold a zone, by name, each with its zones, their batches and the district's
    colour on the map: what the map's hover texts and legend say, for the list under the map (a touch
    screen never hovers, and a phone hides the map's small text). Empty when the map data cannot be read."""
    data = await _data(ctx) if mapping.available() else None
    if data is None:
        return []
    fills = {b.iri: mapping.BATCH_FILLS[i % len(mapping.BATCH_FILLS)] for i, b in enumerate(data.batches)}
    labels = {b.iri: b.label for b in data.batches}
    out = []
    for d in sorted((d for d in data.districts.values() if d.zones), key=lambda d: d.label):
        batches = {z.batch for z in d.zones}
        fill = mapping.SEVERAL_FILL if len(batches) > 1 else fills.get(next(iter(batches)) or "", "#cbd5e1")
        out.append(ListedDistrict(d, fill, {z.iri: labels.get(z.batch or "", "no batch") for z in d.zones}))
    return out
