"""Exports: every format round-trips, output is byte-identical across runs, files are written atomically."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import RDF, SKOS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import shfz_graph.rdf.jsonld
from shfz_graph.errors import ShfzError
from shfz_graph.rdf.export import FORMATS, ExportError, export, get_format, readable_turtle, serialize_dataset
from shfz_graph.rdf.jsonld import load_context, parse_jsonld
from shfz_graph.vocab import GRAPH, GRAPH_INFERRED, GRAPH_LINKS, GRAPH_ONTOLOGY, GRAPH_ZONES

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "export_sample.trig"
CONTEXT = FIXTURES / "context.jsonld"
ASSERTED = (GRAPH_ONTOLOGY, GRAPH_ZONES, GRAPH_LINKS)
RDFLIB_PARSER = {"turtle": "turtle", "nt": "nt", "xml": "xml", "nquads": "nquads", "trig": "trig"}


NAMES = ("ontology", "zones", "links", "inferred")


def exported(dataset: Dataset, fmt: str, *, inferred: bool = False) -> bytes:
    """export() of a dataset's named graphs, as `KnowledgeGraph.export` calls it."""
    graphs = [dataset.graph(GRAPH[name]) for name in NAMES if inferred or name != "inferred"]
    return export(graphs, fmt, namespaces=dataset.namespaces())


def sample() -> Dataset:
    """A fresh parse of the sample (new random blank-node ids each time)."""
    dataset = Dataset(default_union=True)
    dataset.parse(SAMPLE, format="trig")
    return dataset


def union(dataset: Dataset, names: tuple[URIRef, ...]) -> Graph:
    graph = Graph()
    for name in names:
        graph += dataset.graph(name)
    return graph


def parse(data: bytes, fmt: str) -> Graph | Dataset:
    """Parse exported bytes back (JSON-LD through our offline parser)."""
    if fmt == "json-ld":
        return parse_jsonld(data)
    if FORMATS[fmt].quads:
        dataset = Dataset()
        dataset.parse(data=data, format=RDFLIB_PARSER[fmt])
        return dataset
    return Graph().parse(data=data, format=RDFLIB_PARSER[fmt])


@pytest.fixture
def use_fixture_context(monkeypatch: pytest.MonkeyPatch) -> dict:
    """export() reads the project's context; point it at the test fixture."""
    context = load_context(CONTEXT)
    monkeypatch.setattr(shfz_graph.rdf.jsonld, "load_context", lambda path=None: context)
    return context


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_is_isomorphic(fmt: str, use_fixture_context: dict) -> None:
    source = sample()
    data = exported(source, fmt, inferred=True)
    parsed = parse(data, fmt)
    names = (*ASSERTED, GRAPH_INFERRED)
    if FORMATS[fmt].quads:
        assert isinstance(parsed, Dataset)
        assert {g.identifier for g in parsed.graphs() if len(g)} == set(names)
        for name in names:
            assert isomorphic(parsed.graph(name), source.graph(name)), name
    else:
        assert isomorphic(parsed, union(source, names))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_inferred_graph_only_when_asked(fmt: str, use_fixture_context: dict) -> None:
    source = sample()
    parsed = parse(exported(source, fmt), fmt)
    if FORMATS[fmt].quads:
        assert isinstance(parsed, Dataset)
        assert {g.identifier for g in parsed.graphs() if len(g)} == set(ASSERTED)
    else:
        assert isomorphic(parsed, union(source, ASSERTED))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_input_gives_same_bytes_whatever_the_blank_node_ids(fmt: str) -> None:
    context = load_context(CONTEXT)
    first = serialize_dataset(sample(), fmt, context=context)
    second = serialize_dataset(sample(), fmt, context=context)
    assert first == second


def test_blank_nodes_get_the_labels_of_the_whole_graphs_canonical_form() -> None:
    """Hashing only the statements with blank nodes labels them as hashing every statement would (the
    bytes of earlier releases): rdflib's canonical colouring never looks at a statement without one."""
    from rdflib.compare import to_canonical_graph

    from shfz_graph.rdf.export import _canonical, _quads_of

    dataset = sample()
    quads = _quads_of(dataset.graphs())
    assert 0 < sum(isinstance(q[0], BNode) or isinstance(q[2], BNode) for q in quads) < len(quads) / 2
    folded, unfold = Graph(), {}
    for s, p, o, g in quads:  # the whole graph, each predicate folded with its graph's name
        name = g.n3() if g is not None else ""
        key = URIRef(f"urn:x-shfz-quad:{hashlib.sha256(f'{p.n3()} {name}'.encode()).hexdigest()}")
        unfold[key] = (p, g)
        folded.add((s, key, o))
    whole = set()
    for s, key, o in to_canonical_graph(folded):
        p, g = unfold[URIRef(str(key))]
        whole.add((s, p, o, g))
    assert _canonical(quads) == whole


