"""rdflib's in-process engine: evaluate a guarded query in the caller's thread, with a timeout and a row cap.

Timeouts. For rdflib's own engine (in-memory and other rdflib stores) the query is evaluated in the calling
thread over a read-only view of the store whose triple lookups check a deadline; past it a lookup raises
`QueryTimeout`, which unwinds rdflib's lazy evaluation, so the query really stops (no thread is left
burning CPU). Stores with an engine of their own (oxrdflib/Oxigraph) get the query *string* (a parsed query
would make rdflib fall back to its slow engine); Oxigraph has no cancellation hook, so the query runs in a
daemon worker thread that stops at the next solution once the caller has given up after `timeout`
seconds; a single blocking step (a sort or an aggregate over a huge join) finishes in the background.
Oxigraph substitutes only variables a SELECT projects, so a query binding others runs on rdflib's engine
over the same store (slower, but correct, and cancellable as above).

Bindings are RDF terms handed over as initial bindings (Oxigraph: substitutions), never pasted into text.
"""

from __future__ import annotations

import contextlib
import threading
import time
import types
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

from rdflib import Dataset, Graph, Variable
from rdflib.graph import ConjunctiveGraph
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.query import ResultRow
from rdflib.store import Store
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from shfz_graph import _sparqltext, defaults
from shfz_graph.errors import (
    ParameterError,
    QuerySyntaxError,
    QueryTimeout,
    check_max_rows,
    check_timeout,
)
from shfz_graph.literals import answer_term
from shfz_graph.query import binding
from shfz_graph.query.guard import CheckedQuery, check
from shfz_graph.query.results import Result

# -- running ------------------------------------------------------------------------------------------


def _has_own_engine(store: Store) -> bool:
    """True for oxrdflib's Oxigraph store, which evaluates SPARQL itself and must get the query string.

    (Not `type(store).query is not Store.query`: rdflib's Memory store overrides `query` only to refuse.)
    """
    return type(store).__module__.partition(".")[0] == "oxrdflib"


def oxigraph_forms(
    checked: CheckedQuery,
    bindings: Mapping[str, Identifier],
    *,
    allow_network: bool = False,
    prefixes: Mapping[str, Any] | None = None,
) -> list[tuple[CheckedQuery, list[str]]]:
    """The queries to hand Oxigraph for these bindings, best first, each with the names it must
    substitute itself: try them in order until Oxigraph parses one.

    Oxigraph substitutes only the variables a SELECT projects. Every other bound variable is first
    written into the text as its checked term (`binding.bind_constants`), which its optimizer treats like
    a query written by hand (a VALUES block is not pushed into UNION branches). Where a constant cannot
    stand (`BIND(... AS ?x)`, a VALUES head, `GROUP BY ?x`; rdflib's parser accepts some of these), the
    second form binds them with a VALUES block instead.
    """
    if not bindings:
        return [(checked, [])]
    projected: set[str] = set()
    if checked.kind == "SELECT":
        projected = {str(v) for v in checked.query.algebra.get("PV") or ()}
    substituted = [name for name in bindings if name in projected]
    written = {name: term for name, term in bindings.items() if name not in projected}
    if not written:
        return [(checked, substituted)]
    forms = []
    with contextlib.suppress(QuerySyntaxError):
        text = binding.bind_constants(checked.text, written)
        forms.append((check(text, allow_network=allow_network, prefixes=prefixes), substituted))
    text = binding.bind_values(checked.text, written)
    forms.append((check(text, allow_network=allow_network, prefixes=prefixes), substituted))
    return forms


