"""The SHACL data contract (ontology/shapes.ttl): the real data conforms, and each kind of error in a copy
of it is reported at the right node, by the right shape, along the right path, and by nothing else.

Each kind of error is a `Case` (a mutation and exactly what it must report) with a test of its own; cases
that touch no common node share one mutated copy, validated once (`Batches`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.loading.validation import ValidationReport, ValidationResult, validate
from shfz_graph.vocab import ID, QUDT, SHFZ, UNIT

REPO = Path(__file__).resolve().parent.parent
SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Namespace("https://w3id.org/shfz/shapes#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
# (rdflib's XSD namespace object makes pytest warn when collected from a test module)
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")

HUANGPU = ID["zone/huangpu"]
HUANGPU_AREA = ID["figure/huangpu-zone-area"]
THE_BUND = ID["site/the-bund"]
ARTICLE = ID["source/shanghai-expands-ftz-2024-08-16"]

Outcome = tuple[Node, Node, Node | str | None, str]
Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The shapes graph."""
    return Graph().parse(REPO / "ontology" / "shapes.ttl")


def mutated(
    data: Graph,
    *,
    remove: Iterable[tuple[Node | None, Node | None, Node | None]] = (),
    add: Iterable[tuple] = (),
) -> Graph:
    """A copy of `data` without the triples matching each `remove` pattern and with the `add` triples."""
    copy = Graph()
    copy += data
    for pattern in remove:
        matches = list(copy.triples(pattern))
        assert matches, f"the mutation must change something: nothing matches {pattern}"
        for triple in matches:
            copy.remove(triple)
    for triple in add:
        copy.add(triple)
    return copy


def without_node(data: Graph, node: URIRef) -> Graph:
    """A copy of `data` without any triple that mentions `node`."""
    return mutated(data, remove=[(node, None, None), (None, None, node)])


def check(data: Graph, shapes: Graph, ontology: Graph) -> ValidationReport:
    """Validate `data` as the project does: the ontology as pySHACL's ontology graph, no inference."""
    return validate(data, shapes, ontology)


def outcome(result: ValidationResult) -> Outcome:
    """(focus node, source shape, path, constraint component without its suffix) of a result."""
    return (
        result.focus_node,
        result.source_shape,
        result.path_text if isinstance(result.path, BNode) else result.path,
        str(result.constraint).removeprefix(str(SH)).removesuffix("ConstraintComponent"),
    )


def outcomes(report: ValidationReport) -> list[Outcome]:
    """The outcome of each result, sorted."""
    return sorted(map(outcome, report.results), key=str)


def expect(report: ValidationReport, *expected: Outcome) -> None:
    """The report fails with exactly the `expected` results (the report text is shown otherwise)."""
    assert report.conforms is False, report.text()
    assert outcomes(report) == sorted(expected, key=str), report.text()


def area_figure(iri: URIRef, zone: URIRef, value: str) -> tuple[Triple, ...]:
    """Triples describing a complete, valid area figure of `value` km² for `zone`."""
    return (
        (iri, RDF.type, SHFZ.Figure),
        (iri, RDFS.label, Literal("a second area", lang="en")),
        (iri, SKOS.prefLabel, Literal("a second area", lang="en")),
        (iri, QUDT.numericValue, Literal(value, datatype=XSD_DECIMAL)),
        (iri, QUDT.hasUnit, UNIT.KiloM2),
        (iri, SHFZ.isApproximate, Literal(False)),
        (iri, SHFZ.areaOf, zone),
        (iri, PROV.wasDerivedFrom, ARTICLE),
        (iri, DCTERMS.source, ARTICLE),
        (zone, SHFZ.hasArea, iri),
    )


