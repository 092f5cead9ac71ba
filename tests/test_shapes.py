"""The SHACL data contract (ontology/shapes.ttl): the real data conforms, and each kind of error in a copy
of it is reported at the right node, by the right shape, along the right path, and by nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.loading.validation import ValidationReport, validate
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


def renamed(data: Graph, old: URIRef, new: URIRef) -> Graph:
    """A copy of `data` in which the IRI `old` is replaced by `new` wherever it occurs."""
    copy = Graph()
    for triple in data:
        copy.add(tuple(new if term == old else term for term in triple))  # type: ignore[arg-type]
    return copy


def check(data: Graph, shapes: Graph, ontology: Graph) -> ValidationReport:
    """Validate `data` as the project does: the ontology as pySHACL's ontology graph, no inference."""
    return validate(data, shapes, ontology)


def outcomes(report: ValidationReport) -> list[Outcome]:
    """(focus node, source shape, path, constraint component without its suffix) for each result, sorted."""
    found = [
        (
            result.focus_node,
            result.source_shape,
            result.path_text if isinstance(result.path, BNode) else result.path,
            str(result.constraint).removeprefix(str(SH)).removesuffix("ConstraintComponent"),
        )
        for result in report.results
    ]
    return sorted(found, key=str)


def expect(report: ValidationReport, *expected: Outcome) -> None:
    """The report fails with exactly the `expected` results (the report text is shown otherwise)."""
    assert report.conforms is False, report.text()
    assert outcomes(report) == sorted(expected, key=str), report.text()


def area_figure(iri: URIRef, zone: URIRef, value: str) -> list[tuple[Node, Node, Node]]:
    """Triples describing a complete, valid area figure of `value` km² for `zone`."""
    return [
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
    ]


# ---------------------------------------------------------------------------------------------------------
# The real data conforms
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("inference", ["none", "rdfs"])
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


def test_loaded_graph_conforms(kg: KnowledgeGraph) -> None:
    """The graph as `load()` builds it conforms (the asserted data, the ontology as ontology graph)."""
    report = kg.validate()
    assert report.conforms is True, report.text()


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


