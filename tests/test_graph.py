"""graph.load(): named graphs per file, source hash, stores, caching, errors; KnowledgeGraph helpers."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef

from shfz_graph import reasoning, resources
from shfz_graph.errors import InputError, MissingExtraError, ParameterError
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.loading import sources
from shfz_graph.reasoning import InconsistencyError, engines
from shfz_graph.vocab import GRAPH, GRAPH_INFERRED, GRAPH_LINKS, GRAPH_ONTOLOGY, GRAPH_ZONES, SHFZ

MINI = Path(__file__).parent / "fixtures" / "mini"
REPO = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/shfz/id/"
SHANGHAI = URIRef(ID + "municipality/shanghai")
DISTRICT = URIRef(ID + "district/huangpu")
BUND = URIRef(ID + "site/the-bund")
ZONE = URIRef(ID + "zone/huangpu")
MINI_COUNTS = {"ontology": 28, "links": 1, "zones": 13, "inferred": 14}
BROKEN = """@prefix shfz: <https://w3id.org/shfz/ontology#> .

<https://w3id.org/shfz/id/zone/a> a shfz:Zone ;
    shfz:locatedIn .
"""


def expected_hash(paths: list[tuple[str, Path]]) -> str:
    """The source hash as documented: sha256 over name, size and bytes of each source in load order."""
    digest = hashlib.sha256()
    for name, path in paths:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the mini checkout, used by `resources`."""
    root = tmp_path / "checkout"
    shutil.copytree(MINI, root)
    monkeypatch.setattr(resources, "search_roots", lambda: [root])
    return root


def fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("this step should have been skipped")


# --- the mini checkout ---


@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")  # rdflib's own
def test_load_gives_one_named_graph_per_file_and_the_closure(mini: Path) -> None:
    kg = load(reasoner="owlrl")
    assert kg.names == ["ontology", "links", "zones", "inferred"]
    assert kg.counts() == MINI_COUNTS
    assert [(s.name, s.path, s.graph, s.format) for s in kg.sources] == [
        ("ontology", mini / "ontology" / "shfz.ttl", GRAPH_ONTOLOGY, "turtle"),
        ("links", mini / "data" / "links.ttl", GRAPH_LINKS, "turtle"),
        ("zones", mini / "data" / "zones.ttl", GRAPH_ZONES, "turtle"),
    ]
    assert kg.reasoned is True
    assert kg.reasoner == "owlrl"
    assert kg.store == "memory"
    assert kg.dataset.default_union is True
    assert {g.identifier for g in kg.dataset.graphs()} >= {
        GRAPH_ONTOLOGY,
        GRAPH_LINKS,
        GRAPH_ZONES,
        GRAPH_INFERRED,
    }
    assert (BUND, SHFZ.locatedIn, SHANGHAI) in kg.graph("inferred")
    assert (BUND, SHFZ.locatedIn, SHANGHAI) in kg.dataset  # the default graph is the union


def test_each_graph_holds_exactly_its_file(mini: Path) -> None:
    kg = load(reason=False)
    for name, path in [("ontology", mini / "ontology" / "shfz.ttl"), ("zones", mini / "data" / "zones.ttl")]:
        assert len(kg.graph(name)) == len(Graph().parse(path))
        assert {t for t in kg.graph(name) if not any(isinstance(x, BNode) for x in t)} == {
            t for t in Graph().parse(path) if not any(isinstance(x, BNode) for x in t)
        }


def test_the_source_hash_covers_every_source(checkout: Path) -> None:
    kg = load(reason=False)
    sources = [
        ("ontology", checkout / "ontology" / "shfz.ttl"),
        ("links", checkout / "data" / "links.ttl"),
        ("zones", checkout / "data" / "zones.ttl"),
    ]
    assert kg.source_hash == expected_hash(sources)
    with (checkout / "data" / "links.ttl").open("a") as handle:
        handle.write("\n")
    assert load(reason=False).source_hash == expected_hash(sources) != kg.source_hash


def test_without_reasoning_there_is_no_inferred_graph(mini: Path) -> None:
    kg = load(reason=False)
    assert kg.reasoned is False
    assert kg.reasoner is None
    assert kg.counts() == {"ontology": 28, "links": 1, "zones": 13}
    with pytest.raises(ParameterError) as caught:
        kg.graph("inferred")
    assert str(caught.value) == "unknown graph 'inferred'; known graphs: ontology, links, zones"


def test_graphs_by_name_or_iri(mini: Path) -> None:
    kg = load(reason=False)
    assert kg.graph(str(GRAPH_ZONES)).identifier == GRAPH_ZONES
    assert kg.graph("zones").identifier == GRAPH_ZONES


