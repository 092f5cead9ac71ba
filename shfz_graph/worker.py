"""What runs inside a query worker process: open the store read-only, then answer jobs one at a time.

A worker lives under an address-space limit (`RLIMIT_AS`), so a query that grows without bound fails an
allocation and the process dies or reports it, instead of taking the machine's memory. It checks each
query with the same guard as everywhere else (`sparql.check`: no update, no SERVICE/FROM unless allowed),
evaluates it with Oxigraph, and lets Oxigraph write the answer: first as SPARQL TSV (or N-Triples), which
has one line per row, so the row cap and the byte limit are counted without making a term per value, then,
if another format was asked for, re-encoded natively. The parent (`shfz_graph.pool`) sends jobs and reads
answers over a pipe; it kills a worker past its time limit.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import re
import resource
import signal
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from shfz_graph import defaults, formats

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "Answer", "Job", "main"]

#: Result formats a worker writes natively (Oxigraph's serializers), by our name.
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
#: Graph formats a worker writes natively, by our name (JSON-LD, compacted with our context, is not one).
GRAPH_FORMATS = ("nt", "turtle", "xml")
_RESULT_ATTRS = {name: str(formats.get(formats.RESULTS, name).oxigraph) for name in RESULT_FORMATS}
_GRAPH_ATTRS = {name: str(formats.get(formats.RDF, name).oxigraph) for name in GRAPH_FORMATS}
_SELECT_STAR = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)


TermSpec = tuple[str, str, "str | None", "str | None"]  # (iri|literal, value, datatype, language)


@dataclass(frozen=True)
class Job:
    """One query for a worker: its text, bound variables as plain term tuples, the formats wanted for each
    query form (None: the caller cannot accept that form), limits and the guard's setting."""

    text: str
    bindings: Mapping[str, TermSpec] = field(default_factory=dict)
    select_format: str | None = "json"
    ask_format: str | None = "json"
    graph_format: str | None = "nt"  # CONSTRUCT and DESCRIBE
    allow_network: bool = False
    max_rows: int = defaults.MAX_ROWS
    max_bytes: int = defaults.MAX_BYTES
    prefixes: Mapping[str, str] = field(default_factory=dict)  # usable undeclared in the query
    output_prefixes: Mapping[str, str] = field(default_factory=dict)  # for Turtle answers


@dataclass(frozen=True)
class Answer:
    """A worker's answer: the query form, the serialized bytes, the format they are in (None: the job
    accepted no answer of this form, and the query did not run), rows or triples, truncation."""

    kind: str
    body: bytes
    format: str | None
    rows: int
    truncated: bool


def term_spec(term: Any) -> TermSpec:
    """An rdflib IRI or literal as a plain tuple that crosses the pipe (blank nodes cannot be bound)."""
    from rdflib import Literal, URIRef

    from shfz_graph.errors import ParameterError

    if isinstance(term, URIRef):
        return ("iri", str(term), None, None)
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return ("literal", str(term), datatype, term.language)
    raise ParameterError(f"{term!r} cannot be bound to a query variable (only IRIs and literals can)")


def _rdflib_term(spec: TermSpec) -> Any:
    from rdflib import Literal, URIRef

    kind, value, datatype, language = spec
    if kind == "iri":
        return URIRef(value)
    return Literal(value, lang=language, datatype=None if language else datatype)


class _Full(Exception):
    """Raised from the output writer to stop Oxigraph's serializer at the row cap or the byte limit."""


class AnswerTooLarge(Exception):
    """The answer exceeded the byte limit (reported to the parent as `answer-bytes`)."""


class _CappedWriter:
    """A binary sink that keeps at most `max_lines` complete lines after a header and `max_bytes` bytes."""

    def __init__(self, max_lines: int, max_bytes: int, header_lines: int) -> None:
        self.max_lines = max_lines + header_lines
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0
        self.lines = 0
        self.truncated = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        newlines = chunk.count(b"\n")
        if self.lines + newlines > self.max_lines or (self.lines == self.max_lines and chunk):
            keep = self.max_lines - self.lines
            cut = 0
            for _ in range(keep):
                cut = chunk.index(b"\n", cut) + 1
            self._add(chunk[:cut])
            self.lines += keep
            self.truncated = True
            raise _Full
        self._add(chunk)
        self.lines += newlines
        return len(chunk)

    def _add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise AnswerTooLarge
        self.parts.append(chunk)

    def flush(self) -> None:
        """Nothing to flush: everything is kept in memory."""

    def value(self) -> bytes:
        return b"".join(self.parts)


