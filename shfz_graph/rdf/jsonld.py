"""Offline JSON-LD parsing: rdflib's parser fetches remote ``@context`` URLs; this one refuses them."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from rdflib import Dataset, Graph
from rdflib.plugins.parsers.jsonld import Parser
from rdflib.plugins.shared.jsonld.context import Context

from shfz_graph.errors import InputError

__all__ = ["load_context", "parse_jsonld", "parse_jsonld_dataset", "remote_references"]

JsonSource = bytes | str | Path | Mapping[str, Any] | list[Any]

_CONTEXT = "@context"
_IMPORT = "@import"
_VALUE = "@value"


def load_context(path: Path | str | None = None) -> dict[str, Any]:
    """Read a local JSON-LD context file (default: the project's) and return its ``@context`` value."""
    if path is None:
        from shfz_graph.resources import context_path

        path = context_path()
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read JSON-LD context: {exc.strerror or exc}", path=path) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=path, line=exc.lineno) from exc
    if not isinstance(document, dict) or not isinstance(document.get(_CONTEXT), dict):
        raise InputError("a JSON-LD context file must be an object with an '@context' object", path=path)
    context = document[_CONTEXT]
    refs = list(remote_references({_CONTEXT: context}))
    if refs:
        raise InputError(_refusal(refs[0]), path=path)
    return context


def remote_references(document: Any) -> Iterator[str]:
    """Yield every context reference (``@context`` string, ``@import``) a JSON-LD processor would fetch."""
    if isinstance(document, list):
        for item in document:
            yield from remote_references(item)
        return
    if not isinstance(document, dict):
        return
    for key, value in document.items():
        if key == _VALUE:
            continue  # a literal's value (e.g. an @json literal) is data, never processed as a context
        if key == _CONTEXT:
            yield from _context_references(value)
        elif key == _IMPORT and isinstance(value, str):
            yield value
        else:
            yield from remote_references(value)


def _context_references(value: Any) -> Iterator[str]:
    """Yield the references inside one ``@context`` value (string, list, or object with scoped contexts)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _context_references(item)
    elif isinstance(value, dict):
        yield from remote_references(value)


def parse_jsonld_dataset(
    data: JsonSource,
    *,
    context: Mapping[str, Any] | list[Any] | None = None,
    base: str | None = None,
    path: Path | str | None = None,
    documents: Mapping[str, Any] | None = None,
) -> Dataset:
    """Parse JSON-LD into a new Dataset (named graphs kept), never fetching anything.

    ``data`` is JSON text/bytes, an already-decoded document, or a file path. ``context`` is an extra
    context to apply (a dict, e.g. from :func:`load_context`). ``documents`` maps context URLs to their
    already-loaded JSON documents; any other context reference is refused with :class:`InputError`.
    """
    if isinstance(data, Path):
        path = data
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    document = _decode(data, path)
    known = dict(documents or {})
    for ref in (*remote_references(document), *remote_references({_CONTEXT: context})):
        if urljoin(base or "", ref) not in known and ref not in known:
            raise InputError(_refusal(ref), path=path)
    if base is None and path is not None:
        base = Path(path).resolve().as_uri()
    dataset = Dataset()
    active = Context(base=base, version=1.1)
    # Defence in depth: rdflib looks every context URL up in this per-parse cache (shared with all
    # sub-contexts) before fetching it, so a reference missed above fails here instead of reaching out.
    active._context_cache = _OfflineContexts(known, path)
    try:
        if context:
            active.load(context)  # type: ignore[arg-type]
        Parser(generalized_rdf=False).parse(document, active, dataset)
    except InputError:
        raise
    except Exception as exc:  # rdflib raises bare exceptions of many kinds on bad JSON-LD
        raise InputError(f"invalid JSON-LD: {exc}", path=path) from exc
    return dataset


def parse_jsonld(
    data: JsonSource,
    *,
    context: Mapping[str, Any] | list[Any] | None = None,
    base: str | None = None,
    path: Path | str | None = None,
    documents: Mapping[str, Any] | None = None,
) -> Graph:
    """Parse JSON-LD into a new Graph holding all its triples (named graphs merged), never fetching."""
    dataset = parse_jsonld_dataset(data, context=context, base=base, path=path, documents=documents)
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _decode(data: bytes | str | Mapping[str, Any] | list[Any], path: Path | str | None) -> Any:
    """Turn JSON text or bytes into Python objects, naming file and line on error."""
    if isinstance(data, Mapping | list):
        return data
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise InputError(f"JSON-LD must be UTF-8: {exc.reason}", path=path) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=path, line=exc.lineno) from exc


def _refusal(ref: str) -> str:
    """The message for a context reference we will not fetch."""
    return (
        f"JSON-LD context {ref!r} is not fetched (shfz-graph never loads remote or file contexts); "
        "embed the context or pass it as a local dict"
    )


class _OfflineContexts(dict[str, Any]):
    """rdflib's context cache, pre-filled with known documents; a lookup of anything else is refused."""

    def __init__(self, known: Mapping[str, Any], path: Path | str | None) -> None:
        super().__init__(known)
        self._path = path

    def __contains__(self, url: object) -> bool:
        if dict.__contains__(self, url):
            return True
        raise InputError(_refusal(str(url)), path=self._path)
