"""Small HTML views for notebooks (Jupyter's `_repr_html_`): a result's first rows, a graph's summary.

Everything that comes from data (labels, IRIs, variable and graph names) is escaped; only http(s) IRIs
become links, so an IRI such as `javascript:...` from a remote endpoint stays inert text.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    from shfz_graph.query.results import Result

#: Rows a result shows in a notebook before it says how many more there are.
HTML_ROWS = 20


def _cell(term: Node | None) -> str:
    from shfz_graph.query.results import _term_text

    text = escape(_term_text(term))
    if isinstance(term, URIRef) and str(term).startswith(("http://", "https://")):
        return f'<a href="{escape(str(term))}" title="{escape(str(term))}">{text}</a>'
    return text


def result_html(result: Result, *, max_rows: int = HTML_ROWS) -> str:
    """An HTML table of the first `max_rows` rows, with the row count below it."""
    if result.kind == "ASK":
        return f"<p>ASK: <strong>{'true' if result.boolean else 'false'}</strong></p>"
    head = "".join(f"<th>{escape(v)}</th>" for v in result.vars)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(v))}</td>" for v in result.vars) + "</tr>"
        for row in result.rows[:max_rows]
    )
    n = len(result.rows)
    unit = "triple" if result.kind in ("CONSTRUCT", "DESCRIBE") else "row"
    count = f"{n} {unit}{'' if n == 1 else 's'}"
    if n > max_rows:
        count = f"the first {max_rows} of {count}"
    if result.truncated:
        count += " (cut at the row limit)"
    return (
        f'<table class="shfz-result"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f"<p>{count}</p>"
    )


def graph_html(counts: Mapping[str, int], *, store: str, reasoner: str | None, source_hash: str) -> str:
    """A graph's named graphs with their triple counts, its store, reasoner and source hash."""
    rows = "".join(f"<tr><td>{escape(name)}</td><td>{n}</td></tr>" for name, n in counts.items())
    facts = (
        f"store {escape(str(store))}, reasoner {escape(str(reasoner or 'none'))}, "
        f'source hash <code title="{escape(source_hash)}">{escape(source_hash[:12])}</code>'
    )
    return (
        f"<p><strong>KnowledgeGraph</strong>: {sum(counts.values())} triples in {len(counts)} graphs; "
        f"{facts}</p>"
        f'<table class="shfz-graph"><thead><tr><th>graph</th><th>triples</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
