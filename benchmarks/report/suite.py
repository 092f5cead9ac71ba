"""The suite's RESULTS.md: one section per stage, each with the targets it decides.

Every `*_section` takes what its stage measured and returns its Markdown lines and its targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.harness import ENDPOINT_QUERY, Timing, label, ratio, secs, times
from benchmarks.report.markdown import Target, table, targets_lines
from benchmarks.report.why import WHY

Section = tuple[list[str], list[Target]]
MAX_ROWS = 10_000  # as benchmarks.stages.queries reads


@dataclass
class Suite:
    """What the suite measured: its report sections and targets, in the order they were measured."""

    sections: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def add(self, section: Section) -> None:
        self.sections += section[0]
        self.targets += section[1]


def suite_document(
    environment: list[str], sizes: list[int], quick: bool, elapsed: float, suite: Suite, seed: int
) -> str:
    """The suite's RESULTS.md: the environment, the targets, then one section per stage."""
    lines = ["# Benchmark results", "", *environment]
    lines.append(
        f"- Sizes: {', '.join(label(s) for s in sizes)} synthetic triples (seed {seed}, "
        "`benchmarks/generate.py`), always loaded next to our ontology and data; total run "
        f"{elapsed / 60:.1f} min"
    )
    if quick:
        lines.append(
            "- **Quick run**: one size, one repeat; the targets are stated for larger sizes, so read the "
            "verdicts below as indications only."
        )
    lines += ["", "## Targets", ""]
    lines += targets_lines(suite.targets)
    lines += ["", *suite.sections]
    return "\n".join(lines) + "\n"


def generate_section(sizes: list[int]) -> Section:
    return [
        "## Generated data",
        "",
        f"`generate.py` wrote {', '.join(label(s) for s in sizes)} triples"
        " of Turtle in a few seconds each (pyoxigraph's serializer; 10^6 takes about 8 s).",
        "",
    ], []


def _rdflib_over_ours(r: dict[str, Any]) -> str:
    """rdflib's time over ours, a lower bound (its cap) when rdflib did not finish."""
    value = ratio(r["rdflib"], r["ours"]) or (
        r["rdflib"].cap / r["ours"].median if r["rdflib"].median is None else None
    )
    return times(value, r["rdflib"].median is None)


def load_section(rows: list[dict[str, Any]], large: int) -> Section:
    lines = ["## Load (parse a Turtle file into a store)", ""]
    lines += [
        'Ours: `load(store="oxigraph", extra_sources=[file], reason=False)` (also parses our ontology'
        " and data, about 1,800 triples, and hashes the sources). Raw: `pyoxigraph.Store().load(path, "
        "format=RdfFormat.TURTLE)`."
        ' rdflib: `Graph().parse(file, format="turtle")`, capped.',
        "",
    ]
    lines += table(
        ["triples", "ours (Oxigraph)", "raw pyoxigraph", "ours / raw", "rdflib memory", "rdflib / ours"],
        [
            [
                label(r["size"]),
                r["ours"].text(),
                r["raw"].text(),
                times(ratio(r["ours"], r["raw"])),
                r["rdflib"].text(),
                _rdflib_over_ours(r),
            ]
            for r in rows
        ],
    )
    lines.append("")
    big = next(r for r in rows if r["size"] == large)
    target = Target(
        f"load {label(large)} into Oxigraph within 1.3x of raw `Store.load`",
        big["ours"].text(),
        big["raw"].text(),
        ratio(big["ours"], big["raw"]),
        1.3,
        why=WHY["load"],
    )
    return lines, [target]


REASON_TEXT = (
    "Ours: `reasoning.closure(graphs, reasoner=...)` (no cache; noise removed, consistency checked, "
    "reasonable's"
    " gaps filled). Raw reasonable: `PyReasoner().from_graph(triples); reason()` on the same triples "
    "minus"
    " owl:InverseFunctionalProperty declarations (with them reasonable 0.4.4 runs out of memory, see "
    "README)."
    " Raw owlrl: `DeductiveClosure(OWLRL_Semantics).expand(graph)`. **owlrl runs only at 10^4**: at "
    "10^5 it takes"
    " about 66 s and would dominate the run."
)
REASON_HEADER = [
    "synthetic",
    "input triples",
    "ours, reasonable",
    "raw reasonable",
    "ours / raw",
    "ours, owlrl",
    "raw owlrl",
]


