"""The ``shfz-graph`` command: a thin shell over the package that prints results and sets exit codes.

Each subcommand is a :class:`Command` in the :data:`COMMANDS` table: a name, a help line, a function that
adds its arguments, and a function that runs it. To add one (``serve``, ``push``, ``link``, ...), write the
two functions and append a row to the table; global options go in :func:`add_global_options`.
Exit codes: 0 success, 1 data does not conform to the shapes, 2 error, 130 interrupted, 141 broken pipe.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shfz_graph import __version__
from shfz_graph.errors import DeprecatedParameterName, ParameterError, ShfzError, ValidationFailed
from shfz_graph.server.command import configure_serve, run_serve

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from shfz_graph.graph import KnowledgeGraph
    from shfz_graph.results import Result

PROG = "shfz-graph"
EXIT_OK, EXIT_INVALID, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md", "xlsx")  # xlsx: the [pandas] extra
GRAPH_RESULT_FORMATS = ("turtle", "nt", "json-ld")  # for CONSTRUCT / DESCRIBE results only
DESCRIBE_FORMATS = ("table", "turtle", "json-ld", "nt")
EXPORT_FORMATS = ("turtle", "json-ld", "nt", "nquads", "trig", "xml")
EXPORT_ALIASES = ("ttl", "jsonld", "ntriples", "n-triples", "nq", "n-quads", "rdfxml")


@dataclass(frozen=True)
class Command:
    """One subcommand: ``configure`` adds its arguments, ``run`` does the work and returns the exit code."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# -- output ------------------------------------------------------------------------------------------


def out(text: str) -> None:
    """Write text to stdout, ending it with a newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def out_bytes(data: bytes) -> None:
    """Write bytes (an RDF serialisation, UTF-8) to stdout as they are."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
        buffer.flush()


def err(text: str) -> None:
    """Write one line to stderr, prefixed with the program name."""
    sys.stderr.write(f"{PROG}: {text}\n")


def width(text: str) -> int:
    """Terminal columns taken by ``text``: wide East Asian characters count twice, combining marks zero."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        for c in text
    )


def columns(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """Rows as left-aligned columns (wide East Asian characters count twice)."""
    table = [list(header)] if header else []
    table += [list(r) for r in rows]
    if not table:
        return ""
    widths = [max(width(r[i]) for r in table) for i in range(len(table[0]))]

    def line(row: list[str]) -> str:
        cells = [cell + " " * (w - width(cell)) for cell, w in zip(row, widths, strict=True)]
        return "  ".join(cells).rstrip()

    lines = [line(r) for r in table]
    if header:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


# -- loading -----------------------------------------------------------------------------------------


def load_graph(args: argparse.Namespace, *, reason: bool) -> KnowledgeGraph:
    """Load the knowledge graph as the global options say."""
    from shfz_graph.graph import load

    return load(
        reason=reason,
        store=args.store,
        store_path=args.store_path,
        reasoner=args.reasoner,
        extra_sources=args.data or (),
        progress_stream=sys.stderr,
        max_memory=getattr(args, "max_memory", None),
    )


def graph_for_queries(args: argparse.Namespace) -> KnowledgeGraph:
    """The graph to run `query` and `sparql` on: without parsing anything when its query store is built
    (the default in-memory store only; `--store oxigraph` loads as the options say)."""
    from shfz_graph.graph import open_for_queries

    if args.store == "memory" and args.store_path is None:
        kg = open_for_queries(
            reason=reasoning_wanted(args),
            reasoner=args.reasoner,
            extra_sources=args.data or (),
            max_memory=getattr(args, "max_memory", None),
        )
        if kg is not None:
            return kg
    return load_graph(args, reason=reasoning_wanted(args))


def reasoning_wanted(args: argparse.Namespace) -> bool:
    """Whether to add the OWL 2 RL inferences (off with ``--no-reasoning``)."""
    return not getattr(args, "no_reasoning", False)


def add_reasoning_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-reasoning", action="store_true", help="use the asserted graphs only (no OWL 2 RL inferences)"
    )


# -- queries -----------------------------------------------------------------------------------------


def configure_queries(parser: argparse.ArgumentParser) -> None:
    """No options: the catalogue is the package's ``queries/`` folder."""


