"""What runs inside a query worker process: open the store read-only, then answer jobs one at a time.

A worker lives in the sandbox its fork server entered (no network unless the pool allowed it) and under an
address-space limit (`RLIMIT_AS`), so a query that grows without bound fails an allocation instead of
taking the machine's memory. Each query is screened (`screen`: updates, SERVICE/FROM, nesting), then
parsed and evaluated by Oxigraph alone (its parser is the judge of what the text means; no second parser
reads it), and Oxigraph writes the answer: first as SPARQL TSV (or N-Triples), which has one line per row,
so the row cap and the byte limit are counted without making a term per value, then, if another format was
asked for, re-encoded natively. The parent (`supervisor`) sends jobs and reads answers over a pipe.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from shfz_graph import _sparqltext
from shfz_graph.errors import NetworkAccessDenied, QuerySyntaxError, RemoteError
from shfz_graph.workers import screen
from shfz_graph.workers.wire import GRAPH_ATTRS, RESULT_ATTRS, Answer, Job, TermSpec, error_reply

__all__ = ["evaluate", "limit_memory", "main"]

_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+): ", re.DOTALL)
# what a connection attempt from inside the sandbox fails with (no route, no name resolution)
_NO_NETWORK = re.compile(
    r"os error 101|unreachable|resolve|lookup|name or service|dns|not allowed for HTTP", re.IGNORECASE
)
_PLAN_CACHE = 1024


class _Full(Exception):
    """Raised from the output writer to stop Oxigraph's serializer at the row cap or the byte limit."""


class _AnswerTooLarge(Exception):
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
            raise _AnswerTooLarge
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


def _rdflib_term(spec: TermSpec) -> Any:
    from rdflib import Literal, URIRef

    kind, value, datatype, language = spec
    if kind == "iri":
        return URIRef(value)
    return Literal(value, lang=language, datatype=None if language else datatype)


