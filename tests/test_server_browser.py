"""The pages in headless Debian chromium (Playwright for Python): home, a zone, the query editor.

Skipped locally, with the reason, when /usr/bin/chromium is missing; a failure under CI (see conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
