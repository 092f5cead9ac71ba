"""Remote SPARQL 1.1 endpoints: queries through SPARQLWrapper, graphs pushed with the Graph Store Protocol.

Everything here speaks the W3C standards only, so it works with any store (Oxigraph server, Jena Fuseki,
Virtuoso, GraphDB, Neptune, QLever):

- `query(endpoint, text, ...)` sends a query with the SPARQL 1.1 Protocol and returns the same
  :class:`~shfz_graph.results.Result` as a local query. Parameters cannot travel as rdflib's `initBindings`,
  so each bound term is serialised (and checked) into a `VALUES` block at the top of the query's WHERE
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

import ast
import base64
import email.utils
import http.client
import io
import json
import os
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from shfz_graph import __version__, _sparqltext
from shfz_graph.binding import bind_values, check_iri, sparql_term
from shfz_graph.errors import ParameterError, RemoteError, RemoteTimeout, check_max_rows, check_timeout
from shfz_graph.literals import answer_term
from shfz_graph.progress import progress
from shfz_graph.results import Result

if TYPE_CHECKING:
    from shfz_graph.graph import KnowledgeGraph

__all__ = [
    "AUTH_ENV",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
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
AUTH_ENV = "SHFZ_GRAPH_AUTH"
USER_AGENT = f"shfz-graph/{__version__} (+https://w3id.org/shfz/) SPARQLWrapper"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_MAX_ROWS = 10_000
DEFAULT_BATCH = 5_000
#: The longest `Retry-After` we wait for; a server asking for more is reported instead.
MAX_RETRY_AFTER = 60.0
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0
_RETRY_STATUSES = frozenset({429, 502, 503, 504})
_GET_LIMIT = 2000  # longer queries are POSTed (URL-encoded form)
_DETAIL_CHARS = 200

_SERVICE_BEFORE = re.compile(r"\bSERVICE(?:\s+SILENT)?\s*$", re.IGNORECASE)
_SERVICE_PNAME = re.compile(
    r"\bSERVICE(?:\s+SILENT)?\s+(?P<pname>(?P<prefix>[A-Za-z][\w.\-]*)?:(?P<local>[\w\-.%]*[\w\-%])?)",
    re.IGNORECASE,
)
_PREFIX_BEFORE = re.compile(r"\bPREFIX\s+(?P<prefix>[A-Za-z][\w.\-]*)?:\s*$", re.IGNORECASE)

# rdflib media types of RDF answers to CONSTRUCT / DESCRIBE (JSON-LD is left out: rdflib's parser fetches
# remote contexts).
_RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
}
# N-Triples first: every term spelled out (Virtuoso 7's Turtle writes xsd:decimal 50 as `50`, an integer).
_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RESULTS_ACCEPT = "application/sparql-results+json"

T = TypeVar("T")
_sleep = time.sleep  # between retries (tests replace it to see the waits)


# -- authentication -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Auth:
    """HTTP credentials: `basic` (user and password) or `bearer` (a token). The secret is never shown."""

    scheme: str
    secret: str = field(repr=False)
    user: str = ""

    def header(self) -> str:
        """The value of the `Authorization` header."""
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.secret}".encode()).decode("ascii")
            return f"Basic {token}"
        return f"Bearer {self.secret}"


def parse_auth(spec: str, *, source: str = AUTH_ENV) -> Auth:
    """Credentials from `basic:USER:PASSWORD` or `bearer:TOKEN`; errors name `source`, never the secret."""
    scheme, sep, rest = spec.strip().partition(":")
    scheme = scheme.lower()
    if scheme == "basic" and sep:
        user, colon, password = rest.partition(":")
        if user and colon and password:
            return Auth("basic", password, user)
    elif scheme == "bearer" and sep and rest:
        return Auth("bearer", rest)
    raise ParameterError(f"{source} must be 'basic:USER:PASSWORD' or 'bearer:TOKEN' (its value is not shown)")


def auth_from_env(environ: Mapping[str, str] | None = None) -> Auth | None:
    """Credentials from `$SHFZ_GRAPH_AUTH`, or None when it is unset or empty."""
    value = (os.environ if environ is None else environ).get(AUTH_ENV, "")
    return parse_auth(value) if value.strip() else None


def _resolve_auth(auth: Auth | str | None) -> Auth | None:
    if isinstance(auth, Auth):
        return auth
    if isinstance(auth, str):
        return parse_auth(auth, source="auth")
    return auth_from_env()


# -- terms, bindings and SERVICE rewriting -------------------------------------------------------------


def _prefixes(text: str) -> dict[str, str]:
    """The PREFIX declarations of a query text: prefix -> namespace IRI."""
    found: dict[str, str] = {}
    before = ""
    for token in _sparqltext.tokens(text):
        if token.kind == "iri":
            m = _PREFIX_BEFORE.search(before)
            if m:
                found[m.group("prefix") or ""] = token.text[1:-1]
            before = ""
        elif token.kind == "code":
            before += token.text
        elif token.kind != "comment":
            before = ""
    return found


def rewrite_services(
    text: str, service_map: Mapping[str, str], *, prefixes: Mapping[str, str] | None = None
) -> str:
    """The query with each `SERVICE <a>` (or `SERVICE prefix:name` naming a) whose IRI is a key of
    `service_map` pointing at the mapped IRI instead; other text is left exactly as it was.

    The result is parsed (`prefixes`: namespaces the query may use undeclared, as for a local query), and
    every mapped service must be gone from its algebra (ParameterError if one is written in a way this
    cannot rewrite).
    """
    if not service_map:
        return text
    mapping = {check_iri(k, "service"): check_iri(v, "service") for k, v in service_map.items()}
    from shfz_graph import sparql

    declared = {**{k: str(v) for k, v in (prefixes or {}).items()}, **_prefixes(text)}
    pieces: list[str] = []
    before = ""  # code since the last string/IRI, to see whether an IRI follows SERVICE
    for token in _sparqltext.tokens(text):
        piece = token.text
        if token.kind == "iri":
            target = mapping.get(piece[1:-1])
            if target is not None and _SERVICE_BEFORE.search(before):
                piece = f"<{target}>"
            before = ""
        elif token.kind == "code":
            piece = _rewrite_pnames(piece, declared, mapping)
            before += token.text
        elif token.kind != "comment":
            before = ""
        pieces.append(piece)
    rewritten = "".join(pieces)
    checked = sparql.check(rewritten, allow_network=True, prefixes=prefixes)
    remaining = sparql.network_features(checked.query.algebra)
    left = [k for k in mapping if f"SERVICE {URIRef(k).n3()}" in remaining]
    if left:
        raise ParameterError(f"cannot rewrite SERVICE <{left[0]}> in this query (write it as an IRI)")
    return rewritten


def _rewrite_pnames(code: str, prefixes: Mapping[str, str], mapping: Mapping[str, str]) -> str:
    def replace(m: re.Match[str]) -> str:
        namespace = prefixes.get(m.group("prefix") or "")
        if namespace is None:
            return m.group(0)
        target = mapping.get(namespace + (m.group("local") or ""))
        if target is None:
            return m.group(0)
        return m.group(0)[: m.start("pname") - m.start()] + f"<{target}>"

    return _SERVICE_PNAME.sub(replace, code)


# -- HTTP -----------------------------------------------------------------------------------------------


@dataclass
class _Failure(Exception):
    """One failed attempt: the error to report, and whether (and after how long) to try again."""

    error: RemoteError
    retry: bool = False
    retry_after: float | None = None


def _check_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParameterError(f"{what} must be an http:// or https:// URL, not {url!r}")
    return url


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date), or None."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _detail(body: bytes | str | None) -> str:
    """The first meaningful line of an error body, shortened."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = re.sub(r"<[^>]+>", " ", text) if "<html" in text[:500].lower() else text
    line = " ".join(text.split())
    return line[:_DETAIL_CHARS] + ("..." if len(line) > _DETAIL_CHARS else "")


