"""Remote endpoints: queries through SPARQLWrapper, push with the Graph Store Protocol, federated queries.

Everything talks to 127.0.0.1 only: tiny scripted HTTP stubs for the error paths, and real Oxigraph
servers (see the `oxigraph_server` fixture in conftest.py) for push, for comparing every named query
remotely and locally, and as a stand-in for Wikidata behind the federated queries.
"""

from __future__ import annotations

import http.server
import io
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from conftest import OxigraphServer, w3c_rows
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from shfz_graph import __version__, catalog
from shfz_graph.errors import (
    NetworkAccessDenied,
    ParameterError,
    QuerySyntaxError,
    QueryTimeout,
    RemoteError,
    UpdateDenied,
)
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.links import httpclient, ntriples, remote
from shfz_graph.links.remote import Auth, RemoteTimeout
from shfz_graph.query.results import Result

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# rdflib's own evaluator calls its deprecated Dataset.contexts/default_context; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:Dataset\\.\\w+ is deprecated:DeprecationWarning")

REPO = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/shfz/id/"
WD = "http://www.wikidata.org/entity/"
SELECT_JSON = json.dumps(
    {
        "head": {"vars": ["zone", "n"]},
        "results": {
            "bindings": [
                {
                    "zone": {"type": "uri", "value": ID + "zone/huangpu"},
                    "n": {"type": "literal", "value": "3", "datatype": str(XSD.integer)},
                },
                {"zone": {"type": "bnode", "value": "b0"}},
            ]
        },
    }
).encode()
QUERY = "SELECT ?zone ?n WHERE { ?zone ?p ?n }"


# -- a scripted HTTP stub on 127.0.0.1 ------------------------------------------------------------------


@dataclass
class Reply:
    """What the stub answers: status, headers, body, and how long it waits first."""

    status: int = 200
    body: bytes = SELECT_JSON
    headers: dict[str, str] = field(
        default_factory=lambda: {"Content-Type": "application/sparql-results+json"}
    )
    delay: float = 0.0


