"""The query page's server side: plain words for syntax errors (`server.syntax`), the completion endpoint
(`server.complete`), answers as the page shows them (`server.answers`), examples without their header and
the answer map (`server.editor`, `server.maps`). The page in a browser: tests/test_server_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.query.results import Result
from shfz_graph.server import answers, complete, editor, maps, syntax
from shfz_graph.server.app import create_app
from shfz_graph.server.site import Site

HTML = {"Accept": "text/html"}
ZONE = "https://w3id.org/shfz/id/zone/"
MISSING_PAREN = (
    "PREFIX shfz: <https://w3id.org/shfz/ontology#>\n"
    "SELECT ?z WHERE {\n"
    "  ?z a shfz:Zone .\n"
    '  FILTER(CONTAINS(STR(?z), "a")\n'
    "}"
)


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(kg), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph) -> Site:
    return Site(kg)


# -- syntax errors in plain words ---------------------------------------------------------------------


def test_a_missing_parenthesis_is_named_where_it_is_missing() -> None:
    spot = syntax.explain(MISSING_PAREN, "SPARQL syntax error at line 4, column 3: Expected SelectQuery")
    assert spot == syntax.ErrorSpot(
        5, 1, "a `)` is missing before `}` (to close the `(` of line 4, column 9)"
    )


def test_an_unclosed_brace_and_a_stray_one() -> None:
    assert syntax.explain("SELECT * WHERE { ?s ?p ?o", "line 1, column 26: Expected") == syntax.ErrorSpot(
        1, 16, "this `{` is never closed: a `}` is missing at the end"
    )
    assert syntax.explain("SELECT * WHERE { ?s ?p ?o } }", "line 1, column 29: x") == syntax.ErrorSpot(
        1, 29, "this `}` closes nothing: remove it or add its `{`"
    )


def test_brackets_inside_strings_iris_and_comments_do_not_count() -> None:
    text = 'SELECT * WHERE { ?s ?p "a ( {" . # ) }\n ?s ?p <http://x/(> ?o }'
    spot = syntax.explain(text, "line 2, column 21: Expected SelectQuery, found '?'")
    assert spot == syntax.ErrorSpot(
        2, 21, "the query cannot go on with `?` here: something is missing before it"
    )


def test_an_unknown_prefix_a_misspelt_keyword_and_an_open_string() -> None:
    message = "SPARQL syntax error at line 1, column 22: unknown prefix 'foo:' (declare it with PREFIX)"
    assert syntax.explain("SELECT ?x WHERE { ?x foo:bar ?y }", message) == syntax.ErrorSpot(
        1, 22, "the prefix `foo:` is not declared: add `PREFIX foo: <…>` at the top"
    )
    message = "line 1, column 1: Expected {SelectQuery | AskQuery}, found 'SELEC'"
    assert syntax.explain("SELEC ?x WHERE {}", message) == syntax.ErrorSpot(
        1, 1, "`SELEC` is not a SPARQL keyword: did you mean `SELECT`?"
    )
    assert syntax.explain('SELECT * WHERE { ?s ?p "abc }', "line 1, column 18: x") == syntax.ErrorSpot(
        1, 24, 'this string is never closed: a `"` is missing on its line'
    )


def test_a_message_without_a_position_gives_no_spot() -> None:
    assert syntax.explain("ASK {}", "the query took longer than 2 s") is None


def test_the_page_marks_the_error_with_its_plain_words(client: TestClient) -> None:
    page = client.get("/query", params={"query": MISSING_PAREN}, headers=HTML)
    assert page.status_code == 400
    assert 'data-line="5" data-column="1"' in page.text
    assert (
        "Line 5, column 1: a `)` is missing before `}` (to close the `(` of line 4, column 9)." in page.text
    )
    assert "SPARQL syntax error at line 5, column 2" in page.text  # the engine's words stay beside


# -- completion -----------------------------------------------------------------------------------------


def test_insertion_uses_the_longest_built_in_prefix_else_the_iri() -> None:
    prefixes = {"id": "https://w3id.org/shfz/id/", "zone": ZONE}
    assert complete.insertion(ZONE + "huangpu", prefixes) == "zone:huangpu"
    assert complete.insertion("https://w3id.org/shfz/id/x/y", prefixes) == "<https://w3id.org/shfz/id/x/y>"
    assert complete.insertion("https://example.org/a", prefixes) == "<https://example.org/a>"


def test_completion_of_a_class_by_prefixed_name(client: TestClient) -> None:
    found = client.get("/api/complete", params={"q": "shfz:Zo"}).json()["completions"]
    assert found[0] == {
        "label": "zone",
        "label_zh": found[0]["label_zh"],
        "insert": "shfz:Zone",
        "iri": "https://w3id.org/shfz/ontology#Zone",
        "kind": "ontology",
    }
    assert all(c["insert"].startswith("shfz:") for c in found)


def test_completion_of_things_by_english_and_chinese_label(client: TestClient) -> None:
    english = client.get("/api/complete", params={"q": "Huangpu"}).json()["completions"]
    assert [c["insert"] for c in english[:2]] == ["district:huangpu", "zone:huangpu"]
    chinese = client.get("/api/complete", params={"q": "黄浦"}).json()["completions"]
    assert "district:huangpu" in [c["insert"] for c in chinese]


def test_completion_is_bounded(client: TestClient) -> None:
    assert len(client.get("/api/complete", params={"q": "a", "limit": "500"}).json()["completions"]) == 20
    too_long = client.get("/api/complete", params={"q": "x" * 101})
    assert too_long.status_code == 400
    assert "longer than 100 characters" in too_long.text
    assert client.get("/api/complete", params={"q": "  "}).json() == {"completions": []}
    assert client.get("/api/complete", params={"q": "zone", "limit": "many"}).status_code == 400


# -- answers as the page shows them ---------------------------------------------------------------------


def test_cells_read_as_names_and_values_with_the_raw_terms_kept(site: Site) -> None:
    zone = answers.cell(site, URIRef(ZONE + "huangpu"))
    assert zone is not None
    assert (zone.text, zone.raw, zone.href, zone.iri) == (
        "Huangpu linked innovation zone",
        "id:zone/huangpu",
        "/id/zone/huangpu",
        ZONE + "huangpu",
    )
    english = answers.cell(site, Literal("Huangpu", lang="en"))
    assert english is not None and (english.text, english.raw, english.lang) == (
        "Huangpu",
        '"Huangpu"@en',
        "en",
    )
    area = answers.cell(site, Literal("24.6", datatype=XSD.decimal))
    assert area is not None and (area.text, area.raw, area.number) == ("24.6", '"24.6"^^xsd:decimal', 24.6)
    blank = answers.cell(site, BNode("b0"))
    assert blank is not None and (blank.text, blank.raw) == ("(anonymous)", "_:b0")
    assert answers.cell(site, None) is None


def test_a_label_and_a_number_column_make_a_chart_and_zones_a_map(site: Site) -> None:
    result = Result.select(
        ["zone", "area"],
        [
            {"zone": URIRef(ZONE + "baoshan"), "area": Literal("50", datatype=XSD.decimal)},
            {"zone": URIRef(ZONE + "huangpu"), "area": Literal("14", datatype=XSD.decimal)},
        ],
    )
    view = answers.answer_view(site, result, limit=1000)
    assert view.numeric == [False, True]
    assert view.chart is not None
    assert re.findall(r"<title[^>]*>([^<]*)</title>", view.chart) == [
        "area by zone",
        "Baoshan linked innovation zone: 50",
        "Huangpu linked innovation zone: 14",
    ]
    assert view.chart_note == "The bars show ?area for each ?zone."
    assert view.places == [ZONE + "baoshan", ZONE + "huangpu"]
    assert view.graph is None


def test_text_only_answers_get_no_chart(site: Site) -> None:
    result = Result.select(["label"], [{"label": Literal("a")}])
    view = answers.answer_view(site, result, limit=1000)
    assert (view.chart, view.places) == (None, [])


def test_a_construct_answer_gets_a_graph_drawing_with_each_subject_once(
    kg: KnowledgeGraph, site: Site
) -> None:
    result = kg.query(
        "PREFIX shfz: <https://w3id.org/shfz/ontology#>\n"
        "CONSTRUCT { ?z shfz:inDistrict ?d ; shfz:inBatch ?b }\n"
        "WHERE { ?z shfz:inDistrict ?d ; shfz:inBatch ?b }"
    )
    view = answers.answer_view(site, result, limit=1000)
    assert view.graph is not None
    assert view.graph.count("<title>Huangpu linked innovation zone</title>") == 1
    assert view.graph_note.endswith("links between things; literal values are in the table.")


def test_examples_open_without_their_header(client: TestClient) -> None:
    assert editor.without_header("#+ summary: x\n#+ tags:\n#+   - a\nPREFIX a: <b>\n# kept\nASK {}") == (
        "PREFIX a: <b>\n# kept\nASK {}"
    )
    page = client.get("/query", params={"example": "zones-by-sector"}, headers=HTML)
    text = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert text is not None
    assert "#+" not in text.group(1)
    assert text.group(1).startswith("PREFIX")


def test_the_built_in_prefixes_are_listed_beside_the_editor(client: TestClient) -> None:
    page = client.get("/query", headers=HTML).text
    assert (
        '<div data-prefix="shfz"><dt><code>shfz:</code></dt><dd><code>https://w3id.org/shfz/ontology#</code>'
        in page
    )
    assert '<div data-prefix="skos">' in page


def test_mark_districts_names_the_shaded_ones() -> None:
    first = '<path class="district zoned" data-code="310101" d=""/>'
    drawing = first + '<path class="district" data-code="310104" d=""/>'
    assert maps.mark_districts(drawing, {"310104"}) == (
        first + '<path class="district named" data-code="310104" d=""/>'
    )


# -- smaller defects of the pages ------------------------------------------------------------------------


def test_the_void_page_writes_its_turtle_once_per_address(client: TestClient) -> None:
    first = client.get("/.well-known/void", headers=HTML)
    assert first.status_code == 200
    kept = client.app.state.ctx.peek("void-turtle")  # type: ignore[attr-defined]
    assert list(kept) == ["http://testserver"]
    again = client.get("/.well-known/void", headers=HTML)
    assert again.text == first.text
    for n in range(6):  # other Host headers: only the last four addresses are kept
        client.get("/.well-known/void", headers={**HTML, "Host": f"host{n}.test"})
    assert list(kept) == [f"http://host{n}.test" for n in range(2, 6)]


def test_the_home_page_opens_with_the_data_and_lists_the_licence_once(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    hero = page[page.index('<section class="hero">') : page.index('<ul class="stats">')]
    paragraphs = re.findall(r"<p>(.*?)</p>", hero)
    assert paragraphs[0].startswith("Shanghai&#39;s linked innovation zones in both batches")
    assert page.count("<dt>Licence</dt>") == 1
    assert page.count('href="https://creativecommons.org/licenses/by/4.0/">https://creativecommons.org') == 1


def test_queries_that_need_the_network_are_not_offered_as_web_links(client: TestClient) -> None:
    for path in ("/", "/query"):
        page = client.get(path, headers=HTML).text
        assert 'href="/query?example=federated-wikidata-labels"' not in page, path
        assert "<code>shfz-graph query federated-wikidata-labels --allow-network</code>" in page, path
        assert 'href="/query?example=zones-by-sector"' in page, path
