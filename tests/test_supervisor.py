"""Query workers: every query runs in a worker process, bounded in time, memory and answer size.

Each class of hostile query must end within its limit plus 2 s with the right error, and the pool must
go on answering light queries at once afterwards (the killed worker is replaced).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import HOSTILE_LIMITS, HOSTILE_QUERIES, LIGHT_QUERY, child_pids
from rdflib import XSD, Literal, URIRef

from shfz_graph.catalog import catalog
from shfz_graph.defaults import Limits
from shfz_graph.errors import (
    NetworkAccessDenied,
    QueryLimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    UpdateDenied,
    WorkerDied,
    WorkerFailure,
)
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.literals import answer_term
from shfz_graph.query.results import Result
from shfz_graph.workers import execute
from shfz_graph.workers.supervisor import QueryPool
from shfz_graph.workers.wire import Answer, Job

LIGHT = LIGHT_QUERY
GROWTH = HOSTILE_QUERIES["growth-of-one-value"]
CARTESIAN = HOSTILE_QUERIES["multiplied-solutions"]
ZONES = (
    "PREFIX shfz: <https://w3id.org/shfz/ontology#> "
    "SELECT ?z WHERE { ?z a shfz:LinkedInnovationZone } ORDER BY ?z"
)

TIMEOUT = 3.0
HOSTILE_TIMEOUT = 1.5  # the time limit a hostile query is stopped at (each of them waits it out)
MEMORY = 512 << 20


@pytest.fixture(scope="module")
def store_path(kg: KnowledgeGraph) -> Path:
    """The query store of the real graph (built once for this module)."""
    return kg.query_store()


@pytest.fixture(scope="module")
def pool(store_path: Path) -> Iterator[QueryPool]:
    """Two workers over the real graph, 512 MiB each."""
    with QueryPool(store_path, size=2, max_memory=MEMORY) as workers:
        workers.warm_up()
        yield workers


def job(text: str, **options: object) -> Job:
    return execute.make_job(text, limits=Limits(max_rows=10_000), **options)  # type: ignore[arg-type]


def light_answer(pool: QueryPool) -> float:
    """Seconds a light query takes, checking its answer."""
    started = time.monotonic()
    answer = pool.run(job(LIGHT), timeout=TIMEOUT)
    assert answer.body == b'{"head":{},"boolean":true}'
    return time.monotonic() - started


def test_a_select_answer_is_written_by_oxigraph(pool: QueryPool) -> None:
    answer = pool.run(job(ZONES, select_format="tsv"), timeout=TIMEOUT)
    first = ["baoshan", "comprehensive-bonded-areas", "hongkou", "huangpu", "minhang", "xuhui", "yangpu"]
    second = ["hongqiao-international-central-business-district", "shanghai-international-resort", "jingan"]
    second += ["changning", "putuo", "qingpu", "jiading", "jinshan"]
    second += ["national-economic-and-technological-development-zones"]
    zones = sorted([*first, *second])  # the batches of 2024 and 2025
    assert answer == Answer(
        "SELECT",
        ("?z\n" + "".join(f"<https://w3id.org/shfz/id/zone/{z}>\n" for z in zones)).encode(),
        "tsv",
        16,
        False,
    )


def test_the_row_cap_cuts_the_answer_and_says_so(pool: QueryPool) -> None:
    answer = pool.run(
        execute.make_job(ZONES, limits=Limits(max_rows=2), select_format="csv"), timeout=TIMEOUT
    )
    assert answer.body == (
        b"z\r\nhttps://w3id.org/shfz/id/zone/baoshan\r\nhttps://w3id.org/shfz/id/zone/changning\r\n"
    )
    assert (answer.rows, answer.truncated) == (2, True)
    exact = pool.run(
        execute.make_job(ZONES, limits=Limits(max_rows=16), select_format="csv"), timeout=TIMEOUT
    )
    assert (exact.rows, exact.truncated) == (16, False)


def test_a_graph_answer_is_capped_in_triples(pool: QueryPool) -> None:
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    answer = pool.run(execute.make_job(text, limits=Limits(max_rows=5), graph_format="nt"), timeout=TIMEOUT)
    assert (answer.kind, answer.format, answer.rows, answer.truncated) == ("CONSTRUCT", "nt", 5, True)
    assert answer.body.count(b"\n") == 5


def test_an_answer_past_the_byte_limit_is_refused(pool: QueryPool) -> None:
    with pytest.raises(
        QueryLimitExceeded, match=r"^the answer exceeded the size limit of 100 bytes$"
    ) as info:
        pool.run(execute.make_job(ZONES, limits=Limits(max_rows=100, max_bytes=100)), timeout=TIMEOUT)
    assert info.value.limit == "answer-bytes"
    assert light_answer(pool) < 1.0


def test_bindings_travel_as_terms_projected_or_not(pool: QueryPool) -> None:
    text = (
        "PREFIX shfz: <https://w3id.org/shfz/ontology#> "
        "SELECT ?z WHERE { { ?z shfz:inDistrict ?d } UNION { ?z shfz:inBondedArea ?d } }"
    )
    huangpu = URIRef("https://w3id.org/shfz/id/district/huangpu")
    answer = pool.run(job(text, bindings={"d": huangpu}, select_format="tsv"), timeout=TIMEOUT)
    assert answer.body == b"?z\n<https://w3id.org/shfz/id/zone/huangpu>\n"
    projected = pool.run(job("SELECT ?x WHERE {}", bindings={"x": huangpu}, select_format="tsv"), timeout=5)
    assert projected.body == b"?x\n<https://w3id.org/shfz/id/district/huangpu>\n"
    hostile = Literal('x" } INSERT DATA { <a:b> <a:b> <a:b> } #', datatype=XSD.string)
    quoted = pool.run(job("SELECT ?x WHERE { BIND(?v AS ?x) }", bindings={"v": hostile}), timeout=5)
    assert execute.to_result(quoted).rows == [{"x": Literal('x" } INSERT DATA { <a:b> <a:b> <a:b> } #')}]


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        (
            "SELECT ?x WHERE { ?x ?y }",
            QuerySyntaxError,
            r"^SPARQL syntax error at line 1, column 26: unexpected '}' \(expected one of ",
        ),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", NetworkAccessDenied, "SERVICE"),
        ("INSERT DATA { <a:b> <a:b> <a:b> }", UpdateDenied, "SPARQL updates are not allowed here"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", NetworkAccessDenied, "FROM"),
    ],
)
def test_the_guard_runs_in_the_worker(pool: QueryPool, text: str, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        pool.run(job(text), timeout=TIMEOUT)
    assert light_answer(pool) < 1.0


@pytest.mark.slow  # waits for each hostile query's time limit
@pytest.mark.parametrize("kind", list(HOSTILE_QUERIES))
def test_hostile_queries_end_within_their_limit(pool: QueryPool, kind: str) -> None:
    started = time.monotonic()
    with pytest.raises((QueryTimeout, QueryLimitExceeded)) as info:
        pool.run(job(HOSTILE_QUERIES[kind]), timeout=HOSTILE_TIMEOUT)
    elapsed = time.monotonic() - started
    assert elapsed < HOSTILE_TIMEOUT + 2
    assert info.value.limit in HOSTILE_LIMITS[kind]
    if info.value.limit == "time":
        assert str(info.value) == f"query took longer than the time limit of {HOSTILE_TIMEOUT:g} s"
    else:
        assert str(info.value).startswith("query exceeded the memory limit of 512 MiB")
    assert light_answer(pool) < 1.0


@pytest.mark.slow  # waits for a hostile query's time limit
def test_a_light_query_is_answered_while_a_hostile_one_runs(pool: QueryPool) -> None:
    errors: list[BaseException] = []

    def hostile() -> None:
        try:
            pool.run(job(CARTESIAN), timeout=HOSTILE_TIMEOUT)
        except (QueryTimeout, QueryLimitExceeded) as exc:
            errors.append(exc)

    thread = threading.Thread(target=hostile)
    thread.start()
    time.sleep(0.3)
    assert light_answer(pool) < 1.0
    thread.join()
    assert [type(e) for e in errors] == [QueryTimeout]


def test_a_dead_worker_is_noticed_at_once(store_path: Path) -> None:
    with QueryPool(store_path, size=1, max_memory=MEMORY) as single:
        single.warm_up()
        (worker,) = single._table
        threading.Timer(0.5, os.kill, (worker.process.pid, signal.SIGKILL)).start()
        started = time.monotonic()
        with pytest.raises(WorkerDied, match=r"^the query's worker died \(killed by SIGKILL\)$"):
            single.run(job(CARTESIAN), timeout=60)
        assert time.monotonic() - started < 3
        assert light_answer(single) < 1.0


def test_a_worker_that_cannot_start_under_its_memory_limit_says_so(store_path: Path) -> None:
    with (
        QueryPool(store_path, size=1, max_memory=32 << 20) as tiny,
        pytest.raises(QueryLimitExceeded) as info,
    ):
        tiny.run(job(LIGHT), timeout=TIMEOUT)
    assert str(info.value).startswith("a query worker could not start within the memory limit of 32 MiB")


def test_closing_the_pool_stops_running_queries(store_path: Path) -> None:
    single = QueryPool(store_path, size=1, max_memory=MEMORY)
    single.warm_up()
    threading.Timer(0.5, single.close).start()
    started = time.monotonic()
    with pytest.raises(Exception, match=r"shutting down|closed"):
        single.run(job(CARTESIAN), timeout=60)
    assert time.monotonic() - started < 3
    assert single.workers() == []


def test_closing_the_pool_from_another_thread_ends_a_query_an_event_loop_waits_on(store_path: Path) -> None:
    """At SIGTERM the pool is closed from a thread while the server's event loop waits on a worker's answer
    pipe: the loop must see the worker's death (its pipe stays open for it), not wait forever on a pipe
    closed under it. The loop is held while close() runs, so it cannot see the end before."""
    pool = QueryPool(store_path, size=1, max_memory=MEMORY)
    pool.warm_up()

    async def main() -> BaseException | None:
        task = asyncio.ensure_future(pool.run_async(job(CARTESIAN), timeout=60))
        await asyncio.sleep(0.5)
        closer = threading.Thread(target=pool.close)
        closer.start()
        closer.join()  # blocks the loop until the pool is closed
        try:
            await asyncio.wait_for(task, 5)
        except Exception as exc:
            return exc
        return None

    outcome = asyncio.run(main())
    assert str(outcome) == "the query was stopped: the server is shutting down"
    assert pool.workers() == []


@pytest.mark.slow  # waits on real time
def test_an_interrupted_call_to_the_template_leaves_no_answer_for_the_next(store_path: Path) -> None:
    """Ctrl-C between a request to the template and its answer leaves that answer in the socket: the next
    request must get its own answer, not the stale one (a spawn once read a status and got no process)."""
    with QueryPool(store_path, size=1, max_memory=MEMORY) as single:
        single.warm_up()
        (worker,) = single._table

        def interrupt(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGALRM, interrupt)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(KeyboardInterrupt):
                single.fork_server.status(worker.process.pid, 2.0)  # a live worker: the template waits 2 s
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        fresh = single._spawn()
        assert isinstance(fresh.process.pid, int) and fresh.process.pid != worker.process.pid
        assert single.fork_server.status(fresh.process.pid, 0) is None  # it runs
        fresh.wait_ready()
        fresh.kill()
        assert fresh.process.wait(0) == -signal.SIGKILL
        assert light_answer(single) < 1.0


def test_a_worker_killed_from_several_threads_at_once_is_killed_once(store_path: Path) -> None:
    """At shutdown the pool's close and a query that just ended kill the same worker together: each
    descriptor is closed once (a second close could hit one a new worker has just been given)."""
    with QueryPool(store_path, size=1, max_memory=MEMORY) as single:
        single.warm_up()
        (worker,) = single._table
        barrier = threading.Barrier(8)
        failures: list[BaseException] = []

        def kill() -> None:
            barrier.wait()
            try:
                worker.kill()
            except BaseException as exc:  # pragma: no cover - the failure this test looks for
                failures.append(exc)

        threads = [threading.Thread(target=kill) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert worker.killed and worker.send_conn.closed and worker.recv_conn.closed
        assert not _alive(worker.process.pid)


def test_a_worker_started_while_the_pool_closes_is_not_left_running(store_path: Path) -> None:
    single = QueryPool(store_path, size=1, max_memory=MEMORY)
    single.warm_up()
    started = threading.Event()
    original = single.fork_server.spawn

    def slow_spawn(*args: Any) -> Any:
        spawned = original(*args)
        pids.append(spawned.pid)
        started.set()
        time.sleep(0.3)  # close() runs now, between the fork and the pool's count of its workers
        return spawned

    pids: list[int] = []
    single.fork_server.spawn = slow_spawn  # type: ignore[method-assign]
    errors: list[BaseException] = []

    def spawn() -> None:
        try:
            single._add(single._spawn(), "idle")
        except WorkerFailure as exc:
            errors.append(exc)

    thread = threading.Thread(target=spawn)
    thread.start()
    assert started.wait(10)
    single.close()
    thread.join()
    assert [str(e) for e in errors] in ([], ["the query pool is closed"])
    time.sleep(0.2)
    assert pids and [pid for pid in pids if _alive(pid)] == []


@pytest.mark.slow  # rdflib's engine on every named query
def test_every_named_query_answers_alike_isolated_and_in_process(kg: KnowledgeGraph) -> None:
    """The worker path (Oxigraph, serialized) and rdflib's engine agree on every named query, term for term
    in the one spelling answers use."""
    for named in catalog():
        if named.network:
            continue
        bindings = named.bind({})
        isolated = kg.query(named.text, **bindings)
        in_process = _in_process(kg, named.text, bindings)
        assert isolated.vars == in_process.vars, named.name
        if isolated.kind in ("CONSTRUCT", "DESCRIBE"):
            assert sorted(isolated.graph or ()) == sorted(in_process.graph or ()), named.name
        else:
            assert _rows(isolated) == _rows(in_process), named.name


def _in_process(kg: KnowledgeGraph, text: str, bindings: dict[str, object]) -> Result:
    from shfz_graph.query import engine

    return engine.run(kg.dataset, text, bindings=bindings)  # type: ignore[arg-type]


def _rows(result: Result) -> list[tuple[object, ...]]:
    if result.kind == "ASK":
        return [(result.boolean,)]
    rows = [tuple(answer_term(t) if t is not None else None for t in row.values()) for row in result.rows]
    return sorted(rows, key=repr)


# -- the spare worker: quick queries go on while long ones hold every regular worker ---------------------


@pytest.mark.slow  # waits on real time
def test_a_quick_query_runs_on_the_spare_while_a_long_one_holds_every_worker(store_path: Path) -> None:
    async def scenario(pool: QueryPool) -> float:
        long_one = asyncio.create_task(pool.run_async(job(CARTESIAN), timeout=TIMEOUT))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        answer = await pool.run_async(job(LIGHT), timeout=TIMEOUT)
        quick = time.monotonic() - started
        assert answer.body == b'{"head":{},"boolean":true}'
        with pytest.raises(QueryTimeout):
            await long_one
        return quick

    with QueryPool(store_path, size=1, max_memory=MEMORY, spare=True) as single:
        single.warm_up()
        assert asyncio.run(scenario(single)) < 1.0


@pytest.mark.slow  # waits on real time
def test_a_long_query_on_the_spare_waits_for_a_regular_worker_with_the_rest_of_its_time(
    store_path: Path,
) -> None:
    async def scenario(pool: QueryPool) -> tuple[type[BaseException], float, float]:
        first = asyncio.create_task(pool.run_async(job(CARTESIAN), timeout=2.0))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(QueryTimeout) as info:
            await pool.run_async(job(CARTESIAN), timeout=2.0)  # spare 0.5 s, then the regular worker
        second = time.monotonic() - started
        with pytest.raises(QueryTimeout):
            await first
        light_started = time.monotonic()
        await pool.run_async(job(LIGHT), timeout=TIMEOUT)
        return info.type, second, time.monotonic() - light_started

    with QueryPool(store_path, size=1, max_memory=MEMORY, spare=True, spare_budget=0.5) as single:
        single.warm_up()
        spare_before = _spare(single)
        kind, second, light = asyncio.run(scenario(single))
        _wait_for_workers(single, 2)
        assert _spare(single) != spare_before  # the spare was killed and replaced
    assert kind is QueryTimeout
    # 0.5 s on the spare, waiting ~1.2 s for the first to end, then its remaining 1.5 s on the regular one
    assert 2.5 < second < 5.5
    assert light < 1.0


@pytest.mark.slow  # waits on real time
def test_a_pool_without_spare_queues_quick_queries_behind_long_ones(store_path: Path) -> None:
    async def scenario(pool: QueryPool) -> float:
        long_one = asyncio.create_task(pool.run_async(job(CARTESIAN), timeout=1.5))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await pool.run_async(job(LIGHT), timeout=TIMEOUT)
        waited = time.monotonic() - started
        with pytest.raises(QueryTimeout):
            await long_one
        return waited

    with QueryPool(store_path, size=1, max_memory=MEMORY) as single:
        single.warm_up()
        assert [state for _, state in single.workers()] == ["idle"]
        assert asyncio.run(scenario(single)) > 1.0


def test_a_pool_started_from_a_thread_outlives_the_thread(store_path: Path) -> None:
    """Linux's parent-death signal follows the thread that started a process: the workers must not."""
    pools: list[QueryPool] = []
    starter = threading.Thread(target=lambda: pools.append(QueryPool(store_path, size=1, max_memory=MEMORY)))
    starter.start()
    starter.join()
    (pool,) = pools
    try:
        pool.warm_up()
        time.sleep(0.5)
        assert light_answer(pool) < 1.0
    finally:
        pool.close()


