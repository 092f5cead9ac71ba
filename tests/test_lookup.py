"""Finding things by IRI, prefixed name or label."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from shfz_graph.errors import ShfzError
from shfz_graph.query.lookup import LabelError, find, label_of, resolve

ID = "https://w3id.org/shfz/id/"
ZONE = URIRef(ID + "zone/huangpu")
DISTRICT = URIRef(ID + "district/huangpu")
BUND = URIRef(ID + "site/the-bund")


@pytest.fixture
def graph() -> Graph:
    g = Graph()
    g.bind("zone", ID + "zone/")
    g.add((ZONE, SKOS.prefLabel, Literal("Huangpu zone", lang="en")))
    g.add((ZONE, RDFS.label, Literal("黄浦片区", lang="zh-Hans")))
    g.add((DISTRICT, RDFS.label, Literal("Huangpu District", lang="en")))
    g.add((DISTRICT, SKOS.altLabel, Literal("Huangpu", lang="en")))
    g.add((BUND, RDFS.label, Literal("外滩", lang="zh-Hans")))
    g.add((BUND, SKOS.altLabel, Literal("Huangpu", lang="en")))
    return g


@pytest.mark.parametrize(
    ("text", "iri"),
    [
        ("Huangpu zone", ZONE),
        ("  HUANGPU   Zone ", ZONE),
        ("黄浦片区", ZONE),
        ("ｈｕａｎｇｐｕ zone", ZONE),  # full-width letters
        ("zone:huangpu", ZONE),
        (f"<{DISTRICT}>", DISTRICT),
        (str(DISTRICT), DISTRICT),
        ("huangpu district", DISTRICT),
    ],
)
def test_resolve(graph: Graph, text: str, iri: URIRef) -> None:
    assert resolve(graph, text) == iri


def test_an_ambiguous_label_lists_the_candidates(graph: Graph) -> None:
    with pytest.raises(LabelError) as info:
        resolve(graph, "huangpu")
    assert str(info.value) == (
        "'huangpu' names 2 things: <https://w3id.org/shfz/id/district/huangpu> (Huangpu District); "
        "<https://w3id.org/shfz/id/site/the-bund> (外滩); give an IRI instead"
    )
    assert info.value.suggestions == [str(DISTRICT), str(BUND)]
    assert isinstance(info.value, ShfzError)


def test_an_unknown_label_suggests_near_and_containing_labels(graph: Graph) -> None:
    with pytest.raises(LabelError) as info:
        resolve(graph, "Huangpu Distrct")
    assert info.value.suggestions == ["Huangpu District", "Huangpu"]
    assert str(info.value) == (
        "nothing is labelled 'Huangpu Distrct' (did you mean: 'Huangpu District', 'Huangpu'?)"
    )


def test_an_unknown_label_with_nothing_near(graph: Graph) -> None:
    with pytest.raises(LabelError, match=r"^nothing is labelled 'Pudong'$"):
        resolve(graph, "Pudong")


def test_an_unbound_prefix_is_read_as_a_label(graph: Graph) -> None:
    with pytest.raises(LabelError, match="nothing is labelled 'site:the-bund'"):
        resolve(graph, "site:the-bund")


def test_find_and_label_of(graph: Graph) -> None:
    assert [m.iri for m in find(graph, "HUANGPU")] == [DISTRICT, BUND]
    assert label_of(graph, ZONE) == "Huangpu zone"
    assert label_of(graph, ZONE, "zh-Hans") == "黄浦片区"
    assert label_of(graph, BUND) == "外滩"
    assert label_of(graph, URIRef(ID + "nothing")) is None
