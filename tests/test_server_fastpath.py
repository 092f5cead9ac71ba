"""The short way for `GET /sparql?query=`: the same answers, headers and errors as the full path."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from shfz_graph.errors import QueryLimitExceeded, QueryTimeout, WorkerDied, WorkerFailure
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import create_app
from shfz_graph.server.context import ServerContext
from shfz_graph.server.fastpath import App, SparqlFastPath
from shfz_graph.server.httpcache import HttpCache
from shfz_graph.server.middleware import (
    SECURITY_HEADERS,
    BodyLimit,
    HeadAsGet,
    SecurityHeaders,
    UnexpectedErrors,
)

SELECT = "SELECT ?z WHERE { ?z a <https://w3id.org/shfz/ontology#LinkedInnovationZone> } ORDER BY ?z"
CONSTRUCT = (
    "CONSTRUCT { ?z a <https://w3id.org/shfz/ontology#LinkedInnovationZone> } "
    "WHERE { ?z a <https://w3id.org/shfz/ontology#LinkedInnovationZone> }"
)
ORIGIN = {"Origin": "https://example.org"}  # a CORS request: always the full path

# (query parameters, Accept, status): answers and refusals of every kind the endpoint gives a data client
REQUESTS = [
    ({"query": SELECT}, "application/sparql-results+json", 200),
    ({"query": SELECT}, "text/csv", 200),
    ({"query": SELECT, "format": "tsv"}, None, 200),
    ({"query": SELECT}, "application/sparql-results+xml", 200),
    ({"query": "ASK { ?s ?p ?o }"}, None, 200),
    ({"query": "ASK { ?s ?p ?o }", "format": "csv"}, None, 406),
    ({"query": CONSTRUCT}, "text/turtle", 200),
    ({"query": CONSTRUCT}, "application/ld+json", 200),
    ({"query": CONSTRUCT, "output": "nt"}, None, 200),
    ({"query": SELECT}, "image/png", 406),
    ({"query": "SELEC nothing"}, None, 400),
    ({"query": "   "}, None, 400),
    ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, None, 403),
    ({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, None, 403),
    ({"query": SELECT, "update": "DROP ALL"}, None, 403),
    ({"query": SELECT, "default-graph-uri": "urn:x"}, None, 403),
    ({"query": "ASK {}", "format": "unknown"}, None, 200),
    # a browser that names a format takes the short way too; its errors are pages on both ways
    ({"query": "SELEC nothing", "format": "json"}, "text/html", 400),
]

# errors a query's run can raise (injected), and the status and message each is answered with
FAILURES = [
    (
        WorkerDied("the query's worker died (killed by signal 9)"),
        500,
        "the query's worker died (killed by signal 9)",
    ),
    (RuntimeError("secret internal detail"), 500, "internal server error"),
    (QueryTimeout("query exceeded the time limit of 2 s"), 503, "query exceeded the time limit of 2 s"),
    (
        QueryLimitExceeded("memory", "query exceeded the memory limit of 1024 MiB"),
        503,
        "query exceeded the memory limit of 1024 MiB",
    ),
    (WorkerFailure("the query pool is closed"), 503, "the query pool is closed"),
]


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    """No answer cache: every request here is evaluated (or fails as injected) on the way it takes."""
    with TestClient(create_app(kg, answer_cache=0), raise_server_exceptions=False) as test_client:
        yield test_client


def both_ways(
    client: TestClient, params: dict[str, str], accept: str | None
) -> tuple[httpx.Response, httpx.Response]:
    """The same request by the short way and (as a CORS request) by the full way, checked to be answered
    alike: the same status, body and headers, but for what CORS adds to an answer for another origin."""
    headers = {"Accept": accept} if accept else {}
    short = client.get("/sparql", params=params, headers=headers)
    full = client.get("/sparql", params=params, headers={**headers, **ORIGIN})
    assert (short.status_code, short.content) == (full.status_code, full.content)
    # what CORS adds: its header, and Origin among the Vary names; an answer for another origin is
    # another representation, with a tag of its own
    assert ("etag" in short.headers) == ("etag" in full.headers) == (short.status_code == 200)
    if "etag" in short.headers:
        assert short.headers["etag"] != full.headers["etag"]
    full_headers = {k: v for k, v in full.headers.items() if k not in ("access-control-allow-origin", "etag")}
    short_headers = {k: v for k, v in short.headers.items() if k != "etag"}
    vary = [v for v in full_headers.pop("vary", "").split(", ") if v not in ("", "Origin")]
    if vary:
        full_headers["vary"] = ", ".join(vary)
    assert short_headers == full_headers
    assert full.headers["access-control-allow-origin"] == "*"
    assert short.headers["x-content-type-options"] == "nosniff"  # security headers on every answer
    return short, full


@pytest.mark.parametrize(("params", "accept", "status"), REQUESTS)
def test_the_short_way_answers_as_the_full_path_does(
    client: TestClient, params: dict[str, str], accept: str | None, status: int
) -> None:
    short, _ = both_ways(client, params, accept)
    assert short.status_code == status
    if accept == "text/html":
        assert short.headers["content-type"].startswith("text/html")


def test_the_requests_cover_every_status_a_query_gets() -> None:
    statuses = {status for _, _, status in REQUESTS} | {status for _, status, _ in FAILURES}
    assert statuses == {200, 400, 403, 406, 500, 503}


@pytest.mark.parametrize(
    ("error", "status", "message"), FAILURES, ids=[type(error).__name__ for error, _, _ in FAILURES]
)
def test_failures_of_a_query_are_answered_and_logged_alike_both_ways(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    status: int,
    message: str,
) -> None:
    async def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(ServerContext, "run_answer", fail)
    logged: list[list[tuple[str, str, bool]]] = []
    for headers in ({}, ORIGIN):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv", **headers})
        logged.append([(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records])
    short, _ = both_ways(client, {"query": SELECT}, "text/csv")
    assert (short.status_code, short.text) == (status, message + "\n")
    assert short.headers["content-type"] == "text/plain; charset=utf-8"
    assert logged[0] == logged[1]
    if status == 503:
        assert logged[0] == []  # a limit or a closing server: the client's answer says it all
    elif isinstance(error, WorkerDied):  # not a bug of ours: one line, no traceback
        assert logged[0] == [("WARNING", f"GET /sparql: {message}", False)]
    else:  # a bug: its traceback goes to the log, never to the client
        assert logged[0] == [("ERROR", "unexpected error while answering GET /sparql", True)]


def test_install_sets_the_short_way_in_front_of_the_layers_in_their_documented_order(
    kg: KnowledgeGraph,
) -> None:
    app = create_app(kg)
    try:
        assert isinstance(app, App)
        assert isinstance(app.short_way, HttpCache)  # caching serves both ways
        assert isinstance(app.short_way.app, SparqlFastPath)
        assert app.short_way.app.app == app.full_path
        # from the outside in, as middleware.py's docstring and docs/architecture.md say
        layers = [layer.cls for layer in app.user_middleware]
        assert layers == [CORSMiddleware, SecurityHeaders, HeadAsGet, BodyLimit, UnexpectedErrors]
    finally:
        app.state.ctx.close()


def test_the_short_way_takes_only_plain_data_queries_by_get(kg: KnowledgeGraph) -> None:
    app = create_app(kg)
    passed_on: list[str] = []

    async def rest(scope: Scope, receive: Receive, send: Send) -> None:
        passed_on.append(f"{scope['method']} {scope['path']}")
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    short = SparqlFastPath(rest, app.state.ctx, SECURITY_HEADERS)
    try:
        client = TestClient(short)
        answer = client.get("/sparql", params={"query": "ASK {}"})
        assert (answer.status_code, answer.text) == (200, '{"head":{},"boolean":true}')
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert client.get("/sparql").status_code == 299  # the service description
        assert client.get("/sparql", params={"query": "ASK {}"}, headers=ORIGIN).status_code == 299
        browser = {"Accept": "text/html"}
        assert client.get("/sparql", params={"query": "ASK {}"}, headers=browser).status_code == 299
        assert client.post("/sparql", data={"query": "ASK {}"}).status_code == 299
        assert client.get("/query", params={"query": "ASK {}"}).status_code == 299
        assert passed_on == ["GET /sparql", "GET /sparql", "GET /sparql", "POST /sparql", "GET /query"]
    finally:
        app.state.ctx.close()


def test_remembered_jobs_stay_bounded_and_answers_stay_right(kg: KnowledgeGraph) -> None:
    app = create_app(kg)
    with TestClient(app) as client:
        for n in range(300):
            text = f"SELECT ?n WHERE {{ BIND({n} AS ?n) }}"
            answer = client.get("/sparql", params={"query": text}, headers={"Accept": "text/csv"})
            assert answer.text == f"n\r\n{n}\r\n"
        again = client.get("/sparql", params={"query": "SELECT ?n WHERE { BIND(7 AS ?n) }"})
        assert again.json()["results"]["bindings"] == [
            {"n": {"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
        ]
        assert len(app.state.ctx._jobs) == 256