def syntax_error(exc: SyntaxError, text: str, prefixes: dict[str, str] | None) -> QuerySyntaxError:
    """Oxigraph's parse error as ours: its line and column, and a plain message where we can say more."""
    message = str(exc)
    line = column = None
    match = _OXIGRAPH_POSITION.match(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[match.end() :]
    if "Prefix not found" in message or "prefix not found" in message.lower():
        unknown = _undeclared_prefix(text, prefixes or {})
        if unknown is not None:
            offset = _sparqltext.find_prefix_use(text, unknown)
            if offset is not None:
                line, column = _sparqltext.line_col(text, offset)
            return QuerySyntaxError(
                f"unknown prefix {unknown + ':'!r} (declare it with PREFIX)", line=line, column=column
            )
    message = " ".join(message.split())
    if len(message) > 200:
        message = message[:197] + "..."
    found = _found(text, line, column) if line is not None and column is not None else None
    if found is not None:
        message = f"unexpected {found!r} ({message})"
    return QuerySyntaxError(message, line=line, column=column)


def _found(text: str, line: int, column: int) -> str | None:
    """The word Oxigraph stopped at: the one at its line and column, or else the one just before it (it
    often points just past the token it could not use)."""
    lines = text.splitlines()
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    word = re.match(r"[\w:?$\-]+|\S", current[column - 1 :])
    if word:
        return word.group()
    before = re.search(r"([\w:?$\-]+|\S)\s*$", current[: column - 1])
    return before.group(1) if before else None


def _undeclared_prefix(text: str, known: dict[str, str]) -> str | None:
    """The first prefix used in the query's code that neither a PREFIX line nor `known` declares."""
    code = " ".join(t.text for t in _sparqltext.tokens(text) if t.kind == "code")
    declared = set(re.findall(r"\bPREFIX\s+([\w.\-]*):", code, re.IGNORECASE)) | set(known)
    for match in re.finditer(r"(?<![\w.\-:])([A-Za-z][\w.\-]*|):", code):
        name = match.group(1)
        if name not in declared:
            return name
    return None


@dataclass(frozen=True)
class _Plan:
    """How to run one (text, bindings) on Oxigraph: the form, the text, substituted names, prefixes."""

    kind: str | None
    text: str
    substituted: tuple[str, ...]
    prefixes: dict[str, str] | None  # the job's prefixes if the text needs them, else None
    known: bool = False  # whether `prefixes` was found by parsing the text (else: try without first)


def _plan_key(job: Job) -> tuple[Any, ...]:
    return (job.text, tuple(sorted(job.bindings.items())), job.allow_network, tuple(job.prefixes.items()))


def _missing_prefix(exc: SyntaxError) -> bool:
    return "Prefix not found" in str(exc)


def query(store: Any, text: str, prefixes: dict[str, str] | None, **options: Any) -> tuple[Any, Any]:
    """Oxigraph's `store.query(text)`, given `prefixes` (names usable undeclared) only if the text fails
    without them, and which it needed (None or `prefixes`). Most texts declare what they use, and telling
    which names a text writes would cost a pass in Python over every new text."""
    try:
        return store.query(text, **options), None
    except SyntaxError as exc:
        if not prefixes or not _missing_prefix(exc):
            raise
    return store.query(text, prefixes=prefixes, **options), prefixes


class Planner:
    """Turns jobs into plans over one store, remembering the most recent (a worker answers the same few
    queries many times): screening, the variables a SELECT projects, which bindings Oxigraph substitutes
    and which are written into the text, `SELECT *` spelled out in the order of the text."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._plans: OrderedDict[tuple[Any, ...], _Plan] = OrderedDict()

    def plan(self, job: Job) -> _Plan:
        key = _plan_key(job)
        found = self._plans.get(key)
        if found is None:
            found = self._make(job)
            self._plans[key] = found
            if len(self._plans) > _PLAN_CACHE:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        return found

    def _parse(self, text: str, prefixes: dict[str, str] | None) -> tuple[Any, dict[str, str] | None]:
        """Oxigraph's reading of `text` (lazy: nothing is evaluated until iterated) and the prefixes it
        needed (see `query`); ours on failure."""
        try:
            return query(self.store, text, prefixes, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise syntax_error(exc, text, prefixes) from None

    def _make(self, job: Job) -> _Plan:
        screened = screen.screen(job.text, allow_network=job.allow_network)
        prefixes = dict(job.prefixes) or None
        text = job.text
        projected: list[str] = []
        needed: dict[str, str] | None = None
        parsed = False
        if screened.select_star or job.bindings:
            outcome, needed = self._parse(text, prefixes)
            parsed = True
            projected = [v.value for v in getattr(outcome, "variables", ())]
            if screened.select_star and projected:
                text = _select_star_text(text, projected)
        if not job.bindings:
            return _Plan(screened.kind, text, (), needed, known=parsed)
        substituted = tuple(name for name in job.bindings if name in projected)
        written = {n: _rdflib_term(s) for n, s in job.bindings.items() if n not in projected}
        if not written:
            return _Plan(screened.kind, text, substituted, needed, known=True)
        from shfz_graph.query import binding

        for bind in (binding.bind_constants, binding.bind_values):
            candidate = bind(text, written)
            try:
                self.store.query(candidate, use_default_graph_as_union=True, prefixes=needed)
            except SyntaxError as exc:
                if bind is binding.bind_values:
                    raise syntax_error(exc, candidate, needed) from None
                continue
            return _Plan(screened.kind, candidate, substituted, needed, known=True)
        raise AssertionError("unreachable")  # pragma: no cover

    def learned(self, job: Job, plan: _Plan, prefixes: dict[str, str] | None) -> None:
        """Remember which prefixes the plan's text needed, found by running it (see `query`)."""
        key = _plan_key(job)
        if key in self._plans:
            self._plans[key] = _Plan(plan.kind, plan.text, plan.substituted, prefixes, known=True)


def _select_star_text(text: str, projected: list[str]) -> str:
    """The query with its top-level `SELECT *` spelled out in order of first appearance (Oxigraph would
    sort the variables by name; rdflib and most stores keep the order of the text)."""
    first: dict[str, int] = {}
    for name, offset in _sparqltext.variables(text):
        first.setdefault(name, offset)
    ordered = sorted(projected, key=lambda n: (first.get(n, len(text)), n))
    match = screen.SELECT_STAR.search(_sparqltext.code_only(text))
    if match is None:
        return text
    star = match.end() - 1
    return text[:star] + " ".join("?" + n for n in ordered) + text[star + 1 :]


def _kind(outcome: Any, screened: str | None) -> str:
    import pyoxigraph as ox

    if isinstance(outcome, ox.QuerySolutions):
        return "SELECT"
    if isinstance(outcome, ox.QueryBoolean):
        return "ASK"
    return "DESCRIBE" if screened == "DESCRIBE" else "CONSTRUCT"


def evaluate(planner: Planner, job: Job) -> Answer:
    """Screen, run and serialize one query (raises ShfzError subclasses for the user's mistakes)."""
    try:
        return _evaluate(planner, job)
    except OSError as exc:  # pyoxigraph's SERVICE calls fail with OSError; reading the store too
        if not _NO_NETWORK.search(str(exc)) and not isinstance(exc, ConnectionError):
            raise
        if job.allow_network:
            raise RemoteError(f"a SERVICE call of the query failed: {exc}") from None
        raise NetworkAccessDenied(
            f"the query tried to reach the network, which is not allowed here (the worker has none: {exc})"
        ) from None


def _evaluate(planner: Planner, job: Job) -> Answer:
    import pyoxigraph as ox

    plan = planner.plan(job)
    formats = {"SELECT": job.select_format, "ASK": job.ask_format}
    if plan.kind is not None and formats.get(plan.kind, job.graph_format) is None:
        return Answer(plan.kind, b"", None, 0, False)  # the caller cannot take this form: not run
    substitutions = {ox.Variable(name): _term(ox, job.bindings[name]) for name in plan.substituted}
    options = {"use_default_graph_as_union": True, "substitutions": substitutions or None}
    try:
        if plan.known:
            outcome = planner.store.query(plan.text, prefixes=plan.prefixes, **options)
        else:
            outcome, needed = query(planner.store, plan.text, dict(job.prefixes) or None, **options)
            planner.learned(job, plan, needed)
    except SyntaxError as exc:
        raise syntax_error(exc, plan.text, dict(job.prefixes) or None) from None
    kind = _kind(outcome, plan.kind)
    wanted = formats.get(kind, job.graph_format)
    if wanted is None:
        return Answer(kind, b"", None, 0, False)
    if kind == "ASK":
        body = outcome.serialize(format=getattr(ox.QueryResultsFormat, RESULT_ATTRS[wanted]))
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
            body = parsed.serialize(format=getattr(ox.QueryResultsFormat, RESULT_ATTRS[wanted])) or b""
            if len(body) > job.max_bytes:
                raise _AnswerTooLarge
        return Answer("SELECT", body, wanted, rows, writer.truncated)
    writer = _CappedWriter(job.max_rows, job.max_bytes, header_lines=0)
    with contextlib.suppress(_Full):
        outcome.serialize(writer, ox.RdfFormat.N_TRIPLES)
    nt = writer.value()
    if wanted not in GRAPH_ATTRS or wanted == "nt":  # others (JSON-LD with our context) are the caller's
        return Answer(kind, nt, "nt", writer.lines, writer.truncated)
    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    body = (
        ox.serialize(
            triples,
            format=getattr(ox.RdfFormat, GRAPH_ATTRS[wanted]),
            prefixes=dict(job.output_prefixes) or None,
        )
        or b""
    )
    if len(body) > job.max_bytes:
        raise _AnswerTooLarge
    return Answer(kind, body, wanted, writer.lines, writer.truncated)


def main(conn_in: Connection, conn_out: Connection, store_path: str, max_memory: int | None) -> None:
    """The worker's loop: answer Job messages until the pipe closes (or a None arrives)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills us
    try:
        import pyoxigraph

        limit_memory(max_memory)
        planner = Planner(pyoxigraph.Store.read_only(store_path))
    except BaseException as exc:
        conn_out.send(error_reply(exc))
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
            reply: Any = ("ok", evaluate(planner, job))
        except MemoryError:
            reply = ("limit", "memory")
        except _AnswerTooLarge:
            reply = ("limit", "answer-bytes")
        except Exception as exc:
            reply = error_reply(exc)
        try:
            conn_out.send(reply)
        except MemoryError:
            conn_out.send(("limit", "memory"))
