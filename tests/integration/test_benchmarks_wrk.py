"""The benchmarks' load generator and soak with real programs: Debian's wrk with our Lua script against a
loopback endpoint, and the soak against a real `shfz-graph serve` (issue 18). They run wrk for seconds."""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import LiveServer, missing_real_part

from benchmarks import isolated as isolated_run
from benchmarks import wrk
from benchmarks.cold import light_queries
from benchmarks.servers import start_shfz
from benchmarks.stages import soak, wire


def _answer(q: str, n: str, c: int) -> bytes:
    """A SPARQL JSON answer as Oxigraph writes it for one light query."""
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    terms = {
        name: {"type": "literal", "value": value, "datatype": integer}
        for name, value in (("q", q), ("n", n), ("c", str(c)))
    }
    return json.dumps({"head": {"vars": ["q", "n", "c"]}, "results": {"bindings": [terms]}}).encode()


class _FakeEndpoint:
    """A loopback HTTP/1.1 endpoint that records each query text and answers it as a light query would:
    its number and nonce echoed, and the count `count_of(q)` (a wrong one when the test wants), or
    `status_of(q)` with a message."""

    def __init__(self, count_of: Callable[[int], int], status_of: Callable[[int], int] = lambda q: 200):
        self.texts: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                text = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["query"][0]
                outer.texts.append(text)
                match = re.search(r"VALUES \(\?q \?n\) \{ \((\d+) (\d+)\) \}", text)
                assert match is not None
                q, n = match.groups()
                status = status_of(int(q))
                body = (
                    _answer(q, n, count_of(int(q))) if status == 200 else b"the query's worker died (SIGKILL)"
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _FakeEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


FOUR = [wrk.LightQuery(wrk.light_template(i, f"urn:p{i}", bool(i % 2)), 10 * i) for i in range(4)]


def _needs_wrk() -> None:
    if shutil.which("wrk") is None:
        missing_real_part("needs wrk (Debian's wrk), the benchmarks' load generator")


def test_the_lua_script_sends_a_new_text_every_request_and_checks_every_answer(tmp_path: Path) -> None:
    _needs_wrk()
    with _FakeEndpoint(lambda q: 10 * q) as endpoint:
        run = wrk.run(endpoint.url, FOUR, fresh=True, connections=4, seconds=1, script=tmp_path / "a.lua")
    assert run.requests >= 20
    assert (run.answered, run.wrong, run.errors, run.died) == (run.requests, 0, 0, 0)
    assert 0 < run.p50 <= run.p99 <= run.max < 1  # each answer timed by the script
    assert len(set(endpoint.texts)) == len(endpoint.texts) >= run.requests  # every text new
    for text in endpoint.texts:  # each is one of the templates with a nonce whose remainder is its number
        q, n = re.search(r"\((\d+) (\d+)\)", text).groups()  # type: ignore[union-attr]
        assert text == FOUR[int(q)].template.replace(wrk.NONCE, n)
        assert int(n) % wrk.SLOTS == int(q)


def test_repeated_texts_repeat_and_a_wrong_count_or_a_failure_is_counted(tmp_path: Path) -> None:
    _needs_wrk()
    script = tmp_path / "b.lua"
    with _FakeEndpoint(lambda q: 10 * q + (q == 1)) as endpoint:  # query 1 gets a wrong count
        run = wrk.run(endpoint.url, FOUR, fresh=False, connections=2, seconds=1, script=script)
    assert sorted(set(endpoint.texts)) == sorted(
        q.template.replace(wrk.NONCE, str(i)) for i, q in enumerate(FOUR)
    )
    # the texts the endpoint saw include those still in flight when wrk stopped (at most one a connection)
    ones = sum("(1 1)" in text for text in endpoint.texts)
    assert ones - 2 <= run.wrong <= ones
    assert (run.answered + run.wrong, run.errors) == (run.requests, 0)
    assert run.wrong > 0
    assert run.samples[0].startswith('wrong {"head"')
    with _FakeEndpoint(lambda q: 10 * q, lambda q: {2: 500, 3: 503}.get(q, 200)) as endpoint:
        run = wrk.run(endpoint.url, FOUR, fresh=True, connections=2, seconds=1, script=script)
    twos = sum(re.search(r"\(2 \d+\)", text) is not None for text in endpoint.texts)
    threes = sum(re.search(r"\(3 \d+\)", text) is not None for text in endpoint.texts)
    assert twos - 2 <= run.died <= twos  # "the query's worker died" is counted apart from errors
    assert threes - 2 <= run.errors <= threes
    assert (run.answered + run.died + run.errors, run.wrong) == (run.requests, 0)
    assert run.died > 0 and run.errors > 0


def test_the_soak_against_a_real_server_counts_no_wrong_answer_and_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_wrk()
    monkeypatch.setenv("SHFZ_GRAPH_CACHE", str(tmp_path / "cache"))  # graph_store sets it; restored after
    data = isolated_run.data_file(tmp_path, 100)
    kg, store = isolated_run.graph_store(tmp_path, data, False)
    kg.close()
    queries = light_queries(store, 8)
    options = ["--store", "oxigraph", "--store-path", str(tmp_path / "kg"), "--data", str(data)]
    server = start_shfz(tmp_path, options, ["--timeout", "3", "--no-reasoning"])
    try:
        server.wait(queries[0].template.replace(wrk.NONCE, "0"), 120)
        result = soak.run(
            server,
            queries,
            seconds=6,
            connections=2,
            hostile_clients=1,
            chaos_every=1,
            sample_every=0.5,
            work=tmp_path,
        )
    finally:
        server.stop()
    light = result.light
    assert light.requests > 50
    assert (light.wrong, light.errors) == (0, 0), light.samples
    # only a light query whose worker was killed fails: a busy one, or one that looked idle (CPU ticks are
    # counted 100 times a second, so a worker answering short queries can show none over the look)
    assert light.died <= result.kills + result.busy_kills
    assert result.kills + result.busy_kills >= 4
    assert len(result.samples) >= 10
    assert all(s.total >= s.long_lived > 0 for s in result.samples)
    assert sum(result.hostile.values()) >= 1
    assert all(not what.startswith("200") for what in result.hostile)
    assert result.answers_after
    assert result.workers_after == result.workers_before > 0


def test_revalidation_sends_each_answers_tag_and_counts_only_a_bodyless_304_as_right(tmp_path: Path) -> None:
    _needs_wrk()
    tags = [f'"tag-{i}"' for i in range(len(FOUR))]
    seen: list[tuple[str, str | None]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            text = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["query"][0]
            q = int(re.search(r"\((\d+) (\d+)\)", text).group(1))  # type: ignore[union-attr]
            seen.append((text, self.headers.get("If-None-Match")))
            fresh = self.headers.get("If-None-Match") == tags[q] and q != 3  # query 3's tag is stale
            body = b"" if fresh else _answer(str(q), str(q), 10 * q)
            self.send_response(304 if fresh else 200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        run = wrk.run(url, FOUR, fresh=False, connections=2, seconds=1, script=tmp_path / "r.lua", etags=tags)
    finally:
        server.shutdown()
        server.server_close()
    assert {(text, tag) for text, tag in seen} == {
        (q.template.replace(wrk.NONCE, str(i)), tags[i]) for i, q in enumerate(FOUR)
    }
    threes = sum(text.endswith("(3 3) } ?s <urn:p3> ?o } GROUP BY ?q ?n") for text, _ in seen)
    assert run.revalidated == run.answered > 0
    assert threes - 2 <= run.wrong <= threes and run.wrong > 0  # a full answer where a 304 was due
    assert (run.answered + run.wrong, run.errors) == (run.requests, 0)
    assert run.samples[0].startswith("200 instead of 304")
    with pytest.raises(ValueError, match="one ETag per query"):
        wrk.lua_script("/sparql", FOUR, True, tags)


def test_bytes_on_the_wire_are_compared_after_decoding(live_server: LiveServer) -> None:
    """Against our real server: each coding's body decodes to the plain one; Oxigraph's size is its own."""
    fetched = wire.run(live_server.url + "/sparql", live_server.url + "/sparql", wire.ASKS[:2])
    for f in fetched:
        assert (f.wrong, f.errors) == (0, 0)
        assert f.encodings["identity"] == "identity"
        assert f.encodings["gzip"] == "gzip"
        assert f.sizes["gzip"] < f.sizes["identity"] == f.oxigraph
        assert f.encodings["br"] in ("br", "identity")  # br only with the brotli wheel
