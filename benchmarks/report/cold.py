"""The cold-path section of RESULTS.md, between `<!-- cold:start -->` and `<!-- cold:end -->`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.report.markdown import TARGETS_HEADER, markers, table

if TYPE_CHECKING:
    from benchmarks.stages.cold import Cold

TARGET = 0.7  # issue 18: a light query whose text is new, within 0.7x of Oxigraph


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


def cold_section(setup: ColdSetup, cold: Cold) -> str:
    """The section, markers included: the targets, then each server and mode's median round."""
    start, end = markers("cold")
    lines = [
        start,
        "## The cold path: new texts and repeated texts",
        "",
        f"`python -m benchmarks cold`: {cold.queries} light queries (a count over one predicate each, the "
        "query's number and a nonce echoed back) sent by wrk with our Lua script (`benchmarks/wrk.py`), "
        f"{cold.connections} keep-alive connections, {cold.seconds:g} s per run, to `shfz-graph serve` and "
        "`oxigraph serve-read-only` on the same on-disk store. Cold: every request's text is new (a nonce "
        "in its VALUES block). Repeated: each query keeps one text. Each server and mode in turn, "
        f"{len(cold.ours['cold'].runs)} rounds, the median round counts. Every answer is checked by the "
        "script: the query's number and this request's nonce come back, and the count is the reference "
        "store's. CPU per query: the CPU time of the server's processes over its runs (the server process, "
        "and its children: our fork server and workers) divided by the requests; on a shared machine it "
        "moves less than q/s. Latencies: each right answer timed by the script from its request's send (the "
        "median round's).",
        "",
        f"- Date: {setup.date}; command: `{setup.command}`",
        f"- Machine: {setup.machine}; load average before {setup.load_before}, after {setup.load_after}",
        f"- Data: {setup.data}",
        "",
        *TARGETS_HEADER,
    ]
    for mode in ("cold", "repeated"):
        ours, ox, ratio = cold.ours[mode], cold.oxigraph[mode], cold.ratio(mode)
        lines.append(
            f"| {mode} texts: q/s, {cold.connections} connections, at least {TARGET}x "
            f"`oxigraph serve-read-only` | {ours.qps:.0f} q/s | {ox.qps:.0f} q/s | {ratio:.2f}x | "
            f"≥ {TARGET} | {_verdict(ratio >= TARGET)} |"
        )
    errors = sum(cold.ours[m].total("errors") + cold.ours[m].total("died") for m in cold.ours)
    wrong = sum(cold.ours[m].total("wrong") for m in cold.ours)
    ox_errors = sum(cold.oxigraph[m].total("errors") + cold.oxigraph[m].total("died") for m in cold.ours)
    ox_wrong = sum(cold.oxigraph[m].total("wrong") for m in cold.ours)
    lines += [
        f"| errors (any status but 200, socket errors, timeouts), every run | {errors} | {ox_errors} | | 0 | "
        f"{_verdict(errors == 0)} |",
        f"| wrong answers, every run | {wrong} | {ox_wrong} | | 0 | {_verdict(wrong == 0)} |",
        "",
    ]
    rows = []
    for mode in ("cold", "repeated"):
        for name, side in (("shfz-graph serve", cold.ours[mode]), ("oxigraph", cold.oxigraph[mode])):
            middle = side.median_run
            rounds = ", ".join(f"{r.qps:.0f}" for r in side.runs)
            own, rest = side.cpu_per_query()
            rows.append(
                [
                    mode,
                    name,
                    f"{side.qps:.0f}",
                    rounds,
                    f"{middle.p50 * 1000:.1f}",
                    f"{middle.p99 * 1000:.1f}",
                    f"{(own + rest) * 1e6:.0f} ({own * 1e6:.0f} + {rest * 1e6:.0f})",
                    f"{side.total('requests'):,}",
                    str(side.total("errors") + side.total("died")),
                    str(side.total("wrong")),
                ]
            )
    header = [
        "texts",
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
    lines.append(end)
    return "\n".join(lines) + "\n"