# ---------------------------------------------------------------------------------------------------------
# Kinds of error as data, validated in batches
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One kind of error: a mutation of a copy of the data (or, `in_ontology`, of the ontology) and exactly
    the outcomes it must report, each as often as it is reported.

    The mutation removes every triple matching each `remove` pattern (each must match), adds the `add`
    triples (none may be there already) and replaces the IRI `rename[0]` by `rename[1]` wherever it occurs.
    """

    name: str
    expected: tuple[Outcome, ...]
    remove: tuple[Pattern, ...] = ()
    add: tuple[Triple, ...] = ()
    rename: tuple[URIRef, URIRef] | None = None
    in_ontology: bool = False

    def changes(self, graph: Graph) -> tuple[set[Triple], set[Triple]]:
        """The triples the mutation removes from `graph` and those it adds (`graph` is not changed)."""
        removed: set[Triple] = set()
        for pattern in self.remove:
            assert pattern[0] is not None or pattern[2] is not None, f"{self.name}: {pattern} is too wide"
            matches = set(graph.triples(pattern))
            assert matches, f"{self.name}: the mutation must change something: nothing matches {pattern}"
            removed |= matches
        added = set(self.add)
        assert not {t for t in added if t in graph}, f"{self.name}: adds triples already there"
        if self.rename is not None:
            old, new = self.rename
            renamed = {t for t in graph if old in t}
            assert renamed, f"{self.name}: nothing mentions {old}"
            removed |= renamed
            added |= {(swap(s, old, new), swap(p, old, new), swap(o, old, new)) for s, p, o in renamed}
        return removed, added

    def apply(self, data: Graph, ontology: Graph) -> None:
        """Make the mutation in `data` or, `in_ontology`, in `ontology` (both copies, changed in place)."""
        graph = ontology if self.in_ontology else data
        removed, added = self.changes(graph)
        for triple in removed:
            graph.remove(triple)
        for triple in added:
            graph.add(triple)

    def touched(self, data: Graph, ontology: Graph) -> frozenset[Node]:
        """Every IRI or blank node in subject or object position of a triple the mutation removes or adds (a
        rename removes and adds every triple that mentions the IRI), and the focus node of each expected
        outcome."""
        removed, added = self.changes(ontology if self.in_ontology else data)
        nodes = {term for s, _, o in removed | added for term in (s, o) if not isinstance(term, Literal)}
        return frozenset(nodes | self.focus_nodes)

    @property
    def focus_nodes(self) -> frozenset[Node]:
        """The focus nodes of the expected outcomes."""
        return frozenset(focus for focus, *_ in self.expected)


def swap(term: Node, old: URIRef, new: URIRef) -> Node:
    """`new` if `term` is `old`, else `term`."""
    return new if term == old else term


def mutated_copies(cases: Iterable[Case], data: Graph, ontology: Graph) -> tuple[Graph, Graph]:
    """Copies of `data` and `ontology` with the mutations of all `cases` made."""
    data_copy, ontology_copy = Graph(), Graph()
    data_copy += data
    ontology_copy += ontology
    for case in cases:
        case.apply(data_copy, ontology_copy)
    return data_copy, ontology_copy


def first_fit(cases: Iterable[Case], data: Graph, ontology: Graph) -> list[tuple[Case, ...]]:
    """The cases in batches, in their order: each joins the first batch whose cases touch none of the nodes
    it touches (`Case.touched`), or starts a new one."""
    batches: list[tuple[list[Case], set[Node]]] = []
    for case in cases:
        nodes = case.touched(data, ontology)
        for members, used in batches:
            if used.isdisjoint(nodes):
                members.append(case)
                used |= nodes
                break
        else:
            batches.append(([case], set(nodes)))
    return [tuple(members) for members, _ in batches]


@dataclass
class Batches:
    """The error cases in batches of cases that touch no common node, each batch validated once, when one
    of its tests first asks (so running one test validates only its batch).

    Why a batch proves what one copy per case proved: each case's test asserts that the batch does not
    conform, that each of the case's expected outcomes is among the batch's results (as often as expected),
    and that every result of the batch is expected by some case of the batch. When all the batch's tests
    pass, its results are exactly the sum of its cases' expected outcomes. A case whose error is reported at
    another node, by another shape or constraint, or not at all, or that interferes with another case (a
    result added, moved or hidden), makes a result missing or unexpected: a failure. A false pass would need
    two wrongs that cancel out exactly: one case's mutation hiding or supplying precisely the result that
    another case's wrongly adds or lacks, although the two touch no common node.
    `test_a_batched_case_alone_reports_the_same` checks one case alone.
    """

    data: Graph
    shapes: Graph
    ontology: Graph
    batches: list[tuple[Case, ...]]
    reports: dict[int, ValidationReport] = field(default_factory=dict)

    def batch_of(self, case: Case) -> tuple[Case, ...]:
        """The batch that holds `case` (every case must be in CASES)."""
        (batch,) = [batch for batch in self.batches if case in batch]
        return batch

    def report(self, batch: tuple[Case, ...]) -> ValidationReport:
        """The validation of one copy of the data (and of the ontology) with every mutation of `batch`."""
        index = self.batches.index(batch)
        if index not in self.reports:
            data, ontology = mutated_copies(batch, self.data, self.ontology)
            self.reports[index] = validate(data, self.shapes, ontology)
        return self.reports[index]

    def verify(self, case: Case) -> list[ValidationResult]:
        """Assert that `case` is reported exactly (see the class); return its results, those at its focus
        nodes."""
        batch = self.batch_of(case)
        report = self.report(batch)
        assert report.conforms is False, report.text()
        found = Counter(map(outcome, report.results))
        missing = Counter(case.expected) - found
        assert sorted(missing.elements(), key=str) == [], f"expected, not reported; {report.text()}"
        unexpected = found - sum((Counter(member.expected) for member in batch), Counter())
        assert sorted(unexpected.elements(), key=str) == [], f"expected by no case; {report.text()}"
        return [result for result in report.results if result.focus_node in case.focus_nodes]


@pytest.fixture(scope="module")
def batches(data: Graph, shapes: Graph, ontology: Graph) -> Batches:
    """All of CASES in batches (nothing validated yet)."""
    names = [case.name for case in CASES]
    assert len(set(names)) == len(names), "case names must be unique"
    return Batches(data, shapes, ontology, first_fit(CASES, data, ontology))


# ---------------------------------------------------------------------------------------------------------
# The real data conforms
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("inference", ["none", pytest.param("rdfs", marks=pytest.mark.slow)])  # RDFS: seconds
@pytest.mark.parametrize("layout", ["ontology in the data", "ontology in both", "ontology as ont_graph"])
def test_real_data_conforms(data: Graph, shapes: Graph, ontology: Graph, layout: str, inference: str) -> None:
    """Ontology + zones + links conform, whichever way the ontology is supplied, with or without RDFS."""
    if layout == "ontology in the data":
        report = validate(ontology + data, shapes, None, inference=inference)
    elif layout == "ontology in both":
        report = validate(ontology + data, shapes, ontology, inference=inference)
    else:
        report = validate(data, shapes, ontology, inference=inference)
    assert report.conforms is True, report.text()
    assert report.results == []


@pytest.mark.slow  # pySHACL over the whole graph (as the quick 'ontology as ont_graph-none' one)
def test_loaded_graph_conforms(kg: KnowledgeGraph) -> None:
    """The graph as `load()` builds it conforms (the asserted data, the ontology as ontology graph)."""
    report = kg.validate()
    assert report.conforms is True, report.text()


@pytest.mark.slow  # the owlrl closure, then pySHACL over it
def test_data_with_its_owl_rl_closure_conforms(kg_owlrl: KnowledgeGraph) -> None:
    """The contract also holds after reasoning: e.g. transitive shfz:locatedIn adds China to every district,
    yet a district still lies in exactly one municipality."""
    report = kg_owlrl.validate(inferred=True)
    assert report.conforms is True, report.text()


# ---------------------------------------------------------------------------------------------------------
# The contract is not vacuous
# ---------------------------------------------------------------------------------------------------------


def focus_nodes(shape: URIRef, shapes: Graph, data: Graph) -> set[Node]:
    """The focus nodes of a shape's targets in `data` (class targets follow rdfs:subClassOf*)."""
    nodes: set[Node] = set(shapes.objects(shape, SH.targetNode))
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(data.subjects(RDF.type, sub))
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        nodes.update(data.subjects(predicate, None))
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        nodes.update(data.objects(None, predicate))
    return nodes


