"""validation: pySHACL results as a sorted report with a readable text; inputs are never changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from shfz_graph.errors import InputError, ParameterError
from shfz_graph.graph import load
from shfz_graph.loading.validation import SH, ValidationReport, ValidationResult, validate

EX = Namespace("http://ex.org/")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
PREFIXES = """@prefix ex: <http://ex.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
DATA = """
ex:b a ex:Zone ; ex:area "x" .
ex:a a ex:FreeTradeZone ; rdfs:label "a" ; ex:area 3.5 .
ex:c a ex:Zone ; rdfs:label "c" ; ex:area 1.0 .
"""
ONTOLOGY = "ex:FreeTradeZone rdfs:subClassOf ex:Zone ."
ZONE_SHAPES = """
ex:ZoneShape a sh:NodeShape ; sh:targetClass ex:Zone ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ;
    sh:property [ sh:path ex:area ; sh:datatype xsd:decimal ; sh:severity sh:Warning ;
                  sh:message "area must be a decimal"@en , "面积必须是小数"@zh-Hans ] .
"""
SHAPES = (
    ZONE_SHAPES
    + """
ex:NeedsLinkShape a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:minCount 1 ;
    sh:path ( ex:x [ sh:inversePath ex:y ] [ sh:zeroOrMorePath ex:z ]
              [ sh:alternativePath ( ex:q ex:r ) ] ) ] .
"""
)
LONG_PATH = "ex:x/^ex:y/ex:z*/(ex:q|ex:r)"
AREA_SHAPE = """
ex:AreaShape a sh:NodeShape ; sh:targetClass ex:Zone ; sh:property [ sh:path ex:area ; sh:maxInclusive 2.0 ] .
"""


def ttl(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


@pytest.fixture
def report() -> ValidationReport:
    return validate(ttl(DATA), ttl(SHAPES), ttl(ONTOLOGY))


def test_conforming_data() -> None:
    result = validate(ttl('ex:a a ex:Zone ; rdfs:label "a" .'), ttl(ZONE_SHAPES))
    assert result.conforms is True
    assert result.results == []
    assert result.text() == "Conforms: no SHACL results."


def test_results_are_complete_and_sorted(report: ValidationReport) -> None:
    assert report.conforms is False
    summary = [(r.severity, r.focus_node, r.path_text, r.shape_text, r.value) for r in report.results]
    assert summary == [
        (
            "Violation",
            EX.a,
            "ex:x/^ex:y/ex:z*/(ex:q|ex:r)",
            "ex:NeedsLinkShape[ex:x/^ex:y/ex:z*/(ex:q|ex:r)]",
            None,
        ),
        ("Violation", EX.b, "rdfs:label", "ex:ZoneShape[rdfs:label]", None),
        ("Warning", EX.b, "ex:area", "ex:ZoneShape[ex:area]", Literal("x")),
    ]
    first, second, third = report.results
    assert second.path == RDFS_LABEL
    assert second.message == "Less than 1 values on ex:b->rdfs:label"
    assert second.constraint == SH.MinCountConstraintComponent
    assert third.message == "area must be a decimal"  # the English message of the two
    assert third.constraint == SH.DatatypeConstraintComponent
    assert (third.source_shape, SH.path, EX.area) in report.graph
    assert first.path is not None and (first.path, RDF.first, EX.x) in report.graph


def test_text_has_a_summary_and_one_line_per_result(report: ValidationReport) -> None:
    assert report.text().splitlines() == [
        "Does not conform: 3 results (2 violations, 1 warning)",
        f"Violation: ex:a {LONG_PATH} (shape ex:NeedsLinkShape[{LONG_PATH}]): "
        "Less than 1 values on ex:a->( ex:x [ sh:inversePath ex:y ] [ sh:zeroOrMorePath ex:z ] "
        "[ sh:alternativePath ( ex:q ex:r ) ] )",
        "Violation: ex:b rdfs:label (shape ex:ZoneShape[rdfs:label]): Less than 1 values on ex:b->rdfs:label",
        'Warning: ex:b ex:area (shape ex:ZoneShape[ex:area]): area must be a decimal [value: "x"]',
    ]


def test_the_same_input_gives_the_same_report() -> None:
    texts = {validate(ttl(DATA), ttl(SHAPES), ttl(ONTOLOGY)).text() for _ in range(3)}
    assert len(texts) == 1


def test_the_ontology_lets_class_targets_follow_subclasses() -> None:
    shapes = ttl(ZONE_SHAPES + AREA_SHAPE)
    without = validate(ttl(DATA), shapes)
    with_ontology = validate(ttl(DATA), shapes, ttl(ONTOLOGY))
    assert [(r.focus_node, r.shape_text) for r in without.results] == [
        (EX.b, "ex:AreaShape[ex:area]"),  # "x" is not comparable with 2.0
        (EX.b, "ex:ZoneShape[rdfs:label]"),
        (EX.b, "ex:ZoneShape[ex:area]"),
    ]
    assert [(r.focus_node, r.shape_text) for r in with_ontology.results] == [
        (EX.a, "ex:AreaShape[ex:area]"),  # a FreeTradeZone, so a Zone through the ontology
        (EX.b, "ex:AreaShape[ex:area]"),
        (EX.b, "ex:ZoneShape[rdfs:label]"),
        (EX.b, "ex:ZoneShape[ex:area]"),
    ]


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_inputs_are_never_changed(inference: str) -> None:
    data, shapes, ontology = ttl(DATA), ttl(SHAPES), ttl(ONTOLOGY)
    before = [set(data), set(shapes), set(ontology)]
    validate(data, shapes, ontology, inference=inference)
    assert [set(data), set(shapes), set(ontology)] == before


def test_rdfs_inference_types_the_data_first() -> None:
    data = ttl("ex:a ex:area 1.0 . ex:area rdfs:domain ex:Zone .")
    assert [r.focus_node for r in validate(data, ttl(ZONE_SHAPES)).results] == []
    assert [r.focus_node for r in validate(data, ttl(ZONE_SHAPES), inference="rdfs").results] == [EX.a]


def test_to_graph_is_a_free_copy_of_the_report_graph(report: ValidationReport) -> None:
    graph = report.to_graph()
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 3
    assert (None, SH.conforms, Literal(False)) in graph
    graph.remove((None, None, None))
    assert len(report.to_graph()) == len(report.graph) > 0


def test_an_unknown_inference_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError) as caught:
        validate(ttl(DATA), ttl(SHAPES), inference="owl")
    assert str(caught.value) == "unknown inference 'owl'; choose one of none, rdfs, owlrl, both"