def _http_failure(code: int, reason: str, body: bytes | None, headers: Any, what: str, url: str) -> _Failure:
    detail = _detail(body)
    message = f"{what}: {url} answered HTTP {code}" + (f" {reason}" if reason else "")
    if detail:
        message += f": {detail}"
    retry = code in _RETRY_STATUSES
    return _Failure(RemoteError(message), retry=retry, retry_after=_retry_after(headers) if retry else None)


def _sparqlwrapper_failure(exc: Exception, what: str, url: str) -> _Failure | None:
    """SPARQLWrapper turns some HTTP errors into its own exceptions (the body only in their message)."""
    from SPARQLWrapper import SPARQLExceptions as swe

    codes: dict[type[Exception], tuple[int, str]] = {
        swe.QueryBadFormed: (400, "Bad Request"),
        swe.Unauthorized: (401, "Unauthorized"),
        swe.EndPointNotFound: (404, "Not Found"),
        swe.URITooLong: (414, "URI Too Long"),
        swe.EndPointInternalError: (500, "Internal Server Error"),
    }
    for cls, (code, reason) in codes.items():
        if isinstance(exc, cls):
            body: bytes | None = None
            _, sep, raw = str(exc).partition("Response:\n")
            if sep:
                try:
                    value = ast.literal_eval(raw.strip())
                    body = value if isinstance(value, bytes) else None
                except (ValueError, SyntaxError):
                    body = None
            return _http_failure(code, reason, body, None, what, url)
    return None


