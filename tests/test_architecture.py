"""The house as docs/architecture.md draws it: every module on the map, its folder its layer, data flowing
one way. One checker reads every import (at module level, inside functions, for typing) and holds it to
the layer order below; the few exceptions are named, each with its reason."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "shfz_graph"
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"

#: The layers, lowest first. A module may import the modules of its own package and of any lower layer;
#: two packages in one layer (rdf and catalog, links and geo, cli and server) may not import each other.
LAYERS: list[tuple[str, ...]] = [
    (
        "errors",
        "defaults",
        "vocab",
        "formats",
        "iris",
        "files",
        "literals",
        "resources",
        "progress",
        "_sparqltext",
    ),
    ("rdf", "catalog"),
    ("reasoning",),
    ("loading",),
    ("query",),
    ("workers",),
    ("analysis",),
    ("graph",),
    ("links", "geo"),
    ("cli", "server"),
    ("__init__", "__main__"),
]
#: (importer, imported): the imports that go against the order, and why each is allowed.
ALLOWED = {
    (
        "query.results",
        "analysis.dataframe",
    ): "Result.to_dataframe, a convenience method, imports it when called",
    ("query.results", "analysis.display"): "Result._repr_html_ (a notebook's view) imports it when called",
    ("cli.serve", "server"): "the serve command starts the server (cli is the outermost shell)",
}
FOUNDATIONS = LAYERS[0]


def unit(module: str) -> str:
    """The part of the house a module belongs to: its package under shfz_graph, or itself if it is flat."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int


def imports(name: str, path: Path) -> list[Import]:
    """Every import of ours in a module, wherever it stands (`from shfz_graph import __version__` reads
    only the package's version: it is not counted)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:
                    targets.append(full)
                elif not (base == "shfz_graph" and alias.name == "__version__"):
                    targets.append(base)
        for target in targets:
            if target.split(".")[0] == "shfz_graph" and target != name:
                found.append(Import(name, target, getattr(node, "lineno", 0)))
    return found


IMPORTS = [found for name, path in sorted(MODULES.items()) for found in imports(name, path)]


def short(module: str) -> str:
    return module.removeprefix("shfz_graph.").removeprefix("shfz_graph")


def test_every_module_belongs_to_a_layer() -> None:
    assert sorted({unit(m) for m in MODULES} - set(RANK)) == []


def test_every_import_goes_down_the_layers_or_is_named() -> None:
    wrong = []
    for found in IMPORTS:
        here, there = unit(found.importer), unit(found.imported)
        if here == there:
            continue
        if RANK[there] < RANK[here] or (there == "errors" and here in FOUNDATIONS):
            continue
        allowed = any(
            short(found.importer).startswith(importer) and short(found.imported).startswith(imported)
            for importer, imported in ALLOWED
        )
        if not allowed:
            wrong.append(f"{short(found.importer)}:{found.line} imports {short(found.imported)}")
    assert wrong == []


def test_every_allowed_exception_is_still_needed() -> None:
    used = {
        (importer, imported)
        for importer, imported in ALLOWED
        for found in IMPORTS
        if short(found.importer).startswith(importer) and short(found.imported).startswith(imported)
    }
    assert sorted(set(ALLOWED) - used) == []
    assert len(ALLOWED) <= 5


def test_foundations_import_only_errors() -> None:
    wrong = [
        f"{short(f.importer)} imports {short(f.imported)}"
        for f in IMPORTS
        if unit(f.importer) in FOUNDATIONS and short(f.imported) not in ("errors", "")
    ]
    assert wrong == []


def test_no_import_cycles_at_module_level() -> None:
    """Lazy imports may go up where named above; at import time nothing may loop."""
    top: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        body = ast.parse(path.read_text(encoding="utf-8")).body
        lines = {node.lineno for node in body if isinstance(node, (ast.Import, ast.ImportFrom))}
        for found in imports(name, path):  # every import of the module, read once
            if found.line in lines and found.imported in MODULES:
                top[name].add(found.imported)
    seen: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for target in sorted(top[name]):
            if seen.get(target) == 1 and not name.startswith(target + "."):
                pytest.fail("import cycle: " + " -> ".join([*path, name, target]))
            if target not in seen:
                visit(target, [*path, name])
        seen[name] = 2

    for name in sorted(MODULES):
        if name not in seen:
            visit(name, [])


def test_no_package_imports_its_own_modules_in_a_cycle_even_lazily() -> None:
    """Within a package every import counts (in a function too): its modules form no loop."""
    within: dict[str, set[str]] = {name: set() for name in MODULES}
    for found in IMPORTS:
        if found.imported in MODULES and unit(found.importer) == unit(found.imported):
            within[found.importer].add(found.imported)
    cycles = []

    def walk(path: list[str]) -> None:
        for nxt in sorted(within[path[-1]]):
            if nxt == path[0]:
                cycles.append(" -> ".join(short(n) for n in [*path, nxt]))
            elif nxt not in path and nxt > path[0]:
                walk([*path, nxt])

    for start in sorted(within):
        walk([start])
    assert [c for c in cycles if not c.startswith((" ->", "__init__"))] == []


def test_the_checker_sees_imports_in_functions_and_for_typing(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from shfz_graph.graph import KnowledgeGraph\n"
        "def f():\n"
        "    from shfz_graph.server import app\n"
        "from shfz_graph import __version__\n"
    )
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    assert [(short(f.imported), f.line) for f in imports("shfz_graph.probe", path)] == [
        ("graph", 3),
        ("server.app", 5),
    ]


def test_every_module_is_on_the_map() -> None:
    """Each module is named in backticks (a package's modules by their own name, e.g. `header`)."""
    prose = re.sub(r"```.*?```", "", ARCHITECTURE.read_text(encoding="utf-8"), flags=re.DOTALL)
    quoted = re.findall(r"`([^`]+)`", prose)
    words = {part for token in quoted for part in re.split(r"[/.() ,]+", token) if part}
    missing = [
        name for name in MODULES if name.count(".") and name.rpartition(".")[2] not in words | {"__main__"}
    ]
    assert missing == []


def test_the_map_draws_the_layers_in_this_order() -> None:
    """docs/architecture.md writes the order the checker holds the imports to, in one line."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    written = " < ".join(", ".join(names) for names in LAYERS[1:-1])
    assert f"foundations < {written}" in " ".join(text.split())


def test_nothing_outside_the_command_line_imports_it() -> None:
    assert sorted(
        {short(f.importer) for f in IMPORTS if unit(f.imported) == "cli" and unit(f.importer) != "cli"}
    ) in (
        [],
        ["__main__"],
    )
