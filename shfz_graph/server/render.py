"""Jinja2 templates of the pages (autoescaped), rendered into HTML responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from shfz_graph import __version__

__all__ = ["TEMPLATES", "make_environment", "render"]

TEMPLATES = Path(__file__).resolve().parent / "templates"

NAV = (
    ("/", "Home"),
    ("/query", "Query"),
    ("/ontology", "Ontology"),
    ("/docs", "API"),
    ("/download/", "Downloads"),
    ("/.well-known/void", "VoID"),
)


def make_environment() -> Environment:
    """The template environment: files in `templates/`, HTML autoescaping, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(nav=NAV, version=__version__)
    env.filters["lang_attr"] = lang_attr
    return env


def lang_attr(text: str) -> Markup:
    """` lang="zh-Hans"` for a text with Chinese characters in it (a search or a matched label), else
    nothing: screen readers and fonts then treat it as Chinese."""
    if any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text):
        return Markup(' lang="zh-Hans"')
    return Markup("")


def render(
    env: Environment,
    request: Request,
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render `template` with `context` (plus the request path for the navigation)."""
    html = env.get_template(template).render(path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers=headers)
