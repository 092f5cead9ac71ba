"""HTTP caching: strong validators, 304 without evaluating, an answer cache bounded in bytes, compression.

Each answer is checked against the one the server gives without caching, byte for byte."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import create_app
from shfz_graph.server.context import ServerContext
from shfz_graph.server.httpcache import (
    AnswerCache,
    Entry,
    cache_control,
    choose_encoding,
    make_etag,
    matches,
    may_change,
)

ZONES = (
    "PREFIX shfz: <https://w3id.org/shfz/ontology#> "
    "SELECT ?z ?label WHERE { ?z a shfz:LinkedInnovationZone ; rdfs:label ?label } ORDER BY ?z ?label"
)
JSON = {"Accept": "application/sparql-results+json"}


# -- the pieces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("gzip", "gzip"),
        ("gzip, br", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("identity", None),
        ("*", "br"),
        ("*;q=0.1, gzip;q=0", "br"),
        ("GZIP;Q=1", "gzip"),
        ("gzip;q=junk", None),
    ],
)
def test_the_coding_follows_the_clients_weights_then_ours(header: str | None, expected: str | None) -> None:
    assert choose_encoding(header, ("br", "gzip")) == expected


def test_tags_compare_weakly_and_across_codings() -> None:
    tag = make_etag("build", b"key")
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 26
    assert tag == make_etag("build", b"key") != make_etag("other build", b"key") != make_etag("build", b"k")
    assert matches(tag, tag)
    assert matches(f'"x", W/{tag}', tag)
    assert matches(tag[:-1] + '-gzip"', tag)
    assert matches("*", tag)
    assert not matches('"x"', tag)
    assert not matches(None, tag)


@pytest.mark.parametrize(
    ("text", "volatile"),
    [
        ("SELECT (NOW() AS ?t) {}", True),
        ("SELECT (rand ( ) AS ?r) {}", True),
        ("SELECT (STRUUID() AS ?u) {}", True),
        ("CONSTRUCT { ?s <http://e/p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }", True),
        ('SELECT * { ?s ?p "NOW()" } # RAND()', False),
        ("SELECT ?now { ?s <http://e/rand> ?now }", False),
    ],
)
def test_queries_whose_answer_may_change_are_told(text: str, volatile: bool) -> None:
    assert may_change(text) is volatile


def test_cache_control() -> None:
    assert cache_control(0) == b"no-cache"
    assert cache_control(300) == b"public, max-age=300"


def test_the_answer_cache_is_bounded_in_bytes_least_recently_used_first_out() -> None:
    cache = AnswerCache(2000)
    for name in (b"a", b"b", b"c"):
        cache.put(name, Entry([], b"x" * 500))  # 564 bytes each, counted with its bookkeeping
    assert (len(cache), cache.size) == (3, 3 * 564)
    assert cache.get(b"a") is not None  # a is now the most recent
    cache.put(b"d", Entry([], b"x" * 500))
    assert [key for key in (b"a", b"b", b"c", b"d") if cache.get(key) is not None] == [b"a", b"c", b"d"]
    assert cache.size == 3 * 564 <= cache.max_bytes
    cache.put(b"huge", Entry([], b"x" * 1000))  # over half the budget: not kept
    assert cache.get(b"huge") is None


# -- on the app ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(kg), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def uncached(kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(kg, answer_cache=0), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The query texts the app hands its workers, in order."""
    seen: list[str] = []
    original = ServerContext.run_answer

    async def counting(self: ServerContext, text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(text)
        return await original(self, text, *args, **kwargs)

    monkeypatch.setattr(ServerContext, "run_answer", counting)
    return seen


def test_an_answer_carries_a_strong_tag_and_revalidates_without_evaluating(
    app_client: TestClient, uncached: TestClient, evaluations: list[str]
) -> None:
    text = ZONES + " # tag test"
    first = app_client.get("/sparql", params={"query": text}, headers=JSON)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and not tag.startswith('W/"')
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["vary"] == "Accept, Accept-Encoding"
    assert first.content == uncached.get("/sparql", params={"query": text}, headers=JSON).content
    before = len(evaluations)
    again = app_client.get("/sparql", params={"query": text}, headers={**JSON, "If-None-Match": tag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
    assert len(evaluations) == before  # nothing was evaluated
    other = app_client.get("/sparql", params={"query": text}, headers={"Accept": "text/csv"})
    assert other.headers["etag"] != tag  # another representation, another tag


def test_a_repeated_request_is_answered_from_the_cache(
    app_client: TestClient, evaluations: list[str]
) -> None:
    text = ZONES + " # cache test"
    answers = [app_client.get("/sparql", params={"query": text}, headers=JSON) for _ in range(3)]
    assert evaluations.count(text) == 1
    assert len({a.content for a in answers}) == 1 and answers[0].status_code == 200
    posted = [
        app_client.post("/sparql", content=text, headers={**JSON, "Content-Type": "application/sparql-query"})
        for _ in range(2)
    ]
    assert evaluations.count(text) == 2  # a POST is its own request: evaluated once, then kept
    assert posted[0].content == posted[1].content == answers[0].content


def test_errors_and_changing_answers_are_never_kept(app_client: TestClient, evaluations: list[str]) -> None:
    broken = "SELECT ?x WHERE { ?x ?y }"
    for _ in range(2):
        response = app_client.get("/sparql", params={"query": broken}, headers=JSON)
        assert response.status_code == 400 and "etag" not in response.headers
    assert evaluations.count(broken) == 2
    volatile = "SELECT (STRUUID() AS ?u) WHERE {}"
    answers = [app_client.get("/sparql", params={"query": volatile}, headers=JSON) for _ in range(2)]
    assert evaluations.count(volatile) == 2
    assert answers[0].content != answers[1].content and "etag" not in answers[0].headers


def test_answers_are_compressed_when_asked_and_worth_it(app_client: TestClient, uncached: TestClient) -> None:
    plain = uncached.get("/sparql", params={"query": ZONES}, headers={**JSON, "Accept-Encoding": "identity"})
    assert len(plain.content) > 1024 and "content-encoding" not in plain.headers
    for _ in range(2):  # made once, then kept with the answer
        raw = app_client.get("/sparql", params={"query": ZONES}, headers={**JSON, "Accept-Encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip"  # httpx decodes it for us
        assert raw.content == plain.content
        assert raw.headers["etag"].endswith('-gzip"')
        assert int(raw.headers["content-length"]) < len(plain.content) // 3
    tiny = app_client.get("/sparql", params={"query": "ASK {}"}, headers={**JSON, "Accept-Encoding": "gzip"})
    assert "content-encoding" not in tiny.headers  # under a kilobyte: sent as it is


def test_head_has_the_length_and_tag_of_get(app_client: TestClient) -> None:
    plain = {"Accept": "text/turtle", "Accept-Encoding": "identity"}
    got = app_client.get("/id/zone/huangpu", headers=plain)
    head = app_client.head("/id/zone/huangpu", headers=plain)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.content))
    assert head.headers["etag"] == got.headers["etag"]


def test_pages_and_the_api_revalidate_too(app_client: TestClient) -> None:
    for path in ("/", "/id/zone/huangpu", "/api/queries/zones-by-area"):
        first = app_client.get(path)
        assert first.status_code == 200, path
        again = app_client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, path


def test_without_the_answer_cache_every_request_is_evaluated(
    uncached: TestClient, evaluations: list[str]
) -> None:
    text = ZONES + " # uncached"
    tags = {uncached.get("/sparql", params={"query": text}, headers=JSON).headers["etag"] for _ in range(2)}
    assert evaluations.count(text) == 2 and len(tags) == 1


def test_the_limits_are_part_of_the_tag(kg: KnowledgeGraph) -> None:
    with (
        TestClient(create_app(kg)) as plain,
        TestClient(create_app(kg, max_rows=5)) as capped,
    ):
        tags = [
            c.get("/sparql", params={"query": ZONES}, headers=JSON).headers["etag"] for c in (plain, capped)
        ]
    assert tags[0] != tags[1]


def test_gzip_bytes_are_real_gzip(app_client: TestClient) -> None:
    with app_client.stream(
        "GET", "/sparql", params={"query": ZONES}, headers={**JSON, "Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join(response.iter_raw())
    assert gzip.decompress(raw).startswith(b'{"head":{"vars":["z","label"]}')


def test_brotli_when_its_wheel_is_installed(app_client: TestClient, uncached: TestClient) -> None:
    brotli = pytest.importorskip("brotli", reason="brotli comes with the server extra")
    plain = uncached.get("/sparql", params={"query": ZONES}, headers={**JSON, "Accept-Encoding": "identity"})
    with app_client.stream(
        "GET", "/sparql", params={"query": ZONES}, headers={**JSON, "Accept-Encoding": "br, gzip"}
    ) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "br"
    assert brotli.decompress(raw) == plain.content
