"""The sandbox holds whatever a query says: no query reaches a loopback listener unless the network was
allowed. The listener must stay silent through the pool with the screen bypassed on purpose, through the
command line, and through GET and POST on a live server, for every evasion variant of the corpus."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, Listener, LiveServer

from shfz_graph.defaults import Limits
from shfz_graph.errors import RemoteError
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.workers import execute
from shfz_graph.workers.supervisor import QueryPool


def evasion_corpus(url: str) -> dict[str, str]:
    """Ways to spell a SERVICE (or FROM) call to `url`, each a text a guard might read otherwise."""
    host = url.rsplit("/", 1)[0]
    escaped = "".join(f"\\u{ord(c):04X}" for c in "SERVICE")
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "lower case": f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        "mixed case": f"SeLeCt * WhErE {{ SeRvIcE sIlEnT <{url}> {{ ?s ?p ?o }} }}",
        "comment between": f"SELECT * WHERE {{ SERVICE # no\n <{url}> {{ ?s ?p ?o }} }}",
        "comment hiding a brace": f"SELECT * WHERE {{ # }}\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "carriage returns": f"SELECT *\r\nWHERE {{\r\nSERVICE\r\n<{url}>\r\n{{ ?s ?p ?o }} }}",
        "tabs": f"SELECT *\tWHERE\t{{\tSERVICE\t<{url}>\t{{ ?s ?p ?o }} }}",
        "escaped keyword": f"SELECT * WHERE {{ {escaped} <{url}> {{ ?s ?p ?o }} }}",
        "escaped iri": "SELECT * WHERE { SERVICE <" + url.replace("h", "\\u0068", 1) + "> { ?s ?p ?o } }",
        "long escape": f"SELECT * WHERE {{ \\U00000053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "prefixed name": f"PREFIX e: <{host}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        "base and relative iri": f"BASE <{host}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        "values variable": f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "bind variable": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "exists": f"SELECT * WHERE {{ BIND(1 AS ?x) FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "not exists": f"ASK {{ FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "sub-select": f"SELECT ?s WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "optional": f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "union": f"SELECT * WHERE {{ {{ BIND(1 AS ?x) }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "nested groups": "SELECT * WHERE " + "{ " * 20 + f"SERVICE <{url}> {{ ?s ?p ?o }}" + " }" * 20,
        "ask": f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "construct where": f"CONSTRUCT WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "describe": f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "from": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "from named": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "load": f"LOAD <{url}>",
        "service in a string-looking iri": f"SELECT * WHERE {{ SERVICE <{url}?q=%22> {{ ?s ?p ?o }} }}",
    }


CORPUS_NAMES = list(evasion_corpus("http://127.0.0.1:1/sparql"))


@pytest.fixture(scope="module")
def store_path(kg: KnowledgeGraph) -> Path:
    return kg.query_store()


def service_job(url: str) -> object:
    """A SERVICE query the screen lets through, as if it had been checked and allowed."""
    text = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    return execute.make_job(text, allow_network=True, limits=Limits(max_rows=10))


def test_a_process_in_the_sandbox_connects_nowhere(listener: Listener) -> None:
    code = (
        "import socket\n"
        "from shfz_graph.workers import sandbox\n"
        "print(sandbox.enter())\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {listener.port}), timeout=2)\n"
        "    print('connected')\n"
        "except OSError as exc:\n"
        "    print(exc.errno)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout == "None\n101\n"  # no problem entering it; then ENETUNREACH
    assert listener.connections == 0


def test_a_worker_handed_service_as_if_checked_reaches_nothing(store_path: Path, listener: Listener) -> None:
    """The screen is bypassed on purpose (the job says the network is allowed) but the pool is
    sandboxed: the worker runs the SERVICE call, which the kernel refuses."""
    with QueryPool(store_path, size=1) as pool:
        assert pool.sandboxed and pool.sandbox_problem is None
        with pytest.raises(RemoteError) as info:
            pool.run(service_job(listener.url), timeout=10)  # type: ignore[arg-type]
    assert str(info.value) == "a SERVICE call of the query failed: Network is unreachable (os error 101)"
    assert listener.connections == 0


def test_with_the_network_allowed_the_listener_is_reached(store_path: Path, listener: Listener) -> None:
    with QueryPool(store_path, size=1, network=True) as pool:
        assert not pool.sandboxed and pool.sandbox_problem is None
        with pytest.raises(RemoteError):  # the listener hangs up without an answer
            pool.run(service_job(listener.url), timeout=10)  # type: ignore[arg-type]
    assert listener.connections >= 1


def test_a_graph_runs_allowed_queries_in_a_second_pool_outside_the_sandbox(
    kg: KnowledgeGraph, listener: Listener
) -> None:
    text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(RemoteError):
        kg.query(text, allow_network=True)
    assert listener.connections >= 1
    assert kg.query_pool(network=True).sandboxed is False
    assert kg.query_pool().sandboxed is True
    assert kg.sandbox_problem() is None


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_no_variant_reaches_the_listener_through_the_library(
    kg: KnowledgeGraph, listener: Listener, name: str
) -> None:
    text = evasion_corpus(listener.url)[name]
    with pytest.raises(Exception) as info:
        kg.query(text)
    assert type(info.value).__name__ in ("NetworkAccessDenied", "LoadDenied", "QuerySyntaxError")
    assert listener.connections == 0


#: A real process that runs the command line (`shfz_graph.cli.main`, what `python -m shfz_graph` and the
#: console script call) once per argument list of its argument (JSON), and prints each one's exit code, stdout
#: and stderr: one interpreter start for many command lines instead of one each.
_CLI_BATCH = """
import contextlib, io, json, sys, traceback
from shfz_graph import cli
outcomes = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
    outcomes.append([code, out.getvalue(), err.getvalue()])
