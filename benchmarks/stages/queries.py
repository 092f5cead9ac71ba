"""Suite stage: each named query, ours (`kg.query`) against raw pyoxigraph on the same store and rdflib.

Ours runs on the Oxigraph store with inferences; raw pyoxigraph queries the very same Store, the
parameters bound by VALUES or written in (the faster of the two); rdflib's engine runs on the memory
store in a forked process, stopped at its cap. Also where the time of one `kg.query` goes.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from rdflib import Dataset

from benchmarks.harness import capped, label, measure
from shfz_graph import catalog
from shfz_graph.graph import KnowledgeGraph, load
from shfz_graph.progress import progress

PROFILED_QUERY = "initiatives"
MAX_ROWS = 10_000  # the library's default row cap; baselines read as many rows


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """The query with its parameters bound by a VALUES block at the start of the outer WHERE.

    How a pyoxigraph user binds a variable that is not projected (`Store.query(substitutions=...)` takes
    projected variables only); the same text is sent to every server in the endpoint benchmark.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    values = (
        "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(bindings[n].n3() for n in names)
    )
    values += ") }"
    upper = text.upper()
    at = upper.find("WHERE")
    brace = text.find("{", at)
    return text[: brace + 1] + "\n  " + values + "\n" + text[brace + 1 :]


def with_constants(text: str, bindings: dict[str, Any]) -> str:
    """The query with each parameter variable replaced by its term (`.n3()`), as grlc does."""
    from shfz_graph import _sparqltext

    out = text
    for name, offset in sorted(_sparqltext.variables(text), key=lambda item: -item[1]):
        if name in bindings:
            out = out[:offset] + bindings[name].n3() + out[offset + 1 + len(name) :]
    return out


def consume_ox(result: Any) -> int:
    """Read a pyoxigraph answer as a user would, at most MAX_ROWS solutions."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return 1
    count = 0
    for _ in result:
        count += 1
        if count >= MAX_ROWS and isinstance(result, ox.QuerySolutions):
            break
    return count


def consume_rdflib(result: Any) -> int:
    """Read an rdflib answer as a user would, at most MAX_ROWS rows."""
    if result.type == "ASK":
        return 1
    count = 0
    for _ in result:
        count += 1
        if count >= MAX_ROWS and result.type == "SELECT":
            break
    return count


def goes_native(kg: KnowledgeGraph, text: str, bindings: dict[str, Any]) -> bool:
    """Whether engine.run hands this query to Oxigraph (else rdflib's engine runs over the Oxigraph store)."""
    from shfz_graph.query import engine, guard

    checked = guard.check(text, prefixes=dict(kg.dataset.namespaces()))
    can_bind = getattr(engine, "_native_can_bind", None)
    return True if can_bind is None else bool(can_bind(checked, engine._term_bindings(bindings)))


def _one(
    kg: KnowledgeGraph, inner: Any, memory: Dataset, query: Any, size: int, quick: bool, rdflib_cap: float
) -> dict[str, Any]:
    """One named query: ours, the faster raw binding, and rdflib's engine (capped)."""
    bindings = query.bind({})
    repeats = 1 if quick else 5

    def raw(text: str) -> None:
        consume_ox(inner.query(text, use_default_graph_as_union=True))

    def rdflib_engine(text: str = query.text, bindings: dict[str, Any] = bindings) -> None:
        consume_rdflib(memory.query(text, initBindings=bindings))

    n_rows = len(kg.query(query.name, timeout=300).rows)
    t_ours = measure(lambda: kg.query(query.name, timeout=300), repeats, budget=20)
    t_raw = measure(partial(raw, with_values(query.text, bindings)), repeats, budget=20)
    binding = "VALUES" if bindings else ""
    if bindings:  # the better of the two ways a pyoxigraph user binds a parameter
        t_const = measure(partial(raw, with_constants(query.text, bindings)), repeats, budget=20)
        if (t_const.median or 0) < (t_raw.median or 0):
            t_raw, binding = t_const, "constant"
    assert t_ours.median is not None
    cap = rdflib_cap if size < 10**6 else min(rdflib_cap, max(2.0, 21 * t_ours.median))
    t_rdflib = capped(rdflib_engine, cap, 1 if size >= 10**6 or quick else 3)
    native = goes_native(kg, query.text, bindings)
    row = {"name": query.name, "rows": n_rows, "ours": t_ours, "raw": t_raw, "rdflib": t_rdflib}
    return {**row, "native": native, "binding": binding}


def run(size: int, path: Path, cache: Path, quick: bool, rdflib_cap: float) -> dict[str, Any]:
    """Each named query: our kg.query (Oxigraph store) vs raw pyoxigraph on the same store vs rdflib."""
    started = time.perf_counter()
    kg = load(store="oxigraph", extra_sources=[path], cache_dir=cache)
    build_ours = time.perf_counter() - started
    inner = kg.dataset.store._inner  # type: ignore[attr-defined]  # the very same pyoxigraph Store
    started = time.perf_counter()
    memory = load(store="memory", extra_sources=[path], cache_dir=cache)
    build_memory = time.perf_counter() - started
    queries = [q for q in catalog.catalog() if not q.network]
    rows = [
        _one(kg, inner, memory.dataset, query, size, quick, rdflib_cap)
        for query in progress(queries, f"queries {label(size)}")
    ]
    try:
        breakdown = profile_query(kg, PROFILED_QUERY)
    except Exception as exc:  # a failed profile must not lose the run
        breakdown = [(f"profile failed: {type(exc).__name__}: {exc}", 0.0)]
    kg.close()
    memory.close()
    gc.collect()
    return {
        "size": size,
        "rows": rows,
        "build_ours": build_ours,
        "build_memory": build_memory,
        "breakdown": breakdown,
    }


def profile_query(kg: KnowledgeGraph, name: str) -> list[tuple[str, float]]:
    """Where the time of one kg.query goes: each step timed on its own (medians of 5)."""
    from shfz_graph.query import guard

    query = catalog.get(name)
    prefixes = dict(kg.dataset.namespaces())
    inner = kg.dataset.store._inner  # type: ignore[attr-defined]
    steps: list[tuple[str, Callable[[], object]]] = [
        ("kg.query (total)", lambda: kg.query(name, timeout=300)),
        ("catalog.get + NamedQuery.bind", lambda: catalog.get(name).bind({})),
        (
            "guard.check (rdflib parse + algebra, every call)",
            lambda: guard.check(query.text, prefixes=prefixes),
        ),
        (
            "Dataset.query via oxrdflib + reading the rows (rdflib terms)",
            lambda: list(kg.dataset.query(query.text, initNs=prefixes)),
        ),
        (
            "raw pyoxigraph Store.query + reading the rows",
            lambda: list(inner.query(query.text, use_default_graph_as_union=True)),
        ),
    ]
    out = []
    for step, fn in steps:
        timing = measure(fn, 5, budget=15)
        assert timing.median is not None
        out.append((step, timing.median))
    return out