def test_broken_shapes_are_an_input_error() -> None:
    shapes = ttl(
        'ex:S a sh:NodeShape ; sh:targetClass ex:Zone ; sh:property [ sh:path ex:p ; sh:minCount "many" ] .'
    )
    with pytest.raises(InputError) as caught:
        validate(ttl(DATA), shapes)
    assert str(caught.value) == (
        "invalid SHACL shapes: MinCountConstraintComponent sh:minCount must be a literal"
        " with datatype xsd:integer."
    )


def test_a_result_can_be_written_by_hand() -> None:
    result = ValidationResult(EX.a, RDFS_LABEL, "no label", "Violation", EX.S, None)
    assert result.constraint is None
    assert result.line() == (
        "Violation: <http://ex.org/a> <http://www.w3.org/2000/01/rdf-schema#label> (shape <http://ex.org/S>):"
        " no label"
    )
    assert ValidationReport(conforms=False, results=[result]).text().splitlines()[0] == (
        "Does not conform: 1 result (1 violation)"
    )


# --- KnowledgeGraph.validate ---

KG_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix shfz: <https://w3id.org/shfz/ontology#> .
@prefix ex: <http://ex.org/shapes#> .
ex:PlaceShape a sh:NodeShape ; sh:targetClass shfz:Place ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "a place needs a label" ] .
ex:BundShape a sh:NodeShape ; sh:targetNode <https://w3id.org/shfz/id/site/the-bund> ;
    sh:property [ sh:path shfz:locatedIn ; sh:hasValue <https://w3id.org/shfz/id/municipality/shanghai> ] .
"""


def test_the_knowledge_graph_validates_data_and_inferences(mini: Path, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(KG_SHAPES)
    kg = load(reasoner="reasonable")
    before = kg.counts()
    report = kg.validate(shapes=shapes, inferred=True)
    assert report.conforms is True, report.text()
    asserted_only = kg.validate(shapes=shapes)
    assert asserted_only.text().splitlines() == [
        "Does not conform: 1 result (1 violation)",
        "Violation: <https://w3id.org/shfz/id/site/the-bund> shfz:locatedIn"
        " (shape ex:BundShape[shfz:locatedIn]): Node <https://w3id.org/shfz/id/site/the-bund>->shfz:locatedIn"
        " does not contain a value in the set: ['<https://w3id.org/shfz/id/municipality/shanghai>']",
    ]
    assert kg.counts() == before


def test_the_knowledge_graph_uses_the_project_shapes_by_default(mini: Path) -> None:
    kg = load(reason=False)
    with pytest.raises(InputError) as caught:
        kg.validate()
    assert str(caught.value) == f"{mini / 'ontology' / 'shapes.ttl'}: file not found"


def test_a_sparql_constraint_pyshacl_cannot_run_is_an_input_error() -> None:
    """pySHACL hands back a ValidationFailure (not a report) for a SPARQL constraint with VALUES."""
    from rdflib import Graph

    from shfz_graph.errors import InputError
    from shfz_graph.loading.validation import validate

    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } FILTER(false) }" ] .
        """,
        format="turtle",
    )
    data = Graph().parse(data="<http://example.org/a> <http://example.org/p> 1 .", format="turtle")
    with pytest.raises(InputError, match=r"^invalid SHACL shapes: "):
        validate(data, shapes)