def run_queries(args: argparse.Namespace) -> int:
    from shfz_graph.catalog import catalog

    for named in catalog():
        network = "  [network]" if named.network else ""
        out(f"{named.name}  {named.summary}{network}")
        for param in named.parameters:
            if param.default is not None:
                note = f"default: {param.default}"
            else:
                note = "required" if param.required else "optional"
            choices = f"; one of: {', '.join(map(str, param.enum))}" if param.enum else ""
            out(f"    -p {param.name}=<{param.kind}>  ({note}{choices})")
    return EXIT_OK


def add_query_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        default="table",
        choices=(*RESULT_FORMATS, *GRAPH_RESULT_FORMATS),
        help="result format (turtle, nt, json-ld: CONSTRUCT/DESCRIBE only; default: table)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to this file (atomically) instead of stdout (xlsx: needed on a terminal)",
    )
    add_reasoning_option(parser)
    parser.add_argument(
        "--timeout", type=positive_float, default=None, help="seconds a query may run (default: 10)"
    )
    parser.add_argument(
        "--max-rows", type=positive_int, default=None, help="keep at most this many rows (default: 10000)"
    )
    add_limit_options(parser)
    parser.add_argument(
        "--allow-network", action="store_true", help="allow SERVICE and FROM (federated queries)"
    )
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="run at this SPARQL 1.1 endpoint instead of the local graph (credentials: $SHFZ_GRAPH_AUTH)",
    )


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """`--max-memory` and `--max-bytes`: the limits of a query's worker process and of its answer."""
    from shfz_graph.pool import DEFAULT_MAX_BYTES, DEFAULT_MAX_MEMORY

    parser.add_argument(
        "--max-memory",
        type=memory_size,
        default=None,
        metavar="SIZE",
        help=f"memory of a query's worker, e.g. 512M or 2G (default: {DEFAULT_MAX_MEMORY >> 20}M; 0: none)",
    )
    parser.add_argument(
        "--max-bytes",
        type=memory_size,
        default=None,
        metavar="SIZE",
        help=f"largest answer, e.g. 10M (default: {DEFAULT_MAX_BYTES >> 20}M)",
    )