@dataclass
class Seen:
    """One request the stub received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Stub:
    """An HTTP server on a free loopback port that answers each request with `respond(request)`."""

    def __init__(self, respond: Callable[[Seen], Reply]) -> None:
        self.seen: list[Seen] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
                stub.seen.append(request)
                reply = respond(request)
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            do_GET = do_POST = do_PUT = handle_any

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub() -> Iterator[Callable[..., Stub]]:
    """Start stubs that answer with a list of replies in turn (the last repeats) or a function."""
    started: list[Stub] = []

    def start(replies: list[Reply] | Callable[[Seen], Reply]) -> Stub:
        if callable(replies):
            server = Stub(replies)
        else:
            script = list(replies)
            server = Stub(lambda _: script.pop(0) if len(script) > 1 else script[0])
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def _no_auth_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(remote.AUTH_ENV, raising=False)


# -- authentication -------------------------------------------------------------------------------------


def test_auth_specs_and_the_secret_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    basic = remote.parse_auth("basic:alice:s3cret:with:colons")
    assert (basic.scheme, basic.user, basic.secret) == ("basic", "alice", "s3cret:with:colons")
    assert basic.header() == "Basic YWxpY2U6czNjcmV0OndpdGg6Y29sb25z"
    assert "s3cret" not in repr(basic)
    assert remote.parse_auth("Bearer:tok.en").header() == "Bearer tok.en"
    for bad in ("basic:alice", "basic::pw", "bearer:", "digest:x:y", "hunter2"):
        with pytest.raises(ParameterError) as err:
            remote.parse_auth(bad)
        assert str(err.value) == (
            "SHFZ_GRAPH_AUTH must be 'basic:USER:PASSWORD' or 'bearer:TOKEN' (its value is not shown)"
        )
    assert remote.auth_from_env({}) is None
    assert remote.auth_from_env({"SHFZ_GRAPH_AUTH": "bearer:abc"}) == Auth("bearer", "abc")
    monkeypatch.setenv("SHFZ_GRAPH_AUTH", "basic:u:p")
    assert remote.auth_from_env() == Auth("basic", "p", "u")


def test_auth_header_user_agent_and_get_are_sent(
    stub: Callable[..., Stub], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = stub([Reply()])
    monkeypatch.setenv("SHFZ_GRAPH_AUTH", "bearer:tok-123")
    remote.query(server.url, QUERY)
    remote.query(server.url, QUERY, auth="basic:u:p")
    first, second = server.seen
    assert first.method == "GET" and first.path.startswith("/sparql?query=SELECT")
    assert first.headers["Authorization"] == "Bearer tok-123"
    assert second.headers["Authorization"] == "Basic dTpw"
    assert first.headers["User-Agent"] == f"shfz-graph/{__version__} (+https://w3id.org/shfz/) SPARQLWrapper"
    assert first.headers["Accept"] == "application/sparql-results+json"
    assert "format=" not in first.path and "output=" not in first.path  # content negotiation only


def test_a_long_query_is_posted(stub: Callable[..., Stub]) -> None:
    server = stub([Reply()])
    text = 'SELECT ?zone ?n WHERE { ?zone ?p ?n FILTER(?n != "' + "x" * 2100 + '") }'
    remote.query(server.url, text)
    (seen,) = server.seen
    assert seen.method == "POST"
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qs(seen.body.decode())["query"] == [text]


# -- answers and error paths ----------------------------------------------------------------------------


def test_select_result_is_the_local_result_class(stub: Callable[..., Stub]) -> None:
    server = stub([Reply()])
    result = remote.query(server.url, QUERY)
    assert isinstance(result, Result)
    assert (result.kind, result.vars, result.truncated) == ("SELECT", ["zone", "n"], False)
    assert result.rows == [
        {"zone": URIRef(ID + "zone/huangpu"), "n": Literal("3", datatype=XSD.integer)},
        {"zone": BNode("b0"), "n": None},
    ]
    assert remote.query(server.url, QUERY, max_rows=1).truncated is True


def test_ask_and_construct(stub: Callable[..., Stub]) -> None:
    ask = stub([Reply(body=b'{"head": {}, "boolean": true}')])
    assert remote.query(ask.url, "ASK { ?s ?p ?o }").boolean is True
    turtle = (
        b"<https://w3id.org/shfz/id/zone/huangpu> <http://www.w3.org/2000/01/rdf-schema#label> 'Huangpu'@en ."
    )
    construct = stub([Reply(body=turtle, headers={"Content-Type": "text/turtle; charset=utf-8"})])
    result = remote.query(construct.url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert result.kind == "CONSTRUCT" and result.graph is not None
    assert set(result.graph) == {
        (
            URIRef(ID + "zone/huangpu"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Huangpu", lang="en"),
        )
    }
    assert construct.seen[0].headers["Accept"].startswith("application/n-triples, text/turtle")


def test_429_then_success_honours_retry_after(stub: Callable[..., Stub]) -> None:
    server = stub([Reply(429, b"slow down", {"Retry-After": "0"}), Reply()])
    started = time.monotonic()
    result = remote.query(server.url, QUERY, retries=3)
    assert len(result.rows) == 2
    assert len(server.seen) == 2
    assert time.monotonic() - started < 0.4  # Retry-After: 0 means no backoff wait


def test_503_retried_with_backoff_then_given_up(
    stub: Callable[..., Stub], monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(httpclient, "_sleep", waits.append)
    server = stub([Reply(503, b"<html><body><h1>Service Unavailable</h1></body></html>", {})])
    with pytest.raises(RemoteError) as err:
        remote.query(server.url, QUERY, retries=2)
    assert str(err.value) == (
        f"remote query: {server.url} answered HTTP 503 Service Unavailable: Service Unavailable "
        "(gave up after 3 attempts)"
    )
    assert waits == [0.5, 1.0]
    assert len(server.seen) == 3


def test_a_retry_after_beyond_the_limit_is_reported(stub: Callable[..., Stub]) -> None:
    server = stub([Reply(429, b"", {"Retry-After": "3600"})])
    with pytest.raises(RemoteError) as err:
        remote.query(server.url, QUERY)
    assert str(err.value) == (
        f"remote query: {server.url} answered HTTP 429 Too Many Requests (it asks to retry after 3600 s)"
    )
    assert len(server.seen) == 1


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, b"storage exploded\nsecond line", "Internal Server Error: storage exploded second line"),
        (400, b"Parser error at 1:8", "Bad Request: Parser error at 1:8"),
        (401, b"", "Unauthorized"),
        (404, b"no such dataset", "Not Found: no such dataset"),
        (403, b"forbidden", "Forbidden: forbidden"),
    ],
)
def test_http_errors_are_one_line_and_not_retried(
    stub: Callable[..., Stub], status: int, body: bytes, reason: str
) -> None:
    server = stub([Reply(status, body, {})])
    with pytest.raises(RemoteError) as err:
        remote.query(server.url, QUERY)
    assert str(err.value) == f"remote query: {server.url} answered HTTP {status} {reason}"
    assert len(server.seen) == 1


def test_connection_refused(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/sparql"
    with pytest.raises(RemoteError) as err:
        remote.query(url, QUERY)
    assert str(err.value) == f"remote query: cannot connect to {url}: connection refused"


def test_timeout(stub: Callable[..., Stub]) -> None:
    server = stub([Reply(delay=2.0)])
    started = time.monotonic()
    with pytest.raises(RemoteTimeout) as err:
        remote.query(server.url, QUERY, timeout=0.2)
    assert time.monotonic() - started < 1.5
    assert isinstance(err.value, RemoteError) and isinstance(err.value, QueryTimeout)
    assert str(err.value) == f"remote query: {server.url} did not answer within 0.2 s"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not SPARQL results JSON"),
        (b"[1, 2]", "the JSON is not an object"),
        (b'{"head": {"vars": ["x"]}}', "no head.vars or results.bindings"),
        (
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri"}}]}}',
            "a binding is not a term",
        ),
        (
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "x", "value": "1"}}]}}',
            "unsupported term type 'x'",
        ),
        (b"\xff\xfe", "not SPARQL results JSON"),
    ],
)
def test_malformed_answers(stub: Callable[..., Stub], body: bytes, problem: str) -> None:
    server = stub([Reply(body=body)])
    with pytest.raises(RemoteError) as err:
        remote.query(server.url, QUERY)
    assert str(err.value).startswith(f"remote query: {server.url} sent a malformed answer: {problem}")
    assert "\n" not in str(err.value)


def test_malformed_ask_and_graph(stub: Callable[..., Stub]) -> None:
    ask = stub([Reply(body=b'{"head": {}, "boolean": "yes"}')])
    with pytest.raises(RemoteError, match="an ASK answer without a boolean"):
        remote.query(ask.url, "ASK {}")
    graph = stub([Reply(body=b"<a> <b> .", headers={"Content-Type": "text/turtle"})])
    with pytest.raises(RemoteError, match="malformed answer: the turtle does not parse"):
        remote.query(graph.url, "CONSTRUCT WHERE { ?s ?p ?o }")
    jsonld = stub([Reply(body=b"{}", headers={"Content-Type": "application/ld+json"})])
    with pytest.raises(RemoteError, match="unexpected media type 'application/ld\\+json' for a graph"):
        remote.query(jsonld.url, "DESCRIBE <https://w3id.org/shfz/id/zone/huangpu>")


def test_the_query_is_checked_before_anything_is_sent(stub: Callable[..., Stub]) -> None:
    server = stub([Reply()])
    with pytest.raises(QuerySyntaxError):
        remote.query(server.url, "SELECT ?x WHERE { ?x ")
    with pytest.raises(NetworkAccessDenied):
        remote.query(
            server.url, "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
        )
    with pytest.raises(NetworkAccessDenied):
        remote.query(server.url, "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }")
    with pytest.raises(UpdateDenied):
        remote.query(server.url, "DROP ALL")
    assert server.seen == []  # the listener stayed silent


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "127.0.0.1:7878/query", "http://"]
)
def test_only_http_urls(url: str) -> None:
    with pytest.raises(ParameterError, match="must be an http:// or https:// URL"):
        remote.query(url, QUERY)


# -- bindings and SERVICE rewriting (text) ---------------------------------------------------------------


def test_bindings_open_the_where_group_as_values() -> None:
    text = (
        "PREFIX s: <https://w3id.org/shfz/ontology#>\nSELECT ?zone\nWHERE {\n"
        "  ?zone s:hasFocusSector ?_sector_iri .\n}"
    )
    bound = remote.bind_values(text, {"_sector_iri": URIRef(ID + "sector/ai")})
    assert bound == (
        "PREFIX s: <https://w3id.org/shfz/ontology#>\nSELECT ?zone\nWHERE {"
        f" VALUES (?_sector_iri) {{ (<{ID}sector/ai>) }} "
        "\n  ?zone s:hasFocusSector ?_sector_iri .\n}"
    )
    assert remote.bind_values(text, None) == text


@pytest.mark.parametrize(
    ("text", "before_values"),
    [
        ("SELECT ?x WHERE { ?x ?p ?_v }", "SELECT ?x WHERE {"),
        ("select ?x { ?x ?p ?_v }", "select ?x {"),
        ("ASK { ?x ?p ?_v }", "ASK {"),
        (
            "SELECT ?x (EXISTS { ?x ?q ?o } AS ?e) WHERE { ?x ?p ?_v }",
            "SELECT ?x (EXISTS { ?x ?q ?o } AS ?e) WHERE {",
        ),
        ("CONSTRUCT { ?x ?p ?_v } WHERE { ?x ?p ?_v }", "CONSTRUCT { ?x ?p ?_v } WHERE {"),
        (
            "CONSTRUCT {\n ?x <urn:x:y> '}' } FROM <urn:g> WHERE { ?x ?p ?_v }",
            "CONSTRUCT {\n ?x <urn:x:y> '}' } FROM <urn:g> WHERE {",
        ),
        (
            "# SELECT { a comment\nSELECT ?x WHERE { ?x ?p '{' . ?x ?p ?_v }",
            "# SELECT { a comment\nSELECT ?x WHERE {",
        ),
        ("DESCRIBE ?x WHERE { ?x ?p ?_v }", "DESCRIBE ?x WHERE {"),
    ],
)
def test_values_land_in_the_main_where_group(text: str, before_values: str) -> None:
    bound = remote.bind_values(text, {"_v": Literal("x")})
    assert bound.startswith(before_values + ' VALUES (?_v) { ("x") } ')
    assert bound.count("\n") == text.count("\n")  # line numbers in error messages stay right


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CONSTRUCT WHERE { ?x ?p ?_v }", "cannot bind parameters of a 'CONSTRUCT WHERE { ... }' short form"),
        ("DESCRIBE <urn:x:y>", "cannot bind parameters: the query has no WHERE group"),
        ("PREFIX x: <urn:x:>", "cannot bind parameters: no SELECT, CONSTRUCT, DESCRIBE or ASK found"),
    ],
)
def test_bindings_that_cannot_be_placed(text: str, message: str) -> None:
    with pytest.raises(ParameterError) as err:
        remote.bind_values(text, {"_v": Literal("x")})
    assert str(err.value) == message


def test_terms_are_checked_before_they_reach_the_text() -> None:
    assert remote.sparql_term(Literal('x" } ; DROP ALL ; #')) == '"x\\" } ; DROP ALL ; #"'
    assert remote.sparql_term(Literal("a\nb")) == '"""a\nb"""'
    assert remote.sparql_term(Literal("7", datatype=XSD.integer)) == f'"7"^^<{XSD.integer}>'
    for bad, message in [
        (
            URIRef("http://x> } DROP ALL { <y"),
            "IRI 'http://x> } DROP ALL { <y' is not a valid IRI: it contains '>'",
        ),
        (
            URIRef("relative/iri"),
            "IRI 'relative/iri' is not a valid IRI: it is not absolute (it needs a scheme such as https:)",
        ),
        (
            Literal("1", datatype=URIRef("http://x> .")),
            "datatype 'http://x> .' is not a valid IRI: it contains '>'",
        ),
        (
            BNode("b"),
            "rdflib.term.BNode('b') cannot be sent as a query parameter (only IRIs and literals can)",
        ),
    ]:
        with pytest.raises(ParameterError) as err:
            remote.sparql_term(bad)
        assert str(err.value) == message
    with pytest.raises(ParameterError, match="is not a SPARQL variable name"):
        remote.bind_values("SELECT * {}", {"a b": Literal("x")})


def test_rewrite_services_changes_only_the_mapped_service_iris() -> None:
    text = (
        "PREFIX wdqs: <https://query.wikidata.org/>\n"
        "# SERVICE <https://query.wikidata.org/sparql> in a comment stays\n"
        "SELECT * WHERE {\n"
        '  ?s ?p "SERVICE <https://query.wikidata.org/sparql>" .\n'
        "  ?s ?q <https://query.wikidata.org/sparql> .\n"
        "  SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o }\n"
        "  SERVICE SILENT wdqs:sparql { ?s ?p ?o }\n"
        "  SERVICE <https://elsewhere.example/sparql> { ?s ?p ?o }\n"
        "}"
    )
    mapped = remote.rewrite_services(text, {"https://query.wikidata.org/sparql": "http://127.0.0.1:9/query"})
    assert mapped == (
        "PREFIX wdqs: <https://query.wikidata.org/>\n"
        "# SERVICE <https://query.wikidata.org/sparql> in a comment stays\n"
        "SELECT * WHERE {\n"
        '  ?s ?p "SERVICE <https://query.wikidata.org/sparql>" .\n'
        "  ?s ?q <https://query.wikidata.org/sparql> .\n"
        "  SERVICE <http://127.0.0.1:9/query> { ?s ?p ?o }\n"
        "  SERVICE SILENT <http://127.0.0.1:9/query> { ?s ?p ?o }\n"
        "  SERVICE <https://elsewhere.example/sparql> { ?s ?p ?o }\n"
        "}"
    )
    assert remote.rewrite_services(text, {}) == text
    undeclared = "SELECT * WHERE { SERVICE wdqs:sparql { ?s ?p ?o } }"
    assert (
        remote.rewrite_services(
            undeclared,
            {"https://query.wikidata.org/sparql": "http://127.0.0.1:9/query"},
            prefixes={"wdqs": "https://query.wikidata.org/"},
        )
        == "SELECT * WHERE { SERVICE <http://127.0.0.1:9/query> { ?s ?p ?o } }"
    )
    with pytest.raises(ParameterError, match="is not a valid IRI"):
        remote.rewrite_services(text, {"https://query.wikidata.org/sparql": "http://x> {"})


# -- push: error paths with a stub store -----------------------------------------------------------------


def count_reply(n: int) -> Reply:
    body = {
        "head": {"vars": ["n"]},
        "results": {"bindings": [{"n": {"type": "literal", "value": str(n), "datatype": str(XSD.integer)}}]},
    }
    return Reply(body=json.dumps(body).encode())


def test_push_fails_loudly_on_a_wrong_count(stub: Callable[..., Stub], kg: KnowledgeGraph) -> None:
    server = stub(lambda seen: Reply(201, b"", {}) if seen.method == "PUT" else count_reply(1))
    with pytest.raises(RemoteError) as err:
        remote.push(kg, query_endpoint=server.url, graph_store=server.url)
    ontology = len(kg.graph("ontology"))
    assert str(err.value) == (
        "push: graph <https://w3id.org/shfz/graph/ontology> "
        f"holds 1 triples at {server.url} but {ontology} here"
    )
    puts = [s for s in server.seen if s.method == "PUT"]
    assert [s.path for s in puts] == [
        f"/sparql?graph=https%3A%2F%2Fw3id.org%2Fshfz%2Fgraph%2F{name}"
        for name in kg.names
        if name != "inferred"
    ]
    assert all(s.headers["Content-Type"] == "text/turtle; charset=utf-8" for s in puts)


def not_pushed(kg: KnowledgeGraph, *, after: int = 0, inferred: bool = False) -> str:
    """How a push error lists the graphs after the `after`-th that were never pushed."""
    names = [n for n in kg.names if inferred or n != "inferred"][after + 1 :]
    return ", ".join(f"<{kg.graph(n).identifier}>" for n in names) or "none"


def test_push_errors(stub: Callable[..., Stub], kg: KnowledgeGraph, closed_port: int) -> None:
    ontology = "https://w3id.org/shfz/graph/ontology"
    with pytest.raises(ParameterError, match="push needs a graph store URL or an update endpoint URL"):
        remote.push(kg, query_endpoint="http://127.0.0.1:9/query")
    refused = f"http://127.0.0.1:{closed_port}/store"
    with pytest.raises(RemoteError) as err:
        remote.push(kg, query_endpoint=refused, graph_store=refused)
    assert str(err.value) == (
        f"push of <{ontology}>: cannot connect to {refused}: connection refused; "
        f"<{ontology}> was not replaced and holds what it held before; "
        f"graphs replaced: none; graphs not pushed: {not_pushed(kg)}"
    )
    server = stub([Reply(403, b"read-only store", {})])
    with pytest.raises(RemoteError) as err:
        remote.push(kg, query_endpoint=server.url, update_endpoint=server.url)
    temporary = re.escape(remote.TEMPORARY_GRAPH_PREFIX) + "[0-9a-f]{32}"
    assert re.fullmatch(
        re.escape(f"push of <{ontology}>: {server.url} answered HTTP 403 Forbidden: read-only store ")
        + f"\\(and the temporary graph <{temporary}> could not be dropped: drop it by hand\\); "
        + re.escape(
            f"<{ontology}> was not replaced and holds what it held before; "
            f"graphs replaced: none; graphs not pushed: {not_pushed(kg)}"
        ),
        str(err.value),
    ), str(err.value)
    (first,) = urllib.parse.parse_qs(server.seen[0].body.decode())["update"]
    assert re.match(f"INSERT (DATA )?\\{{ GRAPH <{temporary}> \\{{\n", first)
    assert server.seen[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    (drop,) = urllib.parse.parse_qs(server.seen[-1].body.decode())["update"]
    assert re.fullmatch(f"DROP SILENT GRAPH <{temporary}>", drop)


def test_an_empty_graph_is_replaced_by_dropping_it(stub: Callable[..., Stub]) -> None:
    server = stub([Reply(204, b"", {})])
    loader = remote._Loader(server.url, server.url, None, 5.0, 0, 10)
    loader.replace("https://example.org/g", Graph())
    assert [urllib.parse.parse_qs(s.body.decode())["update"] for s in server.seen] == [
        ["DROP SILENT GRAPH <https://example.org/g>"]
    ]


# -- a real store: Oxigraph server ---------------------------------------------------------------------


def test_a_second_push_replaces_and_never_duplicates(pushed: OxigraphServer, kg: KnowledgeGraph) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    again = remote.push(
        kg, query_endpoint=pushed.query, graph_store=pushed.store, inferred=True, progress_stream=terminal
    )
    assert "push" in terminal.getvalue() and f"{len(kg.counts())}/{len(kg.counts())}" in terminal.getvalue()
    assert again.counts == {str(kg.graph(name).identifier): count for name, count in kg.counts().items()}
    total = remote.query(pushed.query, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(total.rows[0]["n"]) == sum(kg.counts().values())  # type: ignore[arg-type]


def test_push_by_sparql_update_keeps_blank_nodes_whole(
    oxigraph_server: Callable[..., OxigraphServer], kg: KnowledgeGraph
) -> None:
    server = oxigraph_server()
    report = remote.push(kg, query_endpoint=server.query, update_endpoint=server.update, batch_size=50)
    assert report.method == "update"
    assert "https://w3id.org/shfz/graph/inferred" not in report.counts
    ontology = kg.graph("ontology")
    assert any(isinstance(t, BNode) for triple in ontology for t in triple)  # owl lists and the like
    url = f"{server.store}?graph=https%3A%2F%2Fw3id.org%2Fshfz%2Fgraph%2Fontology"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=10) as response:
        back = Graph().parse(data=response.read(), format="nt")
    assert isomorphic(lower_langs(back), lower_langs(ontology))
    # a second push by update replaces the graph too
    remote.push(kg, query_endpoint=server.query, update_endpoint=server.update, batch_size=50)


# -- push never loses data: a real store behind a proxy that fails in the middle --------------------------


class FailingProxy:
    """A loopback HTTP proxy in front of a real store: it forwards every request, except that
    `tamper(method, body, n)` (n: the number of update or PUT requests so far) may answer HTTP 500 instead
    (return None) or change the body that is forwarded."""

    def __init__(self, target: str, tamper: Callable[[str, bytes, int], bytes | None]) -> None:
        self.writes = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "PUT" or b"update=" in body[:7]:
                    proxy.writes += 1
                    changed = tamper(self.command, body, proxy.writes)
                    if changed is None:
                        self.reply(500, b"injected failure", "text/plain")
                        return
                    body = changed
                request = urllib.request.Request(target + self.path, data=body or None, method=self.command)
                for name in ("Content-Type", "Accept"):
                    if self.headers.get(name):
                        request.add_header(name, self.headers[name])
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, data, kind = response.status, response.read(), response.headers
                except urllib.error.HTTPError as exc:
                    status, data, kind = exc.code, exc.read(), exc.headers
                self.reply(status, data, kind.get("Content-Type", "text/plain"))

            def reply(self, status: int, data: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = handle_any

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def graph_at(server: OxigraphServer, iri: str) -> Graph:
    """A named graph as the store holds it (read straight from the store)."""
    url = f"{server.store}?graph={urllib.parse.quote(iri, safe='')}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return Graph().parse(data=response.read(), format="nt")


def old_version(server: OxigraphServer, kg: KnowledgeGraph) -> dict[str, Graph]:
    """Put an 'old' one-triple version of each of our graphs in the store; return them by IRI."""
    old: dict[str, Graph] = {}
    for name in kg.names:
        iri = str(kg.graph(name).identifier)
        old[iri] = Graph().parse(data=f'<urn:x:old> <urn:x:says> "old {name}" .', format="nt")
        request = urllib.request.Request(
            f"{server.store}?graph={urllib.parse.quote(iri, safe='')}",
            data=old[iri].serialize(format="nt").encode(),
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 201, 204)
    return old


def graph_names_at(server: OxigraphServer) -> set[str]:
    found = remote.query(server.query, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {str(row["g"]) for row in found.rows}


def test_a_push_by_update_that_fails_midway_leaves_the_graph_whole(
    oxigraph_server: Callable[..., OxigraphServer], kg: KnowledgeGraph
) -> None:
    server = oxigraph_server()
    old = old_version(server, kg)
    names = [n for n in kg.names if n != "inferred"]
    first, second = (str(kg.graph(n).identifier) for n in names[:2])
    # fail the second INSERT batch of the second graph (its first batch is already in the temporary graph)
    fail_at = len(list(ntriples.batches(kg.graph(names[0]), 50))) + 1 + 2  # + the MOVE of the first graph
    proxy = FailingProxy(
        server.url, lambda method, body, n: None if n == fail_at and b"INSERT" in body else body
    )
    try:
        with pytest.raises(RemoteError) as err:
            remote.push(
                kg, query_endpoint=proxy.url + "/query", update_endpoint=proxy.url + "/update", batch_size=50
            )
    finally:
        proxy.close()
    temporary = re.escape(remote.TEMPORARY_GRAPH_PREFIX) + "[0-9a-f]{32}"
    assert re.fullmatch(
        re.escape(
            f"push of <{second}>: {proxy.url}/update answered HTTP 500 Internal Server Error: "
            "injected failure "
        )
        + f"\\(the temporary graph <{temporary}> was dropped\\); "
        + re.escape(
            f"<{second}> was not replaced and holds what it held before; "
            f"graphs replaced: <{first}>; graphs not pushed: {not_pushed(kg, after=1)}"
        ),
        str(err.value),
    ), str(err.value)
    # the store, read directly: the first graph is new, the second and the rest are the old ones, whole
    assert isomorphic(lower_langs(graph_at(server, first)), lower_langs(kg.graph(names[0])))
    for iri, graph in old.items():
        if iri != first:
            assert isomorphic(graph_at(server, iri), graph), iri
    assert graph_names_at(server) == set(old)  # no temporary graph left behind


def test_a_push_by_graph_store_that_fails_midway_leaves_the_graph_whole(
    oxigraph_server: Callable[..., OxigraphServer], kg: KnowledgeGraph
) -> None:
    server = oxigraph_server()
    old = old_version(server, kg)
    names = [n for n in kg.names if n != "inferred"]
    first, second = (str(kg.graph(n).identifier) for n in names[:2])
    # the second PUT reaches the store cut off in the middle of a statement, as a dropped connection would
    proxy = FailingProxy(server.url, lambda method, body, n: body[: len(body) // 2] if n == 2 else body)
    try:
        with pytest.raises(RemoteError) as err:
            remote.push(kg, query_endpoint=proxy.url + "/query", graph_store=proxy.url + "/store")
    finally:
        proxy.close()
    message = str(err.value)
    assert message.startswith(f"push of <{second}>: {proxy.url}/store answered HTTP 400 Bad Request: ")
    assert message.endswith(
        f"; <{second}> was not replaced and holds what it held before; "
        f"graphs replaced: <{first}>; graphs not pushed: {not_pushed(kg, after=1)}"
    )
    assert isomorphic(lower_langs(graph_at(server, first)), lower_langs(kg.graph(names[0])))
    for iri, graph in old.items():
        if iri != first:
            assert isomorphic(graph_at(server, iri), graph), iri


def test_a_push_that_duplicates_blank_nodes_is_caught_before_the_move(
    oxigraph_server: Callable[..., OxigraphServer], kg: KnowledgeGraph
) -> None:
    """A batch applied twice (a retry after a lost answer) duplicates its blank nodes: the temporary
    graph's count differs, so nothing replaces the old graph."""
    server = oxigraph_server()
    old = old_version(server, kg)
    ontology = str(kg.graph("ontology").identifier)

    def twice(method: str, body: bytes, n: int) -> bytes:
        if n == 1:  # the first batch (it holds blank nodes: OWL lists) goes in twice
            text = urllib.parse.parse_qs(body.decode())["update"][0]
            return urllib.parse.urlencode({"update": f"{text} ;\n{text}"}).encode()
        return body

    proxy = FailingProxy(server.url, twice)
    try:
        with pytest.raises(RemoteError) as err:
            remote.push(
                kg,
                query_endpoint=proxy.url + "/query",
                update_endpoint=proxy.url + "/update",
                batch_size=100_000,
            )
    finally:
        proxy.close()
    assert re.search(
        f"^push of <{re.escape(ontology)}>: the temporary graph <[^>]+> holds [0-9]+ triples at "
        f"{re.escape(proxy.url)}/query but the graph has {len(kg.graph('ontology'))} here "
        "\\(the temporary graph <[^>]+> was dropped\\); "
        f"<{re.escape(ontology)}> was not replaced and holds what it held before; graphs replaced: none; ",
        str(err.value),
    ), str(err.value)
    assert isomorphic(graph_at(server, ontology), old[ontology])
    assert graph_names_at(server) == set(old)


