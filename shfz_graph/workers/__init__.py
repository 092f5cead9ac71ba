"""Query workers: processes that run every query under hard limits, in a sandbox with no network.

`supervisor` (the pool: `QueryPool`), `handle` (one worker seen from the parent), `forkserver` (the process
that forks workers, and its parent's end), `child` (what runs inside a worker), `screen` (a worker's cheap
first look at a query), `sandbox` (no network, enforced by the kernel), `wire` (jobs, answers and errors as
they cross the pipes), `lanes` (first-come first-served lanes for one event loop).
"""

from __future__ import annotations

from shfz_graph.workers.wire import GRAPH_FORMATS, RESULT_FORMATS, Answer, Job, term_spec

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "Answer", "Job", "term_spec"]