def memory_size(text: str) -> int:
    """A size in bytes from `512M`, `2G`, `100K` or a plain number of mebibytes (`1024`)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    spec = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = units.get(spec[-1:]) if spec else None
    number = spec[:-1] if unit is not None else spec
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (write e.g. 512M or 2G)") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"a size cannot be negative: {text!r}")
    return int(value * (unit if unit is not None else 1 << 20))


def configure_query(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="a named query (see `shfz-graph queries`)")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a query parameter (repeatable)",
    )
    add_query_options(parser)


def run_query(args: argparse.Namespace) -> int:
    from shfz_graph.catalog import get

    named = get(args.name)  # unknown names fail here, with suggestions, before anything is loaded
    params = parse_params(args.param)
    query_limits(args)
    clash = sorted(set(params) & {"allow_network", "timeout", "max_rows"})
    if clash:
        raise ParameterError(
            f"a query parameter cannot be called {clash[0]!r} (it is an option of the runner)"
        )
    bindings = named.bind(params)
    about = {"query": named.text, "name": named.name, "parameters": bindings}
    if args.endpoint:
        return print_result(remote_query(args, named.text, bindings), args, about)
    with graph_for_queries(args) as kg:
        return print_answer(kg, args, named.text, bindings, about | {"source_hash": kg.source_hash})


def configure_sparql(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="SPARQL query text, a file holding it, or - to read standard input")
    add_query_options(parser)


def run_sparql(args: argparse.Namespace) -> int:
    text = read_query(args.query)
    if args.endpoint:
        return print_result(remote_query(args, text, None), args, {"query": text})
    with graph_for_queries(args) as kg:
        return print_answer(kg, args, text, None, {"query": text, "source_hash": kg.source_hash})


NATIVE_RESULT_FORMATS = ("json", "xml", "csv", "tsv")  # shfz_graph.worker.RESULT_FORMATS, not imported:
NATIVE_GRAPH_FORMATS = ("turtle", "nt")  # building the parser stays cheap; a test keeps them in step
_ASK_NATIVE = {("ASK", "json"), ("ASK", "xml")}


def print_answer(
    kg: KnowledgeGraph,
    args: argparse.Namespace,
    text: str,
    bindings: dict[str, Node] | None,
    about: dict[str, Any],
) -> int:
    """Run a query in a worker and print its answer (or write it to ``--output``): as Oxigraph wrote it
    for the W3C formats, Turtle and N-Triples; through a `Result` for tables, Markdown, JSON-LD and xlsx."""
    from shfz_graph import execute

    fmt = args.format
    native = fmt in NATIVE_RESULT_FORMATS
    answer = kg.answer(
        text,
        bindings=bindings,
        select_format=fmt if native else "json",
        ask_format=fmt if fmt in ("json", "xml") else ("json" if not native else None),
        graph_format=fmt if fmt in NATIVE_GRAPH_FORMATS else "nt",
        **query_limits(args),
        **({"max_bytes": args.max_bytes} if args.max_bytes is not None else {}),
    )
    if answer.format is None:
        raise ParameterError(f"an ASK result has no {fmt} form; use json, xml, table or md")
    graph = answer.kind in ("CONSTRUCT", "DESCRIBE")
    if not graph and fmt in GRAPH_RESULT_FORMATS:
        raise ParameterError(
            f"a {answer.kind} result is not a graph: use --format table, csv, tsv, json, xml or md"
        )
    if answer.format == fmt:
        data = answer.body if answer.body.endswith(b"\n") else answer.body + b"\n"
        if args.output is not None:
            from shfz_graph.export import write_atomic

            write_atomic(args.output, data)
        else:
            out_bytes(data)
        if answer.truncated:
            unit = "triples" if graph else "rows"
            err(f"warning: the result was cut at {answer.rows} {unit} (raise it with --max-rows)")
        return EXIT_OK
    return print_result(execute.to_result(answer), args, about)


def remote_query(args: argparse.Namespace, text: str, bindings: dict[str, Node] | None) -> Result:
    """Run a query at ``--endpoint`` (parameters as a VALUES block), with the same limits as locally."""
    from shfz_graph import remote

    return remote.query(args.endpoint, text, bindings=bindings, **query_limits(args))


def read_query(arg: str) -> str:
    """The query text: from standard input (``-``), from a file if ``arg`` names one, else ``arg`` itself."""
    if arg == "-":
        return sys.stdin.read()
    path = Path(arg)
    try:
        is_file = "\n" not in arg and path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte: it is query text
        is_file = False
    if is_file:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ParameterError(f"{path}: cannot read the query: {exc}") from exc
    return arg


def parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """``["k=v", ...]`` as a dict; a pair without ``=`` or a repeated name is an error."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"parameter {pair!r} is not NAME=VALUE")
        if name in params:
            raise ParameterError(f"parameter {name!r} is given twice")
        params[name] = value
    return params


