"""Query results and their formats: W3C SPARQL 1.1 JSON/XML/CSV/TSV, terminal tables, Markdown, RDF."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from typing import Literal as Literal_
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from shfz_graph import formats
from shfz_graph.errors import ShfzError
from shfz_graph.iris import FORBIDDEN
from shfz_graph.vocab import WELL_KNOWN, prefixes

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
GRAPH_KINDS = ("CONSTRUCT", "DESCRIBE")
TRIPLE_VARS = ("subject", "predicate", "object")

#: Prefixes used to shorten IRIs in tables (longest namespace wins).
TABLE_PREFIXES: dict[str, str] = prefixes(*WELL_KNOWN)

#: The result formats `Result.serialize` writes (see `shfz_graph.formats`), by name: the method for each.
RESULT_FORMATS = {
    "json": "to_json",
    "xml": "to_xml",
    "csv": "to_csv",
    "tsv": "to_tsv",
    "table": "to_table",
    "md": "to_markdown",
}

_NUMERIC_TYPES = frozenset(
    XSD[t]
    for t in (
        *("integer", "decimal", "double", "float", "int", "long", "short", "byte"),
        *("nonNegativeInteger", "nonPositiveInteger", "negativeInteger", "positiveInteger"),
        *("unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"),
    )
)

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_RDF_PREFIXES = [(prefix, URIRef(ns)) for prefix, ns in TABLE_PREFIXES.items()]

Row = dict[str, Node | None]


@dataclass
class Result:
    """The outcome of one query: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT/DESCRIBE.

    A graph result is also shown as rows of `subject`/`predicate`/`object` (sorted), so that every
    tabular format works for every kind; `to_rdf` gives the graph itself.
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown result kind {self.kind!r}")

    # -- constructors -------------------------------------------------------------------------------

    @classmethod
    def select(
        cls, vars: Iterable[str], rows: Iterable[Mapping[str, Node | None]], *, truncated: bool = False
    ) -> Result:
        """A SELECT result; every row gets every variable (None where unbound)."""
        names = [str(v) for v in vars]
        return cls(
            "SELECT",
            vars=names,
            rows=[{v: row.get(v) for v in names} for row in rows],
            truncated=truncated,
        )

    @classmethod
    def ask(cls, answer: bool) -> Result:
        """An ASK result."""
        return cls("ASK", boolean=bool(answer))

    @classmethod
    def from_graph(cls, kind: str, graph: Graph, *, max_triples: int | None = None) -> Result:
        """A CONSTRUCT/DESCRIBE result; keeps the first `max_triples` triples in sorted order."""
        if kind not in GRAPH_KINDS:
            raise ValueError(f"not a graph result kind: {kind!r}")
        triples = sorted(graph, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
        truncated = max_triples is not None and len(triples) > max_triples
        if truncated:
            triples = triples[:max_triples]
            kept = Graph()
            for triple in triples:
                kept.add(triple)
            graph = kept
        rows: list[Row] = [dict(zip(TRIPLE_VARS, t, strict=True)) for t in triples]
        return cls(kind, vars=list(TRIPLE_VARS), rows=rows, graph=graph, truncated=truncated)

    def __len__(self) -> int:
        """Number of rows (triples for a graph result, 0 for ASK)."""
        return len(self.rows)

    # -- W3C formats --------------------------------------------------------------------------------

    def to_json(self, *, indent: int | None = None) -> str:
        """SPARQL 1.1 Query Results JSON (application/sparql-results+json)."""
        doc: dict[str, Any]
        if self.kind == "ASK":
            doc = {"head": {}, "boolean": bool(self.boolean)}
        else:
            bindings = [
                {v: _term_json(t) for v in self.vars if (t := row.get(v)) is not None} for row in self.rows
            ]
            doc = {"head": {"vars": list(self.vars)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, indent=indent)

    def to_xml(self) -> str:
        """SPARQL Query Results XML (application/sparql-results+xml)."""
        out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">']
        if self.kind == "ASK":
            out += ["  <head/>", f"  <boolean>{'true' if self.boolean else 'false'}</boolean>"]
        else:
            out.append("  <head>")
            out += [f"    <variable name={quoteattr(v)}/>" for v in self.vars]
            out += ["  </head>", "  <results>"]
            for row in self.rows:
                out.append("    <result>")
                for v in self.vars:
                    term = row.get(v)
                    if term is not None:
                        out.append(f"      <binding name={quoteattr(v)}>{_term_xml(term)}</binding>")
                out.append("    </result>")
            out.append("  </results>")
        out.append("</sparql>")
        return "\n".join(out) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 CSV results: plain values (lossy by design), CRLF line ends."""
        self._need_rows("csv")
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(self.vars)
        for row in self.rows:
            writer.writerow([_term_csv(row.get(v)) for v in self.vars])
        return buf.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 TSV results: `?var` header, terms in N-Triples syntax, LF line ends."""
        self._need_rows("tsv")
        lines = ["\t".join("?" + v for v in self.vars)]
        lines += ["\t".join(_term_nt(row.get(v)) for v in self.vars) for row in self.rows]
        return "\n".join(lines) + "\n"

    # -- human formats ------------------------------------------------------------------------------

    def to_table(self) -> str:
        """An aligned plain-text table for terminals (IRIs shortened with well-known prefixes)."""
        if self.kind == "ASK":
            return ("true" if self.boolean else "false") + "\n"
        header = list(self.vars)
        cells = [[_term_text(row.get(v)) for v in self.vars] for row in self.rows]
        right = self._numeric_columns()
        widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]

        def line(values: list[str]) -> str:
            parts = [_pad(val, widths[i], right[i]) for i, val in enumerate(values)]
            return "  ".join(parts).rstrip()

        out = [line(header), line(["-" * w for w in widths])] if header else []
        out += [line(r) for r in cells]
        out.append(self._footer())
        return "\n".join(out) + "\n"

    def to_markdown(self) -> str:
        """A GitHub-flavoured Markdown table (pipes escaped, line breaks as <br>)."""
        if self.kind == "ASK":
            return f"| boolean |\n| --- |\n| {'true' if self.boolean else 'false'} |\n"
        right = self._numeric_columns()
        out = [
            "| " + " | ".join(_md(v) for v in self.vars) + " |",
            "| " + " | ".join("---:" if r else "---" for r in right) + " |",
        ]
        for row in self.rows:
            cells = (_md(_term_text(row.get(v), newline="<br>")) for v in self.vars)
            out.append("| " + " | ".join(cells) + " |")
        if self.truncated:
            out += ["", f"*{self._footer()[1:-1]}*"]
        return "\n".join(out) + "\n"

    def serialize(self, fmt: str) -> str:
        """Write the result in one of: json, xml, csv, tsv, table, md (markdown)."""
        found = formats.find(formats.RESULTS, fmt)
        method = RESULT_FORMATS.get(found.name) if found is not None else None
        if method is None:
            known = [
                key for f in formats.formats(formats.RESULTS) if f.name in RESULT_FORMATS for key in f.keys
            ]
            raise ShfzError(f"unknown result format {fmt!r} (choose from: {', '.join(known)})")
        text: str = getattr(self, method)()
        return text

    def to_rdf(self, fmt: str = "turtle") -> str:
        """Serialise a CONSTRUCT/DESCRIBE graph in an RDF format (turtle, json-ld, nt, xml, ...) with the
        project's prefixes, through `shfz_graph.rdf.export` (the one RDF writer): sorted, stable output."""
        from shfz_graph.literals import answer_term
        from shfz_graph.rdf.export import serialize_dataset

        if self.graph is None or self.kind not in GRAPH_KINDS:
            raise ShfzError(f"a {self.kind} result is not a graph; use serialize() instead of to_rdf()")
        found = formats.find(formats.RDF, fmt)
        if found is None or not found.writable:
            known = ", ".join(formats.names(formats.RDF, writable=True, aliases=True))
            raise ShfzError(f"unknown RDF format {fmt!r} (choose from: {known})")
        data = serialize_dataset(self.graph, found.name, namespaces=_RDF_PREFIXES, spelling=answer_term)
        return data.decode("utf-8")

    # -- pandas and notebooks (analysis.dataframe, analysis.display) ----------------------------------------

    def to_dataframe(self, *, decimals: Literal_["float", "decimal"] = "float") -> pd.DataFrame:
        """A pandas DataFrame typed from the RDF datatypes (extra `pandas`; see `analysis.dataframe`)."""
        from shfz_graph.analysis.dataframe import to_dataframe

        return to_dataframe(self, decimals=decimals)

    def _repr_html_(self) -> str:
        """The first rows as an HTML table, for Jupyter."""
        from shfz_graph.analysis.display import result_html

        return result_html(self)

    # -- helpers ------------------------------------------------------------------------------------

    def _need_rows(self, fmt: str) -> None:
        if self.kind == "ASK":
            raise ShfzError(f"an ASK result has no {fmt} form; use json, xml, table or md")

    def _numeric_columns(self) -> list[bool]:
        flags = []
        for v in self.vars:
            values = [row.get(v) for row in self.rows if row.get(v) is not None]
            flags.append(
                bool(values) and all(isinstance(t, Literal) and t.datatype in _NUMERIC_TYPES for t in values)
            )
        return flags

    def _footer(self) -> str:
        n = len(self.rows)
        unit = "triple" if self.kind in GRAPH_KINDS else "row"
        text = f"{n} {unit}{'' if n == 1 else 's'}"
        if self.truncated:
            text += ", truncated"
        return f"({text})"


# -- term encodings ---------------------------------------------------------------------------------


def read_json(
    body: bytes, kind: str, *, max_rows: int | None = None, spell: Callable[[Node], Node] | None = None
) -> Result:
    """SPARQL 1.1 Query Results JSON (of a SELECT or an ASK) as a `Result`: the one reader, for our workers'
    answers and remote endpoints' alike. Rows past `max_rows` are cut (the result says so); `spell` rewrites
    each literal (remote answers go through `literals.answer_term`). Anything that is not such JSON raises
    ValueError saying what is wrong."""
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"not SPARQL results JSON ({str(exc)[:200]})") from None
    if not isinstance(doc, dict):
        raise ValueError("the JSON is not an object")
    if kind == "ASK":
        answer = doc.get("boolean")
        if not isinstance(answer, bool):
            raise ValueError("an ASK answer without a boolean")
        return Result.ask(answer)
    head, results = doc.get("head"), doc.get("results")
    names = head.get("vars") if isinstance(head, dict) else None
    rows = results.get("bindings") if isinstance(results, dict) else None
    if (
        not isinstance(names, list)
        or not all(isinstance(v, str) for v in names)
        or not isinstance(rows, list)
    ):
        raise ValueError("no head.vars or results.bindings")
    out: list[dict[str, Node | None]] = []
    truncated = False
    for row in rows:
        if max_rows is not None and len(out) == max_rows:
            truncated = True
            break
        if not isinstance(row, dict):
            raise ValueError("a result row is not an object")
        out.append({name: _json_term(row[name], spell) if name in row else None for name in names})
    return Result.select(names, out, truncated=truncated)


