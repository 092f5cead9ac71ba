"""Linking: candidates from a Wikidata-shaped endpoint (a local Oxigraph with tests/fixtures/wikidata),
decoys rejected, scores, the recorded links with provenance, review file, idempotence, curated links kept.

The shipped data/links.ttl is never written: every test writes to a copy in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import OxigraphServer
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from shfz_graph import resources
from shfz_graph.errors import InputError, ParameterError, RemoteError
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.links import linking
from shfz_graph.links.linking import Candidate

REPO = Path(__file__).resolve().parents[2]
LINKS = REPO / "data" / "links.ttl"
ID = "https://w3id.org/shfz/id/"
WD = "http://www.wikidata.org/entity/"
SHFZ = Namespace("https://w3id.org/shfz/ontology#")
SSSOM = Namespace("https://w3id.org/sssom/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DAY = dt.date(2026, 11, 27)

# (our thing, Wikidata item, score): what the fixture must give, decoys and all
KEPT = [
    ("bonded-area/songjiang", "Q9000020", 0.9),  # Chinese label only; type through two P279 steps
    ("district/baoshan", "Q9000007", 1.0),  # not the Baoshan District in Yunnan (Q9000008)
    ("district/hongkou", "Q9000003", 0.9),  # "虹口区"@zh matches our @zh-Hans label
    ("district/huangpu", "Q9000001", 1.0),
    ("district/minhang", "Q9000005", 0.8),  # their alias; not the electoral district Q9000006
    ("district/xuhui", "Q9000002", 0.9),
    ("organization/shanghai-municipal-development-and-reform-commission", "Q9000030", 1.0),  # via P1001
    ("site/the-bund", "Q9000010", 1.0),  # not the television series Q9000011
]
REVIEW = [
    ("site/gkic", "Q9000014", 0.7),  # our alternative label against their alias
    ("site/xintiandi", "Q9000012", 0.45),  # two items pass: ambiguous
    ("site/xintiandi", "Q9000013", 0.45),
]


@pytest.fixture(scope="module")
def asserted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    graph = load(reason=False, cache_dir=tmp_path_factory.mktemp("linking-cache"))
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def candidates(asserted: KnowledgeGraph, wikidata: OxigraphServer) -> list[Candidate]:
    return linking.propose_links(asserted, wikidata.query)


@pytest.fixture
def links(tmp_path: Path) -> Path:
    """A copy of the shipped data/links.ttl to write to."""
    path = tmp_path / "links.ttl"
    shutil.copyfile(LINKS, path)
    return path


@pytest.fixture(autouse=True)
def _shipped_links_never_change() -> Iterator[None]:
    before = hashlib.sha256(LINKS.read_bytes()).hexdigest()
    yield
    assert hashlib.sha256(LINKS.read_bytes()).hexdigest() == before


def triples_of(found: list[Candidate]) -> list[tuple[str, str, float]]:
    return [(str(c.subject).removeprefix(ID), c.qid, c.score) for c in found]


# -- proposing ------------------------------------------------------------------------------------------


def test_candidates_are_exactly_the_right_items(candidates: list[Candidate]) -> None:
    assert sorted(triples_of(candidates)) == sorted(KEPT + REVIEW)


def test_decoys_and_curated_things_are_not_proposed(candidates: list[Candidate]) -> None:
    items = {c.qid for c in candidates}
    subjects = {str(c.subject).removeprefix(ID) for c in candidates}
    assert {"Q9000008", "Q9000006", "Q9000011", "Q9000004"}.isdisjoint(
        items
    )  # Yunnan, type, TV, German/Japanese
    assert "district/yangpu" not in subjects  # only labelled in the wrong languages there
    assert "municipality/shanghai" not in subjects and "Q8686" not in items  # hand-verified already


def test_a_candidate_carries_its_evidence(candidates: list[Candidate], wikidata: OxigraphServer) -> None:
    huangpu = next(c for c in candidates if c.qid == "Q9000001")
    assert huangpu.subject_label == "Huangpu District"
    assert huangpu.item_label == "Huangpu District"
    assert huangpu.target == SHFZ.District
    assert huangpu.matches == (
        '"Huangpu District"@en = rdfs:label (our preferred label)',
        '"黄浦区"@zh-hans = rdfs:label (our preferred label)',
    )
    assert huangpu.endpoint == wikidata.query
    assert '"Huangpu District"@en' in huangpu.query and "wd:Q1065118" in huangpu.query
    minhang = next(c for c in candidates if c.qid == "Q9000005")
    assert minhang.matches == ('"Minhang District"@en = skos:altLabel (our preferred label)',)


def test_the_candidate_query_is_what_a_wikidata_endpoint_understands() -> None:
    target = linking.LinkTarget(SHFZ.District, ("Q1065118",))
    text = linking.candidate_query(
        target, [Literal("宝山区", lang="zh-hans"), Literal('A "quoted" name', lang="en")]
    )
    assert 'VALUES ?label { "宝山区"@zh-hans "A \\"quoted\\" name"@en }' in text
    assert "BIND(EXISTS { ?item wdt:P131+ <http://www.wikidata.org/entity/Q8686> } AS ?inPlace)" in text
    assert "BIND(EXISTS { VALUES ?type { wd:Q1065118 } ?item wdt:P31/wdt:P279* ?type } AS ?typed)" in text


def test_small_batches_give_the_same_candidates(
    asserted: KnowledgeGraph, wikidata: OxigraphServer, candidates: list[Candidate]
) -> None:
    again = linking.propose_links(asserted, wikidata.query, batch_size=3)
    assert sorted(triples_of(again)) == sorted(triples_of(candidates))


def test_a_broken_endpoint_is_a_remote_error(asserted: KnowledgeGraph, wikidata: OxigraphServer) -> None:
    with pytest.raises(RemoteError, match="answered HTTP 404"):
        linking.propose_links(asserted, wikidata.url + "/nowhere")
    with pytest.raises(ParameterError):
        linking.propose_links(asserted, wikidata.query, batch_size=0)


# -- writing --------------------------------------------------------------------------------------------


def test_written_links_keep_the_file_and_record_provenance(
    candidates: list[Candidate], links: Path, tmp_path: Path, wikidata: OxigraphServer
) -> None:
    original = links.read_text(encoding="utf-8")
    review = tmp_path / "review.sssom.tsv"
    report = linking.write_links(candidates, links, review=review, today=DAY)
    assert sorted(triples_of(list(report.added))) == sorted(KEPT)
    assert sorted(triples_of(list(report.review))) == sorted(REVIEW)
    assert report.changed and not report.present and not report.curated

    text = links.read_text(encoding="utf-8")
    assert text.startswith(original)  # the hand-written file, byte for byte
    assert text[len(original) :].startswith("\n" + linking.BEGIN + "\n@prefix rdf: ")
    assert text.endswith(linking.END + "\n")

    graph = Graph().parse(data=text, format="turtle")
    proposed = set(graph.subjects(SHFZ.linkStatus, Literal("proposed")))
    assert len(proposed) == len(KEPT)
    for subject, qid, score in KEPT:
        statement = URIRef(f"{ID}link/{subject.replace('/', '-')}-wikidata-{qid.lower()}")
        assert statement in proposed
        assert graph.value(statement, RDF.subject) == URIRef(ID + subject)
        assert graph.value(statement, RDF.predicate) == SKOS.exactMatch
        assert graph.value(statement, RDF.object) == URIRef(WD + qid)
        assert graph.value(statement, SSSOM.confidence) == Literal(repr(score), datatype=XSD.double)
        assert graph.value(statement, SSSOM.mapping_justification) == URIRef(
            "https://w3id.org/semapv/vocab/LexicalMatching"
        )
        assert graph.value(statement, DCTERMS.created) == Literal("2026-11-27", datatype=XSD.date)
        assert graph.value(statement, PROV.wasDerivedFrom) == URIRef(ID + "source/wikidata")
        assert graph.value(statement, DCTERMS.source) == URIRef(ID + "source/wikidata")
        # not asserted until a person verifies it (the shapes' rule for proposed links)
        assert (URIRef(ID + subject), SKOS.exactMatch, URIRef(WD + qid)) not in graph
        activity = graph.value(statement, PROV.wasGeneratedBy)
        assert (activity, RDF.type, PROV.Activity) in graph
        used = set(graph.objects(activity, PROV.used))
        assert URIRef(wikidata.query) in used
        (query_entity,) = used - {URIRef(wikidata.query)}
        candidate = next(c for c in candidates if c.qid == qid)
        assert graph.value(query_entity, PROV.value) == Literal(candidate.query)
    # the verified links are all still there, untouched
    for statement in Graph().parse(LINKS, format="turtle").subjects(SHFZ.linkStatus, Literal("verified")):
        assert (statement, SHFZ.linkStatus, Literal("verified")) in graph

    assert review.read_text(encoding="utf-8").splitlines()[-4:] == [
        "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tconfidence\tcomment",
        "shfzid:site/gkic\tGreat Knowledge and Innovation Community\tskos:exactMatch\twd:Q9000014\tGKIC\t"
        'semapv:LexicalMatching\t0.7\t"GKIC"@en = skos:altLabel (our alternative label)',
        "shfzid:site/xintiandi\tXintiandi\tskos:exactMatch\twd:Q9000012\tXintiandi\tsemapv:LexicalMatching\t"
        '0.45\t"Xintiandi"@en = rdfs:label (our preferred label)',
        "shfzid:site/xintiandi\tXintiandi\tskos:exactMatch\twd:Q9000013\tXintiandi\tsemapv:LexicalMatching\t"
        '0.45\t"Xintiandi"@en = rdfs:label (our preferred label)',
    ]
    assert review.read_text(encoding="utf-8").startswith(
        "# curie_map:\n#   wd: http://www.wikidata.org/entity/\n"
    )


def test_a_second_run_changes_nothing(
    asserted: KnowledgeGraph,
    wikidata: OxigraphServer,
    candidates: list[Candidate],
    links: Path,
    tmp_path: Path,
) -> None:
    review = tmp_path / "review.tsv"
    linking.write_links(candidates, links, review=review, today=DAY)
    first, first_review = links.read_bytes(), review.read_bytes()
    stamp = links.stat().st_mtime_ns
    fresh = linking.propose_links(asserted, wikidata.query)
    report = linking.write_links(fresh, links, review=review, today=DAY + dt.timedelta(days=30))
    assert report.changed is False and report.added == ()
    assert sorted(triples_of(list(report.present))) == sorted(KEPT)
    assert links.read_bytes() == first and review.read_bytes() == first_review
    assert links.stat().st_mtime_ns == stamp  # not even rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.ttl", "review.tsv"]  # no temp files left


def test_new_links_join_the_block_and_old_ones_keep_their_dates(
    candidates: list[Candidate], links: Path
) -> None:
    first = [c for c in candidates if c.qid != "Q9000001"]
    linking.write_links(first, links, today=DAY)
    report = linking.write_links(candidates, links, today=DAY + dt.timedelta(days=1))
    assert triples_of(list(report.added)) == [("district/huangpu", "Q9000001", 1.0)]
    graph = Graph().parse(links, format="turtle")
    dates = {
        str(graph.value(s, RDF.subject)).removeprefix(ID): str(graph.value(s, DCTERMS.created))
        for s in graph.subjects(SHFZ.linkStatus, Literal("proposed"))
    }
    assert dates["district/huangpu"] == "2026-11-28"
    assert dates["district/xuhui"] == "2026-11-27"
    assert links.read_text(encoding="utf-8").count(linking.BEGIN) == 1


def test_hand_curated_links_win(candidates: list[Candidate], links: Path) -> None:
    text = links.read_text(encoding="utf-8")
    curated = text + (
        "\n<https://w3id.org/shfz/id/district/huangpu> skos:exactMatch "
        "<http://www.wikidata.org/entity/Q1> .\n"
    )
    links.write_text(curated, encoding="utf-8")
    report = linking.write_links(candidates, links, today=DAY)
    assert triples_of(list(report.curated)) == [("district/huangpu", "Q9000001", 1.0)]
    assert links.read_text(encoding="utf-8").startswith(curated)
    assert "district-huangpu-wikidata" not in links.read_text(encoding="utf-8")


def test_the_threshold_splits_data_and_review(
    candidates: list[Candidate], links: Path, tmp_path: Path
) -> None:
    report = linking.write_links(candidates, links, review=tmp_path / "r.tsv", threshold=0.95, today=DAY)
    assert {c.score for c in report.added} == {1.0}
    assert {c.score for c in report.review} == {0.9, 0.8, 0.7, 0.45}
    with pytest.raises(ParameterError, match="threshold must be between 0 and 1"):
        linking.write_links(candidates, links, threshold=1.5)


def test_a_new_file_holds_only_the_block(candidates: list[Candidate], tmp_path: Path) -> None:
    out = tmp_path / "new-links.ttl"
    linking.write_links(candidates, out, today=DAY)
    text = out.read_text(encoding="utf-8")
    assert text.startswith(linking.BEGIN + "\n")
    assert len(set(Graph().parse(data=text, format="turtle").subjects(SHFZ.linkStatus))) == len(KEPT)
    nothing = tmp_path / "none.ttl"
    report = linking.write_links([], nothing, today=DAY)
    assert report.changed is False and not nothing.exists()


def test_a_damaged_file_is_refused_and_left_alone(candidates: list[Candidate], links: Path) -> None:
    linking.write_links(candidates, links, today=DAY)
    damaged = links.read_text(encoding="utf-8").replace(linking.END + "\n", "")
    links.write_text(damaged, encoding="utf-8")
    with pytest.raises(InputError, match="the generated block of proposed links is damaged"):
        linking.write_links(candidates, links, today=DAY)
    assert links.read_text(encoding="utf-8") == damaged
    links.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(InputError, match="Turtle syntax error"):
        linking.write_links(candidates, links, today=DAY)


def test_the_written_links_conform_to_the_shapes(
    candidates: list[Candidate], links: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    linking.write_links(candidates, links, today=DAY)
    data = [p for p in resources.data_paths() if p.name != "links.ttl"] + [links]
    monkeypatch.setattr(resources, "data_paths", lambda: data)
    with load(cache_dir=tmp_path / "cache") as kg:
        assert len(kg.graph("links")) > len(Graph().parse(LINKS, format="turtle"))
        report = kg.validate()
        assert report.conforms, report.text()


# -- the command line -------------------------------------------------------------------------------------


def test_cli_link(
    capsys: pytest.CaptureFixture[str], wikidata: OxigraphServer, links: Path, tmp_path: Path
) -> None:
    from shfz_graph.cli import main

    review = tmp_path / "review.tsv"
    argv = ["link", "--endpoint", wikidata.query, "--out", str(links), "--review", str(review)]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["status", "score", "thing", "item", "label"]
    assert len(lines) == 2 + len(KEPT) + len(REVIEW)
    assert ["added", "1", ID + "district/huangpu", "wd:Q9000001", "Huangpu", "District"] in [
        line.split() for line in lines
    ]
    assert err == (
        f"shfz-graph: {len(KEPT)} links added to {links}, 0 already there, 0 skipped for hand-curated links, "
        f"{len(REVIEW)} for review (in {review})\n"
    )
    written = links.read_bytes()
    assert main(argv) == 0
    _, err = capsys.readouterr()
    assert err.startswith(f"shfz-graph: 0 links added to {links}, {len(KEPT)} already there")
    assert links.read_bytes() == written
    assert main([*argv, "--threshold", "2"]) == 2
    assert "must be between 0 and 1" in capsys.readouterr().err
