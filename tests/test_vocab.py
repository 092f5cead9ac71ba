"""The one prefix map: well-known namespaces spelled as rdflib spells them, no namespace under two names."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import namespace as ns

from shfz_graph import vocab
from shfz_graph.vocab import PREFIXES, prefixes, sparql_prologue


def test_no_namespace_has_two_prefixes() -> None:
    assert [ns for ns, n in Counter(PREFIXES.values()).items() if n > 1] == []


@pytest.mark.parametrize(
    ("prefix", "namespace"),
    [
        ("rdf", str(ns.RDF)),
        ("rdfs", str(ns.RDFS)),
        ("owl", str(ns.OWL)),
        ("xsd", str(ns.XSD)),
        ("skos", str(ns.SKOS)),
        ("dcterms", str(ns.DCTERMS)),
        ("prov", str(ns.PROV)),
        ("shfz", str(vocab.SHFZ)),
        ("id", str(vocab.ID)),
        ("qudt", str(vocab.QUDT)),
        ("unit", str(vocab.UNIT)),
        ("geo", str(vocab.GEO)),
        ("schema", str(vocab.SCHEMA)),
        ("org", str(vocab.ORG)),
        ("vann", str(vocab.VANN)),
        ("void", str(ns.VOID)),
    ],
)
def test_the_map_agrees_with_the_namespaces(prefix: str, namespace: str) -> None:
    assert PREFIXES[prefix] == str(namespace)


def test_selections_keep_the_order_asked_for() -> None:
    assert list(prefixes("wd", "rdfs")) == ["wd", "rdfs"]
    assert prefixes("wd") == {"wd": "http://www.wikidata.org/entity/"}
    assert set(vocab.WELL_KNOWN) <= set(PREFIXES)
    with pytest.raises(KeyError):
        prefixes("nope")


def test_sparql_prologue() -> None:
    assert sparql_prologue("rdfs", "shfz") == (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX shfz: <https://w3id.org/shfz/ontology#>\n"
    )
