"""Notebook HTML: a result's first rows and a graph's summary, with everything from the data escaped."""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Literal, URIRef

from shfz_graph.analysis.display import HTML_ROWS, graph_html, result_html
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.query.results import Result

ID = "https://w3id.org/shfz/id/"


def test_a_hostile_label_and_iri_are_escaped() -> None:
    rows = [
        {
            "zone": URIRef(ID + "zone/huangpu"),
            "label": Literal('<script>alert("x")</script> & <b>', lang="en"),
        },
        {"zone": URIRef("javascript:alert(1)"), "label": None},
        {"zone": URIRef('https://example.org/"><img src=x onerror=alert(1)>'), "label": Literal("ok")},
        {"zone": BNode("b0"), "label": Literal("a\nb")},
    ]
    html = Result.select(
        ["zone", "<x>"], [{"zone": r["zone"], "<x>": r["label"]} for r in rows]
    )._repr_html_()
    assert html == (
        '<table class="shfz-result"><thead><tr><th>zone</th><th>&lt;x&gt;</th></tr></thead><tbody>'
        f'<tr><td><a href="{ID}zone/huangpu" title="{ID}zone/huangpu">id:zone/huangpu</a></td>'
        "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;@en</td></tr>"
        "<tr><td>&lt;javascript:alert(1)&gt;</td><td></td></tr>"
        '<tr><td><a href="https://example.org/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" '
        'title="https://example.org/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">'
        "&lt;https://example.org/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&gt;</a></td><td>ok</td></tr>"
        "<tr><td>_:b0</td><td>a\\nb</td></tr>"
        "</tbody></table><p>4 rows</p>"
    )


def test_only_the_first_rows_with_the_count(kg: KnowledgeGraph) -> None:
    result = kg.query("located-in")
    # everything in Shanghai, both batches and the free trade zone's areas in Pudong (tests/test_queries.py)
    assert len(result) == 71 > HTML_ROWS
    html = result._repr_html_()
    assert html.count("<tr>") == HTML_ROWS + 1  # the header row and the first rows
    assert html.endswith(f"<p>the first {HTML_ROWS} of 71 rows</p>")
    assert result_html(result, max_rows=80).endswith("<p>71 rows</p>")


def test_one_row_cut_and_ask() -> None:
    cut = Result.select(["n"], [{"n": Literal(1)}], truncated=True)
    assert cut._repr_html_().endswith("<td>1</td></tr></tbody></table><p>1 row (cut at the row limit)</p>")
    assert Result.ask(True)._repr_html_() == "<p>ASK: <strong>true</strong></p>"


def test_a_graph_shows_its_graphs_counts_and_source_hash(mini: Path, tmp_path: Path) -> None:
    extra = tmp_path / "a<b>&c.ttl"
    extra.write_text("<urn:x:s> <urn:x:p> <urn:x:o> .\n", encoding="utf-8")
    with load(reason=False, extra_sources=[extra]) as kg:
        counts = kg.counts()
        html = kg._repr_html_()
        assert html == graph_html(
            kg.counts(), store=kg.store, reasoner=kg.reasoner, source_hash=kg.source_hash
        )
    rows = "".join(f"<tr><td>{name}</td><td>{n}</td></tr>" for name, n in counts.items() if "<" not in name)
    assert html == (
        f"<p><strong>KnowledgeGraph</strong>: {sum(counts.values())} triples in {len(counts)} graphs; "
        f'store memory, reasoner none, source hash <code title="{kg.source_hash}">'
        f"{kg.source_hash[:12]}</code></p>"
        '<table class="shfz-graph"><thead><tr><th>graph</th><th>triples</th></tr></thead><tbody>'
        f"{rows}<tr><td>extra/a&lt;b&gt;&amp;c</td><td>1</td></tr></tbody></table>"
    )
