"""Shared fixtures. Append yours below; keep each one documented and cheap unless it is session-scoped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shfz_graph import resources
from shfz_graph.graph import KnowledgeGraph, load

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty closure cache: no test reads or writes ~/.cache."""
    cache = tmp_path_factory.mktemp("shfz-cache")
    monkeypatch.setenv("SHFZ_GRAPH_CACHE", str(cache))
    return cache


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make `resources` (and so `load()`) use the tiny checkout in tests/fixtures/mini."""
    monkeypatch.setattr(resources, "search_roots", lambda: [MINI])
    return MINI


@pytest.fixture(scope="session")
def kg_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The closure cache shared by the session-scoped real graphs below."""
    return tmp_path_factory.mktemp("kg-cache")


@pytest.fixture(scope="session")
def kg(kg_cache_dir: Path) -> Iterator[KnowledgeGraph]:
    """The real graph (ontology + data), reasoned with the default reasoner. Shared: never change it."""
    graph = load(cache_dir=kg_cache_dir)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def kg_owlrl(kg_cache_dir: Path) -> Iterator[KnowledgeGraph]:
    """The real graph reasoned with owlrl (a few seconds, so once per session). Shared: never change it."""
    graph = load(reasoner="owlrl", cache_dir=kg_cache_dir)
    yield graph
    graph.close()