def query_limits(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments for ``KnowledgeGraph.query`` given on the command line."""
    limits: dict[str, Any] = {"allow_network": args.allow_network}
    if args.timeout is not None:
        limits["timeout"] = args.timeout
    if args.max_rows is not None:
        limits["max_rows"] = args.max_rows
    return limits


def print_result(result: Result, args: argparse.Namespace, about: dict[str, Any]) -> int:
    """Print a query result in ``--format`` (or write it to ``--output``); warn on stderr when it was cut
    at the row limit. ``about`` (query text, name, parameters, source hash) fills an xlsx file's second sheet.
    """
    fmt = args.format
    if fmt == "xlsx" or args.output is not None:
        write_result(result, args, about)
    elif fmt in GRAPH_RESULT_FORMATS:
        out(result.to_rdf(fmt))
    elif fmt in NATIVE_RESULT_FORMATS and (result.kind == "SELECT" or (result.kind, fmt) in _ASK_NATIVE):
        from shfz_graph import execute  # a remote answer, written as a local one is

        data = execute.oxigraph_bytes(result, fmt)
        out_bytes(data if data.endswith(b"\n") else data + b"\n")
    else:
        out(result.serialize(fmt))
    if result.truncated:
        err(f"warning: the result was cut at {len(result)} rows (raise it with --max-rows)")
    return EXIT_OK


def write_result(result: Result, args: argparse.Namespace, about: dict[str, Any]) -> None:
    """Write the result to ``--output`` atomically, or an xlsx file to stdout unless that is a terminal."""
    from shfz_graph.export import write_atomic

    if args.format == "xlsx":
        from shfz_graph.spreadsheet import About, to_xlsx

        data = to_xlsx(result, About(**about, endpoint=args.endpoint))
    else:
        text = (
            result.to_rdf(args.format)
            if args.format in GRAPH_RESULT_FORMATS
            else result.serialize(args.format)
        )
        data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    if args.output is not None:
        write_atomic(args.output, data)
    elif sys.stdout.isatty():
        raise ParameterError("an xlsx file is binary: give -o FILE, or redirect standard output to a file")
    else:
        out_bytes(data)


# -- describe ----------------------------------------------------------------------------------------


def configure_describe(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "thing", help="an IRI, a prefixed name (zone:huangpu) or a label (English or Chinese)"
    )
    parser.add_argument("--format", default="table", choices=DESCRIBE_FORMATS, help="default: table")
    add_reasoning_option(parser)


def run_describe(args: argparse.Namespace) -> int:
    from shfz_graph.lookup import resolve

    with load_graph(args, reason=reasoning_wanted(args)) as kg:
        iri = resolve(kg.dataset, args.thing)
        description = kg.describe(iri)
        if not len(description):
            raise ParameterError(f"nothing is known about <{iri}>")
        if args.format == "table":
            out(describe_table(kg.dataset, iri, description))
        else:
            from shfz_graph.export import serialize_dataset

            context = None
            if args.format == "json-ld":
                from shfz_graph.jsonld import load_context

                context = load_context()
            out_bytes(
                serialize_dataset(
                    description, args.format, context=context, namespaces=kg.dataset.namespaces()
                )
            )
    return EXIT_OK


def describe_table(dataset: Graph, iri: Node, description: Graph) -> str:
    """The description as a property/value table: types and labels first, then A-Z, then (marked ``←``)
    the statements of other things that point here."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from shfz_graph.lookup import LABEL_PREDICATES, label_of
    from shfz_graph.results import shorten

    first: list[Node] = [RDF.type, *LABEL_PREDICATES]

    def rank(p: Node) -> tuple[int, str]:
        return (first.index(p), "") if p in first else (len(first), shorten(str(p)))

    rows: list[tuple[tuple[int, str], str, str]] = []
    for p, o in description.predicate_objects(iri):
        rows.append((rank(p), shorten(str(p)), term_text(description, dataset, o)))
    for s, p in description.subject_predicates(iri):
        if s != iri:
            inverse = f"← {shorten(str(p))}"
            rows.append(((len(first) + 1, inverse), inverse, term_text(description, dataset, s)))
    rows.sort()
    label = label_of(dataset, URIRef(str(iri)))
    head = f"{iri}" + (f"  ({label})" if label else "")
    return head + "\n\n" + columns([(p, v) for _, p, v in rows], header=("property", "value"))


def term_text(description: Graph, dataset: Graph, term: Node, depth: int = 0) -> str:
    """A value as people read it: a short IRI with its English label, a literal with its language."""
    from rdflib import BNode, Literal, URIRef

    from shfz_graph.lookup import label_of
    from shfz_graph.results import shorten

    if isinstance(term, URIRef):
        label = label_of(dataset, term)
        return shorten(str(term)) + (f" ({label})" if label else "")
    if isinstance(term, Literal):
        text = " ".join(str(term).split())
        return f"{text} @{term.language}" if term.language else text
    if isinstance(term, BNode) and depth < 3:
        parts = [
            f"{shorten(str(p))} {term_text(description, dataset, o, depth + 1)}"
            for p, o in sorted(description.predicate_objects(term))
        ]
        return "[" + "; ".join(parts) + "]"
    return "[…]"


# -- export ------------------------------------------------------------------------------------------


def configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        default="turtle",
        type=str.lower,
        choices=(*EXPORT_FORMATS, *EXPORT_ALIASES),
        help="RDF format (default: turtle)",
    )
    parser.add_argument("--inferred", action="store_true", help="include the inferred graph")
    parser.add_argument("-o", "--output", type=Path, help="write to this file (atomically) instead of stdout")