json.dump(outcomes, sys.__stdout__)
"""


def _run_cli(texts: list[str], processes: int = 2) -> list[subprocess.CompletedProcess[str]]:
    """`shfz-graph sparql TEXT --no-reasoning --format tsv` for each text, each run by the command line's
    own entry point in one of `processes` real processes (started together), in the order given."""
    argvs = [["sparql", "--no-reasoning", "--format", "tsv", text] for text in texts]
    shares = [argvs[i::processes] for i in range(processes)]
    started = [
        subprocess.Popen(
            [sys.executable, "-c", _CLI_BATCH, json.dumps(share)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for share in shares
    ]
    answers = []
    for process in started:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        answers.append(json.loads(out))
    outcomes: list[subprocess.CompletedProcess[str]] = [None] * len(argvs)  # type: ignore[list-item]
    for i, share in enumerate(answers):
        for j, (code, out, err) in enumerate(share):
            outcomes[i + j * processes] = subprocess.CompletedProcess(
                argvs[i + j * processes], code, out, err
            )
    return outcomes


def test_no_variant_reaches_the_listener_through_the_command_line(listener: Listener) -> None:
    corpus = evasion_corpus(listener.url)
    outcomes = dict(zip(corpus, _run_cli(list(corpus.values())), strict=True))
    assert [done.args[-1] for done in outcomes.values()] == list(corpus.values())
    refused = {name: done.returncode for name, done in outcomes.items() if done.returncode != 0}
    assert set(refused) == set(corpus), {n: d.stdout for n, d in outcomes.items() if n not in refused}
    assert all(done.stderr.startswith("shfz-graph: ") for done in outcomes.values())
    assert all("Traceback" not in done.stderr for done in outcomes.values())
    assert listener.connections == 0


def _http(server: LiveServer, method: str, text: str) -> tuple[int, str]:
    accept = {"Accept": "application/sparql-results+json"}
    if method == "GET":
        request = urllib.request.Request(
            f"{server.url}/sparql?" + urllib.parse.urlencode({"query": text}), headers=accept
        )
    else:
        request = urllib.request.Request(
            f"{server.url}/sparql",
            data=text.encode(),
            headers={**accept, "Content-Type": "application/sparql-query"},
            method="POST",
        )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_variant_reaches_the_listener_through_the_endpoint(
    live_server: LiveServer, listener: Listener, method: str
) -> None:
    answers = {name: _http(live_server, method, text) for name, text in evasion_corpus(listener.url).items()}
    assert {name: status for name, (status, _) in answers.items() if status not in (400, 403)} == {}
    assert listener.connections == 0
    assert _http(live_server, method, "ASK { ?s ?p ?o }") == (200, '{"head":{},"boolean":true}')


@pytest.mark.parametrize(("method", "depth"), [("GET", 200), ("POST", 200), ("POST", 10_000)])
def test_deeply_nested_groups_are_a_client_error_and_harm_nobody(
    live_server: LiveServer, method: str, depth: int
) -> None:
    text = "SELECT * WHERE " + "{ " * depth + "?s ?p ?o" + " }" * depth
    status, body = _http(live_server, method, text)
    assert status == 400
    assert body.startswith("SPARQL syntax error at line 1, column ")
    assert body.rstrip().endswith(
        "the query nests brackets more than 128 levels deep; write it with fewer nested groups"
    )
    assert _http(live_server, method, "ASK { ?s ?p ?o }") == (200, '{"head":{},"boolean":true}')


def test_a_text_that_crashes_the_engine_is_a_client_error_and_harms_nobody(live_server: LiveServer) -> None:
    """20,000 negations in a row have no brackets to count, and exhaust Oxigraph's stack: the worker
    dies of SIGSEGV, the client is told its query was too complex, and the server goes on."""
    text = "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 20_000 + "?o) }"
    status, body = _http(live_server, "POST", text)
    assert (status, body) == (
        400,
        "SPARQL syntax error: the query is too complex for the engine: its worker crashed reading or "
        "running it (killed by SIGSEGV); deeply nested groups or brackets, or very long chains of "
        "operators or path steps, do this\n",
    )
    assert _http(live_server, "GET", "ASK { ?s ?p ?o }") == (200, '{"head":{},"boolean":true}')
