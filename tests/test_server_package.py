"""The server package's shape: each module imports alone (cycles are checked for the whole house in
test_architecture), and the package's own names (`create_app`, `run`, `require`) are what the command
line uses."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO

MODULES = sorted(
    "shfz_graph.server" + ("." + p.stem if p.stem != "__init__" else "")
    for p in (REPO / "shfz_graph" / "server").glob("*.py")
)


def test_each_module_imports_alone_in_a_fresh_interpreter() -> None:
    """Imported first (the others not yet loaded), every module of the package must import cleanly."""
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {MODULES!r}:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('shfz_graph.server')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert (done.returncode, done.stdout) == (0, "\n"), done.stderr
    assert len(MODULES) > 20  # the package and its modules, all of them tried


def test_the_package_names_its_api() -> None:
    import shfz_graph.server as server

    assert server.serve is server.run
    assert set(server.__all__) == {"app_factory", "create_app", "require", "run", "serve"}
    server.require()  # the extra is installed here: no error


def test_a_server_without_a_sandbox_serves_loopback_only_unless_told() -> None:
    from shfz_graph.errors import SandboxUnavailable
    from shfz_graph.server import check_sandbox, is_loopback

    assert [is_loopback(h) for h in ("127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost")] == [True] * 5
    assert [is_loopback(h) for h in ("0.0.0.0", "::", "192.0.2.1", "example.org")] == [False] * 4
    assert check_sandbox(None, "0.0.0.0", no_sandbox=False) is None
    with pytest.raises(SandboxUnavailable) as info:
        check_sandbox("unshare failed: Operation not permitted", "0.0.0.0", no_sandbox=False)
    assert str(info.value) == (
        "refusing to serve 0.0.0.0: the query workers cannot be kept off the network here (unshare failed: "
        "Operation not permitted); pass --no-sandbox to serve anyway, with SERVICE and FROM refused by a "
        "check of the query text alone"
    )
    warning = (
        "query workers run without a network sandbox (unshare failed: Operation not permitted): SERVICE "
        "and FROM are refused by a check of the query text alone"
    )
    assert check_sandbox("unshare failed: Operation not permitted", "127.0.0.1", no_sandbox=False) == warning
    assert check_sandbox("unshare failed: Operation not permitted", "0.0.0.0", no_sandbox=True) == warning
