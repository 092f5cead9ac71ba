"""Each router of the server alone, mounted on a bare FastAPI app with a context of the test's own."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from shfz_graph.catalog import catalog
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import api, editor, iris, pages, protocol
from shfz_graph.server.context import ServerContext
from shfz_graph.server.dependencies import get_context
from shfz_graph.vocab import BASE

HUANGPU = URIRef(BASE + "id/zone/huangpu")


@pytest.fixture(scope="module")
def context(kg: KnowledgeGraph) -> Iterator[ServerContext]:
    """A context no app made (a row cap of 3): the routes can only have it through the dependency."""
    ctx = ServerContext(kg, base=BASE, timeout=5.0, max_rows=3, max_body=1024)
    yield ctx
    ctx.close()


@pytest.fixture(autouse=True)
def workers_per_test(context: ServerContext) -> Iterator[None]:
    """Each test's client runs its own event loop: the query workers stop after each, as an app's do."""
    context.reopen()
    yield
    context.close()


def bare_app(router: APIRouter, ctx: ServerContext) -> TestClient:
    """A FastAPI app with only `router`, its routes given `ctx` through the dependency."""
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[get_context] = lambda: ctx
    return TestClient(app)


def test_the_api_router_lists_the_catalogue_alone(context: ServerContext) -> None:
    with bare_app(api.router, context) as client:
        answer = client.get("/api/queries")
    assert answer.status_code == 200
    listed = answer.json()
    assert [q["name"] for q in listed] == sorted(q.name for q in catalog())
    assert {q["url"] for q in listed} == {f"http://testserver/api/queries/{q.name}" for q in catalog()}


def test_the_api_router_runs_a_named_query_under_the_contexts_row_cap(context: ServerContext) -> None:
    with bare_app(api.router, context) as client:
        answer = client.get("/api/queries/zones-by-area", params={"format": "csv"})
    assert answer.status_code == 200, answer.text
    assert answer.text.count("\r\n") == 1 + 3  # the header and three rows: the test context's max_rows
    assert answer.headers["x-result-truncated"].startswith("true; cut at 3 rows")


def test_the_iris_router_serves_a_thing_in_rdf_alone(context: ServerContext, kg: KnowledgeGraph) -> None:
    with bare_app(iris.router, context) as client:
        answer = client.get("/id/zone/huangpu.nt")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/n-triples"
    assert isomorphic(Graph().parse(data=answer.text, format="nt"), kg.describe(HUANGPU))


def test_the_pages_router_serves_the_ontology_alone(context: ServerContext, kg: KnowledgeGraph) -> None:
    with bare_app(pages.router, context) as client:
        answer = client.get("/ontology", headers={"Accept": "text/turtle"})
        missing = client.get("/id/zone/huangpu")  # the IRIs are another router's
    assert answer.status_code == 200
    assert isomorphic(Graph().parse(data=answer.text, format="turtle"), kg.graph("ontology"))
    assert missing.status_code == 404


def test_the_editor_router_shows_the_default_query_alone(context: ServerContext) -> None:
    with bare_app(editor.router, context) as client:
        answer = client.get("/query")
    assert answer.status_code == 200
    assert "?zone a shfz:LinkedInnovationZone ;" in answer.text
    links = re.findall(r'href="/query\?example=([\w-]+)"', answer.text)
    assert sorted(links) == sorted(q.name for q in catalog() if not q.network)  # the others need the CLI


def test_the_protocol_router_answers_a_query_alone(context: ServerContext, kg: KnowledgeGraph) -> None:
    query = "SELECT ?zone WHERE { ?zone a <https://w3id.org/shfz/ontology#Zone> } ORDER BY ?zone"
    with bare_app(protocol.router, context) as client:
        answer = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    first = [str(row["zone"]) for row in kg.query(query).rows[:3]]
    assert answer.text.splitlines() == ["zone", *first]  # cut at the test context's three rows
    assert len(first) == 3
