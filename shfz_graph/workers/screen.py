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


# A superset of where the lexing pass can find a refused keyword: it finds one only where a word of
# code is exactly that keyword, so never right after a letter or `_` nor before a name character or `:`.
_REFUSABLE = re.compile(
    r"(?<![A-Za-z_])(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH|SERVICE|FROM)"
    r"(?![A-Za-z0-9_\-:])",
    re.IGNORECASE | re.ASCII,  # ASCII: the lexing pass knows no other letters in keywords
)
# The prologue as the lexing pass reads it (blanks, comments, PREFIX and BASE; possessive, so a comment is
# never cut short to find a keyword in it), then the query's form.
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_FORM_AFTER_PROLOGUE = re.compile(
    r"(?:\s+|\#[^\n\r]*|PREFIX\s*(?:[A-Za-z_][A-Za-z0-9_\-]*)?:\s*" + _IRI + r"|BASE\s*" + _IRI + r")*+"
    r"(SELECT|CONSTRUCT|DESCRIBE|ASK)(?![A-Za-z0-9_\-:])",
    re.IGNORECASE | re.ASCII,  # ASCII: the lexing pass knows no other letters in keywords
)
# What SELECT_STAR may read before its `*` (same flags): if the next character starts something the
# lexing pass blanks out (a comment, variable, string or IRI), only that pass can tell.
_SELECT_MODIFIER = re.compile(r"SELECT\s*(?:(?:DISTINCT|REDUCED)\s*)?", re.IGNORECASE)
_BLANKED = frozenset("#?$\"'<")
_VARIABLES = re.compile(r"(?:[?$]\w+|\s)*")  # variables as the lexing pass reads them, and blanks


def _quick(plain: str) -> Screened | None:
    """The screen's verdict without lexing, for the commonest texts: a query whose text holds no word
    that could be refused, fewer brackets than the nesting limit, and a plain prologue; None when the
    full pass must look (it then decides alike: `test_screen` compares the two on random texts)."""
    if plain.count("{") + plain.count("(") + plain.count("[") > MAX_NESTING or _REFUSABLE.search(plain):
        return None
    form = _FORM_AFTER_PROLOGUE.match(plain)
    if form is None:
        return None
    kind = form.group(1).upper()
    if kind != "SELECT":
        return Screened(kind, False)
    start = form.start(1)
    modifiers = _SELECT_MODIFIER.match(plain, start)
    if modifiers is None:
        return None
    after = modifiers.end()
    if plain[after : after + 1] in ("?", "$"):  # `SELECT ?x ...`: the lexing pass blanks the variables
        after = _VARIABLES.match(plain, after).end()  # type: ignore[union-attr]
        if plain[after : after + 1] in ("*", "") or plain[after : after + 1].upper() in ("D", "R"):
            return None
        return None if plain[after] in _BLANKED else Screened("SELECT", False)
    if plain[after : after + 1] in _BLANKED:
        return None
    if "select" in plain[:start].lower():
        return None  # a prefix named `select`: the full pass takes its name for the first SELECT
    return Screened("SELECT", SELECT_STAR.match(plain, start) is not None)


def screen(text: str, *, allow_network: bool) -> Screened:
    """Refuse updates always, SERVICE/FROM unless `allow_network`, and nesting past `MAX_NESTING`."""
    plain = unescape(text)
    quick = _quick(plain)
    if quick is not None:
        return quick
    return _full(plain, allow_network=allow_network)


def _full(plain: str, *, allow_network: bool) -> Screened:
    """The screen by one lexing pass over the whole text (`_sparqltext`)."""
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
