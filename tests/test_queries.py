"""Competency questions: every named query in queries/ returns exactly the answer the sources give.

The expected answers are written out by hand from the source article
(/work/shared/sources/shanghai-linked-innovation-zones-2024-08-16.txt), the reference facts it is checked
against, and the documented design of the sector scheme; they are not computed from the data. Labels
that are the project's own wording (initiatives, aims, documents) are quoted as the data write them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from shfz_graph import catalog, load
from shfz_graph.errors import NetworkAccessDenied
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.results import Result

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO / "queries"
ID = "https://w3id.org/shfz/id/"
SHFZ = "https://w3id.org/shfz/ontology#"
KM2 = "http://qudt.org/vocab/unit/KiloM2"
NUM = "http://qudt.org/vocab/unit/NUM"
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")

ARTICLE = "Shanghai expands FTZ with new 'linked innovation zones'"
ARTICLE_URL = "https://en-shftz.pudong.gov.cn/news/news-update/1540.shtml"
CRI = "CRI Shanghai report on the linked innovation zones, 16 August 2024"
CRI_URL = "https://sh.cri.cn/2024-08-16/8c1bc76d-9923-6e4c-1b2d-f035bc8d7174.html"
CHINANEWS = "China News Service video report of the press briefing, 15 August 2024"
CHINANEWS_URL = "https://www.chinanews.com/sh/shipin/cns-d/2024/08-15/news997368.shtml"
PEOPLE = "People's Daily Online (Shanghai) report on the linked innovation zones, 19 August 2024"
PEOPLE_URL = "http://sh.people.com.cn/BIG5/n2/2024/0819/c134768-40948270.html"
NOTICE = "Notice on issuing the construction plans of the first batch of linked innovation zones"
VERIFIED_LIST = "shfz-graph list of verified external identifiers"
PROGRAMME = "Shanghai Pilot Free Trade Zone linked innovation zones"
SMDRC = "Shanghai Municipal Development and Reform Commission"

BAOSHAN = "Baoshan linked innovation zone"
MINHANG = "Minhang linked innovation zone"
XUHUI = "Xuhui linked innovation zone"
YANGPU = "Yangpu linked innovation zone"
HUANGPU = "Huangpu linked innovation zone"
BONDED = "Comprehensive bonded areas linked innovation zone"
HONGKOU = "Hongkou linked innovation zone"


# -- the graphs -----------------------------------------------------------------------------------------
# `kg` (tests/conftest.py) is the real graph as `shfz_graph.load()` gives it: one named graph per source
# file, their union as the default graph, and the OWL 2 RL closure as graph/inferred. Named queries run
# through `kg.query(name, **params)`, which binds parameters as RDF terms (initBindings).


@pytest.fixture(scope="module")
def kg_asserted(kg_cache_dir: Path) -> Iterator[KnowledgeGraph]:
    """The real graph without inferences: what a query sees when nobody reasoned."""
    graph = load(reason=False, cache_dir=kg_cache_dir)
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def kg_oxigraph(kg_cache_dir: Path) -> Iterator[KnowledgeGraph]:
    """The real graph, reasoned, in the Oxigraph store (the `oxigraph` extra) instead of rdflib's memory."""
    pytest.importorskip("oxrdflib")
    graph = load(store="oxigraph", cache_dir=kg_cache_dir)
    yield graph
    graph.close()


# -- turning answers into plain values ----------------------------------------------------------------


