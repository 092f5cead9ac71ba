"""The README's examples work as written: its Python blocks run, and its `shfz-graph` lines exit 0."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from shfz_graph.cli import main

pytestmark = pytest.mark.slow  # every example and command of the README, over the real graph (seconds)

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text(encoding="utf-8")
SHELL_BLOCKS = re.findall(r"```bash\n(.*?)```", TEXT, re.S)
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.S)


def _cli_lines() -> list[str]:
    lines = []
    for block in SHELL_BLOCKS[2:]:  # the first two are the set-up commands, run by CI and try-readme
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command.startswith("shfz-graph ") and " serve" not in command and "--endpoint" not in command:
                lines.append(command)
    return lines


def test_readme_opens_with_the_two_setup_commands() -> None:
    assert "pip install" in SHELL_BLOCKS[0] and "shfz-graph query zones-by-area" in SHELL_BLOCKS[0]
    assert "pytest" in SHELL_BLOCKS[1]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert SHELL_BLOCKS[1].strip() in ci, ".ci/run must run the README's test command"


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_python_examples_run(block: str) -> None:
    exec(compile(block, str(README), "exec"), {})


# (the SPARQLWrapper example runs against a real server: tests/integration/test_server_live.py)


@pytest.mark.parametrize("line", _cli_lines())
def test_cli_examples_exit_zero(line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # `export -o` writes here, not into the checkout
    assert main(shlex.split(line)[1:]) == 0


def test_cli_examples_are_found() -> None:
    assert len(_cli_lines()) >= 8


def test_the_table_of_the_free_trade_zones_parts_is_the_graphs_answer(kg: Any) -> None:
    """The README's table of the Shanghai FTZ's parts says what ftz-extent-as-of answers (issue 19)."""
    text = README.read_text(encoding="utf-8").split("| part of the Shanghai FTZ |", 1)[1].split("\n\n", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines()[2:]]
    result = kg.query("ftz-extent-as-of", date="2020-01-01")
    answer = [
        [str(row["label"]), str(row["joined"]), str(row["size"]) if row.get("size") else "no figure given"]
        for row in result.rows
    ]
    assert rows == answer and len(rows) == 8