def lower_langs(graph: Graph) -> Graph:
    """A copy with lower-case language tags: Oxigraph lowercases them, rdflib's isomorphism hashes them."""
    out = Graph()
    for triple in graph:
        out.add(
            tuple(
                Literal(str(t), lang=t.language.lower()) if isinstance(t, Literal) and t.language else t
                for t in triple
            )
        )  # type: ignore[arg-type]
    return out


def _key(term: Node | None) -> tuple[Any, ...]:
    """A term as compared across engines: numbers by value, language tags in any case, blank nodes alike."""
    if term is None:
        return ("unbound",)
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        if term.datatype in (XSD.integer, XSD.decimal, XSD.double, XSD.float):
            try:
                return ("number", Decimal(str(term)))
            except InvalidOperation:
                pass
        return ("literal", str(term), (term.language or "").lower(), str(term.datatype or ""))
    return ("iri", str(term))


def _answer(result: Result) -> Any:
    if result.kind == "ASK":
        return result.boolean
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return {tuple(_key(t) for t in triple) for triple in result.graph}
    return {tuple(sorted((v, _key(row.get(v))) for v in result.vars)) for row in result.rows}


LOCAL_QUERIES = [named.name for named in catalog.catalog() if not named.network]


def test_there_are_named_queries_to_compare() -> None:
    assert len(LOCAL_QUERIES) >= 18


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_every_named_query_answers_the_same_remotely(
    name: str, kg: KnowledgeGraph, pushed: OxigraphServer
) -> None:
    named = catalog.get(name)
    local = kg.query(name)
    there = remote.query(pushed.query, named.text, bindings=named.bind({}))
    assert there.kind == local.kind
    assert set(there.vars) == set(local.vars)
    assert _answer(there) == _answer(local)
    if local.kind == "SELECT":
        assert len(there.rows) == len(local.rows)