class _DeadlineStore(Store):
    """A read-only view of a store whose lookups raise `QueryTimeout` after a deadline."""

    def __init__(self, inner: Store, deadline: float, timeout: float) -> None:
        super().__init__()
        self.inner = inner
        self.deadline = deadline
        self.timeout = timeout
        self.active = True
        self.expired = False
        self.context_aware = inner.context_aware
        self.graph_aware = inner.graph_aware
        self.formula_aware = inner.formula_aware

    def tick(self) -> None:
        """Raise QueryTimeout once the deadline has passed (and from then on)."""
        if self.active and (self.expired or time.monotonic() > self.deadline):
            self.expired = True
            raise QueryTimeout(f"query took longer than the time limit of {self.timeout:g} s")

    def _inner_context(self, context: Any) -> Any:
        # Hand the real store graphs bound to itself: a memory store remembers the context objects it
        # is asked about, and must not keep ones bound to this short-lived view.
        if isinstance(context, Graph):
            return Graph(store=self.inner, identifier=context.identifier)
        return context

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        self.tick()
        for item in self.inner.triples(triple_pattern, context=self._inner_context(context)):
            self.tick()
            yield item

    def __len__(self, context: Any = None) -> int:
        self.tick()
        return len(self.inner) if context is None else self.inner.__len__(self._inner_context(context))

    def contexts(self, triple: Any = None) -> Iterator[Any]:  # type: ignore[override]
        self.tick()
        for ctx in self.inner.contexts(triple):
            identifier = ctx.identifier if isinstance(ctx, Graph) else ctx
            yield Graph(store=self, identifier=identifier)

    def namespace(self, prefix: str) -> Any:
        return self.inner.namespace(prefix)

    def prefix(self, namespace: Any) -> Any:
        return self.inner.prefix(namespace)

    def namespaces(self) -> Iterator[Any]:
        yield from self.inner.namespaces()

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        """Ignored: this view never changes the real store."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a query-time view of the store is read-only")

    add = addN = remove = remove_graph = _refuse

    def add_graph(self, graph: Graph) -> None:
        """Ignored: rdflib's Dataset announces its default graph this way while listing graphs."""


def _deadline_view(graph: Graph, store: _DeadlineStore) -> Graph:
    """The same graph or dataset, seen through `store`."""
    if isinstance(graph, Dataset):
        return Dataset(store=store, default_union=graph.default_union)
    if isinstance(graph, ConjunctiveGraph):
        return Dataset(store=store, default_union=True)
    return Graph(store=store, identifier=graph.identifier)


def _term_bindings(bindings: Mapping[str, Node] | None) -> dict[str, Identifier]:
    out: dict[str, Identifier] = {}
    for name, value in (bindings or {}).items():
        if not isinstance(value, (URIRef, Literal, BNode)):
            raise ParameterError(
                f"binding for ?{name.lstrip('?$')} must be an RDF term, not {type(value).__name__}"
            )
        out[name.lstrip("?$")] = value
    return out


def _ordered_vars(checked: CheckedQuery, names: Iterable[str]) -> list[str]:
    """`SELECT *` variables in order of first appearance in the text (rdflib gives them as a set)."""
    names = list(names)
    if not checked.select_star:
        return names
    first: dict[str, int] = {}
    for name, offset in _sparqltext.variables(checked.text):
        first.setdefault(name, offset)
    return sorted(names, key=lambda n: (first.get(n, len(checked.text)), n))


def _answer(term: Node | None) -> Node | None:
    return None if term is None else answer_term(term)


def _collect(
    vars_: list[str], solutions: Iterable[Mapping[Any, Any]], max_rows: int
) -> tuple[list[dict[str, Node | None]], bool]:
    rows: list[dict[str, Node | None]] = []
    for solution in solutions:
        if len(rows) == max_rows:
            return rows, True
        rows.append({v: _answer(solution.get(Variable(v))) for v in vars_})
    return rows, False


def _run_rdflib(
    dataset: Graph,
    checked: CheckedQuery,
    bindings: dict[str, Identifier],
    timeout: float | None,
    max_rows: int,
) -> Result:
    deadline = time.monotonic() + timeout if timeout is not None else float("inf")
    store = _DeadlineStore(dataset.store, deadline, timeout or 0.0)
    view = _deadline_view(dataset, store)
    try:
        raw = evalQuery(view, checked.query, bindings)
        kind = raw["type_"]
        if kind == "ASK":
            result = Result.ask(bool(raw["askAnswer"]))
        elif kind == "SELECT":
            vars_ = _ordered_vars(checked, (str(v) for v in raw["vars_"]))
            rows, truncated = _collect(vars_, raw["bindings"], max_rows)
            result = Result.select(vars_, rows, truncated=truncated)
        else:
            graph = Graph()
            for s, p, o in raw["graph"]:
                graph.add((s, p, answer_term(o)))
            result = Result.from_graph(kind, graph, max_triples=max_rows)
        store.tick()  # a timeout swallowed inside rdflib (e.g. in a FILTER) still counts
        return result
    finally:
        store.active = False