def test_class_counts_count_distinct_instances_over_the_union(mini: Path) -> None:
    kg = load(reasoner="reasonable")
    counts = kg.class_counts()
    assert counts[SHFZ.Place] == 4
    assert counts[SHFZ.AdministrativeArea] == 2
    assert counts[SHFZ.Zone] == 1
    assert list(counts.items())[:3] == [
        (URIRef("http://www.w3.org/2002/07/owl#Class"), 8),
        (SHFZ.Place, 4),
        (URIRef("http://www.w3.org/2002/07/owl#ObjectProperty"), 3),
    ]
    assert len(counts) == 12
    assert load(reason=False).class_counts()[SHFZ.FreeTradeZone] == 1
    assert SHFZ.Place not in load(reason=False).class_counts()


def test_describe_follows_blank_nodes_and_adds_incoming_triples(mini: Path) -> None:
    kg = load(reasoner="reasonable")
    zone = kg.describe(ZONE)
    area = zone.value(ZONE, SHFZ.hasArea)
    assert isinstance(area, BNode)
    assert set(zone) == {
        (ZONE, RDF.type, SHFZ.FreeTradeZone),
        (ZONE, RDF.type, SHFZ.Zone),
        (ZONE, RDF.type, SHFZ.Place),
        (ZONE, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Huangpu zone", lang="en")),
        (ZONE, SHFZ.hasArea, area),
        (area, SHFZ.numericValue, Literal("14", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))),
    }
    district = kg.describe(str(DISTRICT))
    assert (BUND, SHFZ.locatedIn, DISTRICT) in district
    assert (SHANGHAI, SHFZ.containsPlace, DISTRICT) in district
    assert len(district) == 8
    assert dict(district.namespaces())["shfz"] == URIRef(str(SHFZ))
    assert len(kg.describe("https://w3id.org/shfz/id/zone/unknown")) == 0


def test_extra_sources_get_their_own_graph_and_take_part_in_reasoning(mini: Path, tmp_path: Path) -> None:
    extra = tmp_path / "my-sites.nt"
    extra.write_text(f"<{ID}site/new> <{SHFZ.locatedIn}> <{BUND}> .\n")
    kg = load(reasoner="reasonable", extra_sources=[extra])
    assert kg.names == ["ontology", "links", "zones", "extra/my-sites", "inferred"]
    assert kg.graph("extra/my-sites").identifier == GRAPH["extra/my-sites"]
    assert kg.counts()["extra/my-sites"] == 1
    assert (URIRef(ID + "site/new"), SHFZ.locatedIn, SHANGHAI) in kg.graph("inferred")
    assert kg.source_hash != load(reason=False).source_hash


