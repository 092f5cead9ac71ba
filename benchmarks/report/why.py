"""Why each missed target of the suite was missed, and what would close it: from profiling, as prose."""

WHY = {
    "load": (
        "`load()` parses through oxrdflib into the same pyoxigraph Store, so the gap is what it does besides:"
        " sha256 of every source (`sources.hash_sources`), parsing our ontology and data, one transaction per"
        " file. Bulk loading (`Store.bulk_load`, oxrdflib's `transactional=False`) would close it."
    ),
    "query_raw": (
        "Two causes remain. (1) oxrdflib turns every value of every solution into an rdflib term"
        " (`oxrdflib.store.OxigraphStore.query` -> `_converter.from_ox` -> `rdflib.term.Literal.__new__`),"
        " then `engine._convert_native` and `Result.select` copy each row again: on row-heavy answers"
        " (bilingual-labels,"
        " figure-sources, announcement) this costs as much as Oxigraph's evaluation or more (see the"
        " breakdown"
        " table). Fix: in `engine._run_native` call `store._inner.query(text,"
        " use_default_graph_as_union=True,"
        " prefixes=...)` directly and convert through a dict memo per query (IRIs and labels repeat across"
        " rows), building the row dicts once. (2) Parameters bound with a VALUES block"
        " (`binding.bind_values`)"
        " or Oxigraph's `substitutions=` are not pushed into UNION branches by Oxigraph's planner:"
        " zone-description scans where the same text with the IRI written in place of `?_zone_iri` takes"
        " under 1 ms (the raw column shows the faster binding). Fix: write checked terms in place of the"
        " parameter variables (`_sparqltext.variables` gives their offsets) when the variable is not"
        " projected,"
        " keeping VALUES for the rest. Queries marked 'native: no' run rdflib's engine over the"
        " Oxigraph store."
    ),
    "query_rdflib": (
        "zone-description: Oxigraph does not push the bound `?_zone_iri` into the UNION branches and scans,"
        " while rdflib's engine does push its initBindings (cause 2 above; writing the term in place of the"
        " variable makes it 100x faster on Oxigraph). Elsewhere the ratio is lowered by the term conversion"
        " (cause 1) on row-heavy answers, and by small selective queries on which rdflib is fast too."
    ),
    "reason": (
        "`reasoning.engines.run_reasonable` fills reasonable's gaps in Python (`rules.instance_rules`,"
        " `consistency_problems` over an index of the whole closure), converts every triple (`_plain`) and"
        " loops until nothing new comes; `_union` copies the input into a Python set. Running the gap rules"
        " on integer ids, only for predicates that need them, would close it."
    ),
    "cli": (
        "the process imports rdflib, the CLI, the catalogue and the graph module, parses our Turtle files"
        " with rdflib (memory store) and reads the cached closure with rdflib's N-Triples parser"
        " (`reasoning.cache.read`), then parses the query with pyparsing: see `python -X importtime -m"
        " shfz_graph`. An Oxigraph store kept on disk (`--store-path`) skips parsing; importing rdflib's "
        "SPARQL"
        " parser lazily and caching parsed queries closes the rest."
    ),
    "endpoint": (
        "each request is handled in Python: uvicorn and FastAPI, then `engine.run` (a worker thread"
        " per query,"
        " oxrdflib's conversion of every value into rdflib terms, `engine._convert_native`,"
        " `Result.select`) and"
        " `Result.to_json`, while `oxigraph serve` parses, evaluates and writes JSON in Rust; with 2"
        " cores the"
        " 16 client threads also compete with the server. Writing answers with pyoxigraph's own"
        " serializer (`QuerySolutions.serialize(format="
        "QueryResultsFormat.JSON)`) when the client asks for JSON, and the query fixes above, would"
        " close most"
        " of it; more workers than cores would not help on this machine."
    ),
    "rss_disk": (
        "with `--store-path` the second start reuses the store and reads no closure (272 MiB after its "
        "first `ASK {}`), but the peak then comes from answering queries: each zones-by-sector request "
        "over 10^6 triples builds rdflib terms, row dicts and a JSON string in Python, and RocksDB adds "
        "its block cache; `oxigraph serve` is one Rust binary that streams results. Writing results with "
        "pyoxigraph's serializer and capping the store's caches would bring it down; 1.5x of a 44 MiB "
        "process is out of reach for any Python server (the interpreter with rdflib and FastAPI is about "
        "100 MiB before any data)."
    ),
    "rss": (
        "`serve` keeps the whole graph in an in-memory Oxigraph store (`stores.open_oxigraph` without"
        " `store_path`), and on the way reads the cached closure with rdflib's N-Triples parser into an"
        " rdflib"
        " Graph (`reasoning.cache.read`, about 1.3 million triples at 10^6) before copying it into the store"
        " (`target += inferred` in `graph._add_closure`); `oxigraph serve` keeps its data in RocksDB on disk"
        " and maps in what queries touch. Serving from an on-disk store (`--store-path`, see its row: the"
        " second start reuses the store and reads no closure) closes most of it; loading the closure file"
        " with `Store.load(format=N_TRIPLES, to_graph=...)` instead of rdflib would close the rest."
    ),
}
