"""The pages in headless Debian chromium (Playwright for Python): home, a zone, the query editor.

Skipped locally, with the reason, when /usr/bin/chromium is missing; a failure under CI (see conftest)."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser page; every request it makes is recorded and must go to the live server only."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    yield tab
    context.close()
    outside = [
        url for url in requested if not url.startswith(live_server.url) and not url.startswith("data:")
    ]
    assert outside == [], f"the pages fetched from elsewhere: {outside}"


def test_home_page_shows_zones_chart_and_matrix(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert page.title() == "Shanghai Pilot Free Trade Zone knowledge graph · shfz-graph"
    assert page.locator("h1").first.inner_text() == "Shanghai Pilot Free Trade Zone knowledge graph"
    assert page.locator("table.zones").count() == 2  # one table per batch
    assert page.locator("table.zones tbody tr").count() == 16
    assert page.locator("figure.chart svg text.no-figure").count() == 7
    assert page.locator("figure.chart svg rect").count() >= 7
    assert page.locator("table.matrix td.cell-focus").count() >= 7
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    assert (tmp_path / "home.png").stat().st_size > 10_000


def test_follow_a_zone_link(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    page.locator("table.zones").get_by_role("link", name="Huangpu linked innovation zone").click()
    page.wait_for_url(live_server.url + "/id/zone/huangpu")
    assert page.locator("h1").inner_text() == "Huangpu linked innovation zone"
    assert page.locator("svg.diagram").count() == 1
    page.get_by_role("link", name="Huangpu District").first.click()
    page.wait_for_url(live_server.url + "/id/district/huangpu")
    assert page.locator("h1").inner_text() == "Huangpu District"


def test_run_an_example_in_the_editor(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/query")
    page.locator('aside.examples a[href="/query?example=zones-by-sector"]').click()
    page.wait_for_url("**/query?example=zones-by-sector")
    assert "?_sector_iri" in page.locator("textarea#query").input_value()
    page.locator('input[name="sector"]').fill("https://w3id.org/shfz/id/sector/financial-services")
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("table.results-table tbody tr")
    assert page.locator("#row-count").inner_text() == "2"
    cells = page.locator("table.results-table tbody").inner_text()
    assert "Huangpu linked innovation zone" in cells
    assert "Hongkou linked innovation zone" in cells


def test_type_a_query_and_run_it_with_ctrl_enter(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/query")
    editor = page.locator("textarea#query")
    editor.fill(
        "PREFIX shfz: <https://w3id.org/shfz/ontology#>\nSELECT ?d WHERE { ?d a shfz:District } ORDER BY ?d"
    )
    editor.press("Control+Enter")
    page.wait_for_selector("table.results-table tbody tr")
    assert (
        page.locator("table.results-table tbody tr").count() == 13
    )  # the districts hosting a zone of either batch, and Pudong
    assert page.locator("#row-count").inner_text() == "13"
    csv_link = page.get_by_role("link", name="CSV")
    assert "format=csv" in csv_link.get_attribute("href")


def test_a_broken_query_shows_its_error(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/query")
    page.locator("textarea#query").fill("SELECT * WHERE { ?s ?p }")
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector(".error")
    assert "syntax error at line 1" in page.locator(".error").inner_text()


def test_home_page_map_is_drawn_and_its_districts_link(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    page.goto(live_server.url + "/")
    figure = page.locator("figure.zone-map")
    assert figure.count() == 1, "no map on the home page: is the [map] extra installed?"
    svg = figure.locator("svg.map")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 300
    assert svg.locator("path.district").count() == 16
    assert svg.locator("path.district.zoned").count() == 12
    district = svg.locator('path.district[data-code="310116"]')  # Jinshan
    district_box = district.bounding_box()
    assert district_box is not None and district_box["width"] > 10 and district_box["height"] > 10
    svg.screenshot(path=str(tmp_path / "map.png"))
    assert (tmp_path / "map.png").stat().st_size > 10_000
    district.click()
    page.wait_for_url(live_server.url + "/id/district/jinshan")
    locator = page.locator("figure.locator svg.locator")
    assert locator.count() == 1
    small = locator.bounding_box()
    assert small is not None and small["width"] > 100 and small["height"] > 100
    assert locator.locator("path.here").count() == 1


# -- every page fits a 390 px phone and a 1280 px screen --------------------------------------------------

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCREENSHOTS = Path(__file__).resolve().parent.parent / ".screenshots"  # gitignored: for a reviewer's eyes
WIDE_QUERY = (  # an answer of eight columns, some holding long IRIs
    "PREFIX shfz: <https://w3id.org/shfz/ontology#>\n"
    "SELECT ?a ?b ?c ?d ?e ?f ?g ?h WHERE { ?a ?b ?c . BIND(?a AS ?d) BIND(?b AS ?e) BIND(?c AS ?f) "
    "BIND(STR(?a) AS ?g) BIND(STR(?c) AS ?h) } LIMIT 30"
)
FIXED_PAGES = [
    "/",
    "/query",
    "/query?example=zones-by-sector&run",
    "/query?" + urlencode({"query": WIDE_QUERY}),
    "/ontology",
    "/docs",
    "/download/",
    "/.well-known/void",
    "/search?q=hongqiao",
    "/search?q=" + quote("虹桥"),
    "/no/such/page",
]


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request: pytest.FixtureRequest, chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    """A page at a phone's and at a screen's size; it must fetch nothing from another host."""
    context = chromium.new_context(viewport=VIEWPORTS[request.param])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    requested: list[str] = []
    tab.on("request", lambda r: requested.append(r.url))
    tab.viewport_name = request.param
    yield tab
    context.close()
    outside = [u for u in requested if not u.startswith(live_server.url) and not u.startswith("data:")]
    assert outside == [], f"the pages fetched from elsewhere: {outside}"


def _thing_pages(live_server: LiveServer, per_kind: int = 2) -> list[str]:
    """A few pages of each kind of thing the home page links to (zones, sites, sources, ...)."""
    html = urllib.request.urlopen(live_server.url + "/").read().decode()
    chosen: dict[str, list[str]] = {}
    for path in sorted(set(re.findall(r'href="(/id/[^"#?]+)"', html))):
        kind = path.split("/")[2]
        if len(chosen.setdefault(kind, [])) < per_kind:
            chosen[kind].append(path)
    # the longest-titled source pages (long URLs) and the multi-district zones
    return [p for paths in chosen.values() for p in paths] + [
        "/id/source/chinadaily-pudong-2018-04-24",
        "/id/zone/hongqiao-international-central-business-district",
    ]


def _overflow(tab: Any) -> list[str]:
    """What sticks out of the viewport sideways (elements inside their own scrolling box excepted)."""
    return tab.evaluate(
        """() => {
          const width = document.documentElement.clientWidth, out = [];
          const whole = document.documentElement.scrollWidth;
          if (whole > width) out.push('page ' + whole);
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            let inBox = false;
            for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
              const s = getComputedStyle(up).overflowX;
              if (s === 'auto' || s === 'scroll' || s === 'hidden') { inBox = true; break; }
            }
            if (box.right > width + 1 && !inBox && box.width > 0)
              out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
          }
          return out.slice(0, 5);
        }"""
    )


def test_no_page_is_wider_than_the_viewport(sized_page: Any, live_server: LiveServer) -> None:
    wide = {}
    for path in FIXED_PAGES + _thing_pages(live_server):
        sized_page.goto(live_server.url + path)
        found = _overflow(sized_page)
        if found:
            wide[path] = found
    assert wide == {}


def test_a_wide_answer_scrolls_in_its_own_box(sized_page: Any, live_server: LiveServer) -> None:
    sized_page.goto(live_server.url + "/query?" + urlencode({"query": WIDE_QUERY}))
    box = sized_page.locator(".results .scroll")
    sized_page.wait_for_selector("table.results-table tbody tr")
    width = sized_page.evaluate("document.documentElement.clientWidth")
    assert sized_page.evaluate("document.documentElement.scrollWidth") == width
    scroll_width, client_width = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert client_width <= width
    if sized_page.viewport_name == "phone":
        assert scroll_width > client_width  # eight columns of IRIs: the box scrolls, not the page


def test_on_a_phone_the_editor_and_run_button_come_before_the_examples(
    sized_page: Any, live_server: LiveServer
) -> None:
    sized_page.goto(live_server.url + "/query")
    editor = sized_page.locator("#query").bounding_box()
    run = sized_page.get_by_role("button", name="Run query").bounding_box()
    examples = sized_page.locator("aside.examples").bounding_box()
    assert editor is not None and run is not None and examples is not None
    if sized_page.viewport_name == "phone":
        assert run["y"] + run["height"] < 844  # reachable without scrolling
        assert examples["y"] > run["y"]  # below, not over, the editor
        assert sized_page.locator("aside.examples").evaluate("a => getComputedStyle(a).position") == "static"
    else:
        assert examples["x"] + examples["width"] <= editor["x"]  # beside it, on the left
    SCREENSHOTS.mkdir(exist_ok=True)
    sized_page.screenshot(path=str(SCREENSHOTS / f"query-{sized_page.viewport_name}.png"), full_page=True)
