"""One spelling for equal literals: xsd:string as simple literals, language tags in BCP 47 case."""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal, URIRef

from shfz_graph.literals import canonical, language_tag


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