def limit_memory(max_bytes: int | None) -> None:
    """Cap this process's address space (soft and hard), so a runaway query fails to allocate."""
    if max_bytes is not None:
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def _term(ox: Any, spec: TermSpec) -> Any:
    kind, value, datatype, language = spec
    if kind == "iri":
        return ox.NamedNode(value)
    if language is not None:
        return ox.Literal(value, language=language)
    if datatype is not None:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _select_star_text(checked: Any) -> str:
    """The query with its top-level `SELECT *` spelled out in order of first appearance (Oxigraph would
    sort the variables by name; rdflib and most stores keep the order of the text)."""
    from shfz_graph import _sparqltext

    text: str = checked.text
    projected = [str(v) for v in checked.query.algebra.get("PV") or ()]
    first: dict[str, int] = {}
    for name, offset in _sparqltext.variables(text):
        first.setdefault(name, offset)
    ordered = sorted(projected, key=lambda n: (first.get(n, len(text)), n))
    code = "".join(t.text if t.kind == "code" else " " * len(t.text) for t in _sparqltext.tokens(text))
    match = _SELECT_STAR.search(code)
    if match is None or not ordered:
        return text
    star = match.end() - 1
    return text[:star] + " ".join("?" + n for n in ordered) + text[star + 1 :]


@functools.lru_cache(maxsize=512)
def _plans(
    text: str,
    bindings: tuple[tuple[str, TermSpec], ...],
    allow_network: bool,
    prefixes: tuple[tuple[str, str], ...],
) -> tuple[str, tuple[tuple[str, tuple[str, ...], dict[str, str] | None], ...]]:
    """The query's form and the texts to try on Oxigraph, each with the variables it substitutes and the
    undeclared prefixes it uses: checked once per query, bindings and guard setting (a worker answers the
    same few queries many times, and Oxigraph reads every prefix it is given on every query)."""
    from shfz_graph import _sparqltext, sparql

    checked = sparql.check(text, allow_network=allow_network, prefixes=dict(prefixes))
    terms = {name: _rdflib_term(spec) for name, spec in bindings}
    forms = sparql.oxigraph_forms(checked, terms, allow_network=allow_network, prefixes=dict(prefixes))
    plans = []
    for form, substituted in forms:
        plan_text = _select_star_text(form) if form.select_star else form.text
        used = _sparqltext.prefixes_used(plan_text, prefixes)
        plans.append((plan_text, tuple(substituted), dict(used) or None))
    return checked.kind, tuple(plans)


def evaluate(store: Any, job: Job) -> Answer:
    """Check, run and serialize one query (raises ShfzError subclasses for the user's mistakes)."""
    import pyoxigraph as ox

    prefix_key = tuple(sorted(job.prefixes.items()))
    binding_key = tuple(sorted(job.bindings.items()))
    kind, plans = _plans(job.text, binding_key, job.allow_network, prefix_key)
    wanted = {"SELECT": job.select_format, "ASK": job.ask_format}.get(kind, job.graph_format)
    if wanted is None:
        return Answer(kind, b"", None, 0, False)
    for i, (text, substituted, used_prefixes) in enumerate(plans):
        substitutions = {ox.Variable(name): _term(ox, job.bindings[name]) for name in substituted}
        try:
            outcome = store.query(
                text,
                use_default_graph_as_union=True,
                substitutions=substitutions or None,
                prefixes=used_prefixes,
            )
            break
        except SyntaxError as exc:  # Oxigraph's parser disagreed with rdflib's: try the next plan
            if i == len(plans) - 1:
                from shfz_graph.errors import QuerySyntaxError

                raise QuerySyntaxError(str(exc)) from None
    if kind == "ASK":
        body = outcome.serialize(format=getattr(ox.QueryResultsFormat, _RESULT_ATTRS[wanted]))
        return Answer("ASK", body, wanted, 0, False)
    if kind == "SELECT":
        writer = _CappedWriter(job.max_rows, job.max_bytes, header_lines=1)
        with contextlib.suppress(_Full):
            outcome.serialize(writer, ox.QueryResultsFormat.TSV)
        tsv = writer.value()
        rows = writer.lines - 1 if writer.lines else 0
        if wanted == "tsv":
            body = tsv
        else:
            parsed = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
            body = parsed.serialize(format=getattr(ox.QueryResultsFormat, _RESULT_ATTRS[wanted])) or b""
            if len(body) > job.max_bytes:
                raise AnswerTooLarge
        return Answer("SELECT", body, wanted, rows, writer.truncated)
    writer = _CappedWriter(job.max_rows, job.max_bytes, header_lines=0)
    with contextlib.suppress(_Full):
        outcome.serialize(writer, ox.RdfFormat.N_TRIPLES)
    nt = writer.value()
    if wanted not in _GRAPH_ATTRS or wanted == "nt":  # others (JSON-LD with our context) are the caller's
        return Answer(kind, nt, "nt", writer.lines, writer.truncated)
    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    body = (
        ox.serialize(
            triples,
            format=getattr(ox.RdfFormat, _GRAPH_ATTRS[wanted]),
            prefixes=dict(job.output_prefixes) or None,
        )
        or b""
    )
    if len(body) > job.max_bytes:
        raise AnswerTooLarge
    return Answer(kind, body, wanted, writer.lines, writer.truncated)


