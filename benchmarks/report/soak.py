"""The soak's section of RESULTS.md (between `<!-- soak:start -->` and `<!-- soak:end -->`) and its chart."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.report.chart import Series, line_chart
from benchmarks.report.markdown import TARGETS_HEADER, markers

if TYPE_CHECKING:
    from benchmarks.stages.soak import Sample, Soak

FLAT = 1.1  # memory is flat when the last third's median PSS is at most this times the first third's


@dataclass
class SoakSetup:
    """How the soak was made."""

    date: str
    command: str
    machine: str
    data: str
    connections: int
    hostile_clients: int
    chaos_every: float
    timeout: float
    load_before: str
    load_after: str
    chart: str  # the chart's file name, beside RESULTS.md


def thirds(samples: list[Sample], key: str) -> tuple[float, float]:
    """The median of `key` (KiB) over the first and over the last third of the samples."""
    values = [getattr(s, key) for s in samples]
    third = max(1, len(values) // 3)
    return statistics.median(values[:third]), statistics.median(values[-third:])


def slope(samples: list[Sample], key: str) -> float:
    """The least-squares slope of `key` over time, in MiB per minute (0 for fewer than two samples)."""
    if len(samples) < 2:
        return 0.0
    xs = [s.seconds / 60 for s in samples]
    ys = [getattr(s, key) / 1024 for s in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def chart(samples: list[Sample]) -> str:
    """The PSS over time as SVG: every serving process, and the long-lived ones alone."""
    return line_chart(
        "PSS of shfz-graph serve during the soak",
        "minutes",
        "MiB",
        [
            Series("all serving processes", [(s.seconds / 60, s.total / 1024) for s in samples]),
            Series("server + fork server", [(s.seconds / 60, s.long_lived / 1024) for s in samples]),
        ],
    )


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def soak_section(setup: SoakSetup, soak: Soak) -> str:
    """The section, markers included."""
    start, end = markers("soak")
    light = soak.light
    first, last = thirds(soak.samples, "total")
    kept_first, kept_last = thirds(soak.samples, "long_lived")
    growth = last / first if first else 0.0
    kept_growth = kept_last / kept_first if kept_first else 0.0
    hostile = "; ".join(f"{count} × {what}" for what, count in soak.hostile.items()) or "none"
    lines = [
        start,
        "## Soak: light load, hostile clients and killed workers",
        "",
        f"`python -m benchmarks soak`: for {soak.seconds / 60:g} minutes, wrk sends the cold mix of light "
        f"queries (every text new, every answer checked; {setup.connections} connections) to one "
        f"`shfz-graph serve` (`--timeout {setup.timeout:g}`), while {setup.hostile_clients} hostile "
        "clients send the hostile query classes of `tests/conftest.py` in turn and a chaos client "
        f"SIGKILLs a random idle worker every {setup.chaos_every:g} s. The PSS of the serving processes "
        "(from `/proc/*/smaps_rollup`) is sampled throughout.",
        "",
        f"- Date: {setup.date}; command: `{setup.command}`",
        f"- Machine: {setup.machine}; load average before {setup.load_before}, after {setup.load_after}",
        f"- Data: {setup.data}",
        "",
        *TARGETS_HEADER,
        f"| wrong answers to light queries | {light.wrong} | | | 0 | {_verdict(light.wrong == 0)} |",
        f"| errors on light queries (any status but 200 and the chaos client's 500s, socket errors, "
        f"timeouts) | {light.errors} | | | 0 | {_verdict(light.errors == 0)} |",
        f"| memory flat: median PSS of all serving processes, last third against first third | "
        f"{last / 1024:.0f} MiB | {first / 1024:.0f} MiB | {growth:.2f}x | ≤ {FLAT} | "
        f"{_verdict(growth <= FLAT)} |",
        f"| memory flat: the same for the server and the fork server | {kept_last / 1024:.0f} MiB | "
        f"{kept_first / 1024:.0f} MiB | {kept_growth:.2f}x | ≤ {FLAT} | "
        f"{_verdict(kept_growth <= FLAT)} |",
        "",
        f"Light queries: {light.requests:,} answered in {light.seconds:.0f} s ({light.qps:.0f} q/s), "
        f"p50 {light.p50 * 1000:.1f} ms, p99 {light.p99 * 1000:.1f} ms, "
        f"max {light.max * 1000:.0f} ms (each right answer timed from its request; wrk's own p99, "
        f"which adds made-up samples for stalls to correct coordinated omission: "
        f"{light.wrk_p99 * 1000:.0f} ms); "
        f'{light.died} answered 500 "the query\'s worker died" (hit by the chaos client). Hostile '
        f"answers: {hostile}. Workers killed: {soak.kills} idle, {soak.busy_kills} least busy "
        "(none was idle); "
        f"workers before {soak.workers_before}, after {soak.workers_after}; a light query answered right "
        f"after the load: {'yes' if soak.answers_after else 'no'}. PSS slope: all processes "
        f"{slope(soak.samples, 'total'):+.2f} MiB/min, server + fork server "
        f"{slope(soak.samples, 'long_lived'):+.2f} MiB/min over {len(soak.samples)} samples.",
        "",
        f"![PSS of the serving processes during the soak]({setup.chart})",
        end,
    ]
    return "\n".join(lines) + "\n"