def run_export(args: argparse.Namespace) -> int:
    from shfz_graph.export import write_atomic

    with load_graph(args, reason=args.inferred) as kg:
        data = kg.export(args.format, inferred=args.inferred)
    if args.output is None:
        out_bytes(data)
    else:
        write_atomic(args.output, data)
    return EXIT_OK


# -- validate ----------------------------------------------------------------------------------------


def configure_validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--inferred",
        action="store_true",
        help="validate the OWL 2 RL inferences too, not just what the files say",
    )
    parser.add_argument("--shapes", type=Path, help="SHACL shapes file (default: the package's shapes.ttl)")


def run_validate(args: argparse.Namespace) -> int:
    with load_graph(args, reason=args.inferred) as kg:
        report = kg.validate(shapes=args.shapes, inferred=args.inferred)
    if not report.conforms:
        out(report.text())
        n = len(report.results)
        raise ValidationFailed(f"the data does not conform to the shapes ({n} result{'' if n == 1 else 's'})")
    out(report.text() if report.results else "conforms")
    return EXIT_OK


# -- info --------------------------------------------------------------------------------------------


def configure_info(parser: argparse.ArgumentParser) -> None:
    add_reasoning_option(parser)


def run_info(args: argparse.Namespace) -> int:
    from shfz_graph.results import shorten

    with load_graph(args, reason=reasoning_wanted(args)) as kg:
        counts = kg.counts()
        classes = kg.class_counts()
        facts = [
            ("version", __version__),
            ("source hash", kg.source_hash),
            ("store", str(getattr(kg, "store", args.store))),
            ("reasoner", str(getattr(kg, "reasoner", None) or "none")),
        ]
    graph_rows = [(name, str(n)) for name, n in counts.items()]
    class_rows = [(shorten(str(cls)), str(n)) for cls, n in classes.items()]
    out(
        "\n".join(
            (
                columns(facts),
                columns(graph_rows, header=("graph", "triples")),
                columns(class_rows, header=("class", "instances")),
            )
        )
    )
    return EXIT_OK


# -- remote stores and links (issue 5) --------------------------------------------------------------