def test_bytes_are_identical_across_processes_and_hash_seeds() -> None:
    script = (
        "import hashlib, sys\n"
        "from rdflib import Dataset\n"
        "from shfz_graph.rdf.export import FORMATS, serialize_dataset\n"
        "from shfz_graph.rdf.jsonld import load_context\n"
        "ds = Dataset(); ds.parse(sys.argv[1], format='trig')\n"
        "ctx = load_context(sys.argv[2])\n"
        "for f in sorted(FORMATS):\n"
        "    print(f, hashlib.sha256(serialize_dataset(ds, f, context=ctx)).hexdigest())\n"
    )
    context = load_context(CONTEXT)

    expected = "".join(
        f"{f} {hashlib.sha256(serialize_dataset(sample(), f, context=context)).hexdigest()}\n"
        for f in sorted(FORMATS)
    )
    root = Path(__file__).resolve().parent.parent
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        out = subprocess.run(
            [sys.executable, "-c", script, str(SAMPLE), str(CONTEXT)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=120,
        )
        assert out.stdout == expected


def test_triple_formats_merge_graphs_and_drop_duplicates() -> None:
    data = serialize_dataset(sample(), "nt").decode("utf-8")
    label = (
        "<https://w3id.org/shfz/id/zone/huangpu> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Huangpu Zone"@en .'
    )
    lines = data.splitlines()
    assert lines.count(label) == 1  # stated in both zones and links
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines)) == len(union(sample(), (*ASSERTED, GRAPH_INFERRED)))


def test_nquads_are_sorted_and_name_their_graphs() -> None:
    lines = serialize_dataset(sample(), "nquads").decode("utf-8").splitlines()
    assert lines == sorted(lines)
    assert all(line.endswith(f"<{GRAPH_ONTOLOGY}> .") for line in lines if "owl#Class" in line)


def test_trig_lists_graphs_in_iri_order() -> None:
    text = serialize_dataset(sample(), "trig").decode("utf-8")
    positions = [text.index(f"<{name}> {{") for name in sorted(map(str, (*ASSERTED, GRAPH_INFERRED)))]
    assert positions == sorted(positions)


def test_json_ld_is_compacted_with_the_context(use_fixture_context: dict) -> None:
    document = json.loads(exported(sample(), "json-ld"))
    assert document["@context"] == use_fixture_context
    nodes = {node["@id"]: node for node in document["@graph"]}
    assert list(nodes) == sorted(nodes)
    zone = nodes["https://w3id.org/shfz/id/zone/huangpu"]
    assert zone["label"] == {"en": "Huangpu Zone", "zh-Hans": "黄浦片区"}
    assert zone["inDistrict"] == "https://w3id.org/shfz/id/district/huangpu"
    assert zone["@type"] == "Zone"


def test_json_ld_is_utf8_not_escaped() -> None:
    data = serialize_dataset(sample(), "json-ld", context=load_context(CONTEXT))
    assert "黄浦片区".encode() in data


def test_json_ld_without_context_round_trips() -> None:
    source = sample()
    assert isomorphic(
        parse_jsonld(serialize_dataset(source, "json-ld")), union(source, (*ASSERTED, GRAPH_INFERRED))
    )


def test_json_ld_refuses_a_remote_context() -> None:
    with pytest.raises(ExportError, match="must be local"):
        serialize_dataset(sample(), "json-ld", context={"@import": "http://127.0.0.1:9/ctx.jsonld"})


def test_a_plain_graph_and_a_list_of_graphs_are_accepted() -> None:
    source = sample()
    zones = source.graph(GRAPH_ZONES)
    plain = Graph()
    plain += zones
    assert isomorphic(Graph().parse(data=serialize_dataset(plain, "nt"), format="nt"), zones)
    both = serialize_dataset([source.graph(GRAPH_ZONES), source.graph(GRAPH_LINKS)], "nquads")
    parsed = Dataset()
    parsed.parse(data=both, format="nquads")
    assert {g.identifier for g in parsed.graphs() if len(g)} == {GRAPH_ZONES, GRAPH_LINKS}


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("ttl", "turtle"),
        ("TURTLE", "turtle"),
        ("jsonld", "json-ld"),
        ("ntriples", "nt"),
        ("nq", "nquads"),
        ("trig", "trig"),
        ("rdfxml", "xml"),
        ("xml", "xml"),
    ],
)
def test_aliases(alias: str, name: str) -> None:
    assert get_format(alias).name == name


def test_unknown_format_is_a_shfz_error_listing_the_known_ones() -> None:
    with pytest.raises(ShfzError, match=r"unknown RDF format 'yaml' \(known: json-ld, jsonld, n-quads, "):
        get_format("yaml")


