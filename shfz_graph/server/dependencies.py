"""What the routes get from FastAPI's dependency injection: the `ServerContext` of the app they serve.

`create_app` keeps the context in `app.state.ctx`; a test that mounts one router on a bare FastAPI app
sets `app.state.ctx`, or overrides `get_context` in `app.dependency_overrides`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from shfz_graph.server.context import ServerContext

__all__ = ["Context", "get_context"]


def get_context(request: Request) -> ServerContext:
    """The context of the app answering `request`."""
    ctx: ServerContext = request.app.state.ctx
    return ctx


#: A route's parameter of this type receives the app's `ServerContext`.
Context = Annotated[ServerContext, Depends(get_context)]
