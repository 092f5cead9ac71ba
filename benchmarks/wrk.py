"""wrk (a C load generator) with a Lua script of ours: light queries whose answers are all checked.

The script sends `LightQuery` texts in turn. With `fresh=True` every request's text is new: a nonce in a
`VALUES` block that the answer must echo (the cold path: no server has seen the text before); with
`fresh=False` the same few texts repeat. Every answer is checked in the script: the query number and the
nonce come back as sent (the nonce one this thread sent and has not seen answered), and the count is the
one the reference store gave for that query. A 500 that says "the query's worker died" is counted apart
(the soak's chaos client kills workers), every other non-200 answer is an error.
"""

from __future__ import annotations

import re
import subprocess
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

JSON = "application/sparql-results+json"
#: How many query numbers a nonce leaves room for (nonce % SLOTS is the query's number).
SLOTS = 64
NONCE = "NONCE"  # where the nonce goes in a template


@dataclass(frozen=True)
class LightQuery:
    """A light query: its text with NONCE where the nonce goes, and the count it must answer."""

    template: str
    count: int


def light_template(number: int, predicate: str, distinct: bool) -> str:
    """A count of the triples (or of the distinct subjects) of one predicate, echoing its number and nonce."""
    counted = "DISTINCT ?s" if distinct else "*"
    return (
        f"SELECT ?q ?n (COUNT({counted}) AS ?c) WHERE {{ VALUES (?q ?n) {{ ({number} {NONCE}) }} "
        f"?s <{predicate}> ?o }} GROUP BY ?q ?n"
    )


def light_queries(store: object, how_many: int = 48, most: int = 2000) -> list[LightQuery]:
    """`how_many` light queries over the predicates of `store` (a pyoxigraph Store holding the served
    quads) that have at most `most` triples, by IRI, counting triples and distinct subjects in turn; each
    count is the store's own answer (the reference every server must match)."""
    rows = store.query(  # type: ignore[attr-defined]
        "SELECT ?p (COUNT(*) AS ?c) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p",
        use_default_graph_as_union=True,
    )
    predicates = [row["p"].value for row in rows if int(row["c"].value) <= most]
    if not predicates:
        raise RuntimeError("no predicate with few enough triples for a light query")
    if how_many > SLOTS:
        raise ValueError(f"at most {SLOTS} light queries")
    queries = []
    for number in range(how_many):
        template = light_template(number, predicates[number % len(predicates)], bool(number % 2))
        answer = store.query(  # type: ignore[attr-defined]
            template.replace(NONCE, "0"), use_default_graph_as_union=True
        )
        queries.append(LightQuery(template, int(next(iter(answer))["c"].value)))
    return queries


def heavy_template(number: int, predicate: str) -> str:
    """The triples of every subject of one predicate, counted (a join on the subject): milliseconds of
    evaluation, so the engine's time outweighs the server's per-request work."""
    return (
        f"SELECT ?q ?n (COUNT(*) AS ?c) WHERE {{ VALUES (?q ?n) {{ ({number} {NONCE}) }} "
        f"?s <{predicate}> ?o . ?s ?p ?x }} GROUP BY ?q ?n"
    )


def heavy_queries(store: object, how_many: int = 8) -> list[LightQuery]:
    """`how_many` heavy queries over the predicates of `store` with the most triples, each with the
    store's own count."""
    rows = store.query(  # type: ignore[attr-defined]
        "SELECT ?p (COUNT(*) AS ?c) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?c) ?p LIMIT "
        + str(how_many),
        use_default_graph_as_union=True,
    )
    queries = []
    for number, row in enumerate(rows):
        template = heavy_template(number, row["p"].value)
        answer = store.query(  # type: ignore[attr-defined]
            template.replace(NONCE, "0"), use_default_graph_as_union=True
        )
        queries.append(LightQuery(template, int(next(iter(answer))["c"].value)))
    return queries


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


