"""The one format table: every word that names a format finds it, no two formats share one, the library
names are real, and the server's offers derived from it are the ones it always made."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pyoxigraph
import pytest
from rdflib import plugin
from rdflib.parser import Parser
from rdflib.query import ResultParser
from rdflib.serializer import Serializer

from shfz_graph import formats
from shfz_graph.formats import FORMATS, RDF, RESULTS
from shfz_graph.server import formats as served

ALL = [pytest.param(f, id=f"{f.kind}-{f.name}") for f in FORMATS]


@pytest.mark.parametrize("fmt", ALL)
def test_every_name_alias_media_type_and_suffix_finds_its_format(fmt: formats.Format) -> None:
    for key in fmt.keys:
        assert formats.find(fmt.kind, key) is fmt
        assert formats.find(fmt.kind, f" {key.upper()} ") is fmt
        assert formats.get(fmt.kind, key) is fmt
    for media in (*fmt.media_types, *fmt.legacy_media_types):
        assert formats.by_media_type(fmt.kind, media) is fmt
        assert formats.by_media_type(fmt.kind, media.upper() + "; charset=utf-8") is fmt
    for suffix in fmt.suffixes:
        assert formats.by_suffix(fmt.kind, suffix) is fmt
        assert formats.by_suffix(fmt.kind, suffix.upper()) is fmt
    assert fmt.suffix == fmt.suffixes[0] and fmt.extension == fmt.suffix[1:]
    assert fmt.media_type == fmt.media_types[0]


@pytest.mark.parametrize("kind", [RDF, RESULTS])
def test_no_two_formats_of_a_kind_share_a_word_a_media_type_or_a_suffix(kind: str) -> None:
    rows = [f for f in FORMATS if f.kind == kind]
    for what, words in [
        ("name or alias", [k for f in rows for k in f.keys]),
        ("media type", [m for f in rows for m in (*f.media_types, *f.legacy_media_types)]),
        ("suffix", [s for f in rows for s in f.suffixes]),
    ]:
        shared = [word for word, n in Counter(words).items() if n > 1]
        assert shared == [], f"{kind} formats share a {what}: {shared}"
        assert all(w == w.lower() and w.strip() == w for w in words)
    assert all(s.startswith(".") for f in rows for s in f.suffixes)


def test_unknown_words_find_nothing() -> None:
    assert formats.find(RDF, "yaml") is None
    assert formats.find(RDF, "csv") is None  # a results format, not an RDF one
    assert formats.by_media_type(RDF, "text/csv") is None
    assert formats.by_suffix(RESULTS, ".ttl") is None
    with pytest.raises(KeyError, match=r"unknown rdf format 'yaml' \(known: turtle, n3, json-ld, "):
        formats.get(RDF, "yaml")
    with pytest.raises(ValueError, match="unknown kind of format 'graph'"):
        formats.find("graph", "turtle")


def test_names_for_argparse_choices_and_messages() -> None:
    assert formats.names(RDF, writable=True) == ("turtle", "json-ld", "nt", "nquads", "trig", "xml")
    assert formats.names(RESULTS) == ("json", "xml", "csv", "tsv", "table", "md", "xlsx")
    assert formats.names(RDF, writable=True, aliases=True)[:4] == ("turtle", "ttl", "json-ld", "jsonld")
    assert "markdown" in formats.names(RESULTS, aliases=True)
    assert [f.name for f in formats.formats(RDF, quads=True)] == ["nquads", "trig"]


def test_content_types_say_utf_8_for_text() -> None:
    assert formats.get(RDF, "turtle").content_type == "text/turtle; charset=utf-8"
    assert formats.get(RDF, "json-ld").content_type == "application/ld+json"
    assert formats.get(RESULTS, "csv").content_type == "text/csv; charset=utf-8"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("fmt", [f for f in ALL if f.values[0].rdflib is not None])
def test_the_rdflib_and_oxigraph_names_are_real(fmt: formats.Format) -> None:
    if fmt.kind == RDF:
        assert plugin.get(str(fmt.rdflib), Parser) is not None
        if fmt.writable:
            assert plugin.get(str(fmt.rdflib), Serializer) is not None
        assert isinstance(getattr(pyoxigraph.RdfFormat, str(fmt.oxigraph)), pyoxigraph.RdfFormat)
    else:
        assert plugin.get(str(fmt.rdflib), ResultParser) is not None
        assert isinstance(
            getattr(pyoxigraph.QueryResultsFormat, str(fmt.oxigraph)), pyoxigraph.QueryResultsFormat
        )


def test_the_table_and_the_worker_import_neither_rdflib_nor_pyoxigraph() -> None:
    code = (
        "import sys, shfz_graph.formats, shfz_graph.defaults, shfz_graph.workers.wire\n"
        "print(sorted(m for m in ('rdflib', 'pyoxigraph') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_the_server_offers_what_it_always_offered() -> None:
    assert served.RESULT_OFFERS == (
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("text/html", "html"),
        ("application/json", "json"),
        ("application/xml", "xml"),
        ("text/xml", "xml"),
    )
    assert served.GRAPH_OFFERS == (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("text/html", "html"),
        ("application/turtle", "turtle"),
        ("application/x-turtle", "turtle"),
        ("text/n3", "turtle"),
        ("text/rdf+n3", "turtle"),
        ("application/n3", "turtle"),
        ("application/x-json+ld", "json-ld"),
    )
    assert served.RDF_SUFFIXES == {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt", ".rdf": "xml"}
    assert served.RDF_CONTENT_TYPES["turtle"] == "text/turtle; charset=utf-8"
    assert served.RESULT_CONTENT_TYPES["tsv"] == "text/tab-separated-values; charset=utf-8"
    primaries = served.RESULT_OFFERS[:4] + served.GRAPH_OFFERS[:4]
    assert [media for media, _ in primaries] == list(served.SERVED_MEDIA_TYPES)


@pytest.mark.parametrize(
    ("values", "graph", "key"),
    [
        (["srj"], False, "json"),
        (["tsv", "text/tab-separated-values"], False, "tsv"),
        (["application/sparql-results+xml"], False, "xml"),
        (["yaml", "csv"], False, "csv"),
        (["json"], True, "json-ld"),
        (["n3"], True, "turtle"),
        (["text/n3"], True, "turtle"),
        (["rdf+xml"], True, "xml"),
        (["N-Triples"], True, "nt"),
        (["html"], True, None),
        (["csv"], True, None),
    ],
)
def test_format_parameters(values: list[str], graph: bool, key: str | None) -> None:
    assert served.from_format_params(values, graph=graph) == key


def test_negotiation_keeps_working() -> None:
    assert served.negotiate("text/turtle;q=0.5, application/ld+json", served.GRAPH_OFFERS) == "json-ld"
    assert served.negotiate("text/*", served.RESULT_OFFERS, exclude={"html"}) == "csv"
    assert served.negotiate("image/png", served.GRAPH_OFFERS) is None