def reason_section(rows: list[dict[str, Any]]) -> Section:
    lines = ["## Reasoning (OWL 2 RL closure of ontology + data + synthetic)", "", REASON_TEXT, ""]
    cells = [
        [
            label(r["size"]),
            f"{r['input']:,}",
            r["ours"].text(),
            r["raw"].text(),
            times(ratio(r["ours"], r["raw"])),
            r.get("ours_owlrl", Timing()).text() if "ours_owlrl" in r else "not run",
            r.get("raw_owlrl", Timing()).text() if "raw_owlrl" in r else "not run",
        ]
        for r in rows
    ]
    lines += table(REASON_HEADER, cells)
    lines.append("")
    hundred = next((r for r in rows if r["size"] == 10**5), None)
    if hundred is not None:
        r, what = hundred, "reasoning over 10^5 synthetic triples with reasonable under 10 s"
    else:
        r = rows[0]
        what = f"reasoning with reasonable under 10 s (measured at {label(r['size'])} only)"
    target = Target(
        what, r["ours"].text(), r["raw"].text() + " raw", r["ours"].median, 10.0, why=WHY["reason"], unit=" s"
    )
    return lines, [target]


def validate_section(v: dict[str, Any]) -> Section:
    lines = ["## Validation (SHACL, pySHACL)", ""]
    lines += table(
        [
            "synthetic",
            "data triples",
            "ours `kg.validate()`",
            "raw `pyshacl.validate`",
            "ours / raw",
            "conforms",
        ],
        [
            [
                label(v["size"]),
                f"{v['triples']:,}",
                v["ours"].text(),
                v["raw"].text(),
                times(ratio(v["ours"], v["raw"])),
                str(v["conforms"]),
            ]
        ],
    )
    lines.append("")
    return lines, []


def _queries_text(q: dict[str, Any]) -> str:
    size = q["size"]
    return (
        f"Stores built in {q['build_ours']:.1f} s (ours, Oxigraph, with reasoning or its cache) and"
        f" {q['build_memory']:.1f} s (rdflib memory, closure from the cache). Ours: `kg.query(name)`; "
        "raw:"
        " `Store.query(text, use_default_graph_as_union=True)` on the very same pyoxigraph Store, "
        "parameters"
        " bound by a VALUES block at the start of the WHERE or by writing the term in place of the"
        " variable"
        " (the faster of the two, shown in brackets); rdflib: `Dataset.query(text, initBindings=...)`"
        " on the memory store"
        " (its own engine), run in a forked process and stopped at its "
        + (
            "cap (at 10^6: 21x our time, enough to show the 20x target, at most 60 s)."
            if size >= 10**6
            else "cap of 60 s."
        )
        + f" Each reads at most {MAX_ROWS:,} rows, as `kg.query` does. 'native' says whether "
        "`engine.run` gave"
        " the query to Oxigraph (no: rdflib's engine over the Oxigraph store)."
    )


QUERIES_HEADER = [
    "query",
    "rows",
    "native",
    "ours",
    "raw pyoxigraph (binding)",
    "ours / raw",
    "rdflib engine",
    "rdflib / ours",
]


def _rdflib_speedup(r: dict[str, Any]) -> tuple[float | None, bool]:
    """How many times rdflib's engine is slower than ours; a lower bound (its cap) if it did not finish."""
    rd = ratio(r["rdflib"], r["ours"])
    if rd is None and r["rdflib"].cap is not None and r["ours"].median:
        return r["rdflib"].cap / r["ours"].median, True
    return rd, False


def _query_cells(r: dict[str, Any]) -> list[str]:
    rd, lower = _rdflib_speedup(r)
    return [
        r["name"],
        str(r["rows"]),
        "yes" if r["native"] else "**no**",
        r["ours"].text(),
        r["raw"].text() + (f" ({r['binding']})" if r["binding"] else ""),
        times(ratio(r["ours"], r["raw"])),
        r["rdflib"].text(),
        times(rd, lower),
    ]