LUA = """\
-- written by benchmarks/wrk.py: light queries, every answer checked (see its docstring)
local pieces = {
%(pieces)s
}
local expected = { %(expected)s }
local fresh = %(fresh)s
local slots = %(slots)d
local etags = { %(etags)s }  -- when given: each request revalidates (If-None-Match), a 304 is right
local revalidate = #etags > 0
local threads = {}
local ffi = require("ffi")  -- wrk runs LuaJIT: the monotonic clock, for each answer's own latency
ffi.cdef[[
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clock, struct bench_timespec *now);
]]
local clock = ffi.new("struct bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  sent, answered, wrong, errors, died, revalidated = 0, 0, 0, 0, 0, 0
  pending = {}  -- nonce -> the send times of its requests not yet answered
  conditional = {}  -- per query: the headers of its revalidation (wrk's own, and If-None-Match)
  for i, etag in ipairs(etags) do
    local h = {}
    for name, value in pairs(wrk.headers) do h[name] = value end
    h["If-None-Match"] = etag
    conditional[i] = h
  end
  latencies = {}
  sample = ""
end

function request()
  local k = sent %% #pieces
  local n = k
  if fresh then n = ((sent * 1000) + id) * slots + k end
  sent = sent + 1
  if revalidate then return wrk.format(nil, pieces[k + 1][1] .. n .. pieces[k + 1][2], conditional[k + 1]) end
  local key = string.format("%%.0f", n)
  if pending[key] == nil then pending[key] = {} end
  table.insert(pending[key], now_us())
  return wrk.format(nil, pieces[k + 1][1] .. key .. pieces[k + 1][2])
end

local function value(body, name)
  local term = body:match('"' .. name .. '"%%s*:%%s*(%%b{})')
  if term == nil then return nil end
  return term:match('"value"%%s*:%%s*"([^"]*)"')
end

local function failed(status, body)
  errors = errors + 1
  if sample == "" then sample = status .. " " .. body:sub(1, 200) end
end

function response(status, headers, body)
  if revalidate then  -- a 304 with no body is the right answer; anything else is wrong or an error
    if status == 304 and #body == 0 then
      revalidated = revalidated + 1
      answered = answered + 1
    elseif status == 200 then
      wrong = wrong + 1
      if sample == "" then sample = "200 instead of 304 " .. body:sub(1, 200) end
    else
      failed(status, body)
    end
    return
  end
  if status ~= 200 then
    if status == 500 and body:find("worker died", 1, true) then
      died = died + 1
    else
      failed(status, body)
    end
    return
  end
  local q, key, c = tonumber(value(body, "q")), value(body, "n"), tonumber(value(body, "c"))
  if q == nil or key == nil or c == nil or pending[key] == nil
      or tonumber(key) %% slots ~= q or expected[q + 1] ~= c then
    wrong = wrong + 1
    if sample == "" then sample = "wrong " .. body:sub(1, 200) end
    return
  end
  latencies[#latencies + 1] = now_us() - table.remove(pending[key], 1)
  if #pending[key] == 0 then pending[key] = nil end
  answered = answered + 1
end

function done(summary, latency, requests)
  local t = { sent = 0, answered = 0, wrong = 0, errors = 0, died = 0, revalidated = 0 }
  local samples, all = {}, {}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
    for _, x in ipairs(thread:get("latencies")) do all[#all + 1] = x end
    local s = thread:get("sample")
    if s ~= "" then table.insert(samples, s) end
  end
  table.sort(all)
  local function raw(p)
    if #all == 0 then return 0 end
    return all[math.max(1, math.min(#all, math.floor(p * #all + 0.5)))]
  end
  local e = summary.errors
  io.write(string.format(
    "WRK duration_us=%%d requests=%%d sent=%%d answered=%%d wrong=%%d errors=%%d died=%%d revalidated=%%d " ..
    "connect=%%d read=%%d write=%%d timeout=%%d p50_us=%%d p99_us=%%d max_us=%%d " ..
    "wrk_p99_us=%%d wrk_max_us=%%d\\n",
    summary.duration, summary.requests, t.sent, t.answered, t.wrong, t.errors, t.died, t.revalidated,
    e.connect, e.read, e.write, e.timeout,
    raw(0.5), raw(0.99), raw(1.0), latency:percentile(99), latency.max))
  for _, s in ipairs(samples) do io.write("WRK-SAMPLE " .. s:gsub("\\n", " ") .. "\\n") end
end
"""