def test_parameters_are_bound_remotely(kg: KnowledgeGraph, pushed: OxigraphServer) -> None:
    named = catalog.get("zones-larger-than")
    for area in ("10", "45.5"):
        local = kg.query("zones-larger-than", minarea=area)
        there = remote.query(pushed.query, named.text, bindings=named.bind({"minarea": area}))
        assert _answer(there) == _answer(local)
    # Baoshan (50), Jiading (about 49.1), Minhang (46)
    assert len(remote.query(pushed.query, named.text, bindings=named.bind({"minarea": "45.5"})).rows) == 3


def test_a_hostile_literal_stays_a_literal(kg: KnowledgeGraph, pushed: OxigraphServer) -> None:
    before = remote.count_triples(pushed.query, "https://w3id.org/shfz/graph/zones")
    text = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?thing WHERE { ?thing rdfs:label ?label FILTER(STR(?label) = ?_name) }"
    )
    for hostile in ('" ) } ; DROP ALL ; #', 'x"""} } INSERT DATA { <urn:a> <urn:b> <urn:c> } #', '\\" }\n#'):
        result = remote.query(pushed.query, text, bindings={"_name": Literal(hostile)})
        assert result.rows == []
    found = remote.query(pushed.query, text, bindings={"_name": Literal("The Bund")})
    assert found.rows == [{"thing": URIRef(ID + "site/the-bund")}]
    assert remote.count_triples(pushed.query, "https://w3id.org/shfz/graph/zones") == before


