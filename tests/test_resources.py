"""resources: product files come from the wheel's bundle when there is one, else from the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from shfz_graph import resources
from shfz_graph.errors import InputError

REPO = Path(__file__).resolve().parent.parent


def make_tree(root: Path, *, shapes: bool = True) -> None:
    """A minimal ontology/ data/ queries/ tree under `root`."""
    (root / "ontology").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "queries").mkdir()
    (root / "ontology" / "shfz.ttl").write_text("")
    (root / "ontology" / "context.jsonld").write_text("{}")
    if shapes:
        (root / "ontology" / "shapes.ttl").write_text("")
    for name in ("zones.ttl", "links.ttl", "extra.ttl"):
        (root / "data" / name).write_text("")
    (root / "data" / "notes.txt").write_text("not RDF")
    (root / "data" / "sub.ttl").mkdir()  # a directory named like a data file is not one


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake checkout: the package at ROOT/shfz_graph, product files at ROOT/ontology etc."""
    root = tmp_path / "checkout"
    (root / "shfz_graph").mkdir(parents=True)
    make_tree(root)
    monkeypatch.setattr(resources, "_PACKAGE_DIR", root / "shfz_graph")
    return root


def test_the_real_checkout_is_found() -> None:
    assert resources.search_roots() == [REPO / "shfz_graph" / "_bundled", REPO]
    assert resources.ontology_path() == REPO / "ontology" / "shfz.ttl"
    assert resources.queries_dir() == REPO / "queries"
    assert resources.data_paths() == sorted((REPO / "data").glob("*.ttl"))
    assert {"links.ttl", "zones.ttl"} <= {path.name for path in resources.data_paths()}


def test_checkout_paths(checkout: Path) -> None:
    assert resources.ontology_path() == checkout / "ontology" / "shfz.ttl"
    assert resources.shapes_path() == checkout / "ontology" / "shapes.ttl"
    assert resources.context_path() == checkout / "ontology" / "context.jsonld"
    assert resources.queries_dir() == checkout / "queries"
    assert resources.data_paths() == [
        checkout / "data" / name for name in ("extra.ttl", "links.ttl", "zones.ttl")
    ]


def test_the_bundled_copy_wins_over_the_checkout(checkout: Path) -> None:
    bundled = checkout / "shfz_graph" / "_bundled"
    make_tree(bundled)
    (bundled / "data" / "extra.ttl").unlink()
    assert resources.ontology_path() == bundled / "ontology" / "shfz.ttl"
    assert resources.queries_dir() == bundled / "queries"
    assert resources.data_paths() == [bundled / "data" / "links.ttl", bundled / "data" / "zones.ttl"]


def test_each_directory_falls_back_to_the_checkout(checkout: Path) -> None:
    bundled = checkout / "shfz_graph" / "_bundled"
    (bundled / "queries").mkdir(parents=True)
    assert resources.queries_dir() == bundled / "queries"
    assert resources.ontology_path() == checkout / "ontology" / "shfz.ttl"


def test_a_missing_file_is_an_input_error_naming_it(checkout: Path) -> None:
    (checkout / "ontology" / "shapes.ttl").unlink()
    with pytest.raises(InputError) as caught:
        resources.shapes_path()
    assert str(caught.value) == f"{checkout / 'ontology' / 'shapes.ttl'}: file not found"
    assert caught.value.path == checkout / "ontology" / "shapes.ttl"


def test_a_missing_directory_is_an_input_error_listing_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "_PACKAGE_DIR", tmp_path / "pkg" / "shfz_graph")
    with pytest.raises(InputError) as caught:
        resources.queries_dir()
    bundled = tmp_path / "pkg" / "shfz_graph" / "_bundled" / "queries"
    assert (
        str(caught.value)
        == f"directory queries/ not found (looked in {bundled}, {tmp_path / 'pkg' / 'queries'})"
    )
