"""The web server in-process (FastAPI TestClient): SPARQL 1.1 Protocol matrix, errors, guards, conneg,
VoID counts, pages and the named-query API."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote_plus

import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS, VOID, XSD

from shfz_graph.catalog import catalog
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.rdf.jsonld import parse_jsonld
from shfz_graph.server import create_app, svg
from shfz_graph.server.negotiation import choose, parse_accept
from shfz_graph.server.overview import build_overview, short_labels
from shfz_graph.server.site import Site
from shfz_graph.server.void import SD
from shfz_graph.vocab import BASE, SHFZ
from shfz_graph.workers.supervisor import QueryPool

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SRX = "{http://www.w3.org/2005/sparql-results#}"
DISTRICTS_QUERY = (
    "PREFIX shfz: <https://w3id.org/shfz/ontology#> SELECT ?d WHERE { ?d a shfz:District } ORDER BY ?d"
)
CONSTRUCT_QUERY = "CONSTRUCT WHERE { <https://w3id.org/shfz/id/zone/huangpu> ?p ?o }"
ASK_QUERY = "ASK { <https://w3id.org/shfz/id/zone/huangpu> ?p ?o }"
HUANGPU = URIRef(BASE + "id/zone/huangpu")
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    """One app over the session's graph, for the whole module (the graph is loaded once)."""
    with TestClient(create_app(kg), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def slow_client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    """An app whose queries may run 2 s only."""
    with TestClient(create_app(kg, timeout=2.0), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def districts(kg: KnowledgeGraph) -> list[str]:
    """The expected answer of DISTRICTS_QUERY, computed without the server."""
    return [str(row["d"]) for row in kg.query(DISTRICTS_QUERY).rows]


@pytest.fixture(scope="module")
def constructed(kg: KnowledgeGraph) -> Graph:
    """The expected graph of CONSTRUCT_QUERY, computed without the server."""
    result = kg.query(CONSTRUCT_QUERY)
    assert result.graph is not None
    return result.graph


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on loopback that no query may ever connect to."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.3)
    yield sock
    sock.close()


def assert_silent(sock: socket.socket) -> None:
    """No connection ever reached the listener."""
    with pytest.raises(TimeoutError):
        conn, _ = sock.accept()
        conn.close()


def no_trace(text: str) -> None:
    assert "Traceback" not in text
    assert 'File "' not in text


# -- content negotiation (unit) -------------------------------------------------------------------------


def test_parse_accept_reads_quality_and_skips_junk() -> None:
    ranges = parse_accept("text/html;q=0.5, junk, application/json ; q=abc, */*;q=0.1")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "html", 0.5),
        ("application", "json", 0.0),
        ("*", "*", 0.1),
    ]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("", "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/ld+json, text/turtle;q=0.5", "application/ld+json"),
        ("text/*;q=0.5, text/html;q=0.1", "text/turtle"),
        ("text/turtle;q=0, */*;q=0.3", "application/ld+json"),
        ("image/png", None),
    ],
)
def test_choose_prefers_quality_then_specificity_then_server_order(accept: str | None, expected: str) -> None:
    offers = ["text/turtle", "application/ld+json", "text/html"]
    assert choose(accept, offers) == expected


# -- the SPARQL 1.1 Protocol matrix ---------------------------------------------------------------------

METHODS = ("get", "post-form", "post-form-charset", "post-direct")


def send(client: TestClient, method: str, query: str, *, accept: str | None = None, fmt: str | None = None):
    headers = {"Accept": accept} if accept else {}
    params = {"format": fmt} if fmt else {}
    if method == "get":
        return client.get("/sparql", params={"query": query, **params}, headers=headers)
    if method.startswith("post-form"):
        charset = "; charset=UTF-8" if method.endswith("charset") else ""
        headers["Content-Type"] = "application/x-www-form-urlencoded" + charset
        body = "query=" + quote(query, safe="")
        return client.post("/sparql", params=params, content=body, headers=headers)
    headers["Content-Type"] = "application/sparql-query"
    return client.post("/sparql", params=params, content=query.encode(), headers=headers)


def select_values(kind: str, body: str) -> list[str]:
    """The `d` column of a SELECT result in any of the four W3C formats."""
    if kind == "json":
        doc = json.loads(body)
        assert doc["head"]["vars"] == ["d"]
        return [b["d"]["value"] for b in doc["results"]["bindings"]]
    if kind == "xml":
        root = ET.fromstring(body)
        assert [v.get("name") for v in root.iter(SRX + "variable")] == ["d"]
        return [u.text or "" for u in root.iter(SRX + "uri")]
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0] == ["d"]
        return [r[0] for r in rows[1:]]
    lines = body.splitlines()
    assert lines[0] == "?d"
    return [line.strip("<>") for line in lines[1:]]


SELECT_FORMATS = [
    ("application/sparql-results+json", None, "json", "application/sparql-results+json"),
    ("application/sparql-results+xml", None, "xml", "application/sparql-results+xml"),
    ("text/csv", None, "csv", "text/csv; charset=utf-8"),
    ("text/tab-separated-values", None, "tsv", "text/tab-separated-values; charset=utf-8"),
    (None, None, "json", "application/sparql-results+json"),
    ("*/*", None, "json", "application/sparql-results+json"),
    ("application/json", None, "json", "application/sparql-results+json"),
    ("text/html", "json", "json", "application/sparql-results+json"),
    (None, "xml", "xml", "application/sparql-results+xml"),
    (None, "csv", "csv", "text/csv; charset=utf-8"),
    ("application/sparql-results+json", "tsv", "tsv", "text/tab-separated-values; charset=utf-8"),
    (None, "text/tab-separated-values", "tsv", "text/tab-separated-values; charset=utf-8"),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("accept", "fmt", "kind", "content_type"), SELECT_FORMATS)
def test_select_in_every_format_and_method(
    client: TestClient,
    districts: list[str],
    method: str,
    accept: str | None,
    fmt: str | None,
    kind: str,
    content_type: str,
) -> None:
    response = send(client, method, DISTRICTS_QUERY, accept=accept, fmt=fmt)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == content_type
    assert "accept" in response.headers["vary"].lower()
    assert select_values(kind, response.text) == districts
    assert len(districts) == 13  # the districts hosting a zone of either batch, and Pudong