def test_no_worker_outlives_the_process_that_started_the_pool(store_path: Path, tmp_path: Path) -> None:
    script = (
        "import os, sys, time\n"
        "from shfz_graph.workers.supervisor import QueryPool\n"
        f"pool = QueryPool({str(store_path)!r}, size=2)\n"
        "pool.warm_up()\n"
        "print(pool.fork_server.pid, *[pid for pid, _ in pool.workers()], flush=True)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        pids = [int(p) for p in process.stdout.readline().split()]
        assert len(pids) == 3 and all(Path(f"/proc/{pid}").exists() for pid in pids)
    finally:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    assert [pid for pid in pids if _alive(pid)] == []


def _spare(pool: QueryPool) -> int | None:
    """The process id of the pool's spare worker (None while it is being replaced)."""
    return next((pid for pid, state in pool.workers() if state.startswith("spare")), None)


def _wait_for_workers(pool: QueryPool, count: int) -> None:
    """Wait (up to 5 s) until the supervisor has restored `count` workers."""
    deadline = time.monotonic() + 5
    while len(pool.workers()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(pool.workers()) == count


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.slow  # waits on real time
def test_a_query_that_ran_past_the_spare_budget_is_not_sent_to_the_spare_again(store_path: Path) -> None:
    async def scenario(pool: QueryPool) -> tuple[int, int, float]:
        first = asyncio.create_task(pool.run_async(job(CARTESIAN), timeout=1.5))
        await asyncio.sleep(0.3)
        second = asyncio.create_task(pool.run_async(job(CARTESIAN), timeout=3.0))  # expires on the spare
        await asyncio.sleep(0.8)
        spare_after_expiry = _spare(pool)
        third = asyncio.create_task(pool.run_async(job(CARTESIAN), timeout=1.0))  # waits: not the spare
        await asyncio.sleep(0.7)
        spare_later = _spare(pool)
        started = time.monotonic()
        await pool.run_async(job(LIGHT), timeout=TIMEOUT)  # the spare is free for a quick one
        light = time.monotonic() - started
        for task in (first, second, third):
            with pytest.raises(QueryTimeout):
                await task
        return spare_after_expiry, spare_later, light

    with QueryPool(store_path, size=1, max_memory=MEMORY, spare=True, spare_budget=0.5) as single:
        single.warm_up()
        before, after, light = asyncio.run(scenario(single))
        assert list(single._slow) == [hash(job(CARTESIAN).text)]
    assert before == after  # the spare was not killed a second time
    assert light < 1.0


# -- faults: each hits one query at most, names its true cause, and leaves the pool whole ----------------


def _fds() -> int:
    """Descriptors this process holds (a pool's pipes, pidfds and socket are among them)."""
    return len(os.listdir("/proc/self/fd"))


def _zombies(pid: int | None) -> list[int]:
    """Children of `pid` that have ended but were never reaped."""
    if pid is None:
        return []
    return [child for child in child_pids(pid) if not _alive(child) and Path(f"/proc/{child}").exists()]


def _whole(pool: QueryPool, count: int, fds_before: int, gone: tuple[int, ...] = ()) -> None:
    """The pool is back to `count` ready workers (none of `gone` among them), no zombie under its fork
    server, no descriptor leaked."""
    deadline = time.monotonic() + 5
    while any(pid in gone for pid, _ in pool.workers()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid, _ in pool.workers() if pid in gone] == []
    _wait_for_workers(pool, count)
    pool.warm_up()
    deadline = time.monotonic() + 5
    while (_zombies(pool.fork_server.pid) or _fds() != fds_before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _zombies(pool.fork_server.pid) == []
    assert _fds() == fds_before


def test_a_worker_killed_while_idle_costs_no_query(store_path: Path) -> None:
    with QueryPool(store_path, size=2, max_memory=MEMORY) as pool:
        pool.warm_up()
        expected = pool.run(job(ZONES), timeout=TIMEOUT).body
        fds_before = _fds()
        victims = [pid for pid, _ in pool.workers()]
        os.kill(victims[0], signal.SIGKILL)
        time.sleep(0.2)
        assert [pool.run(job(ZONES), timeout=TIMEOUT).body for _ in range(6)] == [expected] * 6
        _whole(pool, 2, fds_before, gone=(victims[0],))


def test_a_busy_worker_killed_from_outside_fails_its_query_alone_with_the_true_cause(
    store_path: Path,
) -> None:
    with QueryPool(store_path, size=2, max_memory=MEMORY) as pool:
        pool.warm_up()
        expected = pool.run(job(ZONES), timeout=TIMEOUT).body
        fds_before = _fds()
        outcome: list[BaseException] = []

        def long_query() -> None:
            try:
                pool.run(job(CARTESIAN), timeout=60)
            except BaseException as exc:
                outcome.append(exc)

        thread = threading.Thread(target=long_query)
        thread.start()
        deadline = time.monotonic() + 5
        while "busy" not in [state for _, state in pool.workers()] and time.monotonic() < deadline:
            time.sleep(0.01)
        (busy,) = [pid for pid, state in pool.workers() if state == "busy"]
        time.sleep(0.5)  # taken is not yet sent: a worker killed before its job arrives costs no query
        os.kill(busy, signal.SIGKILL)
        thread.join(10)
        assert [type(e) for e in outcome] == [WorkerDied]
        assert str(outcome[0]) == "the query's worker died (killed by SIGKILL)"
        assert [pool.run(job(ZONES), timeout=TIMEOUT).body for _ in range(4)] == [expected] * 4
        _whole(pool, 2, fds_before)


def test_the_fork_server_killed_costs_no_idle_query(store_path: Path) -> None:
    """Killing the fork server takes its workers along (they die with their parent); queries that come
    next find them dead before they are handed anything, and wait for a new fork server's workers."""
    with QueryPool(store_path, size=2, max_memory=MEMORY) as pool:
        pool.warm_up()
        expected = pool.run(job(ZONES), timeout=TIMEOUT).body
        fds_before = _fds()
        old_server = pool.fork_server.pid
        assert old_server is not None
        os.kill(old_server, signal.SIGKILL)
        time.sleep(0.3)
        assert [pool.run(job(ZONES), timeout=TIMEOUT).body for _ in range(4)] == [expected] * 4
        assert pool.fork_server.pid not in (None, old_server)
        _whole(pool, 2, fds_before)


def test_a_query_running_when_its_fork_server_is_killed_says_so(store_path: Path) -> None:
    with QueryPool(store_path, size=1, max_memory=MEMORY) as pool:
        pool.warm_up()
        server = pool.fork_server.pid
        assert server is not None
        threading.Timer(0.5, os.kill, (server, signal.SIGKILL)).start()
        with pytest.raises(WorkerDied) as info:
            pool.run(job(CARTESIAN), timeout=60)
        assert str(info.value) == "the query's worker died (its fork server died, and took it along)"
        assert light_answer(pool) < 5.0


@pytest.mark.slow  # waits for the back-off
def test_failed_forks_back_off_and_recover_while_other_workers_serve(
    store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with QueryPool(store_path, size=2, max_memory=MEMORY) as pool:
        pool.warm_up()
        fds_before = _fds()
        real_spawn = pool.fork_server.spawn
        refusals = [3]

        def failing_spawn(*args: Any) -> Any:
            if refusals[0]:
                refusals[0] -= 1
                raise WorkerFailure(
                    "could not start a query worker: fork failed: Resource temporarily unavailable"
                )
            return real_spawn(*args)

        pool.fork_server.spawn = failing_spawn  # type: ignore[method-assign]
        os.kill(pool.workers()[0][0], signal.SIGKILL)
        time.sleep(0.1)
        for _ in range(5):
            assert light_answer(pool) < 1.0  # the other worker answers meanwhile
        _whole(pool, 2, fds_before)
        assert refusals == [0]
        warnings = [r.getMessage() for r in caplog.records if r.name == "shfz_graph.workers"]
        assert warnings[:3] == [
            f"could not start a query worker (attempt {n}): could not start a query worker: fork failed: "
            "Resource temporarily unavailable"
            for n in (1, 2, 3)
        ]


def test_when_no_worker_can_start_a_query_fails_at_once_and_the_event_loop_runs_on(store_path: Path) -> None:
    pool = QueryPool(store_path, size=1, max_memory=MEMORY)
    try:
        pool.warm_up()

        def refuse(*args: Any) -> Any:
            raise WorkerFailure(
                "could not start a query worker: fork failed: Resource temporarily unavailable"
            )

        pool.fork_server.spawn = refuse  # type: ignore[method-assign]
        os.kill(pool.workers()[0][0], signal.SIGKILL)
        time.sleep(0.2)

        async def scenario() -> tuple[BaseException | None, float]:
            gaps: list[float] = []

            async def ticker() -> None:
                last = time.monotonic()
                while True:
                    await asyncio.sleep(0.01)
                    now = time.monotonic()
                    gaps.append(now - last)
                    last = now

            ticking = asyncio.create_task(ticker())
            error = None
            try:
                await asyncio.wait_for(pool.run_async(job(LIGHT), timeout=TIMEOUT), 10)
            except Exception as exc:
                error = exc
            ticking.cancel()
            return error, max(gaps, default=0.0)

        error, longest_gap = asyncio.run(scenario())
        assert isinstance(error, WorkerFailure)
        assert str(error) == (
            "no query worker could be started: could not start a query worker: fork failed: "
            "Resource temporarily unavailable"
        )
        assert longest_gap < 0.2  # the loop was never held
    finally:
        pool.close()


def test_workers_are_signalled_by_pidfd_never_by_a_reused_id(store_path: Path) -> None:
    with QueryPool(store_path, size=1, max_memory=MEMORY) as pool:
        pool.warm_up()
        (worker,) = pool._table
        assert worker.process.pidfd is not None
        worker.process.kill()
        worker.process.wait_gone(5)
        assert worker.process.wait(5) == -signal.SIGKILL
        worker.process.kill()  # a second signal goes to the pidfd of a dead process: nowhere else
        assert light_answer(pool) < 5.0