def test_unrepresentable_rdf_xml_is_an_export_error() -> None:
    graph = Graph()
    graph.add(
        (URIRef("http://example.org/a"), URIRef("http://example.org/1"), URIRef("http://example.org/b"))
    )
    with pytest.raises(ExportError, match="cannot serialise as xml"):
        serialize_dataset(graph, "xml")


def test_readable_turtle_lays_out_a_reified_link_for_people() -> None:
    ex = "http://example.org/"
    a, item, link = URIRef(ex + "a"), URIRef("http://www.wikidata.org/entity/Q1"), URIRef(ex + "link/a")
    graph = Graph()
    graph.add((a, SKOS.exactMatch, item))
    for p, o in [
        (RDF.type, RDF.Statement),
        (RDF.subject, a),
        (RDF.predicate, SKOS.exactMatch),
        (RDF.object, item),
        (SKOS.note, Literal('two\nlines "quoted"', lang="en")),
        (URIRef(ex + "created"), Literal("2026-11-27", datatype=XSD.date)),
    ]:
        graph.add((link, p, o))
    graph.add((URIRef(ex + "x/y"), RDF.type, URIRef(ex + "Thing")))
    prefixes = {"rdf": str(RDF), "skos": str(SKOS), "xsd": str(XSD), "ex": ex}
    order = [RDF.type, RDF.subject, RDF.predicate, RDF.object, SKOS.note]
    text = readable_turtle(graph, prefixes, order)
    assert text == (
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix ex: <http://example.org/> .\n"
        "\n"
        "ex:a skos:exactMatch <http://www.wikidata.org/entity/Q1> .\n"
        "\n"
        "<http://example.org/link/a>\n"
        "    a rdf:Statement ;\n"
        "    rdf:subject ex:a ;\n"
        "    rdf:predicate skos:exactMatch ;\n"
        "    rdf:object <http://www.wikidata.org/entity/Q1> ;\n"
        '    skos:note """two\nlines "quoted\\""""@en ;\n'
        '    ex:created "2026-11-27"^^xsd:date .\n'
        "\n"
        "<http://example.org/x/y>\n"
        "    a ex:Thing .\n"
    )
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)
    graph.add((BNode("b"), RDF.type, URIRef(ex + "Thing")))
    with pytest.raises(ExportError, match=r"cannot write .* in readable Turtle"):
        readable_turtle(graph, prefixes)


# -- the real graph and the real context -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("inferred", [False, True])
def test_the_real_graph_round_trips(
    fmt: str, inferred: bool, kg: KnowledgeGraph, kg_asserted: KnowledgeGraph
) -> None:
    loaded = kg if inferred else kg_asserted  # the session's graphs: load(reason=inferred)
    data = loaded.export(fmt, inferred=inferred)  # same bytes each time: sample tests, test_server downloads
    parsed = parse(data, fmt)
    names = [n for n in loaded.names if inferred or n != "inferred"]
    assert ("inferred" in names) is inferred
    if FORMATS[fmt].quads:
        assert isinstance(parsed, Dataset)
        assert {g.identifier for g in parsed.graphs() if len(g)} == {
            loaded.graph(n).identifier for n in names
        }
        for name in names:
            assert isomorphic(parsed.graph(loaded.graph(name).identifier), loaded.graph(name)), name
    else:
        expected = Graph()
        for name in names:
            expected += loaded.graph(name)
        assert isomorphic(parsed, expected)


def test_json_ld_uses_the_project_context(kg_asserted: KnowledgeGraph) -> None:
    from shfz_graph.resources import context_path

    document = json.loads(kg_asserted.export("json-ld"))
    assert document["@context"] == json.loads(context_path().read_text(encoding="utf-8"))["@context"]
    nodes = {node["@id"]: node for node in document["@graph"]}
    zone = nodes["https://w3id.org/shfz/id/zone/huangpu"]
    assert zone["@type"] == "LinkedInnovationZone"
    assert zone["inDistrict"] == "https://w3id.org/shfz/id/district/huangpu"
    assert zone["prefLabel"] == {
        "en": "Huangpu linked innovation zone",
        "zh-Hans": "上海自贸试验区黄浦联动创新区",
    }


def test_literals_are_spelled_alike_whatever_the_store() -> None:
    """Oxigraph types simple literals as xsd:string and lower-cases language tags; exports do not show it."""
    from shfz_graph.graph import load

    with load(store="oxigraph", reason=False) as ox:
        text = ox.export("nt").decode("utf-8")
    assert "^^<http://www.w3.org/2001/XMLSchema#string>" not in text
    assert "@zh-hans" not in text and '"黄浦区"@zh-Hans' in text