def test_oxigraph_refuses_an_update_at_the_query_endpoint(pushed: OxigraphServer, kg: KnowledgeGraph) -> None:
    with pytest.raises(RemoteError) as err:
        remote.push(kg, query_endpoint=pushed.query, update_endpoint=pushed.query)
    assert str(err.value).startswith(
        f"push of <https://w3id.org/shfz/graph/ontology>: {pushed.query} answered HTTP 4"
    )


# -- federated queries against a stand-in for Wikidata ---------------------------------------------------

DISTRICT_LINKS = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix wd: <http://www.wikidata.org/entity/> .
<https://w3id.org/shfz/id/district/huangpu> skos:exactMatch wd:Q9000001 .
<https://w3id.org/shfz/id/district/xuhui> skos:exactMatch wd:Q9000002 .
<https://w3id.org/shfz/id/district/baoshan> skos:exactMatch wd:Q9000007 .
<https://w3id.org/shfz/id/district/minhang> skos:exactMatch wd:Q9000005 .
<https://w3id.org/shfz/id/site/the-bund> skos:exactMatch wd:Q9000010 .
"""


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """Our graph (asserted only) plus links from some districts and a site to the stand-in's items."""
    path = tmp_path_factory.mktemp("federated") / "district-links.ttl"
    path.write_text(DISTRICT_LINKS, encoding="utf-8")
    graph = load(reason=False, extra_sources=[path])
    yield graph
    graph.close()


