"""The short way for `GET /sparql?query=`: the same answers, headers and errors as the full path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import create_app
from shfz_graph.server.fastpath import SparqlFastPath
from shfz_graph.server.middleware import SECURITY_HEADERS

SELECT = "SELECT ?z WHERE { ?z a <https://w3id.org/shfz/ontology#LinkedInnovationZone> } ORDER BY ?z"
CONSTRUCT = (
    "CONSTRUCT { ?z a <https://w3id.org/shfz/ontology#LinkedInnovationZone> } "
    "WHERE { ?z a <https://w3id.org/shfz/ontology#LinkedInnovationZone> }"
)
ORIGIN = {"Origin": "https://example.org"}  # a CORS request: always the full path

# (query parameters, Accept): answers and refusals of every kind the endpoint gives a data client
REQUESTS = [
    ({"query": SELECT}, "application/sparql-results+json"),
    ({"query": SELECT}, "text/csv"),
    ({"query": SELECT, "format": "tsv"}, None),
    ({"query": SELECT}, "application/sparql-results+xml"),
    ({"query": "ASK { ?s ?p ?o }"}, None),
    ({"query": "ASK { ?s ?p ?o }", "format": "csv"}, None),
    ({"query": CONSTRUCT}, "text/turtle"),
    ({"query": CONSTRUCT}, "application/ld+json"),
    ({"query": CONSTRUCT, "output": "nt"}, None),
    ({"query": SELECT}, "image/png"),
    ({"query": "SELEC nothing"}, None),
    ({"query": "   "}, None),
    ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, None),
    ({"query": SELECT, "update": "DROP ALL"}, None),
    ({"query": SELECT, "default-graph-uri": "urn:x"}, None),
    ({"query": "ASK {}", "format": "unknown"}, None),
]


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(kg), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(("params", "accept"), REQUESTS)
def test_the_short_way_answers_as_the_full_path_does(
    client: TestClient, params: dict[str, str], accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    short = client.get("/sparql", params=params, headers=headers)
    full = client.get("/sparql", params=params, headers={**headers, **ORIGIN})
    assert (short.status_code, short.content) == (full.status_code, full.content)
    # what CORS adds to an answer for another origin: its header, and Origin among the Vary names
    full_headers = {k: v for k, v in full.headers.items() if k != "access-control-allow-origin"}
    vary = [v for v in full_headers.pop("vary", "").split(", ") if v not in ("", "Origin")]
    if vary:
        full_headers["vary"] = ", ".join(vary)
    assert dict(short.headers) == full_headers
    assert full.headers["access-control-allow-origin"] == "*"


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
