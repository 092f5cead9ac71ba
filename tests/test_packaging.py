"""The wheel ships the ontology, data, queries and web assets, and works from outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds and installs the wheel

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("shfz_graph-*.whl")
    return found


def test_wheel_holds_the_product_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "shfz_graph/py.typed",
        "shfz_graph/_bundled/ontology/shfz.ttl",
        "shfz_graph/_bundled/ontology/shapes.ttl",
        "shfz_graph/_bundled/ontology/context.jsonld",
        "shfz_graph/_bundled/data/zones.ttl",
        "shfz_graph/_bundled/data/links.ttl",
    }
    assert expected <= names
    shipped_queries = {n.rsplit("/", 1)[1] for n in names if n.startswith("shfz_graph/_bundled/queries/")}
    assert shipped_queries == {p.name for p in (ROOT / "queries").glob("*.rq")}
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_unpacked_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import shfz_graph, shfz_graph.resources as r;"
        "print(r.ontology_path());"
        "print(shfz_graph.load(reason=False).query('total-area').rows[0]['totalArea'])"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "SHFZ_GRAPH_CACHE": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    ontology, total = done.stdout.split()
    assert Path(ontology) == site / "shfz_graph" / "_bundled" / "ontology" / "shfz.ttl"
    assert total == "266.7"  # the nine zones with a stated area, in both batches