def wd(qid: str) -> URIRef:
    return URIRef(WD + qid)


WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
FEDERATED_ROWS = {
    "federated-district-population": [
        {
            "district": URIRef(ID + "district/baoshan"),
            "label": Literal("Baoshan District", lang="en"),
            "item": wd("Q9000007"),
            "population": Literal("2200000", datatype=XSD.decimal),
        },
        {
            "district": URIRef(ID + "district/huangpu"),
            "label": Literal("Huangpu District", lang="en"),
            "item": wd("Q9000001"),
            "population": Literal("600000", datatype=XSD.decimal),
        },
        {
            "district": URIRef(ID + "district/xuhui"),
            "label": Literal("Xuhui District", lang="en"),
            "item": wd("Q9000002"),
            "population": Literal("1100000", datatype=XSD.decimal),
        },
    ],
    "federated-coordinates": [
        {
            "thing": URIRef(ID + "district/baoshan"),
            "label": Literal("Baoshan District", lang="en"),
            "item": wd("Q9000007"),
            "coordinates": Literal("Point(121.49 31.4)", datatype=WKT),
        },
        {
            "thing": URIRef(ID + "district/huangpu"),
            "label": Literal("Huangpu District", lang="en"),
            "item": wd("Q9000001"),
            "coordinates": Literal("Point(121.48 31.23)", datatype=WKT),
        },
        {
            "thing": URIRef(ID + "municipality/shanghai"),
            "label": Literal("Shanghai", lang="en"),
            "item": wd("Q8686"),
            "coordinates": Literal("Point(121.4 31.2)", datatype=WKT),
        },
        {
            "thing": URIRef(ID + "site/the-bund"),
            "label": Literal("The Bund", lang="en"),
            "item": wd("Q9000010"),
            "coordinates": Literal("Point(121.49 31.24)", datatype=WKT),
        },
    ],
    # joined by division code (P442), not by label: Hongkou and Yangpu have no English label there that
    # matches ours, and need no skos:exactMatch link; the decoy with code 999999 matches nothing
    "federated-district-codes": [
        {
            "district": URIRef(ID + f"district/{slug}"),
            "label": Literal(label, lang="en"),
            "code": Literal(code),
            "item": wd(qid),
        }
        for slug, label, code, qid in [
            ("huangpu", "Huangpu District", "310101", "Q9000001"),
            ("xuhui", "Xuhui District", "310104", "Q9000002"),
            ("hongkou", "Hongkou District", "310109", "Q9000003"),
            ("yangpu", "Yangpu District", "310110", "Q9000004"),
            ("minhang", "Minhang District", "310112", "Q9000005"),
            ("baoshan", "Baoshan District", "310113", "Q9000007"),
        ]
    ],
    "federated-wikidata-labels": [
        {
            "thing": URIRef(ID + f"{kind}/{slug}"),
            "label": Literal(ours, lang="en"),
            "item": wd(qid),
            "wikidataLabel": Literal(theirs, lang=lang),
        }
        for kind, slug, ours, qid, theirs, lang in [
            ("district", "baoshan", "Baoshan District", "Q9000007", "Baoshan District", "en"),
            ("district", "baoshan", "Baoshan District", "Q9000007", "宝山区", "zh-hans"),
            ("district", "huangpu", "Huangpu District", "Q9000001", "Huangpu District", "en"),
            ("district", "huangpu", "Huangpu District", "Q9000001", "黄浦区", "zh-hans"),
            ("district", "minhang", "Minhang District", "Q9000005", "Minhang", "en"),
            ("municipality", "shanghai", "Shanghai", "Q8686", "Shanghai", "en"),
            ("municipality", "shanghai", "Shanghai", "Q8686", "上海市", "zh-hans"),
            ("site", "the-bund", "The Bund", "Q9000010", "The Bund", "en"),
            ("site", "the-bund", "The Bund", "Q9000010", "外滩", "zh-hans"),
            ("district", "xuhui", "Xuhui District", "Q9000002", "Xuhui District", "en"),
        ]
    ],
}


