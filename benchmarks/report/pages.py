"""The pages run's section of RESULTS.md, between `<!-- pages:start -->` and `<!-- pages:end -->`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.harness import secs
from benchmarks.report.markdown import Target, table, targets_lines
from benchmarks.stages.pages import UNBOUNDED

if TYPE_CHECKING:
    from benchmarks.stages.pages import PagesRun

MARKERS = ("<!-- pages:start -->", "<!-- pages:end -->")
SECONDS = 1.0  # every page's first answer within this
GROWTH_MIB = 100.0  # the serving process grows by less than this while answering every page
#: Why a page missed its target, where the run showed it (by path).
WHY: dict[str, str] = {
    "/": "Its first answer waits on the query workers (the zones shown and their count, the largest zones, "
    "the sectors and their count, the numbers at the top, the capped classes of the browse list): most of "
    "its time on 2 cores shared with other runs; it is built once per server, and repeated answers take "
    "about 1 ms. What would close it: the counts kept beside the query store when it is built, or the page "
    "built when the server starts.",
    "/.well-known/void": "the counts of a new store, made once by the workers and kept beside it (see "
    "below); later answers, after a restart too, about 1 ms.",
}


@dataclass
class PagesSetup:
    """How the pages run was made: when, by which command, on what, over which data."""

    date: str
    command: str
    machine: str
    triples: int
    ready: float  # seconds from start until the server answered its first query


def pages_targets(run: PagesRun) -> list[Target]:
    """One target per page (its first answer) and one for the serving process's growth."""
    out = [
        Target(
            f"page {p.name} (`{p.path}`), first answer",
            "seconds",
            "-",
            p.first if p.status == 200 else None,
            SECONDS,
            unit=" s",
            why=WHY.get(p.path, "see the table below."),
        )
        for p in run.pages
        if p.path not in UNBOUNDED
    ]
    out.append(
        Target(
            "serving process growth over these pages",
            "VmRSS peak - before, MiB",
            "-",
            round(run.growth_mib, 1),
            GROWTH_MIB,
            unit="",
            why="see the table below.",
        )
    )
    return out


def pages_section(setup: PagesSetup, run: PagesRun) -> str:
    """The section: setup, targets, and a table of every page."""
    rows = [
        [
            p.name,
            f"`{p.path}`",
            str(p.status),
            f"{p.size:,}",
            secs(p.first),
            secs(p.repeated) if p.repeated is not None else "n/a",
            f"{run.page_growth_mib(p):,.0f}",
            "; ".join(p.notes) or "-",
        ]
        for p in run.pages
    ]
    lines = [
        MARKERS[0],
        "## Pages at any size",
        "",
        f"- Date: {setup.date}; command: `{setup.command}`",
        f"- Machine: {setup.machine}",
        f"- Data: our ontology and data and {setup.triples:,} synthetic triples (`generate.py --seed 1`), "
        f"no closure, `shfz-graph --data FILE serve --no-reasoning`; ready (first query answered) after "
        f"{setup.ready:.0f} s",
        "- Each page asked as a browser does (`Accept: text/html`), one after the other: the first answer, "
        "then the median of the repeated ones (`serve` starts building the home page's data as it starts "
        "listening: its first visitor finds it built, or waits for the rest). Memory: VmRSS of the serving "
        "process (the query workers have their own limits), before the first page and at its highest while "
        "answering them "
        f"(before {run.rss_before_kib / 1024:,.0f} MiB, peak {run.rss_peak_kib / 1024:,.0f} MiB, "
        f"after {run.rss_after_kib / 1024:,.0f} MiB).",
        "",
        *targets_lines(pages_targets(run)),
        "",
        *table(
            [
                "page",
                "path",
                "status",
                "bytes",
                "first",
                "repeated",
                "growth, MiB",
                "what it says it leaves out",
            ],
            rows,
            "llrrrrrl",
        ),
        MARKERS[1],
    ]
    return "\n".join(lines) + "\n"