def value(term: Node | None) -> Any:
    """A term as a plain value: our IRIs without the id/ prefix, literals as text or Python values."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        text = str(term)
        if text.startswith(ID):
            return text[len(ID) :]
        if text.startswith(SHFZ):
            return "shfz:" + text[len(SHFZ) :]
        return text
    if isinstance(term, Literal):
        if term.language is not None or term.datatype in (None, XSD_STRING):
            return str(term)
        return term.toPython()
    return str(term)


def table(result: Result, *names: str) -> list[tuple[Any, ...]]:
    """The chosen columns of every row, in the order the query returned them."""
    for name in names:
        assert name in result.vars, f"{name} is not a result variable ({result.vars})"
    return [tuple(value(row[name]) for name in names) for row in result.rows]


def column(result: Result, name: str) -> list[Any]:
    return [row[0] for row in table(result, name)]


_PREFIXES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://qudt.org/schema/qudt/": "qudt:",
    SHFZ: "shfz:",
}


def short(term: Node) -> Any:
    """Like `value`, but language-tagged literals keep their tag ("text@en") and predicates are prefixed."""
    if isinstance(term, Literal) and term.language is not None:
        return f"{term}@{term.language}"
    if isinstance(term, URIRef):
        for namespace, prefix in _PREFIXES.items():
            if str(term).startswith(namespace):
                return prefix + str(term)[len(namespace) :]
    return value(term)


def triples(graph: Graph) -> set[tuple[Any, Any, Any]]:
    return {(short(s), short(p), short(o)) for s, p, o in graph}


# -- the catalogue as a whole -------------------------------------------------------------------------

QUERY_FILES = sorted(QUERIES.glob("*.rq"))
# Federated queries (`#+ network: true`) reach Wikidata: they are tested in test_remote.py against a stand-in.
LOCAL_QUERY_FILES = [p for p in QUERY_FILES if not catalog.get(p.stem, QUERIES).network]
NETWORK_QUERY_FILES = [p for p in QUERY_FILES if p not in LOCAL_QUERY_FILES]


def test_there_are_at_least_eighteen_competency_questions() -> None:
    assert len(LOCAL_QUERY_FILES) >= 18


@pytest.mark.parametrize("path", NETWORK_QUERY_FILES, ids=lambda p: p.stem)
def test_federated_queries_are_refused_without_network_permission(kg: KnowledgeGraph, path: Path) -> None:
    with pytest.raises(NetworkAccessDenied, match=r"SERVICE <https://query\.wikidata\.org/sparql>"):
        kg.query(path.stem)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_query_file_is_kebab_case_with_a_summary_and_a_test(path: Path) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem), path.name
    named = catalog.get(path.stem, QUERIES)
    assert named.summary, f"{path.name} has no '#+ summary:' header"
    assert named.tags, f"{path.name} has no '#+ tags:' header"
    if named.network:
        remote_tests = (Path(__file__).parent / "test_remote.py").read_text(encoding="utf-8")
        assert f'"{path.stem}"' in remote_tests, f"no test in test_remote.py runs {path.name}"
        return
    this_file = Path(__file__).read_text(encoding="utf-8")
    calls = re.findall(r'\.query\(\s*"([a-z0-9-]+)"', this_file)
    assert path.stem in calls, f"no test runs {path.name}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_parameters_have_defaults_and_are_bound_not_pasted(path: Path) -> None:
    named = catalog.get(path.stem, QUERIES)
    for parameter in named.parameters:
        assert parameter.default is not None, f"{path.name}: ?{parameter.var} has no default"
    # a parameter is a variable bound by initBindings; VALUES would hide it from grlc and from BASIL
    assert not re.search(r"VALUES\s*\(?\s*\?_", named.text, re.IGNORECASE)


def test_every_query_runs_with_its_defaults_and_labels_are_english(kg: KnowledgeGraph) -> None:
    for path in LOCAL_QUERY_FILES:
        result = kg.query(path.stem)
        if result.kind == "CONSTRUCT":
            assert result.graph is not None
            assert len(result.graph) > 0, path.name
            continue
        assert result.rows, f"{path.name} returned nothing with its defaults"
        for row in result.rows:
            for name, term in row.items():
                if not isinstance(term, Literal) or term.language is None:
                    continue
                if name.endswith("Zh") or name == "translation":
                    assert term.language.lower() == "zh-hans", (path.name, name, term)
                else:
                    assert term.language.lower() == "en", (path.name, name, term)


# -- zones and their areas ----------------------------------------------------------------------------


def test_zones_by_area(kg: KnowledgeGraph) -> None:
    result = kg.query("zones-by-area")
    # the article: "a 50-square-kilometer zone", "covers 46", "around 45", "spans 23", "about 14",
    # "totaling about 11" (the six bonded areas), "about 4"
    assert table(result, "label", "districtLabel", "area", "approximate") == [
        (BAOSHAN, "Baoshan District", 50, False),
        (MINHANG, "Minhang District", 46, False),
        (XUHUI, "Xuhui District", 45, True),
        (YANGPU, "Yangpu District", 23, False),
        (HUANGPU, "Huangpu District", 14, True),
        (BONDED, None, 11, True),
        (HONGKOU, "Hongkou District", 4, True),
    ]
    assert column(result, "zone")[0] == "zone/baoshan"
    first = result.rows[0]
    assert isinstance(first["area"], Literal) and first["area"].datatype == XSD_DECIMAL
    assert isinstance(first["approximate"], Literal) and first["approximate"].datatype == XSD_BOOLEAN


def test_total_area(kg: KnowledgeGraph) -> None:
    result = kg.query("total-area")
    # 14 + 45 + 4 + 23 + 46 + 50 + the bonded areas' 11; several figures are "about"
    assert table(result, "totalArea", "zones", "approximate") == [(193, 7, True)]


@pytest.mark.parametrize(
    ("minarea", "expected"),
    [
        (None, [(BAOSHAN, 50), (MINHANG, 46), (XUHUI, 45), (YANGPU, 23)]),  # default 20
        ("45", [(BAOSHAN, 50), (MINHANG, 46)]),  # strictly larger
        ("10", [(BAOSHAN, 50), (MINHANG, 46), (XUHUI, 45), (YANGPU, 23), (HUANGPU, 14), (BONDED, 11)]),
        ("50", []),
    ],
)
def test_zones_larger_than(kg: KnowledgeGraph, minarea: str | None, expected: list[tuple[str, int]]) -> None:
    result = kg.query("zones-larger-than", minarea=minarea)
    assert table(result, "label", "area") == expected


# -- sectors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "expected"),
    [
        (None, [(XUHUI, "artificial intelligence", 45)]),  # default: artificial intelligence
        (
            ID + "sector/international-trade",  # import trade, cross-border ... are narrower
            [
                (BONDED, "cross-border trade facilitation", 11),
                (BONDED, "new foreign trade models", 11),
                (HUANGPU, "import trade", 14),
                (MINHANG, "international trade", 46),
            ],
        ),
        (
            ID + "sector/financial-services",
            [(HONGKOU, "financial services", 4), (HUANGPU, "financial services", 14)],
        ),
        (ID + "sector/digital-economy", [(XUHUI, "digital economy", 45), (YANGPU, "online new economy", 23)]),
        (ID + "sector/carbon-finance", []),  # an initiative in Baoshan serves it; no zone focuses on it
    ],
)
def test_zones_by_sector(
    kg: KnowledgeGraph, sector: str | None, expected: list[tuple[str, str, int]]
) -> None:
    result = kg.query("zones-by-sector", sector=sector)
    assert table(result, "label", "sectorLabel", "area") == expected


def test_zones_sharing_a_focus_sector(kg: KnowledgeGraph) -> None:
    result = kg.query("zones-sharing-sector")
    assert table(result, "label1", "label2", "sectorLabel") == [(HONGKOU, HUANGPU, "financial services")]


def test_zones_sharing_a_top_level_sector(kg: KnowledgeGraph) -> None:
    result = kg.query("zones-sharing-top-sector")
    assert table(result, "label1", "label2", "topSectorLabel") == [
        (XUHUI, YANGPU, "digital economy"),
        (HONGKOU, HUANGPU, "financial services"),
        (BONDED, HUANGPU, "international trade"),
        (BONDED, MINHANG, "international trade"),
        (HUANGPU, MINHANG, "international trade"),
        (XUHUI, YANGPU, "technology innovation"),
    ]


def test_sectors_of_several_zones(kg: KnowledgeGraph) -> None:
    result = kg.query("sectors-of-several-zones")
    assert table(result, "label", "zones", "directZones") == [
        ("international trade", 3, 1),  # Minhang; Huangpu (import trade); the bonded areas
        ("digital economy", 2, 1),  # Xuhui; Yangpu (online new economy)
        ("financial services", 2, 2),  # Huangpu and Hongkou both name it
        ("technology innovation", 2, 1),  # Yangpu; Xuhui (technology commercialisation)
    ]


def test_sector_hierarchy(kg: KnowledgeGraph) -> None:
    result = kg.query("sector-hierarchy")
    assert table(result, "label", "broaderLabel", "topSectorLabel", "depth") == [
        ("artificial intelligence", None, "artificial intelligence", 0),
        ("cruise economy", None, "cruise economy", 0),
        ("digital economy", None, "digital economy", 0),
        ("digital trade", "digital economy", "digital economy", 1),
        ("online new economy", "digital economy", "digital economy", 1),
        ("financial services", None, "financial services", 0),
        ("carbon finance", "financial services", "financial services", 1),
        ("green supply chains", None, "green supply chains", 0),
        ("intelligent manufacturing", None, "intelligent manufacturing", 0),
        ("international trade", None, "international trade", 0),
        ("bonded logistics", "international trade", "international trade", 1),
        ("cross-border trade facilitation", "international trade", "international trade", 1),
        ("import trade", "international trade", "international trade", 1),
        ("new foreign trade models", "international trade", "international trade", 1),
        ("cross-border e-commerce", "new foreign trade models", "international trade", 2),
        ("shipping services", None, "shipping services", 0),
        ("green shipping", "shipping services", "shipping services", 1),
        ("technology innovation", None, "technology innovation", 0),
        ("technology commercialisation", "technology innovation", "technology innovation", 1),
    ]


def test_sector_zone_matrix(kg: KnowledgeGraph) -> None:
    result = kg.query("sector-zone-matrix")
    # (zone, focus sector, its top-level sector, initiatives serving it or a narrower sector)
    assert table(result, "zoneLabel", "sectorLabel", "topSectorLabel", "initiatives") == [
        (BAOSHAN, "cruise economy", "cruise economy", 1),
        (BAOSHAN, "green supply chains", "green supply chains", 1),
        (BONDED, "cross-border trade facilitation", "international trade", 1),
        (BONDED, "new foreign trade models", "international trade", 2),
        (HONGKOU, "financial services", "financial services", 1),
        (HONGKOU, "shipping services", "shipping services", 2),
        (HUANGPU, "financial services", "financial services", 2),
        (HUANGPU, "import trade", "international trade", 1),
        (MINHANG, "intelligent manufacturing", "intelligent manufacturing", 2),
        (MINHANG, "international trade", "international trade", 1),
        (XUHUI, "artificial intelligence", "artificial intelligence", 1),
        (XUHUI, "digital economy", "digital economy", 2),
        (XUHUI, "technology commercialisation", "technology innovation", 0),
        (YANGPU, "online new economy", "digital economy", 0),
        (YANGPU, "technology innovation", "technology innovation", 2),
    ]


# -- initiatives ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (
            None,  # default: Huangpu
            [
                ("Pilot models for bonded exhibition and trade", "import trade"),
                ("Recognising overseas financial qualifications", "financial services"),
                ("Wider financing channels for technology companies", "financial services"),
            ],
        ),
        (
            ID + "zone/hongkou",
            [
                ("Green shipping industries", "green shipping"),
                ("Innovative financial products", "financial services"),
                ("International talent in sustainability", "green shipping"),
            ],
        ),
        (ID + "zone/china-shanghai-pilot-free-trade-zone", []),
    ],
)
def test_zone_initiatives(kg: KnowledgeGraph, zone: str | None, expected: list[tuple[str, str]]) -> None:
    result = kg.query("zone-initiatives", zone=zone)
    assert table(result, "label", "sectorLabel") == expected


def test_every_initiative_with_its_zone_and_sector(kg: KnowledgeGraph) -> None:
    result = kg.query("initiatives")
    assert table(result, "zoneLabel", "label", "sectorLabel") == [
        (BAOSHAN, "A local carbon finance system", "carbon finance"),
        (BAOSHAN, "New customs procedures at the cruise port", "cruise economy"),
        (BAOSHAN, "Public service platforms for green supply chains", "green supply chains"),
        (BONDED, "Better customs supervision", "cross-border trade facilitation"),
        (BONDED, "Growth of cross-border e-commerce", "cross-border e-commerce"),
        (BONDED, 'More "bonded+" business models', "new foreign trade models"),
        (HONGKOU, "Green shipping industries", "green shipping"),
        (HONGKOU, "Innovative financial products", "financial services"),
        (HONGKOU, "International talent in sustainability", "green shipping"),
        (HUANGPU, "Pilot models for bonded exhibition and trade", "import trade"),
        (HUANGPU, "Recognising overseas financial qualifications", "financial services"),
        (HUANGPU, "Wider financing channels for technology companies", "financial services"),
        (MINHANG, "Advanced manufacturing", "intelligent manufacturing"),
        (MINHANG, "Cross-regional industrial cooperation", "intelligent manufacturing"),
        (MINHANG, "Stronger bonded logistics", "bonded logistics"),
        (XUHUI, "A digital economy ecosystem", "digital economy"),
        (XUHUI, "Bringing AI into industry", "artificial intelligence"),
        (XUHUI, "Safe and efficient cross-border data flows", "digital economy"),
        (YANGPU, "Cross-border technology transfer", "technology innovation"),
        (YANGPU, "Digital trade development", "digital trade"),
        (YANGPU, "High-level innovation platforms", "technology innovation"),
    ]


# -- sites and places -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (
            None,  # default: Huangpu, with its four sites named in the article
            [
                ("Huaihai Road", False, "street"),
                ("People's Square", False, "public square"),
                ("The Bund", False, "landmark"),
                ("Xintiandi", False, "urban area"),
            ],
        ),
        (
            ID + "zone/minhang",  # "parts of the Hongqiao international central business district"
            [
                ("Grand Neo Bay", False, "innovation area"),
                ("Hongqiao International Central Business District", True, "business district"),
            ],
        ),
        (
            ID + "zone/xuhui",
            [
                ("Caohejing High-Tech Park", False, "technology park"),
                ("West Bund", False, "waterfront"),
                ("Xujiahui", False, "urban area"),
            ],
        ),
    ],
)
def test_zone_sites(kg: KnowledgeGraph, zone: str | None, expected: list[tuple[str, bool, str]]) -> None:
    result = kg.query("zone-sites", zone=zone)
    assert table(result, "label", "partial", "siteTypeLabel") == expected


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        (None, [(HUANGPU, False, "Huangpu District")]),  # default: the Bund
        (ID + "site/hongqiao-international-central-business-district", [(MINHANG, True, "Minhang District")]),
        (ID + "site/grand-neo-bay", [(MINHANG, False, "Minhang District")]),
        (ID + "site/north-bund", [(HONGKOU, False, "Hongkou District")]),
    ],
)
def test_site_zone(kg: KnowledgeGraph, site: str | None, expected: list[tuple[str, bool, str]]) -> None:
    result = kg.query("site-zone", site=site)
    assert table(result, "label", "partial", "districtLabel") == expected


def test_sites_by_type(kg: KnowledgeGraph) -> None:
    result = kg.query("sites-by-type")
    assert table(result, "siteTypeLabel", "label", "zoneLabel", "partial") == [
        ("business district", "Hongqiao International Central Business District", MINHANG, True),
        ("functional area", "Green, low-carbon supply chain core functional area", BAOSHAN, False),
        ("innovation area", "Grand Neo Bay", MINHANG, False),
        ("innovation area", "Great Knowledge and Innovation Community", YANGPU, False),
        ("landmark", "The Bund", HUANGPU, False),
        ("public square", "People's Square", HUANGPU, False),
        ("street", "Huaihai Road", HUANGPU, False),
        ("technology park", "Caohejing High-Tech Park", XUHUI, False),
        ("tourism resort", "Shanghai International Cruise Tourism Resort", BAOSHAN, False),
        ("urban area", "Xintiandi", HUANGPU, False),
        ("urban area", "Xujiahui", XUHUI, False),
        ("waterfront", "North Bund", HONGKOU, False),
        ("waterfront", "West Bund", XUHUI, False),
        ("waterfront", "Yangpu waterfront", YANGPU, False),
    ]


def test_zone_districts_with_chinese_names(kg: KnowledgeGraph) -> None:
    result = kg.query("zone-districts")
    # "Suburban Baoshan District"; the other districts are not described either way
    assert table(result, "label", "labelZh", "districtLabel", "districtLabelZh", "suburban") == [
        (BAOSHAN, "上海自贸试验区宝山联动创新区", "Baoshan District", "宝山区", True),
        (HONGKOU, "上海自贸试验区虹口联动创新区", "Hongkou District", "虹口区", None),
        (HUANGPU, "上海自贸试验区黄浦联动创新区", "Huangpu District", "黄浦区", None),
        (MINHANG, "上海自贸试验区闵行联动创新区", "Minhang District", "闵行区", None),
        (XUHUI, "上海自贸试验区徐汇联动创新区", "Xuhui District", "徐汇区", None),
        (YANGPU, "上海自贸试验区杨浦联动创新区", "Yangpu District", "杨浦区", None),
    ]


def test_bonded_areas_with_chinese_names(kg: KnowledgeGraph) -> None:
    result = kg.query("bonded-areas")
    assert table(result, "label", "labelZh", "zoneLabel") == [
        ("Caohejing Comprehensive Bonded Area", "漕河泾综合保税区", BONDED),
        ("Fengxian Comprehensive Bonded Area", "奉贤综合保税区", BONDED),
        ("Jiading Comprehensive Bonded Area", "嘉定综合保税区", BONDED),
        ("Jinqiao Comprehensive Bonded Area", "金桥综合保税区", BONDED),
        ("Qingpu Comprehensive Bonded Area", "青浦综合保税区", BONDED),
        ("Songjiang Comprehensive Bonded Area", "松江综合保税区", BONDED),
    ]


SITES_IN_SHANGHAI = [
    "Caohejing High-Tech Park",
    "Grand Neo Bay",
    "Great Knowledge and Innovation Community",
    "Green, low-carbon supply chain core functional area",
    "Hongqiao International Central Business District",
    "Huaihai Road",
    "North Bund",
    "People's Square",
    "Shanghai International Cruise Tourism Resort",
    "The Bund",
    "West Bund",
    "Xintiandi",
    "Xujiahui",
    "Yangpu waterfront",
]
BONDED_AREAS = ["Caohejing", "Fengxian", "Jiading", "Jinqiao", "Qingpu", "Songjiang"]
DISTRICTS = ["Baoshan", "Hongkou", "Huangpu", "Minhang", "Xuhui", "Yangpu"]

IN_SHANGHAI = [
    *[(f"{name} Comprehensive Bonded Area", "comprehensive bonded area") for name in BONDED_AREAS],
    *[(f"{name} District", "district") for name in DISTRICTS],
    *[
        (zone, "linked innovation zone")
        for zone in (BAOSHAN, BONDED, HONGKOU, HUANGPU, MINHANG, XUHUI, YANGPU)
    ],
    ("China (Shanghai) Pilot Free Trade Zone", "pilot free trade zone"),
    *[(site, "site") for site in SITES_IN_SHANGHAI],
]


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (None, IN_SHANGHAI),  # default: Shanghai
        (
            ID + "country/china",
            sorted([*IN_SHANGHAI, ("Shanghai", "municipality")], key=lambda row: (row[1], row[0])),
        ),
        (
            ID + "district/huangpu",
            [
                (HUANGPU, "linked innovation zone"),
                ("Huaihai Road", "site"),
                ("People's Square", "site"),
                ("The Bund", "site"),
                ("Xintiandi", "site"),
            ],
        ),
        # only part of the Hongqiao business district is in the Minhang zone, so it is not "in Minhang"
        (ID + "district/minhang", [(MINHANG, "linked innovation zone"), ("Grand Neo Bay", "site")]),
    ],
)
def test_everything_located_in_a_place(
    kg: KnowledgeGraph, place: str | None, expected: list[tuple[str, str]]
) -> None:
    result = kg.query("located-in", place=place)
    assert table(result, "label", "kindLabel") == expected


def test_located_in_needs_the_inferences(kg_asserted: KnowledgeGraph) -> None:
    # without reasoning only what the data state directly: districts, the free trade zone, the bonded
    # areas, the zone spread over them, and the Hongqiao business district
    result = kg_asserted.query("located-in")
    assert table(result, "label", "kindLabel") == [
        *[(f"{name} Comprehensive Bonded Area", "comprehensive bonded area") for name in BONDED_AREAS],
        *[(f"{name} District", "district") for name in DISTRICTS],
        (BONDED, "linked innovation zone"),
        ("China (Shanghai) Pilot Free Trade Zone", "pilot free trade zone"),
        ("Hongqiao International Central Business District", "site"),
    ]


# -- one zone in full (CONSTRUCT) ---------------------------------------------------------------------

LABELS_AROUND = {  # labels of what every district zone links to
    ("municipality/shanghai", "rdfs:label", "Shanghai@en"),
    ("country/china", "rdfs:label", "China@en"),
    ("programme/linked-innovation-zones", "rdfs:label", PROGRAMME + "@en"),
    ("source/shanghai-expands-ftz-2024-08-16", "rdfs:label", ARTICLE + "@en"),
    ("source/notice-2024-2", "rdfs:label", NOTICE + "@en"),
}

HUANGPU_DESCRIPTION = {
    ("zone/huangpu", "rdf:type", "shfz:LinkedInnovationZone"),
    ("zone/huangpu", "rdfs:label", HUANGPU + "@en"),
    ("zone/huangpu", "rdfs:label", "上海自贸试验区黄浦联动创新区@zh-hans"),
    ("zone/huangpu", "shfz:partOfProgramme", "programme/linked-innovation-zones"),
    ("zone/huangpu", "shfz:inDistrict", "district/huangpu"),
    ("zone/huangpu", "shfz:locatedIn", "district/huangpu"),
    ("zone/huangpu", "shfz:locatedIn", "municipality/shanghai"),
    ("zone/huangpu", "shfz:locatedIn", "country/china"),
    ("zone/huangpu", "shfz:hasArea", "figure/huangpu-zone-area"),
    ("figure/huangpu-zone-area", "qudt:numericValue", 14),
    ("figure/huangpu-zone-area", "qudt:hasUnit", KM2),
    ("figure/huangpu-zone-area", "shfz:isApproximate", True),
    ("figure/huangpu-zone-area", "rdfs:label", "area of the Huangpu zone@en"),
    ("zone/huangpu", "shfz:includesSite", "site/the-bund"),
    ("zone/huangpu", "shfz:includesSite", "site/peoples-square"),
    ("zone/huangpu", "shfz:includesSite", "site/huaihai-road"),
    ("zone/huangpu", "shfz:includesSite", "site/xintiandi"),
    ("site/the-bund", "rdfs:label", "The Bund@en"),
    ("site/peoples-square", "rdfs:label", "People's Square@en"),
    ("site/huaihai-road", "rdfs:label", "Huaihai Road@en"),
    ("site/xintiandi", "rdfs:label", "Xintiandi@en"),
    ("zone/huangpu", "shfz:hasFocusSector", "sector/financial-services"),
    ("zone/huangpu", "shfz:hasFocusSector", "sector/import-trade"),
    ("sector/financial-services", "rdfs:label", "financial services@en"),
    ("sector/import-trade", "rdfs:label", "import trade@en"),
    ("zone/huangpu", "shfz:hasInitiative", "initiative/huangpu-overseas-financial-qualifications"),
    ("zone/huangpu", "shfz:hasInitiative", "initiative/huangpu-tech-company-financing"),
    ("zone/huangpu", "shfz:hasInitiative", "initiative/huangpu-bonded-exhibition-and-trade"),
    (
        "initiative/huangpu-overseas-financial-qualifications",
        "shfz:servesSector",
        "sector/financial-services",
    ),
    ("initiative/huangpu-tech-company-financing", "shfz:servesSector", "sector/financial-services"),
    ("initiative/huangpu-bonded-exhibition-and-trade", "shfz:servesSector", "sector/import-trade"),
    (
        "initiative/huangpu-overseas-financial-qualifications",
        "rdfs:label",
        "Recognising overseas financial qualifications@en",
    ),
    (
        "initiative/huangpu-tech-company-financing",
        "rdfs:label",
        "Wider financing channels for technology companies@en",
    ),
    (
        "initiative/huangpu-bonded-exhibition-and-trade",
        "rdfs:label",
        "Pilot models for bonded exhibition and trade@en",
    ),
    ("zone/huangpu", "dcterms:source", "source/shanghai-expands-ftz-2024-08-16"),
    ("zone/huangpu", "dcterms:source", "source/notice-2024-2"),
    ("district/huangpu", "rdfs:label", "Huangpu District@en"),
} | LABELS_AROUND

MINHANG_DESCRIPTION = {
    ("zone/minhang", "rdf:type", "shfz:LinkedInnovationZone"),
    ("zone/minhang", "rdfs:label", MINHANG + "@en"),
    ("zone/minhang", "rdfs:label", "上海自贸试验区闵行联动创新区@zh-hans"),
    ("zone/minhang", "shfz:partOfProgramme", "programme/linked-innovation-zones"),
    ("zone/minhang", "shfz:inDistrict", "district/minhang"),
    ("zone/minhang", "shfz:locatedIn", "district/minhang"),
    ("zone/minhang", "shfz:locatedIn", "municipality/shanghai"),
    ("zone/minhang", "shfz:locatedIn", "country/china"),
    ("zone/minhang", "shfz:hasArea", "figure/minhang-zone-area"),
    ("figure/minhang-zone-area", "qudt:numericValue", 46),
    ("figure/minhang-zone-area", "qudt:hasUnit", KM2),
    ("figure/minhang-zone-area", "shfz:isApproximate", False),
    ("figure/minhang-zone-area", "rdfs:label", "area of the Minhang zone@en"),
    ("zone/minhang", "shfz:includesSite", "site/grand-neo-bay"),
    ("zone/minhang", "shfz:partlyIncludes", "site/hongqiao-international-central-business-district"),
    ("site/grand-neo-bay", "rdfs:label", "Grand Neo Bay@en"),
    (
        "site/hongqiao-international-central-business-district",
        "rdfs:label",
        "Hongqiao International Central Business District@en",
    ),
    ("zone/minhang", "shfz:hasFocusSector", "sector/international-trade"),
    ("zone/minhang", "shfz:hasFocusSector", "sector/intelligent-manufacturing"),
    ("sector/international-trade", "rdfs:label", "international trade@en"),
    ("sector/intelligent-manufacturing", "rdfs:label", "intelligent manufacturing@en"),
    ("sector/bonded-logistics", "rdfs:label", "bonded logistics@en"),
    ("zone/minhang", "shfz:hasInitiative", "initiative/minhang-bonded-logistics"),
    ("zone/minhang", "shfz:hasInitiative", "initiative/minhang-advanced-manufacturing"),
    ("zone/minhang", "shfz:hasInitiative", "initiative/minhang-cross-regional-industrial-cooperation"),
    ("initiative/minhang-bonded-logistics", "shfz:servesSector", "sector/bonded-logistics"),
    ("initiative/minhang-advanced-manufacturing", "shfz:servesSector", "sector/intelligent-manufacturing"),
    (
        "initiative/minhang-cross-regional-industrial-cooperation",
        "shfz:servesSector",
        "sector/intelligent-manufacturing",
    ),
    ("initiative/minhang-bonded-logistics", "rdfs:label", "Stronger bonded logistics@en"),
    ("initiative/minhang-advanced-manufacturing", "rdfs:label", "Advanced manufacturing@en"),
    (
        "initiative/minhang-cross-regional-industrial-cooperation",
        "rdfs:label",
        "Cross-regional industrial cooperation@en",
    ),
    ("zone/minhang", "dcterms:source", "source/shanghai-expands-ftz-2024-08-16"),
    ("zone/minhang", "dcterms:source", "source/cri-2024-08-16"),
    ("zone/minhang", "dcterms:source", "source/notice-2024-2"),
    ("district/minhang", "rdfs:label", "Minhang District@en"),
    ("source/cri-2024-08-16", "rdfs:label", CRI + "@en"),
} | LABELS_AROUND

PROSE = ("dcterms:description", "skos:note")


@pytest.mark.parametrize(
    ("zone", "subject", "expected", "words"),
    [
        (None, "zone/huangpu", HUANGPU_DESCRIPTION, "14 km²"),  # default: Huangpu
        (ID + "zone/minhang", "zone/minhang", MINHANG_DESCRIPTION, "46 km²"),
    ],
)
def test_zone_description(
    kg: KnowledgeGraph, zone: str | None, subject: str, expected: set[tuple[Any, Any, Any]], words: str
) -> None:
    result = kg.query("zone-description", zone=zone)
    assert result.kind == "CONSTRUCT" and result.graph is not None
    got = triples(result.graph)
    assert {t for t in got if t[1] not in PROSE} == expected
    # the description is the project's own prose: one, in English, giving the area
    descriptions = [o for s, p, o in got if p == "dcterms:description"]
    assert len(descriptions) == 1 and descriptions[0].endswith("@en") and words in descriptions[0]
    assert all(s == subject for s, p, _ in got if p in PROSE)


def test_zone_description_of_the_bonded_area_zone(kg: KnowledgeGraph) -> None:
    result = kg.query("zone-description", zone=ID + "zone/comprehensive-bonded-areas")
    assert result.graph is not None
    got = triples(result.graph)
    subject = "zone/comprehensive-bonded-areas"
    assert {o for s, p, o in got if s == subject and p == "shfz:inBondedArea"} == {
        f"bonded-area/{name.lower()}" for name in BONDED_AREAS
    }
    assert {o for s, p, o in got if s == subject and p == "shfz:locatedIn"} == {
        "municipality/shanghai",
        "country/china",
    }
    assert not [t for t in got if t[1] == "shfz:inDistrict"]


# -- the announcement, figures and their sources -------------------------------------------------------


def test_who_announced_the_programme(kg: KnowledgeGraph) -> None:
    result = kg.query("announcement")
    assert set(table(result, "programmeLabel", "personLabel", "postLabel", "bodyLabel", "date")) == {
        (PROGRAMME, "Chen Yanfeng", f"Deputy Director, {SMDRC}", SMDRC, dt.date(2024, 8, 15)),
    }
    # told "a press briefing on Thursday" (15 August 2024); the English article is of 16 August
    assert table(result, "documentTitle", "documentIssued", "documentLanguage", "url") == [
        (CHINANEWS, dt.date(2024, 8, 15), "zh-Hans", CHINANEWS_URL),
        (CRI, dt.date(2024, 8, 16), "zh-Hans", CRI_URL),
        (ARTICLE, dt.date(2024, 8, 16), "en", ARTICLE_URL),
    ]
    assert column(result, "event") == ["event/press-briefing-2024-08-15"] * 3


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (
            None,  # default: the Huangpu zone's area, "about 14 square kilometers"
            [(14, KM2, True, HUANGPU, ARTICLE, dt.date(2024, 8, 16), ARTICLE_URL)],
        ),
        (
            ID + "figure/minhang-zone-area",
            [
                (46, KM2, False, MINHANG, CRI, dt.date(2024, 8, 16), CRI_URL),
                (46, KM2, False, MINHANG, ARTICLE, dt.date(2024, 8, 16), ARTICLE_URL),
            ],
        ),
        (
            ID + "figure/measures-to-replicate",
            [(45, NUM, False, PROGRAMME, PEOPLE, dt.date(2024, 8, 19), PEOPLE_URL)],
        ),
    ],
)
def test_source_of_a_figure(kg: KnowledgeGraph, figure: str | None, expected: list[tuple[Any, ...]]) -> None:
    result = kg.query("figure-source", figure=figure)
    assert table(result, "value", "unit", "approximate", "subjectLabel", "title", "issued", "url") == expected


def test_sources_of_every_figure(kg: KnowledgeGraph) -> None:
    result = kg.query("figure-sources")
    august_16 = dt.date(2024, 8, 16)
    assert table(result, "label", "value", "approximate", "title", "issued") == [
        ("area of the Baoshan zone", 50, False, ARTICLE, august_16),
        ("area of the Hongkou zone", 4, True, ARTICLE, august_16),
        ("area of the Huangpu zone", 14, True, ARTICLE, august_16),
        ("area of the Minhang zone", 46, False, CRI, august_16),
        ("area of the Minhang zone", 46, False, ARTICLE, august_16),
        ("area of the Xuhui zone", 45, True, CRI, august_16),
        ("area of the Xuhui zone", 45, True, ARTICLE, august_16),
        ("area of the Yangpu zone", 23, False, CRI, august_16),
        ("area of the Yangpu zone", 23, False, ARTICLE, august_16),
        ("measures for coordination with the free trade zone", 24, False, PEOPLE, dt.date(2024, 8, 19)),
        ("measures to replicate from the free trade zone", 45, False, PEOPLE, dt.date(2024, 8, 19)),
        ("total area of the bonded-area zones", 11, True, ARTICLE, august_16),
    ]


def test_programme_aims(kg: KnowledgeGraph) -> None:
    result = kg.query("programme-aims")
    assert set(table(result, "label", "labelZh")) == {(PROGRAMME, "上海自贸试验区联动创新区")}
    # the article: replicate the FTZ's successes, new opportunities, growth and innovation across districts,
    # Chen's "targeted innovation and trade facilitation", a global economic hub, sustainable development
    assert column(result, "aim") == [
        "Drive growth through targeted innovation and easier trade, which Chen Yanfeng presented as "
        "Shanghai's commitment.",
        "Favour sustainable, high-quality development.",
        "Open up new opportunities by giving each zone its own sectors.",
        "Raise Shanghai's standing as an economic hub of world rank.",
        "Repeat elsewhere in the city what has worked in the free trade zone.",
        "Spur economic growth and innovation in several of Shanghai's districts.",
    ]


def test_programme_measure_counts_with_sources(kg: KnowledgeGraph) -> None:
    result = kg.query("programme-measures")
    assert table(result, "programmeLabel", "label", "count", "approximate", "title", "issued", "url") == [
        (
            PROGRAMME,
            "measures to replicate from the free trade zone",
            45,
            False,
            PEOPLE,
            dt.date(2024, 8, 19),
            PEOPLE_URL,
        ),
        (
            PROGRAMME,
            "measures for coordination with the free trade zone",
            24,
            False,
            PEOPLE,
            dt.date(2024, 8, 19),
            PEOPLE_URL,
        ),
    ]


# -- labels and links ---------------------------------------------------------------------------------

BILINGUAL = [
    ("Baoshan District", "宝山区"),
    (BAOSHAN, "上海自贸试验区宝山联动创新区"),
    ("Caohejing Comprehensive Bonded Area", "漕河泾综合保税区"),
    ("Caohejing High-Tech Park", "上海漕河泾新兴技术开发区"),
    ("China (Shanghai) Pilot Free Trade Zone", "中国(上海)自由贸易试验区"),
    ("Fengxian Comprehensive Bonded Area", "奉贤综合保税区"),
    ("Grand Neo Bay", "大零号湾"),
    ("Great Knowledge and Innovation Community", "大创智"),
    ("Hongkou District", "虹口区"),
    (HONGKOU, "上海自贸试验区虹口联动创新区"),
    ("Hongqiao International Central Business District", "虹桥国际中央商务区"),
    ("Huangpu District", "黄浦区"),
    (HUANGPU, "上海自贸试验区黄浦联动创新区"),
    ("Jiading Comprehensive Bonded Area", "嘉定综合保税区"),
    ("Jinqiao Comprehensive Bonded Area", "金桥综合保税区"),
    ("Minhang District", "闵行区"),
    (MINHANG, "上海自贸试验区闵行联动创新区"),
    (NOTICE, "关于印发首批上海自贸试验区联动创新区建设方案的通知"),
    ("Qingpu Comprehensive Bonded Area", "青浦综合保税区"),
    ("Shanghai International Cruise Tourism Resort", "上海国际邮轮旅游度假区"),
    (SMDRC, "上海市发展和改革委员会"),
    (PROGRAMME, "上海自贸试验区联动创新区"),  # labels in order regardless of case: "linked" < "Promotion"
    ("Shanghai Pilot Free Trade Zone Promotion Leading Group", "上海市自贸试验区推进工作领导小组"),
    ("Songjiang Comprehensive Bonded Area", "松江综合保税区"),
    ("The Bund", "外滩"),
    ("Xuhui District", "徐汇区"),
    (XUHUI, "上海自贸试验区徐汇联动创新区"),
    ("Xujiahui", "徐家汇"),
    ("Yangpu District", "杨浦区"),
    (YANGPU, "上海自贸试验区杨浦联动创新区"),
]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (None, BILINGUAL),  # default: zh-Hans
        ("zh", BILINGUAL),  # a language range: zh matches zh-Hans
        ("fr", []),
    ],
)
def test_bilingual_labels(kg: KnowledgeGraph, lang: str | None, expected: list[tuple[str, str]]) -> None:
    result = kg.query("bilingual-labels", lang=lang)
    assert table(result, "label", "translation") == expected
    tags = {term.language for row in result.rows if isinstance(term := row["translation"], Literal)}
    assert {str(tag).lower() for tag in tags} <= {"zh-hans"}


def test_external_links_with_provenance(kg: KnowledgeGraph) -> None:
    result = kg.query("external-links")
    exact = "http://www.w3.org/2004/02/skos/core#exactMatch"
    close = "http://www.w3.org/2004/02/skos/core#closeMatch"
    assert table(result, "label", "relation", "target", "status") == [
        ("Baoshan District", exact, "https://sws.geonames.org/1816914/", "verified"),
        ("China", exact, "http://www.wikidata.org/entity/Q148", "verified"),
        ("China", exact, "https://sws.geonames.org/1814991/", "verified"),
        (
            "Shanghai",
            close,
            "https://sws.geonames.org/1796236/",
            "verified",
        ),  # the city, not the municipality
        ("Shanghai", exact, "http://dbpedia.org/resource/Shanghai", "verified"),
        ("Shanghai", exact, "http://www.wikidata.org/entity/Q8686", "verified"),
        ("Shanghai", exact, "https://sws.geonames.org/1796231/", "verified"),
    ]
    assert set(table(result, "sourceLabel", "created")) == {(VERIFIED_LIST, dt.date(2026, 11, 27))}
    assert all(row["note"] is not None for row in result.rows)


# -- the same answers from the Oxigraph store ------------------------------------------------------------

OTHER_VALUES = [
    ("zones-by-sector", {"sector": ID + "sector/international-trade"}),
    ("zones-larger-than", {"minarea": "45"}),
    ("zone-sites", {"zone": ID + "zone/minhang"}),
    ("site-zone", {"site": ID + "site/hongqiao-international-central-business-district"}),
    ("zone-initiatives", {"zone": ID + "zone/hongkou"}),
    ("figure-source", {"figure": ID + "figure/minhang-zone-area"}),
    ("located-in", {"place": ID + "district/huangpu"}),
    ("bilingual-labels", {"lang": "zh"}),
    ("zone-description", {"zone": ID + "zone/minhang"}),
]


def comparable(term: Node | None) -> Any:
    """A term as compared across stores: Oxigraph lower-cases language tags and writes 50.0 as 50."""
    if isinstance(term, Literal) and term.language is not None:
        return (str(term), term.language.lower())
    return value(term)


def answer(result: Result) -> Any:
    if result.graph is not None:
        return {tuple(comparable(t) for t in triple) for triple in result.graph}
    return result.vars, [{name: comparable(term) for name, term in row.items()} for row in result.rows]


@pytest.mark.parametrize(
    ("name", "params"),
    [(path.stem, {}) for path in LOCAL_QUERY_FILES] + OTHER_VALUES,
    ids=lambda x: x if isinstance(x, str) else ",".join(x) or "defaults",
)
def test_oxigraph_store_gives_the_same_answers(
    kg: KnowledgeGraph, kg_oxigraph: KnowledgeGraph, name: str, params: dict[str, str]
) -> None:
    assert answer(kg_oxigraph.query(name, **params)) == answer(kg.query(name, **params))
