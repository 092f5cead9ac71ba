"""Guarded query execution: parse errors with positions, no updates, no network, bindings as terms,
time limits that really stop the query, and a row cap; on rdflib's memory store and on Oxigraph."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import BNode, Dataset, Literal, URIRef, namespace
from rdflib.graph import Graph

from shfz_graph import defaults
from shfz_graph.errors import (
    LoadDenied,
    NetworkAccessDenied,
    ParameterError,
    QuerySyntaxError,
    QueryTimeout,
    ShfzError,
    UpdateDenied,
)
from shfz_graph.query import guard
from shfz_graph.query.engine import run
from shfz_graph.query.guard import check

# rdflib's own evaluator calls its deprecated Dataset.contexts/default_context for GRAPH and DESCRIBE
pytestmark = pytest.mark.filterwarnings("ignore:Dataset\\.\\w+ is deprecated:DeprecationWarning")

SHFZ = "https://w3id.org/shfz/ontology#"
ID = "https://w3id.org/shfz/id/"
ZONES = URIRef("https://w3id.org/shfz/graph/zones")
HUANGPU = URIRef(ID + "zone/huangpu")
HONGKOU = URIRef(ID + "zone/hongkou")
MINHANG = URIRef(ID + "zone/minhang")
AI = URIRef(ID + "sector/artificial-intelligence")
HOSTILE = '" } ; DROP ALL ; #'
PREFIXES = f"PREFIX shfz: <{SHFZ}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def make_dataset(store: str) -> Dataset:
    """Three zones in a named graph, one with a hostile label, one with no sector; union default graph."""
    ds = Dataset(store="Oxigraph" if store == "oxigraph" else "default", default_union=True)
    g = ds.graph(ZONES)
    for zone, label, sector in [(HUANGPU, "Huangpu", AI), (HONGKOU, "Hongkou", AI), (MINHANG, HOSTILE, None)]:
        g.add((zone, namespace.RDF.type, URIRef(SHFZ + "Zone")))
        g.add((zone, namespace.RDFS.label, Literal(label, lang="en")))
        if sector is not None:
            g.add((zone, URIRef(SHFZ + "hasFocusSector"), sector))
    return ds


@pytest.fixture(params=["memory", "oxigraph"])
def ds(request: pytest.FixtureRequest) -> Dataset:
    return make_dataset(request.param)


@pytest.fixture
def mem() -> Dataset:
    return make_dataset("memory")


# -- check: syntax ------------------------------------------------------------------------------------


def test_check_returns_the_form() -> None:
    assert check("SELECT * WHERE { ?s ?p ?o }").kind == "SELECT"
    assert check("ASK { ?s ?p ?o }").kind == "ASK"
    assert check("CONSTRUCT WHERE { ?s ?p ?o }").kind == "CONSTRUCT"
    assert check("DESCRIBE <http://example.org/x>").kind == "DESCRIBE"
    assert check("SELECT * WHERE { ?s ?p ?o }").select_star is True
    assert check("SELECT ?s WHERE { ?s ?p ?o }").select_star is False


def test_syntax_error_names_line_and_column() -> None:
    with pytest.raises(QuerySyntaxError) as err:
        check("SELECT * WHERE {\n  ?s ?p \n}")
    assert (err.value.line, err.value.column) == (2, 3)
    assert str(err.value) == "SPARQL syntax error at line 2, column 3: Expected SelectQuery, found '?'"


def test_syntax_error_after_the_pattern() -> None:
    with pytest.raises(QuerySyntaxError) as err:
        check("SELECT ?x WHERE { ?x a <b> } LIMT 5")
    assert str(err.value) == "SPARQL syntax error at line 1, column 30: Expected end of text, found 'LIMT'"


def test_empty_query_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError) as err:
        check("")
    assert str(err.value) == (
        "SPARQL syntax error at line 1, column 1: "
        "Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}"
    )


def test_bad_unicode_escape_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError) as err:
        check('SELECT * WHERE { ?s ?p "\\UFFFFFFFF" }')
    assert str(err.value) == "SPARQL syntax error: Invalid unicode code point: FFFFFFFF"


def test_unknown_prefix_is_located_outside_comments_and_strings() -> None:
    text = '# foo:bar in a comment\nSELECT * WHERE { ?s ?p "foo:x", foo:y }'
    with pytest.raises(QuerySyntaxError) as err:
        check(text)
    assert str(err.value) == (
        "SPARQL syntax error at line 2, column 33: unknown prefix 'foo:' (declare it with PREFIX)"
    )


def test_prefixes_may_be_supplied() -> None:
    assert check("SELECT * WHERE { ?s foo:p ?o }", prefixes={"foo": "http://example.org/"}).kind == "SELECT"


# -- check: updates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "INSERT DATA"),
        ("DELETE DATA { <http://e/a> <http://e/b> <http://e/c> }", "DELETE DATA"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
        ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://e/g>", "DROP"),
        ("CREATE GRAPH <http://e/g>", "CREATE"),
        ("ADD <http://e/g> TO <http://e/h>", "ADD"),
        ("MOVE DEFAULT TO <http://e/h>", "MOVE"),
        ("COPY <http://e/g> TO DEFAULT", "COPY"),
        ("PREFIX e: <http://e/>\nCLEAR DEFAULT ; DROP ALL", "CLEAR, DROP"),
    ],
)
def test_updates_are_refused(text: str, names: str) -> None:
    with pytest.raises(UpdateDenied) as err:
        check(text, allow_network=True)
    assert str(err.value) == f"SPARQL updates are not allowed here ({names})"
    assert not isinstance(err.value, NetworkAccessDenied)


def test_load_is_refused_as_update_and_as_network_access() -> None:
    with pytest.raises(LoadDenied) as err:
        check("LOAD <http://127.0.0.1:9/x.ttl>", allow_network=True)
    assert isinstance(err.value, UpdateDenied) and isinstance(err.value, NetworkAccessDenied)
    assert str(err.value) == "SPARQL updates are not allowed here (LOAD)"


def test_update_refused_before_touching_the_dataset(mem: Dataset) -> None:
    before = len(mem)
    with pytest.raises(UpdateDenied):
        run(mem, "DROP ALL")
    assert len(mem) == before == 8


# -- check: network ------------------------------------------------------------------------------------

SERVICE_PLACES = {
    "top level": "SELECT * WHERE { SERVICE <http://e/q> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <http://e/q> { ?s ?p ?o } }",
    "variable endpoint": "SELECT * WHERE { ?s <http://e/ep> ?ep . SERVICE ?ep { ?s ?p ?o } }",
    "optional": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://e/q> { ?s ?q ?r } } }",
    "union": "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://e/q> { ?s ?p ?o } } }",
    "minus": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://e/q> { ?s ?p ?o } } }",
    "graph": "SELECT * WHERE { GRAPH ?g { SERVICE <http://e/q> { ?s ?p ?o } } }",
    "subquery": "SELECT ?s WHERE { { SELECT ?s WHERE { SERVICE <http://e/q> { ?s ?p ?o } } LIMIT 1 } }",
    "deep subquery": "SELECT * WHERE { { SELECT * WHERE { OPTIONAL { { SELECT * WHERE "
    "{ SERVICE <http://e/q> { ?s ?p ?o } } } } } } }",
    "filter exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://e/q> { ?s ?p ?o } } }",
    "filter not exists": "SELECT * { ?s ?p ?o FILTER NOT EXISTS { SERVICE <http://e/q> { ?s ?p ?o } } }",
    "bind exists": "SELECT * WHERE { ?s ?p ?o BIND(EXISTS { SERVICE <http://e/q> { ?s ?p ?o } } AS ?x) }",
    "having": "SELECT ?s { ?s ?p ?o } GROUP BY ?s HAVING (EXISTS { SERVICE <http://e/q> { ?s ?p ?o } })",
    "ask": "ASK { SERVICE <http://e/q> { ?s ?p ?o } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://e/q> { ?s ?p ?o } }",
    "describe": "DESCRIBE ?s WHERE { SERVICE <http://e/q> { ?s ?p ?o } }",
}


@pytest.mark.parametrize("place", list(SERVICE_PLACES))
def test_service_is_found_anywhere(place: str) -> None:
    with pytest.raises(NetworkAccessDenied) as err:
        check(SERVICE_PLACES[place])
    assert str(err.value).startswith("query would access the network (SERVICE ")
    checked = check(SERVICE_PLACES[place], allow_network=True)
    assert checked.uses_network is True


def test_network_message_lists_what_was_found() -> None:
    text = (
        "SELECT * FROM <http://e/a.ttl> FROM NAMED <http://e/b.ttl> "
        "WHERE { SERVICE <http://e/sparql> { ?s ?p ?o } }"
    )
    with pytest.raises(NetworkAccessDenied) as err:
        check(text)
    assert str(err.value) == (
        "query would access the network (FROM <http://e/a.ttl>; FROM NAMED <http://e/b.ttl>; "
        "SERVICE <http://e/sparql>); network access is not allowed"
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <http://e/a.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://e/a.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK FROM <http://e/a.ttl> { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } FROM <http://e/a.ttl> WHERE { ?s ?p ?o }",
        "DESCRIBE ?s FROM <http://e/a.ttl> WHERE { ?s ?p ?o }",
    ],
)
def test_from_is_refused(text: str) -> None:
    with pytest.raises(NetworkAccessDenied):
        check(text)
    assert check(text, allow_network=True).uses_network is True


def test_words_in_strings_and_comments_are_not_network_access() -> None:
    text = '# SERVICE <http://e/sparql> { }\nSELECT * WHERE { ?s ?p "SERVICE <http://e/sparql> FROM <x>" }'
    assert check(text).uses_network is False


# -- run: results --------------------------------------------------------------------------------------


def test_select(ds: Dataset) -> None:
    text = "SELECT ?zone ?label WHERE { ?zone shfz:hasFocusSector ?s ; rdfs:label ?label } ORDER BY ?label"
    result = run(ds, PREFIXES + text)
    assert result.kind == "SELECT"
    assert result.vars == ["zone", "label"]
    assert result.rows == [
        {"zone": HONGKOU, "label": Literal("Hongkou", lang="en")},
        {"zone": HUANGPU, "label": Literal("Huangpu", lang="en")},
    ]
    assert result.truncated is False


def test_select_star_lists_variables_in_order_of_appearance(ds: Dataset) -> None:
    result = run(ds, PREFIXES + "SELECT * WHERE { ?zone shfz:hasFocusSector ?sector ; rdfs:label ?a }")
    assert result.vars == ["zone", "sector", "a"]


def test_unbound_values_are_none_and_plain_literals_stay_plain(ds: Dataset) -> None:
    result = run(
        ds,
        PREFIXES
        + "SELECT ?zone ?sector ?x WHERE { ?zone a shfz:Zone OPTIONAL { ?zone shfz:hasFocusSector ?sector }"
        ' BIND("x" AS ?x) } ORDER BY ?zone',
    )
    assert result.rows == [
        {"zone": HONGKOU, "sector": AI, "x": Literal("x")},
        {"zone": HUANGPU, "sector": AI, "x": Literal("x")},
        {"zone": MINHANG, "sector": None, "x": Literal("x")},
    ]


def test_ask_construct_describe(ds: Dataset) -> None:
    assert run(ds, PREFIXES + "ASK { ?z shfz:hasFocusSector ?s }").boolean is True
    assert run(ds, PREFIXES + "ASK { ?z shfz:hasFocusSector ?z }").boolean is False
    construct = run(ds, PREFIXES + "CONSTRUCT { ?s a shfz:AIZone } WHERE { ?s shfz:hasFocusSector ?x }")
    assert construct.kind == "CONSTRUCT"
    assert set(construct.graph or ()) == {
        (HONGKOU, namespace.RDF.type, URIRef(SHFZ + "AIZone")),
        (HUANGPU, namespace.RDF.type, URIRef(SHFZ + "AIZone")),
    }
    describe = run(ds, f"DESCRIBE <{HUANGPU}>")
    assert describe.kind == "DESCRIBE"
    assert (HUANGPU, namespace.RDFS.label, Literal("Huangpu", lang="en")) in (describe.graph or Graph())


def test_named_graphs(ds: Dataset) -> None:
    result = run(ds, PREFIXES + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a shfz:Zone } }")
    assert result.rows == [{"g": ZONES}]


def test_row_cap(ds: Dataset) -> None:
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    assert (len(run(ds, text, max_rows=8).rows), run(ds, text, max_rows=8).truncated) == (8, False)
    capped = run(ds, text, max_rows=4)
    assert (len(capped.rows), capped.truncated) == (4, True)
    assert capped.rows == run(ds, text).rows[:4]
    assert (run(ds, text, max_rows=0).rows, run(ds, text, max_rows=0).truncated) == ([], True)


def test_row_cap_on_graphs(ds: Dataset) -> None:
    result = run(ds, "CONSTRUCT WHERE { ?s ?p ?o }", max_rows=5)
    assert (len(result.graph or ()), result.truncated) == (5, True)


def test_bad_limits(mem: Dataset) -> None:
    with pytest.raises(ShfzError, match="max_rows must not be negative"):
        run(mem, "ASK {}", max_rows=-1)
    with pytest.raises(ShfzError, match="timeout must be positive"):
        run(mem, "ASK {}", timeout=0)
    assert run(mem, "ASK {}", timeout=None).boolean is True


# -- run: bindings -------------------------------------------------------------------------------------


def test_iri_binding_restricts_the_query(ds: Dataset) -> None:
    text = PREFIXES + "SELECT ?label WHERE { ?_zone_iri rdfs:label ?label }"
    assert run(ds, text, bindings={"_zone_iri": HUANGPU}).rows == [{"label": Literal("Huangpu", lang="en")}]


def test_projected_binding(ds: Dataset) -> None:
    text = PREFIXES + "SELECT ?_zone_iri ?label WHERE { ?_zone_iri rdfs:label ?label }"
    result = run(ds, text, bindings={"?_zone_iri": HONGKOU})
    assert result.rows == [{"_zone_iri": HONGKOU, "label": Literal("Hongkou", lang="en")}]


def test_a_hostile_string_stays_a_literal(ds: Dataset) -> None:
    # bound as a term, the value is data: it matches the one label equal to it and changes nothing
    text = PREFIXES + "SELECT ?zone WHERE { ?zone rdfs:label ?_label }"
    assert run(ds, text, bindings={"_label": Literal(HOSTILE, lang="en")}).rows == [{"zone": MINHANG}]
    assert run(ds, text, bindings={"_label": Literal(HOSTILE)}).rows == []
    assert len(ds) == 8


def test_bindings_must_be_terms(mem: Dataset) -> None:
    with pytest.raises(ParameterError) as err:
        run(mem, "SELECT * WHERE { ?s ?p ?_x }", bindings={"_x": "text"})  # type: ignore[dict-item]
    assert str(err.value) == "binding for ?_x must be an RDF term, not str"


def test_blank_node_bindings_are_terms_too(mem: Dataset) -> None:
    assert run(mem, "SELECT * WHERE { ?_x ?p ?o }", bindings={"_x": BNode()}).rows == []


# -- run: engines --------------------------------------------------------------------------------------


def test_oxigraph_gets_the_query_string(monkeypatch: pytest.MonkeyPatch) -> None:
    ds = make_dataset("oxigraph")
    seen: list[type] = []
    store_type = type(ds.store)
    original = store_type.query

    def spy(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(type(query))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(store_type, "query", spy)
    assert run(ds, "ASK { ?s ?p ?o }").boolean is True
    run(ds, "SELECT ?_s WHERE { ?_s ?p ?o }", bindings={"_s": HUANGPU})
    assert seen == [str, str]


def oxigraph_with_spy(monkeypatch: pytest.MonkeyPatch) -> tuple[Dataset, list[str]]:
    """An Oxigraph-backed dataset, and the list of query texts its store is handed."""
    ds = make_dataset("oxigraph")
    calls: list[str] = []
    store_type = type(ds.store)
    original = store_type.query

    def spy(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(query)
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(store_type, "query", spy)
    return ds, calls


def test_unprojected_bindings_on_oxigraph_run_on_oxigraph_as_constants(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Oxigraph substitutes only projected variables; the others are written in as checked terms, so the
    # query still runs on Oxigraph's own engine, with the plan of a query written by hand
    ds, calls = oxigraph_with_spy(monkeypatch)
    result = run(ds, PREFIXES + "SELECT ?label WHERE { ?_z rdfs:label ?label }", bindings={"_z": HUANGPU})
    assert result.rows == [{"label": Literal("Huangpu", lang="en")}]
    assert len(calls) == 1 and f"WHERE {{  {HUANGPU.n3()}  rdfs:label ?label }}" in calls[0]


def test_a_binding_where_no_constant_may_stand_becomes_a_values_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ds, calls = oxigraph_with_spy(monkeypatch)
    text = PREFIXES + "SELECT (COUNT(?label) AS ?n) WHERE { ?_z rdfs:label ?label } GROUP BY ?_z"
    result = run(ds, text, bindings={"_z": HUANGPU})
    assert result.rows == [{"n": Literal(1)}]  # `GROUP BY <iri>` is no SPARQL: the VALUES form ran
    assert len(calls) == 1 and f"VALUES (?_z) {{ ({HUANGPU.n3()}) }}" in calls[0]


def test_a_hostile_unprojected_literal_stays_one_literal_on_oxigraph() -> None:
    ds = make_dataset("oxigraph")
    hostile = Literal('" } ; DROP ALL ; #')
    text = PREFIXES + "SELECT ?s WHERE { ?s rdfs:label ?_l }"
    assert run(ds, text, bindings={"_l": hostile}).rows == []
    assert len(ds) == 8  # nothing was dropped
    # the same query with a label the data has finds its one zone: the binding did take part
    assert run(ds, text, bindings={"_l": Literal("Hongkou", lang="en")}).rows == [{"s": HONGKOU}]


# -- run: time limits ----------------------------------------------------------------------------------

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def big(store: str, n: int) -> Dataset:
    ds = Dataset(store="Oxigraph" if store == "oxigraph" else "default", default_union=True)
    g = ds.graph(ZONES)
    for i in range(n):
        g.add((URIRef(f"http://example.org/s{i}"), namespace.RDFS.label, Literal(f"n{i}")))
    return ds


def query_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "shfz-graph-query"]


def test_slow_query_stops_at_the_deadline_on_rdflib() -> None:
    ds = big("memory", 3000)  # 2.7e10 combinations: hours of work
    threads_before = threading.active_count()
    start = time.monotonic()
    with pytest.raises(QueryTimeout) as err:
        run(ds, CARTESIAN, timeout=0.5)
    elapsed = time.monotonic() - start
    assert 0.5 <= elapsed < 2.0
    assert str(err.value) == "query took longer than the time limit of 0.5 s"
    # the evaluation really stopped: nothing is left running, and the dataset is intact and usable
    assert threading.active_count() == threads_before
    assert len(ds) == 3000
    assert all(
        ctx.store is ds.store for _, contexts in ds.store.triples((None, None, None)) for ctx in contexts
    )
    assert run(ds, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == [
        {"n": Literal(3000, datatype=namespace.XSD.integer)}
    ]


def test_deadline_inside_a_filter_is_not_swallowed() -> None:
    ds = big("memory", 3000)
    text = "SELECT ?a WHERE { ?a ?b ?c FILTER NOT EXISTS { ?d ?e ?f . ?g ?h ?i FILTER(?i = ?a) } }"
    start = time.monotonic()
    with pytest.raises(QueryTimeout):
        run(ds, text, timeout=0.3)
    assert time.monotonic() - start < 2.0


@pytest.mark.slow  # waits for the time limit
def test_slow_query_times_out_on_oxigraph_and_its_worker_ends() -> None:
    ds = big("oxigraph", 250)  # about 1.6e7 combinations: a couple of seconds for Oxigraph
    start = time.monotonic()
    with pytest.raises(QueryTimeout):
        run(ds, CARTESIAN, timeout=0.5)
    assert time.monotonic() - start < 2.0
    deadline = time.monotonic() + 60
    while query_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert query_threads() == []


def test_fast_queries_finish_within_the_limit(ds: Dataset) -> None:
    assert run(ds, "ASK { ?s ?p ?o }", timeout=5).boolean is True


# -- no network ---------------------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on loopback that nothing should ever connect to."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def connections(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def test_the_listener_notices_a_connection(listener: socket.socket) -> None:
    # the control for the tests below: a connection attempt is seen
    with socket.create_connection(listener.getsockname(), timeout=2):
        time.sleep(0.05)
    assert connections(listener) == 1


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/q> {{ ?s ?p ?o }} }} }}",
        "SELECT * FROM <http://127.0.0.1:{port}/x.ttl> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <http://127.0.0.1:{port}/x.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "ASK FROM <http://127.0.0.1:{port}/x.ttl> {{ ?s ?p ?o }}",
    ],
)
def test_no_connection_is_made(ds: Dataset, listener: socket.socket, template: str) -> None:
    port = listener.getsockname()[1]
    with pytest.raises(NetworkAccessDenied):
        run(ds, template.format(port=port), timeout=5)
    with pytest.raises(UpdateDenied):
        run(ds, f"LOAD <http://127.0.0.1:{port}/x.ttl>", timeout=5)
    time.sleep(0.1)
    assert connections(listener) == 0


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves a one-triple Turtle file and a one-row SPARQL JSON answer, and counts requests."""

    hits: list[str]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def do_GET(self) -> None:
        self.hits.append(self.path.split("?")[0])
        if self.path.startswith("/x.ttl"):
            body, kind = b"<http://example.org/remote> <http://example.org/p> 1 .\n", "text/turtle"
        else:
            body = (
                b'{"head": {"vars": ["o"]}, "results": {"bindings": '
                b'[{"o": {"type": "literal", "value": "from afar"}}]}}'
            )
            kind = "application/sparql-results+json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[tuple[int, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Handler,), {"hits": hits})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], hits
    httpd.shutdown()
    httpd.server_close()


