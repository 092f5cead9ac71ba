"""reasoning: OWL 2 RL closure (owlrl and reasonable agree), noise removal, inconsistency, caching."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import shfz_graph
from shfz_graph import reasoning
from shfz_graph.errors import MissingExtraError, ParameterError
from shfz_graph.reasoning import InconsistencyError, cache, closure, consistency_problems, engines, is_noise
from shfz_graph.vocab import SHFZ

MINI = Path(__file__).parent / "fixtures" / "mini"
ID = "https://w3id.org/shfz/id/"
SHANGHAI = URIRef(ID + "municipality/shanghai")
DISTRICT = URIRef(ID + "district/huangpu")
BUND = URIRef(ID + "site/the-bund")
ZONE = URIRef(ID + "zone/huangpu")
REASONER_NAMES = ["owlrl", "reasonable"]
PREFIXES = """@prefix ex: <http://ex.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
EX = "http://ex.org/"

# The closure of tests/fixtures/mini, worked out by hand: types up the class tree, the transitive
# locatedIn and its inverse containsPlace, and the derived subclass links; nothing else.
MINI_CLOSURE = {
    (DISTRICT, RDF.type, SHFZ.AdministrativeArea),
    (DISTRICT, RDF.type, SHFZ.Place),
    (DISTRICT, SHFZ.containsPlace, BUND),
    (SHANGHAI, RDF.type, SHFZ.AdministrativeArea),
    (SHANGHAI, RDF.type, SHFZ.Place),
    (SHANGHAI, SHFZ.containsPlace, DISTRICT),
    (SHANGHAI, SHFZ.containsPlace, BUND),
    (BUND, RDF.type, SHFZ.Place),
    (BUND, SHFZ.locatedIn, SHANGHAI),
    (ZONE, RDF.type, SHFZ.Place),
    (ZONE, RDF.type, SHFZ.Zone),
    (SHFZ.District, RDFS.subClassOf, SHFZ.Place),
    (SHFZ.FreeTradeZone, RDFS.subClassOf, SHFZ.Place),
    (SHFZ.Municipality, RDFS.subClassOf, SHFZ.Place),
}


def mini_graphs() -> list[Graph]:
    return [
        Graph().parse(MINI / "ontology" / "shfz.ttl"),
        Graph().parse(MINI / "data" / "zones.ttl"),
        Graph().parse(MINI / "data" / "links.ttl"),
    ]


