"""Suite stage: the OWL 2 RL closure, ours (`reasoning.closure`) against raw reasonable and raw owlrl."""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path
from typing import Any

from rdflib import Graph

from benchmarks.harness import capped, measure
from shfz_graph import reasoning, resources
from shfz_graph.progress import progress


def our_graphs(extra: Path | None) -> list[Graph]:
    """The ontology, our data and an extra source, each parsed by rdflib (for the reasoners)."""
    paths = [resources.ontology_path(), *resources.data_paths()] + ([extra] if extra else [])
    graphs = []
    for path in paths:
        graph = Graph()
        graph.parse(path, format="turtle")
        graphs.append(graph)
    return graphs


def raw_reasonable(graphs: list[Graph]) -> None:
    """`reasonable` as a user would call it, minus owl:InverseFunctionalProperty declarations (with them
    reasonable 0.4.4 makes every two subjects of shfz:hasInitiative owl:sameAs and exhausts memory)."""
    import reasonable
    from rdflib import OWL, RDF

    triples = [
        t for g in graphs for t in g if not (t[1] == RDF.type and t[2] == OWL.InverseFunctionalProperty)
    ]
    engine = reasonable.PyReasoner()
    engine.from_graph(triples)
    engine.reason()


def raw_owlrl(graphs: list[Graph]) -> None:
    import owlrl

    work = Graph()
    for graph in graphs:
        work += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)


def run(files: dict[int, Path], quick: bool) -> list[dict[str, Any]]:
    """At the smallest size (and at 10^5 unless quick); owlrl at 10^4 and below only."""
    rows = []
    small = min(files)
    sizes = [small] + ([s for s in files if s == 10**5] if not quick else [])
    for size in progress(sizes, "reason"):
        graphs = our_graphs(files[size])
        base = sum(len(g) for g in graphs)
        repeats = 1 if quick or size >= 10**5 else 3
        t_ours = measure(partial(reasoning.closure, graphs, reasoner="reasonable"), repeats, warmup=False)
        t_raw = measure(partial(raw_reasonable, graphs), repeats, warmup=False)
        row: dict[str, Any] = {"size": size, "input": base, "ours": t_ours, "raw": t_raw}
        if size <= 10**4:
            row["ours_owlrl"] = measure(partial(reasoning.closure, graphs, reasoner="owlrl"), 1, warmup=False)
            row["raw_owlrl"] = capped(partial(raw_owlrl, graphs), 120.0)
        rows.append(row)
        del graphs
        gc.collect()
    return rows
