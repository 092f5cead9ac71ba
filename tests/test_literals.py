"""One spelling for equal literals: xsd:string as simple literals, language tags in BCP 47 case."""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal, URIRef

from shfz_graph.literals import answer_term, canonical, canonical_lexical, language_tag


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("zh-hans", "zh-Hans"), ("EN", "en"), ("zh-hans-cn", "zh-Hans-CN"), ("en-us-x-twain", "en-US-x-twain")],
)
def test_language_tags_take_their_conventional_case(tag: str, expected: str) -> None:
    assert language_tag(tag) == expected


def test_canonical_terms() -> None:
    assert canonical(Literal("x", datatype=XSD.string)) == Literal("x")
    assert canonical(Literal("x", datatype=XSD.string)).datatype is None
    assert canonical(Literal("外滩", lang="zh-hans")).language == "zh-Hans"
    decimal = Literal("14.0", datatype=XSD.decimal)
    assert canonical(decimal) is decimal
    iri = URIRef("https://w3id.org/shfz/id/zone/huangpu")
    assert canonical(iri) is iri


XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SPELLINGS = [
    ("decimal", "14.0"),
    ("decimal", "0.50"),
    ("decimal", "-0.0"),
    ("decimal", "+3"),
    ("decimal", ".5"),
    ("decimal", "123456789012345678901234.5"),
    ("integer", "014"),
    ("integer", "-0"),
    ("int", "+5"),
    ("double", "1e3"),
    ("double", "1.5E0"),
    ("double", "1e30"),
    ("double", "1e-7"),
    ("double", "-0.0"),
    ("double", "INF"),
    ("double", "NaN"),
    ("double", "123456789012345678"),
    ("float", "0.1"),
    ("float", "3.4028235e38"),
    ("boolean", "1"),
    ("boolean", "0"),
    ("decimal", "abc"),
]


@pytest.mark.parametrize(("datatype", "lexical"), SPELLINGS)
def test_answers_spell_numbers_as_oxigraph_stores_them(datatype: str, lexical: str) -> None:
    """The spelling of answers from rdflib's engine and remote stores is the one Oxigraph gives."""
    import pyoxigraph as ox

    store = ox.Store()
    literal = ox.Literal(lexical, datatype=ox.NamedNode(XSD_NS + datatype))
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), literal))
    (quad,) = store.quads_for_pattern(None, None, None)
    # `.value` gives Python's spelling of the special doubles; Oxigraph's serializers write INF, NaN
    stored = {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(quad.object.value, quad.object.value)
    ours = answer_term(Literal(lexical, datatype=URIRef(XSD_NS + datatype)))
    assert str(ours) == stored
    assert canonical_lexical(lexical, XSD_NS + datatype) == stored


def test_answers_spell_strings_and_tags_as_oxigraph_does() -> None:
    assert answer_term(Literal("x", datatype=XSD.string)) == Literal("x")
    assert answer_term(Literal("外滩", lang="zh-Hans")).language == "zh-hans"
    same = Literal("Bund", lang="en")
    assert answer_term(same) is same
    iri = URIRef("https://w3id.org/shfz/id/zone/huangpu")
    assert answer_term(iri) is iri
