"""The answer formats of the server: media types, their aliases, `?format=` names and file suffixes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from shfz_graph.server.negotiation import choose

__all__ = [
    "GRAPH_OFFERS",
    "RDF_CONTENT_TYPES",
    "RDF_SUFFIXES",
    "RESULT_CONTENT_TYPES",
    "RESULT_OFFERS",
    "from_format_params",
    "negotiate",
]

HTML = "html"

#: SELECT/ASK answers: (media type a client may ask for, our format key). Order = our preference.
RESULT_OFFERS: tuple[tuple[str, str], ...] = (
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/html", HTML),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
)

#: CONSTRUCT/DESCRIBE answers and RDF documents: (media type, format key of `shfz_graph.export`).
GRAPH_OFFERS: tuple[tuple[str, str], ...] = (
    ("text/turtle", "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
    ("text/html", HTML),
    ("application/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("text/n3", "turtle"),
    ("text/rdf+n3", "turtle"),
    ("application/n3", "turtle"),
    ("application/x-json+ld", "json-ld"),
)

RESULT_CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
RDF_CONTENT_TYPES = {
    "turtle": "text/turtle; charset=utf-8",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "xml": "application/rdf+xml",
}
#: File suffixes that select an RDF format on a dereferenceable IRI (`/id/zone/huangpu.ttl`).
RDF_SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt", ".rdf": "xml"}

_RESULT_NAMES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
_RDF_NAMES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "json": "json-ld",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "xml": "xml",
    "rdf": "xml",
    "rdf+xml": "xml",
    "rdfxml": "xml",
}


def from_format_params(values: Iterable[str], *, graph: bool) -> str | None:
    """The first understood `?format=` (or `output=`) value: a short name or a media type.

    Clients such as SPARQLWrapper repeat the parameter and send comma-separated media types
    (`format=tsv&format=text/tab-separated-values`); values that do not fit the query form are skipped.
    """
    names = _RDF_NAMES if graph else _RESULT_NAMES
    offers = dict(GRAPH_OFFERS if graph else RESULT_OFFERS)
    for value in values:
        for token in value.split(","):
            token = token.strip().lower().split(";")[0].strip()
            key = names.get(token) or offers.get(token)
            if key is not None and key != HTML:
                return key
    return None


def negotiate(
    accept: str | None, offers: Sequence[tuple[str, str]], *, exclude: Iterable[str] = ()
) -> str | None:
    """Our format key for the client's `Accept` header among `offers` (None if it accepts none of them)."""
    skip = set(exclude)
    usable = [(media, key) for media, key in offers if key not in skip]
    media = choose(accept, [m for m, _ in usable])
    return dict(usable)[media] if media is not None else None
