"""One module per stage: each measures ours against its baseline in the same run and returns the numbers.

The suite's stages: load, reason, validate, queries, export, cli, endpoints, memory. The isolated run's:
named, throughput, hostile. The report module writes them out.
"""
