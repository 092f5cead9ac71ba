"""The defaults are named once: every function that takes a limit defaults to the value in `defaults`."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from shfz_graph import defaults, graph
from shfz_graph.links import linking, remote
from shfz_graph.query import engine
from shfz_graph.server import serve
from shfz_graph.server.app import create_app
from shfz_graph.server.context import ServerContext
from shfz_graph.workers import supervisor, wire


def default_of(func: Callable[..., Any], name: str) -> Any:
    return inspect.signature(func).parameters[name].default


@pytest.mark.parametrize(
    ("func", "name", "value"),
    [
        (graph.KnowledgeGraph.query, "timeout", defaults.TIMEOUT),
        (graph.KnowledgeGraph.query, "max_rows", defaults.MAX_ROWS),
        (graph.KnowledgeGraph.answer, "timeout", defaults.TIMEOUT),
        (graph.KnowledgeGraph.answer, "max_rows", defaults.MAX_ROWS),
        (engine.run, "timeout", defaults.TIMEOUT),
        (engine.run, "max_rows", defaults.MAX_ROWS),
        (defaults.Limits, "timeout", defaults.TIMEOUT),
        (defaults.Limits, "max_rows", defaults.MAX_ROWS),
        (defaults.Limits, "max_bytes", defaults.MAX_BYTES),
        (defaults.Limits, "max_memory", defaults.MAX_MEMORY),
        (supervisor.QueryPool, "max_memory", defaults.MAX_MEMORY),
        (create_app, "timeout", defaults.TIMEOUT),
        (create_app, "max_rows", defaults.MAX_ROWS),
        (create_app, "max_body", defaults.MAX_BODY),
        (create_app, "max_memory", defaults.MAX_MEMORY),
        (create_app, "max_bytes", defaults.MAX_BYTES),
        (ServerContext, "max_memory", defaults.MAX_MEMORY),
        (ServerContext, "max_bytes", defaults.MAX_BYTES),
        (serve, "host", defaults.HOST),
        (serve, "port", defaults.PORT),
        (remote.query, "timeout", defaults.REMOTE_TIMEOUT),
        (remote.query, "retries", defaults.REMOTE_RETRIES),
        (remote.query, "max_rows", defaults.MAX_ROWS),
        (remote.push, "timeout", defaults.REMOTE_TIMEOUT),
        (linking.propose_links, "timeout", defaults.REMOTE_TIMEOUT),
    ],
)
def test_each_default_comes_from_defaults(func: Callable[..., Any], name: str, value: object) -> None:
    assert default_of(func, name) == value


def test_the_worker_job_defaults() -> None:
    job = wire.Job(text="ASK {}")
    assert (job.max_rows, job.max_bytes) == (defaults.MAX_ROWS, defaults.MAX_BYTES)


def test_the_values() -> None:
    """The documented limits (README, `--help`): changing one is a decision, not an accident."""
    assert (defaults.TIMEOUT, defaults.MAX_ROWS) == (10.0, 10_000)
    assert (defaults.MAX_MEMORY, defaults.MAX_BYTES, defaults.MAX_BODY) == (1 << 30, 64 << 20, 1 << 20)
    assert (defaults.HOST, defaults.PORT) == ("127.0.0.1", 8000)
    assert (defaults.REMOTE_TIMEOUT, defaults.REMOTE_RETRIES) == (30.0, 3)