def test_the_federated_queries_are_marked_as_network_queries() -> None:
    federated = sorted(q.name for q in catalog.catalog() if q.network)
    assert federated == sorted(FEDERATED_ROWS)
    for name in federated:
        assert remote.WIKIDATA_SPARQL in catalog.get(name).text


@pytest.mark.parametrize("name", sorted(FEDERATED_ROWS))
def test_federated_query_locally(name: str, linked: KnowledgeGraph, wikidata: OxigraphServer) -> None:
    text = remote.rewrite_services(catalog.get(name).text, {remote.WIKIDATA_SPARQL: wikidata.query})
    assert wikidata.query in text and remote.WIKIDATA_SPARQL not in text
    result = linked.query(text, allow_network=True)
    assert result.rows == FEDERATED_ROWS[name]


@pytest.fixture(scope="module")
def linked_store(oxigraph_server: Callable[..., OxigraphServer], linked: KnowledgeGraph) -> OxigraphServer:
    """An Oxigraph server holding `linked`: the store that runs the SERVICE calls itself."""
    store = oxigraph_server()
    remote.push(linked, query_endpoint=store.query, graph_store=store.store)
    return store


@pytest.mark.parametrize("name", sorted(FEDERATED_ROWS))
def test_federated_query_at_a_remote_store(
    name: str, linked_store: OxigraphServer, wikidata: OxigraphServer
) -> None:
    store = linked_store
    service_map = {remote.WIKIDATA_SPARQL: wikidata.query}
    result = remote.query(store.query, catalog.get(name).text, service_map=service_map, allow_network=True)
    assert _answer(result) == _answer(Result.select(result.vars, FEDERATED_ROWS[name]))
    assert result.rows == FEDERATED_ROWS[name]  # ORDER BY holds there too