def _queries_targets(q: dict[str, Any]) -> list[Target]:
    """At the large size: the worst ratio to raw pyoxigraph, and the least speed-up over rdflib."""
    rows, size = q["rows"], q["size"]
    worst_raw = max([0.0, *(ratio(r["ours"], r["raw"]) or 0.0 for r in rows)])
    speedups = [_rdflib_speedup(r)[0] for r in rows]
    found = [s for s in speedups if s is not None]
    worst_rdflib = min(found) if found else None
    slow = sorted(rows, key=lambda r: -(ratio(r["ours"], r["raw"]) or 0))[0]
    fast = min(rows, key=lambda r: ratio(r["rdflib"], r["ours"]) or float("inf"))
    return [
        Target(
            f"every named query at {label(size)} within 1.3x of raw pyoxigraph (worst ratio)",
            f"{slow['name']}: {slow['ours'].text()}",
            slow["raw"].text(),
            worst_raw,
            1.3,
            why=WHY["query_raw"],
        ),
        Target(
            f"every named query at {label(size)} at least 20x faster than rdflib's engine (worst)",
            f"{fast['name']}: {fast['ours'].text()}",
            fast["rdflib"].text(),
            worst_rdflib,
            20.0,
            at_least=True,
            why=WHY["query_rdflib"],
            lower_bound=len(found) < len(speedups) and worst_rdflib is None,
        ),
    ]


def queries_section(q: dict[str, Any], large: int, profiled: str) -> Section:
    """The named queries at one size, and where the time of `kg.query(profiled)` goes."""
    size = q["size"]
    lines = [f"## Named queries at {label(size)} synthetic triples (with inferences)", ""]
    lines += [_queries_text(q), ""]
    lines += table(QUERIES_HEADER, [_query_cells(r) for r in q["rows"]], "lrlrrrrr")
    lines.append("")
    lines += [
        f"Where the time of `kg.query({profiled!r})` goes at {label(size)} (each step alone, medians):",
        "",
    ]
    lines += table(["step", "time"], [[step, secs(t)] for step, t in q["breakdown"]])
    lines.append("")
    return lines, _queries_targets(q) if size == large else []


def export_section(rows: list[dict[str, Any]]) -> Section:
    lines = ["## Export (asserted graphs, deterministic bytes)", ""]
    lines += [
        "Ours: `kg.export(fmt)` (canonical blank nodes, sorted statements, byte-identical output), on each "
        "store."
        " Raw: `pyoxigraph.serialize` of the store's quads (unsorted). rdflib: `Dataset.serialize`.",
        "",
    ]
    lines += table(
        ["synthetic", "format", "ours (Oxigraph)", "ours (memory)", "raw pyoxigraph", "rdflib serialize"],
        [
            [
                label(r["size"]),
                r["format"],
                r["ours_ox"].text(),
                r["ours_memory"].text(),
                r["raw"].text(),
                r["rdflib"].text(),
            ]
            for r in rows
        ],
        "llrrrr",
    )
    lines.append("")
    return lines, []


def cli_section(cli: dict[str, Any]) -> Section:
    lines = ["## Command line, whole process, warm closure cache", ""]
    baseline = "`python -c \"import rdflib; rdflib.Graph().query('ASK {}')\"` (baseline)"
    lines += table(
        ["command", "median"],
        [
            [baseline, cli["baseline"].text()],
            [f"`{cli['command']} query {ENDPOINT_QUERY}` (memory store, the default)", cli["memory"].text()],
            [f"`{cli['command']} --store oxigraph query {ENDPOINT_QUERY}`", cli["oxigraph"].text()],
        ],
        "lr",
    )
    lines.append("")
    target = Target(
        f"warm `shfz-graph query {ENDPOINT_QUERY}` at most 2.5x the rdflib one-liner",
        cli["memory"].text(),
        cli["baseline"].text(),
        ratio(cli["memory"], cli["baseline"]),
        2.5,
        why=WHY["cli"],
    )
    return lines, [target]


def _endpoint_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            r["server"],
            str(r["requests"]),
            f"{r['qps']:.1f}",
            secs(r["p50"]),
            secs(r["p99"]),
            str(r["errors"]) + (f" ({', '.join(r['error_kinds'])})" if r["errors"] else ""),
        ]
        for r in results
    ]


