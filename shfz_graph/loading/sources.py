"""The source files of the graph: which files, in which named graphs, their hash, and parsing them.

The sources are the ontology, the data files and any extra files, each loaded into one named graph. Their
hash (names, sizes and bytes, in load order) keys every cache built from them. Parse errors name the file
and, where the parser says, the line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, URIRef

from shfz_graph import formats, resources
from shfz_graph.errors import InputError
from shfz_graph.vocab import GRAPH, GRAPH_ONTOLOGY

__all__ = ["Source", "format_of", "hash_sources", "input_error", "list_sources", "parse_into"]

# The source formats: those that hold triples (each file becomes one named graph), by rdflib parser name.
# The Oxigraph store uses oxrdflib's fast parser for the same syntax (`ox-<name>`). JSON-LD goes through
# shfz_graph.rdf.jsonld, which refuses remote contexts (rdflib's parser fetches them).
_SOURCE_FORMATS = {f.rdflib: f for f in formats.formats(formats.RDF, quads=False) if f.rdflib}
_RESERVED_NAMES = frozenset({"ontology", "inferred"})
_LINE = re.compile(r"\bline (\d+)")
_OX_POSITION = re.compile(r"^Parser error (?:at|between) [^:]*: ")


@dataclass(frozen=True)
class Source:
    """A source file and the named graph it is loaded into (`name` is "ontology", "zones", "extra/x", ...)."""

    name: str
    path: Path
    graph: URIRef
    format: str


def format_of(path: Path) -> str:
    """The rdflib parser name for a file, from its suffix."""
    fmt = formats.by_suffix(formats.RDF, path.suffix)
    if fmt is None or fmt.rdflib not in _SOURCE_FORMATS:
        known = ", ".join(sorted(s for f in _SOURCE_FORMATS.values() for s in f.suffixes))
        raise InputError(f"unsupported RDF file type {path.suffix!r} (supported: {known})", path=path)
    return fmt.rdflib


def list_sources(extra_sources: Iterable[Path | str]) -> list[Source]:
    """The ontology, the data files and the extra sources, each with its named graph."""
    sources = [Source("ontology", resources.ontology_path(), GRAPH_ONTOLOGY, "turtle")]
    for path in resources.data_paths():
        if path.stem in _RESERVED_NAMES:
            raise InputError(f"data file name clashes with the reserved graph {path.stem!r}", path=path)
        sources.append(Source(path.stem, path, GRAPH[quote(path.stem)], "turtle"))
    seen: set[str] = set()
    for extra in extra_sources:
        path = Path(extra)
        name = f"extra/{path.stem}"
        if name in seen:
            raise InputError(f"another extra source is also named {path.stem!r}", path=path)
        seen.add(name)
        sources.append(Source(name, path, GRAPH["extra/" + quote(path.stem)], format_of(path)))
    return sources


def hash_sources(sources: Sequence[Source]) -> str:
    """sha256 over each source's graph name, size and bytes, in load order."""
    digest = hashlib.sha256()
    for source in sources:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=source.path) from exc
        digest.update(f"{source.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def parse_into(graph: Graph, path: Path, fmt: str) -> None:
    """Parse a file into `graph` (oxrdflib's parser into an Oxigraph store); errors name file and line."""
    if fmt == "json-ld":
        from shfz_graph.rdf.jsonld import parse_jsonld

        graph += parse_jsonld(path)  # raises InputError naming the file (and line) itself
        return
    fast = type(graph.store).__name__ == "OxigraphStore"
    try:
        graph.parse(path, format=f"ox-{fmt}" if fast else fmt)
    except Exception as exc:
        raise input_error(path, fmt, exc) from exc


def input_error(path: Path, fmt: str, exc: Exception) -> InputError:
    """An InputError naming the file and, when the parser says, the line."""
    if isinstance(exc, OSError):
        return InputError(f"cannot read: {exc.strerror or exc}", path=path)
    if isinstance(exc, UnicodeDecodeError):
        return InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path)
    text = str(exc)
    match = _LINE.search(text)
    line = int(match.group(1)) if match else None
    get_line = getattr(exc, "getLineNumber", None)  # RDF/XML (SAX) errors
    if line is None and callable(get_line):
        line = get_line()
    from rdflib.plugins.parsers.notation3 import BadSyntax

    if isinstance(exc, BadSyntax) and len(exc.args) == 5:  # rdflib's Turtle / N3 parser: (.., why)
        why = str(exc.args[4])
    elif isinstance(exc, SyntaxError) and exc.msg:  # pyoxigraph's parsers
        why = _OX_POSITION.sub("", exc.msg)
        line = exc.lineno if line is None else line
    else:
        why = text.splitlines()[0] if text else type(exc).__name__
    return InputError(f"{_SOURCE_FORMATS[fmt].label} syntax error: {why}", path=path, line=line)
