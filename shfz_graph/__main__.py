"""``python -m shfz_graph``: the same as the ``shfz-graph`` command."""

from shfz_graph.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
