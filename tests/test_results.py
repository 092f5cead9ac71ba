"""Result formats: W3C SPARQL 1.1 JSON/XML/CSV/TSV (read back with rdflib's parsers), tables, RDF."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef, Variable, namespace
from rdflib.compare import isomorphic
from rdflib.query import Result as RdflibResult
from rdflib.term import Node

from shfz_graph.errors import ShfzError
from shfz_graph.query.results import Result, columns, shorten

HUANGPU = URIRef("https://w3id.org/shfz/id/zone/huangpu")
EX = URIRef("http://example.org/x")


def decimal(text: str) -> Literal:
    return Literal(text, datatype=namespace.XSD.decimal)


@pytest.fixture
def small() -> Result:
    """Two rows: a Chinese label, a number, an unbound cell, a blank node, a pipe and a line break."""
    return Result.select(
        ["zone", "label", "area", "note"],
        [
            {"zone": HUANGPU, "label": Literal("黄浦", lang="zh-Hans"), "area": decimal("14")},
            {"zone": EX, "label": Literal("Lin|gang\nnew"), "area": decimal("120.5"), "note": BNode("b1")},
        ],
    )


@pytest.fixture
def tricky() -> Result:
    """Every kind of term, and strings with every character the formats must escape."""
    values = [
        HUANGPU,
        URIRef("https://例子.中国/路径?q=1&r=2#x"),
        BNode("n1"),
        Literal("plain"),
        Literal("typed string", datatype=namespace.XSD.string),
        Literal("Huangpu", lang="en"),
        Literal("浦东新区", lang="zh-Hans"),
        Literal("42", datatype=namespace.XSD.integer),
        Literal("1.5E3", datatype=namespace.XSD.double),
        Literal("true", datatype=namespace.XSD.boolean),
        Literal("2024-02-29", datatype=namespace.XSD.date),
        Literal('quote " backslash \\ tab \t newline \n return \r end'),
        Literal("<xml> & 'apostrophe', comma"),
        Literal(""),
        Literal("x", datatype=URIRef("https://w3id.org/shfz/ontology#code")),
    ]
    rows: list[dict[str, Node | None]] = [{"v": v, "w": None if i % 3 else v} for i, v in enumerate(values)]
    rows.append({"v": None, "w": None})  # a row with nothing bound still counts
    return Result.select(["v", "w"], rows)


def rdflib_bindings(text: str, fmt: str) -> list[dict[str, object]]:
    parsed = RdflibResult.parse(io.StringIO(text), format=fmt)
    assert parsed.type == "SELECT"
    assert [str(v) for v in parsed.vars or []] == ["v", "w"]
    return [{str(k): v for k, v in row.items()} for row in parsed.bindings]


def bound(result: Result) -> list[dict[str, object]]:
    return [{k: v for k, v in row.items() if v is not None} for row in result.rows]


# -- constructors -----------------------------------------------------------------------------------


def test_select_fills_unbound_variables_with_none(small: Result) -> None:
    assert small.kind == "SELECT"
    assert small.vars == ["zone", "label", "area", "note"]
    assert small.rows[0] == {
        "zone": HUANGPU,
        "label": Literal("黄浦", lang="zh-Hans"),
        "area": decimal("14"),
        "note": None,
    }
    assert (small.boolean, small.graph, small.truncated, len(small)) == (None, None, False, 2)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown result kind 'UPDATE'"):
        Result("UPDATE")


# -- JSON -------------------------------------------------------------------------------------------


def test_json_document(small: Result) -> None:
    assert json.loads(small.to_json()) == {
        "head": {"vars": ["zone", "label", "area", "note"]},
        "results": {
            "bindings": [
                {
                    "zone": {"type": "uri", "value": str(HUANGPU)},
                    "label": {"type": "literal", "value": "黄浦", "xml:lang": "zh-Hans"},
                    "area": {"type": "literal", "value": "14", "datatype": str(namespace.XSD.decimal)},
                },
                {
                    "zone": {"type": "uri", "value": str(EX)},
                    "label": {"type": "literal", "value": "Lin|gang\nnew"},
                    "area": {"type": "literal", "value": "120.5", "datatype": str(namespace.XSD.decimal)},
                    "note": {"type": "bnode", "value": "b1"},
                },
            ]
        },
    }


def test_json_is_utf8_text_not_ascii_escapes(small: Result) -> None:
    assert '"黄浦"' in small.to_json()
    assert small.to_json(indent=2).startswith('{\n  "head": {\n    "vars": [\n      "zone",')


def test_json_round_trips_through_rdflib(tricky: Result) -> None:
    assert rdflib_bindings(tricky.to_json(), "json") == bound(tricky)


def test_ask_json() -> None:
    assert Result.ask(True).to_json() == '{"head": {}, "boolean": true}'
    assert RdflibResult.parse(io.StringIO(Result.ask(False).to_json()), format="json").askAnswer is False


# -- XML --------------------------------------------------------------------------------------------


def test_xml_document(small: Result) -> None:
    assert small.to_xml() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
        "  <head>\n"
        '    <variable name="zone"/>\n'
        '    <variable name="label"/>\n'
        '    <variable name="area"/>\n'
        '    <variable name="note"/>\n'
        "  </head>\n"
        "  <results>\n"
        "    <result>\n"
        f'      <binding name="zone"><uri>{HUANGPU}</uri></binding>\n'
        '      <binding name="label"><literal xml:lang="zh-Hans">黄浦</literal></binding>\n'
        '      <binding name="area"><literal datatype="http://www.w3.org/2001/XMLSchema#decimal">14</literal>'
        "</binding>\n"
        "    </result>\n"
        "    <result>\n"
        '      <binding name="zone"><uri>http://example.org/x</uri></binding>\n'
        '      <binding name="label"><literal>Lin|gang\nnew</literal></binding>\n'
        '      <binding name="area"><literal datatype="http://www.w3.org/2001/XMLSchema#decimal">120.5</literal>'
        "</binding>\n"
        '      <binding name="note"><bnode>b1</bnode></binding>\n'
        "    </result>\n"
        "  </results>\n"
        "</sparql>\n"
    )


def test_xml_round_trips_through_rdflib(tricky: Result) -> None:
    assert rdflib_bindings(tricky.to_xml(), "xml") == bound(tricky)


def test_ask_xml() -> None:
    text = Result.ask(True).to_xml()
    assert text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
        "  <head/>\n"
        "  <boolean>true</boolean>\n"
        "</sparql>\n"
    )
    assert RdflibResult.parse(io.StringIO(text), format="xml").askAnswer is True


# -- CSV and TSV --------------------------------------------------------------------------------------


def test_csv_document(small: Result) -> None:
    assert small.to_csv() == (
        f'zone,label,area,note\r\n{HUANGPU},黄浦,14,\r\nhttp://example.org/x,"Lin|gang\nnew",120.5,_:b1\r\n'
    )


def test_csv_round_trip_keeps_values_and_drops_types() -> None:
    # CSV is lossy by design (W3C): only IRIs and plain values come back as they were
    result = Result.select(
        ["v", "w"],
        [
            {"v": HUANGPU, "w": Literal('a, "quoted"\nvalue')},
            {"v": Literal("42", datatype=namespace.XSD.integer), "w": Literal("Huangpu", lang="en")},
            {"v": None, "w": Literal("x")},
        ],
    )
    assert rdflib_bindings(result.to_csv(), "csv") == [
        {"v": HUANGPU, "w": Literal('a, "quoted"\nvalue')},
        {"v": Literal("42"), "w": Literal("Huangpu")},
        {"w": Literal("x")},
    ]


def test_tsv_document(small: Result) -> None:
    assert small.to_tsv() == (
        "?zone\t?label\t?area\t?note\n"
        f'<{HUANGPU}>\t"黄浦"@zh-Hans\t"14"^^<http://www.w3.org/2001/XMLSchema#decimal>\t\n'
        '<http://example.org/x>\t"Lin|gang\\nnew"\t"120.5"^^<http://www.w3.org/2001/XMLSchema#decimal>\t_:b1\n'
    )


def test_tsv_round_trips_through_rdflib(tricky: Result) -> None:
    # rdflib's TSV reader keeps the all-unbound row too
    assert rdflib_bindings(tricky.to_tsv(), "tsv") == bound(tricky)


def test_tsv_escapes_characters_an_iri_cannot_hold() -> None:
    result = Result.select(["v"], [{"v": URIRef("http://example.org/a b>c")}])
    assert result.to_tsv() == "?v\n<http://example.org/a\\u0020b\\u003Ec>\n"


@pytest.mark.parametrize("method", ["to_csv", "to_tsv"])
def test_ask_has_no_csv_or_tsv(method: str) -> None:
    with pytest.raises(ShfzError) as err:
        getattr(Result.ask(True), method)()
    assert str(err.value) == f"an ASK result has no {method[3:]} form; use json, xml, table or md"


# -- tables -------------------------------------------------------------------------------------------


def test_table_aligns_wide_characters_and_shortens_iris(small: Result) -> None:
    assert small.to_table() == (
        "zone                    label           area  note\n"
        "----------------------  -------------  -----  ----\n"
        "id:zone/huangpu         黄浦@zh-Hans      14\n"
        "<http://example.org/x>  Lin|gang\\nnew  120.5  _:b1\n"
        "(2 rows)\n"
    )


def test_table_footer_says_truncated() -> None:
    result = Result.select(["n"], [{"n": Literal("a")}], truncated=True)
    assert result.to_table() == "n\n-\na\n(1 row, truncated)\n"


def test_empty_table() -> None:
    assert Result.select(["zone"], []).to_table() == "zone\n----\n(0 rows)\n"


def test_markdown_table(small: Result) -> None:
    assert small.to_markdown() == (
        "| zone | label | area | note |\n"
        "| --- | --- | ---: | --- |\n"
        "| id:zone/huangpu | 黄浦@zh-Hans | 14 |  |\n"
        "| <http://example.org/x> | Lin\\|gang<br>new | 120.5 | _:b1 |\n"
    )


def test_markdown_notes_truncation() -> None:
    result = Result.select(["n"], [{"n": Literal("a")}], truncated=True)
    assert result.to_markdown() == "| n |\n| --- |\n| a |\n\n*1 row, truncated*\n"


def test_ask_as_table_and_markdown() -> None:
    assert Result.ask(False).to_table() == "false\n"
    assert Result.ask(True).to_markdown() == "| boolean |\n| --- |\n| true |\n"


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        ("https://w3id.org/shfz/ontology#Zone", "shfz:Zone"),
        ("https://w3id.org/shfz/id/sector/artificial-intelligence", "id:sector/artificial-intelligence"),
        ("http://www.w3.org/2004/02/skos/core#prefLabel", "skos:prefLabel"),
        ("http://qudt.org/vocab/unit/KiloM2", "unit:KiloM2"),
        ("http://www.wikidata.org/entity/Q8686", "wd:Q8686"),
        ("https://w3id.org/shfz/ontology#", "<https://w3id.org/shfz/ontology#>"),
        ("https://example.org/x", "<https://example.org/x>"),
    ],
)
def test_shorten(iri: str, short: str) -> None:
    assert shorten(iri) == short


# -- dispatch -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "method"),
    [
        ("json", "to_json"),
        ("xml", "to_xml"),
        ("csv", "to_csv"),
        ("tsv", "to_tsv"),
        ("table", "to_table"),
        ("md", "to_markdown"),
        ("markdown", "to_markdown"),
        ("JSON", "to_json"),
    ],
)
def test_serialize_dispatches(small: Result, fmt: str, method: str) -> None:
    assert small.serialize(fmt) == getattr(small, method)()


def test_serialize_refuses_unknown_formats(small: Result) -> None:
    with pytest.raises(ShfzError) as err:
        small.serialize("yaml")
    assert (
        str(err.value)
        == "unknown result format 'yaml' (choose from: json, xml, csv, tsv, table, md, markdown)"
    )


# -- graph results -----------------------------------------------------------------------------------


@pytest.fixture
def graph() -> Graph:
    g = Graph()
    g.add((HUANGPU, namespace.RDFS.label, Literal("Huangpu", lang="en")))
    g.add((HUANGPU, namespace.RDF.type, URIRef("https://w3id.org/shfz/ontology#Zone")))
    g.add((EX, namespace.RDFS.label, Literal("x")))
    return g


def test_graph_result_rows_are_sorted_triples(graph: Graph) -> None:
    result = Result.from_graph("CONSTRUCT", graph)
    assert result.vars == ["subject", "predicate", "object"]
    assert result.rows == [
        {"subject": EX, "predicate": namespace.RDFS.label, "object": Literal("x")},
        {
            "subject": HUANGPU,
            "predicate": namespace.RDF.type,
            "object": URIRef("https://w3id.org/shfz/ontology#Zone"),
        },
        {"subject": HUANGPU, "predicate": namespace.RDFS.label, "object": Literal("Huangpu", lang="en")},
    ]
    assert result.to_table().splitlines()[2:] == [
        "<http://example.org/x>  rdfs:label  x",
        "id:zone/huangpu         rdf:type    shfz:Zone",
        "id:zone/huangpu         rdfs:label  Huangpu@en",
        "(3 triples)",
    ]


def test_graph_result_truncates_to_the_first_sorted_triples(graph: Graph) -> None:
    result = Result.from_graph("DESCRIBE", graph, max_triples=2)
    assert result.truncated is True
    assert len(result.graph or ()) == 2
    assert (EX, namespace.RDFS.label, Literal("x")) in (result.graph or Graph())
    assert Result.from_graph("DESCRIBE", graph, max_triples=3).truncated is False


@pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
)  # rdflib's JSON-LD reader
@pytest.mark.parametrize("fmt", ["turtle", "ttl", "nt", "json-ld", "xml"])
def test_to_rdf_reads_back_as_the_same_graph(graph: Graph, fmt: str) -> None:
    text = Result.from_graph("CONSTRUCT", graph).to_rdf(fmt)
    parsed = Graph().parse(data=text, format={"ttl": "turtle"}.get(fmt, fmt))
    assert isomorphic(parsed, graph)


def test_to_rdf_nt_is_sorted_and_stable(graph: Graph) -> None:
    assert Result.from_graph("CONSTRUCT", graph).to_rdf("nt") == (
        '<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
        f"<{HUANGPU}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/shfz/ontology#Zone> .\n"
        f'<{HUANGPU}> <http://www.w3.org/2000/01/rdf-schema#label> "Huangpu"@en .\n'
    )


def test_to_rdf_turtle_uses_project_prefixes(graph: Graph) -> None:
    text = Result.from_graph("CONSTRUCT", graph).to_rdf("turtle")
    assert "@prefix shfz: <https://w3id.org/shfz/ontology#> ." in text
    assert "a shfz:Zone" in text


def test_to_rdf_does_not_touch_the_result_graph(graph: Graph) -> None:
    result = Result.from_graph("CONSTRUCT", graph)
    before = sorted(result.graph.namespaces()) if result.graph is not None else []
    result.to_rdf("turtle")
    assert result.graph is graph
    assert sorted(graph.namespaces()) == before


def test_to_rdf_needs_a_graph(small: Result, graph: Graph) -> None:
    with pytest.raises(ShfzError) as err:
        small.to_rdf("turtle")
    assert str(err.value) == "a SELECT result is not a graph; use serialize() instead of to_rdf()"
    with pytest.raises(ShfzError) as err:
        Result.from_graph("CONSTRUCT", graph).to_rdf("n3")
    assert str(err.value).startswith("unknown RDF format 'n3' (choose from: turtle, ttl, json-ld, jsonld, nt")


def test_graph_result_as_sparql_json(graph: Graph) -> None:
    doc = json.loads(Result.from_graph("CONSTRUCT", graph).to_json())
    assert doc["head"] == {"vars": ["subject", "predicate", "object"]}
    assert doc["results"]["bindings"][0] == {
        "subject": {"type": "uri", "value": "http://example.org/x"},
        "predicate": {"type": "uri", "value": str(namespace.RDFS.label)},
        "object": {"type": "literal", "value": "x"},
    }


def test_variable_names_are_plain_strings() -> None:
    result = Result.select([Variable("a")], [{"a": Literal(1)}])
    assert result.vars == ["a"] and type(result.vars[0]) is str


def test_columns_align_wide_characters_under_a_header() -> None:
    text = columns([("黄浦区", "14"), ("Hongkou", "4")], header=("district", "km²"))
    assert text == ("district  km²\n--------  ---\n黄浦区    14\nHongkou   4\n")
    assert columns([("a", "b")]) == "a  b\n"
    assert columns([]) == ""
