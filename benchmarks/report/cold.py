"""The cold-path section of RESULTS.md, between `<!-- cold:start -->` and `<!-- cold:end -->`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.report.markdown import TARGETS_HEADER, markers, table

if TYPE_CHECKING:
    from benchmarks.stages.budget import Budget
    from benchmarks.stages.cold import Cold
    from benchmarks.stages.wire import Fetched

# what each mode's line says (the targets are in benchmarks/stages/cold.py: issues 18 and 20)
WHAT = {
    "cold": "cold: light queries, every text new",
    "warm": "warm: the same light texts repeated (answer cache on)",
    "uncached": "uncached: the warm mix with `--answer-cache 0`",
    "revalidation": "revalidation: the warm mix with `If-None-Match`, 304s",
    "heavy": "heavy: joins of milliseconds, every text new",
}


@dataclass
class ColdSetup:
    """How the run was made: when, by which command, on what machine and data, under which load."""

    date: str
    command: str
    machine: str
    data: str
    load_before: str  # os.getloadavg() as "1.02, 0.80, 0.61"
    load_after: str


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def cold_section(
    setup: ColdSetup, cold: Cold, on_the_wire: list[Fetched] | None = None, budget: Budget | None = None
) -> str:
    """The section, markers included: the targets, each server and mode's median round, the bytes."""
    from benchmarks.stages.cold import MODES

    start, end = markers("cold")
    lines = [
        start,
        "## The serving path: cold, warm, uncached, revalidated and heavy queries",
        "",
        f"`python -m benchmarks cold`: {cold.queries} light queries (a count over one predicate each, the "
        f"query's number and a nonce echoed back) and {cold.heavy_queries} heavy ones (the triples of every "
        "subject of one of the largest predicates, counted), sent by wrk with our Lua script "
        f"(`benchmarks/wrk.py`), {cold.connections} keep-alive connections, {cold.seconds:g} s per run, to "
        "`shfz-graph serve` (with its answer cache, and a second one with `--answer-cache 0`) and "
        "`oxigraph serve-read-only` on the same on-disk store. Cold and heavy: every request's text is new "
        "(a nonce in its VALUES block), so no cache can have seen it. Warm: each query keeps one text. "
        "Uncached: the warm texts, every request evaluated. Revalidation: the warm texts with each answer's "
        "ETag in `If-None-Match`; a 304 without a body is the right answer (Oxigraph sends no ETag, so its "
        "baseline is its warm run, answered in full). Each server and mode in turn, "
        f"{len(next(iter(cold.ours.values())).runs)} rounds, the median round counts. Every answer is "
        "checked by the script: the query's number and this request's nonce come back, and the count is "
        "the reference store's. CPU per query: the CPU time of the server's processes over its runs (the "
        "server process, and its children: our fork server and workers) divided by the requests; on a "
        "shared machine it moves less than q/s. Latencies: each right answer timed by the script from its "
        "request's send (the median round's; revalidations, which carry no nonce, by wrk's own timing).",
        "",
        f"- Date: {setup.date}; command: `{setup.command}`",
        f"- Machine: {setup.machine}; load average before {setup.load_before}, after {setup.load_after}",
        f"- Data: {setup.data}",
        "",
        *TARGETS_HEADER,
    ]
    for name, ours in cold.ours.items():
        mode = MODES[name]
        ox, ratio = cold.oxigraph[mode.baseline], cold.ratio(name)
        if mode.target is None:
            revalidated, requests = ours.total("revalidated"), ours.total("requests")
            lines.append(
                f"| {WHAT[name]}: share of requests answered 304 | {revalidated / max(1, requests):.1%} "
                f"| | | 100% | {_verdict(revalidated == requests > 0)} |"
            )
            lines.append(
                f"| {WHAT[name]}: q/s against Oxigraph's warm run | {ours.qps:.0f} q/s | {ox.qps:.0f} q/s | "
                f"{ratio:.2f}x | | (no target) |"
            )
            continue
        lines.append(
            f"| {WHAT[name]}: q/s, at least {mode.target:g}x `oxigraph serve-read-only` | {ours.qps:.0f} q/s "
            f"| {ox.qps:.0f} q/s | {ratio:.2f}x | ≥ {mode.target:g} | {_verdict(ratio >= mode.target)} |"
        )
    if cold.floor is not None and "warm" in cold.ours:
        warm, floor = cold.ours["warm"].qps, cold.floor.qps
        ox_warm = cold.oxigraph["warm"].qps
        lines.append(
            f"| warm: the floor of our HTTP stack (uvicorn answering from a table, `benchmarks/floor.py`): "
            f"ours, and the floor against Oxigraph | {warm:.0f} q/s | {floor:.0f} q/s | "
            f"{warm / floor if floor else 0:.2f}x of the floor; floor "
            f"{floor / ox_warm if ox_warm else 0:.2f}x Oxigraph | | (no target) |"
        )
    errors = sum(s.total("errors") + s.total("died") for s in cold.ours.values())
    wrong = sum(s.total("wrong") for s in cold.ours.values())
    ox_errors = sum(s.total("errors") + s.total("died") for s in cold.oxigraph.values())
    ox_wrong = sum(s.total("wrong") for s in cold.oxigraph.values())
    wire_wrong = sum(f.wrong for f in on_the_wire or [])
    wire_errors = sum(f.errors for f in on_the_wire or [])
    lines += [
        f"| errors (any status but 200 or an expected 304, socket errors, timeouts), every run | "
        f"{errors + wire_errors} | {ox_errors} | | 0 | {_verdict(errors + wire_errors == 0)} |",
        f"| wrong answers, every run (and compressed bodies that do not decode to the plain one) | "
        f"{wrong + wire_wrong} | {ox_wrong} | | 0 | {_verdict(wrong + wire_wrong == 0)} |",
        "",
    ]
    rows = []
    for name in cold.ours:
        pairs = [("shfz-graph serve", cold.ours[name])]
        if name in cold.oxigraph:
            pairs.append(("oxigraph", cold.oxigraph[name]))
        if name == "warm" and cold.floor is not None:
            pairs.append(("uvicorn floor (no store)", cold.floor))
        for server, side in pairs:
            middle = side.median_run
            rounds = ", ".join(f"{r.qps:.0f}" for r in side.runs)
            own, rest = side.cpu_per_query()
            p50, p99 = (middle.p50, middle.p99) if name != "revalidation" else (0.0, middle.wrk_p99)
            rows.append(
                [
                    name,
                    server,
                    f"{side.qps:.0f}",
                    rounds,
                    f"{p50 * 1000:.1f}" if p50 else "",
                    f"{p99 * 1000:.1f}",
                    f"{(own + rest) * 1e6:.0f} ({own * 1e6:.0f} + {rest * 1e6:.0f})",
                    f"{side.total('requests'):,}",
                    str(side.total("errors") + side.total("died")),
                    str(side.total("wrong")),
                ]
            )
    header = [
        "mode",
        "server",
        "q/s (median)",
        "q/s per round",
        "p50 ms",
        "p99 ms",
        "CPU µs per query (server + children)",
        "requests",
        "errors",
        "wrong",
    ]
    lines += table(header, rows, "llrrrrrrrr")
    if budget is not None and cold.floor is not None and "cold" in cold.ours and "cold" in cold.oxigraph:
        lines += ["", *budget_lines(budget, cold)]
    if on_the_wire:
        lines += [
            "",
            "Bytes on the wire (`benchmarks/stages/wire.py`): each answer asked of ours without "
            "`Accept-Encoding`, with `gzip` and with `br` (the coding the answer came in, in brackets), "
            "and of Oxigraph without; every compressed body decoded and compared with the plain one.",
            "",
        ]
        wire_rows = []
        for f in on_the_wire:
            plain = f.sizes.get("identity", 0)
            cells = [f.ask.name, f"{f.oxigraph:,}", f"{plain:,}"]
            for coding in ("gzip", "br"):
                size = f.sizes.get(coding)
                if size is None:
                    cells.append("error")
                    continue
                ratio = size / plain if plain else 0.0
                cells.append(f"{size:,} ({f.encodings.get(coding)}; {ratio:.2f} of plain)")
            wire_rows.append(cells)
        lines += table(
            ["answer", "Oxigraph bytes", "ours, plain", "ours, gzip asked", "ours, br asked"],
            wire_rows,
            "lrrrr",
        )
    lines.append(end)
    return "\n".join(lines) + "\n"


