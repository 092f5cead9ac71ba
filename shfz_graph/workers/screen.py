"""A worker's cheap first look at a query text: the refusals users expect, without parsing it.

This is not what keeps a query from the network: the worker's sandbox does that (`sandbox`), and Oxigraph's
own parser is the only judge of what a text means on the worker path. The screen only gives the plain
answers a user should get before the engine runs: an update is refused (403), `SERVICE` and `FROM` are
refused unless the network was allowed (403), and brackets nested deeper than `MAX_NESTING` are refused
(400) before they can exhaust the engine's stack. It lexes the text once (`_sparqltext`), in linear time,
so a never-seen query costs microseconds here instead of a second, slower parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shfz_graph import _sparqltext
from shfz_graph.errors import LoadDenied, NetworkAccessDenied, QuerySyntaxError, UpdateDenied

__all__ = ["MAX_NESTING", "SELECT_STAR", "Screened", "screen", "unescape"]

#: Deepest nesting of `{`, `(` and `[` a query may have (Oxigraph's parser recurses on each level).
MAX_NESTING = 128

_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()\[\],;]*)?|:[^\s{}()\[\],;]*|[{}()\[\]]")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN = {"{": "}", "(": ")", "[": "]"}
SELECT_STAR = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)


@dataclass(frozen=True)
class Screened:
    """What the screen saw: the query form (None if it found none: the engine will say what is wrong)."""

    kind: str | None
    select_star: bool


def unescape(text: str) -> str:
    """The text with its `\\u`/`\\U` escapes replaced, as SPARQL reads them before anything else."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _ESCAPE.sub(char, text) if "\\" in text else text


def _words(text: str) -> list[tuple[str, int, str]]:
    """(word or bracket, offset, kind): keywords, prefixed names and brackets in code, IRIs and variables
    as themselves; strings and comments left out."""
    out: list[tuple[str, int, str]] = []
    for token in _sparqltext.tokens(text):
        if token.kind in ("iri", "var"):
            out.append((token.text, token.start, token.kind))
        elif token.kind == "code":
            for match in _WORD.finditer(token.text):
                word = match.group()
                kind = "name" if ":" in word else "code"
                out.append((word, token.start + match.start(), kind))
    return out


def _nesting(text: str, words: list[tuple[str, int, str]]) -> None:
    depth = 0
    for word, offset, kind in words:
        if kind != "code":
            continue
        if word in _OPEN:
            depth += 1
            if depth > MAX_NESTING:
                line, column = _sparqltext.line_col(text, offset)
                raise QuerySyntaxError(
                    f"the query nests brackets more than {MAX_NESTING} levels deep; write it with fewer "
                    "nested groups",
                    line=line,
                    column=column,
                )
        elif word in ("}", ")", "]"):
            depth = max(0, depth - 1)


def _update_names(words: list[tuple[str, int, str]]) -> list[str]:
    """The update operations of an update request, named as the SPARQL grammar does."""
    keywords = [w.upper() for w, _, kind in words if kind == "code"]
    names: list[str] = []
    for i, word in enumerate(keywords):
        after = keywords[i + 1] if i + 1 < len(keywords) else ""
        if word in ("LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"):
            names.append(word)
        elif (word, after) in (("INSERT", "DATA"), ("DELETE", "DATA"), ("DELETE", "WHERE")):
            names.append(f"{word} {after}")
        elif word in ("INSERT", "DELETE", "WITH"):
            names.append("DELETE/INSERT")
    return list(dict.fromkeys(names)) or ["update"]


def _network(words: list[tuple[str, int, str]]) -> list[str]:
    """`SERVICE <iri>`, `FROM <iri>` and `FROM NAMED <iri>` as written (the target's next word)."""
    found = []
    for i, (word, _, kind) in enumerate(words):
        upper = word.upper() if kind == "code" else ""
        if upper not in ("SERVICE", "FROM"):
            continue
        rest = [w for w, _, _ in words[i + 1 : i + 4]]
        label = upper
        if rest and rest[0].upper() in ("SILENT", "NAMED"):
            if rest[0].upper() == "NAMED":
                label = "FROM NAMED"
            rest = rest[1:]
        found.append(f"{label} {rest[0]}" if rest else label)
    return sorted(set(found))


def screen(text: str, *, allow_network: bool) -> Screened:
    """Refuse updates always, SERVICE/FROM unless `allow_network`, and nesting past `MAX_NESTING`."""
    plain = unescape(text)
    words = _words(plain)
    _nesting(plain, words)
    keywords = [(w.upper(), kind) for w, _, kind in words if kind == "code" and w not in "{}()[]"]
    first = next((w for w, _ in keywords if w not in ("PREFIX", "BASE")), None)
    if first in _UPDATES:
        names = _update_names(words)
        error = LoadDenied if "LOAD" in names else UpdateDenied
        raise error(f"SPARQL updates are not allowed here ({', '.join(names)})")
    if not allow_network:
        features = _network(words)
        if features:
            raise NetworkAccessDenied(
                f"query would access the network ({'; '.join(features)}); network access is not allowed"
            )
    kind = first if first in _FORMS else None
    star = False
    if kind == "SELECT":  # the first SELECT is the query's own (sub-selects come after it)
        code = _sparqltext.code_only(plain)
        first_select = re.search(r"\bSELECT\b", code, re.IGNORECASE)
        star = first_select is not None and SELECT_STAR.match(code, first_select.start()) is not None
    return Screened(kind, star)
