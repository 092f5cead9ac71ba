"""Benchmarks of shfz-graph against the libraries it builds on; run from the checkout's root:

    python -m benchmarks suite|isolated|server|generate ...   (python -m benchmarks --help)

- `harness`: timings, medians, ratios, percentiles, and how numbers are written;
- `servers`: one starter per server (`shfz-graph serve`, `oxigraph serve`, rdflib-endpoint) and memory probes;
- `client`: the load clients (keep-alive threads, ApacheBench);
- `stages/`: one module per stage; `suite`, `isolated` and `server` run them; `report/` writes RESULTS.md;
- `generate`: synthetic data (also `python benchmarks/generate.py`).
"""