def _json_term(value: object, spell: Callable[[Node], Node] | None) -> Node:
    """One RDF term of SPARQL results JSON."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise ValueError(f"a binding is not a term: {json.dumps(value)[:200]}")
    kind, lexical = value.get("type"), value["value"]
    if kind == "uri":
        return URIRef(lexical)
    if kind == "bnode":
        return BNode(lexical)
    if kind in ("literal", "typed-literal"):
        lang, datatype = value.get("xml:lang"), value.get("datatype")
        if lang:
            literal = Literal(lexical, lang=str(lang))
        else:
            literal = Literal(lexical, datatype=URIRef(str(datatype)) if datatype else None, normalize=False)
        return spell(literal) if spell is not None else literal
    raise ValueError(f"unsupported term type {kind!r}")


def _term_json(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language is not None:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    raise ShfzError(f"cannot write {term!r} as a SPARQL result term")


def _xml_text(text: str) -> str:
    # a bare CR would be read back as LF by any XML parser
    return escape(text).replace("\r", "&#13;")


def _term_xml(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    if isinstance(term, Literal):
        attr = ""
        if term.language is not None:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype is not None:
            attr = f" datatype={quoteattr(str(term.datatype))}"
        return f"<literal{attr}>{_xml_text(str(term))}</literal>"
    raise ShfzError(f"cannot write {term!r} as a SPARQL result term")


def _term_csv(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


_NT_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _nt_iri(iri: str) -> str:
    chars = (f"\\u{ord(c):04X}" if c in FORBIDDEN or ord(c) <= 0x20 else c for c in iri)
    return "<" + "".join(chars) + ">"


def _term_nt(term: Node | None) -> str:
    """A term in N-Triples syntax (as SPARQL TSV results want it); empty for unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return _nt_iri(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        body = '"' + "".join(_NT_STRING_ESCAPES.get(c, c) for c in str(term)) + '"'
        if term.language is not None:
            return f"{body}@{term.language}"
        if term.datatype is not None:
            return f"{body}^^{_nt_iri(str(term.datatype))}"
        return body
    raise ShfzError(f"cannot write {term!r} as a SPARQL result term")


def shorten(iri: str) -> str:
    """`shfz:Zone` for a well-known namespace, else the IRI in angle brackets."""
    best = ""
    best_prefix = ""
    for prefix, ns in TABLE_PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best) and len(iri) > len(ns):
            best, best_prefix = ns, prefix
    if best:
        return f"{best_prefix}:{iri[len(best) :]}"
    return f"<{iri}>"


def _term_text(term: Node | None, *, newline: str = "\\n") -> str:
    """How a term reads in a table: short IRIs, literal values as written, `value@lang`."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    text = str(term).replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline).replace("\t", " ")
    if isinstance(term, Literal) and term.language:
        return f"{text}@{term.language}"
    return text


def _width(text: str) -> int:
    """Columns a string takes in a terminal: East Asian wide/full-width characters count twice."""
    total = 0
    for c in text:
        if unicodedata.combining(c):
            continue
        total += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return total


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def columns(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """Rows as left-aligned plain-text columns (wide East Asian characters count twice); with a
    `header`, a line of dashes under it."""
    table = [list(header)] if header else []
    table += [list(r) for r in rows]
    if not table:
        return ""
    widths = [max(_width(r[i]) for r in table) for i in range(len(table[0]))]

    def line(row: list[str]) -> str:
        return "  ".join(_pad(cell, w, False) for cell, w in zip(row, widths, strict=True)).rstrip()

    lines = [line(r) for r in table]
    if header:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")
