"""Shared fixtures. Append yours below; keep each one documented and cheap unless it is session-scoped."""

from __future__ import annotations

import fcntl
import io
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.term import Node

from shfz_graph import resources
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.links import remote

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
REPO = Path(__file__).resolve().parent.parent
WIKIDATA_FIXTURE = FIXTURES / "wikidata" / "shanghai-sample.ttl"


INTEGRATION = Path(__file__).parent / "integration"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: one test process per CPU this process may use (its affinity and its cgroup's CPU quota,
    so a container limited to 2 CPUs on a large host runs 2, not one per host CPU, and a 2-thread core
    runs 2); `PYTEST_XDIST_AUTO_NUM_WORKERS` still decides when set (pytest-xdist reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text(encoding="ascii").split()
        if quota != "max":
            cpus = min(cpus, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


#: The longest files (tens of seconds each on 2 cores), handed out to the test processes first, roughly
#: longest first, so that the many short files even out the processes' ends. Only the suite's time
#: depends on it.
LONGEST_FIRST = (
    "integration/test_server_browser.py",
    "integration/test_remote_virtuoso.py",
    "integration/test_remote.py",
    "integration/test_server_limits.py",
    "integration/test_catalog_grlc.py",
    "integration/test_sandbox.py",
    "integration/test_benchmarks_wrk.py",
    "test_shapes.py",  # the first to draw the owlrl closure (8 s); later files read it from the cache
    "test_supervisor.py",
    "test_cli.py",
    "test_server.py",
    "test_export.py",
    "test_graph.py",
    "test_generate.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/integration/ runs a real outside program (a server, a browser, a triple
    store): it is `slow`, so `pytest -m "not slow"` is the quick inner loop. The files are handed out in
    the order of `LONGEST_FIRST`, then the other integration files, then the rest as collected."""
    tests = Path(__file__).parent
    stale = [name for name in LONGEST_FIRST if not (tests / name).is_file()]
    if stale:
        raise pytest.UsageError(f"LONGEST_FIRST in tests/conftest.py names missing files: {stale}")

    def rank(item: pytest.Item) -> tuple[int, int]:
        path = Path(str(item.fspath))
        name = path.relative_to(tests).as_posix() if tests in path.parents else path.name
        if name in LONGEST_FIRST:
            return (0, LONGEST_FIRST.index(name))
        return (1, 0) if INTEGRATION in path.parents else (2, 0)

    for item in items:
        if INTEGRATION in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.slow)
    items.sort(key=rank)  # stable: each file's tests keep their order


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One closure and query-store cache for the whole run: entries are keyed by the hash of their
    sources, so a test that loads the same files as another reuses its closure instead of reasoning again.
    Under pytest-xdist the workers of one run share it (entries are written to a temporary file and
    renamed, so two workers making the same entry at once cost time, never a torn file)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    cache = base / "shfz-shared-cache"
    cache.mkdir(exist_ok=True)
    return cache


@pytest.fixture(autouse=True)
def _shared_cache_env(shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes ~/.cache: every test uses the run's shared cache unless it asks for an
    empty one (`_isolated_cache`)."""
    monkeypatch.setenv("SHFZ_GRAPH_CACHE", str(shared_cache))
    return shared_cache


@pytest.fixture
def _isolated_cache(
    _shared_cache_env: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """An empty closure cache of this test's own, for tests about the cache itself."""
    cache = tmp_path_factory.mktemp("shfz-cache")
    monkeypatch.setenv("SHFZ_GRAPH_CACHE", str(cache))
    return cache


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make `resources` (and so `load()`) use the tiny checkout in tests/fixtures/mini."""
    monkeypatch.setattr(resources, "search_roots", lambda: [MINI])
    return MINI


@pytest.fixture(scope="session")
def kg_cache_dir(shared_cache: Path) -> Path:
    """The closure cache of the session-scoped real graphs below: the run's shared cache."""
    return shared_cache


def load_once(cache_dir: Path, **options: Any) -> KnowledgeGraph:
    """`load(**options)` with the run's cache, one test process at a time (pytest-xdist): the first makes
    the closure and the query store, the others wait and read them instead of making them again."""
    with (cache_dir / "load.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return load(cache_dir=cache_dir, **options)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def kg(kg_cache_dir: Path) -> Iterator[KnowledgeGraph]:
    """The real graph (ontology + data), reasoned with the default reasoner. Shared: never change it."""
    graph = load_once(kg_cache_dir)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def kg_asserted(kg_cache_dir: Path) -> Iterator[KnowledgeGraph]:
    """The real graph without inferences (`load(reason=False)`): what a query sees when nobody reasoned.
    Shared: never change it."""
    graph = load_once(kg_cache_dir, reason=False)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def kg_oxigraph(kg_cache_dir: Path) -> Iterator[KnowledgeGraph]:
    """The real graph, reasoned, in the Oxigraph store (the `oxigraph` extra) instead of rdflib's memory.
    Shared: never change it."""
    pytest.importorskip("oxrdflib")
    graph = load_once(kg_cache_dir, store="oxigraph")
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def kg_owlrl(kg_cache_dir: Path) -> Iterator[KnowledgeGraph]:
    """The real graph reasoned with owlrl (a few seconds, so once per run). Shared: never change it."""
    graph = load_once(kg_cache_dir, reasoner="owlrl")
    yield graph
    graph.close()


# -- a real triple store: the Oxigraph server (remote.py, linking.py) -----------------------------------


def oxigraph_command() -> str | None:
    """The `oxigraph` server command: beside this Python (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (asked from the kernel, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OxigraphServer:
    """A running `oxigraph serve` on 127.0.0.1: its base URL and the SPARQL / Graph Store endpoints."""

    url: str
    process: subprocess.Popen[bytes]

    @property
    def query(self) -> str:
        return self.url + "/query"

    @property
    def update(self) -> str:
        return self.url + "/update"

    @property
    def store(self) -> str:
        return self.url + "/store"

    def stop(self) -> None:
        """Stop this server (only the process this fixture started)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_oxigraph(command: str, location: Path, *, union_default_graph: bool = True) -> OxigraphServer:
    """Start `oxigraph serve --location DIR --bind 127.0.0.1:PORT` and wait until it answers a query."""
    port = free_port()
    args = [command, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        args.append("--union-default-graph")
    log = location.with_suffix(".log")
    with log.open("wb") as sink:
        process = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT)
    server = OxigraphServer(f"http://127.0.0.1:{port}", process)
    probe = urllib.request.Request(
        f"{server.query}?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"}
    )
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited with {process.returncode}: {log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"oxigraph serve did not answer on port {port} within 15 s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., OxigraphServer]]:
    """A factory of Oxigraph servers, each on a free loopback port with its own temporary folder; all are
    stopped when the module's tests are done. Skipped (with the reason shown) when the `oxigraph` command is
    missing, except under CI (env CI set), where that is a failure."""
    command = oxigraph_command()
    if command is None:
        reason = "the `oxigraph` server command is not installed (pip install oxigraph)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    started: list[OxigraphServer] = []

    def start(*, union_default_graph: bool = True) -> OxigraphServer:
        server = start_oxigraph(
            command, tmp_path_factory.mktemp("oxigraph"), union_default_graph=union_default_graph
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def pushed(oxigraph_server: Callable[..., OxigraphServer], kg: KnowledgeGraph) -> OxigraphServer:
    """An Oxigraph server (union default graph, like ours) holding the real graph with its inferences."""
    server = oxigraph_server()
    report = remote.push(kg, query_endpoint=server.query, graph_store=server.store, inferred=True)
    assert report.method == "graph-store"
    assert report.counts == {str(kg.graph(name).identifier): count for name, count in kg.counts().items()}
    return server


# -- the web server (server/): a real `shfz-graph serve` process, and Debian's chromium --------------


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_real_part(reason: str) -> None:
    """Skip a test whose real part is missing, showing why; under CI (env CI set) that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it is offered (it must stay silent in
    the sandbox tests): accepts, reads a little, closes."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback listener that counts connections (see `Listener`)."""
    found = Listener()
    yield found
    found.close()


@dataclass
class LiveServer:
    """A running `python -m shfz_graph serve` on 127.0.0.1: its base URL, process and log file."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """Stop this server (only the process the fixture started)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Iterator[LiveServer]:
    """`python -m shfz_graph serve --port FREE --timeout 2` for the whole session, stopped at its end. It
    opens the run's shared cache, so it starts from the closure and query store the tests built (or builds
    them there: a store is built aside and renamed into place, so two processes may share the folder)."""
    folder = tmp_path_factory.mktemp("live-server")
    port = free_port()
    env = {**os.environ, "SHFZ_GRAPH_CACHE": str(shared_cache), "SHFZ_GRAPH_LOG_LEVEL": "warning"}
    args = [sys.executable, "-m", "shfz_graph", "serve", "--port", str(port), "--timeout", "2"]
    log = folder / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    probe = urllib.request.Request(
        f"{server.url}/sparql?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"}
    )
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            pytest.fail(f"shfz-graph serve exited with {process.returncode}: {output}")
        try:
            with urllib.request.urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"shfz-graph serve did not answer on port {port} within 60 s")
        time.sleep(0.1)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright for Python (no browser download, ever).

    Module-scoped: Playwright's sync driver runs an event loop in this thread while it is open, so it must
    close before the process runs any other module's tests (which may start event loops of their own).

    Skipped with the reason when /usr/bin/chromium or playwright is missing; a failure under CI."""
    if not CHROMIUM.exists():
        missing_real_part(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_real_part("playwright is not installed (pip install playwright; no `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# -- the product files as plain rdflib graphs (ontology and shape tests) -----------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The ontology file as a graph. Module-wide: tests change only copies."""
    return Graph().parse(REPO / "ontology" / "shfz.ttl")


@pytest.fixture(scope="module")
def data() -> Graph:
    """All instance data (data/*.ttl) in one graph. Module-wide: tests change only copies."""
    graph = Graph()
    for path in sorted((REPO / "data").glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def wikidata(oxigraph_server: Callable[..., OxigraphServer]) -> OxigraphServer:
    """A local Oxigraph standing in for query.wikidata.org, loaded with tests/fixtures/wikidata."""
    server = oxigraph_server(union_default_graph=False)
    request = urllib.request.Request(
        f"{server.store}?default",
        data=WIKIDATA_FIXTURE.read_bytes(),
        method="PUT",
        headers={"Content-Type": "text/turtle"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201, 204)
    return server


# -- real stores and services that users run: Virtuoso (Debian) and grlc (PyPI) ---------------------------


def wait_for_http(
    url: str, process: subprocess.Popen[bytes], log: Path, what: str, seconds: float, *, probe: float = 1
) -> None:
    """Wait until `url` answers (any HTTP status; each try waits `probe` seconds for it); fail with the log if
    the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=probe):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            stop_process(process)
            pytest.fail(f"{what} did not answer at {url} within {seconds:g} s")
        time.sleep(0.1)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a process a fixture started (by its own handle, never by name)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


VIRTUOSO_COMMANDS = ("virtuoso-t", "isql-vt")


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here, or None."""
    missing = [c for c in VIRTUOSO_COMMANDS if shutil.which(c) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (apt-get install virtuoso-opensource)"
    return None


def grlc_command() -> Path | None:
    """`gunicorn` beside this Python if grlc is installed too (the test extra installs both), else None."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    try:
        import grlc  # noqa: F401  (only whether it is installed)
    except ImportError:
        return None
    return gunicorn if gunicorn.is_file() else None


@dataclass
class GrlcServer:
    """A running grlc (local-files mode: our queries/ folder) in front of a SPARQL endpoint."""

    url: str
    endpoint: str
    readme_call: str  # the README's curl command, on this instance's port


README_TEXT = (REPO / "README.md").read_text(encoding="utf-8")


def readme_block(language: str, containing: str) -> str:
    """The one fenced block of the README in `language` that contains `containing`."""
    (block,) = [b for b in re.findall(f"```{language}\n(.*?)```", README_TEXT, re.S) if containing in b]
    return str(block)


@pytest.fixture(scope="module")
def grlc_server(tmp_path_factory: pytest.TempPathFactory, live_server: LiveServer) -> Iterator[GrlcServer]:
    """The README's grlc recipe as written, its ports replaced by free loopback ones: its config.ini in a
    folder that holds `queries` (a link to the project's folder), its gunicorn command run there, in front of
    the live `shfz-graph serve`. Skipped (reason shown) when grlc is not installed, except under CI, where
    that is a failure."""
    gunicorn = grlc_command()
    if gunicorn is None:
        missing_real_part("grlc is not installed (pip install -e '.[test]' brings it)")
    port = free_port()
    served = live_server.url.removeprefix("http://")

    def on_ports(text: str) -> str:
        return text.replace("127.0.0.1:8000", served).replace("127.0.0.1:8088", f"127.0.0.1:{port}")

    folder = tmp_path_factory.mktemp("grlc")
    (folder / "config.ini").write_text(on_ports(readme_block("ini", "local_sparql_dir")), encoding="utf-8")
    (folder / "queries").symlink_to(REPO / "queries", target_is_directory=True)
    start, call = on_ports(readme_block("text", "grlc.server:app")).strip().splitlines()
    args = shlex.split(start)
    assert args[0] == "gunicorn"
    log = folder / "grlc.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(gunicorn), *args[1:]], cwd=folder, stdout=sink, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        # one gunicorn worker (as in the README) that reads every query file per request: be patient
        wait_for_http(f"{url}/api-local/swagger", process, log, "grlc", 90, probe=30)
        yield GrlcServer(url, f"{live_server.url}/sparql", call)
    finally:
        stop_process(process)


def w3c_rows(text: str, fmt: str) -> list[tuple[Node | None, ...]]:
    """The rows of SPARQL results JSON or TSV, read by rdflib's parsers, each term in its answer spelling."""
    from rdflib.query import Result as RdflibResult

    from shfz_graph.literals import answer_term

    parsed = RdflibResult.parse(io.StringIO(text), format=fmt)
    return [tuple(answer_term(t) if t is not None else None for t in row) for row in parsed]  # type: ignore[union-attr]


# -- hostile queries: one of each class the query workers must stop (supervisor, cli, server limits)

#: A light query that must keep being answered while hostile ones run.
LIGHT_QUERY = "ASK { ?s ?p ?o }"
#: One class of hostile query each, by name.
HOSTILE_QUERIES = {
    # one solution whose single value grows tenfold at each step, to about 10^10 characters
    "growth-of-one-value": (
        'SELECT (STRLEN(?j) AS ?n) WHERE { BIND("0123456789" AS ?a) '
        + " ".join(
            f"BIND(CONCAT({', '.join([f'?{prev}'] * 10)}) AS ?{name})"
            for prev, name in zip("abcdefghi", "bcdefghij", strict=True)
        )
        + " }"
    ),
    # solutions that multiply: every triple with every triple with every triple, counted
    "multiplied-solutions": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    # a property path over any predicate, from anything to anything, twice over
    "deep-property-path": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x>|!<urn:x>)* ?b . ?c (<urn:x>|!<urn:x>)* ?d }"
    ),
    # a sort over a product of every triple with every triple
    "huge-sort": "SELECT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(STR(?c)) STR(?f) LIMIT 1",
    # one group per object, each with a concatenation over every triple
    "huge-aggregate": (
        "SELECT ?c (GROUP_CONCAT(STR(?f)) AS ?all) WHERE { ?a ?b ?c . ?d ?e ?f } GROUP BY ?c ORDER BY ?all"
    ),
}


def child_pids(pid: int) -> list[int]:
    """The child processes of `pid` (its query workers), read from /proc; a thread that ends meanwhile is
    skipped (its `children` file vanishes between listing and reading)."""
    children: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return children
    for task in tasks:
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def descendant_pids(pid: int) -> list[int]:
    """Every process below `pid`: the query worker template and the workers forked from it."""
    found: list[int] = []
    todo = child_pids(pid)
    while todo:
        current = todo.pop()
        found.append(current)
        todo += child_pids(current)
    return found


#: The limits each hostile query may reach first: those that hold every solution (a sort, groups, a path's
#: reachable pairs, one huge value) can run out of memory before time; a streamed count only out of time.
HOSTILE_LIMITS = {
    "growth-of-one-value": {"memory", "time"},
    "multiplied-solutions": {"time"},
    "deep-property-path": {"memory", "time"},
    "huge-sort": {"memory", "time"},
    "huge-aggregate": {"memory", "time"},
}


# -- imports: the cycles among the modules of a package (test_cli, test_server_package) -------------------
