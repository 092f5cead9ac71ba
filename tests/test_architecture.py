"""The house as docs/architecture.md draws it: every module on the map, data flowing one way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "shfz_graph"
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"
FOUNDATIONS = ["formats", "defaults", "vocab", "errors", "iris", "files", "literals", "resources", "progress"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """Our modules that `path` imports when it is imported (not inside functions or TYPE_CHECKING)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return {f for f in found if f in MODULES and f != name and not name.startswith(f + ".")}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
IMPORTS = {name: top_level_imports(path) for name, path in MODULES.items()}


def test_every_module_is_on_the_map() -> None:
    """Each module is named in backticks (a package's modules by their own name, e.g. `header`)."""
    prose = re.sub(r"```.*?```", "", ARCHITECTURE.read_text(encoding="utf-8"), flags=re.DOTALL)
    quoted = re.findall(r"`([^`]+)`", prose)
    words = {part for token in quoted for part in re.split(r"[/.() ,]+", token) if part}
    missing = [
        name for name in MODULES if name.count(".") and name.rpartition(".")[2] not in words | {"__main__"}
    ]
    assert missing == []


def test_no_import_cycles() -> None:
    seen: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for target in sorted(IMPORTS[name]):
            if seen.get(target) == 1:
                pytest.fail("import cycle: " + " -> ".join([*path, name, target]))
            if target not in seen:
                visit(target, [*path, name])
        seen[name] = 2

    for name in sorted(MODULES):
        if name not in seen:
            visit(name, [])


@pytest.mark.parametrize("name", FOUNDATIONS)
def test_foundations_import_only_errors(name: str) -> None:
    assert IMPORTS[f"shfz_graph.{name}"] - {"shfz_graph", "shfz_graph.errors"} == set()


def test_nothing_outside_the_command_line_imports_it() -> None:
    importers = []
    for name, path in MODULES.items():
        if name.startswith("shfz_graph.cli") or name == "shfz_graph.__main__":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from shfz_graph\.cli\b|from shfz_graph import cli\b)", text, re.MULTILINE):
            importers.append(name)
    assert importers == []