def _endpoint_targets(results: list[dict[str, Any]]) -> list[Target]:
    """Ours against `oxigraph serve` and rdflib-endpoint, and no errors, for the servers that ran."""
    by_name = {r["server"]: r for r in results}
    ours, targets = by_name.get("shfz-graph serve"), []
    if ours is None:
        return []
    for name, limit in (("oxigraph serve", 0.7), ("rdflib-endpoint", 4.0)):
        other = by_name.get(name)
        if other:
            targets.append(
                Target(
                    f"endpoint: q/s at least {limit:g}x `{name}`",
                    f"{ours['qps']:.1f} q/s",
                    f"{other['qps']:.1f} q/s",
                    ours["qps"] / other["qps"] if other["qps"] else None,
                    limit,
                    at_least=True,
                    why=WHY["endpoint"],
                )
            )
    errors = Target(
        "endpoint: zero errors", f"{ours['errors']} errors", "", float(ours["errors"]), 0.0, unit=""
    )
    return [*targets, errors]


def endpoints_section(e: dict[str, Any]) -> Section:
    """The servers under the same load, then `python -m benchmarks server`'s row on the named-query API."""
    lines = [
        f"## SPARQL endpoints, 16 concurrent clients on loopback, {label(e['size'])} synthetic triples",
        "",
        f"The same query text ({ENDPOINT_QUERY}, parameter bound by VALUES) over the SPARQL protocol (GET) to"
        " each server holding the same quads (asserted + inferred, union default graph), for"
        f" {e['seconds']:g} s after a warm-up; client loop from benchmarks/client.py,"
        " keep-alive connections, JSON results. Client threads and server share the 2 cores.",
        "",
    ]
    lines += table(["server", "requests", "queries/s", "p50", "p99", "errors"], _endpoint_rows(e["results"]))
    lines += [
        "",
        "Helper 6's `python -m benchmarks server` against the same `serve`, on the named-query API:",
        "",
        "| server | query | clients | seconds | requests | queries/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        e["api"] or "(not run)",
        "",
    ]
    return lines, _endpoint_targets(e["results"])


def memory_failed_section(exc: Exception) -> Section:
    return [f"## Peak memory of the servers: failed ({type(exc).__name__}: {exc})", ""], []


def memory_section(m: dict[str, Any]) -> Section:
    """Peak RSS of `serve` in memory, on disk (second start) and of `oxigraph serve`."""
    large = m["size"]
    lines = [f"## Peak memory of the servers, {label(large)} synthetic triples", ""]
    servers = [
        ("`shfz-graph --store oxigraph --data FILE serve`", "ours"),
        ("`shfz-graph --store oxigraph --store-path DIR --data FILE serve` (second start)", "ours_disk"),
        ("`oxigraph serve` (same quads, loaded beforehand)", "oxigraph"),
    ]
    cells = [[name, f"{m[key] / 1024:.0f} MiB", f"{m[key + '_ready']:.1f} s"] for name, key in servers]
    lines += table(["server", "peak RSS (VmHWM)", "ready after"], cells, "lrr")
    lines.append("")
    oxigraph = f"{m['oxigraph'] / 1024:.0f} MiB"
    targets = [
        Target(
            f"peak RSS of `serve` with {label(large)} triples at most 1.5x `oxigraph serve`",
            f"{m['ours'] / 1024:.0f} MiB",
            oxigraph,
            m["ours"] / m["oxigraph"] if m["oxigraph"] else None,
            1.5,
            why=WHY["rss"],
        ),
        Target(
            f"the same with an on-disk store (`--store-path`, second start), {label(large)} triples",
            f"{m['ours_disk'] / 1024:.0f} MiB",
            oxigraph,
            m["ours_disk"] / m["oxigraph"] if m["oxigraph"] else None,
            1.5,
            why=WHY["rss_disk"],
        ),
    ]
    return lines, targets


def stages_section(stages: list[tuple[str, float]], load_average: tuple[float, float, float]) -> Section:
    lines = ["## Time per stage of this run", ""]
    lines += table(["stage", "minutes"], [[name, f"{took / 60:.1f}"] for name, took in stages])
    lines += [
        "",
        f"Load average at the end: {load_average[0]:.2f} (1 min), {load_average[2]:.2f} (15 min);"
        " other work on the machine during the run makes the timings noisier.",
        "",
    ]
    return lines, []