ASK_FORMATS = [
    ("application/sparql-results+json", None, "application/sparql-results+json"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    (None, "xml", "application/sparql-results+xml"),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("accept", "fmt", "content_type"), ASK_FORMATS)
def test_ask_in_json_and_xml(
    client: TestClient, method: str, accept: str | None, fmt: str | None, content_type: str
) -> None:
    response = send(client, method, ASK_QUERY, accept=accept, fmt=fmt)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == content_type
    if "json" in content_type:
        assert response.json() == {"head": {}, "boolean": True}
    else:
        root = ET.fromstring(response.text)
        assert root.find(SRX + "boolean") is not None
        assert root.find(SRX + "boolean").text == "true"  # type: ignore[union-attr]


GRAPH_FORMATS = [
    ("text/turtle", None, "text/turtle; charset=utf-8", "turtle"),
    ("application/ld+json", None, "application/ld+json", "json-ld"),
    ("application/n-triples", None, "application/n-triples", "nt"),
    ("application/rdf+xml", None, "application/rdf+xml", "xml"),
    (None, None, "text/turtle; charset=utf-8", "turtle"),
    ("application/turtle,text/turtle", None, "text/turtle; charset=utf-8", "turtle"),
    (None, "json-ld", "application/ld+json", "json-ld"),
    (None, "xml", "application/rdf+xml", "xml"),
    (None, "nt", "application/n-triples", "nt"),
]


def parse_rdf(body: bytes, fmt: str) -> Graph:
    if fmt == "json-ld":
        return parse_jsonld(body)
    graph = Graph()
    graph.parse(data=body, format=fmt)
    return graph


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("accept", "fmt", "content_type", "parser"), GRAPH_FORMATS)
def test_construct_in_every_rdf_format(
    client: TestClient,
    constructed: Graph,
    method: str,
    accept: str | None,
    fmt: str | None,
    content_type: str,
    parser: str,
) -> None:
    response = send(client, method, CONSTRUCT_QUERY, accept=accept, fmt=fmt)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == content_type
    got = parse_rdf(response.content, parser)
    assert len(got) == len(constructed) > 10
    assert isomorphic(got, constructed)


def test_describe_answers_rdf(client: TestClient, kg: KnowledgeGraph) -> None:
    response = send(client, "get", f"DESCRIBE <{HUANGPU}>", accept="text/turtle")
    assert response.status_code == 200
    got = parse_rdf(response.content, "turtle")
    assert (HUANGPU, RDFS.label, Literal("Huangpu linked innovation zone", lang="en")) in got


def test_sparqlwrapper_style_repeated_format_parameters(client: TestClient, districts: list[str]) -> None:
    # SPARQLWrapper sends format, output and results, and for TSV the media type as a second value
    query = quote(DISTRICTS_QUERY, safe="")
    url = f"/sparql?query={query}&format=tsv&format=text/tab-separated-values&output=tsv&results=tsv"
    response = client.get(url, headers={"Accept": "text/tab-separated-values"})
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert select_values("tsv", response.text) == districts


def test_row_cap_truncates_and_says_so(kg: KnowledgeGraph) -> None:
    with TestClient(create_app(kg, max_rows=3)) as capped:
        response = capped.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 3
    assert response.headers["x-result-truncated"].startswith("true")


# -- errors: 400, 403, 405, 406, 413, 500 ---------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_malformed_query_is_400_with_position(client: TestClient, method: str) -> None:
    response = send(client, method, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "syntax error at line 1" in response.text
    no_trace(response.text)


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"method": "GET", "url": "/sparql?query=ASK%7B%7D&query=ASK%7B%7D"}, 400, "exactly one query"),
        (
            {
                "method": "POST",
                "url": "/sparql?query=ASK%7B%7D",
                "content": "query=ASK%7B%7D",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
            "exactly one query",
        ),
        (
            {
                "method": "POST",
                "url": "/sparql?query=ASK%7B%7D",
                "content": "ASK {}",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            "must not also have a query",
        ),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": "ASK {}",
                "headers": {"Content-Type": "text/plain"},
            },
            400,
            "unsupported Content-Type",
        ),
        ({"method": "POST", "url": "/sparql", "content": "ASK {}"}, 400, "needs a Content-Type"),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": "nothing=here",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
            "no query",
        ),
        ({"method": "GET", "url": "/sparql?query=%20%20"}, 400, "empty"),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": b"\xff\xfe",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            "not valid utf-8",
        ),
        ({"method": "GET", "url": "/sparql?update=CLEAR%20ALL"}, 403, "read-only"),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": "update=CLEAR%20ALL",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            403,
            "read-only",
        ),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": "INSERT DATA { <urn:a:b> <urn:a:b> <urn:a:b> }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            403,
            "read-only",
        ),
        ({"method": "GET", "url": "/sparql?query=CLEAR%20ALL"}, 403, "not allowed"),
        (
            {"method": "GET", "url": "/sparql?query=DELETE%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"},
            403,
            "not allowed",
        ),
        (
            {
                "method": "GET",
                "url": "/sparql?query=ASK%7B%7D&default-graph-uri=https://w3id.org/shfz/graph/zones",
            },
            403,
            "default-graph-uri",
        ),
        ({"method": "PUT", "url": "/sparql", "content": "x"}, 405, "read-only"),
        ({"method": "DELETE", "url": "/sparql"}, 405, "read-only"),
        ({"method": "PATCH", "url": "/sparql", "content": "x"}, 405, "read-only"),
        (
            {"method": "GET", "url": "/sparql?query=ASK%7B%7D", "headers": {"Accept": "image/png"}},
            406,
            "available",
        ),
        ({"method": "GET", "url": "/sparql?query=ASK%7B%7D&format=csv"}, 406, "no CSV form"),
        (
            {"method": "GET", "url": "/sparql?query=ASK%7B%7D", "headers": {"Accept": "text/csv"}},
            406,
            "available: application/sparql-results+json",
        ),
    ],
)
def test_protocol_errors(client: TestClient, request_kwargs: dict, status: int, words: str) -> None:
    response = client.request(**request_kwargs)
    assert response.status_code == status, response.text
    assert words in response.text
    assert response.headers["content-type"].startswith("text/plain")
    no_trace(response.text)
    if status == 405:
        assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_406_for_asks_does_not_offer_csv(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert "text/csv" not in response.text.split("available:")[1]


def test_body_over_the_limit_is_413_declared_or_streamed(kg: KnowledgeGraph) -> None:
    with TestClient(create_app(kg, max_body=100), raise_server_exceptions=False) as small:
        declared = small.post(
            "/sparql", content=b"#" * 101, headers={"Content-Type": "application/sparql-query"}
        )
        streamed = small.post(
            "/sparql",
            content=iter([b"#" * 60, b"#" * 60]),  # chunked: no Content-Length
            headers={"Content-Type": "application/sparql-query"},
        )
        fits = small.post("/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert declared.status_code == 413
    assert "too large" in declared.text
    assert streamed.status_code == 413
    assert "too large" in streamed.text
    assert fits.status_code == 200


def test_unexpected_failure_is_a_plain_500_without_details(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode_async(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(QueryPool, "run_async", explode_async)
    response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 500
    assert response.text.strip() == "internal server error"
    api = client.get("/api/queries/zones-by-sector", headers={"Origin": "https://example.org"})
    assert (api.status_code, api.json()) == (500, {"error": "internal server error", "status": 500})
    # answered inside the security headers and CORS, as every other answer is
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.headers["access-control-allow-origin"] == "*"


# -- guards: no network, no update, time limit ----------------------------------------------------------


def guarded_queries(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{target}> {{ ?s ?q ?x }} }} }} LIMIT 1",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{target}>",
        f"LOAD SILENT <{target}> INTO GRAPH <urn:x>",
    ]