def node_shapes(shapes: Graph) -> set[URIRef]:
    """The named node shapes."""
    return {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def test_every_node_shape_has_focus_nodes_in_the_real_data(
    data: Graph, shapes: Graph, ontology: Graph
) -> None:
    """Each node shape applies to the real data, to exactly the things the sources describe."""
    union = ontology + data
    counts = {
        shape.removeprefix(str(SHAPES)): len(focus_nodes(shape, shapes, union))
        for shape in node_shapes(shapes)
    }
    cross_cutting = {"TextShape", "NamedThingShape", "ProvenanceShape"}
    assert {name: counts[name] for name in cross_cutting if counts[name] < 50} == {}
    assert {name: count for name, count in counts.items() if name not in cross_cutting} == {
        # 7 zones of the first batch, 9 of the second, the free trade zone, 6 comprehensive bonded areas;
        # China's 21 other pilot free trade zones, their 42 areas, the Shanghai FTZ's 7 areas, Lin-gang and
        # its 3 parts
        "ZoneShape": 97,
        "LinkedInnovationZoneShape": 16,
        "FreeTradeZoneShape": 22,
        # Shanghai: 4 bonded zones of 2013, Lujiazui, Jinqiao, Zhangjiang, Lin-gang's 3 parts; 3 for each of
        # 14 other zones (Shandong, Jiangsu, Guangxi, Hebei, Yunnan, Heilongjiang, Hainan: none read)
        "FreeTradeZoneAreaShape": 52,
        "SpecialAreaShape": 1,  # Lin-gang
        "ExpansionShape": 4,  # Shanghai 2013, 2015, 2019; Zhejiang 2020
        # Shanghai 6 (two approval claims and the ministry's announcement, the 2013 launch, the 2014
        # authorisation, the 2015 launch), Lin-gang 2, and 37 of the other zones (one to four each)
        "MilestoneShape": 45,
        "ProvinceShape": 18,  # the provinces and autonomous regions hosting a pilot free trade zone
        "ComprehensiveBondedAreaShape": 6,
        "DistrictShape": 13,  # the districts hosting a zone of either batch, and Pudong (the free trade zone)
        "TownshipShape": 6,  # the Jiading Industrial Zone and five towns, each partly in the Jiading zone
        "MunicipalityShape": 4,  # Shanghai, and Beijing, Tianjin, Chongqing with their zones
        "CountryShape": 1,
        "SiteShape": 26,
        "SiteTypeShape": 11,
        "SectorShape": 20,
        "ConceptSchemeShape": 2,
        "ProgrammeShape": 3,  # Shanghai's, and the Chongqing and Guangdong linked-zone programmes
        "BatchShape": 2,
        "MeasureShape": 9,  # the second batch's measures that the sources name
        "PolicyDocumentShape": 9,  # seven first-batch plans, the second batch's plan, Changning's plan
        "InitiativeShape": 30,
        "AnnouncementShape": 1,
        "GovernmentBodyShape": 2,
        "PostShape": 1,
        "PersonShape": 1,
        "SourceDocumentShape": 62,  # 33 for the free trade zones (issue 19)
        # 5 zone areas more, 3 areas of places, 3 batch counts, 1 plan count; the Shanghai FTZ's 3 totals,
        # Lin-gang and its 3 parts, Lujiazui, Jinqiao, Zhangjiang; 14 totals and 37 areas of other zones
        "FigureShape": 79,
        "AreaFigureShape": 73,
        "LinkStatementShape": 7,
        "LinkedThingShape": 3,
    }


def test_every_class_with_instances_has_its_own_shape(data: Graph, shapes: Graph) -> None:
    """One node shape per class: each shfz class used in the data is the direct target of a shape."""
    used = {c for c in data.objects(None, RDF.type) if isinstance(c, URIRef) and c.startswith(str(SHFZ))}
    targeted = set(shapes.objects(None, SH.targetClass))
    assert sorted(used - targeted) == []


def test_every_shape_is_named_documented_and_reachable(shapes: Graph) -> None:
    """Node shapes have a target, sh:name and sh:description; property shapes belong to a node shape and have
    sh:name and sh:message; node-level and SPARQL constraints come with a sh:message."""
    problems = []
    nodes = node_shapes(shapes)
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    node_level = (SH.pattern, SH["or"], SH.xone, SH["class"])
    for shape in sorted(nodes):
        if not any(shapes.value(shape, t) is not None for t in targets):
            problems.append(f"{shape}: no target")
        for annotation in (SH.name, SH.description):
            if shapes.value(shape, annotation) is None:
                problems.append(f"{shape}: no {annotation}")
        if (
            any(shapes.value(shape, c) is not None for c in node_level)
            and shapes.value(shape, SH.message) is None
        ):
            problems.append(f"{shape}: node-level constraints but no sh:message")
    for constraint in shapes.objects(None, SH.sparql):
        if shapes.value(constraint, SH.message) is None:
            problems.append(
                f"SPARQL constraint of {shapes.value(None, SH.sparql, constraint)}: no sh:message"
            )
    for shape in sorted(s for s in shapes.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)):
        if not any(parent in nodes for parent in shapes.subjects(SH.property, shape)):
            problems.append(f"{shape}: no node shape uses it")
        for annotation in (SH.name, SH.message):
            if shapes.value(shape, annotation) is None:
                problems.append(f"{shape}: no {annotation}")
    named = {s for s in shapes.subjects() if isinstance(s, URIRef) and s.startswith(str(SHAPES))}
    assert len(named) > 80
    assert problems == []


