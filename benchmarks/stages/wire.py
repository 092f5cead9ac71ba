"""Bytes on the wire: the same answers asked for with and without compression, every body checked.

Each answer is fetched from our server without `Accept-Encoding` (identity), then with `gzip` and with
`br`; a compressed body must decode to the identity body byte for byte (else it counts as wrong), and an
answer in a coding the server does not offer comes back in identity. Oxigraph's identity answer to the
same text is fetched too (it compresses nothing), for its size.
"""

from __future__ import annotations

import gzip
import http.client
import urllib.parse
from dataclasses import dataclass, field

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


@dataclass(frozen=True)
class Ask:
    """One answer to fetch: a name for the table, the query text, and the media type asked for."""

    name: str
    text: str
    accept: str = JSON


ASKS = (
    Ask("SELECT, 10 rows", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 10"),
    Ask("SELECT, 200 rows", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200"),
    Ask("SELECT, 2,000 rows", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 2000"),
    Ask(
        "CONSTRUCT, 500 triples (Turtle)",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 500",
        TURTLE,
    ),
)
CODINGS = ("identity", "gzip", "br")


@dataclass
class Fetched:
    """One answer's bytes on the wire by coding asked for (as sent: compressed), and what came back."""

    ask: Ask
    sizes: dict[str, int] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)  # the Content-Encoding of each answer
    oxigraph: int = 0
    wrong: int = 0
    errors: int = 0


def _get(url: str, text: str, accept: str, coding: str | None) -> tuple[int, dict[str, str], bytes]:
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=120)
    headers = {"Accept": accept}
    if coding is not None:
        headers["Accept-Encoding"] = coding
    try:
        connection.request(
            "GET", parsed.path + "?" + urllib.parse.urlencode({"query": text}), headers=headers
        )
        response = connection.getresponse()
        body = response.read()  # http.client does not decode: these are the bytes on the wire
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def _decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return bytes(brotli.decompress(body))
    return body


def run(ours_url: str, oxigraph_url: str, asks: tuple[Ask, ...] = ASKS) -> list[Fetched]:
    """Fetch every answer in every coding from ours, and once from Oxigraph."""
    out = []
    for ask in asks:
        fetched = Fetched(ask)
        status, _, plain = _get(ours_url, ask.text, ask.accept, None)
        if status != 200:
            fetched.errors += 1
        for coding in CODINGS:
            status, headers, body = _get(ours_url, ask.text, ask.accept, coding)
            if status != 200:
                fetched.errors += 1
                continue
            encoding = headers.get("content-encoding", "identity")
            fetched.sizes[coding] = len(body)
            fetched.encodings[coding] = encoding
            if encoding not in (coding, "identity") or _decoded(body, encoding) != plain:
                fetched.wrong += 1
        status, _, theirs = _get(oxigraph_url, ask.text, ask.accept, None)
        if status != 200:
            fetched.errors += 1
        fetched.oxigraph = len(theirs)
        out.append(fetched)
    return out