def _failure(exc: BaseException, what: str, url: str, timeout: float) -> _Failure:
    """The one-line error for an exception raised while talking to `url`."""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = exc.read()
        except (OSError, http.client.HTTPException):
            body = None
        return _http_failure(exc.code, str(exc.reason or ""), body, exc.headers, what, url)
    if isinstance(exc, Exception):
        failure = _sparqlwrapper_failure(exc, what, url)
        if failure is not None:
            return failure
    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
        return _Failure(RemoteTimeout(f"{what}: {url} did not answer within {timeout:g} s"))
    if isinstance(reason, ConnectionRefusedError):
        return _Failure(RemoteError(f"{what}: cannot connect to {url}: connection refused"))
    if isinstance(reason, socket.gaierror):
        return _Failure(RemoteError(f"{what}: cannot find the host of {url}"))
    if isinstance(reason, ssl.SSLError):
        return _Failure(RemoteError(f"{what}: TLS failure with {url}: {reason.reason or reason}"))
    if isinstance(reason, (ConnectionError, http.client.HTTPException)):
        text = str(reason) or type(reason).__name__
        return _Failure(RemoteError(f"{what}: the connection to {url} failed: {text}"))
    if isinstance(reason, OSError):
        return _Failure(RemoteError(f"{what}: cannot reach {url}: {reason.strerror or reason}"))
    return _Failure(RemoteError(f"{what}: {url} failed: {type(exc).__name__}: {_detail(str(exc))}"))


def _with_retries(attempt: Callable[[], T], *, what: str, url: str, timeout: float, retries: int) -> T:
    """Run `attempt`, retrying retryable failures with backoff (or as long as `Retry-After` says)."""
    for n in range(retries + 1):
        try:
            return attempt()
        except _Failure as failure:
            if not failure.retry or n == retries:
                if failure.retry and retries:
                    raise RemoteError(f"{failure.error} (gave up after {retries + 1} attempts)") from None
                raise failure.error from None
            wait = failure.retry_after
            if wait is None:
                wait = min(_BACKOFF_BASE * 2**n, _BACKOFF_CAP)
            elif wait > MAX_RETRY_AFTER:
                raise RemoteError(f"{failure.error} (it asks to retry after {wait:g} s)") from None
            _sleep(wait)
        except (RemoteError, ParameterError):
            raise
        except Exception as exc:
            raise _failure(exc, what, url, timeout).error from None
    raise AssertionError("unreachable")  # pragma: no cover


def _request(
    method: str,
    url: str,
    *,
    data: bytes | None,
    headers: Mapping[str, str],
    auth: Auth | None,
    what: str,
    timeout: float,
    shown: str | None = None,
) -> tuple[int, bytes]:
    """One HTTP request with urllib (status, body); every failure is a `_Failure` naming `shown` (or
    `url`) as the address."""
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked http(s) URL)
    request.add_header("User-Agent", USER_AGENT)
    for name, value in headers.items():
        request.add_header(name, value)
    if auth is not None:
        request.add_header("Authorization", auth.header())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except Exception as exc:
        raise _failure(exc, what, shown or url, timeout) from None


