"""The web server as a real process (`python -m shfz_graph serve` on a free loopback port), used by real
clients: SPARQLWrapper, curl and plain HTTP."""

from __future__ import annotations

import csv
import io
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import LiveServer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from SPARQLWrapper import CSV, JSON, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

DISTRICTS = (
    "PREFIX shfz: <https://w3id.org/shfz/ontology#> SELECT ?d WHERE { ?d a shfz:District } ORDER BY ?d"
)
HUANGPU = "https://w3id.org/shfz/id/zone/huangpu"
CONSTRUCT = f"CONSTRUCT WHERE {{ <{HUANGPU}> ?p ?o }}"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
EXPECTED = [
    f"https://w3id.org/shfz/id/district/{name}"
    for name in (
        "baoshan",
        "changning",
        "hongkou",
        "huangpu",
        "jiading",
        "jingan",
        "jinshan",
        "minhang",
        "pudong",
        "putuo",
        "qingpu",
        "xuhui",
        "yangpu",
    )
]
HUANGPU_LABEL = (URIRef(HUANGPU), RDFS.label, Literal("Huangpu linked innovation zone", lang="en"))


def wrapper(server: LiveServer, query: str, fmt: str, *, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setTimeout(30)
    if method == "post":
        client.setMethod(POST)
    elif method == "post-directly":
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    return client


def fetch(
    url: str, *, accept: str | None = None, data: bytes | None = None, headers: dict[str, str] | None = None
):
    request = urllib.request.Request(
        url, data=data, headers={**({"Accept": accept} if accept else {}), **(headers or {})}
    )
    try:
        return urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as exc:
        return exc


@pytest.mark.parametrize("method", [None, "post", "post-directly"])
def test_sparqlwrapper_select_json(live_server: LiveServer, method: str | None) -> None:
    result = wrapper(live_server, DISTRICTS, JSON, method=method).queryAndConvert()
    assert [b["d"]["value"] for b in result["results"]["bindings"]] == EXPECTED  # type: ignore[index]


@pytest.mark.parametrize("method", [None, "post"])
def test_sparqlwrapper_select_xml_csv_tsv(live_server: LiveServer, method: str | None) -> None:
    xml = wrapper(live_server, DISTRICTS, XML, method=method).query()
    assert xml.response.headers["Content-Type"] == "application/sparql-results+xml"
    document = xml.convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == EXPECTED
    as_csv = wrapper(live_server, DISTRICTS, CSV, method=method).queryAndConvert()
    assert list(csv.reader(io.StringIO(as_csv.decode()))) == [["d"], *([e] for e in EXPECTED)]  # type: ignore[union-attr]
    as_tsv = wrapper(live_server, DISTRICTS, TSV, method=method).queryAndConvert()
    assert as_tsv.decode().splitlines() == ["?d", *(f"<{e}>" for e in EXPECTED)]  # type: ignore[union-attr]


def test_sparqlwrapper_ask(live_server: LiveServer) -> None:
    assert wrapper(live_server, f"ASK {{ <{HUANGPU}> ?p ?o }}", JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]
    document = wrapper(live_server, "ASK { <urn:x:nothing> ?p ?o }", XML).query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "false"  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", [TURTLE, XML, RDFXML, N3, "json-ld"])
def test_sparqlwrapper_construct(live_server: LiveServer, fmt: str) -> None:
    result = wrapper(live_server, CONSTRUCT, fmt).query()
    converted = result.convert()
    if isinstance(converted, Graph):
        graph = converted
    else:
        graph = Graph()
        graph.parse(data=converted, format="turtle")  # type: ignore[arg-type]
    assert HUANGPU_LABEL in graph
    assert len(graph) > 10


def test_sparqlwrapper_bad_query_and_update_are_refused(live_server: LiveServer) -> None:
    with pytest.raises(QueryBadFormed):
        wrapper(live_server, "SELECT * WHERE { ?s ?p }", JSON).query()
    update = SPARQLWrapper(live_server.url + "/sparql")
    update.setMethod(POST)
    update.setQuery("INSERT DATA { <urn:a:b> <urn:a:b> <urn:a:b> }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        update.query()
    assert refused.value.code == 403
    still = wrapper(live_server, "ASK { <urn:a:b> ?p ?o }", JSON).queryAndConvert()
    assert still["boolean"] is False  # type: ignore[index]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl(live_server: LiveServer) -> None:
    def curl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["curl", "-sS", "--max-time", "30", *args], capture_output=True, text=True, check=True
        )

    got = curl(
        "-H", "Accept: text/csv", "--data-urlencode", f"query={DISTRICTS}", live_server.url + "/sparql"
    )
    assert got.stdout.splitlines() == ["d", *EXPECTED]
    direct = curl(
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        "Accept: application/sparql-results+json",
        "--data-binary",
        DISTRICTS,
        live_server.url + "/sparql",
    )
    assert '"head":{"vars":["d"]}' in direct.stdout
    turtle = curl("-H", "Accept: text/turtle", live_server.url + "/id/zone/huangpu")
    graph = Graph().parse(data=turtle.stdout, format="turtle")
    assert HUANGPU_LABEL in graph
    head = curl("-I", live_server.url + "/id/zone/huangpu.jsonld")
    assert "content-type: application/ld+json" in head.stdout.lower()
    status = curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", live_server.url + "/sparql")
    assert status.stdout == "405"


def test_yasgui_style_cross_origin_post(live_server: LiveServer) -> None:
    body = ("query=" + quote(DISTRICTS, safe="")).encode()
    response = fetch(
        live_server.url + "/sparql",
        data=body,
        accept="application/sparql-results+json,*/*;q=0.9",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://yasgui.example"},
    )
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers.get("Access-Control-Allow-Credentials") is None


def test_pages_and_iris_on_the_real_server(live_server: LiveServer) -> None:
    home = fetch(live_server.url + "/", accept="text/html")
    assert home.status == 200
    assert b"Shanghai Pilot Free Trade Zone knowledge graph" in home.read()
    page = fetch(live_server.url + "/id/zone/huangpu", accept="text/html")
    assert page.headers["Vary"].startswith("Accept")
    missing = fetch(live_server.url + "/id/zone/nowhere", accept="text/html")
    assert missing.status == 404
    void = fetch(live_server.url + "/.well-known/void", accept="text/turtle")
    assert f"void:sparqlEndpoint <{live_server.url}/sparql>".encode() in void.read()


def test_guard_on_the_real_server_never_connects(live_server: LiveServer) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(0.5)
        target = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        for query in (
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
            f"LOAD <{target}>",
        ):
            response = fetch(live_server.url + "/sparql?query=" + quote(query, safe=""))
            assert response.status == 403
        with pytest.raises(TimeoutError):
            listener.accept()


def test_timeout_on_the_real_server_while_others_are_served(live_server: LiveServer) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        response = fetch(live_server.url + "/sparql?query=" + quote(SLOW, safe=""))
        outcome["status"] = response.status
        outcome["body"] = response.read().decode()
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.3)
    started = time.monotonic()
    fast = fetch(live_server.url + "/sparql?query=" + quote(DISTRICTS, safe=""))
    fast_seconds = time.monotonic() - started
    still_running = worker.is_alive()
    others = [fetch(live_server.url + "/id/zone/huangpu", accept="text/turtle").status for _ in range(3)]
    worker.join(timeout=30)
    assert fast.status == 200
    assert still_running, "the slow query should still have been running"
    assert fast_seconds < 1.5  # served while the slow query ran (its limit is 2 s)
    assert others == [200, 200, 200]
    assert outcome["status"] == 503
    assert "time limit of 2 s" in outcome["body"]  # type: ignore[operator]
    assert 2.0 <= outcome["seconds"] < 10.0  # type: ignore[operator]


README = Path(__file__).resolve().parent.parent.parent / "README.md"


def test_the_readme_sparqlwrapper_example_counts_the_zones_on_a_live_server(live_server: LiveServer) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (block,) = [b for b in blocks if "SPARQLWrapper" in b]
    namespace: dict[str, Any] = {}
    exec(compile(block, str(README), "exec"), namespace)
    assert namespace["zone_count"](f"{live_server.url}/sparql") == 16  # 7 of the first batch, 9 of the second
