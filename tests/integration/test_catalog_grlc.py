"""The queries/ folder served by a real grlc (PyPI, local-files mode), unchanged, against `shfz-graph serve`.

grlc is the judge of the grlc/BASIL convention that `catalog` follows: it must list every query with its
summary, its parameters and their defaults, and each of its answers must be `shfz-graph query`'s answer.
grlc 1.3 uses `#+ defaults` only to fill in its API page and refuses a call that leaves out a required
parameter, so every parameter is given (its default, and other values for some).
"""

from __future__ import annotations

import json
import shlex
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import GrlcServer, grlc_command, missing_real_part
from rdflib import Graph
from rdflib.compare import isomorphic

from shfz_graph import catalog
from shfz_graph.cli import main
from shfz_graph.query.results import GRAPH_KINDS

pytestmark = pytest.mark.grlc

QUERIES = catalog.catalog()
LOCAL = [q for q in QUERIES if not q.network]
NETWORK = [q for q in QUERIES if q.network]


def get(url: str, accept: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8", "replace")


def call(grlc: GrlcServer, name: str, params: dict[str, str], accept: str) -> tuple[int, str, str]:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    return get(f"{grlc.url}/api-local/{name}{query}", accept)


def shfz_graph_query(capsys: pytest.CaptureFixture[str], name: str, params: dict[str, str], fmt: str) -> str:
    argv = ["query", name, "--format", fmt]
    for key, value in params.items():
        argv += ["-p", f"{key}={value}"]
    code = main(argv)
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, ""), captured.err
    return captured.out


def test_the_readme_call(grlc_server: GrlcServer, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's curl line, made with urllib: its Accept header and its URL, as written."""
    args = shlex.split(grlc_server.readme_call)
    assert args[:2] == ["curl", "-H"] and len(args) == 4
    header, url = args[2], args[3]
    assert header == "Accept: text/csv" and url.startswith(grlc_server.url)
    status, kind, body = get(url, header.split(": ", 1)[1])
    assert (status, kind) == (200, "text/csv; charset=utf-8")
    assert body == shfz_graph_query(capsys, "zones-larger-than", {"minarea": "40"}, "csv")
    assert [line.split(",")[0] for line in body.splitlines()[1:]] == [
        "https://w3id.org/shfz/id/zone/baoshan",
        "https://w3id.org/shfz/id/zone/jiading",
        "https://w3id.org/shfz/id/zone/minhang",
        "https://w3id.org/shfz/id/zone/xuhui",
    ]


def test_grlc_reads_every_header_as_the_catalog_does() -> None:
    """grlc reads a header as YAML and, where that fails, silently serves the query with no summary, no
    description and no tags: a plain value with ': ' inside is such a failure, so every header must be YAML
    that gives the catalog's own fields."""
    if grlc_command() is None:
        missing_real_part("grlc is not installed (pip install -e '.[test]' brings it)")
    from grlc.gquery import get_yaml_decorators

    for q in QUERIES:
        read = get_yaml_decorators(q.text)
        assert (read.get("summary"), read.get("description", ""), read.get("tags", [])) == (
            q.summary,
            q.description,
            list(q.tags),
        ), q.name


def test_grlc_lists_every_query_with_its_summary_parameters_and_defaults(grlc_server: GrlcServer) -> None:
    status, _, body = get(f"{grlc_server.url}/api-local/swagger", "application/json")
    assert status == 200
    paths = json.loads(body)["paths"]
    assert sorted(paths) == sorted(f"/{q.name}" for q in QUERIES)
    for q in QUERIES:
        operation = paths[f"/{q.name}"]["get"]
        assert operation["summary"] == q.summary, q.name
        listed = {
            p["name"]: (p.get("required", False), p.get("format"), str(p.get("default")))
            for p in operation["parameters"]
            if p["name"] != "endpoint"
        }
        expected = {
            p.name: (p.required, "iri" if p.kind == "iri" else None, str(p.default)) for p in q.parameters
        }
        assert listed == expected, q.name
    assert paths["/zones-larger-than"]["get"]["parameters"][-1]["name"] == "minarea"


def cases() -> list[tuple[str, dict[str, str]]]:
    """Every local query with each parameter at its default, and some with other values."""
    out = [(q.name, {p.name: str(p.default) for p in q.parameters}) for q in LOCAL]
    out += [
        ("zones-larger-than", {"minarea": "45.5"}),
        ("zones-by-sector", {"sector": "https://w3id.org/shfz/id/sector/international-trade"}),
        ("bilingual-labels", {"lang": "zh"}),
        ("zone-sites", {"zone": "https://w3id.org/shfz/id/zone/minhang"}),
    ]
    return out


def test_every_query_has_a_default_for_each_parameter() -> None:
    assert all(p.default is not None for q in QUERIES for p in q.parameters)
    assert len(cases()) == len(LOCAL) + 4


@pytest.mark.parametrize(("name", "params"), cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_grlc_answer_is_shfz_graph_querys(
    name: str, params: dict[str, str], grlc_server: GrlcServer, capsys: pytest.CaptureFixture[str]
) -> None:
    construct = catalog.get(name).text.upper().count("CONSTRUCT") > 0
    if construct:
        status, kind, body = call(grlc_server, name, params, "text/turtle")
        assert (status, kind.split(";")[0]) == (200, "text/turtle"), body
        ours = shfz_graph_query(capsys, name, params, "turtle")
        there = Graph().parse(data=body, format="turtle")
        assert len(there) > 0
        assert isomorphic(there, Graph().parse(data=ours, format="turtle"))
    else:
        status, kind, body = call(grlc_server, name, params, "text/csv")
        assert (status, kind.split(";")[0]) == (200, "text/csv"), body
        assert body == shfz_graph_query(capsys, name, params, "csv")
        assert body.count("\n") >= 2  # a header and at least one row


def test_a_federated_query_is_refused_by_our_endpoint_and_grlc_passes_that_on(
    grlc_server: GrlcServer,
) -> None:
    """Our endpoint refuses SERVICE (403); grlc 1.3 relays the message with its own status 200."""
    for q in NETWORK:
        status, _, body = call(grlc_server, q.name, {}, "text/csv")
        assert status == 200
        assert body.startswith("query would access the network (SERVICE <"), body
        assert body.rstrip().endswith("network access is not allowed")


def test_grlc_refuses_a_call_without_its_required_parameter(grlc_server: GrlcServer) -> None:
    status, _, _ = call(grlc_server, "zones-larger-than", {}, "text/csv")
    assert status == 500


def test_graph_kinds_are_what_the_construct_check_assumes() -> None:
    kinds = {q.name for q in LOCAL if q.text.upper().count("CONSTRUCT")}
    assert kinds == {"zone-description"} and "CONSTRUCT" in GRAPH_KINDS
