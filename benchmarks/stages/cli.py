"""Suite stage: the command line as a whole process, warm closure cache, against an rdflib one-liner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import ENDPOINT_QUERY, REPO, Timing, cli_command, measure


def _time_process(args: list[str], env: dict[str, str], repeats: int) -> Timing:
    def run() -> None:
        subprocess.run(args, env=env, cwd=REPO, check=True, capture_output=True)

    return measure(run, repeats, budget=60)


def run(cache: Path, quick: bool) -> dict[str, Any]:
    """`shfz-graph query` on each store, the baseline, and `import shfz_graph.cli` alone."""
    env = {**os.environ, "SHFZ_GRAPH_CACHE": str(cache)}
    repeats = 3 if quick else 10
    base = [sys.executable, "-c", "import rdflib; rdflib.Graph().query('ASK {}')"]
    cli = cli_command()
    out: dict[str, Any] = {"command": " ".join(Path(a).name if i == 0 else a for i, a in enumerate(cli))}
    out["baseline"] = _time_process(base, env, repeats)
    out["memory"] = _time_process([*cli, "query", ENDPOINT_QUERY], env, repeats)
    out["oxigraph"] = _time_process([*cli, "--store", "oxigraph", "query", ENDPOINT_QUERY], env, repeats)
    out["import"] = _time_process([sys.executable, "-X", "importtime", "-c", "import shfz_graph.cli"], env, 1)
    return out
