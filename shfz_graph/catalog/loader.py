"""Reading query files: one `.rq` file into a `NamedQuery`, and the folder of them into the catalogue."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from shfz_graph.catalog.header import Header, HeaderNode, as_list, as_text, split_header
from shfz_graph.catalog.params import Parameter, parameters_in
from shfz_graph.catalog.query import NamedQuery
from shfz_graph.errors import InputError, ParameterError, UnknownQueryError

__all__ = ["GRLC_KEYS", "KNOWN_KEYS", "catalog", "get", "load_query"]

KNOWN_KEYS = ("summary", "description", "tags", "defaults", "enumerate", "method", "network")
#: grlc decorators accepted for compatibility and ignored here.
GRLC_KEYS = ("endpoint", "pagination", "endpoint_in_url", "transform")


@dataclass
class _Fields:
    """The header's fields as read; defaults and enumerations keep the line they were given on."""

    summary: str = ""
    description: str = ""
    method: str = "GET"
    network: bool = False
    tags: list[str] = field(default_factory=list)
    defaults: dict[str, tuple[str, int]] = field(default_factory=dict)
    enums: dict[str, tuple[tuple[str, ...], int]] = field(default_factory=dict)


def load_query(path: Path | str) -> NamedQuery:
    """Read one `.rq` file into a NamedQuery; InputError (file and line) if its header is malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query file: {exc}", path=path) from None
    header = Header(path, split_header(path, text))
    params = {p.name: p for p in parameters_in(path, text)}
    fields = _read_fields(header, params)
    return NamedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=fields.summary,
        description=fields.description,
        tags=tuple(fields.tags),
        parameters=_with_header_values(header, params, fields),
        network=fields.network,
        method=fields.method,
    )


def _read_fields(header: Header, params: dict[str, Parameter]) -> _Fields:
    """Each header key read and checked; an unknown key is an error (grlc's own are ignored)."""
    out = _Fields()
    for key, node in header.mapping().items():
        if key == "summary":
            out.summary = as_text(header, node, key)
        elif key == "description":
            out.description = as_text(header, node, key)
        elif key == "tags":
            out.tags = _tags(header, node)
        elif key == "method":
            out.method = as_text(header, node, key).upper()
            if out.method not in ("GET", "POST"):
                raise header.error(f"method must be GET or POST, not {out.method!r}", node.line)
        elif key == "network":
            flag = as_text(header, node, key).lower()
            if flag not in ("true", "false"):
                raise header.error(f"network must be true or false, not {flag!r}", node.line)
            out.network = flag == "true"
        elif key == "defaults":
            out.defaults = _defaults(header, node, params)
        elif key == "enumerate":
            out.enums = _enums(header, node, params)
        elif key not in GRLC_KEYS:
            raise header.error(f"unknown key {key!r} (known: {', '.join(KNOWN_KEYS)})", node.line)
    return out


def _tags(header: Header, node: HeaderNode) -> list[str]:
    items = [node] if isinstance(node.value, str) and node.value else as_list(header, node, "tags")
    tags = []
    for item in items:
        if item.key is not None:
            raise header.error("tags are '- tag' lines", item.line)
        tags.append(as_text(header, item, "tag"))
    return tags


def _defaults(header: Header, node: HeaderNode, params: dict[str, Parameter]) -> dict[str, tuple[str, int]]:
    defaults: dict[str, tuple[str, int]] = {}
    for item in as_list(header, node, "defaults"):
        if item.key is None or not isinstance(item.value, str):
            raise header.error("defaults are '- name: value' lines", item.line)
        p = _param_for(header, params, item, "default")
        if p.name in defaults:
            raise header.error(f"two defaults for parameter {p.name!r}", item.line)
        defaults[p.name] = (item.value, item.line)
    return defaults


def _enums(
    header: Header, node: HeaderNode, params: dict[str, Parameter]
) -> dict[str, tuple[tuple[str, ...], int]]:
    enums: dict[str, tuple[tuple[str, ...], int]] = {}
    for item in as_list(header, node, "enumerate"):
        if item.key is None or isinstance(item.value, str):
            raise header.error("enumerate takes '- name:' lines, then '- value' lines", item.line)
        p = _param_for(header, params, item, "enumerate")
        enums[p.name] = (tuple(as_text(header, v, "value") for v in item.value), item.line)
    return enums


def _param_for(header: Header, params: dict[str, Parameter], node: HeaderNode, what: str) -> Parameter:
    """The parameter a default or enumeration is keyed by: its name, as grlc finds it (not an alias)."""
    by_alias = {alias: p for p in params.values() for alias in p.aliases}
    p = by_alias.get(node.key or "")
    if p is None:
        known = ", ".join(params) or "none"
        raise header.error(f"{what} for unknown parameter {node.key!r} (parameters: {known})", node.line)
    if node.key != p.name:
        raise header.error(f"{what} for {node.key!r}: key it by the parameter's name, {p.name!r}", node.line)
    return p


def _with_header_values(
    header: Header, params: dict[str, Parameter], fields: _Fields
) -> tuple[Parameter, ...]:
    """The parameters with their defaults and enumerations, each value checked against its kind."""
    final: list[Parameter] = []
    for p in params.values():
        enum, enum_line = fields.enums.get(p.name, ((), 0))
        default, default_line = fields.defaults.get(p.name, (None, 0))
        p = Parameter(p.name, p.var, p.kind, p.required, default, enum, p.datatype, p.lang)
        for value, line in [(v, enum_line) for v in enum] + [(default, default_line)]:
            if value is None:
                continue
            try:
                p.to_term(value)
            except ParameterError as exc:
                raise header.error(str(exc), line) from None
        final.append(p)
    return tuple(final)


# -- the catalogue ------------------------------------------------------------------------------------


def _queries_dir(queries_dir: Path | str | None) -> Path:
    if queries_dir is not None:
        return Path(queries_dir)
    from shfz_graph import resources  # imported when needed: it locates the checkout or the wheel

    return Path(resources.queries_dir())


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise InputError("query folder not found", path=directory)
    return sorted(directory.glob("*.rq"), key=lambda p: p.stem)


def catalog(queries_dir: Path | str | None = None) -> list[NamedQuery]:
    """Every named query of the folder (the project's `queries/` by default), sorted by name."""
    return [load_query(p) for p in _files(_queries_dir(queries_dir))]


def get(name: str, queries_dir: Path | str | None = None) -> NamedQuery:
    """The named query `name`; UnknownQueryError (with up to 3 near names) if there is none."""
    files = {p.stem: p for p in _files(_queries_dir(queries_dir))}
    stem = name.removesuffix(".rq")
    if stem not in files:
        raise UnknownQueryError(name, difflib.get_close_matches(stem, list(files), n=3))
    return load_query(files[stem])
