"""The ontology (ontology/shfz.ttl) and its JSON-LD context: metadata, OOPS!-style pitfalls, consistency of
the OWL 2 RL closure with the data, and a context that covers every term and round-trips the data."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.term import Node

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.rdf.jsonld import load_context, remote_references
from shfz_graph.reasoning import consistency_problems
from shfz_graph.vocab import ID, ONTOLOGY_IRI, SHFZ

REPO = Path(__file__).resolve().parent.parent
DCTERMS = Namespace("http://purl.org/dc/terms/")
VANN = Namespace("http://purl.org/vocab/vann/")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
ARTICLE_URL = URIRef("https://en-shftz.pudong.gov.cn/news/news-update/1540.shtml")
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)
TOP_LEVEL_CLASSES = {
    SHFZ[name]
    for name in [
        "Zone",
        "AdministrativeArea",
        "Expansion",  # the stages of a free trade zone's extent (issue 19)
        "Milestone",
        "Site",
        "SiteType",
        "Sector",
        "Programme",
        "Initiative",
        "GovernmentBody",
        "Post",
        "Person",
        "Batch",
        "Measure",
        "PolicyDocument",
        "Announcement",
        "SourceDocument",
        "Figure",
    ]
}


@pytest.fixture(scope="module")
def closure(kg_owlrl: KnowledgeGraph) -> Graph:
    """The OWL 2 RL closure (owlrl) of ontology + data, as `load(reasoner="owlrl")` draws it for the run
    (a copy: the asserted graphs and the inferred one in one graph)."""
    graph = Graph()
    for name in kg_owlrl.names:
        graph += kg_owlrl.graph(name)
    return graph


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    """The JSON-LD context (the value of `@context` in ontology/context.jsonld)."""
    document = json.loads((REPO / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    return document["@context"]


def terms(ontology: Graph, *types: URIRef) -> list[URIRef]:
    """The shfz terms declared with one of `types`, sorted."""
    found = {s for t in types for s in ontology.subjects(RDF.type, t)}
    return sorted(s for s in found if isinstance(s, URIRef) and s.startswith(str(SHFZ)))


def local(term: Node) -> str:
    """A shfz term's local name."""
    return str(term).removeprefix(str(SHFZ))


# ---------------------------------------------------------------------------------------------------------
# The ontology document and its metadata
# ---------------------------------------------------------------------------------------------------------


def test_ontology_parses_and_declares_itself(ontology: Graph) -> None:
    """One owl:Ontology, with the published IRI."""
    assert len(ontology) > 500
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY_IRI]


