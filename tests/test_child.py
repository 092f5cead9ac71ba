"""What runs inside a worker: Oxigraph is given the caller's prefixes only when a text needs them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from shfz_graph.defaults import Limits
from shfz_graph.errors import QuerySyntaxError
from shfz_graph.workers import execute
from shfz_graph.workers.child import Planner, evaluate, query

ZONE = "https://w3id.org/shfz/id/zone/"
PREFIXES = {"zone": ZONE, "dct": "http://purl.org/dc/terms/"}


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    store.add(ox.Quad(ox.NamedNode(ZONE + "huangpu"), title, ox.Literal("Huangpu")))
    store.add(ox.Quad(ox.NamedNode("http://other/huangpu"), title, ox.Literal("elsewhere")))
    return store


def _values(answer_body: bytes) -> list[str]:
    parsed = ox.parse_query_results(answer_body, ox.QueryResultsFormat.JSON)
    return sorted(str(row[0].value) for row in parsed)


def test_a_text_that_declares_what_it_uses_is_parsed_without_the_prefixes(store: ox.Store) -> None:
    text = "PREFIX zone: <http://other/> SELECT ?t WHERE { zone:huangpu ?p ?t }"
    outcome, needed = query(store, text, PREFIXES)
    assert needed is None
    assert [str(row["t"].value) for row in outcome] == ["elsewhere"]  # the text's own zone: wins


def test_a_text_that_uses_a_known_prefix_undeclared_gets_the_prefixes(store: ox.Store) -> None:
    outcome, needed = query(store, "SELECT ?t WHERE { zone:huangpu dct:title ?t }", PREFIXES)
    assert needed == PREFIXES
    assert [str(row["t"].value) for row in outcome] == ["Huangpu"]


def test_a_syntax_error_is_not_retried(store: ox.Store) -> None:
    with pytest.raises(SyntaxError):
        query(store, "SELECT ?t WHERE { ?s ?p ?t FILTER( }", PREFIXES)


def test_jobs_carry_the_callers_prefix_map_as_made_once() -> None:
    made = execute.prefix_map({"zone": ZONE, "dct": "http://purl.org/dc/terms/"})
    assert list(made) == ["dct", "zone"]
    job = execute.make_job("ASK {}", limits=Limits(max_rows=10), prefixes=made)
    assert job.prefixes is made  # no copy and no search of the text per job
    assert execute.make_job("ASK {}", prefixes=None).prefixes == {}


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?t WHERE { zone:huangpu dct:title ?t }",  # known prefixes, undeclared
        "PREFIX zone: <https://w3id.org/shfz/id/zone/> SELECT ?t WHERE { zone:huangpu ?p ?t }",
    ],
)
def test_a_worker_answers_alike_the_first_time_and_from_its_plan(store: ox.Store, text: str) -> None:
    planner = Planner(store)
    job = execute.make_job(text, prefixes=PREFIXES)
    first = evaluate(planner, job)
    assert planner.plan(job).known  # what the text needed is remembered with its plan
    again = evaluate(planner, job)
    assert _values(first.body) == _values(again.body) == ["Huangpu"]


def test_an_unknown_prefix_is_named_at_its_place(store: ox.Store) -> None:
    planner = Planner(store)
    job = execute.make_job("SELECT ?t WHERE {\n  zone:huangpu foaf:name ?t }", prefixes=PREFIXES)
    with pytest.raises(QuerySyntaxError) as err:
        evaluate(planner, job)
    assert str(err.value) == (
        "SPARQL syntax error at line 2, column 16: unknown prefix 'foaf:' (declare it with PREFIX)"
    )