# ---------------------------------------------------------------------------------------------------------
# Zones and their areas
# ---------------------------------------------------------------------------------------------------------


def test_zone_without_area_sectors_or_initiatives_conforms(
    data: Graph, shapes: Graph, ontology: Graph
) -> None:
    """Where no source gives a zone's area, sectors or initiatives, the graph states none: that is valid."""
    initiatives = list(data.objects(HUANGPU, SHFZ.hasInitiative))
    stripped = without_node(data, HUANGPU_AREA)
    for initiative in initiatives:
        stripped = without_node(stripped, initiative)
    stripped = mutated(stripped, remove=[(HUANGPU, SHFZ.hasFocusSector, None)])
    assert not list(stripped.objects(HUANGPU, SHFZ.hasArea))
    assert check(stripped, shapes, ontology).conforms


BAOSHAN = ID["zone/baoshan"]
SECOND_AREA = Case(
    "zone_with_a_second_area",
    add=area_figure(ID["figure/baoshan-zone-area-2"], BAOSHAN, "15.0"),
    expected=((BAOSHAN, SHAPES["LinkedInnovationZone-hasArea"], SHFZ.hasArea, "MaxCount"),),
)


def test_zone_with_a_second_area(batches: Batches) -> None:
    """A second, otherwise valid area figure breaks the zone's exactly-one-area rule, and nothing else."""
    batches.verify(SECOND_AREA)


AREA_NOT_POSITIVE = {
    value: Case(
        f"area_not_positive[{value}]",
        remove=((figure, QUDT.numericValue, None),),
        add=((figure, QUDT.numericValue, Literal(value, datatype=XSD_DECIMAL)),),
        expected=((figure, SHAPES["AreaFigure-numericValue"], QUDT.numericValue, "MinExclusive"),),
    )
    for value, figure in (
        ("-3", ID["figure/hongkou-zone-area"]),
        ("0", ID["figure/yangpu-zone-area"]),
        ("0.0", ID["figure/minhang-zone-area"]),
    )
}


@pytest.mark.parametrize("value", AREA_NOT_POSITIVE)
def test_area_not_positive(batches: Batches, value: str) -> None:
    """An area of 0 or less is reported at the figure, on its value."""
    batches.verify(AREA_NOT_POSITIVE[value])


XUHUI_AREA = ID["figure/xuhui-zone-area"]
AREA_NOT_A_DECIMAL = Case(
    "area_not_a_decimal",
    remove=((XUHUI_AREA, QUDT.numericValue, None),),
    add=((XUHUI_AREA, QUDT.numericValue, Literal("45", datatype=XSD_INTEGER)),),
    expected=((XUHUI_AREA, SHAPES["Figure-numericValue"], QUDT.numericValue, "Datatype"),),
)


def test_area_not_a_decimal(batches: Batches) -> None:
    """An area written as an integer (or a double) is not an xsd:decimal."""
    batches.verify(AREA_NOT_A_DECIMAL)


CHANGNING_AREA = ID["figure/changning-zone-area"]
AREA_IN_SQUARE_METRES = Case(
    "area_in_square_metres",
    remove=((CHANGNING_AREA, QUDT.hasUnit, None),),
    add=((CHANGNING_AREA, QUDT.hasUnit, UNIT.M2),),
    expected=(
        (CHANGNING_AREA, SHAPES["AreaFigure-hasUnit"], QUDT.hasUnit, "HasValue"),
        (CHANGNING_AREA, SHAPES["Figure-hasUnit"], QUDT.hasUnit, "In"),
    ),
)


def test_area_in_square_metres(batches: Batches) -> None:
    """An area in m² is caught twice: not a unit figures may have, and not km² as areas must be."""
    batches.verify(AREA_IN_SQUARE_METRES)


FIGURE_WITHOUT_APPROXIMATION_FLAG = Case(
    "figure_without_approximation_flag",
    remove=((HUANGPU_AREA, SHFZ.isApproximate, None),),
    expected=((HUANGPU_AREA, SHAPES["Figure-isApproximate"], SHFZ.isApproximate, "MinCount"),),
)


def test_figure_without_approximation_flag(batches: Batches) -> None:
    """Whether a figure is approximate ("about 14") must be stated."""
    batches.verify(FIGURE_WITHOUT_APPROXIMATION_FLAG)


JINQIAO = ID["bonded-area/jinqiao"]
BONDED_AREA_WITH_ITS_OWN_AREA = Case(
    "bonded_area_with_its_own_area",
    add=area_figure(ID["figure/jinqiao-area"], JINQIAO, "2.0"),
    expected=((JINQIAO, SHAPES["ComprehensiveBondedArea-hasArea"], SHFZ.hasArea, "MaxCount"),),
)


def test_bonded_area_with_its_own_area(batches: Batches) -> None:
    """No source gives a single bonded area's size, so a figure for one is refused."""
    batches.verify(BONDED_AREA_WITH_ITS_OWN_AREA)