def test_ontology_metadata(ontology: Graph) -> None:
    """The FOOPS! metadata (OM1, OM2, VER1, FIND1, VOC3/4): title, description, licence, creator, dates,
    version IRI and info, preferred prefix and namespace, sources."""

    def one(predicate: URIRef) -> Node:
        values = list(ontology.objects(ONTOLOGY_IRI, predicate))
        assert len(values) == 1, f"{predicate}: {values}"
        return values[0]

    assert one(DCTERMS.title) == Literal("Shanghai Pilot Free Trade Zone ontology", lang="en")
    description = one(DCTERMS.description)
    assert isinstance(description, Literal)
    assert description.language == "en"
    assert len(description) > 200
    assert one(DCTERMS.license) == CC_BY_4
    assert one(DCTERMS.creator) == Literal("shfz-graph contributors")
    for date in (DCTERMS.created, DCTERMS.issued):
        value = one(date)
        assert isinstance(value, Literal)
        assert str(value.datatype) == XSD_NS + "date"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value))
    version = one(OWL.versionInfo)
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(version))
    assert one(OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert one(VANN.preferredNamespacePrefix) == Literal("shfz")
    assert one(VANN.preferredNamespaceUri) == Literal(str(SHFZ))
    assert str(SHFZ) == f"{ONTOLOGY_IRI}#"  # OOPS P39: the namespace is the ontology IRI plus '#'
    assert ARTICLE_URL in set(ontology.objects(ONTOLOGY_IRI, DCTERMS.source))


def test_ontology_version_matches_the_package(ontology: Graph) -> None:
    """The ontology's version is the project's version (pyproject.toml)."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
    assert match is not None
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal(match.group(1))


# ---------------------------------------------------------------------------------------------------------
# Terms: labels, definitions, domains and ranges, naming
# ---------------------------------------------------------------------------------------------------------


def test_declared_terms(ontology: Graph) -> None:
    """The vocabulary of ontology/shfz.ttl: exactly these classes; properties are typed as one kind only."""
    subclasses = ["FreeTradeZone", "LinkedInnovationZone", "ComprehensiveBondedArea", "SpecialArea"]
    subclasses += ["FreeTradeZoneArea", "Country", "Municipality", "Province", "District", "Township"]
    assert [local(c) for c in terms(ontology, OWL.Class)] == sorted(
        [local(c) for c in TOP_LEVEL_CLASSES] + subclasses
    )
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    mixed = [p for p in terms(ontology, *kinds) if sum((p, RDF.type, k) in ontology for k in kinds) != 1]
    assert mixed == []
    # 36 of the first batch's model; 15 for batches, measures, plans, "on site", overlaps and "outside";
    # 10 for the parts of free trade zones over time (parts, stages, total areas, milestones)
    assert len(terms(ontology, OWL.ObjectProperty)) == 61
    assert [local(p) for p in terms(ontology, OWL.DatatypeProperty)] == sorted(
        [
            "aim",
            "announcedOn",
            "divisionCode",
            "establishedOn",
            "isApproximate",
            "isSuburban",
            "launchedOn",
            "linkStatus",
            "occurredOn",
        ]
    )


def test_every_term_has_an_english_label_and_a_definition(ontology: Graph) -> None:
    """Each class and property: exactly one English rdfs:label, and an English skos:definition or
    rdfs:comment; each is defined by this ontology (rdfs:isDefinedBy)."""
    problems = []
    for term in terms(ontology, OWL.Class, *PROPERTY_TYPES, OWL.AnnotationProperty):
        labels = [
            label
            for label in ontology.objects(term, RDFS.label)
            if isinstance(label, Literal) and label.language == "en"
        ]
        if len(labels) != 1:
            problems.append(f"{local(term)}: {len(labels)} English labels")
        definitions = [
            d
            for p in (SKOS.definition, RDFS.comment)
            for d in ontology.objects(term, p)
            if isinstance(d, Literal) and d.language == "en"
        ]
        if not definitions:
            problems.append(f"{local(term)}: no English definition")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology:
            problems.append(f"{local(term)}: not rdfs:isDefinedBy the ontology")
    assert problems == []


def test_every_property_has_one_domain_and_one_range(ontology: Graph) -> None:
    """OOPS P11 (missing domain or range) and P19 (several domains or ranges, read as an intersection)."""
    counts = {
        local(p): (len(list(ontology.objects(p, RDFS.domain))), len(list(ontology.objects(p, RDFS.range))))
        for p in terms(ontology, *PROPERTY_TYPES)
    }
    assert {name: count for name, count in counts.items() if count != (1, 1)} == {}


def test_datatype_properties_have_datatype_ranges(ontology: Graph) -> None:
    """Datatype properties range over XSD datatypes or rdf:langString; object properties over classes."""
    ranges = {local(p): ontology.value(p, RDFS.range) for p in terms(ontology, OWL.DatatypeProperty)}
    assert ranges == {
        "aim": RDF.langString,
        "announcedOn": URIRef(XSD_NS + "date"),
        "divisionCode": URIRef(XSD_NS + "string"),
        "launchedOn": URIRef(XSD_NS + "date"),
        "establishedOn": URIRef(XSD_NS + "date"),
        "isApproximate": URIRef(XSD_NS + "boolean"),
        "isSuburban": URIRef(XSD_NS + "boolean"),
        "linkStatus": URIRef(XSD_NS + "string"),
        "occurredOn": URIRef(XSD_NS + "date"),
    }
    not_classes = [
        local(p)
        for p in terms(ontology, OWL.ObjectProperty)
        if (ontology.value(p, RDFS.range), RDF.type, OWL.Class) not in ontology
    ]
    assert not_classes == []


def test_naming_conventions(ontology: Graph) -> None:
    """OOPS P22: classes in UpperCamelCase, properties in lowerCamelCase, ASCII letters only."""
    assert [
        local(c) for c in terms(ontology, OWL.Class) if not re.fullmatch(r"[A-Z][A-Za-z]*", local(c))
    ] == []
    assert [
        local(p) for p in terms(ontology, *PROPERTY_TYPES) if not re.fullmatch(r"[a-z][A-Za-z]*", local(p))
    ] == []


def test_no_two_classes_share_an_english_label(ontology: Graph) -> None:
    """OOPS P32-ish: class labels tell the classes apart."""
    labels = Counter(
        str(label).lower()
        for c in terms(ontology, OWL.Class)
        for label in ontology.objects(c, RDFS.label)
        if isinstance(label, Literal) and label.language == "en"
    )
    assert [label for label, count in labels.items() if count > 1] == []


# ---------------------------------------------------------------------------------------------------------
# Inverses, symmetry, transitivity, hierarchy, disjointness
# ---------------------------------------------------------------------------------------------------------


def inverse_pairs(ontology: Graph) -> set[frozenset[URIRef]]:
    """The owl:inverseOf pairs among shfz properties, each as an unordered pair."""
    return {
        frozenset((p, q))
        for p, q in ontology.subject_objects(OWL.inverseOf)
        if isinstance(p, URIRef) and isinstance(q, URIRef) and p.startswith(str(SHFZ))
    }


def test_every_object_property_has_an_inverse(ontology: Graph) -> None:
    """OOPS P13: each shfz object property has an owl:inverseOf partner (declared in either direction);
    P25: none is its own inverse; each pair is declared once. These are the pairs."""
    pairs = inverse_pairs(ontology)
    assert sorted(sorted(local(p) for p in pair) for pair in pairs) == sorted(
        sorted(pair)
        for pair in [
            ("locatedIn", "containsPlace"),
            ("inDistrict", "hostsZone"),
            ("siteIn", "includesSite"),
            ("partlyIncludes", "partlyIn"),
            ("inBondedArea", "hostsPartOf"),
            ("siteType", "typeOfSite"),
            ("hasFocusSector", "focusOf"),
            ("hasInitiative", "initiativeOf"),
            ("servesSector", "servedBy"),
            ("hasZone", "partOfProgramme"),
            ("extends", "extendedBy"),
            ("launchedIn", "launchedProgramme"),
            ("announces", "announcedAt"),
            ("announcedBy", "presented"),
            ("reports", "reportedIn"),
            ("issuedBy", "issued"),
            ("hasArea", "areaOf"),
            ("hasMeasureCount", "measureCountOf"),
            ("onSite", "zoneOnSite"),
            ("partlyOutside", "partlyExcludes"),
            ("hasBatch", "batchOf"),
            ("inBatch", "designatesZone"),
            ("hasNotice", "noticeOf"),
            ("hasMeasure", "measureOf"),
            ("hasPlan", "planFor"),
            ("partOfZone", "hasZonePart"),
            ("expansionOf", "hasExpansion"),
            ("addsArea", "addedIn"),
            ("totalArea", "totalAreaOf"),
            ("milestoneOf", "hasMilestone"),
        ]
    )
    # a symmetric property is its own inverse (shfz:overlapsZone)
    partnered = {p for pair in pairs for p in pair} | set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    assert [local(p) for p in terms(ontology, OWL.ObjectProperty) if p not in partnered] == []
    assert [local(p) for p in terms(ontology, OWL.ObjectProperty) if (p, OWL.inverseOf, p) in ontology] == []
    declared = Counter(
        frozenset((p, q)) for p, q in ontology.subject_objects(OWL.inverseOf) if str(p).startswith(str(SHFZ))
    )
    assert [pair for pair, count in declared.items() if count > 1] == []


def test_inverse_properties_swap_domain_and_range(ontology: Graph) -> None:
    """OOPS P05 (wrong inverse): the domain of one is the range of the other, both ways."""
    wrong = [
        sorted(local(p) for p in pair)
        for pair in inverse_pairs(ontology)
        for p, q in [tuple(pair)]
        if ontology.value(p, RDFS.domain) != ontology.value(q, RDFS.range)
        or ontology.value(p, RDFS.range) != ontology.value(q, RDFS.domain)
    ]
    assert wrong == []


def test_symmetric_properties_have_no_inverse(ontology: Graph) -> None:
    """OOPS P26: a symmetric property is its own inverse, so declaring another is an error."""
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    assert symmetric == {
        URIRef("http://www.opengis.net/ont/geosparql#" + n)
        for n in ("sfOverlaps", "sfDisjoint", "sfIntersects")
    } | {SHFZ.overlapsZone}
    with_inverse = [
        p
        for p in symmetric
        if list(ontology.objects(p, OWL.inverseOf)) or list(ontology.subjects(OWL.inverseOf, p))
    ]
    assert with_inverse == []


def test_containment_is_transitive(ontology: Graph) -> None:
    """shfz:locatedIn and its inverse are transitive; the finer containment properties specialise them."""
    assert (SHFZ.locatedIn, RDF.type, OWL.TransitiveProperty) in ontology
    assert (SHFZ.containsPlace, RDF.type, OWL.TransitiveProperty) in ontology
    assert (SHFZ.locatedIn, OWL.inverseOf, SHFZ.containsPlace) in ontology
    assert set(ontology.subjects(RDFS.subPropertyOf, SHFZ.locatedIn)) == {SHFZ.inDistrict, SHFZ.siteIn}
    assert set(ontology.subjects(RDFS.subPropertyOf, SHFZ.containsPlace)) == {
        SHFZ.hostsZone,
        SHFZ.includesSite,
    }


def test_no_cycle_in_the_class_hierarchy(ontology: Graph) -> None:
    """OOPS P06: no class is reachable from its own superclasses (nor its own superclass)."""
    cyclic = [
        cls
        for cls in set(ontology.subjects(RDFS.subClassOf, None))
        if any(
            cls in set(ontology.transitive_objects(s, RDFS.subClassOf))
            for s in ontology.objects(cls, RDFS.subClassOf)
        )
    ]
    assert cyclic == []


def test_top_level_classes_are_pairwise_disjoint(ontology: Graph) -> None:
    """OOPS P10: the top-level classes form one owl:AllDisjointClasses axiom; so do the zone kinds and the
    administrative area kinds."""
    top = {
        c
        for c in terms(ontology, OWL.Class)
        if not set(ontology.objects(c, RDFS.subClassOf)) & set(terms(ontology, OWL.Class))
    }
    assert top == TOP_LEVEL_CLASSES
    axioms = [
        set(ontology.items(ontology.value(a, OWL.members)))
        for a in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert sorted(sorted(local(c) for c in axiom) for axiom in axioms) == sorted(
        [
            sorted(local(c) for c in TOP_LEVEL_CLASSES),
            sorted(
                [
                    "FreeTradeZone",
                    "LinkedInnovationZone",
                    "ComprehensiveBondedArea",
                    "SpecialArea",
                    "FreeTradeZoneArea",
                ]
            ),
            sorted(["Country", "Municipality", "Province", "District", "Township"]),
        ]
    )


# ---------------------------------------------------------------------------------------------------------
# The ontology and the data together
# ---------------------------------------------------------------------------------------------------------


def test_every_shfz_term_in_use_is_declared(ontology: Graph, data: Graph) -> None:
    """OOPS P34/P35: every shfz term used as a class is an owl:Class, every one used as a predicate is a
    declared property (in the data and in the ontology itself)."""
    both = ontology + data
    shfz = str(SHFZ)
    used_classes = {o for o in both.objects(None, RDF.type) if isinstance(o, URIRef) and o.startswith(shfz)}
    used_properties = {p for p in both.predicates() if p.startswith(shfz)}
    mentioned = {
        t
        for triple in both
        for t in triple
        if isinstance(t, URIRef) and t.startswith(shfz) and t != URIRef(shfz)
    }
    classes = set(terms(ontology, OWL.Class))
    properties = set(terms(ontology, *PROPERTY_TYPES, OWL.AnnotationProperty))
    assert sorted(used_classes - classes) == []
    assert sorted(used_properties - properties) == []
    assert sorted(mentioned - classes - properties) == []


@pytest.mark.slow  # the owlrl closure of the real graph
def test_owl_rl_closure_is_consistent(closure: Graph, kg_owlrl: KnowledgeGraph) -> None:
    """The OWL 2 RL closure of ontology + data has no member of owl:Nothing and breaks none of the profile's
    `false` rules (loading it raised no InconsistencyError, which owlrl's own error messages would raise)."""
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []
    assert consistency_problems(closure) == []
    inferred = set(kg_owlrl.graph("inferred"))
    assert len(inferred) > 1_000 and inferred <= set(closure)  # the closure, not only the asserted data


@pytest.mark.slow  # the owlrl closure of the real graph
def test_owl_rl_closure_places_everything_in_shanghai(closure: Graph) -> None:
    """Containment is transitive: after reasoning, "everything in Shanghai" is one triple pattern away."""
    inside = set(closure.subjects(SHFZ.locatedIn, ID["municipality/shanghai"]))
    kinds = Counter(str(node).removeprefix(str(ID)).split("/")[0] for node in inside)
    # all 26 sites (the 5 that no zone includes wholly say where they are themselves: issue 19); 16 linked
    # innovation zones and the Shanghai free trade zone (its Lin-gang Special Area reaches Xiaoyangshan
    # Island in Zhejiang, so it is not placed); 12 districts hosting a zone and Pudong, of which the free
    # trade zone covers part; 6 townships; the FTZ's Lujiazui, Jinqiao and Zhangjiang areas, in Pudong
    assert kinds == Counter(
        {"site": 26, "zone": 17, "district": 13, "township": 6, "bonded-area": 6, "ftz-area": 3}
    )
    assert (ID["site/the-bund"], SHFZ.locatedIn, ID["country/china"]) in closure
    # a place only partly in a zone is not thereby in the zone's district
    assert (ID["site/huaihai-road"], SHFZ.locatedIn, ID["district/huangpu"]) not in closure
    assert (ID["site/caohejing-high-tech-park"], SHFZ.locatedIn, ID["district/xuhui"]) not in closure
    assert (ID["zone/hongkou"], SHFZ.locatedIn, ID["site/north-bund"]) not in closure
    assert (ID["site/north-bund"], SHFZ.locatedIn, ID["zone/hongkou"]) not in closure
    # the free trade zone's areas of 2013 and Lin-gang: no source read places them wholly in Pudong
    assert (ID["zone/lin-gang-special-area"], SHFZ.locatedIn, ID["district/pudong"]) not in closure
    assert (
        ID["ftz-area/yangshan-free-trade-port-area"],
        SHFZ.locatedIn,
        ID["district/pudong"],
    ) not in closure


# Every named site of the sources, written out by hand: each is in Shanghai once the closure is drawn, whether
# a zone includes it wholly or the site says where it lies (Huaihai Road and the Caohejing park run beyond
# their zones' districts, the North Bund is an area of Hongkou, the resort and the Jinqiao development zone
# are in Pudong).
SITES = [
    "the-bund",
    "peoples-square",
    "huaihai-road",
    "huangpu-riverside-innovation-area",
    "xintiandi",
    "xujiahui",
    "west-bund",
    "caohejing-high-tech-park",
    "xuhui-midtown",
    "huajing-gateway",
    "north-bund",
    "gkic",
    "yangpu-waterfront",
    "hongqiao-international-central-business-district",
    "grand-neo-bay",
    "shanghai-international-cruise-tourism-resort",
    "green-low-carbon-supply-chain-core-area",
    "shanghai-international-resort",
    "shanghai-silicon-lane",
    "hongqiao-international-trade-center-area",
    "changning-section-of-hongqiao-cbd",
    "minhang-economic-and-technological-development-zone",
    "shanghai-hongqiao-economic-and-technological-development-zone",
    "jinqiao-economic-and-technological-development-zone",
    "shanghai-chemical-industry-park",
    "songjiang-economic-and-technological-development-zone",
]


def test_the_site_list_is_every_site_of_the_data(data: Graph) -> None:
    assert sorted(
        str(s).removeprefix(str(ID["site/"])) for s in data.subjects(RDF.type, SHFZ.Site)
    ) == sorted(SITES)


@pytest.mark.slow  # the owlrl closure of the real graph
@pytest.mark.parametrize("site", SITES)
def test_owl_rl_closure_finds_every_site_in_shanghai(closure: Graph, site: str) -> None:
    assert (ID[f"site/{site}"], SHFZ.locatedIn, ID["municipality/shanghai"]) in closure


@pytest.mark.slow  # the owlrl closure of the real graph
def test_owl_rl_closure_completes_inverses(closure: Graph) -> None:
    """Inverse properties are filled in: a sector knows the zones focusing on it."""
    focus = set(closure.subjects(SHFZ.hasFocusSector, ID["sector/financial-services"]))
    assert focus == {ID["zone/huangpu"], ID["zone/hongkou"]}
    assert set(closure.objects(ID["sector/financial-services"], SHFZ.focusOf)) == focus


# ---------------------------------------------------------------------------------------------------------
# The JSON-LD context
# ---------------------------------------------------------------------------------------------------------

PREFIXES = {
    "shfz": "https://w3id.org/shfz/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
}


def expanded_terms(context: dict[str, Any]) -> dict[str, str]:
    """Each term of the context (not the prefixes) mapped to the full IRI it stands for."""
    active = Context(context)
    result = {}
    for name, definition in context.items():
        if (
            name.startswith("@")
            or name in PREFIXES
            or (isinstance(definition, str) and definition.endswith(("#", "/")))
        ):
            continue
        iri = definition if isinstance(definition, str) else definition["@id"]
        result[name] = active.expand(iri)
    return result


def test_context_is_json_ld_1_1_and_local(context: dict[str, Any]) -> None:
    """JSON-LD 1.1, the standard prefixes, nothing a processor would fetch; the project's loader takes it."""
    assert context["@version"] == 1.1
    assert {name: context.get(name) for name in PREFIXES} == PREFIXES
    assert list(remote_references({"@context": context})) == []
    assert load_context(REPO / "ontology" / "context.jsonld") == context


def test_context_has_a_term_for_every_shfz_term(context: dict[str, Any], ontology: Graph) -> None:
    """Every shfz class and property has a term; every shfz term of the context is in the ontology."""
    expanded = expanded_terms(context)
    declared = {str(t) for t in terms(ontology, OWL.Class, *PROPERTY_TYPES, OWL.AnnotationProperty)}
    covered = set(expanded.values())
    assert sorted(declared - covered) == []
    assert sorted(iri for iri in covered if iri.startswith(str(SHFZ)) and iri not in declared) == []
    # one term per IRI, so compaction is never ambiguous
    assert [iri for iri, count in Counter(expanded.values()).items() if count > 1] == []
    # the readable name is the local name, except where two vocabularies would clash ("issued")
    renamed = {
        name: iri
        for name, iri in expanded.items()
        if iri.startswith(str(SHFZ)) and name != local(URIRef(iri))
    }
    assert renamed == {"issuedDocument": str(SHFZ.issued)}


def test_context_term_types(context: dict[str, Any], ontology: Graph) -> None:
    """Object properties are `@type: @id`; datatype properties carry their range's datatype, and
    language-tagged ones use a language map; labels and texts use language maps too."""
    by_iri = {iri: name for name, iri in expanded_terms(context).items()}
    active = Context(context)
    wrong = []
    for prop in terms(ontology, OWL.ObjectProperty):
        definition = context[by_iri[str(prop)]]
        if definition.get("@type") != "@id":
            wrong.append(local(prop))
    for prop in terms(ontology, OWL.DatatypeProperty):
        definition = context[by_iri[str(prop)]]
        rng = ontology.value(prop, RDFS.range)
        if rng == RDF.langString:
            ok = definition.get("@container") == "@language" and "@type" not in definition
        elif rng == URIRef(XSD_NS + "string"):
            ok = "@type" not in definition and "@container" not in definition
        else:
            ok = active.expand(definition.get("@type", "")) == str(rng)
        if not ok:
            wrong.append(local(prop))
    assert wrong == []
    assert context["isApproximate"] == {"@id": "shfz:isApproximate", "@type": "xsd:boolean"}
    assert context["numericValue"] == {"@id": "qudt:numericValue", "@type": "xsd:decimal"}
    assert context["occurredOn"] == {"@id": "shfz:occurredOn", "@type": "xsd:date"}
    for name in ("label", "prefLabel", "altLabel", "definition", "description", "title", "note"):
        assert context[name]["@container"] == "@language", name


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib
@pytest.mark.parametrize("which", ["data", "ontology"])
def test_context_round_trips(context: dict[str, Any], ontology: Graph, data: Graph, which: str) -> None:
    """Compacted with the context (a dict, never a URL) and read back with it, the graph is unchanged."""
    graph = data if which == "data" else ontology
    text = graph.serialize(format="json-ld", context=context)
    back = Graph().parse(data=text, format="json-ld", context=context)
    assert len(back) == len(graph)
    assert isomorphic(back, graph)


def test_compacted_data_is_readable(context: dict[str, Any], data: Graph) -> None:
    """Compact JSON-LD uses the short terms: a zone and its area figure as a reader sees them."""
    document = json.loads(data.serialize(format="json-ld", context=context))
    nodes = {node["@id"]: node for node in document["@graph"]}
    zone = nodes[str(ID["zone/huangpu"])]
    assert zone["@type"] == "LinkedInnovationZone"
    assert zone["label"] == {
        "en": "Huangpu linked innovation zone",
        "zh-Hans": "上海自贸试验区黄浦联动创新区",
    }
    assert zone["inDistrict"] == str(ID["district/huangpu"])
    assert zone["hasArea"] == str(ID["figure/huangpu-zone-area"])
    figure = nodes[str(ID["figure/huangpu-zone-area"])]
    assert {k: figure[k] for k in ("@type", "numericValue", "hasUnit", "isApproximate")} == {
        "@type": "Figure",
        "numericValue": "14.0",
        "hasUnit": "unit:KiloM2",
        "isApproximate": "true",
    }
    assert nodes[str(ID["event/press-briefing-2024-08-15"])]["occurredOn"] == "2024-08-15"
