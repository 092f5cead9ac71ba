"""The one table of RDF and query-result formats: names, aliases, media types, file suffixes, and what
rdflib and Oxigraph call each. Every module that reads, writes, negotiates or names a format asks here.

Light on purpose (the query worker imports it): neither rdflib nor pyoxigraph is imported. Which formats a
module supports is that module's policy (`export` writes every writable RDF format, the worker writes those
Oxigraph can, the server offers some); the facts about a format live only here. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "FORMATS",
    "RDF",
    "RESULTS",
    "Format",
    "by_media_type",
    "by_suffix",
    "find",
    "formats",
    "get",
    "names",
]

RDF = "rdf"  # graphs: CONSTRUCT/DESCRIBE answers, exports, source files
RESULTS = "results"  # SELECT/ASK answers


@dataclass(frozen=True)
class Format:
    """One format. `media_types` and `suffixes` start with the one we write; the others are understood
    too. `legacy_media_types` are understood when reading but never offered. `rdflib` and `oxigraph` are
    the names of its rdflib plugin and of its `pyoxigraph.RdfFormat`/`QueryResultsFormat` attribute (None:
    that library does not handle it for us). `writable`: we write it (N3 is only read). `w3c`: its name
    in the W3C list of formats (`http://www.w3.org/ns/formats/Turtle`)."""

    kind: str
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    rdflib: str | None = None
    oxigraph: str | None = None
    quads: bool = False
    writable: bool = True
    legacy_media_types: tuple[str, ...] = ()
    w3c: str | None = None  # its name under http://www.w3.org/ns/formats/ (service descriptions)

    @property
    def media_type(self) -> str:
        """The media type we send."""
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        """The HTTP Content-Type we send: text types say they are UTF-8."""
        media = self.media_type
        return media + "; charset=utf-8" if media.startswith("text/") else media

    @property
    def suffix(self) -> str:
        """The file suffix we write, with its dot (`.ttl`)."""
        return self.suffixes[0]

    @property
    def extension(self) -> str:
        """The file suffix we write, without its dot (`ttl`)."""
        return self.suffix[1:]

    @property
    def keys(self) -> tuple[str, ...]:
        """The name and the aliases: every word that names this format."""
        return (self.name, *self.aliases)


# fmt: off
#: Every format, in our order of preference within each kind (a table: one row per format).
FORMATS: tuple[Format, ...] = (
    Format(RDF, "turtle", "Turtle", ("ttl",),
           ("text/turtle", "application/turtle", "application/x-turtle"), (".ttl",),
           rdflib="turtle", oxigraph="TURTLE", w3c="Turtle"),
    Format(RDF, "n3", "N3", (), ("text/n3", "text/rdf+n3", "application/n3"), (".n3",),
           rdflib="n3", oxigraph="N3", writable=False, w3c="N3"),
    Format(RDF, "json-ld", "JSON-LD", ("jsonld",), ("application/ld+json", "application/x-json+ld"),
           (".jsonld",), rdflib="json-ld", oxigraph="JSON_LD", w3c="JSON-LD"),
    Format(RDF, "nt", "N-Triples", ("ntriples", "n-triples"), ("application/n-triples",), (".nt",),
           rdflib="nt", oxigraph="N_TRIPLES", legacy_media_types=("text/plain",), w3c="N-Triples"),
    Format(RDF, "nquads", "N-Quads", ("nq", "n-quads"), ("application/n-quads",), (".nq",),
           rdflib="nquads", oxigraph="N_QUADS", quads=True, w3c="N-Quads"),
    Format(RDF, "trig", "TriG", (), ("application/trig",), (".trig",),
           rdflib="trig", oxigraph="TRIG", quads=True, w3c="TriG"),
    Format(RDF, "xml", "RDF/XML", ("rdfxml", "rdf/xml", "rdf-xml", "rdf+xml", "rdf"),
           ("application/rdf+xml",), (".rdf", ".owl", ".xml"), rdflib="xml", oxigraph="RDF_XML",
           w3c="RDF_XML"),
    Format(RESULTS, "json", "SPARQL Results JSON", (),
           ("application/sparql-results+json", "application/json"), (".srj", ".json"),
           rdflib="json", oxigraph="JSON", w3c="SPARQL_Results_JSON"),
    Format(RESULTS, "xml", "SPARQL Results XML", (),
           ("application/sparql-results+xml", "application/xml", "text/xml"), (".srx", ".xml"),
           rdflib="xml", oxigraph="XML", w3c="SPARQL_Results_XML"),
    Format(RESULTS, "csv", "SPARQL Results CSV", (), ("text/csv",), (".csv",),
           rdflib="csv", oxigraph="CSV", w3c="SPARQL_Results_CSV"),
    Format(RESULTS, "tsv", "SPARQL Results TSV", (), ("text/tab-separated-values",), (".tsv",),
           rdflib="tsv", oxigraph="TSV", w3c="SPARQL_Results_TSV"),
    Format(RESULTS, "table", "aligned text table", (), ("text/plain",), (".txt",)),
    Format(RESULTS, "md", "Markdown table", ("markdown",), ("text/markdown",), (".md",)),
    Format(RESULTS, "xlsx", "Excel workbook", (),
           ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",), (".xlsx",)),
)
# fmt: on

_KINDS = (RDF, RESULTS)
_BY_KEY = {(f.kind, key): f for f in FORMATS for key in f.keys}
_BY_MEDIA = {(f.kind, m): f for f in FORMATS for m in (*f.media_types, *f.legacy_media_types)}
_BY_SUFFIX = {(f.kind, s): f for f in FORMATS for s in f.suffixes}


def _kind(kind: str) -> str:
    if kind not in _KINDS:
        raise ValueError(f"unknown kind of format {kind!r}; choose one of {', '.join(_KINDS)}")
    return kind


def formats(kind: str, *, writable: bool | None = None, quads: bool | None = None) -> Iterator[Format]:
    """The formats of `kind` (RDF or RESULTS) in table order, optionally only (not) writable or (not)
    keeping named graphs."""
    _kind(kind)
    for f in FORMATS:
        if f.kind == kind and writable in (None, f.writable) and quads in (None, f.quads):
            yield f


def find(kind: str, name: str) -> Format | None:
    """The format of `kind` that `name` (a name or an alias, any case, spaces ignored) names, or None."""
    return _BY_KEY.get((_kind(kind), name.strip().lower()))


def get(kind: str, name: str) -> Format:
    """The format of `kind` called `name` (or an alias); KeyError naming the known ones if none is."""
    found = find(kind, name)
    if found is None:
        raise KeyError(f"unknown {kind} format {name!r} (known: {', '.join(names(kind))})")
    return found


def by_media_type(kind: str, media_type: str) -> Format | None:
    """The format of `kind` a media type names (parameters such as `; charset=` ignored), or None."""
    return _BY_MEDIA.get((_kind(kind), media_type.split(";")[0].strip().lower()))


def by_suffix(kind: str, suffix: str) -> Format | None:
    """The format of `kind` a file suffix (`.ttl`, any case) names, or None."""
    return _BY_SUFFIX.get((_kind(kind), suffix.lower()))


def names(kind: str, *, writable: bool | None = None, aliases: bool = False) -> tuple[str, ...]:
    """The names of the formats of `kind` in table order (with their aliases if asked): for argparse
    `choices` and for messages."""
    return tuple(key for f in formats(kind, writable=writable) for key in (f.keys if aliases else (f.name,)))
