"""Markdown for RESULTS.md: tables, the targets with their verdicts, and writing a marked section."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import times

START, END = "<!-- isolated:start -->", "<!-- isolated:end -->"
TARGETS_HEADER = [
    "| target | measured | baseline | ratio / value | limit | verdict |",
    "|---|---|---|---:|---:|---|",
]


def table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    """A Markdown table; `align` has one letter per column, "l" or "r" (default: first left, rest right)."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    return ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"] + [
        "| " + " | ".join(row) + " |" for row in rows
    ]


@dataclass
class Target:
    """A target of the suite: what was measured against what, and the limit its value must keep."""

    what: str
    measured: str
    baseline: str
    value: float | None  # the ratio (or seconds) compared with the limit
    limit: float
    at_least: bool = False  # the value must be >= limit (else <=)
    why: str = ""
    lower_bound: bool = False
    unit: str = "x"  # "x" for a ratio, " s" for seconds, "" for a count

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.limit if self.at_least else self.value <= self.limit


def targets_lines(targets: list[Target]) -> list[str]:
    """The targets table, then for each missed target by how much and why."""
    lines = list(TARGETS_HEADER)
    for t in targets:
        verdict = {True: "met", False: "**missed**", None: "not measured"}[t.met]
        limit = f"{'≥' if t.at_least else '≤'} {t.limit:g}"
        lines.append(
            f"| {t.what} | {t.measured} | {t.baseline} | {times(t.value, t.lower_bound, t.unit)} | {limit} | "
            f"{verdict} |"
        )
    missed = [t for t in targets if t.met is False]
    if missed:
        lines += ["", "### Missed targets: by how much, why, and what would close it", ""]
        for t in missed:
            lines.append(
                f"- **{t.what}**: {times(t.value)} against {'≥' if t.at_least else '≤'} {t.limit:g}. {t.why}"
            )
    return lines


def write_section(path: Path, section: str, markers: tuple[str, str] = (START, END)) -> None:
    """Put `section` between the `markers` of `path`, or after its title when the markers are missing."""
    start, end = markers
    current = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmark results\n"
    if start in current and end in current:
        head, _, rest = current.partition(start)
        _, _, tail = rest.partition(end)
        current = head + section.rstrip("\n") + tail
    else:
        title, _, body = current.partition("\n")
        current = f"{title}\n\n{section}\n{body.lstrip()}"
    write_atomic(path, current)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
