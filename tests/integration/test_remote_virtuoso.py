"""remote.py against a real OpenLink Virtuoso 7 (Debian's `virtuoso-opensource`), started from the README.

The README's Virtuoso recipe is run as written: its `virtuoso.ini` (with free loopback ports in place of 1111
and 8890, in a throwaway folder) and each of its commands, in order. Then every named query must print, with
`--endpoint`, the very text it prints locally, and both ways of pushing must leave the graphs whole.
Skipped (with the reason shown) when Virtuoso is not installed, except under CI, where that is a failure.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    free_port,
    missing_real_part,
    readme_block,
    stop_process,
    virtuoso_missing,
    w3c_rows,
    wait_for_http,
)
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from shfz_graph import catalog
from shfz_graph.cli import main
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.links import remote
from shfz_graph.literals import answer_term

pytestmark = [
    pytest.mark.virtuoso,
    pytest.mark.filterwarnings("ignore:Dataset\\.\\w+ is deprecated:DeprecationWarning"),
]

README_PORTS = ("127.0.0.1:1111", "127.0.0.1:8890")

#: Runs `shfz-graph ARGS...` in this process: (exit code, stdout, stderr).
CliRunner = Callable[..., tuple[int, str, str]]


def readme_recipe() -> tuple[str, list[str]]:
    """The README's virtuoso.ini and its Virtuoso commands (the ```text block that starts virtuoso-t)."""
    ini = readme_block("ini", "[HTTPServer]")
    block = readme_block("text", "virtuoso-t ")
    return ini, [line.strip() for line in block.splitlines() if line.strip()]


def test_the_recipe_is_in_the_readme() -> None:
    ini, commands = readme_recipe()
    assert all(port in ini for port in README_PORTS)
    assert commands[0] == "virtuoso-t +foreground +configfile virtuoso.ini"
    assert commands[1].startswith("isql-vt 127.0.0.1:1111 ")
    assert [c.split()[:2] for c in commands[2:]] == [
        ["shfz-graph", "push"],
        ["shfz-graph", "push"],
        ["shfz-graph", "query"],
    ]
    assert "--graph-store http://127.0.0.1:8890/sparql-graph-crud" in commands[2]
    assert "--update-endpoint http://127.0.0.1:8890/sparql" in commands[3]


@dataclass
class Virtuoso:
    """A running Virtuoso from the README recipe: its SPARQL endpoint, Graph Store, and the commands (on
    this instance's ports) that are still to run."""

    sparql: str
    graph_store: str
    commands: list[str]
    folder: Path


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """The README's first two commands, as written, in a fresh folder with the README's virtuoso.ini: start
    Virtuoso, grant SPARQL Update to its anonymous user. Stopped (its own process only) at the end."""
    reason = virtuoso_missing()
    if reason:
        missing_real_part(reason)
    ini, commands = readme_recipe()
    sql_port, http_port = free_port(), free_port()

    def on_ports(text: str) -> str:
        return text.replace(README_PORTS[0], f"127.0.0.1:{sql_port}").replace(
            README_PORTS[1], f"127.0.0.1:{http_port}"
        )

    folder = tmp_path_factory.mktemp("virtuoso")
    (folder / "virtuoso.ini").write_text(on_ports(ini), encoding="utf-8")
    commands = [on_ports(c) for c in commands]
    log = folder / "console.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            shlex.split(commands[0]), cwd=folder, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        sparql = f"http://127.0.0.1:{http_port}/sparql"
        wait_for_http(f"{sparql}?query=ASK%7B%7D", process, log, "virtuoso-t", 60)
        grant = subprocess.run(
            shlex.split(commands[1]), cwd=folder, capture_output=True, text=True, timeout=60, check=False
        )
        assert grant.returncode == 0 and "Done." in grant.stdout, grant.stdout + grant.stderr
        yield Virtuoso(sparql, f"http://127.0.0.1:{http_port}/sparql-graph-crud", commands[2:], folder)
    finally:
        stop_process(process)


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kg_cache_dir: Path,
    kg: KnowledgeGraph,
) -> Iterator[CliRunner]:
    """Run `shfz-graph ARGS` in this process (with the session's closure cache): (exit code, out, err)."""
    monkeypatch.setenv("SHFZ_GRAPH_CACHE", str(kg_cache_dir))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run


