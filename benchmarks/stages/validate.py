"""Suite stage: SHACL validation, ours (`kg.validate()`) against raw `pyshacl.validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from benchmarks.harness import measure, synthetic_file
from shfz_graph import resources
from shfz_graph.graph import load


def run(work: Path, quick: bool) -> dict[str, Any]:
    """Our data with 10^4 synthetic triples (2,000 when quick), without the closure."""
    import pyshacl

    size = 2000 if quick else 10_000
    kg = load(extra_sources=[synthetic_file(size, work)], reason=False)
    data = Graph()
    for name in kg.names:
        if name != "ontology":
            data += kg.graph(name)
    shapes = Graph().parse(resources.shapes_path(), format="turtle")
    ontology = Graph().parse(resources.ontology_path(), format="turtle")
    conforms: list[bool] = []
    t_ours = measure(lambda: conforms.append(kg.validate().conforms), 1, warmup=False)
    t_raw = measure(
        lambda: pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none"),
        1,
        warmup=False,
    )
    kg.close()
    return {"size": size, "triples": len(data), "ours": t_ours, "raw": t_raw, "conforms": conforms[0]}
