"""A query answer as the query page shows it: names for things, values without their datatype or
language tag (the terms as written kept for the "raw" view), numbers marked for alignment and sorting, and
what the views beside the table need (a bar chart's two columns, the zones and districts for the map, the
triples of a graph answer)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from shfz_graph.query.results import GRAPH_KINDS, Result, shorten
from shfz_graph.server import svg
from shfz_graph.server.site import Site

__all__ = ["AnswerView", "Cell", "answer_view", "cell"]

_NUMBERS = frozenset(
    XSD[name]
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    ]
)
_MAX_BARS = 60  # a longer answer is charted by its first rows (the caption says so)
_MAX_GRAPH_TRIPLES = 60  # the graph view draws at most this many triples of a CONSTRUCT/DESCRIBE answer


@dataclass(frozen=True)
class Cell:
    """One value of an answer: what reads (a thing's name, a literal's value), the term as written, and
    the link, IRI, language and number it carries."""

    kind: str  # iri | literal | bnode
    text: str
    raw: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    number: float | None = None
    local: bool = False


@dataclass
class AnswerView:
    """The table of an answer and what its views need."""

    vars: list[str]
    rows: list[list[Cell | None]]
    numeric: list[bool]
    chart: str | None = None
    chart_note: str = ""
    places: list[str] = field(default_factory=list)  # IRIs of zones and districts the answer names
    graph: str | None = None
    graph_note: str = ""


def _raw_literal(node: Literal) -> str:
    text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if node.language:
        return f'"{text}"@{node.language}'
    if node.datatype is not None and node.datatype != XSD.string:
        return f'"{text}"^^{shorten(str(node.datatype))}'
    return f'"{text}"'


def cell(site: Site, node: Node | None) -> Cell | None:
    """How one term of an answer reads: a thing by its name (English first), a literal by its value."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        iri = str(node)
        return Cell(
            "iri", site.label(node), shorten(iri), href=site.href(iri), iri=iri, local=site.is_local(iri)
        )
    if isinstance(node, Literal):
        number = None
        if node.datatype in _NUMBERS:
            try:
                number = float(str(node))
            except ValueError:
                number = None
            if number is not None and not math.isfinite(number):
                number = None
        return Cell("literal", str(node), _raw_literal(node), lang=node.language, number=number)
    if isinstance(node, BNode):
        return Cell("bnode", "(anonymous)", f"_:{node}")
    return Cell("literal", str(node), str(node))


def _numeric(rows: list[list[Cell | None]], width: int) -> list[bool]:
    """Columns whose every value is a number (and that hold at least one)."""
    out = []
    for i in range(width):
        values = [row[i] for row in rows if row[i] is not None]
        out.append(bool(values) and all(c is not None and c.number is not None for c in values))
    return out


def _chart(view: AnswerView) -> tuple[str | None, str]:
    """A bar chart of the first numeric column against the first column of names, when there are both."""
    value_col = next((i for i, numeric in enumerate(view.numeric) if numeric), None)
    label_col = next(
        (
            i
            for i, numeric in enumerate(view.numeric)
            if not numeric and any(row[i] is not None for row in view.rows)
        ),
        None,
    )
    if value_col is None or label_col is None or not view.rows:
        return None, ""
    bars = []
    for row in view.rows[:_MAX_BARS]:
        name, value = row[label_col], row[value_col]
        if name is None:
            continue
        bars.append(
            svg.Bar(
                name.text,
                value.number if value is not None else None,
                value.text if value is not None else "no value",
                href=name.href,
            )
        )
    if not bars:
        return None, ""
    title = f"{view.vars[value_col]} by {view.vars[label_col]}"
    note = f"The bars show ?{view.vars[value_col]} for each ?{view.vars[label_col]}"
    if len(view.rows) > _MAX_BARS:
        note += f", for the first {_MAX_BARS} of {len(view.rows)} rows"
    return svg.bar_chart(bars, title=title), note + "."


def _places(site: Site, rows: list[list[Cell | None]]) -> list[str]:
    """The zones and districts an answer names, in order of first mention."""
    seen: dict[str, None] = {}
    for row in rows:
        for c in row:
            if c is not None and c.iri and site.kind(c.iri) in ("zone", "district"):
                seen.setdefault(c.iri, None)
    return list(seen)


def _graph(site: Site, result: Result) -> tuple[str | None, str]:
    """A small drawing of a CONSTRUCT/DESCRIBE answer: each subject with the things it links to."""
    if result.kind not in GRAPH_KINDS or not result.rows:
        return None, ""
    triples = [
        (row["subject"], row["predicate"], row["object"])
        for row in result.rows
        if isinstance(row.get("object"), URIRef | BNode)
    ][:_MAX_GRAPH_TRIPLES]
    if not triples:
        return None, "No triple of this answer links two things: nothing to draw."
    note = f"{len(triples)} links between things"
    if len(triples) == _MAX_GRAPH_TRIPLES:
        note += f" (the first {_MAX_GRAPH_TRIPLES})"
    drawn = [(_node(site, s), site.predicate_term(p).text, _node(site, o)) for s, p, o in triples]  # type: ignore[arg-type]
    return svg.graph(drawn), note + "; literal values are in the table."


def _node(site: Site, node: Node) -> svg.Node:
    if isinstance(node, URIRef):
        iri = str(node)
        return svg.Node(site.label(node), site.kind(iri), site.href(iri))
    return svg.Node("(anonymous)", "thing")


def answer_view(site: Site, result: Result, *, limit: int) -> AnswerView:
    """The first `limit` rows of `result` as cells, with the chart, places and graph drawing they allow."""
    rows = [[cell(site, row.get(v)) for v in result.vars] for row in result.rows[:limit]]
    view = AnswerView(list(result.vars), rows, _numeric(rows, len(result.vars)))
    if result.kind == "SELECT":
        view.chart, view.chart_note = _chart(view)
        view.places = _places(site, rows)
    else:
        view.graph, view.graph_note = _graph(site, result)
        view.places = _places(site, rows)
    return view