def test_allowed_network_access_does_reach_out(mem: Dataset, server: tuple[int, list[str]]) -> None:
    # the control for the guard: with permission, rdflib really fetches FROM and calls SERVICE
    port, hits = server
    result = run(
        mem, f"SELECT ?o FROM <http://127.0.0.1:{port}/x.ttl> WHERE {{ ?s ?p ?o }}", allow_network=True
    )
    assert result.rows == [{"o": Literal(1)}]
    result = run(
        mem,
        f"SELECT ?o WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        allow_network=True,
    )
    assert result.rows == [{"o": Literal("from afar")}]
    assert hits == ["/x.ttl", "/sparql"]


def test_guard_stops_the_same_queries(mem: Dataset, server: tuple[int, list[str]]) -> None:
    port, hits = server
    with pytest.raises(NetworkAccessDenied):
        run(mem, f"SELECT ?o FROM <http://127.0.0.1:{port}/x.ttl> WHERE {{ ?s ?p ?o }}")
    with pytest.raises(NetworkAccessDenied):
        run(mem, f"SELECT ?o WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    assert hits == []


def test_module_defaults() -> None:
    assert (defaults.TIMEOUT, defaults.MAX_ROWS) == (10.0, 10000)


def test_parses_are_cached_but_the_network_guard_still_applies() -> None:
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    first = guard.check(text, allow_network=True)
    assert guard.check(text, allow_network=True) is first  # parsed once
    with pytest.raises(NetworkAccessDenied):
        guard.check(text)  # a cached parse never skips the guard


@pytest.mark.slow  # rdflib's engine, many threads
def test_concurrent_in_process_answers_equal_sequential_ones(kg: Any) -> None:
    """Threads share one parsed-query cache entry per text: rdflib's `Expr.eval` keeps the solution it
    evaluates on the expression node, so a shared algebra let FILTERs read other threads' solutions and
    drop rows (3 of 640 answers were missing a row). The cache is per thread now.

    The interpreter switches threads every 0.1 ms here (not every 5 ms): with a shared algebra, 16 runs
    in 8 threads then give several wrong answers each time, where 320 runs at the usual interval gave a
    few, so the race is seen in a second or two instead of half a minute."""
    import sys
    import threading

    from shfz_graph.catalog import get

    names = ["zones-by-area", "zone-districts", "bilingual-labels", "sites-by-type", "located-in"]
    queries = [(name, get(name).text, get(name).bind({})) for name in names]
    expected = {name: run(kg.dataset, text, bindings=b).to_tsv() for name, text, b in queries}
    wrong: list[str] = []
    failed: list[BaseException] = []

    def client(index: int) -> None:
        try:
            for k in range(2):
                name, text, b = queries[(index + k) % len(queries)]
                if run(kg.dataset, text, bindings=b).to_tsv() != expected[name]:
                    wrong.append(name)
        except BaseException as exc:  # an error in a thread must fail the test too
            failed.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failed == []
    assert wrong == []