HONGKOU = ID["zone/hongkou"]
ZONE_WITHOUT_BATCH = Case(
    "zone_without_batch",
    remove=((HONGKOU, SHFZ.inBatch, None),),
    expected=(
        (HONGKOU, SHAPES["LinkedInnovationZone-inBatch"], SHFZ.inBatch, "MinCount"),
        (HONGKOU, SHAPES["Zone-inBatch-inverse"], "^shfz:designatesZone", "Equals"),
    ),
)


def test_zone_without_batch(batches: Batches) -> None:
    """Every linked innovation zone belongs to a batch; the batch that lists it must agree."""
    batches.verify(ZONE_WITHOUT_BATCH)


YANGPU = ID["zone/yangpu"]
ZONE_IN_TWO_DISTRICTS = Case(
    "zone_in_two_districts",
    add=((YANGPU, SHFZ.inDistrict, ID["district/xuhui"]),),
    expected=((YANGPU, SHAPES["LinkedInnovationZone-inDistrict"], SHFZ.inDistrict, "MaxCount"),),
)


def test_zone_in_two_districts(batches: Batches) -> None:
    """A zone lies in at most one district."""
    batches.verify(ZONE_IN_TWO_DISTRICTS)


DISTRICT_HUANGPU = ID["district/huangpu"]
DIVISION_CODES = {
    f"{code}-{component}": Case(
        f"district_division_code_is_six_digits_as_a_string[{code}-{component}]",
        remove=((DISTRICT_HUANGPU, SHFZ.divisionCode, None),),
        add=((DISTRICT_HUANGPU, SHFZ.divisionCode, code),),
        expected=((DISTRICT_HUANGPU, SHAPES["District-divisionCode"], SHFZ.divisionCode, component),),
    )
    for code, component in (
        (Literal("31010"), "Pattern"),  # five digits
        (Literal("310101a"), "Pattern"),
        (Literal(310101), "Datatype"),  # an integer would lose leading digits of other schemes
    )
}


@pytest.mark.parametrize("code_and_component", DIVISION_CODES)
def test_district_division_code_is_six_digits_as_a_string(batches: Batches, code_and_component: str) -> None:
    batches.verify(DIVISION_CODES[code_and_component])


DISTRICT_WITHOUT_DIVISION_CODE = Case(
    "district_without_division_code",
    remove=((ID["district/changning"], SHFZ.divisionCode, None),),
    expected=((ID["district/changning"], SHAPES["District-divisionCode"], SHFZ.divisionCode, "MinCount"),),
)


def test_district_without_division_code(batches: Batches) -> None:
    batches.verify(DISTRICT_WITHOUT_DIVISION_CODE)


ANTING = ID["township/anting"]
TOWNSHIP_CODE_MUST_EXTEND_ITS_DISTRICTS = Case(
    "township_code_must_extend_its_districts",
    remove=((ANTING, SHFZ.divisionCode, None),),
    add=((ANTING, SHFZ.divisionCode, Literal("310112103")),),  # a Minhang prefix
    expected=((ANTING, SHAPES.TownshipShape, None, "SPARQL"),),
)


def test_township_code_must_extend_its_districts(batches: Batches) -> None:
    """A township's nine-digit code begins with the code of the district it lies in."""
    (message,) = [result.message for result in batches.verify(TOWNSHIP_CODE_MUST_EXTEND_ITS_DISTRICTS)]
    assert (
        "The division code 310112103 does not begin with the code 310114 of the district it lies in."
        in message
    )


PUTUO = ID["zone/putuo"]
ZONE_IN_A_DISTRICT_AND_A_BONDED_AREA = Case(
    "zone_in_a_district_and_a_bonded_area",
    add=((PUTUO, SHFZ.inBondedArea, JINQIAO), (JINQIAO, SHFZ.hostsPartOf, PUTUO)),
    expected=((PUTUO, SHAPES.LinkedInnovationZoneShape, None, "Not"),),
)


def test_zone_in_a_district_and_a_bonded_area(batches: Batches) -> None:
    """A zone in a district and in a bonded area breaks the rule that it is never in both."""
    batches.verify(ZONE_IN_A_DISTRICT_AND_A_BONDED_AREA)


ODD_ZONE_IRI = URIRef("https://w3id.org/shfz/id/zone/Jingan_Zone")
ZONE_IRI_OUTSIDE_THE_SCHEME = Case(
    "zone_iri_outside_the_scheme",
    rename=(ID["zone/jingan"], ODD_ZONE_IRI),
    expected=((ODD_ZONE_IRI, SHAPES.LinkedInnovationZoneShape, None, "Pattern"),),
)


def test_zone_iri_outside_the_scheme(batches: Batches) -> None:
    """Zone IRIs are https://w3id.org/shfz/id/zone/<lowercase-slug>."""
    batches.verify(ZONE_IRI_OUTSIDE_THE_SCHEME)


# ---------------------------------------------------------------------------------------------------------
# Initiatives, sites, sectors
# ---------------------------------------------------------------------------------------------------------


HONGKOU_INITIATIVE = ID["initiative/hongkou-sustainability-talent"]
INITIATIVE_WITHOUT_ZONE = Case(
    "initiative_without_zone",
    remove=((HONGKOU_INITIATIVE, SHFZ.initiativeOf, None), (None, SHFZ.hasInitiative, HONGKOU_INITIATIVE)),
    expected=((HONGKOU_INITIATIVE, SHAPES["Initiative-initiativeOf"], SHFZ.initiativeOf, "MinCount"),),
)


def test_initiative_without_zone(batches: Batches) -> None:
    """An initiative that no zone has, and that names no zone, is reported at the initiative."""
    batches.verify(INITIATIVE_WITHOUT_ZONE)