@pytest.mark.parametrize("method", METHODS)
def test_network_features_are_refused_and_never_connect(
    client: TestClient, listener: socket.socket, method: str
) -> None:
    port = listener.getsockname()[1]
    for query in guarded_queries(port):
        response = send(client, method, query)
        assert response.status_code == 403, (query, response.text)
        assert "not allowed" in response.text
    response = client.get(
        "/sparql", params={"query": "ASK {}", "named-graph-uri": f"http://127.0.0.1:{port}/"}
    )
    assert response.status_code == 403
    page = client.get("/query", params={"query": guarded_queries(port)[0]}, headers=HTML)
    assert page.status_code == 403
    assert "network access is not allowed" in page.text
    assert_silent(listener)


@pytest.mark.slow  # waits for the time limit
def test_timeout_is_503_and_other_clients_are_still_served(slow_client: TestClient) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        outcome["response"] = slow_client.get("/sparql", params={"query": SLOW_QUERY})
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.3)
    fast_started = time.monotonic()
    fast = slow_client.get("/sparql", params={"query": ASK_QUERY})
    fast_seconds = time.monotonic() - fast_started
    still_running = worker.is_alive()
    worker.join(timeout=30)
    assert fast.status_code == 200
    assert fast.json()["boolean"] is True
    assert still_running, "the slow query should still have been running"
    assert fast_seconds < 1.5  # answered while the slow query ran, not after it
    response = outcome["response"]
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert "time limit of 2 s" in response.text  # type: ignore[attr-defined]
    assert 2.0 <= outcome["seconds"] < 10.0  # type: ignore[operator]


# -- dereferenceable IRIs -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huangpu(kg: KnowledgeGraph) -> Graph:
    return kg.describe(HUANGPU)


