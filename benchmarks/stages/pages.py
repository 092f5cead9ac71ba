"""Pages stage: every page and listing of `shfz-graph serve` over a large graph, first and repeated, and
how much the serving process grows while answering them."""

from __future__ import annotations

import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.servers import Server

#: The pages measured, by name: the home page, the listings and search, and one page of each other kind.
PAGES = (
    ("home", "/"),
    ("search, words found", "/search?q=green+logistics"),
    ("search, one word", "/search?q=zone"),
    ("search, nothing found", "/search?q=qqqqxz"),
    ("query page", "/query"),
    ("ontology", "/ontology"),
    ("downloads", "/download/"),
    ("a zone", "/id/zone/huangpu"),
    ("a top sector", "/id/sector/financial-services"),
    ("VoID", "/.well-known/void"),  # counted by aggregate queries in the workers, prepared at start
)
#: Pages left out of the targets, if any (VoID was, while it counted every triple in the serving process).
UNBOUNDED: tuple[str, ...] = ()
HTML = {"Accept": "text/html"}
_NOTE = re.compile(rb'<p class="[^"]*\bcapped\b[^"]*">(.*?)</p>', re.S)


@dataclass
class PageTiming:
    """One page: its status, size, the first answer's seconds and the median of the repeated ones."""

    name: str
    path: str
    status: int
    size: int
    first: float
    repeated: float | None
    peak_kib: int = 0  # the serving process's highest VmRSS while answering this page
    notes: list[str] = field(default_factory=list)  # the page's own notes about what it leaves out


@dataclass
class PagesRun:
    """All pages, and the serving process's resident memory before, at its highest during, and after."""

    pages: list[PageTiming]
    rss_before_kib: int
    rss_peak_kib: int
    rss_after_kib: int

    @property
    def growth_mib(self) -> float:
        """Growth over the pages of the target (all but those in `UNBOUNDED`)."""
        bounded = [p.peak_kib for p in self.pages if p.path not in UNBOUNDED]
        return (max(bounded, default=self.rss_before_kib) - self.rss_before_kib) / 1024

    def page_growth_mib(self, page: PageTiming) -> float:
        return (page.peak_kib - self.rss_before_kib) / 1024


def rss_kib(pid: int) -> int:
    """VmRSS of one process (not its children: the query workers are counted apart by their own limits)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class _Peak:
    """The highest VmRSS of a process, sampled every 50 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, rss_kib(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.05)

    def take(self) -> int:
        """The highest VmRSS since the last `take` (or the start); the next period starts now."""
        highest, self.peak = self.peak, rss_kib(self.pid)
        return max(highest, self.peak)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _get(root: str, path: str, timeout: float) -> tuple[int, bytes, float]:
    """Status, body and seconds of one GET of a page, as a browser asks for it."""
    request = urllib.request.Request(root + path, headers=HTML)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, body, time.perf_counter() - started


def _notes(body: bytes) -> list[str]:
    """The page's notes about what it leaves out (`<p class="... capped">`), as plain text."""
    return [" ".join(re.sub(r"<[^>]+>", "", m.decode()).split()) for m in _NOTE.findall(body)]


def run(server: Server, repeats: int, timeout: float = 900.0) -> PagesRun:
    """Ask every page once (first answer), then `repeats` more times (repeated answers)."""
    root = server.url.rsplit("/", 1)[0]
    before = rss_kib(server.pid)
    peak = _Peak(server.pid)
    pages = []
    try:
        for name, path in PAGES:
            status, body, first = _get(root, path, timeout)
            again = [_get(root, path, timeout)[2] for _ in range(repeats)]
            repeated = statistics.median(again) if again else None
            pages.append(
                PageTiming(name, path, status, len(body), first, repeated, peak.take(), _notes(body))
            )
            print(f"{name}: {status}, {len(body):,} bytes, first {first:.3f} s", flush=True)
    finally:
        highest = peak.stop()
    return PagesRun(pages, before, highest, rss_kib(server.pid))
