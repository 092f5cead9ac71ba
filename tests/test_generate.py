"""Tests for benchmarks/generate.py: synthetic graphs that are deterministic, valid and answer every query."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef

from shfz_graph import catalog, reasoning, resources
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.query import engine
from shfz_graph.vocab import GRAPH, GRAPH_INFERRED, GRAPH_ONTOLOGY, ID, SHFZ

REPO = Path(__file__).resolve().parent.parent
SIZE = 2000


def _import_generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shfz_bench_generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _import_generate()


@pytest.fixture(scope="module")
def synthetic() -> Graph:
    """The small synthetic graph (seed 1)."""
    graph: Graph = generate.generate(SIZE, 1)
    return graph


@pytest.fixture(scope="module")
def synthetic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic graph written as Turtle by the command-line path."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.ttl"
    assert generate.write(SIZE, 1, path) == len(generate.generate(SIZE, 1))
    return path


@pytest.fixture(scope="module")
def kg_with_synthetic(
    synthetic_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """Our graph with the synthetic one loaded next to it, reasoned, in memory."""
    graph = load(extra_sources=[synthetic_file], cache_dir=tmp_path_factory.mktemp("cache"))
    yield graph
    graph.close()


def test_size_is_the_target_or_up_to_one_zone_more(synthetic: Graph) -> None:
    assert SIZE <= len(synthetic) <= SIZE + 150
    assert sum(1 for _ in generate.triples(SIZE, 1)) == len(synthetic)  # no duplicate triples
    for n in (1, 10_000):
        count = sum(1 for _ in generate.triples(n, 7))
        assert n <= count <= max(n, 300) + 150


def test_same_seed_same_graph_other_seed_other_graph(synthetic: Graph) -> None:
    assert set(generate.generate(SIZE, 1)) == set(synthetic)
    assert set(generate.generate(SIZE, 2)) != set(synthetic)


def test_rejects_a_size_below_one() -> None:
    with pytest.raises(ValueError, match="positive"):
        generate.triples(0, 1)


def test_written_turtle_and_ntriples_hold_the_same_triples(synthetic: Graph, tmp_path: Path) -> None:
    ttl, nt = tmp_path / "g.ttl", tmp_path / "g.nt"
    assert generate.main(["--triples", str(SIZE), "--seed", "1", "-o", str(ttl)]) == 0
    generate.write(SIZE, 1, nt)
    for path, fmt in ((ttl, "turtle"), (nt, "nt")):
        parsed = Graph().parse(path, format=fmt)
        assert set(parsed) == set(synthetic), path.name
    assert ttl.read_bytes() == (
        generate.write(SIZE, 1, tmp_path / "again.ttl") and (tmp_path / "again.ttl").read_bytes()
    )
    assert not list(tmp_path.glob("*.tmp"))


def test_rejects_an_unknown_output_suffix(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        generate.main(["--triples", "10", "-o", str(tmp_path / "g.rdf")])


def test_uses_our_vocabulary_in_both_languages(synthetic: Graph) -> None:
    classes = set(synthetic.objects(None, RDF.type))
    for cls in ("Programme", "LinkedInnovationZone", "FreeTradeZone", "District", "Municipality", "Site",
                "Sector", "Initiative", "Figure", "Announcement", "Person", "Post", "GovernmentBody",
                "SourceDocument", "ComprehensiveBondedArea"):  # fmt: skip
        assert SHFZ[cls] in classes, cls
    languages = {o.language for o in synthetic.objects() if isinstance(o, Literal) and o.language}
    assert languages == {"en", "zh-Hans"}
    subjects = {s for s in synthetic.subjects() if isinstance(s, URIRef)}
    assert all(str(s).startswith(str(ID)) for s in subjects)


@pytest.mark.slow  # pySHACL over the whole graph
def test_conforms_to_our_shapes_next_to_our_data(kg_with_synthetic: KnowledgeGraph) -> None:
    report = kg_with_synthetic.validate()
    assert report.conforms, report.text()
    assert kg_with_synthetic.counts()["extra/synthetic"] == len(generate.generate(SIZE, 1))


@pytest.mark.parametrize("name", [q.name for q in catalog.catalog() if not q.network])
def test_every_named_query_answers_next_to_our_data(kg_with_synthetic: KnowledgeGraph, name: str) -> None:
    result = kg_with_synthetic.query(name)
    assert result.boolean if result.kind == "ASK" else result.rows, name
    if name in _ABOUT_OUR_THINGS:
        return
    # the answer covers synthetic things too, not only those of data/*.ttl
    synthetic = {str(s) for s in generate.generate(SIZE, 1).subjects()}
    terms = {str(t) for row in result.rows for t in row.values() if t is not None}
    assert terms & synthetic, name


# Queries whose default parameters name one of our things (a zone, a site, a figure, Shanghai), and the
# one that sums over all zones into a single row.
_ABOUT_OUR_THINGS = {"figure-source", "located-in", "site-zone", "site-districts", "zone-description",
                     "zone-initiatives", "zone-sites", "total-area", "batch-zones", "batch-named-measures",
                     "district-by-code", "zone-statements", "ftz-extent-as-of",
                     "ftz-parts-and-linked-zones"}  # fmt: skip


@pytest.fixture(scope="module")
def synthetic_only(synthetic: Graph) -> Dataset:
    """The ontology, the synthetic graph alone (without data/*.ttl) and their closure, in an Oxigraph store
    (the `oxigraph` store of `load`; rdflib's own engine is held to Oxigraph's answers in test_supervisor)."""
    dataset = Dataset(store="Oxigraph", default_union=True)
    ontology = dataset.graph(GRAPH_ONTOLOGY)
    ontology.parse(resources.ontology_path(), format="turtle")
    data = dataset.graph(GRAPH["extra/synthetic"])
    data += synthetic
    dataset.graph(GRAPH_INFERRED).__iadd__(reasoning.closure([ontology, data]))
    return dataset


def _pick(graph: Graph, query: str) -> URIRef:
    """The first (by IRI) answer of a one-variable query over the synthetic graph."""
    values = sorted(str(row[0]) for row in graph.query(query))  # type: ignore[index]
    assert values, query
    return URIRef(values[0])


@pytest.mark.parametrize("name", [q.name for q in catalog.catalog() if not q.network])
def test_every_named_query_answers_on_the_synthetic_graph_alone(
    synthetic: Graph, synthetic_only: Dataset, name: str
) -> None:
    prefix = "PREFIX shfz: <https://w3id.org/shfz/ontology#> "
    things = {
        "zone": prefix + "SELECT ?x { ?x shfz:includesSite ?s ; shfz:hasInitiative ?i }",
        "site": prefix + "SELECT ?x { ?x shfz:siteIn ?z }",
        "figure": prefix + "SELECT ?x { ?x shfz:areaOf ?z }",
        "place": prefix + "SELECT ?x { ?x a shfz:Municipality }",
        "sector": prefix + "SELECT ?x { ?z shfz:hasFocusSector ?x . ?x a shfz:Sector }",
        "batch": prefix + "SELECT ?x { ?x shfz:hasMeasure ?m ; shfz:designatesZone ?z }",
        "code": prefix + "SELECT ?x { ?d a shfz:District ; shfz:divisionCode ?x }",
        "ftz": prefix + "SELECT ?x { ?x shfz:hasExpansion ?e }",
    }
    query = catalog.get(name)
    params: dict[str, str | URIRef] = {
        p.name: _pick(synthetic, things[p.name]) for p in query.parameters if p.name in things
    }
    if "code" in params:  # a plain string, not an IRI
        params["code"] = str(params["code"])
    result = engine.run(synthetic_only, query.text, bindings=query.bind(params), timeout=60)
    assert result.boolean if result.kind == "ASK" else result.rows, name
