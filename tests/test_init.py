"""The package's top level: cheap to import, with load, KnowledgeGraph and catalog re-exported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import shfz_graph

REPO = Path(__file__).resolve().parent.parent


def test_import_is_cheap_until_something_is_used() -> None:
    script = (
        "import sys, shfz_graph\n"
        "print('rdflib' in sys.modules)\n"
        "shfz_graph.load\n"
        "print('rdflib' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout) == (0, "False\nTrue\n"), done.stderr


def test_the_command_line_parser_is_cheap_to_build() -> None:
    """`shfz-graph --version` or a usage error must not pay for rdflib, pySHACL, SPARQLWrapper..."""
    script = (
        "import sys\n"
        "from shfz_graph import cli\n"
        "cli.build_parser()\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'SPARQLWrapper', 'fastapi') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr


def test_load_and_knowledge_graph_are_re_exported() -> None:
    from shfz_graph.graph import KnowledgeGraph, load

    assert shfz_graph.load is load
    assert shfz_graph.KnowledgeGraph is KnowledgeGraph
    assert set(shfz_graph.__all__) == {"KnowledgeGraph", "__version__", "catalog", "load"}


def test_catalog_is_both_the_function_and_the_module() -> None:
    import shfz_graph.catalog as module
    from shfz_graph import catalog

    assert catalog is module
    assert shfz_graph.catalog() == module.catalog()
    assert catalog.get("total-area").name == "total-area"


def test_unknown_attributes_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = shfz_graph.nope  # type: ignore[attr-defined]
