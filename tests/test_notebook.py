"""docs/analysts.ipynb: committed without outputs, and run from top to bottom in a real Jupyter kernel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow  # runs the notebook in a real Jupyter kernel

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "analysts.ipynb"

# What the notebook computes, read back from its kernel after it ran (appended to the in-memory copy only).
CHECK = """\
import json
print(json.dumps({
    "dtypes": {str(k): str(v) for k, v in areas.dtypes.items()},
    "bar_labels": [t.get_text() for t in ax.texts],
    "hatches": [bar.get_hatch() or "" for bar in bars],
    "legend": [t.get_text() for t in ax.get_legend().get_texts()],
    "zones_by_sector": zones_by_sector.to_dict(),
}))
"""


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) >= 5
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Any:
    """The notebook executed by nbclient in a python3 kernel of this interpreter, in a scratch folder,
    with the run's closure cache (the kernel need not reason again)."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(CHECK))
    folder = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHFZ_GRAPH_CACHE", str(shared_cache))
        patch.setenv("JUPYTER_RUNTIME_DIR", str(folder / "runtime"))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        patch.setenv("MPLCONFIGDIR", str(folder / "matplotlib"))
        client = NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        )
        client.execute()
    return notebook


def outputs(cell: Any) -> list[Any]:
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert not errors, errors
    return list(cell.outputs)


def test_the_notebook_runs_and_shows_the_graph_and_the_table(ran: Any) -> None:
    code = [cell for cell in ran.cells if cell.cell_type == "code"]
    for cell in code:
        outputs(cell)
    graph = code[0].outputs[0]["data"]["text/html"]
    assert graph.startswith("<p><strong>KnowledgeGraph</strong>:") and "<td>zones</td>" in graph
    table = next(c for c in code if "areas[[" in c.source).outputs[0]["data"]["text/html"]
    assert "Huangpu linked innovation zone" in table and "&lt;NA&gt;" in table  # the bonded-area zone


def test_the_chart_marks_the_approximate_areas(ran: Any) -> None:
    chart = next(c for c in ran.cells if "barh" in c.source)
    assert any("image/png" in o.get("data", {}) for o in outputs(chart))
    found = json.loads(ran.cells[-1].outputs[0]["text"])
    assert found["dtypes"] == {
        "zone": "string",
        "label": "string",
        "district": "string",
        "districtLabel": "string",
        "area": "Float64",
        "approximate": "boolean",
    }
    # smallest first from the bottom; the source says "about 4", "about 14", "around 45" km², and the bonded
    # areas' total is given as about 11; the second batch adds Changning (about 24.6) and Jiading (about 49.1)
    assert found["bar_labels"] == ["≈ 4", "≈ 11", "≈ 14", "23", "≈ 24.6", "≈ 45", "46", "≈ 49.1", "50"]
    assert found["hatches"] == ["//", "//", "//", "", "//", "//", "", "//", ""]
    assert found["legend"] == ["stated figure", "approximate figure"]


def test_the_notebook_lists_zones_by_sector(ran: Any) -> None:
    found = json.loads(ran.cells[-1].outputs[0]["text"])["zones_by_sector"]
    # from the source: Huangpu for financial services and import trade, Hongkou for shipping and financial
    # services, Xuhui for artificial intelligence and the digital economy
    assert found == {
        "artificial intelligence": "Xuhui",
        "cruise economy": "Baoshan",
        "digital economy": "Xuhui, Yangpu",
        "financial services": "Hongkou, Huangpu",
        "green supply chains": "Baoshan",
        "intelligent connected new energy vehicles": "Jiading",  # the Jiading district page
        "intelligent manufacturing": "Minhang",
        "international trade": "Comprehensive bonded areas, Huangpu, Minhang",
        "shipping services": "Hongkou",
        "technology innovation": "Xuhui, Yangpu",
    }