# -- queries --------------------------------------------------------------------------------------------


def query(
    endpoint: str,
    text: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    auth: Auth | str | None = None,
    allow_network: bool = False,
    service_map: Mapping[str, str] | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> Result:
    """Run a query at a SPARQL 1.1 endpoint and return its `Result` (as a local query would).

    `bindings` (variable name -> IRI or literal) are sent as a VALUES block; `service_map` rewrites
    SERVICE IRIs first. The final text is checked like a local query: it must parse, must not be an
    update, and may use SERVICE / FROM only with `allow_network=True`. `auth`: an :class:`Auth`, a
    `basic:...`/`bearer:...` string, or None for `$SHFZ_GRAPH_AUTH`. `timeout` is per connection and per
    read, in seconds; `retries` is how many times a 429/502/503/504 answer is retried.
    """
    from shfz_graph import sparql

    _check_url(endpoint, "endpoint")
    check_timeout(timeout, optional=False)
    check_max_rows(max_rows)
    credentials = _resolve_auth(auth)
    if service_map:
        text = rewrite_services(text, service_map)
    text = bind_values(text, bindings)
    checked = sparql.check(text, allow_network=allow_network)
    kind = checked.kind
    what = "remote query"

    def attempt() -> tuple[bytes, str]:
        wrapper = _wrapper(endpoint, text, kind, timeout, credentials)
        try:
            response = wrapper.query().response
            body = response.read()
            content_type = response.headers.get("Content-Type", "") or ""
        except Exception as exc:
            raise _failure(exc, what, endpoint, timeout) from None
        return body, content_type

    body, content_type = _with_retries(attempt, what=what, url=endpoint, timeout=timeout, retries=retries)
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


def _malformed(endpoint: str, problem: str) -> RemoteError:
    return RemoteError(f"remote query: {endpoint} sent a malformed answer: {problem}")


def _parse_results(body: bytes, kind: str, endpoint: str, max_rows: int) -> Result:
    """SPARQL 1.1 Query Results JSON -> Result; anything unexpected is a RemoteError."""
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _malformed(endpoint, f"not SPARQL results JSON ({_detail(str(exc))})") from None
    if not isinstance(doc, dict):
        raise _malformed(endpoint, "the JSON is not an object")
    if kind == "ASK":
        answer = doc.get("boolean")
        if not isinstance(answer, bool):
            raise _malformed(endpoint, "an ASK answer without a boolean")
        return Result.ask(answer)
    head, results = doc.get("head"), doc.get("results")
    names = head.get("vars") if isinstance(head, dict) else None
    rows = results.get("bindings") if isinstance(results, dict) else None
    if (
        not isinstance(names, list)
        or not all(isinstance(v, str) for v in names)
        or not isinstance(rows, list)
    ):
        raise _malformed(endpoint, "no head.vars or results.bindings")
    out: list[dict[str, Node | None]] = []
    truncated = False
    for row in rows:
        if len(out) == max_rows:
            truncated = True
            break
        if not isinstance(row, dict):
            raise _malformed(endpoint, "a result row is not an object")
        out.append({name: _term(row[name], endpoint) if name in row else None for name in names})
    return Result.select(names, out, truncated=truncated)


def _term(value: object, endpoint: str) -> Node:
    """One RDF term of SPARQL results JSON."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise _malformed(endpoint, f"a binding is not a term: {_detail(json.dumps(value))}")
    kind, lexical = value.get("type"), value["value"]
    if kind == "uri":
        return URIRef(lexical)
    if kind == "bnode":
        return BNode(lexical)
    if kind in ("literal", "typed-literal"):
        lang, datatype = value.get("xml:lang"), value.get("datatype")
        if lang:
            return answer_term(Literal(lexical, lang=str(lang)))
        typed = URIRef(str(datatype)) if datatype else None
        return answer_term(Literal(lexical, datatype=typed, normalize=False))
    raise _malformed(endpoint, f"unsupported term type {kind!r}")


def _parse_graph(body: bytes, content_type: str, endpoint: str) -> Graph:
    """An RDF answer (Turtle, N-Triples or RDF/XML) -> Graph."""
    media = content_type.split(";")[0].strip().lower()
    fmt = _RDF_PARSERS.get(media, "turtle" if not media else None)
    if fmt is None:
        raise _malformed(endpoint, f"unexpected media type {media!r} for a graph")
    graph = Graph()
    try:
        graph.parse(data=body, format=fmt)
    except Exception as exc:  # rdflib's parsers raise many kinds
        raise _malformed(endpoint, f"the {fmt} does not parse ({_detail(str(exc))})") from None
    return graph


def count_triples(
    endpoint: str,
    graph: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
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
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
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
    _check_url(query_endpoint, "query endpoint")
    if graph_store is not None:
        _check_url(graph_store, "graph store")
    elif update_endpoint is not None:
        _check_url(update_endpoint, "update endpoint")
    else:
        raise ParameterError("push needs a graph store URL or an update endpoint URL")
    if batch_size <= 0:
        raise ParameterError("batch_size must be positive")
    credentials = _resolve_auth(auth)
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
    for iri, local in counts.items():
        remote = count_triples(query_endpoint, iri, timeout=timeout, retries=retries, auth=credentials)
        if remote != local:
            raise RemoteError(
                f"push: graph <{iri}> holds {remote} triples at {query_endpoint} but {local} here"
            )
    return PushReport("graph-store" if graph_store is not None else "update", counts)


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
    data = _ntriples(graph).encode("utf-8")
    url = _graph_url(store, iri)
    what = f"push of <{iri}>"

    def attempt() -> None:
        status, _ = _request(
            "PUT",
            url,
            data=data,
            headers={"Content-Type": "text/turtle; charset=utf-8"},
            auth=auth,
            what=what,
            timeout=timeout,
            shown=store,
        )
        if status not in (200, 201, 204):
            raise _Failure(RemoteError(f"{what}: {store} answered HTTP {status}"))

    _with_retries(attempt, what=what, url=store, timeout=timeout, retries=retries)


def _update(endpoint: str, text: str, what: str, auth: Auth | None, timeout: float, retries: int) -> None:
    """SPARQL 1.1 Update by POST as a URL-encoded `update=` form (what every store accepts)."""
    data = urllib.parse.urlencode({"update": text}).encode("ascii")

    def attempt() -> None:
        _request(
            "POST",
            endpoint,
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            auth=auth,
            what=what,
            timeout=timeout,
        )

    _with_retries(attempt, what=what, url=endpoint, timeout=timeout, retries=retries)


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
            for batch in _batches(graph, self.batch_size):
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


def _nt_line(s: Node, p: Node, o: Node) -> str:
    return " ".join(t.n3() if isinstance(t, BNode) else sparql_term(t) for t in (s, p, o)) + " ."


def _ntriples(graph: Graph) -> str:
    """The graph as N-Triples, one checked statement per line."""
    return "".join(_nt_line(s, p, o) + "\n" for s, p, o in graph)


def _batches(graph: Graph, size: int) -> Iterator[list[tuple[str, bool]]]:
    """N-Triples lines (each with whether it holds a blank node) in batches of about `size`; triples linked
    by blank nodes stay in one batch.

    (Blank node labels are scoped to one update request: splitting a blank node over two would make two.)
    """
    parent: dict[Node, Node] = {}

    def find(node: Node) -> Node:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    triples = list(graph)
    for s, _, o in triples:
        if isinstance(s, BNode) and isinstance(o, BNode):
            a, b = find(s), find(o)
            if a != b:
                parent[a] = b
    groups: dict[Node | None, list[tuple[str, bool]]] = {}
    for s, p, o in triples:
        anchor = s if isinstance(s, BNode) else o if isinstance(o, BNode) else None
        key = find(anchor) if anchor is not None else None
        groups.setdefault(key, []).append((_nt_line(s, p, o), anchor is not None))
    plain = groups.pop(None, [])
    units: Iterable[list[tuple[str, bool]]] = [[line] for line in plain] + list(groups.values())
    batch: list[tuple[str, bool]] = []
    for unit in units:
        if batch and len(batch) + len(unit) > size:
            yield batch
            batch = []
        batch.extend(unit)
    if batch:
        yield batch