def ttl(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


@pytest.mark.parametrize("name", REASONER_NAMES)
def test_the_closure_holds_exactly_the_new_useful_triples(name: str) -> None:
    assert set(closure(mini_graphs(), reasoner=name)) == MINI_CLOSURE


@pytest.mark.parametrize("name", REASONER_NAMES)
def test_the_inputs_are_not_changed(name: str) -> None:
    graphs = mini_graphs()
    before = [set(graph) for graph in graphs]
    closure(graphs, reasoner=name)
    assert [set(graph) for graph in graphs] == before


def test_a_single_graph_is_accepted() -> None:
    union = Graph()
    for graph in mini_graphs():
        union += graph
    assert set(closure(union, reasoner="owlrl")) == MINI_CLOSURE


def test_owlrl_alone_would_add_the_noise_that_is_removed() -> None:
    union: set = set()
    for graph in mini_graphs():
        union |= set(graph)
    raw, problems = engines.run_owlrl(union)
    assert problems == []
    assert (ZONE, OWL.sameAs, ZONE) in raw
    assert (ZONE, RDF.type, OWL.Thing) in raw
    assert (rdflib.XSD.string, RDF.type, RDFS.Datatype) in raw
    assert {t for t in raw if not is_noise(t)} == MINI_CLOSURE


@pytest.mark.parametrize(
    "triple",
    [
        (ZONE, OWL.sameAs, ZONE),
        (ZONE, RDF.type, OWL.Thing),
        (ZONE, RDF.type, RDFS.Resource),
        (ZONE, RDF.type, OWL.NamedIndividual),
        (SHFZ.Zone, RDFS.subClassOf, OWL.Thing),
        (SHFZ.Zone, RDFS.subClassOf, SHFZ.Zone),
        (SHFZ.locatedIn, RDFS.subPropertyOf, SHFZ.locatedIn),
        (SHFZ.Zone, OWL.equivalentClass, SHFZ.Zone),
        (SHFZ.locatedIn, OWL.equivalentProperty, SHFZ.locatedIn),
        (SHFZ.locatedIn, RDFS.domain, OWL.Thing),
        (SHFZ.locatedIn, RDFS.range, RDFS.Resource),
        (OWL.Nothing, RDFS.subClassOf, SHFZ.Zone),
        (rdflib.XSD.decimal, RDF.type, RDFS.Datatype),
        (rdflib.XSD.anyURI, OWL.disjointWith, rdflib.XSD.boolean),
        (RDFS.label, RDF.type, OWL.AnnotationProperty),
        (OWL.Thing, RDF.type, OWL.Class),
        (Literal("14", datatype=rdflib.XSD.decimal), RDF.type, rdflib.XSD.decimal),
        (BNode("b1"), RDF.type, SHFZ.Figure),
        (ZONE, SHFZ.hasArea, BNode("b1")),
    ],
)
def test_noise(triple: tuple) -> None:
    assert is_noise(triple) is True


@pytest.mark.parametrize(
    "triple",
    [
        (ZONE, RDF.type, SHFZ.Zone),
        (BUND, SHFZ.locatedIn, SHANGHAI),
        (SHFZ.District, RDFS.subClassOf, SHFZ.Place),
        (SHFZ.locatedIn, RDFS.domain, SHFZ.Place),
        (ZONE, OWL.sameAs, ex("zone")),
        (ZONE, RDFS.label, Literal("Huangpu zone", lang="en")),
        (SHFZ.Zone, RDF.type, OWL.Class),
    ],
)
def test_not_noise(triple: tuple) -> None:
    assert is_noise(triple) is False


# --- both reasoners compute the same OWL 2 RL entailments (reasonable's gaps are filled in) ---

RULE_CASES = {
    "prp-ifp": (
        "ex:p a owl:InverseFunctionalProperty . ex:a ex:p ex:x . ex:b ex:p ex:x . ex:c ex:p ex:z .",
        {("a", OWL.sameAs, "b"), ("b", OWL.sameAs, "a")},
    ),
    "prp-fp": (
        "ex:p a owl:FunctionalProperty . ex:a ex:p ex:x, ex:y .",
        {("x", OWL.sameAs, "y"), ("y", OWL.sameAs, "x")},
    ),
    "prp-spo2": (
        "ex:r owl:propertyChainAxiom ( ex:p ex:q ) . ex:a ex:p ex:b . ex:b ex:q ex:c .",
        {("a", "r", "c")},
    ),
    "prp-key": (
        "ex:C owl:hasKey ( ex:k ) . ex:a a ex:C ; ex:k ex:v . ex:b a ex:C ; ex:k ex:v ."
        " ex:c a ex:C ; ex:k ex:w , ex:u . ex:d a ex:C ; ex:k ex:u .",
        {
            ("a", OWL.sameAs, "b"),
            ("b", OWL.sameAs, "a"),
            ("c", OWL.sameAs, "d"),
            ("d", OWL.sameAs, "c"),
            ("d", "k", "w"),
        },
    ),
    "cls-maxc2": (
        "ex:C rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:maxCardinality 1 ] ."
        " ex:a a ex:C ; ex:p ex:x, ex:y .",
        {("x", OWL.sameAs, "y"), ("y", OWL.sameAs, "x")},
    ),
    "prp-trp+inv": (
        "ex:p a owl:TransitiveProperty ; owl:inverseOf ex:q . ex:a ex:p ex:b . ex:b ex:p ex:c .",
        {("a", "p", "c"), ("b", "q", "a"), ("c", "q", "b"), ("c", "q", "a")},
    ),
    "eq-rep": (
        "ex:a owl:sameAs ex:b . ex:a ex:p ex:x .",
        {("b", OWL.sameAs, "a"), ("b", "p", "x")},
    ),
    "cls-svf1": (
        "ex:C owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:D ] ."
        " ex:a ex:p ex:b . ex:b a ex:D .",
        {("a", RDF.type, "C")},
    ),
    "scm": (
        "ex:p rdfs:domain ex:C . ex:q rdfs:subPropertyOf ex:p . ex:C rdfs:subClassOf ex:D ."
        " ex:p owl:equivalentProperty ex:s .",
        {
            ("p", RDFS.domain, "D"),
            ("q", RDFS.domain, "C"),
            ("q", RDFS.domain, "D"),
            ("s", RDFS.domain, "C"),
            ("s", RDFS.domain, "D"),
            ("p", RDFS.subPropertyOf, "s"),
            ("s", RDFS.subPropertyOf, "p"),
            ("q", RDFS.subPropertyOf, "s"),
            ("s", OWL.equivalentProperty, "p"),
        },
    ),
    "scm-int-uni": (
        "ex:C owl:intersectionOf ( ex:D ex:E ) . ex:F owl:unionOf ( ex:G ex:H ) .",
        {
            ("C", RDFS.subClassOf, "D"),
            ("C", RDFS.subClassOf, "E"),
            ("G", RDFS.subClassOf, "F"),
            ("H", RDFS.subClassOf, "F"),
        },
    ),
}


def expand(triples: set[tuple]) -> set[tuple]:
    return {tuple(term if isinstance(term, URIRef) else ex(term) for term in triple) for triple in triples}


@pytest.mark.parametrize("name", REASONER_NAMES)
@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_rule(case: str, name: str) -> None:
    body, expected = RULE_CASES[case]
    assert set(closure(ttl(body), reasoner=name)) == expand(expected)


def test_reasonable_alone_would_merge_all_subjects_of_an_inverse_functional_property() -> None:
    """The upstream bug worked around in _run_reasonable (reasonable 0.4.4)."""
    import reasonable

    engine = reasonable.PyReasoner()
    engine.from_graph(ttl("ex:p a owl:InverseFunctionalProperty . ex:a ex:p ex:x . ex:c ex:p ex:z ."))
    assert (ex("a"), OWL.sameAs, ex("c")) in set(engine.reason())
    assert (
        set(closure(ttl("ex:p a owl:InverseFunctionalProperty . ex:a ex:p ex:x . ex:c ex:p ex:z ."))) == set()
    )


def test_reasonable_output_keeps_simple_literals_simple() -> None:
    inferred = closure(
        ttl('ex:p rdfs:subPropertyOf ex:q . ex:a ex:p "x", "y"^^xsd:string .'), reasoner="reasonable"
    )
    assert set(inferred) == {(ex("a"), ex("q"), Literal("x")), (ex("a"), ex("q"), Literal("y"))}


# --- inconsistency ---

DISJOINT = "ex:C owl:disjointWith ex:D . ex:E rdfs:subClassOf ex:D . ex:a a ex:C, ex:E ."


def test_owlrl_reports_its_own_error_messages() -> None:
    with pytest.raises(InconsistencyError) as caught:
        closure(ttl(DISJOINT), reasoner="owlrl")
    problem = "Disjoint classes http://ex.org/C and http://ex.org/D have a common individual http://ex.org/a"
    assert caught.value.problems == [problem]
    assert caught.value.reasoner == "owlrl"
    assert str(caught.value) == f"inconsistent graph (1 problem, owlrl): {problem}"


def test_reasonable_inconsistency_is_found_by_our_checker() -> None:
    with pytest.raises(InconsistencyError) as caught:
        closure(ttl(DISJOINT), reasoner="reasonable")
    assert caught.value.problems == [
        "<http://ex.org/a> is a member of disjoint classes <http://ex.org/C> and <http://ex.org/D>"
    ]


@pytest.mark.parametrize("name", REASONER_NAMES)
def test_a_member_of_nothing_is_inconsistent(name: str) -> None:
    with pytest.raises(InconsistencyError) as caught:
        closure(ttl("ex:C rdfs:subClassOf owl:Nothing . ex:a a ex:C ."), reasoner=name)
    expected = {
        "owlrl": ["http://ex.org/a is defined of type 'Nothing'"],
        "reasonable": ["<http://ex.org/a> is a member of owl:Nothing"],
    }
    assert caught.value.problems == expected[name]


@pytest.mark.parametrize("name", REASONER_NAMES)
def test_the_mini_data_with_a_zone_that_is_a_district_is_inconsistent(name: str) -> None:
    graphs = [*mini_graphs(), ttl(f"<{ZONE}> a <{SHFZ.District}> .")]
    with pytest.raises(InconsistencyError) as caught:
        closure(graphs, reasoner=name)
    assert len(caught.value.problems) == 1
    assert str(ZONE) in caught.value.problems[0]


@pytest.mark.parametrize("name", REASONER_NAMES)
def test_ill_typed_literals_are_inconsistent_and_do_not_crash_owlrl(name: str) -> None:
    with pytest.raises(InconsistencyError) as caught:
        closure(ttl('ex:a ex:area "about 14"^^xsd:decimal .'), reasoner=name)
    assert caught.value.problems == [
        'ill-typed literal "about 14"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    ]


CONSISTENCY_CASES = {
    "cls-nothing2": ("ex:a a owl:Nothing .", ["<http://ex.org/a> is a member of owl:Nothing"]),
    "cax-dw": (
        "ex:D owl:disjointWith ex:C . ex:a a ex:C, ex:D .",
        ["<http://ex.org/a> is a member of disjoint classes <http://ex.org/C> and <http://ex.org/D>"],
    ),
    "cax-adc": (
        "[] a owl:AllDisjointClasses ; owl:members ( ex:C ex:D ex:E ) . ex:a a ex:C, ex:E .",
        ["<http://ex.org/a> is a member of disjoint classes <http://ex.org/C> and <http://ex.org/E>"],
    ),
    "cls-com": (
        "ex:C owl:complementOf ex:D . ex:a a ex:C, ex:D .",
        ["<http://ex.org/a> is a member of complementary classes <http://ex.org/C> and <http://ex.org/D>"],
    ),
    "eq-diff1": (
        "ex:a owl:sameAs ex:b ; owl:differentFrom ex:b .",
        ["<http://ex.org/a> and <http://ex.org/b> are both owl:sameAs and owl:differentFrom"],
    ),
    "eq-diff2": (
        "[] a owl:AllDifferent ; owl:members ( ex:a ex:b ) . ex:b owl:sameAs ex:a .",
        ["<http://ex.org/a> and <http://ex.org/b> are both owl:sameAs and owl:differentFrom"],
    ),
    "eq-diff3": (
        "[] a owl:AllDifferent ; owl:distinctMembers ( ex:a ex:b ) . ex:a owl:sameAs ex:b .",
        ["<http://ex.org/a> and <http://ex.org/b> are both owl:sameAs and owl:differentFrom"],
    ),
    "prp-irp": (
        "ex:p a owl:IrreflexiveProperty . ex:a ex:p ex:a . ex:b ex:p ex:a .",
        ["<http://ex.org/a> <http://ex.org/p> itself, but the property is irreflexive"],
    ),
    "prp-asyp": (
        "ex:p a owl:AsymmetricProperty . ex:a ex:p ex:b . ex:b ex:p ex:a . ex:b ex:p ex:c .",
        ["<http://ex.org/a> and <http://ex.org/b> are linked both ways by asymmetric <http://ex.org/p>"],
    ),
    "prp-pdw": (
        "ex:p owl:propertyDisjointWith ex:q . ex:a ex:p ex:b ; ex:q ex:b .",
        [
            "<http://ex.org/a> is linked to <http://ex.org/b> by disjoint properties"
            " <http://ex.org/p> and <http://ex.org/q>"
        ],
    ),
    "prp-adp": (
        "[] a owl:AllDisjointProperties ; owl:members ( ex:p ex:q ) . ex:a ex:p ex:b ; ex:q ex:b .",
        [
            "<http://ex.org/a> is linked to <http://ex.org/b> by disjoint properties"
            " <http://ex.org/p> and <http://ex.org/q>"
        ],
    ),
    "prp-npa1": (
        "[] a owl:NegativePropertyAssertion ; owl:sourceIndividual ex:a ; owl:assertionProperty ex:p ;"
        " owl:targetIndividual ex:b . ex:a ex:p ex:b .",
        ["<http://ex.org/a> <http://ex.org/p> <http://ex.org/b> is asserted and negated"],
    ),
    "prp-npa2": (
        "[] a owl:NegativePropertyAssertion ; owl:sourceIndividual ex:a ; owl:assertionProperty ex:p ;"
        ' owl:targetValue "v" . ex:a ex:p "v" .',
        ['<http://ex.org/a> <http://ex.org/p> "v" is asserted and negated'],
    ),
    "cls-maxc1": (
        "ex:R owl:onProperty ex:p ; owl:maxCardinality 0 . ex:a a ex:R ; ex:p ex:b .",
        ["<http://ex.org/a> has a value for <http://ex.org/p>, which is restricted to none"],
    ),
    "cls-maxqc1": (
        "ex:R owl:onProperty ex:p ; owl:maxQualifiedCardinality 0 ; owl:onClass ex:C ."
        " ex:a a ex:R ; ex:p ex:b, ex:c . ex:b a ex:C .",
        ["<http://ex.org/a> has a value for <http://ex.org/p>, which is restricted to none"],
    ),
    "dt-not-type": (
        'ex:a ex:p "x"^^xsd:integer .',
        ['ill-typed literal "x"^^<http://www.w3.org/2001/XMLSchema#integer>'],
    ),
    "consistent": (
        "ex:C owl:disjointWith ex:D . ex:a a ex:C . ex:b a ex:D . ex:p a owl:IrreflexiveProperty ."
        " ex:a ex:p ex:b . ex:R owl:onProperty ex:p ; owl:maxQualifiedCardinality 0 ; owl:onClass ex:C ."
        " ex:a a ex:R .",
        [],
    ),
}


@pytest.mark.parametrize("case", sorted(CONSISTENCY_CASES))
def test_consistency_rule(case: str) -> None:
    body, expected = CONSISTENCY_CASES[case]
    assert consistency_problems(ttl(body)) == expected


# --- choosing a reasoner ---


def test_auto_prefers_reasonable_when_installed() -> None:
    assert reasoning.resolve_reasoner("auto") == "reasonable"
    assert reasoning.resolve_reasoner("owlrl") == "owlrl"


def test_auto_falls_back_to_owlrl_and_an_explicit_reasonable_names_the_extra(monkeypatch) -> None:
    real = engines.importlib.util.find_spec
    monkeypatch.setattr(
        engines.importlib.util, "find_spec", lambda name: None if name == "reasonable" else real(name)
    )
    assert reasoning.resolve_reasoner("auto") == "owlrl"
    with pytest.raises(MissingExtraError) as caught:
        reasoning.resolve_reasoner("reasonable")
    assert str(caught.value) == "reasonable is not installed: pip install 'shfz-graph[fast]'"
    assert isinstance(caught.value, ImportError)


def test_an_unknown_reasoner_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError) as caught:
        closure(mini_graphs(), reasoner="hermit")
    assert str(caught.value) == "unknown reasoner 'hermit'; choose one of auto, owlrl, reasonable"


# --- cache ---


def test_default_cache_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHFZ_GRAPH_CACHE", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert reasoning.default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("SHFZ_GRAPH_CACHE")
    assert reasoning.default_cache_dir() == tmp_path / "xdg" / "shfz-graph"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert reasoning.default_cache_dir() == tmp_path / "home" / ".cache" / "shfz-graph"


def test_the_cache_file_is_named_by_hash_reasoner_and_versions(tmp_path: Path) -> None:
    path = reasoning.cache_file("ab12", "owlrl", tmp_path)
    owlrl_version = importlib.metadata.version("owlrl")
    assert path == tmp_path / f"closure-v1-ab12-owlrl-{owlrl_version}-shfz-{shfz_graph.__version__}.nt"
    auto = reasoning.cache_file("ab12", "auto", tmp_path).name
    assert auto == f"closure-v1-ab12-reasonable-{importlib.metadata.version('reasonable')}-shfz-0.1.0.nt"


def test_the_default_cache_is_the_test_cache(_isolated_cache: Path) -> None:
    assert reasoning.cache_file("h", "owlrl").parent == _isolated_cache


def fail(*args: object) -> None:
    raise AssertionError("the reasoner ran although the closure is cached")


@pytest.mark.parametrize("name", REASONER_NAMES)
def test_a_cached_closure_is_not_computed_again(name: str, tmp_path: Path, monkeypatch) -> None:
    first = closure(mini_graphs(), reasoner=name, source_hash="h1", cache_dir=tmp_path)
    path = reasoning.cache_file("h1", name, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(MINI_CLOSURE)
    assert lines == sorted(lines)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind

    monkeypatch.setattr(engines, "run_owlrl", fail)
    monkeypatch.setattr(engines, "run_reasonable", fail)
    second = closure(mini_graphs(), reasoner=name, source_hash="h1", cache_dir=tmp_path)
    assert set(second) == set(first) == MINI_CLOSURE
    with pytest.raises(AssertionError, match="the reasoner ran"):
        closure(mini_graphs(), reasoner=name, source_hash="h2", cache_dir=tmp_path)


def test_without_a_source_hash_nothing_is_cached(_isolated_cache: Path) -> None:
    closure(mini_graphs(), reasoner="reasonable")
    assert list(_isolated_cache.iterdir()) == []


def test_a_damaged_cache_file_is_recomputed_and_replaced(tmp_path: Path) -> None:
    path = reasoning.cache_file("h", "reasonable", tmp_path)
    path.write_text("this is not N-Triples\n")
    assert (
        set(closure(mini_graphs(), reasoner="reasonable", source_hash="h", cache_dir=tmp_path))
        == MINI_CLOSURE
    )
    assert len(path.read_text().splitlines()) == len(MINI_CLOSURE)


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    inferred = closure(mini_graphs(), reasoner="reasonable", source_hash="h", cache_dir=blocker / "cache")
    assert set(inferred) == MINI_CLOSURE


def test_the_cache_writes_sorted_ntriples_and_reads_them_back(tmp_path: Path) -> None:
    closed = Graph()
    for triple in MINI_CLOSURE:
        closed.add(triple)
    path = tmp_path / "deeper" / "closure.nt"
    cache.write(path, closed)
    lines = path.read_bytes().splitlines()
    assert (len(lines), lines == sorted(lines)) == (len(MINI_CLOSURE), True)
    back = cache.read(path)
    assert back is not None and isomorphic(back, closed)
    assert cache.read(tmp_path / "missing.nt") is None


def test_the_cache_bulk_loads_into_an_oxigraph_store_and_refuses_a_damaged_file(tmp_path: Path) -> None:
    import pyoxigraph

    closed = Graph()
    for triple in MINI_CLOSURE:
        closed.add(triple)
    path = tmp_path / "closure.nt"
    cache.write(path, closed)
    store = pyoxigraph.Store()
    inferred = "https://w3id.org/shfz/graph/inferred"
    assert cache.bulk_load(store, path, inferred) is True
    assert len(store) == len(MINI_CLOSURE)
    store.clear()
    path.write_text(path.read_text(encoding="utf-8") + "<broken\n", encoding="utf-8")
    assert cache.bulk_load(store, path, inferred) is False
    assert len(store) == 0  # whatever was loaded before the damaged line is removed again
    assert cache.bulk_load(store, tmp_path / "missing.nt", inferred) is False


def test_an_inconsistent_input_is_not_cached(tmp_path: Path) -> None:
    with pytest.raises(InconsistencyError):
        closure(ttl(DISJOINT), reasoner="reasonable", source_hash="h", cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- the real ontology and data ---


@pytest.mark.slow  # the owlrl closure of the real graph
def test_the_real_graph_is_consistent_and_both_reasoners_agree(kg, kg_owlrl) -> None:
    assert kg.reasoner == "reasonable"
    assert kg_owlrl.reasoner == "owlrl"
    assert set(kg.graph("inferred")) == set(kg_owlrl.graph("inferred"))
    assert len(kg_owlrl.graph("inferred")) > 0


@pytest.mark.slow  # the owlrl closure of the real graph
def test_the_bund_is_inferred_to_be_in_shanghai(kg, kg_owlrl) -> None:
    triple = (BUND, SHFZ.locatedIn, SHANGHAI)
    for graph in (kg, kg_owlrl):
        assert triple in graph.graph("inferred")
        assert not any(triple in graph.graph(name) for name in graph.names if name != "inferred")


def test_the_real_closure_is_free_of_noise(kg) -> None:
    inferred = set(kg.graph("inferred"))
    assert [t for t in inferred if is_noise(t)] == []
    asserted = {t for name in kg.names if name != "inferred" for t in kg.graph(name)}
    assert inferred & asserted == set()
    # no two different zones were merged (the reasonable inverse-functional bug would do that)
    zones = {s for name in kg.names for s in kg.graph(name).subjects(RDF.type, SHFZ.Zone)}
    assert len(zones) > 1
    assert [t for t in inferred if t[1] == OWL.sameAs and t[0] in zones] == []