@pytest.mark.parametrize("name", sorted(FEDERATED_ROWS))
def test_federated_queries_are_refused_without_allow_network(
    name: str, linked: KnowledgeGraph, wikidata: OxigraphServer, stub: Callable[..., Stub]
) -> None:
    listener = stub([Reply()])
    text = catalog.get(name).text
    with pytest.raises(NetworkAccessDenied):
        linked.query(name)
    with pytest.raises(NetworkAccessDenied):
        linked.query(remote.rewrite_services(text, {remote.WIKIDATA_SPARQL: listener.url}))
    with pytest.raises(NetworkAccessDenied):
        remote.query(listener.url, text, service_map={remote.WIKIDATA_SPARQL: wikidata.query})
    assert listener.seen == []


# -- the command line -------------------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from shfz_graph.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_query_at_an_endpoint_prints_what_a_local_query_prints(
    capsys: pytest.CaptureFixture[str], pushed: OxigraphServer
) -> None:
    code, local, _ = run_cli(capsys, "query", "zone-districts", "--format", "csv")
    assert code == 0
    code, there, err = run_cli(
        capsys, "query", "zone-districts", "--format", "csv", "--endpoint", pushed.query
    )
    assert (code, err) == (0, "")
    assert there == local
    argv = ("query", "zones-larger-than", "-p", "minarea=45.5", "--format", "csv")
    code, local, _ = run_cli(capsys, *argv)
    assert run_cli(capsys, *argv, "--endpoint", pushed.query) == (0, local, "")
    assert local.splitlines() == [
        "zone,label,area,approximate",
        f"{ID}zone/baoshan,Baoshan linked innovation zone,50,false",
        f"{ID}zone/jiading,Jiading linked innovation zone,49.1,true",
        f"{ID}zone/minhang,Minhang linked innovation zone,46,false",
    ]
    # the W3C forms: the same text, Oxigraph's writer on both paths
    for fmt in ("json", "tsv", "xml"):
        _, local, _ = run_cli(capsys, *argv[:-1], fmt)
        _, there, _ = run_cli(capsys, *argv[:-1], fmt, "--endpoint", pushed.query)
        assert w3c_rows(there, fmt) == w3c_rows(local, fmt), fmt
        assert there == local, fmt


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_every_named_query_prints_the_same_text_at_oxigraph(
    name: str, capsys: pytest.CaptureFixture[str], pushed: OxigraphServer
) -> None:
    code, local, err = run_cli(capsys, "query", name)
    assert (code, err) == (0, "")
    assert run_cli(capsys, "query", name, "--endpoint", pushed.query) == (0, local, "")


def test_cli_sparql_at_an_endpoint(capsys: pytest.CaptureFixture[str], pushed: OxigraphServer) -> None:
    text = "ASK { <https://w3id.org/shfz/id/zone/huangpu> ?p ?o }"
    assert run_cli(capsys, "sparql", text, "--endpoint", pushed.query) == (0, "true\n", "")


def test_cli_remote_errors_are_one_line_with_exit_2(
    capsys: pytest.CaptureFixture[str], closed_port: int
) -> None:
    url = f"http://127.0.0.1:{closed_port}/sparql"
    code, out, err = run_cli(capsys, "sparql", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", url)
    assert (code, out) == (2, "")
    assert err == f"shfz-graph: error: remote query: cannot connect to {url}: connection refused\n"
    code, _, err = run_cli(capsys, "query", "zones-by-area", "--endpoint", url)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_cli_push(
    capsys: pytest.CaptureFixture[str], oxigraph_server: Callable[..., OxigraphServer], kg: KnowledgeGraph
) -> None:
    server = oxigraph_server()
    code, out, err = run_cli(capsys, "push", "--endpoint", server.query, "--graph-store", server.store)
    assert code == 0
    counts = {name: n for name, n in kg.counts().items() if name != "inferred"}
    lines = out.splitlines()
    assert lines[0].split() == ["graph", "triples"]
    assert {tuple(line.split()) for line in lines[2:]} == {
        (str(kg.graph(name).identifier), str(n)) for name, n in counts.items()
    }
    assert err == (
        f"shfz-graph: pushed {len(counts)} graphs by the Graph Store Protocol; "
        f"the counts at {server.query} match\n"
    )
    code, _, err = run_cli(
        capsys, "push", "--endpoint", server.query, "--update-endpoint", server.update, "--inferred"
    )
    assert code == 0 and "by the SPARQL Update" in err


def test_cli_push_with_wrong_counts_fails(
    capsys: pytest.CaptureFixture[str], stub: Callable[..., Stub]
) -> None:
    server = stub(lambda seen: Reply(204, b"", {}) if seen.method == "PUT" else count_reply(0))
    code, out, err = run_cli(capsys, "push", "--endpoint", server.url, "--graph-store", server.url)
    assert (code, out) == (2, "")
    assert err.startswith(
        "shfz-graph: error: push: graph <https://w3id.org/shfz/graph/ontology> holds 0 triples at "
    )
    assert err.count("\n") == 1
