"""The web server (the `server` extra): SPARQL 1.1 endpoint, dereferenceable IRIs, pages, named-query API.

`create_app(kg)` gives the FastAPI app; `run(kg, host=..., port=...)` runs it with uvicorn (`serve` is
the same function); `app_factory()` loads the graph and builds the app, for
`uvicorn --factory shfz_graph.server:app_factory`. Importing this package is cheap and needs no extra;
using it without the `server` extra raises `MissingExtraError` naming it (`require()` checks that first).
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from typing import TYPE_CHECKING, Any

from shfz_graph.defaults import HOST, PORT
from shfz_graph.errors import MissingExtraError, SandboxUnavailable

if TYPE_CHECKING:
    from fastapi import FastAPI

    from shfz_graph.graph import KnowledgeGraph
    from shfz_graph.server.app import create_app

__all__ = ["app_factory", "create_app", "require", "run", "serve"]

_EXTRA_MODULES = ("fastapi", "starlette", "jinja2", "anyio")


def require() -> None:
    """Raise MissingExtraError naming the `server` extra if one of its dependencies is missing."""
    for name in _EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise MissingExtraError("server", name) from exc


def _app_module() -> Any:
    """`shfz_graph.server.app`, or MissingExtraError if a dependency of the `server` extra is missing."""
    require()
    return importlib.import_module("shfz_graph.server.app")


def __getattr__(name: str) -> Any:
    if name == "create_app":
        return getattr(_app_module(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_loopback(host: str) -> bool:
    """Whether `host` names only this machine (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_sandbox(problem: str | None, host: str, *, no_sandbox: bool) -> str | None:
    """Refuse to serve other hosts from workers that could reach the network; a warning line otherwise.

    `problem` is why the workers have no sandbox (None: they have one). On a loopback address, or with
    the operator's explicit `no_sandbox`, the server runs and the line returned says what that means.
    """
    if problem is None:
        return None
    if not is_loopback(host) and not no_sandbox:
        raise SandboxUnavailable(
            f"refusing to serve {host}: the query workers cannot be kept off the network here ({problem}); "
            "pass --no-sandbox to serve anyway, with SERVICE and FROM refused by a check of the query text "
            "alone"
        )
    return (
        f"query workers run without a network sandbox ({problem}): SERVICE and FROM are refused by a "
        "check of the query text alone"
    )


def run(
    kg: KnowledgeGraph, *, host: str = HOST, port: int = PORT, no_sandbox: bool = False, **options: Any
) -> None:
    """Serve the graph with uvicorn until SIGTERM or SIGINT; `options` go to `create_app`.

    On the signal the query workers are killed at once (queries still running answer 503), so the
    server stops within a couple of seconds however long its queries were allowed to run. Query workers
    run in a sandbox with no network; where none can be made, a non-loopback `host` is refused
    (`SandboxUnavailable`) unless `no_sandbox`.
    """
    module = _app_module()
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingExtraError("server", "uvicorn") from exc
    app = module.create_app(kg, **options)
    pool = app.state.ctx.pool()
    try:
        warning = check_sandbox(pool.sandbox_problem, host, no_sandbox=no_sandbox)
    except SandboxUnavailable:
        app.state.ctx.close()
        raise
    if warning is not None:
        logging.getLogger("shfz_graph.server").warning(warning)
    pool.warm_up()  # build the query store and start the workers before the first client
    app.state.ctx.warm_pages()
    app.state.ctx.pages_at_start = True
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=os.environ.get("SHFZ_GRAPH_LOG_LEVEL", "info"),
        timeout_graceful_shutdown=2,
    )

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            # not in the signal handler itself: closing takes locks the interrupted thread may hold
            threading.Thread(target=app.state.ctx.close, name="shfz-graph-shutdown", daemon=True).start()

    Server(config).run()


serve = run


def app_factory() -> FastAPI:
    """Load the graph with the defaults and build the app (for `uvicorn --factory`).

    Settings come from the environment: `SHFZ_GRAPH_BASE_URL`, `SHFZ_GRAPH_TIMEOUT`, `SHFZ_GRAPH_MAX_ROWS`.
    """
    from shfz_graph.graph import load

    options: dict[str, Any] = {}
    if os.environ.get("SHFZ_GRAPH_BASE_URL"):
        options["base_url"] = os.environ["SHFZ_GRAPH_BASE_URL"]
    if os.environ.get("SHFZ_GRAPH_TIMEOUT"):
        options["timeout"] = float(os.environ["SHFZ_GRAPH_TIMEOUT"])
    if os.environ.get("SHFZ_GRAPH_MAX_ROWS"):
        options["max_rows"] = int(os.environ["SHFZ_GRAPH_MAX_ROWS"])
    app: FastAPI = _app_module().create_app(load(), **options)
    return app