def lua_script(path: str, queries: list[LightQuery], fresh: bool, etags: Sequence[str] = ()) -> str:
    """The Lua script for wrk: GET `path`?query=TEXT for each query in turn (a new nonce each time when
    `fresh`, else the query's number), every answer checked against the query's count. With `etags`
    (one per query, its answer's ETag) each request revalidates with If-None-Match: a 304 is right."""
    if etags and (fresh or len(etags) != len(queries)):
        raise ValueError("revalidation needs one ETag per query, and fixed texts")
    pieces = []
    for query in queries:
        before, _, after = query.template.partition(NONCE)
        head = f"{path}?query={urllib.parse.quote(before, safe='')}"
        pieces.append(f"  {{ {_lua_string(head)}, {_lua_string(urllib.parse.quote(after, safe=''))} }},")
    return LUA % {
        "pieces": "\n".join(pieces),
        "expected": ", ".join(str(q.count) for q in queries),
        "fresh": "true" if fresh else "false",
        "slots": SLOTS,
        "etags": ", ".join(_lua_string(etag) for etag in etags),
    }


@dataclass
class WrkRun:
    """What one wrk run saw: requests and seconds, the checked answers, and latencies (seconds)."""

    requests: int
    seconds: float
    answered: int  # 200 and right
    wrong: int  # 200 but not the answer the query must have
    errors: int  # any other status, or a socket error or timeout
    died: int  # 500 "the query's worker died"
    p50: float  # of the right answers, each timed from its request's send to its answer
    p99: float
    max: float
    samples: list[str]
    wrk_p99: float = 0.0  # wrk's own, corrected for coordinated omission (with made-up samples for stalls)
    wrk_max: float = 0.0
    revalidated: int = 0  # 304 answers to If-None-Match (revalidation runs only)

    @property
    def qps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse(output: str) -> WrkRun:
    """The numbers the script's `done` printed; RuntimeError when wrk printed none."""
    match = re.search(r"^WRK (.*)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no result: {output.strip()[-500:]}")
    n = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    socket_errors = n["connect"] + n["read"] + n["write"] + n["timeout"]
    return WrkRun(
        requests=n["requests"],
        seconds=n["duration_us"] / 1e6,
        answered=n["answered"],
        wrong=n["wrong"],
        errors=n["errors"] + socket_errors,
        died=n["died"],
        p50=n["p50_us"] / 1e6,
        p99=n["p99_us"] / 1e6,
        max=n["max_us"] / 1e6,
        samples=re.findall(r"^WRK-SAMPLE (.*)$", output, re.MULTILINE),
        wrk_p99=n["wrk_p99_us"] / 1e6,
        wrk_max=n["wrk_max_us"] / 1e6,
        revalidated=n.get("revalidated", 0),
    )


def run(
    url: str,
    queries: list[LightQuery],
    *,
    fresh: bool,
    connections: int,
    seconds: float,
    script: Path,
    threads: int = 2,
    etags: Sequence[str] = (),
) -> WrkRun:
    """wrk against `url` (the SPARQL endpoint) for `seconds` with `connections` keep-alive connections
    (revalidating each query's answer when given their `etags`)."""
    parsed = urllib.parse.urlsplit(url)
    script.write_text(lua_script(parsed.path, queries, fresh, etags), encoding="utf-8")
    base = f"{parsed.scheme}://{parsed.netloc}/"
    args = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds:g}s"]
    args += ["--timeout", "30s", "-s", str(script), "-H", f"Accept: {JSON}", base]
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=seconds + 120)
    return parse(done.stdout + done.stderr)