def test_extra_sources_must_be_a_known_type_with_distinct_names(mini: Path, tmp_path: Path) -> None:
    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n")
    with pytest.raises(InputError) as caught:
        load(reason=False, extra_sources=[csv])
    assert str(caught.value) == (
        f"{csv}: unsupported RDF file type '.csv' (supported: .jsonld, .n3, .nt, .owl, .rdf, .ttl, .xml)"
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.ttl").write_text("")
    (tmp_path / "x.ttl").write_text("")
    with pytest.raises(InputError) as caught:
        load(reason=False, extra_sources=[tmp_path / "x.ttl", tmp_path / "a" / "x.ttl"])
    assert str(caught.value) == f"{tmp_path / 'a' / 'x.ttl'}: another extra source is also named 'x'"


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_json_ld_extra_sources_are_parsed_offline(mini: Path, tmp_path: Path, store: str) -> None:
    doc = tmp_path / "more.jsonld"
    doc.write_text(
        json.dumps(
            {
                "@context": {"shfz": str(SHFZ)},
                "@id": ID + "site/new",
                "shfz:locatedIn": {"@id": str(BUND)},
            }
        )
    )
    kg = load(store=store, reasoner="reasonable", extra_sources=[doc])
    assert set(kg.graph("extra/more")) == {(URIRef(ID + "site/new"), SHFZ.locatedIn, BUND)}
    assert (URIRef(ID + "site/new"), SHFZ.locatedIn, SHANGHAI) in kg.graph("inferred")
    doc.write_text(json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:x"}))
    with pytest.raises(InputError) as caught:
        load(store=store, reason=False, extra_sources=[doc])
    assert str(caught.value).startswith(
        f"{doc}: JSON-LD context 'http://127.0.0.1:9/context.jsonld' is not fetched"
    )


def test_a_missing_extra_source_is_an_input_error(mini: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(reason=False, extra_sources=[tmp_path / "gone.ttl"])
    assert str(caught.value) == f"{tmp_path / 'gone.ttl'}: cannot read: No such file or directory"


def test_a_data_file_may_not_take_a_reserved_name(checkout: Path) -> None:
    (checkout / "data" / "inferred.ttl").write_text("")
    with pytest.raises(InputError) as caught:
        load(reason=False)
    assert (
        str(caught.value)
        == f"{checkout / 'data' / 'inferred.ttl'}: data file name clashes with the reserved graph 'inferred'"
    )


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("memory", "{path}:4: Turtle syntax error: objectList expected"),
        ("oxigraph", "{path}:4: Turtle syntax error: . is not a valid RDF object"),
    ],
)
def test_a_syntax_error_names_file_and_line(checkout: Path, store: str, message: str) -> None:
    path = checkout / "data" / "zones.ttl"
    path.write_text(BROKEN)
    with pytest.raises(InputError) as caught:
        load(store=store)
    assert str(caught.value) == message.format(path=path)
    assert caught.value.path == path
    assert caught.value.line == 4


def test_an_undeclared_prefix_names_file_and_line(checkout: Path) -> None:
    path = checkout / "data" / "links.ttl"
    path.write_text("@prefix shfz: <https://w3id.org/shfz/ontology#> .\n<urn:a> a foo:Zone .\n")
    with pytest.raises(InputError) as caught:
        load()
    assert str(caught.value) == f'{path}:2: Turtle syntax error: Prefix "foo:" not bound'


def test_an_inconsistent_graph_fails_to_load(checkout: Path) -> None:
    with (checkout / "data" / "zones.ttl").open("a") as handle:
        handle.write(f"\n<{ZONE}> a <{SHFZ.Municipality}> .\n")
    with pytest.raises(InconsistencyError):
        load(reasoner="reasonable")
    assert load(reason=False).counts()["zones"] == 14


def test_a_second_load_reads_the_closure_from_the_cache(
    mini: Path, _isolated_cache: Path, monkeypatch
) -> None:
    first = load(reasoner="owlrl")
    assert len(list(_isolated_cache.iterdir())) == 1
    monkeypatch.setattr(engines, "run_owlrl", fail)
    second = load(reasoner="owlrl")
    assert set(second.graph("inferred")) == set(first.graph("inferred"))
    assert second.counts() == MINI_COUNTS


def test_an_explicit_cache_dir_is_used(mini: Path, tmp_path: Path, _isolated_cache: Path) -> None:
    load(reasoner="reasonable", cache_dir=tmp_path / "here")
    assert len(list((tmp_path / "here").iterdir())) == 1
    assert list(_isolated_cache.iterdir()) == []


def test_options_are_checked(mini: Path, tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as caught:
        load(store="sqlite")
    assert str(caught.value) == "unknown store 'sqlite'; choose one of memory, oxigraph"
    with pytest.raises(ParameterError) as caught:
        load(store_path=tmp_path / "db")
    assert str(caught.value) == "store_path needs store='oxigraph'"
    with pytest.raises(ParameterError) as caught:
        load(reason=False, reasoner="pellet")
    assert str(caught.value) == "unknown reasoner 'pellet'; choose one of auto, owlrl, reasonable"


# --- Oxigraph ---


def test_the_oxigraph_store_holds_the_same_graphs(mini: Path) -> None:
    memory = load(reasoner="reasonable")
    ox = load(store="oxigraph", reasoner="reasonable")
    assert ox.store == "oxigraph"
    assert type(ox.dataset.store).__name__ == "OxigraphStore"
    assert ox.counts() == memory.counts() == MINI_COUNTS
    assert set(ox.graph("inferred")) == set(memory.graph("inferred"))
    assert ox.class_counts() == memory.class_counts()
    assert len(ox.describe(ZONE)) == len(memory.describe(ZONE)) == 6


def test_a_warm_oxigraph_load_bulk_loads_the_cached_closure(
    mini: Path, _isolated_cache: Path, monkeypatch
) -> None:
    memory = load(reasoner="reasonable")  # fills the cache
    monkeypatch.setattr(reasoning, "closure", fail)  # neither reasoning nor rdflib's parse of the cache
    ox = load(store="oxigraph", reasoner="reasonable")
    assert ox.counts() == MINI_COUNTS
    assert set(ox.graph("inferred")) == set(memory.graph("inferred"))


def test_a_damaged_cache_on_oxigraph_means_reasoning_again(mini: Path, _isolated_cache: Path) -> None:
    memory = load(reasoner="reasonable")
    (cache,) = _isolated_cache.iterdir()
    cache.write_text("<broken\n", encoding="utf-8")
    ox = load(store="oxigraph", reasoner="reasonable")
    assert set(ox.graph("inferred")) == set(memory.graph("inferred"))
    assert ox.counts() == MINI_COUNTS


@pytest.mark.parametrize("module", ["pyoxigraph", "oxrdflib"])
def test_a_missing_oxigraph_extra_is_named(mini: Path, monkeypatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, "oxrdflib.store", None)
    with pytest.raises(MissingExtraError) as caught:
        load(store="oxigraph")
    assert str(caught.value) == f"{module} is not installed: pip install 'shfz-graph[oxigraph]'"
    assert caught.value.extra == "oxigraph"
    assert isinstance(caught.value, ImportError)


def test_an_on_disk_store_is_reused_while_the_sources_are_unchanged(
    checkout: Path, tmp_path: Path, monkeypatch
) -> None:
    db = tmp_path / "db"
    with load(store="oxigraph", store_path=db, reasoner="reasonable") as kg:
        assert kg.counts() == MINI_COUNTS
        source_hash = kg.source_hash
    meta = json.loads((tmp_path / "db.meta.json").read_text())
    assert meta == {
        "format": 1,
        "source_hash": source_hash,
        "graphs": ["ontology", "links", "zones"],
        "reasoner": "reasonable",
    }

    with monkeypatch.context() as patch:
        patch.setattr(sources, "parse_into", fail)
        patch.setattr(reasoning, "closure", fail)
        with load(store="oxigraph", store_path=db, reasoner="reasonable") as kg:
            assert kg.counts() == MINI_COUNTS
            assert (BUND, SHFZ.locatedIn, SHANGHAI) in kg.graph("inferred")

    # without reasoning, the inferences are dropped from the store (and come back from the cache)
    with monkeypatch.context() as patch:
        patch.setattr(sources, "parse_into", fail)
        with load(store="oxigraph", store_path=db, reason=False) as kg:
            assert kg.counts() == {"ontology": 28, "links": 1, "zones": 13}
            assert len(kg.dataset.graph(GRAPH_INFERRED)) == 0
        with load(store="oxigraph", store_path=db, reasoner="reasonable") as kg:
            assert kg.counts() == MINI_COUNTS

    # a changed source empties and refills the store
    with (checkout / "data" / "links.ttl").open("a") as handle:
        handle.write(f"<{ZONE}> <{SHFZ.locatedIn}> <{SHANGHAI}> .\n")
    with load(store="oxigraph", store_path=db, reasoner="reasonable") as kg:
        assert kg.counts() == {"ontology": 28, "links": 2, "zones": 13, "inferred": 15}
        assert kg.source_hash != source_hash


def test_a_store_that_failed_half_way_is_rebuilt(checkout: Path, tmp_path: Path) -> None:
    db = tmp_path / "db"
    good = (checkout / "data" / "zones.ttl").read_text()
    (checkout / "data" / "zones.ttl").write_text(BROKEN)
    with pytest.raises(InputError):
        load(store="oxigraph", store_path=db)
    assert not (tmp_path / "db.meta.json").exists()
    (checkout / "data" / "zones.ttl").write_text(good)
    with load(store="oxigraph", store_path=db) as kg:
        assert kg.counts() == MINI_COUNTS


def test_a_directory_that_is_not_a_store_is_refused(mini: Path, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    with pytest.raises(InputError) as caught:
        load(store="oxigraph", store_path=tmp_path / "notes")
    assert str(caught.value) == f"{tmp_path / 'notes'}: exists and is not an Oxigraph store directory"
    assert os.listdir(tmp_path / "notes") == ["todo.txt"]


def test_an_open_store_is_locked_until_closed(mini: Path, tmp_path: Path) -> None:
    kg = load(store="oxigraph", store_path=tmp_path / "db", reason=False)
    with pytest.raises(InputError, match="cannot open the Oxigraph store"):
        load(store="oxigraph", store_path=tmp_path / "db", reason=False)
    kg.close()
    kg.close()
    load(store="oxigraph", store_path=tmp_path / "db", reason=False).close()


# --- import cost ---


@pytest.mark.slow  # a fresh interpreter, after the owlrl closure
def test_importing_and_loading_from_the_cache_imports_neither_owlrl_nor_pyshacl(
    kg_owlrl, kg_cache_dir: Path
) -> None:
    code = (
        "import sys\n"
        "from shfz_graph.graph import load\n"
        "assert 'owlrl' not in sys.modules and 'pyshacl' not in sys.modules, 'imported by import'\n"
        f"kg = load(reasoner='owlrl', cache_dir={str(kg_cache_dir)!r})\n"
        "assert kg.reasoned\n"
        "print(sorted(m for m in ('owlrl', 'pyshacl', 'reasonable') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


# --- the real ontology and data ---

REAL_FILES = {"ontology": REPO / "ontology" / "shfz.ttl"} | {
    path.stem: path for path in sorted((REPO / "data").glob("*.ttl"))
}


def test_the_real_graph_has_one_graph_per_file_with_exact_counts(kg: KnowledgeGraph) -> None:
    expected = {name: len(Graph().parse(path)) for name, path in REAL_FILES.items()}
    counts = kg.counts()
    assert list(counts) == [*REAL_FILES, "inferred"]
    assert {name: counts[name] for name in REAL_FILES} == expected
    assert counts["inferred"] == len(set(kg.graph("inferred"))) > 0
    assert kg.source_hash == expected_hash(list(REAL_FILES.items()))


def test_the_real_graph_knows_the_bund(kg: KnowledgeGraph) -> None:
    description = kg.describe(BUND)
    assert (BUND, RDF.type, SHFZ.Site) in description
    assert (BUND, SHFZ.locatedIn, SHANGHAI) in description
    sites = set(kg.dataset.subjects(RDF.type, SHFZ.Site))
    assert BUND in sites
    assert kg.class_counts()[SHFZ.Site] == len(sites)


# --- delegation to sparql / catalog, export, validation ---


def test_query_runs_sparql_text_with_term_bindings(mini: Path) -> None:
    kg = load(reasoner="reasonable")
    text = "SELECT ?place WHERE { ?place <https://w3id.org/shfz/ontology#locatedIn> ?where } ORDER BY ?place"
    result = kg.query(text, where=SHANGHAI)
    assert result.vars == ["place"]
    assert [row["place"] for row in result.rows] == [DISTRICT, BUND]
    assert kg.query("ASK { ?s a <https://w3id.org/shfz/ontology#Zone> }").boolean is True
    assert kg.query(text, max_rows=1).truncated is True
    with pytest.raises(ParameterError):
        kg.query(text, where="not a term")


def test_query_runs_named_queries_from_the_catalogue(mini: Path) -> None:
    result = load(reasoner="reasonable").query("zones")
    assert [(row["zone"], row["label"]) for row in result.rows] == [
        (ZONE, Literal("Huangpu zone", lang="en"))
    ]


def test_query_refuses_the_network_unless_allowed(mini: Path) -> None:
    from shfz_graph.errors import NetworkAccessDenied

    with pytest.raises(NetworkAccessDenied):
        load(reason=False).query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_export_serialises_the_asserted_graphs_or_all(mini: Path) -> None:
    kg = load(reasoner="reasonable")
    asserted = Graph().parse(data=kg.export("nt"), format="nt")
    everything = Graph().parse(data=kg.export("nt", inferred=True), format="nt")
    assert len(asserted) == 28 + 1 + 13
    assert len(everything) == 28 + 1 + 13 + 14
    assert kg.export("nquads") == kg.export("nquads")


def test_the_real_graph_answers_a_query(kg: KnowledgeGraph) -> None:
    result = kg.query(
        "SELECT ?where WHERE { <https://w3id.org/shfz/id/site/the-bund> "
        "<https://w3id.org/shfz/ontology#locatedIn> ?where } ORDER BY ?where"
    )
    assert SHANGHAI in [row["where"] for row in result.rows]


@pytest.mark.slow  # pySHACL over the whole graph
def test_the_real_data_conforms_on_the_oxigraph_store_too(kg_oxigraph: KnowledgeGraph) -> None:
    """Oxigraph types simple literals as xsd:string; validation must not see that as a difference."""
    assert kg_oxigraph.store == "oxigraph"
    report = kg_oxigraph.validate()
    assert report.conforms, report.text()


def test_open_for_queries_needs_no_parsing_once_the_query_store_is_built(tmp_path: Path) -> None:
    from shfz_graph.graph import open_for_queries

    assert open_for_queries(cache_dir=tmp_path) is None  # nothing built yet
    with load(cache_dir=tmp_path) as loaded:
        expected = loaded.query("zones-by-area").to_tsv()
    quick = open_for_queries(cache_dir=tmp_path)
    assert quick is not None
    with quick:
        assert len(quick.dataset) == 0  # nothing parsed
        assert quick.source_hash == loaded.source_hash
        assert quick.query("zones-by-area").to_tsv() == expected
    assert open_for_queries(cache_dir=tmp_path, reason=False) is None  # another closure, another store
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert open_for_queries(cache_dir=tmp_path, extra_sources=[extra]) is None  # other sources
