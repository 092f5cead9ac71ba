"""The error hierarchy: one class and one message for a bad limit, whichever path checks it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset

from shfz_graph import errors
from shfz_graph.errors import LimitError, ParameterError, ShfzError
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.links import remote
from shfz_graph.query import engine

# Nothing listens here: the limits are checked before any connection is tried.
UNUSED_ENDPOINT = "http://127.0.0.1:9/sparql"


@pytest.fixture(params=["in-process", "isolated"])
def mini_kg(request: pytest.FixtureRequest, mini: Path) -> Iterator[KnowledgeGraph]:
    """The tiny fixture checkout, unreasoned, its queries run each way."""
    graph = load(reason=False, execution=request.param)
    yield graph
    graph.close()


def _paths(kg: KnowledgeGraph) -> dict[str, Callable[..., Any]]:
    return {
        "KnowledgeGraph.query": lambda **limits: kg.query("ASK {}", **limits),
        "engine.run": lambda **limits: engine.run(Dataset(), "ASK {}", **limits),
        "remote.query": lambda **limits: remote.query(UNUSED_ENDPOINT, "ASK {}", retries=0, **limits),
    }


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"max_rows": -1}, "max_rows must not be negative (got -1)"),
        ({"timeout": 0}, "timeout must be positive (got 0)"),
        ({"timeout": -2.5}, "timeout must be positive (got -2.5)"),
    ],
)
def test_a_bad_limit_is_one_error_on_every_path(
    mini_kg: KnowledgeGraph, limits: dict[str, float], message: str
) -> None:
    for path, call in _paths(mini_kg).items():
        with pytest.raises(LimitError) as caught:
            call(**limits)
        assert (path, str(caught.value)) == (path, message)


def test_a_limit_error_is_a_parameter_error_and_a_value_error() -> None:
    assert issubclass(LimitError, ParameterError)
    assert issubclass(LimitError, ShfzError)
    assert issubclass(LimitError, ValueError)


def test_the_checks_pass_good_limits_through() -> None:
    assert errors.check_max_rows(0) == 0
    assert errors.check_timeout(None) is None
    assert errors.check_timeout(0.5, optional=False) == 0.5
    with pytest.raises(LimitError, match=re.escape("timeout must be positive (got None)")):
        errors.check_timeout(None, optional=False)


def test_every_public_error_lives_in_errors() -> None:
    """No other module of the package defines an exception a caller may see (private signals aside)."""
    package = Path(errors.__file__).parent
    pattern = re.compile(r"^class ([A-Za-z]\w*)\((.*)\):", re.MULTILINE)
    defined_elsewhere = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "errors.py":
            continue
        for name, bases in pattern.findall(path.read_text(encoding="utf-8")):
            exceptional = re.search(r"Error|Exception|Warning|Denied|Timeout|Failed|Failure|Problem", bases)
            if exceptional:
                defined_elsewhere.append(f"{path.relative_to(package)}: {name}")
    assert defined_elsewhere == []


def test_the_docstring_draws_every_error() -> None:
    drawn = set(re.findall(r"\+-- (\w+)", errors.__doc__ or ""))
    defined = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type)
        and issubclass(value, BaseException)
        and value.__module__ == errors.__name__
    }
    assert defined <= drawn
