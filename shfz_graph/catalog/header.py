"""The `#+` header of a query file: a small strict subset of YAML, read without a YAML library.

Mappings of `key: value` lines, `- item` lists (of scalars or of `name:` keys with their own lists),
`|`/`>` block scalars, quoted and flow-list (`[a, b]`) scalars, and ` # comments`. Anything else is an
`InputError` naming the file and line, never a silent misreading.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from shfz_graph.errors import InputError

__all__ = ["Header", "HeaderLine", "HeaderNode", "as_list", "as_text", "split_header"]


@dataclass
class HeaderLine:
    number: int
    indent: int
    text: str  # without indentation and trailing spaces
    raw: str  # after '#+ ', with indentation


@dataclass
class HeaderNode:
    line: int
    value: str | list[HeaderNode]
    key: str | None = None


_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*)\s*:(?:\s+(.*)|)$")


class Header:
    """Reads the `#+` lines of one file into nested `HeaderNode`s."""

    def __init__(self, path: Path, lines: list[HeaderLine]) -> None:
        self.path = path
        self.lines = lines
        self.i = 0

    def error(self, message: str, line: int) -> InputError:
        return InputError(f"query header: {message}", path=self.path, line=line)

    def peek(self) -> HeaderLine | None:
        return self.lines[self.i] if self.i < len(self.lines) else None

    def mapping(self) -> dict[str, HeaderNode]:
        out: dict[str, HeaderNode] = {}
        indent = self.lines[0].indent if self.lines else 0
        while (line := self.peek()) is not None:
            if line.indent != indent:
                raise self.error("unexpected indentation", line.number)
            m = _KEY.match(line.text)
            if not m:
                raise self.error(f"expected 'key: value', found {line.text!r}", line.number)
            key, rest = m.group(1), m.group(2) or ""
            if key in out:
                raise self.error(f"{key!r} is given twice", line.number)
            self.i += 1
            out[key] = self.value(rest, line)
        return out

    def value(self, rest: str, owner: HeaderLine) -> HeaderNode:
        """The value after `key:`: a scalar (maybe continued on deeper lines), a block scalar or a list."""
        nxt = self.peek()
        deeper = nxt is not None and nxt.indent > owner.indent
        if rest in ("|", ">"):
            texts = []
            while (line := self.peek()) is not None and line.indent > owner.indent:
                texts.append(line)
                self.i += 1
            if not texts:
                return HeaderNode(owner.number, "")
            margin = min(t.indent for t in texts)
            if rest == "|":
                return HeaderNode(owner.number, "\n".join(t.raw[margin:].rstrip() for t in texts))
            return HeaderNode(owner.number, " ".join(t.text for t in texts))
        if nxt is not None and deeper and rest == "" and nxt.text.startswith("-"):
            return HeaderNode(owner.number, self.sequence(nxt.indent))
        node = self.scalar(rest, owner.number)
        if deeper and isinstance(node.value, str):
            parts = [node.value] if node.value else []
            while (line := self.peek()) is not None and line.indent > owner.indent:
                if line.text.startswith("- ") or line.text == "-":
                    raise self.error("a list item needs its key on a line of its own", line.number)
                parts.append(str(self.scalar(line.text, line.number).value))
                self.i += 1
            node = HeaderNode(owner.number, " ".join(parts))
        return node

    def sequence(self, indent: int) -> list[HeaderNode]:
        items: list[HeaderNode] = []
        while (line := self.peek()) is not None and line.indent >= indent:
            if line.indent > indent:
                raise self.error("unexpected indentation", line.number)
            if not (line.text == "-" or line.text.startswith("- ")):
                raise self.error(f"expected a list item '- ...', found {line.text!r}", line.number)
            content = line.text[1:].strip()
            self.i += 1
            m = _KEY.match(content)
            if m:
                key, rest = m.group(1), m.group(2) or ""
                nxt = self.peek()
                if rest == "" and nxt is not None and nxt.indent > indent:
                    if not nxt.text.startswith("-"):
                        raise self.error("expected a list of values", nxt.number)
                    items.append(HeaderNode(line.number, self.sequence(nxt.indent), key))
                else:
                    items.append(HeaderNode(line.number, self.scalar(rest, line.number).value, key))
            else:
                items.append(self.scalar(content, line.number))
            nxt = self.peek()
            if nxt is not None and nxt.indent > indent:
                raise self.error("unexpected indentation", nxt.number)
        return items

    def scalar(self, text: str, line: int) -> HeaderNode:
        """A plain, quoted or flow-list (`[a, b]`) scalar, without a trailing ` # comment`."""
        text = _strip_comment(text).strip()
        if text.startswith("[") and text.endswith("]"):
            inner = text[1:-1].strip()
            parts = _split_flow(inner) if inner else []
            return HeaderNode(line, [HeaderNode(line, self._unquote(p.strip(), line)) for p in parts])
        if text.startswith(("{", "&", "*", "!", "%", "@", "`")):
            raise self.error(f"unsupported YAML syntax in {text!r} (quote the value)", line)
        return HeaderNode(line, self._unquote(text, line))

    def _unquote(self, text: str, line: int) -> str:
        if len(text) >= 2 and text[0] == text[-1] == '"':
            try:
                value = json.loads(text)
            except ValueError:
                raise self.error(f"bad double-quoted string {text}", line) from None
            return str(value)
        if len(text) >= 2 and text[0] == text[-1] == "'":
            return text[1:-1].replace("''", "'")
        if text[:1] in ("'", '"'):
            raise self.error(f"unterminated quoted string {text}", line)
        return text


def _strip_comment(text: str) -> str:
    """Drop a YAML comment: `#` at the start or after a space, outside quotes."""
    quote = ""
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"" and (i == 0 or text[i - 1] in " [,"):
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i]
    return text


def _split_flow(inner: str) -> list[str]:
    parts, quote, start = [], "", 0
    for i, c in enumerate(inner):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == ",":
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts


def split_header(path: Path, text: str) -> list[HeaderLine]:
    """The leading `#+` lines; a `#+` line further down is an error (it would be silently ignored)."""
    lines: list[HeaderLine] = []
    in_header = True
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.startswith("#+"):
            in_header = False
            continue
        if not in_header:
            raise InputError("a '#+' header line must come before the query itself", path=path, line=number)
        body = raw[2:]
        body = body[1:] if body.startswith(" ") else body
        if not body.strip():
            continue
        stripped = body.lstrip(" ")
        if stripped.startswith("\t"):
            raise InputError("query header: indent with spaces, not tabs", path=path, line=number)
        lines.append(HeaderLine(number, len(body) - len(stripped), stripped.rstrip(), body.rstrip()))
    return lines


def as_text(header: Header, node: HeaderNode, key: str) -> str:
    if not isinstance(node.value, str):
        raise header.error(f"{key!r} must be a single value", node.line)
    return node.value


def as_list(header: Header, node: HeaderNode, key: str) -> list[HeaderNode]:
    if isinstance(node.value, str):
        if not node.value:
            return []
        raise header.error(f"{key!r} must be a list ('- item' lines)", node.line)
    return node.value