def test_zone_with_a_second_area(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A second, otherwise valid area figure breaks the zone's exactly-one-area rule, and nothing else."""
    report = check(
        mutated(data, add=area_figure(ID["figure/huangpu-zone-area-2"], HUANGPU, "15.0")), shapes, ontology
    )
    expect(report, (HUANGPU, SHAPES["LinkedInnovationZone-hasArea"], SHFZ.hasArea, "MaxCount"))


@pytest.mark.parametrize("value", ["-3", "0", "0.0"])
def test_area_not_positive(data: Graph, shapes: Graph, ontology: Graph, value: str) -> None:
    """An area of 0 or less is reported at the figure, on its value."""
    area = Literal(value, datatype=XSD_DECIMAL)
    report = check(
        mutated(
            data,
            remove=[(HUANGPU_AREA, QUDT.numericValue, None)],
            add=[(HUANGPU_AREA, QUDT.numericValue, area)],
        ),
        shapes,
        ontology,
    )
    expect(report, (HUANGPU_AREA, SHAPES["AreaFigure-numericValue"], QUDT.numericValue, "MinExclusive"))


def test_area_not_a_decimal(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """An area written as an integer (or a double) is not an xsd:decimal."""
    report = check(
        mutated(
            data,
            remove=[(HUANGPU_AREA, QUDT.numericValue, None)],
            add=[(HUANGPU_AREA, QUDT.numericValue, Literal("14", datatype=XSD_INTEGER))],
        ),
        shapes,
        ontology,
    )
    expect(report, (HUANGPU_AREA, SHAPES["Figure-numericValue"], QUDT.numericValue, "Datatype"))


def test_area_in_square_metres(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """An area in m² is caught twice: not a unit figures may have, and not km² as areas must be."""
    report = check(
        mutated(
            data, remove=[(HUANGPU_AREA, QUDT.hasUnit, None)], add=[(HUANGPU_AREA, QUDT.hasUnit, UNIT.M2)]
        ),
        shapes,
        ontology,
    )
    expect(
        report,
        (HUANGPU_AREA, SHAPES["AreaFigure-hasUnit"], QUDT.hasUnit, "HasValue"),
        (HUANGPU_AREA, SHAPES["Figure-hasUnit"], QUDT.hasUnit, "In"),
    )


def test_figure_without_approximation_flag(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """Whether a figure is approximate ("about 14") must be stated."""
    report = check(mutated(data, remove=[(HUANGPU_AREA, SHFZ.isApproximate, None)]), shapes, ontology)
    expect(report, (HUANGPU_AREA, SHAPES["Figure-isApproximate"], SHFZ.isApproximate, "MinCount"))


def test_bonded_area_with_its_own_area(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """No source gives a single bonded area's size, so a figure for one is refused."""
    jinqiao = ID["bonded-area/jinqiao"]
    report = check(
        mutated(data, add=area_figure(ID["figure/jinqiao-area"], jinqiao, "2.0")), shapes, ontology
    )
    expect(report, (jinqiao, SHAPES["ComprehensiveBondedArea-hasArea"], SHFZ.hasArea, "MaxCount"))


def test_zone_without_batch(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """Every linked innovation zone belongs to a batch; the batch that lists it must agree."""
    report = check(mutated(data, remove=[(HUANGPU, SHFZ.inBatch, None)]), shapes, ontology)
    expect(
        report,
        (HUANGPU, SHAPES["LinkedInnovationZone-inBatch"], SHFZ.inBatch, "MinCount"),
        (HUANGPU, SHAPES["Zone-inBatch-inverse"], "^shfz:designatesZone", "Equals"),
    )


def test_zone_in_two_districts(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A zone lies in at most one district."""
    report = check(mutated(data, add=[(HUANGPU, SHFZ.inDistrict, ID["district/xuhui"])]), shapes, ontology)
    expect(report, (HUANGPU, SHAPES["LinkedInnovationZone-inDistrict"], SHFZ.inDistrict, "MaxCount"))


@pytest.mark.parametrize(
    ("code", "component"),
    [
        (Literal("31010"), "Pattern"),  # five digits
        (Literal("310101a"), "Pattern"),
        (Literal(310101), "Datatype"),  # an integer would lose leading digits of other schemes
    ],
)
def test_district_division_code_is_six_digits_as_a_string(
    data: Graph, shapes: Graph, ontology: Graph, code: Literal, component: str
) -> None:
    district = ID["district/huangpu"]
    report = check(
        mutated(
            data, remove=[(district, SHFZ.divisionCode, None)], add=[(district, SHFZ.divisionCode, code)]
        ),
        shapes,
        ontology,
    )
    expect(report, (district, SHAPES["District-divisionCode"], SHFZ.divisionCode, component))


def test_district_without_division_code(data: Graph, shapes: Graph, ontology: Graph) -> None:
    district = ID["district/changning"]
    report = check(mutated(data, remove=[(district, SHFZ.divisionCode, None)]), shapes, ontology)
    expect(report, (district, SHAPES["District-divisionCode"], SHFZ.divisionCode, "MinCount"))


def test_township_code_must_extend_its_districts(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A township's nine-digit code begins with the code of the district it lies in."""
    anting = ID["township/anting"]
    report = check(
        mutated(
            data,
            remove=[(anting, SHFZ.divisionCode, None)],
            add=[(anting, SHFZ.divisionCode, Literal("310112103"))],  # a Minhang prefix
        ),
        shapes,
        ontology,
    )
    expect(report, (anting, SHAPES.TownshipShape, None, "SPARQL"))
    (message,) = [r.message for r in report.results]
    assert (
        "The division code 310112103 does not begin with the code 310114 of the district it lies in."
        in message
    )


def test_zone_in_a_district_and_a_bonded_area(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A zone in a district and in a bonded area breaks the rule that it is never in both."""
    jinqiao = ID["bonded-area/jinqiao"]
    report = check(
        mutated(data, add=[(HUANGPU, SHFZ.inBondedArea, jinqiao), (jinqiao, SHFZ.hostsPartOf, HUANGPU)]),
        shapes,
        ontology,
    )
    expect(report, (HUANGPU, SHAPES.LinkedInnovationZoneShape, None, "Not"))


def test_zone_iri_outside_the_scheme(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """Zone IRIs are https://w3id.org/shfz/id/zone/<lowercase-slug>."""
    odd = URIRef("https://w3id.org/shfz/id/zone/Huangpu_Zone")
    report = check(renamed(data, HUANGPU, odd), shapes, ontology)
    expect(report, (odd, SHAPES.LinkedInnovationZoneShape, None, "Pattern"))


# ---------------------------------------------------------------------------------------------------------
# Initiatives, sites, sectors
# ---------------------------------------------------------------------------------------------------------


def test_initiative_without_zone(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """An initiative that no zone has, and that names no zone, is reported at the initiative."""
    initiative = ID["initiative/huangpu-overseas-financial-qualifications"]
    report = check(
        mutated(data, remove=[(initiative, SHFZ.initiativeOf, None), (None, SHFZ.hasInitiative, initiative)]),
        shapes,
        ontology,
    )
    expect(report, (initiative, SHAPES["Initiative-initiativeOf"], SHFZ.initiativeOf, "MinCount"))


def test_initiative_its_zone_does_not_list(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """The two directions of an inverse pair must agree, so queries without reasoning see the same links."""
    initiative = ID["initiative/huangpu-overseas-financial-qualifications"]
    report = check(mutated(data, remove=[(HUANGPU, SHFZ.hasInitiative, initiative)]), shapes, ontology)
    expect(report, (initiative, SHAPES["Initiative-initiativeOf-inverse"], "^shfz:hasInitiative", "Equals"))


def test_site_in_no_zone(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A site that lies in no zone, wholly or partly, fails the sh:or of the site shape."""
    report = check(
        mutated(data, remove=[(THE_BUND, SHFZ.siteIn, None), (None, SHFZ.includesSite, THE_BUND)]),
        shapes,
        ontology,
    )
    expect(report, (THE_BUND, SHAPES.SiteShape, None, "Or"))


def test_site_its_zone_does_not_include(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A site in a zone whose shfz:includesSite forgets it."""
    report = check(mutated(data, remove=[(HUANGPU, SHFZ.includesSite, THE_BUND)]), shapes, ontology)
    expect(report, (THE_BUND, SHAPES["Site-siteIn-inverse"], "^shfz:includesSite", "Equals"))


def test_sector_outside_the_scheme(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A sector moved to another scheme is reported at the sector, on skos:inScheme."""
    sector = ID["sector/green-shipping"]
    report = check(
        mutated(
            data,
            remove=[(sector, SKOS.inScheme, None)],
            add=[(sector, SKOS.inScheme, ID["scheme/site-types"])],
        ),
        shapes,
        ontology,
    )
    expect(report, (sector, SHAPES["Sector-inScheme"], SKOS.inScheme, "HasValue"))


def test_sector_hierarchy_cycle(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """Two sectors each broader than the other are both reported by the SPARQL constraint."""
    online, digital_trade = ID["sector/online-new-economy"], ID["sector/digital-trade"]
    report = check(
        mutated(
            data,
            remove=[(online, SKOS.broader, None), (digital_trade, SKOS.broader, None)],
            add=[(online, SKOS.broader, digital_trade), (digital_trade, SKOS.broader, online)],
        ),
        shapes,
        ontology,
    )
    expect(
        report,
        (online, SHAPES.SectorShape, None, "SPARQL"),
        (digital_trade, SHAPES.SectorShape, None, "SPARQL"),
    )


# ---------------------------------------------------------------------------------------------------------
# Labels and text
# ---------------------------------------------------------------------------------------------------------


def test_label_without_language(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """`"Huangpu linked innovation zone"@en` made a plain literal (in rdfs:label and skos:prefLabel): not a
    language-tagged string, not in an allowed language, and the zone has no English label left."""
    tagged = Literal("Huangpu linked innovation zone", lang="en")
    plain = Literal("Huangpu linked innovation zone")
    report = check(
        mutated(
            data,
            remove=[(HUANGPU, RDFS.label, tagged), (HUANGPU, SKOS.prefLabel, tagged)],
            add=[(HUANGPU, RDFS.label, plain), (HUANGPU, SKOS.prefLabel, plain)],
        ),
        shapes,
        ontology,
    )
    expect(
        report,
        (HUANGPU, SHAPES["Text-label"], RDFS.label, "Datatype"),
        (HUANGPU, SHAPES["Text-label"], RDFS.label, "LanguageIn"),
        (HUANGPU, SHAPES["Text-prefLabel"], SKOS.prefLabel, "Datatype"),
        (HUANGPU, SHAPES["Text-prefLabel"], SKOS.prefLabel, "LanguageIn"),
        (HUANGPU, SHAPES["NamedThing-englishLabel"], RDFS.label, "QualifiedMinCount"),
    )
    assert {r.value for r in report.results if r.source_shape == SHAPES["Text-label"]} == {plain}


def test_rdfs_label_and_pref_label_differ(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """Only the rdfs:label loses its tag: skos:prefLabel no longer mirrors it."""
    tagged = Literal("Huangpu linked innovation zone", lang="en")
    report = check(
        mutated(
            data,
            remove=[(HUANGPU, RDFS.label, tagged)],
            add=[(HUANGPU, RDFS.label, Literal("Huangpu linked innovation zone"))],
        ),
        shapes,
        ontology,
    )
    expect(
        report,
        (HUANGPU, SHAPES["Text-label"], RDFS.label, "Datatype"),
        (HUANGPU, SHAPES["Text-label"], RDFS.label, "LanguageIn"),
        (HUANGPU, SHAPES["NamedThing-englishLabel"], RDFS.label, "QualifiedMinCount"),
        (HUANGPU, SHAPES["NamedThing-prefLabel"], SKOS.prefLabel, "Equals"),
        (HUANGPU, SHAPES["NamedThing-prefLabel"], SKOS.prefLabel, "Equals"),
    )
    differing = {r.value for r in report.results if r.source_shape == SHAPES["NamedThing-prefLabel"]}
    assert differing == {tagged, Literal("Huangpu linked innovation zone")}


def test_chinese_label_tagged_zh(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """Chinese labels are tagged zh-Hans, not zh."""
    hans = Literal("上海自贸试验区黄浦联动创新区", lang="zh-Hans")
    zh = Literal("上海自贸试验区黄浦联动创新区", lang="zh")
    report = check(
        mutated(
            data,
            remove=[(HUANGPU, RDFS.label, hans), (HUANGPU, SKOS.prefLabel, hans)],
            add=[(HUANGPU, RDFS.label, zh), (HUANGPU, SKOS.prefLabel, zh)],
        ),
        shapes,
        ontology,
    )
    expect(
        report,
        (HUANGPU, SHAPES["Text-label"], RDFS.label, "LanguageIn"),
        (HUANGPU, SHAPES["Text-prefLabel"], SKOS.prefLabel, "LanguageIn"),
    )


def test_two_english_labels(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A second English label (in both label properties) breaks one-label-per-language."""
    extra = Literal("Huangpu zone", lang="en")
    report = check(
        mutated(data, add=[(HUANGPU, RDFS.label, extra), (HUANGPU, SKOS.prefLabel, extra)]), shapes, ontology
    )
    expect(
        report,
        (HUANGPU, SHAPES["Text-label"], RDFS.label, "UniqueLang"),
        (HUANGPU, SHAPES["Text-prefLabel"], SKOS.prefLabel, "UniqueLang"),
        (HUANGPU, SHAPES["NamedThing-englishLabel"], RDFS.label, "QualifiedMaxCount"),
    )


def test_ontology_term_label_without_language(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """The ontology's own labels are checked too."""
    broken = mutated(
        ontology,
        remove=[(SHFZ.Zone, RDFS.label, Literal("zone", lang="en"))],
        add=[(SHFZ.Zone, RDFS.label, Literal("zone"))],
    )
    report = validate(data, shapes, broken)
    expect(
        report,
        (SHFZ.Zone, SHAPES["Text-label"], RDFS.label, "Datatype"),
        (SHFZ.Zone, SHAPES["Text-label"], RDFS.label, "LanguageIn"),
    )


# ---------------------------------------------------------------------------------------------------------
# People, the announcement, sources, links
# ---------------------------------------------------------------------------------------------------------


def test_person_without_post(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """People enter the graph in an official role."""
    chen = ID["person/chen-yanfeng"]
    report = check(
        mutated(data, remove=[(chen, ORG.holds, None), (None, ORG.heldBy, chen)]), shapes, ontology
    )
    expect(report, (chen, SHAPES["Person-holds"], ORG.holds, "MinCount"))


def test_announcement_without_date(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """The announcement's date is required."""
    briefing = ID["event/press-briefing-2024-08-15"]
    report = check(mutated(data, remove=[(briefing, SHFZ.occurredOn, None)]), shapes, ontology)
    expect(report, (briefing, SHAPES["Announcement-occurredOn"], SHFZ.occurredOn, "MinCount"))


def test_district_outside_any_municipality(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A district must lie in exactly one municipality."""
    district = ID["district/huangpu"]
    report = check(mutated(data, remove=[(district, SHFZ.locatedIn, None)]), shapes, ontology)
    expect(report, (district, SHAPES["District-locatedIn"], SHFZ.locatedIn, "QualifiedMinCount"))


def test_thing_without_source(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """Every fact is traceable to a source document."""
    report = check(mutated(data, remove=[(THE_BUND, DCTERMS.source, None)]), shapes, ontology)
    expect(report, (THE_BUND, SHAPES["Provenance-source"], DCTERMS.source, "MinCount"))


def test_published_source_without_address(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A published source needs its web address; only the project's reference list may do without."""
    report = check(
        mutated(data, remove=[(ARTICLE, URIRef("https://schema.org/url"), None)]), shapes, ontology
    )
    expect(report, (ARTICLE, SHAPES.SourceDocumentShape, None, "Or"))


def test_verified_link_not_asserted(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A link recorded as verified must also be asserted."""
    shanghai = ID["municipality/shanghai"]
    wikidata = URIRef("http://www.wikidata.org/entity/Q8686")
    report = check(mutated(data, remove=[(shanghai, SKOS.exactMatch, wikidata)]), shapes, ontology)
    expect(report, (ID["link/shanghai-wikidata"], SHAPES.LinkStatementShape, None, "SPARQL"))


def test_unrecorded_link(data: Graph, shapes: Graph, ontology: Graph) -> None:
    """A link asserted without a verified record of where it comes from is refused."""
    huangpu_district = ID["district/huangpu"]
    report = check(
        mutated(data, add=[(huangpu_district, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q0"))]),
        shapes,
        ontology,
    )
    expect(report, (huangpu_district, SHAPES.LinkedThingShape, None, "SPARQL"))