@pytest.mark.parametrize(
    ("path", "accept", "content_type", "parser"),
    [
        ("/id/zone/huangpu", "text/turtle", "text/turtle; charset=utf-8", "turtle"),
        ("/id/zone/huangpu", "application/ld+json", "application/ld+json", "json-ld"),
        ("/id/zone/huangpu", "application/n-triples", "application/n-triples", "nt"),
        ("/id/zone/huangpu", "application/rdf+xml", "application/rdf+xml", "xml"),
        ("/id/zone/huangpu", "*/*", "text/turtle; charset=utf-8", "turtle"),
        ("/id/zone/huangpu", None, "text/turtle; charset=utf-8", "turtle"),
        ("/id/zone/huangpu.ttl", "text/html", "text/turtle; charset=utf-8", "turtle"),
        ("/id/zone/huangpu.jsonld", None, "application/ld+json", "json-ld"),
        ("/id/zone/huangpu.nt", "text/turtle", "application/n-triples", "nt"),
        ("/id/zone/huangpu.rdf", None, "application/rdf+xml", "xml"),
    ],
)
def test_iri_conneg_serves_the_description(
    client: TestClient,
    huangpu: Graph,
    path: str,
    accept: str | None,
    content_type: str,
    parser: str,
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert "Accept" in response.headers["vary"].split(", ")
    assert f'<{HUANGPU}>; rel="canonical"' in response.headers["link"]
    assert isomorphic(parse_rdf(response.content, parser), huangpu)


def test_iri_for_a_browser_is_a_page(client: TestClient) -> None:
    response = client.get("/id/zone/huangpu", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["vary"].split(", ")
    page = response.text
    assert "<h1>Huangpu linked innovation zone</h1>" in page
    assert "上海自贸试验区黄浦联动创新区" in page
    assert '<a href="/id/district/huangpu"' in page  # outgoing link
    assert "What links here" in page
    assert '<a href="/id/site/the-bund"' in page  # incoming: the Bund is siteIn the zone
    assert '<a href="/ontology#inDistrict"' in page  # properties link to the ontology page
    assert "Shanghai expands FTZ with new" in page  # a source
    assert "<svg" in page
    assert 'class="diagram"' in page
    assert 'rel="alternate" type="text/turtle" href="/id/zone/huangpu.ttl"' in page


def test_unacceptable_iri_type_is_406(client: TestClient) -> None:
    assert client.get("/id/zone/huangpu", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_iri_is_a_helpful_404(client: TestClient) -> None:
    page = client.get("/id/zone/huangpuu", headers=HTML)
    assert page.status_code == 404
    assert "https://w3id.org/shfz/id/zone/huangpuu" in page.text
    assert '<a href="/id/zone/huangpu">Huangpu linked innovation zone</a>' in page.text
    assert 'action="/search"' in page.text
    plain = client.get("/id/zone/huangpuu")
    assert plain.status_code == 404
    assert plain.headers["content-type"].startswith("text/plain")
    assert "/id/zone/huangpu (Huangpu linked innovation zone)" in plain.text
    for odd in ("/id/zone/a%20b", "/id/%3Cscript%3E", "/id/zone/%22%7D"):
        response = client.get(odd, headers=HTML)
        assert response.status_code == 404
        assert "<script>" not in response.text


@pytest.mark.slow  # every IRI of the graph
def test_every_local_iri_dereferences(client: TestClient, kg: KnowledgeGraph) -> None:
    """Subjects, predicates, objects and graph names under the base (`#` terms: their document)."""
    iris = {str(kg.graph(name).identifier) for name in kg.names}
    for triple in kg.dataset.triples((None, None, None)):
        iris |= {str(t).split("#")[0] for t in triple if isinstance(t, URIRef) and str(t).startswith(BASE)}
    assert len(iris) > 100
    for iri in sorted(iris):
        response = client.get(iri[len(BASE) - 1 :], headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, iri
        if iri not in (BASE, BASE + "ontology"):  # the dataset (VoID) and the ontology document
            assert f"<{iri}>" in response.text, iri


@pytest.mark.slow  # every page of the site
def test_every_local_page_renders(client: TestClient, kg: KnowledgeGraph) -> None:
    subjects = sorted(
        {str(s) for s in kg.dataset.subjects() if isinstance(s, URIRef) and str(s).startswith(BASE + "id/")}
    )
    for iri in subjects:
        response = client.get(iri[len(BASE) - 1 :], headers=HTML)
        assert response.status_code == 200, iri
        assert "<svg" in response.text


def test_base_url_maps_another_prefix_onto_the_root(kg: KnowledgeGraph) -> None:
    with TestClient(create_app(kg, base_url="https://w3id.org/shfz/id")) as other:
        response = other.get("/zone/huangpu", headers={"Accept": "application/n-triples"})
        missing = other.get("/id/zone/huangpu", headers={"Accept": "application/n-triples"})
        page = other.get("/zone/huangpu", headers=HTML)
    assert response.status_code == 200
    assert f"<{HUANGPU}>" in response.text
    assert missing.status_code == 404
    assert '<a href="/district/huangpu"' in page.text


def test_named_graph_iri_dereferences(client: TestClient, kg: KnowledgeGraph) -> None:
    page = client.get("/graph/zones", headers=HTML)
    assert page.status_code == 200
    assert f"({kg.counts()['zones']} triples)" in page.text


def test_ontology_page_and_rdf(client: TestClient, kg: KnowledgeGraph) -> None:
    page = client.get("/ontology", headers=HTML)
    assert page.status_code == 200
    assert '<article class="term" id="Zone">' in page.text
    assert '<article class="term" id="inDistrict">' in page.text
    assert "An area that a government has designated" in page.text  # skos:definition of shfz:Zone
    assert ">shfz:District</a>" in page.text  # the range of inDistrict, linked
    for path, headers in (("/ontology", {"Accept": "text/turtle"}), ("/ontology.ttl", {})):
        response = client.get(path, headers=headers)
        assert response.headers["content-type"] == "text/turtle; charset=utf-8"
        assert isomorphic(parse_rdf(response.content, "turtle"), kg.graph("ontology"))
    jsonld = client.get("/ontology", headers={"Accept": "application/ld+json"})
    assert isomorphic(parse_rdf(jsonld.content, "json-ld"), kg.graph("ontology"))
    version = kg.graph("ontology").value(
        URIRef(BASE + "ontology"), URIRef("http://www.w3.org/2002/07/owl#versionIRI")
    )
    assert version is not None
    assert client.get(str(version)[len(BASE) - 1 :], headers=HTML).status_code == 200
    assert client.get("/ontology/9.9.9", headers=HTML).status_code == 404
    # a version with a suffix, as the w3id redirects send it (deploy/w3id/.htaccess)
    for suffix, media, parser in ((".ttl", "text/turtle", "turtle"), (".nt", "application/n-triples", "nt")):
        response = client.get(str(version)[len(BASE) - 1 :] + suffix, headers=HTML)
        assert response.headers["content-type"].split(";")[0] == media
        assert isomorphic(parse_rdf(response.content, parser), kg.graph("ontology"))
    assert client.get("/ontology/9.9.9.ttl").status_code == 404


# -- VoID and the service description -------------------------------------------------------------------


def count(kg: KnowledgeGraph, query: str) -> int:
    """A number counted by SPARQL, independently of the VoID code."""
    return int(kg.query(query).rows[0]["n"])  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def void(client: TestClient) -> Graph:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    return parse_rdf(response.content, "turtle")


def number(graph: Graph, subject: object, prop: URIRef) -> int:
    value = graph.value(subject, prop)  # type: ignore[arg-type]
    assert isinstance(value, Literal)
    assert value.datatype == XSD.integer
    return int(value)


def test_void_counts_are_true(void: Graph, kg: KnowledgeGraph) -> None:
    root = URIRef(BASE)
    assert (root, RDF.type, VOID.Dataset) in void
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    assert number(void, root, VOID.triples) == count(kg, distinct)
    assert number(void, root, VOID.triples) == len({t for g in kg.dataset.graphs() for t in g})
    entities = (
        'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "'
        + BASE
        + '")) }'
    )
    assert number(void, root, VOID.entities) == count(kg, entities)
    assert number(void, root, VOID.classes) == count(
        kg, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"
    )
    assert number(void, root, VOID.properties) == count(
        kg, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert number(void, root, VOID.distinctSubjects) == count(
        kg, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert number(void, root, VOID.distinctObjects) == count(
        kg, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"
    )


def test_void_subsets_per_named_graph_are_true(void: Graph, kg: KnowledgeGraph) -> None:
    root = URIRef(BASE)
    subsets = {s for s in void.objects(root, VOID.subset) if (s, RDF.type, VOID.Linkset) not in void}
    assert subsets == {URIRef(str(kg.graph(name).identifier)) for name in kg.names}
    assert URIRef(BASE + "graph/curation") in subsets  # the project's classification, counted apart
    for name, triples in kg.counts().items():
        iri = kg.graph(name).identifier
        assert number(void, iri, VOID.triples) == triples
        assert number(void, iri, VOID.triples) == count(
            kg, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        )
        assert number(void, iri, VOID.classes) == count(
            kg, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s a ?c }} }}"
        )


def test_void_partitions_and_linksets_are_true(void: Graph, kg: KnowledgeGraph) -> None:
    root = URIRef(BASE)
    partitions = {void.value(p, VOID["class"]): p for p in void.objects(root, VOID.classPartition)}
    zone = partitions[SHFZ.Zone]
    assert number(void, zone, VOID.distinctSubjects) == count(
        kg, "SELECT (COUNT(DISTINCT ?z) AS ?n) WHERE { ?z a <https://w3id.org/shfz/ontology#Zone> }"
    )
    properties = {void.value(p, VOID.property): p for p in void.objects(root, VOID.propertyPartition)}
    assert number(void, properties[RDFS.label], VOID.triples) == count(
        kg,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE "
        "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } }",
    )
    linksets = {
        (void.value(ls, VOID.linkPredicate), void.value(ls, VOID.objectsTarget)): ls
        for ls in void.subjects(RDF.type, VOID.Linkset)
    }
    wikidata = linksets[(SKOS.exactMatch, URIRef("http://www.wikidata.org/"))]
    assert number(void, wikidata, VOID.triples) == count(
        kg,
        "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s <http://www.w3.org/2004/02/skos/core#exactMatch> ?o "
        'FILTER(STRSTARTS(STR(?o), "http://www.wikidata.org/entity/")) }',
    )
    assert void.value(root, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    dumps = set(void.objects(root, VOID.dataDump))
    assert URIRef("http://testserver/download/shfz-with-inferences.nq") in dumps
    parts = [*partitions.values(), *properties.values(), *linksets.values()]  # each can be linked to
    assert {str(part).split("#")[0] for part in parts} == {"http://testserver/.well-known/void"}
    assert len(set(parts)) == len(parts) and not [t for t in void for x in t if isinstance(x, BNode)]


def test_void_is_counted_by_the_query_workers_not_from_the_triples_in_the_server(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 10^6 triples, reading every triple into the serving process took minutes and a gigabyte: the
    counts come from aggregate queries, so VoID and the service description never read the store here."""

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the serving process read the triples")

    with TestClient(create_app(kg), raise_server_exceptions=False) as fresh:
        monkeypatch.setattr(kg.dataset.store, "triples", no_reading)
        response = fresh.get("/.well-known/void", headers={"Accept": "text/turtle"})
        assert response.status_code == 200, response.text
        counted = parse_rdf(response.content, "turtle")
        description = fresh.get("/sparql", headers={"Accept": "text/turtle"})
        assert description.status_code == 200, description.text
    monkeypatch.undo()
    assert number(counted, URIRef(BASE), VOID.triples) == len({t for g in kg.dataset.graphs() for t in g})
    example = counted.value(URIRef(BASE), VOID.exampleResource)
    assert isinstance(example, URIRef) and (example, RDF.type, SHFZ.Zone) in kg.dataset


def test_voids_counts_are_kept_beside_the_store_and_read_back_whole(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    from shfz_graph.server import void as void_module

    graphs = {name: URIRef(str(kg.graph(name).identifier)) for name in kg.names}
    made = void_module.count(kg.query, graphs, uri_space=BASE)
    kept = tmp_path / "void.json"
    kept.write_text(json.dumps(void_module._counts_json(made)), encoding="utf-8")
    assert void_module.read_counts(kept) == made
    kept.write_text(json.dumps({**void_module._counts_json(made), "format": 0}), encoding="utf-8")
    assert void_module.read_counts(kept) is None  # another format: counted again
    kept.write_text("{not json", encoding="utf-8")
    assert void_module.read_counts(kept) is None
    assert void_module.counts_file(Path("/c/store-x"), BASE) != void_module.counts_file(
        Path("/c/store-x"), "http://e/"
    )


def test_a_second_server_over_the_same_store_reads_voids_counts_without_counting(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shfz_graph.server import void as void_module
    from shfz_graph.server.context import ServerContext

    with TestClient(create_app(kg, base_url="http://kept.example/"), raise_server_exceptions=False) as first:
        counted = first.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert counted.status_code == 200
    assert void_module.counts_file(kg.query_store(), "http://kept.example/").is_file()

    def no_counting(self: object, text: str, *, seconds: float) -> object:
        raise AssertionError("counted again")

    monkeypatch.setattr(ServerContext, "ask_own", no_counting)
    with TestClient(create_app(kg, base_url="http://kept.example/"), raise_server_exceptions=False) as second:
        again = second.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert again.status_code == 200
    assert same_shape(parse_rdf(again.content, "turtle"), parse_rdf(counted.content, "turtle"))


def test_counts_past_their_time_are_a_503_that_is_not_counted_again(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shfz_graph.server import void as void_module

    monkeypatch.setattr(void_module, "COUNTING_SECONDS", 0.001)
    calls: list[str] = []
    real = void_module.count

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("count")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(void_module, "count", counting)
    with TestClient(create_app(kg, base_url="http://slow.example/"), raise_server_exceptions=False) as slow:
        answers = [slow.get("/.well-known/void", headers={"Accept": "text/turtle"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [503, 503]
    assert answers[0].text.startswith("VoID's counts took longer than 0.001 s")
    assert calls == ["count"]  # the second request got the remembered error at once
    assert not void_module.counts_file(kg.query_store(), "http://slow.example/").exists()


def same_shape(a: Graph, b: Graph) -> bool:
    """Same size and the same triples without blank nodes (full isomorphism is slow with many blank nodes)."""

    def ground(g: Graph) -> set[tuple[object, ...]]:
        return {t for t in g if not any(isinstance(x, BNode) for x in t)}

    return len(a) == len(b) and ground(a) == ground(b)


def test_void_in_other_formats_and_html(client: TestClient, void: Graph) -> None:
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"] == "application/ld+json"
    assert same_shape(parse_rdf(jsonld.content, "json-ld"), void)
    page = client.get("/.well-known/void", headers=HTML)
    assert page.status_code == 200
    assert "everything served (union)" in page.text
    home_rdf = client.get("/", headers={"Accept": "text/turtle"})
    assert same_shape(parse_rdf(home_rdf.content, "turtle"), void)


def test_service_description(client: TestClient, kg: KnowledgeGraph) -> None:
    for response in (
        client.get("/sparql", headers={"Accept": "text/turtle"}),
        client.get("/sparql"),
        client.get("/sparql?format=turtle", headers=HTML),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    sd = parse_rdf(client.get("/sparql").content, "turtle")
    service = URIRef("http://testserver/sparql")
    assert (service, RDF.type, SD.Service) in sd
    assert (service, SD.endpoint, service) in sd
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    assert (service, SD.feature, SD.UnionDefaultGraph) in sd
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in sd
    names = set(sd.objects(None, SD.name))
    assert names == {URIRef(str(kg.graph(n).identifier)) for n in kg.names}
    default = sd.value(sd.value(service, SD.defaultDataset), SD.defaultGraph)
    assert number(sd, default, VOID.triples) == len({t for g in kg.dataset.graphs() for t in g})
    rdfxml = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert isomorphic(parse_rdf(rdfxml.content, "xml"), sd)


# -- downloads ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "inferred", "content_type"),
    [
        ("shfz.ttl", "turtle", False, "text/turtle; charset=utf-8"),
        ("shfz.nt", "nt", False, "application/n-triples"),
        ("shfz.nq", "nquads", False, "application/n-quads"),
        ("shfz.trig", "trig", False, "application/trig"),
        ("shfz.jsonld", "json-ld", False, "application/ld+json"),
        ("shfz.rdf", "xml", False, "application/rdf+xml"),
        ("shfz-with-inferences.nq", "nquads", True, "application/n-quads"),
    ],
)
def test_downloads_are_the_exports(
    client: TestClient, kg: KnowledgeGraph, name: str, fmt: str, inferred: bool, content_type: str
) -> None:
    response = client.get(f"/download/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert response.content == kg.export(fmt, inferred=inferred)
    if fmt == "nquads":  # the dump keeps the named graphs apart, the curation graph among them
        assert b"<https://w3id.org/shfz/graph/curation> ." in response.content
    again = client.get(f"/download/{name}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_download_index_and_unknown_file(client: TestClient) -> None:
    index = client.get("/download/", headers=HTML)
    assert index.status_code == 200
    assert 'href="/download/shfz-with-inferences.trig"' in index.text
    assert client.get("/download/shfz.exe").status_code == 404


# -- pages ----------------------------------------------------------------------------------------------


def test_home_page(client: TestClient, kg: KnowledgeGraph) -> None:
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    page = response.text
    assert "<h1>Shanghai Pilot Free Trade Zone knowledge graph</h1>" in page
    assert "creativecommons.org/licenses/by/4.0" in page
    for link in ("/query", "/ontology", "/docs", "/download/", "/.well-known/void", "/sparql"):
        assert f'href="{link}"' in page
    rows = re.findall(r'<tr>\s*<th scope="row"><a href="(/id/zone/[^"]+)"', page)
    assert "/id/zone/huangpu" in rows
    assert len(rows) == 16  # 7 zones of the first batch, 9 of the second
    assert "<li><strong>16</strong> zones</li>" in page  # the count matches the tables
    # one table per batch, oldest first, each under its batch's name and date
    headings = re.findall(
        r'<h3 id="batch-\d" class="batch"><a href="(/id/batch/[^"]+)"[^>]*>[^<]*</a> '
        r'<span class="muted">— made public (\d{4}-\d\d-\d\d)',
        page,
    )
    assert headings == [("/id/batch/first", "2024-08-15"), ("/id/batch/second", "2025-10-15")]
    assert page.count('<table class="data zones">') == 2
    start = page.index('id="batch-2"')
    second = page[start : page.index("</table>", start)]
    assert "/id/zone/jingan" in second and "/id/zone/huangpu" not in second
    # a zone without a stated area says so, in the table and in the chart, and is never drawn as zero
    assert page.count('<span class="muted no-figure">no figure given</span>') == 7
    assert page.count('class="no-figure">no figure given</text>') == 7
    assert re.search(r'<td class="num">(?:<span[^>]*>)?0 km', page) is None
    assert re.search(r'<span class="approx"[^>]*>about</span> 14 km²', page)
    assert re.search(r"<td class=\"num\">50 km²</td>", page)
    assert re.search(r'<span class="approx"[^>]*>about</span> 49.1 km²', page)  # Jiading
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in page
    assert '<table class="matrix">' in page
    assert 'href="/query?example=zones-by-sector"' in page


def test_overview_model(kg: KnowledgeGraph) -> None:
    overview = build_overview(Site(kg))
    by_iri = {row.zone.iri: row for row in overview.zones}
    huangpu = by_iri[str(HUANGPU)]
    assert huangpu.area is not None
    assert (huangpu.area.value, huangpu.area.approximate, huangpu.area.text) == (14.0, True, "about 14 km²")
    baoshan = by_iri[BASE + "id/zone/baoshan"]
    assert baoshan.area is not None
    assert baoshan.area.text == "50 km²"
    assert [d.iri for d in huangpu.districts] == [BASE + "id/district/huangpu"]
    assert {s.iri for s in huangpu.sectors} == {
        BASE + "id/sector/financial-services",
        BASE + "id/sector/import-trade",
    }
    bonded = by_iri[BASE + "id/zone/comprehensive-bonded-areas"]
    assert len(bonded.bonded_areas) == 6
    jingan = by_iri[BASE + "id/zone/jingan"]  # named by the sources without an area or sectors
    assert (jingan.area, jingan.sectors, jingan.batch) == (None, [], BASE + "id/batch/second")
    assert [(g.batch.iri if g.batch else None, g.announced, len(g.zones)) for g in overview.batches] == [
        (BASE + "id/batch/first", "2024-08-15", 7),
        (BASE + "id/batch/second", "2025-10-15", 9),
    ]
    assert [row.zone.iri for row in overview.zones][-7:] == [  # zones without a figure go last, by label
        BASE + f"id/zone/{slug}"
        for slug in (
            "hongqiao-international-central-business-district",
            "jingan",
            "jinshan",
            "national-economic-and-technological-development-zones",
            "putuo",
            "qingpu",
            "shanghai-international-resort",
        )
    ]
    column = [row.zone.iri for row in overview.zones].index(str(HUANGPU))
    marks = {row.sector.iri: row.cells[column][0] for row in overview.sectors}
    assert marks[BASE + "id/sector/financial-services"] == "focus"
    assert marks[BASE + "id/sector/shipping"] == ""
    assert marks[BASE + "id/sector/carbon-finance"] == ""
    baoshan_column = [row.zone.iri for row in overview.zones].index(BASE + "id/zone/baoshan")
    carbon = next(row for row in overview.sectors if row.sector.iri == BASE + "id/sector/carbon-finance")
    assert carbon.cells[baoshan_column][0] == "initiative"
    assert "A local carbon finance system" in carbon.cells[baoshan_column][1]


def test_bar_chart_shows_no_figure_given_instead_of_a_zero_bar() -> None:
    chart = svg.bar_chart(
        [
            svg.Bar("Huangpu", 14.0, "about 14 km²", True, "/id/zone/huangpu"),
            svg.Bar("Jing'an", None, "no figure given", False, "/id/zone/jingan"),
        ],
        title="Area of each zone",
        unit="km²",
    )
    assert chart.count("<rect x=") == 2  # the Huangpu bar and the legend's swatch; no bar for Jing'an
    assert """<a href="/id/zone/jingan"><title>Jing'an: no figure given</title>""" in chart
    assert 'class="no-figure">no figure given</text>' in chart


def test_short_labels_drop_the_common_ending() -> None:
    assert short_labels(
        ["Huangpu linked innovation zone", "Comprehensive bonded areas linked innovation zone"]
    ) == [
        "Huangpu",
        "Comprehensive bonded areas",
    ]
    assert short_labels(["zone", "zone"]) == ["Zone", "Zone"]


@pytest.fixture
def capped_client(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app whose pages show at most 5 zones, 7 sectors, 10 members of a class, and whose search keeps
    no more than 100 label texts (so it reads at most `SEARCH_SCANNED` each time): a large graph's pages."""
    from shfz_graph.server import overview as overview_module
    from shfz_graph.server import site as site_module

    monkeypatch.setattr(overview_module, "ZONES_SHOWN", 5)
    monkeypatch.setattr(overview_module, "SECTORS_SHOWN", 7)
    monkeypatch.setattr(site_module, "MEMBERS_SHOWN", 10)
    monkeypatch.setattr(site_module, "_REMEMBERED_CANDIDATES", 100)
    with TestClient(create_app(kg), raise_server_exceptions=False) as test_client:
        yield test_client


def _linked_query(page: str, text: str) -> str:
    """The query text of the link whose text is `text` (a link to the query page)."""
    match = re.search(r'<a href="/query\?query=([^"]+)">' + re.escape(text) + "</a>", page)
    assert match is not None, text
    return unquote_plus(html.unescape(match.group(1)))


def test_home_page_shows_the_largest_zones_and_says_how_many_it_leaves_out(
    capped_client: TestClient, kg: KnowledgeGraph
) -> None:
    page = capped_client.get("/", headers=HTML).text
    rows = re.findall(r'<tr>\s*<th scope="row"><a href="(/id/zone/[^"]+)"', page)
    # the five largest by stated area: 50, 49.1, 46, 45 and 24.6 km² (in the tables of their batches)
    assert sorted(rows) == [
        "/id/zone/baoshan",
        "/id/zone/changning",
        "/id/zone/jiading",
        "/id/zone/minhang",
        "/id/zone/xuhui",
    ]
    assert "<li><strong>16</strong> zones</li>" in page  # every zone is counted, not only those shown
    assert "<li><strong>20</strong> sectors</li>" in page
    assert (
        "Showing the 5 largest of 16 zones (by stated area), in the tables, the chart and the matrix" in page
    )
    everything = _linked_query(page, "all 16 zones in the query page")
    assert {str(row["zone"]) for row in kg.query(everything).rows} == {
        BASE + f"id/zone/{slug}"
        for slug in (
            "baoshan", "changning", "comprehensive-bonded-areas", "hongkou",
            "hongqiao-international-central-business-district", "huangpu", "jiading", "jingan", "jinshan",
            "minhang", "national-economic-and-technological-development-zones", "putuo", "qingpu",
            "shanghai-international-resort", "xuhui", "yangpu",
        )
    }  # fmt: skip
    # the matrix: the 5 zones' columns, and 7 of the 20 sectors, those the 5 zones focus on or serve and
    # the sectors broader than those (financial services, above carbon finance, which Baoshan serves)
    matrix = page[
        page.index('<table class="matrix">') : page.index("</table>", page.index('<table class="matrix">'))
    ]
    assert matrix.count('<th scope="col"><a href="/id/zone/') == 5
    sectors = re.findall(r'<th scope="row" class="depth-(\d)"><a href="/id/sector/([^"]+)"', matrix)
    assert sectors == [
        ("0", "artificial-intelligence"),
        ("0", "cruise-economy"),
        ("0", "digital-economy"),
        ("0", "financial-services"),
        ("1", "carbon-finance"),
        ("0", "green-supply-chains"),
        ("0", "intelligent-connected-new-energy-vehicles"),
    ]
    assert (
        "Showing 7 of 20 sectors: those the zones above focus on or serve, with their broader sectors" in page
    )
    assert len(kg.query(_linked_query(page, "all 20 sectors in the query page")).rows) == 20


def test_home_page_shows_every_zone_and_sector_when_they_fit(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    assert 'class="muted capped"' not in page and "in the query page</a>" not in page
    assert page.count('<th scope="row" class="depth-') == 20


def test_browse_list_caps_each_class_and_links_to_all_of_it(
    capped_client: TestClient, kg: KnowledgeGraph
) -> None:
    page = capped_client.get("/", headers=HTML).text
    browse = page[page.index('<h2 id="browse">') :]
    groups = re.findall(
        r'<summary>([^<]+) <span class="count">(\d+)</span></summary>\s*<ul>(.*?)</ul>', browse, re.S
    )
    shown = {name: (int(total), items.count("<li>")) for name, total, items in groups}
    assert shown["initiative"] == (30, 10)
    assert shown["site"] == (26, 10)
    assert shown["measure"] == (9, 9)  # fits: all shown, no note
    capped = sorted(name for name, (total, _) in shown.items() if total > 10)
    assert capped and all(shown[name][1] == 10 for name in capped)
    assert all(shown[name][0] == shown[name][1] for name in shown if name not in capped)
    assert browse.count("Showing 10 of ") == len(capped)
    assert "Showing 10 of 30: " in browse
    sites = {str(row["member"]) for row in kg.query(_linked_query(browse, "all 26 in the query page")).rows}
    assert len(sites) == 26 and BASE + "id/site/the-bund" in sites


def test_search_in_a_graph_too_large_to_keep_its_labels_reads_a_bounded_number(
    capped_client: TestClient, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shfz_graph.server import site as site_module

    found = capped_client.get("/search", params={"q": "bund"}, headers=HTML).text
    assert '<a href="/id/site/the-bund">The Bund</a>' in found
    assert "it read the first 40,000 (our own data first) and tried no close spellings" in found
    rows = kg.query(_linked_query(found, "Search every label in the query page")).rows
    assert {str(row["thing"]) for row in rows} >= {BASE + "id/site/the-bund", BASE + "id/site/north-bund"}
    typo = capped_client.get("/search", params={"q": "Xujiahiu"}, headers=HTML).text
    assert "Nothing is labelled like" in typo  # no close spellings in a large graph
    monkeypatch.setattr(site_module, "SEARCH_SCANNED", 0)
    nothing = capped_client.get("/search", params={"q": "the bund"}, headers=HTML).text
    assert "Nothing is labelled like" in nothing and "it read the first 0 " in nothing


def test_an_app_told_to_prepare_its_pages_builds_the_home_page_as_it_starts(kg: KnowledgeGraph) -> None:
    app = create_app(kg)
    assert app.state.ctx.pages_at_start is False  # tests and embedders: built at the first visit
    app.state.ctx.pages_at_start = True  # as `serve` does
    with TestClient(app, raise_server_exceptions=False):
        deadline = time.monotonic() + 60
        while any(app.state.ctx.peek(key) is None for key in ("overview", "browse", "pilot-ftz-rows")):
            assert time.monotonic() < deadline, "the home page was not built"
            time.sleep(0.05)
        assert app.state.ctx.peek("overview").stats["zones"] == 16
        assert len(app.state.ctx.peek("pilot-ftz-rows")) == 22
        assert app.state.ctx.peek("counts") is None  # VoID's counts wait for VoID's first request


def test_search_by_english_and_chinese_label(client: TestClient) -> None:
    english = client.get("/search", params={"q": "bund"}, headers=HTML)
    assert '<a href="/id/site/the-bund">The Bund</a>' in english.text
    chinese = client.get("/search", params={"q": "外滩"}, headers=HTML)
    assert '<a href="/id/site/the-bund">The Bund</a>' in chinese.text
    typo = client.get("/search", params={"q": "Xujiahiu"}, headers=HTML)
    assert 'href="/id/site/xujiahui"' in typo.text


def test_search_keeps_its_texts_only_when_few_and_answers_alike_either_way(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages hold no copy of the graph: search keeps the labels it scans only below a bound, and reads
    them from the store each time above it, with the same hits."""
    from shfz_graph.server import site as site_module

    few = site_module.Site(kg)
    expected = [(h.iri, h.matched) for h in few.search("bund")]
    assert (BASE + "id/site/the-bund", "The Bund") in expected
    assert few._kept_candidates is not None and len(few._kept_candidates) > 100
    monkeypatch.setattr(site_module, "_REMEMBERED_CANDIDATES", 100)
    many = site_module.Site(kg)
    assert [(h.iri, h.matched) for h in many.search("bund")] == expected
    assert [(h.iri, h.matched) for h in many.search("bund")] == expected
    assert many._kept_candidates is None and many._too_many_candidates


def test_query_page_lists_examples_and_runs_a_query(client: TestClient) -> None:
    empty = client.get("/query", headers=HTML)
    assert empty.status_code == 200
    for named in catalog():
        if named.network:  # refused here: named with the command that runs it, not linked
            assert f"shfz-graph query {named.name} --allow-network" in empty.text
        else:
            assert f'href="/query?example={named.name}"' in empty.text
    example = client.get("/query", params={"example": "zones-by-sector"}, headers=HTML)
    assert "?_sector_iri" in example.text
    assert 'name="sector"' in example.text
    ran = client.get(
        "/query",
        params={"example": "zones-by-sector", "run": "1", "sector": BASE + "id/sector/financial-services"},
        headers=HTML,
    )
    assert ran.status_code == 200
    assert re.search(r'<strong id="row-count">2</strong> rows', ran.text)
    assert 'href="/id/zone/huangpu"' in ran.text
    csv_download = client.get(
        "/query",
        params={
            "example": "zones-by-sector",
            "run": "1",
            "sector": BASE + "id/sector/financial-services",
            "format": "csv",
        },
    )
    assert csv_download.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_download.headers["content-disposition"] == 'attachment; filename="results.csv"'
    assert len(list(csv.reader(io.StringIO(csv_download.text)))) == 3


def test_query_page_shows_errors_in_place(client: TestClient) -> None:
    page = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p }"}, headers=HTML)
    assert page.status_code == 400
    assert 'class="error" role="alert"' in page.text
    assert "syntax error at line 1" in page.text


def test_sparql_endpoint_in_a_browser_is_the_query_page(client: TestClient) -> None:
    page = client.get("/sparql", headers=HTML)
    assert page.status_code == 200
    assert '<textarea id="query" name="query"' in page.text
    results = client.get("/sparql", params={"query": DISTRICTS_QUERY}, headers=HTML)
    assert re.search(r'<strong id="row-count">13</strong> rows', results.text)
    assert f"/sparql?query={quote(DISTRICTS_QUERY, safe='')[:20]}" in results.text.replace("+", "%20")


def test_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    for path in ("/", "/id/zone/huangpu", "/ontology", "/query", "/docs", "/download/", "/.well-known/void"):
        page = client.get(path, headers=HTML).text
        assert not re.search(r"<script[^>]+src=\"(https?:)?//", page), path
        assert not re.search(r"<link[^>]+href=\"(https?:)?//", page), path
        assert not re.search(r"<img[^>]+src=\"(https?:)?//", page), path
        assert "@import" not in page
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "http" not in css.text and "@import" not in css.text
    for script in ("editor.js", "results.js"):
        js = client.get(f"/static/{script}")
        assert js.status_code == 200
        assert "http" not in js.text, script  # they fetch from this server only (relative paths)


def test_errors_for_browsers_are_pages(client: TestClient) -> None:
    page = client.get("/sparql", params={"query": "ASK {}", "update": "CLEAR ALL"}, headers=HTML)
    assert page.status_code == 403
    assert "<h1>Error 403</h1>" in page.text


# -- named-query API and its docs -----------------------------------------------------------------------


def test_api_lists_the_catalogue(client: TestClient) -> None:
    listed = client.get("/api/queries").json()
    assert [q["name"] for q in listed] == sorted(q.name for q in catalog())
    by_name = {q["name"]: q for q in listed}
    sector = by_name["zones-by-sector"]["parameters"]
    assert sector[0]["name"] == "sector"
    assert sector[0]["kind"] == "iri"
    assert sector[0]["default"] == BASE + "id/sector/artificial-intelligence"
    assert by_name["zones-by-sector"]["url"] == "http://testserver/api/queries/zones-by-sector"


def test_api_runs_every_named_query_with_its_defaults(client: TestClient, kg: KnowledgeGraph) -> None:
    for named in catalog():
        needs = [p for p in named.parameters if p.required and p.default is None]
        response = client.get(f"/api/queries/{named.name}")
        if named.network:
            assert response.status_code == 403, named.name
            assert "network access is not allowed" in response.json()["error"]
        elif needs:
            assert response.status_code == 400, named.name
        else:
            assert response.status_code == 200, (named.name, response.text)
            expected = kg.query(named.name)
            if expected.kind in ("SELECT", "ASK"):
                assert response.headers["content-type"] == "application/sparql-results+json"
                assert response.json() == json.loads(expected.to_json()), named.name


def test_api_parameters_and_formats(client: TestClient) -> None:
    financial = BASE + "id/sector/financial-services"
    as_json = client.get("/api/queries/zones-by-sector", params={"sector": financial})
    zones = {b["zone"]["value"] for b in as_json.json()["results"]["bindings"]}
    assert zones == {BASE + "id/zone/huangpu", BASE + "id/zone/hongkou"}
    by_accept = client.get(
        "/api/queries/zones-by-sector", params={"sector": financial}, headers={"Accept": "text/csv"}
    )
    by_format = client.get("/api/queries/zones-by-sector", params={"sector": financial, "format": "csv"})
    assert by_accept.headers["content-type"] == by_format.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_accept.text == by_format.text
    assert by_accept.text.startswith("zone,label,sector,sectorLabel,area\r\n")
    tsv = client.get("/api/queries/zones-by-sector", params={"format": "tsv"})
    assert tsv.headers["content-type"] == "text/tab-separated-values; charset=utf-8"


def test_api_parameter_names_of_the_previous_release_work_with_a_deprecation_header(
    client: TestClient,
) -> None:
    now = client.get("/api/queries/zones-larger-than", params={"minarea": "40", "format": "csv"})
    before = client.get("/api/queries/zones-larger-than", params={"min_area": "40", "format": "csv"})
    assert (now.status_code, before.status_code) == (200, 200)
    assert before.text == now.text
    assert [line.split(",")[0] for line in now.text.splitlines()[1:]] == [
        BASE + "id/zone/baoshan",
        BASE + "id/zone/jiading",
        BASE + "id/zone/minhang",
        BASE + "id/zone/xuhui",
    ]
    assert "deprecation" not in now.headers and "warning" not in now.headers
    assert before.headers["deprecation"] == "true"
    assert before.headers["warning"] == (
        "299 shfz-graph \"parameter name 'min_area' is deprecated and will stop working in the next "
        "release: use 'minarea'\""
    )


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/queries/zones-by-sectr", 404, "did you mean: zones-by-sector"),
        ("/api/queries/zones-by-sector?sector=not%20an%20iri", 400, "not a valid IRI"),
        ("/api/queries/zones-by-sector?colour=red", 400, "has no parameter 'colour'"),
        ("/api/queries/zones-by-sector?sector=a:b&sector=c:d", 400, "given more than once"),
    ],
)
def test_api_errors_are_json(client: TestClient, url: str, status: int, words: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == status
    assert words in body["error"]
    if status == 404:
        assert body["suggestions"][0] == "zones-by-sector"


def test_openapi_has_every_named_query_and_docs_are_ours(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert "/sparql" in paths
    assert set(paths["/sparql"]) == {"get", "post"}
    for named in catalog():
        operation = paths[f"/api/queries/{named.name}"]["get"]
        assert [p["name"] for p in operation["parameters"]] == [p.name for p in named.parameters] + ["format"]
    docs = client.get("/docs", headers=HTML)
    assert docs.status_code == 200
    assert "swagger" not in docs.text.lower()
    assert "cdn" not in docs.text.lower()
    assert "<code>/api/queries/zones-by-sector</code>" in docs.text
    assert client.get("/redoc").status_code == 404


# -- HTTP details ---------------------------------------------------------------------------------------


def test_cors_allows_any_origin_without_credentials(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers


def test_security_headers(client: TestClient) -> None:
    for response in (client.get("/", headers=HTML), client.get("/id/nothing"), client.get("/sparql")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in response.headers["content-security-policy"]


def test_head_requests(client: TestClient) -> None:
    response = client.head("/id/zone/huangpu", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.content == b""


# -- the `server` extra ------------------------------------------------------------------------------------


def test_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    import shfz_graph.server as server
    from shfz_graph.cli import main
    from shfz_graph.errors import MissingExtraError

    monkeypatch.setitem(sys.modules, "fastapi", None)  # as if the extra were not installed
    with pytest.raises(MissingExtraError) as missing:
        server.create_app  # noqa: B018
    assert missing.value.extra == "server"
    assert "pip install 'shfz-graph[server]'" in str(missing.value)
    assert main(["serve", "--port", "8999"]) == 2
    assert "pip install 'shfz-graph[server]'" in capsys.readouterr().err


def test_a_quick_query_leaves_no_watcher_and_a_client_gone_early_is_seen_when_watching_starts() -> None:
    """The disconnect watcher starts only after `watch_after`: a query answered sooner costs no task, and
    a client that left before then still stops its query as soon as the watcher looks."""
    import asyncio

    from shfz_graph.errors import ClientDisconnected
    from shfz_graph.server.context import unless_disconnected

    received: list[str] = []

    async def gone() -> dict[str, str]:
        received.append("asked")
        return {"type": "http.disconnect"}

    async def scenario() -> tuple[str, float, int]:
        quick = await unless_disconnected(asyncio.sleep(0, result="answer"), gone, watch_after=0.05)
        asked_after_quick = len(received)
        started = asyncio.get_running_loop().time()
        with pytest.raises(ClientDisconnected, match="the client closed the connection"):
            await unless_disconnected(asyncio.sleep(5), gone, watch_after=0.05)
        return quick, asyncio.get_running_loop().time() - started, asked_after_quick

    quick, stopped_after, asked = asyncio.run(scenario())
    assert (quick, asked) == ("answer", 0)  # nothing watched the quick one
    assert 0.05 <= stopped_after < 1.0 and received == ["asked"]