def configure_push(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL query endpoint")
    parser.add_argument(
        "--graph-store",
        metavar="URL",
        help="its Graph Store Protocol address (PUT ?graph=IRI replaces a graph)",
    )
    parser.add_argument(
        "--update-endpoint",
        metavar="URL",
        help="its SPARQL Update endpoint, used when there is no --graph-store (default: --endpoint)",
    )
    parser.add_argument("--inferred", action="store_true", help="push the OWL 2 RL inferences too")
    parser.add_argument("--timeout", type=positive_float, default=None, help="seconds per request")


def run_push(args: argparse.Namespace) -> int:
    from shfz_graph import remote

    update = None if args.graph_store else (args.update_endpoint or args.endpoint)
    options = {"timeout": args.timeout} if args.timeout is not None else {}
    with load_graph(args, reason=args.inferred) as kg:
        report = remote.push(
            kg,
            query_endpoint=args.endpoint,
            graph_store=args.graph_store,
            update_endpoint=update,
            inferred=args.inferred,
            progress_stream=sys.stderr,
            **options,
        )
    rows = [(iri, str(n)) for iri, n in report.counts.items()]
    out(columns(rows, header=("graph", "triples")))
    how = "Graph Store Protocol" if report.method == "graph-store" else "SPARQL Update"
    err(f"pushed {len(rows)} graphs by the {how}; the counts at {args.endpoint} match")
    return EXIT_OK


def unit_interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def configure_link(parser: argparse.ArgumentParser) -> None:
    # No import of shfz_graph.remote here: building the parser must stay cheap (it costs 0.4 s).
    parser.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="a Wikidata endpoint (default: Wikidata's public query service)",
    )
    parser.add_argument(
        "--out", type=Path, help="the links file to add to (default: data/links.ttl of the checkout)"
    )
    parser.add_argument(
        "--review", type=Path, metavar="FILE", help="write the links below the threshold here (SSSOM TSV)"
    )
    parser.add_argument(
        "--threshold", type=unit_interval, default=0.8, help="lowest score kept in the data (default: 0.8)"
    )
    parser.add_argument("--timeout", type=positive_float, default=None, help="seconds per request")


def run_link(args: argparse.Namespace) -> int:
    from shfz_graph import linking, resources
    from shfz_graph.remote import WIKIDATA_SPARQL

    target = args.out
    if target is None:
        target = next((p for p in resources.data_paths() if p.name == "links.ttl"), None)
        if target is None or "_bundled" in target.parts:
            raise ParameterError("give --out FILE: there is no data/links.ttl of a checkout to add to")
    options = {"timeout": args.timeout} if args.timeout is not None else {}
    with load_graph(args, reason=False) as kg:
        candidates = linking.propose_links(kg, args.endpoint or WIKIDATA_SPARQL, **options)
    report = linking.write_links(candidates, target, review=args.review, threshold=args.threshold)
    rows = [
        (status, f"{c.score:g}", str(c.subject), f"wd:{c.qid}", c.item_label)
        for status, found in (("added", report.added), ("kept", report.present), ("review", report.review))
        for c in found
    ]
    if rows:
        out(columns(rows, header=("status", "score", "thing", "item", "label")))
    counts = linking.summary(report)
    review = f" (in {args.review})" if args.review else " (give --review FILE to keep them)"
    err(
        f"{counts['added']} links added to {target}, {counts['present']} already there, "
        f"{counts['curated']} skipped for hand-curated links, {counts['review']} for review{review}"
    )
    return EXIT_OK


# -- map -------------------------------------------------------------------------------------------


def configure_map(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", type=Path, help="write the SVG to this file (atomically), not stdout"
    )
    parser.add_argument("--batch", help="only the zones of this batch (its IRI, or its last segment: first)")
    parser.add_argument("--no-labels", action="store_true", help="leave out the district names")
    parser.add_argument("--width", type=positive_int, default=900, help="width in pixels (default: 900)")


def run_map(args: argparse.Namespace) -> int:
    """Draw the map of Shanghai's districts and zones (the `map` extra: exit 2 naming it when missing)."""
    from shfz_graph import mapping
    from shfz_graph.export import write_atomic

    mapping.require()
    with graph_for_queries(args) as kg:
        data = mapping.load(kg)
    title = "Shanghai's districts and the linked innovation zones"
    if args.batch:
        data = data.only(args.batch)
        label = data.batches[0].label
        title = f"Shanghai's districts and the zones of the {label[:1].lower()}{label[1:]}"
    svg = mapping.draw(data, labels=not args.no_labels, width=args.width, href=_map_link, title=title)
    if args.output is None:
        out(svg)
    else:
        write_atomic(args.output, (svg + "\n").encode("utf-8"))
        err(f"wrote the map to {args.output}")
    return EXIT_OK