MINHANG_INITIATIVE = ID["initiative/minhang-bonded-logistics"]
INITIATIVE_ITS_ZONE_DOES_NOT_LIST = Case(
    "initiative_its_zone_does_not_list",
    remove=((ID["zone/minhang"], SHFZ.hasInitiative, MINHANG_INITIATIVE),),
    expected=(
        (MINHANG_INITIATIVE, SHAPES["Initiative-initiativeOf-inverse"], "^shfz:hasInitiative", "Equals"),
    ),
)


def test_initiative_its_zone_does_not_list(batches: Batches) -> None:
    """The two directions of an inverse pair must agree, so queries without reasoning see the same links."""
    batches.verify(INITIATIVE_ITS_ZONE_DOES_NOT_LIST)


SITE_IN_NO_ZONE = Case(
    "site_in_no_zone",
    remove=((THE_BUND, SHFZ.siteIn, None), (None, SHFZ.includesSite, THE_BUND)),
    expected=((THE_BUND, SHAPES.SiteShape, None, "Or"),),
)


def test_site_in_no_zone(batches: Batches) -> None:
    """A site that lies in no zone, wholly or partly, fails the sh:or of the site shape."""
    batches.verify(SITE_IN_NO_ZONE)


WEST_BUND = ID["site/west-bund"]
SITE_ITS_ZONE_DOES_NOT_INCLUDE = Case(
    "site_its_zone_does_not_include",
    remove=((ID["zone/xuhui"], SHFZ.includesSite, WEST_BUND),),
    expected=((WEST_BUND, SHAPES["Site-siteIn-inverse"], "^shfz:includesSite", "Equals"),),
)


def test_site_its_zone_does_not_include(batches: Batches) -> None:
    """A site in a zone whose shfz:includesSite forgets it."""
    batches.verify(SITE_ITS_ZONE_DOES_NOT_INCLUDE)


GREEN_SHIPPING = ID["sector/green-shipping"]
SECTOR_OUTSIDE_THE_SCHEME = Case(
    "sector_outside_the_scheme",
    remove=((GREEN_SHIPPING, SKOS.inScheme, None),),
    add=((GREEN_SHIPPING, SKOS.inScheme, ID["scheme/site-types"]),),
    expected=((GREEN_SHIPPING, SHAPES["Sector-inScheme"], SKOS.inScheme, "HasValue"),),
)


def test_sector_outside_the_scheme(batches: Batches) -> None:
    """A sector moved to another scheme is reported at the sector, on skos:inScheme."""
    batches.verify(SECTOR_OUTSIDE_THE_SCHEME)


ONLINE, DIGITAL_TRADE = ID["sector/online-new-economy"], ID["sector/digital-trade"]
SECTOR_HIERARCHY_CYCLE = Case(
    "sector_hierarchy_cycle",
    remove=((ONLINE, SKOS.broader, None), (DIGITAL_TRADE, SKOS.broader, None)),
    add=((ONLINE, SKOS.broader, DIGITAL_TRADE), (DIGITAL_TRADE, SKOS.broader, ONLINE)),
    expected=(
        (ONLINE, SHAPES.SectorShape, None, "SPARQL"),
        (DIGITAL_TRADE, SHAPES.SectorShape, None, "SPARQL"),
    ),
)


def test_sector_hierarchy_cycle(batches: Batches) -> None:
    """Two sectors each broader than the other are both reported by the SPARQL constraint."""
    batches.verify(SECTOR_HIERARCHY_CYCLE)


# ---------------------------------------------------------------------------------------------------------
# Labels and text
# ---------------------------------------------------------------------------------------------------------


HUANGPU_EN = Literal("Huangpu linked innovation zone", lang="en")
HUANGPU_PLAIN = Literal("Huangpu linked innovation zone")
LABEL_WITHOUT_LANGUAGE = Case(
    "label_without_language",
    remove=((HUANGPU, RDFS.label, HUANGPU_EN), (HUANGPU, SKOS.prefLabel, HUANGPU_EN)),
    add=((HUANGPU, RDFS.label, HUANGPU_PLAIN), (HUANGPU, SKOS.prefLabel, HUANGPU_PLAIN)),
    expected=(
        (HUANGPU, SHAPES["Text-label"], RDFS.label, "Datatype"),
        (HUANGPU, SHAPES["Text-label"], RDFS.label, "LanguageIn"),
        (HUANGPU, SHAPES["Text-prefLabel"], SKOS.prefLabel, "Datatype"),
        (HUANGPU, SHAPES["Text-prefLabel"], SKOS.prefLabel, "LanguageIn"),
        (HUANGPU, SHAPES["NamedThing-englishLabel"], RDFS.label, "QualifiedMinCount"),
    ),
)


def test_label_without_language(batches: Batches) -> None:
    """`"Huangpu linked innovation zone"@en` made a plain literal (in rdfs:label and skos:prefLabel): not a
    language-tagged string, not in an allowed language, and the zone has no English label left."""
    results = batches.verify(LABEL_WITHOUT_LANGUAGE)
    assert {r.value for r in results if r.source_shape == SHAPES["Text-label"]} == {HUANGPU_PLAIN}


CHANGNING = ID["zone/changning"]
CHANGNING_EN = Literal("Changning linked innovation zone", lang="en")
CHANGNING_PLAIN = Literal("Changning linked innovation zone")
RDFS_LABEL_AND_PREF_LABEL_DIFFER = Case(
    "rdfs_label_and_pref_label_differ",
    remove=((CHANGNING, RDFS.label, CHANGNING_EN),),
    add=((CHANGNING, RDFS.label, CHANGNING_PLAIN),),
    expected=(
        (CHANGNING, SHAPES["Text-label"], RDFS.label, "Datatype"),
        (CHANGNING, SHAPES["Text-label"], RDFS.label, "LanguageIn"),
        (CHANGNING, SHAPES["NamedThing-englishLabel"], RDFS.label, "QualifiedMinCount"),
        (CHANGNING, SHAPES["NamedThing-prefLabel"], SKOS.prefLabel, "Equals"),
        (CHANGNING, SHAPES["NamedThing-prefLabel"], SKOS.prefLabel, "Equals"),
    ),
)