def budget_lines(budget: Budget, cold: Cold) -> list[str]:
    """What a cold request must cost in this design, part by part, against what was measured."""
    assert cold.floor is not None
    floor = sum(cold.floor.cpu_per_query()) * 1e6
    least = floor + budget.hop + budget.evaluation
    ours = sum(cold.ours["cold"].cpu_per_query()) * 1e6
    theirs = sum(cold.oxigraph["cold"].cpu_per_query()) * 1e6
    rows = [
        [
            "our HTTP stack's floor: uvicorn answering from memory (`benchmarks/floor.py`, its warm run)",
            f"{floor:.0f}",
        ],
        [
            "the round trip to a sandboxed worker for a job that asks nothing (`ASK {}`): caller + worker "
            "(`benchmarks/stages/budget.py`)",
            f"{budget.hop:.0f} ({budget.hop_caller:.0f} + {budget.hop_worker:.0f})",
        ],
        ["Oxigraph evaluating a light query in process (query and JSON answer)", f"{budget.evaluation:.0f}"],
        ["**the sum: the least a cold request costs in this design**", f"**{least:.0f}**"],
        ["ours, cold, as measured above (server + children)", f"{ours:.0f}"],
        ["`oxigraph serve-read-only`, cold, as measured above", f"{theirs:.0f}"],
        [
            "the best ratio of q/s the sum allows (Oxigraph's CPU per request / the sum)",
            f"{theirs / least if least else 0:.2f}x",
        ],
    ]
    return [
        "What a cold request must cost here, in CPU µs per request (each part measured in this run):",
        "",
        *table(["part", "CPU µs"], rows, "lr"),
    ]