def _map_link(iri: str) -> str:
    """In a file of its own, the map links each district to its IRI."""
    return iri


# -- the command table and the parser ----------------------------------------------------------------

COMMANDS: tuple[Command, ...] = (
    Command("queries", "list the named queries and their parameters", configure_queries, run_queries),
    Command("query", "run a named query", configure_query, run_query),
    Command("sparql", "run a SPARQL query (text, file, or - for stdin)", configure_sparql, run_sparql),
    Command("describe", "show everything about one thing (IRI or label)", configure_describe, run_describe),
    Command("export", "write the graph as RDF", configure_export, run_export),
    Command("validate", "check the data against the SHACL shapes", configure_validate, run_validate),
    Command("info", "version, source hash, and counts per graph and class", configure_info, run_info),
    Command("push", "load the named graphs into a SPARQL 1.1 store", configure_push, run_push),
    Command("link", "propose links to Wikidata items, for review", configure_link, run_link),
    Command("serve", "serve the SPARQL endpoint, IRIs and pages over HTTP", configure_serve, run_serve),
    Command(
        "map", "draw Shanghai's districts with the zones as SVG (the [map] extra)", configure_map, run_map
    ),
)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand understands (given before the subcommand)."""
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    parser.add_argument("--store", choices=("memory", "oxigraph"), default="memory", help="default: memory")
    parser.add_argument("--store-path", type=Path, help="keep an Oxigraph store in this folder")
    parser.add_argument(
        "--reasoner", choices=("auto", "owlrl", "reasonable"), default="auto", help="default: auto"
    )
    parser.add_argument(
        "--data", action="append", type=Path, metavar="FILE", help="an extra RDF source (repeatable)"
    )


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    """The argument parser: global options, then one subparser per row of ``commands``."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The Shanghai Pilot Free Trade Zone knowledge graph: query, describe, export, validate.",
    )
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND", required=True)
    for command in commands:
        sub_parser = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub_parser)
        sub_parser.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors (argparse prints them)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DeprecatedParameterName)
            code: int = args.run(args)
        sys.stdout.flush()
        for warning in caught:
            if isinstance(warning.message, DeprecatedParameterName):
                err(f"warning: {warning.message}")
            else:
                warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except ValidationFailed as exc:
        return report_error(args, exc, EXIT_INVALID)
    except (ShfzError, OSError) as exc:
        return report_error(args, exc, EXIT_ERROR)
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        else:
            err(f"internal error: {type(exc).__name__}: {one_line(str(exc))} (run with --debug for details)")
        return EXIT_ERROR


def report_error(args: argparse.Namespace, exc: BaseException, code: int) -> int:
    """Print ``shfz-graph: error: ...`` (and the traceback with ``--debug``); return ``code``."""
    if args.debug:
        traceback.print_exc()
    message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if isinstance(exc, OSError) and exc.filename:
        message = f"{exc.filename}: {message}"
    flag = LIMIT_FLAGS.get(getattr(exc, "limit", None) or "")
    if flag and isinstance(exc, ShfzError):
        message += f" (raise it with {flag})"
    err(f"error: {one_line(message)}")
    return code


#: The option that raises each limit a query can hit (`QueryTimeout.limit`, `QueryLimitExceeded.limit`).
LIMIT_FLAGS = {"time": "--timeout", "memory": "--max-memory", "answer-bytes": "--max-bytes"}


def one_line(text: str) -> str:
    """Collapse a message onto one line."""
    return " ".join(text.split())


def silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (e.g. captured in tests): nothing will flush into a pipe