def test_the_readme_commands_push_and_query(virtuoso: Virtuoso, cli: CliRunner, kg: KnowledgeGraph) -> None:
    run = cli
    counts = {str(kg.graph(name).identifier): n for name, n in kg.counts().items()}
    for command, how in zip(virtuoso.commands[:2], ("Graph Store Protocol", "SPARQL Update"), strict=True):
        code, out, err = run(*shlex.split(command)[1:])
        assert code == 0, err
        assert {tuple(line.split()) for line in out.splitlines()[2:]} == {
            (g, str(n)) for g, n in counts.items()
        }
        assert err.endswith(
            f"shfz-graph: pushed {len(counts)} graphs by the {how}; the counts at {virtuoso.sparql} match\n"
        )
    code, there, err = run(*shlex.split(virtuoso.commands[2])[1:])
    assert (code, err) == (0, "")
    name = shlex.split(virtuoso.commands[2])[2]
    assert run("query", name) == (0, there, "")
    assert "id:zone/baoshan" in there.splitlines()[2] and " 50 " in there.splitlines()[2]


@pytest.fixture(scope="module")
def loaded(virtuoso: Virtuoso, kg: KnowledgeGraph) -> Virtuoso:
    """Virtuoso holding our graphs with their inferences (pushed by its Graph Store endpoint)."""
    report = remote.push(kg, query_endpoint=virtuoso.sparql, graph_store=virtuoso.graph_store, inferred=True)
    assert report.counts == {str(kg.graph(name).identifier): n for name, n in kg.counts().items()}
    return virtuoso


LOCAL_QUERIES = [named.name for named in catalog.catalog() if not named.network]


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_every_named_query_prints_the_same_text_at_virtuoso(
    name: str, loaded: Virtuoso, cli: CliRunner
) -> None:
    run = cli
    local = run("query", name)
    assert local[0] == 0 and local[2] == ""
    assert run("query", name, "--endpoint", loaded.sparql) == local


@pytest.mark.parametrize(
    "argv",
    [
        ("zones-larger-than", "-p", "minarea=45.5"),
        ("zones-by-sector", "-p", "sector=https://w3id.org/shfz/id/sector/international-trade"),
        ("zone-sites", "-p", "zone=https://w3id.org/shfz/id/zone/minhang"),
        ("bilingual-labels", "-p", "lang=zh"),
        ("total-area", "--format", "csv"),
        ("zones-by-area", "--format", "md"),
    ],
)
def test_parameters_and_formats_print_the_same_text_at_virtuoso(
    argv: tuple[str, ...], loaded: Virtuoso, cli: CliRunner
) -> None:
    run = cli
    local = run("query", *argv)
    assert local[0] == 0 and local[1]
    assert run("query", *argv, "--endpoint", loaded.sparql) == local


def test_the_w3c_formats_give_the_same_results_at_virtuoso(loaded: Virtuoso, cli: CliRunner) -> None:
    """JSON and TSV: locally Oxigraph's writer spells them, remotely ours; the results are the same."""
    run = cli
    for fmt in ("json", "tsv"):
        code, local, _ = run("query", "zones-by-area", "--format", fmt)
        assert code == 0
        code, there, _ = run("query", "zones-by-area", "--format", fmt, "--endpoint", loaded.sparql)
        assert code == 0
        assert w3c_rows(there, fmt) == w3c_rows(local, fmt) and len(w3c_rows(local, fmt)) == 9


def test_computed_booleans_and_decimals_come_back_typed(loaded: Virtuoso, cli: CliRunner) -> None:
    run = cli
    code, out, _ = run("query", "total-area", "--format", "csv", "--endpoint", loaded.sparql)
    assert (code, out) == (0, "totalArea,zones,approximate\r\n266.7,9,true\r\n")


def graph_at(virtuoso: Virtuoso, iri: str) -> Graph:
    """A named graph as Virtuoso holds it (a CONSTRUCT at its SPARQL endpoint)."""
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {URIRef(iri).n3()} {{ ?s ?p ?o }} }}"
    result = remote.query(virtuoso.sparql, text, max_rows=100_000)
    assert result.graph is not None
    return result.graph


def canonical_graph(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        out.add((s, p, answer_term(o)))
    return out


@pytest.mark.parametrize("how", ["update", "graph-store"])
def test_both_pushes_keep_blank_nodes_and_literals_whole(
    how: str, virtuoso: Virtuoso, kg: KnowledgeGraph
) -> None:
    target = (
        {"update_endpoint": virtuoso.sparql} if how == "update" else {"graph_store": virtuoso.graph_store}
    )
    report = remote.push(kg, query_endpoint=virtuoso.sparql, batch_size=50, **target)  # type: ignore[arg-type]
    assert report.method == how
    for name in ("ontology", "zones"):
        ours = kg.graph(name)
        assert isomorphic(canonical_graph(graph_at(virtuoso, str(ours.identifier))), canonical_graph(ours)), (
            name
        )
    prefix = remote.TEMPORARY_GRAPH_PREFIX
    text = f'SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
    assert remote.query(virtuoso.sparql, text).rows == []  # no temporary graph left behind
