"""Remote SPARQL 1.1 endpoints: queries through SPARQLWrapper, graphs pushed with the Graph Store Protocol.

Everything here speaks the W3C standards only, so it works with any store (Oxigraph server, Jena Fuseki,
Virtuoso, GraphDB, Neptune, QLever):

- `query(endpoint, text, ...)` sends a query with the SPARQL 1.1 Protocol and returns the same
  :class:`~shfz_graph.query.results.Result` as a local query. Parameters cannot travel as rdflib's
  `initBindings`, so each bound term is serialised (and checked) into a `VALUES` block at the top of the
  query's WHERE
  group: the same semantics as pre-binding for every variable used in the main pattern, its FILTERs, its
  OPTIONALs and its template; a raw user string never reaches the query text. Every literal of the answer
  goes through `literals.answer_term`, so a store's own spelling of numbers, booleans and language tags
  prints as it does locally.
- `push(kg, ...)` replaces each named graph in a store, each replacement atomic: with the Graph Store HTTP
  Protocol (`PUT ?graph=IRI`, one request), or, where there is only an update endpoint, by loading a
  temporary graph in batches, counting it, then `MOVE`-ing it onto the graph in one update request. A
  failure leaves the graph as it was and says which graphs were replaced and which were not; afterwards
  every graph's triples are counted remotely and a difference is an error.
- `rewrite_services(text, service_map)` points `SERVICE` clauses at other endpoints (a local stand-in
  for Wikidata in tests, a mirror in production).

HTTP: a `User-Agent` naming the project and its version; a time limit per connection and per read;
retries with exponential backoff on 429/502/503/504 that honour `Retry-After`; optional basic or bearer
authentication from `$SHFZ_GRAPH_AUTH` (`basic:USER:PASSWORD` or `bearer:TOKEN`), never from the command
line. A refused connection, a timeout, an HTTP error or a malformed answer is a one-line `RemoteError`.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from shfz_graph import defaults, formats
from shfz_graph.errors import (
    AttemptFailed,
    ParameterError,
    QuerySyntaxError,
    RemoteError,
    RemoteTimeout,
    check_max_rows,
    check_timeout,
)
from shfz_graph.iris import check_iri
from shfz_graph.links.httpclient import (
    AUTH_ENV,
    USER_AGENT,
    Auth,
    as_failure,
    auth_from_env,
    check_url,
    detail,
    parse_auth,
    request,
    resolve_auth,
    with_retries,
)
from shfz_graph.links.ntriples import batches, ntriples
from shfz_graph.links.services import rewrite_services
from shfz_graph.literals import answer_term
from shfz_graph.progress import progress
from shfz_graph.query.binding import bind_constants, bind_values, sparql_term
from shfz_graph.query.results import Result, read_json

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph

__all__ = [
    "AUTH_ENV",
    "USER_AGENT",
    "WIKIDATA_SPARQL",
    "Auth",
    "RemoteTimeout",
    "auth_from_env",
    "bind_values",
    "count_triples",
    "parse_auth",
    "push",
    "query",
    "rewrite_services",
    "sparql_term",
]

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
DEFAULT_BATCH = 5_000
_GET_LIMIT = 2000  # longer queries are POSTed (URL-encoded form)

# The formats of RDF answers to CONSTRUCT / DESCRIBE that we parse (JSON-LD is left out: rdflib's parser
# fetches remote contexts; N3 is more than any store sends).
_RDF_ANSWER_FORMATS = ("turtle", "nt", "xml")
# N-Triples first: every term spelled out (Virtuoso 7's Turtle writes xsd:decimal 50 as `50`, an integer).
_NT, _TURTLE, _RDF_XML = (formats.get(formats.RDF, name) for name in ("nt", "turtle", "xml"))
_RDF_ACCEPT = f"{_NT.media_type}, {_TURTLE.media_type};q=0.9, {_RDF_XML.media_type};q=0.5"
_RESULTS_ACCEPT = formats.get(formats.RESULTS, "json").media_type


# -- queries --------------------------------------------------------------------------------------------


def query(
    endpoint: str,
    text: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    timeout: float = defaults.REMOTE_TIMEOUT,
    retries: int = defaults.REMOTE_RETRIES,
    auth: Auth | str | None = None,
    allow_network: bool = False,
    service_map: Mapping[str, str] | None = None,
    max_rows: int = defaults.MAX_ROWS,
) -> Result:
    """Run a query at a SPARQL 1.1 endpoint and return its `Result` (as a local query would).

    `bindings` (variable name -> IRI or literal) are written into the text as checked terms where a
    constant can stand (a variable the query does not project), as a local query binds them, else sent as
    a VALUES block (a VALUES block at the top is not seen inside an OPTIONAL's own FILTER at every
    store); `service_map` rewrites SERVICE IRIs first. The final text is checked like a local query: it
    must parse, must not be an update, and may use SERVICE / FROM only with `allow_network=True`. `auth`:
    an :class:`Auth`, a `basic:...`/`bearer:...` string, or None for `$SHFZ_GRAPH_AUTH`. `timeout` is per
    connection and per read, in seconds; `retries` is how many times a 429/502/503/504 answer is retried.
    """
    from shfz_graph.query import guard

    check_url(endpoint, "endpoint")
    check_timeout(timeout, optional=False)
    check_max_rows(max_rows)
    credentials = resolve_auth(auth)
    if service_map:
        text = rewrite_services(text, service_map)
    text = _bound(text, bindings, allow_network=allow_network)
    checked = guard.check(text, allow_network=allow_network)
    kind = checked.kind
    what = "remote query"

    def attempt() -> tuple[bytes, str]:
        wrapper = _wrapper(endpoint, text, kind, timeout, credentials)
        try:
            response = wrapper.query().response
            body = response.read()
            content_type = response.headers.get("Content-Type", "") or ""
        except Exception as exc:
            raise as_failure(exc, what, endpoint, timeout) from None
        return body, content_type

    body, content_type = with_retries(attempt, what=what, url=endpoint, timeout=timeout, retries=retries)
    if kind in ("CONSTRUCT", "DESCRIBE"):
        parsed = _parse_graph(body, content_type, endpoint)
        graph = Graph()
        for s, p, o in parsed:
            graph.add((s, p, answer_term(o)))
        return Result.from_graph(kind, graph, max_triples=max_rows)
    return _parse_results(body, kind, endpoint, max_rows)


def _wrapper(endpoint: str, text: str, kind: str, timeout: float, auth: Auth | None) -> Any:
    """A SPARQLWrapper set up for one query: content negotiation only, GET or (long queries) POST."""
    from SPARQLWrapper import GET, JSON, POST, TURTLE, SPARQLWrapper

    wrapper = SPARQLWrapper(endpoint, agent=USER_AGENT)
    wrapper.setQuery(text)
    wrapper.queryType = kind  # we parsed it; SPARQLWrapper's regex could be fooled by a string
    wrapper.setOnlyConneg(True)  # SPARQL 1.1 content negotiation, no non-standard format= parameters
    graph_result = kind in ("CONSTRUCT", "DESCRIBE")
    wrapper.setReturnFormat(TURTLE if graph_result else JSON)
    wrapper.addCustomHttpHeader("Accept", _RDF_ACCEPT if graph_result else _RESULTS_ACCEPT)
    long_query = len(urllib.parse.quote_plus(text)) > _GET_LIMIT
    wrapper.setMethod(POST if long_query else GET)
    wrapper.timeout = timeout  # type: ignore[assignment]  # setTimeout would round down to whole seconds
    if auth is not None:
        wrapper.addCustomHttpHeader("Authorization", auth.header())
    return wrapper


def _bound(text: str, bindings: Mapping[str, Node] | None, *, allow_network: bool) -> str:
    """The query with its bindings: constants in place of the variables it does not project (checked to
    parse), the projected ones in a VALUES block; all in a VALUES block where constants cannot stand."""
    from shfz_graph.query import guard

    if not bindings:
        return text
    names = {name.lstrip("?$"): term for name, term in bindings.items()}
    checked = guard.check(text, allow_network=allow_network)
    projected = {str(v) for v in checked.query.algebra.get("PV") or ()} if checked.kind == "SELECT" else set()
    written = {name: term for name, term in names.items() if name not in projected}
    kept = {name: term for name, term in names.items() if name in projected}
    try:
        candidate = bind_values(bind_constants(text, written), kept) if written else text
        guard.check(candidate, allow_network=allow_network)
    except (QuerySyntaxError, ParameterError):
        return bind_values(text, bindings)
    return candidate if written else bind_values(text, bindings)


def _malformed(endpoint: str, problem: str) -> RemoteError:
    return RemoteError(f"remote query: {endpoint} sent a malformed answer: {problem}")


def _parse_results(body: bytes, kind: str, endpoint: str, max_rows: int) -> Result:
    """SPARQL 1.1 Query Results JSON -> Result (`results.read_json`); anything unexpected is a RemoteError."""
    try:
        return read_json(body, kind, max_rows=max_rows, spell=answer_term)
    except ValueError as exc:
        raise _malformed(endpoint, detail(str(exc))) from None


def _parse_graph(body: bytes, content_type: str, endpoint: str) -> Graph:
    """An RDF answer (Turtle, N-Triples or RDF/XML) -> Graph."""
    media = content_type.split(";")[0].strip().lower()
    found = formats.by_media_type(formats.RDF, media) if media else _TURTLE
    if found is None or found.name not in _RDF_ANSWER_FORMATS or found.rdflib is None:
        raise _malformed(endpoint, f"unexpected media type {media!r} for a graph")
    fmt = found.rdflib
    graph = Graph()
    try:
        graph.parse(data=body, format=fmt)
    except Exception as exc:  # rdflib's parsers raise many kinds
        raise _malformed(endpoint, f"the {fmt} does not parse ({detail(str(exc))})") from None
    return graph


def count_triples(
    endpoint: str,
    graph: str,
    *,
    timeout: float = defaults.REMOTE_TIMEOUT,
    retries: int = defaults.REMOTE_RETRIES,
    auth: Auth | str | None = None,
) -> int:
    """Number of triples the endpoint holds in named graph `graph`."""
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }} }}"
    result = query(endpoint, text, timeout=timeout, retries=retries, auth=auth)
    value = result.rows[0].get("n") if len(result.rows) == 1 else None
    try:
        return int(str(value)) if isinstance(value, Literal) else _bad_count(endpoint, value)
    except ValueError:
        return _bad_count(endpoint, value)


def _bad_count(endpoint: str, value: object) -> int:
    raise _malformed(endpoint, f"a triple count that is not a number: {value!r}")


# -- push -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushReport:
    """What `push` did: the method used and the number of triples per graph IRI (equal on both sides)."""

    method: str  # "graph-store" | "update"
    counts: dict[str, int]


def push(
    kg: KnowledgeGraph,
    *,
    query_endpoint: str,
    graph_store: str | None = None,
    update_endpoint: str | None = None,
    inferred: bool = False,
    timeout: float = defaults.REMOTE_TIMEOUT,
    retries: int = defaults.REMOTE_RETRIES,
    auth: Auth | str | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress_stream: TextIO | None = None,
) -> PushReport:
    """Load each named graph of `kg` into a store, replacing what it held, then check the counts remotely.

    Each graph's replacement is atomic. With `graph_store` (the Graph Store Protocol URL, e.g. Oxigraph's
    `/store`, Virtuoso's `/sparql-graph-crud`) a graph is sent in one `PUT ?graph=IRI` as Turtle. Otherwise
    `update_endpoint` gets the graph in batches of `batch_size` triples into a temporary graph
    (`urn:shfz-graph:push:...`; a blank node's triples stay in one batch, sent as `INSERT { ... } WHERE {}`,
    which every store accepts with blank nodes), the temporary graph is counted at `query_endpoint`, and one
    `MOVE` puts it in place of the graph. If a step fails, the graph keeps its old triples, the temporary
    graph is dropped, and the RemoteError names the graphs replaced so far and those not replaced.
    The `inferred` graph is pushed only with `inferred=True`. Afterwards each graph's triples are counted
    at `query_endpoint`; a difference is a RemoteError naming the graph and both counts.
    `progress_stream`: where to draw a progress bar over the graphs (only if it is a terminal).
    """
    check_url(query_endpoint, "query endpoint")
    if graph_store is not None:
        check_url(graph_store, "graph store")
    elif update_endpoint is not None:
        check_url(update_endpoint, "update endpoint")
    else:
        raise ParameterError("push needs a graph store URL or an update endpoint URL")
    if batch_size <= 0:
        raise ParameterError("batch_size must be positive")
    credentials = resolve_auth(auth)
    graphs = [(name, kg.graph(name)) for name in kg.names if inferred or name != "inferred"]
    for _, graph in graphs:
        check_iri(str(graph.identifier), "graph")
    counts: dict[str, int] = {}
    silent = io.StringIO()
    for _, graph in progress(
        graphs, "push", stream=progress_stream if progress_stream is not None else silent
    ):
        iri = str(graph.identifier)
        try:
            if graph_store is not None:
                _put_graph(graph_store, iri, graph, credentials, timeout, retries)
            else:
                assert update_endpoint is not None
                loader = _Loader(update_endpoint, query_endpoint, credentials, timeout, retries, batch_size)
                loader.replace(iri, graph)
        except RemoteError as exc:
            rest = [str(g.identifier) for _, g in graphs][len(counts) + 1 :]
            timed_out = isinstance(exc, RemoteTimeout)
            raise type(exc)(_partial_push(iri, str(exc), list(counts), rest, timed_out)) from None
        counts[iri] = len(graph)
    _check_counts(query_endpoint, counts, timeout=timeout, retries=retries, auth=credentials)
    return PushReport("graph-store" if graph_store is not None else "update", counts)


def _check_counts(
    query_endpoint: str, counts: Mapping[str, int], *, timeout: float, retries: int, auth: Auth | None
) -> None:
    """After a push: each graph holds as many triples at the endpoint as here (a RemoteError if not)."""
    for iri, local in counts.items():
        remote = count_triples(query_endpoint, iri, timeout=timeout, retries=retries, auth=auth)
        if remote != local:
            raise RemoteError(
                f"push: graph <{iri}> holds {remote} triples at {query_endpoint} but {local} here"
            )


def _partial_push(iri: str, cause: str, done: list[str], rest: list[str], timed_out: bool) -> str:
    """The message of a push that failed at graph `iri`: the cause, and what was and wasn't written.

    After a timeout the store may still finish the replacement it was given, so that is said instead."""

    def listed(iris: list[str]) -> str:
        return ", ".join(f"<{i}>" for i in iris) if iris else "none"

    state = (
        "was replaced either whole or not at all (the store may still be working on it)"
        if timed_out
        else "was not replaced and holds what it held before"
    )
    return f"{cause}; <{iri}> {state}; graphs replaced: {listed(done)}; graphs not pushed: {listed(rest)}"


def _graph_url(store: str, iri: str) -> str:
    joiner = "&" if urllib.parse.urlsplit(store).query else "?"
    return f"{store}{joiner}graph={urllib.parse.quote(iri, safe='')}"


def _put_graph(store: str, iri: str, graph: Graph, auth: Auth | None, timeout: float, retries: int) -> None:
    """Graph Store Protocol PUT: N-Triples (which is also Turtle) sent as text/turtle, understood by all."""
    data = ntriples(graph).encode("utf-8")
    url = _graph_url(store, iri)
    what = f"push of <{iri}>"

    def attempt() -> None:
        status, _ = request(
            "PUT",
            url,
            data=data,
            headers={"Content-Type": _TURTLE.content_type},
            auth=auth,
            what=what,
            timeout=timeout,
            shown=store,
        )
        if status not in (200, 201, 204):
            raise AttemptFailed(RemoteError(f"{what}: {store} answered HTTP {status}"))

    with_retries(attempt, what=what, url=store, timeout=timeout, retries=retries)


def _update(endpoint: str, text: str, what: str, auth: Auth | None, timeout: float, retries: int) -> None:
    """SPARQL 1.1 Update by POST as a URL-encoded `update=` form (what every store accepts)."""
    data = urllib.parse.urlencode({"update": text}).encode("ascii")

    def attempt() -> None:
        request(
            "POST",
            endpoint,
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            auth=auth,
            what=what,
            timeout=timeout,
        )

    with_retries(attempt, what=what, url=endpoint, timeout=timeout, retries=retries)


#: Temporary graphs of a push by SPARQL Update are named `urn:shfz-graph:push:<random hex>`.
TEMPORARY_GRAPH_PREFIX = "urn:shfz-graph:push:"


@dataclass
class _Loader:
    """Replaces graphs through a SPARQL Update endpoint: batches into a temporary graph, then one MOVE."""

    endpoint: str
    query_endpoint: str
    auth: Auth | None
    timeout: float
    retries: int
    batch_size: int

    def update(self, text: str, what: str) -> None:
        _update(self.endpoint, text, what, self.auth, self.timeout, self.retries)

    def replace(self, iri: str, graph: Graph) -> None:
        name = sparql_term(URIRef(iri))
        what = f"push of <{iri}>"
        if len(graph) == 0:
            self.update(f"DROP SILENT GRAPH {name}", what)
            return
        temporary = TEMPORARY_GRAPH_PREFIX + uuid.uuid4().hex
        temp = sparql_term(URIRef(temporary))
        try:
            for batch in batches(graph, self.batch_size):
                lines = "\n".join(line for line, _ in batch)
                if any(blank for _, blank in batch):
                    text = f"INSERT {{ GRAPH {temp} {{\n{lines}\n}} }} WHERE {{}}"
                else:
                    text = f"INSERT DATA {{ GRAPH {temp} {{\n{lines}\n}} }}"
                self.update(text, what)
            held = count_triples(
                self.query_endpoint, temporary, timeout=self.timeout, retries=self.retries, auth=self.auth
            )
            if held != len(graph):
                raise RemoteError(
                    f"{what}: the temporary graph <{temporary}> holds {held} triples at "
                    f"{self.query_endpoint} but the graph has {len(graph)} here"
                )
            self.update(f"MOVE GRAPH {temp} TO GRAPH {name}", what)
        except RemoteError as exc:
            raise type(exc)(f"{exc}{self._drop(temp, temporary)}") from None

    def _drop(self, temp: str, temporary: str) -> str:
        """Drop a temporary graph after a failure; what to add to the error message."""
        try:
            self.update(f"DROP SILENT GRAPH {temp}", f"drop of <{temporary}>")
        except RemoteError:
            return f" (and the temporary graph <{temporary}> could not be dropped: drop it by hand)"
        return f" (the temporary graph <{temporary}> was dropped)"