def _error_reply(exc: BaseException) -> tuple[str, str, str, dict[str, Any]]:
    """An error as plain data the parent can rebuild: ("error", class name, message, attributes)."""
    attrs = {k: v for k, v in vars(exc).items() if isinstance(v, (str, int, float, type(None), list))}
    return ("error", type(exc).__name__, str(exc), attrs)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (PR_SET_PDEATHSIG), so none is orphaned."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def main(conn_in: Connection, conn_out: Connection, store_path: str, max_memory: int | None) -> None:
    """The worker's loop: answer Job messages until the pipe closes (or a None arrives)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills us
    _die_with_parent()
    try:
        import pyoxigraph

        from shfz_graph import sparql  # noqa: F401  (imported before the memory limit bites)

        limit_memory(max_memory)
        store = pyoxigraph.Store.read_only(store_path)
    except BaseException as exc:
        conn_out.send(_error_reply(exc))
        return
    conn_out.send(("ready", os.getpid()))
    while True:
        try:
            message = conn_in.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job: Job = message
        try:
            reply: Any = ("ok", evaluate(store, job))
        except MemoryError:
            reply = ("limit", "memory")
        except AnswerTooLarge:
            reply = ("limit", "answer-bytes")
        except Exception as exc:
            reply = _error_reply(exc)
        try:
            conn_out.send(reply)
        except MemoryError:
            conn_out.send(("limit", "memory"))


def _forked_worker(
    sock: socket.socket, fds: list[int], store_path: str, max_memory: int | None, template_pid: int
) -> None:
    """The body of a worker forked from the template: it never returns into the template's loop."""
    code = 0
    try:
        sock.close()
        _die_with_parent()  # the template is single-threaded, so this follows the template itself
        if os.getppid() != template_pid:  # it died before the line above: nobody would stop us
            os._exit(1)
        main(Connection(fds[0], writable=False), Connection(fds[1], readable=False), store_path, max_memory)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _reap(statuses: dict[int, int]) -> None:
    """Collect the exit statuses of workers that have ended (no zombies are left behind)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        statuses[pid] = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        while len(statuses) > 4096:  # the oldest first: nobody asks about a long-gone worker
            del statuses[next(iter(statuses))]


def _status(statuses: dict[int, int], pid: int, wait: float) -> int | None:
    """The exit status of worker `pid` (as subprocess gives it: -N for signal N), waiting up to `wait` s."""
    deadline = time.monotonic() + wait
    while True:
        _reap(statuses)
        if pid in statuses:  # kept: the pool may ask again (from another thread) after a first answer
            return statuses[pid]
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.005)


def template_main(sock_fd: int) -> None:
    """The worker template: import what a worker needs once, then fork one worker per request.

    Workers forked from it share those imported modules with it (copy-on-write), so each costs the memory
    it dirties, not a whole interpreter, and starts in milliseconds. Requests come over a SOCK_SEQPACKET
    socket as JSON arrays: ("spawn", store path, memory limit) with the worker's two pipe ends attached,
    answered with ("pid", pid); ("status", pid, seconds), answered with ("status", exit status or None).
    Each request ends with a number, and its answer ends with the same number.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # No parent-death signal here: Linux sends it when the *thread* that started us ends, and the pool may
    # be started from a short-lived thread. The socket tells us instead: the parent's death closes it.
    sock = socket.socket(fileno=sock_fd)
    import pyoxigraph  # noqa: F401

    from shfz_graph import sparql  # noqa: F401

    gc.freeze()  # keep the collector from touching (and so copying) the shared objects in every worker
    sock.send(json.dumps(["ready", os.getpid()]).encode())
    statuses: dict[int, int] = {}
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 2)
        except OSError:
            return
        if not data:
            return  # the pool closed its end
        request = json.loads(data)
        if request[0] == "spawn":
            template_pid = os.getpid()
            pid = os.fork()
            if pid == 0:
                _forked_worker(sock, fds, request[1], request[2], template_pid)
            statuses.pop(pid, None)  # a process id used again: the old status is not this worker's
            for fd in fds:
                os.close(fd)
            reply: tuple[Any, ...] = ("pid", pid, request[-1])
        else:
            reply = ("status", _status(statuses, request[1], request[2]), request[-1])
        _reap(statuses)
        sock.send(json.dumps(reply).encode())


if __name__ == "__main__":
    import sys

    # Run the module's own copy, not this __main__ one, so that answers pickle as shfz_graph.worker.Answer
    from shfz_graph import worker

    worker.template_main(int(sys.argv[1]))
