"""Which formats the server answers with, and how a request chooses one (`?format=` or `Accept`).

The facts about each format (names, aliases, media types, suffixes) live in `shfz_graph.formats`; this
module holds only the server's policy: which of them it offers, in which order of preference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from shfz_graph import formats as table
from shfz_graph.errors import HTTPProblem
from shfz_graph.server.negotiation import choose

__all__ = [
    "GRAPH_OFFERS",
    "HTML",
    "RDF_CONTENT_TYPES",
    "RDF_SUFFIXES",
    "RESULT_CONTENT_TYPES",
    "RESULT_OFFERS",
    "SERVED_MEDIA_TYPES",
    "choose_format",
    "from_format_params",
    "has_form",
    "negotiate",
    "prefers_html",
]

HTML = "html"

#: The formats the server writes, in its order of preference.
SERVED_RESULTS = ("json", "xml", "csv", "tsv")
SERVED_GRAPHS = ("turtle", "json-ld", "nt", "xml")
#: A client asking for N3 gets Turtle, which is valid N3.
_ANSWERED_AS = {"n3": "turtle"}
#: `format=json` on a CONSTRUCT/DESCRIBE query asks for JSON-LD (SPARQLWrapper's JSON return format).
_GRAPH_NAME_EXTRAS = {"json": "json-ld"}


def _offers(kind: str, served: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(media type, our key) pairs: each served format's own media type, HTML, then every other media
    type that names a served format (or one answered with a served format), in table order."""
    primary = [(table.get(kind, name).media_type, name) for name in served]
    others = [
        (media, _ANSWERED_AS.get(f.name, f.name))
        for f in table.formats(kind)
        if _ANSWERED_AS.get(f.name, f.name) in served
        for media in f.media_types
        if (media, f.name) not in primary
    ]
    return (*primary, ("text/html", HTML), *others)


def _request_names(kind: str, served: Sequence[str]) -> dict[str, str]:
    """Words a `?format=` may use for each served format: names, aliases and file suffixes."""
    out: dict[str, str] = {}
    for f in table.formats(kind):
        key = _ANSWERED_AS.get(f.name, f.name)
        if key in served:
            for word in (*f.keys, *(suffix[1:] for suffix in f.suffixes)):
                out.setdefault(word, key)
    return out


#: SELECT/ASK answers: (media type a client may ask for, our format key). Order = our preference.
RESULT_OFFERS: tuple[tuple[str, str], ...] = _offers(table.RESULTS, SERVED_RESULTS)
#: CONSTRUCT/DESCRIBE answers and RDF documents: (media type, format key of `shfz_graph.formats`).
GRAPH_OFFERS: tuple[tuple[str, str], ...] = _offers(table.RDF, SERVED_GRAPHS)

RESULT_CONTENT_TYPES = {name: table.get(table.RESULTS, name).content_type for name in SERVED_RESULTS}
RDF_CONTENT_TYPES = {name: table.get(table.RDF, name).content_type for name in SERVED_GRAPHS}
#: File suffixes that select an RDF format on a dereferenceable IRI (`/id/zone/huangpu.ttl`).
RDF_SUFFIXES = {table.get(table.RDF, name).suffix: name for name in SERVED_GRAPHS}

#: The media types of the served formats (SPARQL results, then RDF), for API documentation.
SERVED_MEDIA_TYPES = tuple(
    table.get(kind, name).media_type
    for kind, names in ((table.RESULTS, SERVED_RESULTS), (table.RDF, SERVED_GRAPHS))
    for name in names
)
_RESULT_NAMES = _request_names(table.RESULTS, SERVED_RESULTS)
_RDF_NAMES = {**_request_names(table.RDF, SERVED_GRAPHS), **_GRAPH_NAME_EXTRAS}


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


#: Formats among a query form's offers that its answers have not (an ASK result is no table).
_NO_FORM = {"ASK": frozenset({"csv", "tsv"})}
_DATA_MEDIA = [media for media, key in (*RESULT_OFFERS, *GRAPH_OFFERS) if key != HTML]


def prefers_html(accept: str | None) -> bool:
    """Whether the client (a browser) ranks HTML above every data format; ties go to data."""
    return choose(accept, [*_DATA_MEDIA, "text/html"]) == "text/html"


def has_form(kind: str, key: str) -> bool:
    """Whether an answer to a query of form `kind` can be written in format `key` (HTML is a page)."""
    return key != HTML and key not in _NO_FORM.get(kind, ())


def choose_format(
    accept: str | None,
    format_values: Iterable[str] = (),
    *,
    kind: str | None = None,
    html: bool = False,
    what: str | None = None,
) -> str:
    """The format to answer in, for every route that has a choice: the first understood `?format=` value,
    else the offer the client's `Accept` ranks highest (`HTML` only if `html`, a page being an answer).

    `kind`: the query form answered (SELECT and ASK answer in SPARQL results, the others in RDF); None
    for an RDF document. Raises a 406 `HTTPProblem` when nothing fits, naming `what` was asked for
    (default: a `kind` query) and what is available.
    """
    graph = kind not in ("SELECT", "ASK")
    offers = GRAPH_OFFERS if graph else RESULT_OFFERS
    skip = set(_NO_FORM.get(kind or "", ())) | (set() if html else {HTML})
    key = from_format_params(format_values, graph=graph)
    if key is not None and key in skip:
        usable = " or ".join(dict.fromkeys(k for _, k in offers if k not in skip and k != HTML))
        raise HTTPProblem(406, f"an {kind} result has no {key.upper()} form; use {usable}")
    if key is None:
        key = negotiate(accept, offers, exclude=skip)
    if key is None:
        listed = ", ".join(dict.fromkeys(media for media, k in offers if k not in skip))
        what = what or (f"{kind} query" if kind else None)
        subject = f" a {what}" if what else ""
        raise HTTPProblem(
            406, f"cannot answer{subject} with any type in Accept: {accept!r}; available: {listed}"
        )
    return key