def _native_result(
    dataset: Graph,
    checked: CheckedQuery,
    bindings: dict[str, Identifier],
    prefixes: dict[str, Any],
    max_rows: int,
    stop: threading.Event,
) -> Result | None:
    """Evaluate on the store's own engine; None if told to stop before the end."""
    res = dataset.query(checked.text, initNs=prefixes, initBindings=bindings)
    try:
        return _convert_native(res, checked, max_rows, stop)
    finally:
        # oxrdflib's lazy solutions generator sits in a reference cycle with its Result; left to the
        # cyclic GC it could be freed in another thread, which pyoxigraph's iterators do not allow
        lazy = getattr(res, "_genbindings", None)
        if isinstance(lazy, types.GeneratorType):
            lazy.close()


def _convert_native(res: Any, checked: CheckedQuery, max_rows: int, stop: threading.Event) -> Result | None:
    """Our Result from an rdflib Result made by a native engine, reading solutions lazily."""
    if res.type == "ASK":
        return Result.ask(bool(res.askAnswer))
    if res.type == "SELECT":
        vars_ = [str(v) for v in (res.vars or [])]
        rows: list[dict[str, Node | None]] = []
        truncated = False
        for row in cast(Iterable[ResultRow], res):  # lazy: stops on timeout or at the cap
            if stop.is_set():
                return None
            if len(rows) == max_rows:
                truncated = True
                break
            rows.append({v: answer_term(t) for v, t in zip(vars_, row, strict=True)})
        return Result.select(_ordered_vars(checked, vars_), rows, truncated=truncated)
    graph = Graph()
    for s, p, o in res.graph or ():
        graph.add((s, p, answer_term(o)))
    return Result.from_graph(checked.kind, graph, max_triples=max_rows)


def _run_native(
    dataset: Graph,
    checked: CheckedQuery,
    bindings: dict[str, Identifier],
    prefixes: dict[str, Any],
    timeout: float | None,
    max_rows: int,
) -> Result:
    outcome: dict[str, Any] = {}
    stop = threading.Event()

    def work() -> None:
        # Everything the engine returns is made, used and dropped in this thread (pyoxigraph's result
        # iterators must not be freed elsewhere); errors cross over without their traceback frames.
        try:
            outcome["result"] = _native_result(dataset, checked, bindings, prefixes, max_rows, stop)
        except SyntaxError as exc:  # Oxigraph's parser disagreed with rdflib's
            outcome["error"] = QuerySyntaxError(str(exc))
        except Exception as exc:
            outcome["error"] = exc.with_traceback(None)

    worker = threading.Thread(target=work, name="shfz-graph-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        stop.set()
        raise QueryTimeout(f"query took longer than the time limit of {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    result: Result = outcome["result"]
    return result


def run(
    dataset: Graph,
    text: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    allow_network: bool = False,
    timeout: float | None = defaults.TIMEOUT,
    max_rows: int = defaults.MAX_ROWS,
) -> Result:
    """Check, then evaluate a query over a graph or dataset with pre-bound variables, time limit, row cap.

    `bindings` maps variable names (without `?`) to rdflib terms; they are handed to the engine as
    initial bindings, never pasted into the text. `timeout=None` means no limit.
    """
    check_max_rows(max_rows)
    check_timeout(timeout)
    prefixes = dict(dataset.namespaces())
    checked = check(text, allow_network=allow_network, prefixes=prefixes)
    terms = _term_bindings(bindings)
    if _has_own_engine(dataset.store):
        forms = oxigraph_forms(checked, terms, allow_network=allow_network, prefixes=prefixes)
        for i, (form, substituted) in enumerate(forms):
            try:
                subs = {name: terms[name] for name in substituted}
                return _run_native(dataset, form, subs, prefixes, timeout, max_rows)
            except QuerySyntaxError:
                if i == len(forms) - 1:
                    raise
    return _run_rdflib(dataset, checked, terms, timeout, max_rows)