def test_rdfs_label_and_pref_label_differ(batches: Batches) -> None:
    """Only the rdfs:label loses its tag: skos:prefLabel no longer mirrors it."""
    results = batches.verify(RDFS_LABEL_AND_PREF_LABEL_DIFFER)
    differing = {r.value for r in results if r.source_shape == SHAPES["NamedThing-prefLabel"]}
    assert differing == {CHANGNING_EN, CHANGNING_PLAIN}


MINHANG = ID["zone/minhang"]
MINHANG_HANS = Literal("上海自贸试验区闵行联动创新区", lang="zh-Hans")
MINHANG_ZH = Literal("上海自贸试验区闵行联动创新区", lang="zh")
CHINESE_LABEL_TAGGED_ZH = Case(
    "chinese_label_tagged_zh",
    remove=((MINHANG, RDFS.label, MINHANG_HANS), (MINHANG, SKOS.prefLabel, MINHANG_HANS)),
    add=((MINHANG, RDFS.label, MINHANG_ZH), (MINHANG, SKOS.prefLabel, MINHANG_ZH)),
    expected=(
        (MINHANG, SHAPES["Text-label"], RDFS.label, "LanguageIn"),
        (MINHANG, SHAPES["Text-prefLabel"], SKOS.prefLabel, "LanguageIn"),
    ),
)


def test_chinese_label_tagged_zh(batches: Batches) -> None:
    """Chinese labels are tagged zh-Hans, not zh."""
    batches.verify(CHINESE_LABEL_TAGGED_ZH)


JIADING = ID["zone/jiading"]
SECOND_ENGLISH_LABEL = Literal("Jiading zone", lang="en")
TWO_ENGLISH_LABELS = Case(
    "two_english_labels",
    add=((JIADING, RDFS.label, SECOND_ENGLISH_LABEL), (JIADING, SKOS.prefLabel, SECOND_ENGLISH_LABEL)),
    expected=(
        (JIADING, SHAPES["Text-label"], RDFS.label, "UniqueLang"),
        (JIADING, SHAPES["Text-prefLabel"], SKOS.prefLabel, "UniqueLang"),
        (JIADING, SHAPES["NamedThing-englishLabel"], RDFS.label, "QualifiedMaxCount"),
    ),
)


def test_two_english_labels(batches: Batches) -> None:
    """A second English label (in both label properties) breaks one-label-per-language."""
    batches.verify(TWO_ENGLISH_LABELS)


ONTOLOGY_TERM_LABEL_WITHOUT_LANGUAGE = Case(
    "ontology_term_label_without_language",
    remove=((SHFZ.Zone, RDFS.label, Literal("zone", lang="en")),),
    add=((SHFZ.Zone, RDFS.label, Literal("zone")),),
    in_ontology=True,
    expected=(
        (SHFZ.Zone, SHAPES["Text-label"], RDFS.label, "Datatype"),
        (SHFZ.Zone, SHAPES["Text-label"], RDFS.label, "LanguageIn"),
    ),
)


def test_ontology_term_label_without_language(batches: Batches) -> None:
    """The ontology's own labels are checked too."""
    batches.verify(ONTOLOGY_TERM_LABEL_WITHOUT_LANGUAGE)


# ---------------------------------------------------------------------------------------------------------
# People, the announcement, sources, links
# ---------------------------------------------------------------------------------------------------------


CHEN = ID["person/chen-yanfeng"]
PERSON_WITHOUT_POST = Case(
    "person_without_post",
    remove=((CHEN, ORG.holds, None), (None, ORG.heldBy, CHEN)),
    expected=((CHEN, SHAPES["Person-holds"], ORG.holds, "MinCount"),),
)


def test_person_without_post(batches: Batches) -> None:
    """People enter the graph in an official role."""
    batches.verify(PERSON_WITHOUT_POST)


BRIEFING = ID["event/press-briefing-2024-08-15"]
ANNOUNCEMENT_WITHOUT_DATE = Case(
    "announcement_without_date",
    remove=((BRIEFING, SHFZ.occurredOn, None),),
    expected=((BRIEFING, SHAPES["Announcement-occurredOn"], SHFZ.occurredOn, "MinCount"),),
)


def test_announcement_without_date(batches: Batches) -> None:
    """The announcement's date is required."""
    batches.verify(ANNOUNCEMENT_WITHOUT_DATE)


DISTRICT_MINHANG = ID["district/minhang"]
DISTRICT_OUTSIDE_ANY_MUNICIPALITY = Case(
    "district_outside_any_municipality",
    remove=((DISTRICT_MINHANG, SHFZ.locatedIn, None),),
    expected=((DISTRICT_MINHANG, SHAPES["District-locatedIn"], SHFZ.locatedIn, "QualifiedMinCount"),),
)


def test_district_outside_any_municipality(batches: Batches) -> None:
    """A district must lie in exactly one municipality."""
    batches.verify(DISTRICT_OUTSIDE_ANY_MUNICIPALITY)


THING_WITHOUT_SOURCE = Case(
    "thing_without_source",
    remove=((THE_BUND, DCTERMS.source, None),),
    expected=((THE_BUND, SHAPES["Provenance-source"], DCTERMS.source, "MinCount"),),
)


