"""The isolated run's section of RESULTS.md, between `<!-- isolated:start -->` and `<!-- isolated:end -->`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.report.markdown import END, START, TARGETS_HEADER

if TYPE_CHECKING:
    from benchmarks.stages.hostile import Hostile
    from benchmarks.stages.named import NamedRow
    from benchmarks.stages.throughput import Throughput


@dataclass
class IsolatedSetup:
    """How the isolated run was made: when, by which command, on what, over which data."""

    date: str
    command: str
    machine: str  # "2 CPUs, x86_64, Python 3.11.7"
    clients: int
    triples: int
    reasoning: bool
    seconds: float
    workers: int


def isolated_header(setup: IsolatedSetup) -> list[str]:
    return [
        START,
        "## Query workers",
        "",
        f"- Date: {setup.date}; command: `{setup.command}`",
        f"- Machine: {setup.machine}; load generator: ApacheBench ({setup.clients} keep-alive clients)",
        f"- Data: our ontology and data, {setup.triples:,} synthetic triples (`generate.py --seed 1`)"
        + (" and the OWL 2 RL closure (reasonable)" if setup.reasoning else "")
        + ", in one on-disk Oxigraph store that both servers open read-only",
        "",
    ]


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def isolated_targets(
    setup: IsolatedSetup, named: list[NamedRow], load: Throughput, hostile: Hostile
) -> list[str]:
    """The isolated run's targets table: each row measured, its baseline, the value and the verdict."""
    worst = max([(0.0, ""), *((r.ratio, r.name) for r in named if r.error is None)])
    ours, ox = load.ours, load.oxigraph
    ratio_qps = ours["qps"] / ox["qps"] if ox["qps"] else 0.0
    errors = ours["failed"] - ours["length"] + ours["non2xx"]
    wrong = ours["length"] + (0 if load.same else 1)
    ours_pss, ox_pss = load.ours_pss, load.oxigraph_pss
    limit_mib = 1024 * (setup.workers + 1)  # the regular workers and the spare
    growth = (hostile.peak - hostile.idle) / 1024
    p99 = hostile.p99 * 1000
    return [
        *TARGETS_HEADER,
        f"| every named query within 1.5x raw pyoxigraph (worst: {worst[1]}) | | | {worst[0]:.2f}x | ≤ 1.5 | "
        f"{_verdict(worst[0] <= 1.5)} |",
        f"| endpoint q/s, {setup.clients} clients, at least 0.7x `oxigraph serve-read-only` | "
        f"{ours['qps']:.0f} q/s | {ox['qps']:.0f} q/s | {ratio_qps:.2f}x | ≥ 0.7 | "
        f"{_verdict(ratio_qps >= 0.7)} |",
        f"| endpoint errors (failed + non-2xx) | {errors} | {ox['failed'] + ox['non2xx']} | | 0 | "
        f"{_verdict(errors == 0)} |",
        f"| endpoint wrong answers (length differs from the first, or first differs from Oxigraph's) | "
        f"{wrong} | | | 0 | {_verdict(wrong == 0)} |",
        f"| PSS of all of `serve`'s processes at most 3x `oxigraph serve-read-only` | "
        f"{ours_pss / 1024:.0f} MiB | {ox_pss / 1024:.0f} MiB | {ours_pss / max(ox_pss, 1):.2f}x | ≤ 3 | "
        f"{_verdict(ours_pss <= 3 * ox_pss)} |",
        "| hostile load: growth of `serve`'s PSS at most the worker limit times the workers "
        f"(spare included) | "
        f"{growth:.0f} MiB | {hostile.idle / 1024:.0f} MiB idle | {growth:.0f} MiB | ≤ {limit_mib} MiB | "
        f"{_verdict(growth <= limit_mib)} |",
        f"| hostile load: p99 of a light query | {p99:.0f} ms | | {p99:.0f} ms | ≤ 1000 ms | "
        f"{_verdict(hostile.p99 <= 1.0 and hostile.light_errors == 0)} |",
    ]


def _rounds(load: Throughput) -> str:
    """The q/s of each round, when there were several (the medians are what the table shows)."""
    if len(load.rounds) < 2:
        return ""
    ours = ", ".join(f"{a:.0f}" for a, _ in load.rounds)
    oxigraph = ", ".join(f"{b:.0f}" for _, b in load.rounds)
    return f" in {len(load.rounds)} rounds (q/s ours {ours}; Oxigraph {oxigraph})"


def named_row(row: NamedRow) -> str:
    """One row of the named-query table: ours, raw pyoxigraph and the ratio, or the error we raised."""
    if row.error is not None:
        return f"| {row.name} | {row.error} | | |"
    return f"| {row.name} | {row.ours * 1000:.1f} ms | {row.raw * 1000:.1f} ms | {row.ratio:.2f}x |"


def isolated_section(
    setup: IsolatedSetup, query: str, named: list[NamedRow], load: Throughput, hostile: Hostile
) -> str:
    """The isolated run's section of RESULTS.md, markers included."""
    ours, ox = load.ours, load.oxigraph
    lines = [
        *isolated_header(setup),
        *isolated_targets(setup, named, load, hostile),
        "",
        f"Endpoint query: `{query}` with its default written in, JSON results; ours p50/p99 "
        f"{ours['p50']:.0f}/{ours['p99']:.0f} ms over {ours['complete']:,} requests, Oxigraph "
        f"{ox['p50']:.0f}/{ox['p99']:.0f} ms over {ox['complete']:,}{_rounds(load)}. Hostile stage: "
        f"{setup.seconds:g} s, {len(hostile.outcomes)} hostile answers "
        f"(statuses {sorted(set(hostile.outcomes))}), "
        f"{hostile.light_count} light queries, {hostile.light_errors} of them wrong or failed.",
        "",
        "| named query | ours (`kg.answer`, worker + JSON) | raw pyoxigraph (query + JSON) | ratio |",
        "|---|---:|---:|---:|",
        *(named_row(r) for r in named),
        END,
    ]
    return "\n".join(lines) + "\n"