def test_thing_without_source(batches: Batches) -> None:
    """Every fact is traceable to a source document."""
    batches.verify(THING_WITHOUT_SOURCE)


CRI_ARTICLE = ID["source/cri-2024-08-16"]
PUBLISHED_SOURCE_WITHOUT_ADDRESS = Case(
    "published_source_without_address",
    remove=((CRI_ARTICLE, URIRef("https://schema.org/url"), None),),
    expected=((CRI_ARTICLE, SHAPES.SourceDocumentShape, None, "Or"),),
)


def test_published_source_without_address(batches: Batches) -> None:
    """A published source needs its web address; only the project's reference list may do without."""
    batches.verify(PUBLISHED_SOURCE_WITHOUT_ADDRESS)


VERIFIED_LINK_NOT_ASSERTED = Case(
    "verified_link_not_asserted",
    remove=((ID["municipality/shanghai"], SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q8686")),),
    expected=((ID["link/shanghai-wikidata"], SHAPES.LinkStatementShape, None, "SPARQL"),),
)


def test_verified_link_not_asserted(batches: Batches) -> None:
    """A link recorded as verified must also be asserted."""
    batches.verify(VERIFIED_LINK_NOT_ASSERTED)


DISTRICT_HONGKOU = ID["district/hongkou"]
UNRECORDED_LINK = Case(
    "unrecorded_link",
    add=((DISTRICT_HONGKOU, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q0")),),
    expected=((DISTRICT_HONGKOU, SHAPES.LinkedThingShape, None, "SPARQL"),),
)


def test_unrecorded_link(batches: Batches) -> None:
    """A link asserted without a verified record of where it comes from is refused."""
    batches.verify(UNRECORDED_LINK)


# ---------------------------------------------------------------------------------------------------------
# The batches
# ---------------------------------------------------------------------------------------------------------


# Every case, in the order `first_fit` puts them in batches.
CASES: tuple[Case, ...] = (
    SECOND_AREA,
    *AREA_NOT_POSITIVE.values(),
    AREA_NOT_A_DECIMAL,
    AREA_IN_SQUARE_METRES,
    FIGURE_WITHOUT_APPROXIMATION_FLAG,
    BONDED_AREA_WITH_ITS_OWN_AREA,
    ZONE_WITHOUT_BATCH,
    ZONE_IN_TWO_DISTRICTS,
    *DIVISION_CODES.values(),
    DISTRICT_WITHOUT_DIVISION_CODE,
    TOWNSHIP_CODE_MUST_EXTEND_ITS_DISTRICTS,
    ZONE_IN_A_DISTRICT_AND_A_BONDED_AREA,
    ZONE_IRI_OUTSIDE_THE_SCHEME,
    INITIATIVE_WITHOUT_ZONE,
    INITIATIVE_ITS_ZONE_DOES_NOT_LIST,
    SITE_IN_NO_ZONE,
    SITE_ITS_ZONE_DOES_NOT_INCLUDE,
    SECTOR_OUTSIDE_THE_SCHEME,
    SECTOR_HIERARCHY_CYCLE,
    LABEL_WITHOUT_LANGUAGE,
    RDFS_LABEL_AND_PREF_LABEL_DIFFER,
    CHINESE_LABEL_TAGGED_ZH,
    TWO_ENGLISH_LABELS,
    ONTOLOGY_TERM_LABEL_WITHOUT_LANGUAGE,
    PERSON_WITHOUT_POST,
    ANNOUNCEMENT_WITHOUT_DATE,
    DISTRICT_OUTSIDE_ANY_MUNICIPALITY,
    THING_WITHOUT_SOURCE,
    PUBLISHED_SOURCE_WITHOUT_ADDRESS,
    VERIFIED_LINK_NOT_ASSERTED,
    UNRECORDED_LINK,
)


def test_cases_in_a_batch_touch_no_common_node(batches: Batches, data: Graph, ontology: Graph) -> None:
    """Every case is in exactly one batch, and no two cases of a batch touch a common node."""
    assert sorted(case.name for batch in batches.batches for case in batch) == sorted(c.name for c in CASES)
    for batch in batches.batches:
        touched = [case.touched(data, ontology) for case in batch]
        assert sum(map(len, touched)) == len(frozenset().union(*touched)), [c.name for c in batch]


def test_the_cases_fit_in_three_batches(batches: Batches) -> None:
    """Each batch costs a whole validation (2-3 s). Three cases touch unit:KiloM2, so three is the least; a
    new case that touches a node three others touch (say the Huangpu district) adds a batch: give it an
    equivalent node instead (another zone, district, site, initiative, source)."""
    assert len(batches.batches) <= 3, [[case.name for case in batch] for batch in batches.batches]


def test_a_batched_case_alone_reports_the_same(
    batches: Batches, data: Graph, shapes: Graph, ontology: Graph
) -> None:
    """Batching changes nothing: the Minhang zone that no longer lists one of its initiatives, validated
    alone, reports exactly its expected outcome, with the same message and value as in its batch, where
    other cases break the zone's area figure and its district."""
    case = INITIATIVE_ITS_ZONE_DOES_NOT_LIST
    batch = batches.batch_of(case)
    assert {AREA_NOT_POSITIVE["0.0"], DISTRICT_OUTSIDE_ANY_MUNICIPALITY} <= set(batch)
    in_batch = batches.verify(case)
    copy, _ = mutated_copies([case], data, ontology)
    alone = check(copy, shapes, ontology)
    expect(alone, *case.expected)
    assert described(alone.results) == described(in_batch)


def described(results: Iterable[ValidationResult]) -> list[tuple[Outcome, str, Node | None]]:
    """The outcome, message and value of each result, sorted."""
    return sorted(((outcome(r), r.message, r.value) for r in results), key=str)
