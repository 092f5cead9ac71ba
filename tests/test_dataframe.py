"""Result.to_dataframe(): one typed column per variable, from local results and from a remote store alike."""

from __future__ import annotations

import datetime as dt
import math
import sys
from decimal import Decimal

import pandas as pd
import pytest
from conftest import OxigraphServer
from rdflib import BNode, Literal, Namespace, URIRef

from shfz_graph import catalog
from shfz_graph.errors import MissingExtraError, ParameterError
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.links import remote
from shfz_graph.literals import language_tag
from shfz_graph.query.results import Result

ID = "https://w3id.org/shfz/id/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ZH = language_tag("zh-Hans")  # the project's one spelling of the tag (shfz_graph.literals)

# The columns of every local named query that are not `string`, written by hand from the queries and the
# data (every other column must be `string`). A new query must be added here.
TYPED_COLUMNS: dict[str, dict[str, str]] = {
    "announcement": {"date": "datetime64[us]", "documentIssued": "datetime64[us]"},
    "batch-measures": {"count": "Float64", "issued": "datetime64[us]"},
    "batch-named-measures": {},
    "batch-zones": {"area": "Float64", "approximate": "boolean"},
    "bilingual-labels": {},
    "bonded-areas": {},
    "district-by-code": {"partial": "boolean"},  # the code itself is a string, as the scheme writes it
    "district-zones": {"announced": "datetime64[us]"},
    "division-codes": {},
    "external-links": {"created": "datetime64[us]"},
    "figure-source": {"value": "Float64", "approximate": "boolean", "issued": "datetime64[us]"},
    "figure-sources": {"value": "Float64", "approximate": "boolean", "issued": "datetime64[us]"},
    "ftz-extent-as-of": {"joined": "datetime64[us]", "total": "Float64"},  # no size for the 2013 areas
    "ftz-parts-and-linked-zones": {"date": "datetime64[us]", "size": "Float64"},
    "ftzs-by-approval-year": {"year": "Int64", "date": "datetime64[us]"},
    "ftzs-by-area": {"total": "Float64", "approximate": "boolean", "size": "Float64"},
    "initiatives": {},
    "linked-zone-programmes": {"zones": "Int64"},  # the division code is a string, as the scheme writes it
    "located-in": {},
    "programme-aims": {},
    "programme-measures": {"count": "Float64", "approximate": "boolean", "issued": "datetime64[us]"},
    "sector-hierarchy": {"depth": "Int64"},
    "sector-zone-matrix": {"initiatives": "Int64"},
    "sectors-of-several-zones": {"zones": "Int64", "directZones": "Int64"},
    "site-districts": {"part": "boolean"},
    "site-zone": {"partial": "boolean"},  # "on" is unbound for the default site (the Bund): a string column
    "sites-by-type": {"partial": "boolean"},
    "total-area": {"totalArea": "Float64", "zones": "Int64", "approximate": "boolean"},
    "zone-description": {},  # a CONSTRUCT: its objects mix IRIs, numbers and labels in two languages
    "zone-districts": {"suburban": "boolean"},
    "zone-initiatives": {},
    "zone-map": {"announced": "datetime64[us]", "area": "Float64", "approximate": "boolean"},
    "zone-overlaps": {},
    "zone-site-districts": {"part": "boolean"},
    "zone-sites": {"partial": "boolean"},  # "on" is unbound for the default zone (Huangpu): a string column
    "zone-statements": {"editorial": "boolean"},  # Huangpu's objects are all IRIs
    "zones-as-of": {"announced": "datetime64[us]"},
    "zones-by-batch": {"announced": "datetime64[us]", "noticeIssued": "datetime64[us]"},
    "zones-by-area": {"area": "Float64", "approximate": "boolean"},
    "zones-by-sector": {"area": "Float64"},
    "zones-larger-than": {"area": "Float64", "approximate": "boolean"},
    "zones-sharing-sector": {},
    "zones-sharing-top-sector": {},
    "zones-without-area": {"hasSectors": "boolean", "hasSites": "boolean"},
}
# Companion language columns, where a column mixes languages.
LANG_COLUMNS = {"zone-description": {"object": "object_lang"}}

LOCAL_QUERIES = [named.name for named in catalog.catalog() if not named.network]


def expected_columns(name: str, result: Result) -> dict[str, str]:
    columns: dict[str, str] = {}
    for var in result.vars:
        columns[var] = TYPED_COLUMNS[name].get(var, "string")
        if var in LANG_COLUMNS.get(name, {}):
            columns[LANG_COLUMNS[name][var]] = "string"
    return columns


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {str(name): str(dtype) for name, dtype in frame.dtypes.items()}


def test_every_local_named_query_has_its_columns_written_down() -> None:
    assert sorted(TYPED_COLUMNS) == sorted(LOCAL_QUERIES)


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_dtypes_of_every_named_query(name: str, kg: KnowledgeGraph) -> None:
    result = kg.query(name)
    frame = result.to_dataframe()
    assert dtypes(frame) == expected_columns(name, result)
    assert len(frame) == len(result.rows) > 0
    for var in result.vars:  # unbound is missing, never the empty string
        unbound = [row.get(var) is None for row in result.rows]
        assert frame[var].isna().tolist() == unbound


def test_zones_by_area_values(kg: KnowledgeGraph) -> None:
    frame = kg.query("zones-by-area").to_dataframe()
    assert list(frame.columns) == ["zone", "label", "district", "districtLabel", "area", "approximate"]
    zones = ["baoshan", "jiading", "minhang", "xuhui", "changning", "yangpu", "huangpu"]
    assert frame["zone"].tolist() == [
        ID + "zone/" + z for z in (*zones, "comprehensive-bonded-areas", "hongkou")
    ]
    assert frame["area"].tolist() == [50.0, 49.1, 46.0, 45.0, 24.6, 23.0, 14.0, 11.0, 4.0]
    assert frame["approximate"].tolist() == [False, True, False, True, True, False, True, True, True]
    assert frame.loc[6, "label"] == "Huangpu linked innovation zone"
    # the bonded-area zone lies in no one district
    assert frame.loc[7, "district"] is pd.NA and frame.loc[7, "districtLabel"] is pd.NA
    assert frame.loc[6, "districtLabel"] == "Huangpu District"


def test_decimals_exact_on_request(kg: KnowledgeGraph) -> None:
    result = kg.query("total-area")
    exact = result.to_dataframe(decimals="decimal")
    assert dtypes(exact) == {"totalArea": "object", "zones": "Int64", "approximate": "boolean"}
    # 193 km² in the first batch, + about 49.1 (Jiading) + about 24.6 (Changning) in the second
    assert exact.loc[0, "totalArea"] == Decimal("266.7") and isinstance(exact.loc[0, "totalArea"], Decimal)
    assert exact.loc[0, "zones"] == 9
    assert bool(exact.loc[0, "approximate"]) is True
    assert result.to_dataframe().loc[0, "totalArea"] == 266.7


def test_dates_are_datetimes(kg: KnowledgeGraph) -> None:
    # the briefing was "on Thursday", 15 August 2024; the reports on it came out on the 15th and 16th
    frame = kg.query("announcement").to_dataframe()
    assert frame["date"].tolist() == [pd.Timestamp("2024-08-15")] * 3
    assert sorted(frame["documentIssued"].dt.strftime("%Y-%m-%d")) == [
        "2024-08-15",
        "2024-08-16",
        "2024-08-16",
    ]


# -- the typing rules, on hand-made results ----------------------------------------------------------------


def column(*terms: object, decimals: str = "float") -> pd.DataFrame:
    result = Result.select(["x"], [{"x": t} for t in terms])
    return result.to_dataframe(decimals=decimals)  # type: ignore[arg-type]


def typed(lexical: str, datatype: URIRef) -> Literal:
    """A literal with exactly this lexical form (rdflib would normalise `INF` or `Z` otherwise)."""
    return Literal(lexical, datatype=datatype, normalize=False)


@pytest.mark.parametrize(
    ("terms", "dtype", "values"),
    [
        ([typed("3", XSD.integer), None, typed("-4", XSD.long)], "Int64", [3, pd.NA, -4]),
        ([typed("1", XSD.boolean), typed("false", XSD.boolean), None], "boolean", [True, False, pd.NA]),
        ([typed("14.0", XSD.decimal), typed("2", XSD.integer)], "Float64", [14.0, 2.0]),
        ([typed("1.5E3", XSD.double), typed("0.5", XSD.decimal)], "Float64", [1500.0, 0.5]),
        ([typed("INF", XSD.double), typed("-INF", XSD.float)], "Float64", [float("inf"), float("-inf")]),
        ([Literal("-INF", datatype=XSD.double)], "Float64", [float("-inf")]),  # rdflib makes it "-inf"
        ([typed("2024-08-16", XSD.date), None], "datetime64[us]", [pd.Timestamp("2024-08-16"), pd.NaT]),
        (
            [typed("2024-08-16T09:30:00.25", XSD.dateTime), typed("2024-08-17", XSD.date)],
            "datetime64[us]",
            [pd.Timestamp("2024-08-16 09:30:00.25"), pd.Timestamp("2024-08-17")],
        ),
        (
            [typed("2024-08-16T09:30:00+08:00", XSD.dateTime), typed("2024-08-16T02:00:00Z", XSD.dateTime)],
            "datetime64[us, UTC]",
            [pd.Timestamp("2024-08-16 01:30", tz="UTC"), pd.Timestamp("2024-08-16 02:00", tz="UTC")],
        ),
        ([URIRef(ID + "zone/huangpu"), BNode("b0"), None], "string", [ID + "zone/huangpu", "_:b0", pd.NA]),
        ([Literal("x"), typed("y", XSD.string), typed("1999", XSD.gYear)], "string", ["x", "y", "1999"]),
        # a value that does not fit the column's type keeps the column as text, losing nothing
        ([typed("3", XSD.integer), typed("three", XSD.integer)], "string", ["3", "three"]),
        ([typed(str(2**63), XSD.integer)], "string", [str(2**63)]),
        ([typed("1_000", XSD.integer)], "string", ["1_000"]),
        ([typed("1e3", XSD.decimal)], "string", ["1e3"]),
        ([typed("infinity", XSD.double)], "string", ["infinity"]),
        ([typed("INF", XSD.decimal)], "string", ["INF"]),
        (
            [typed("2024-08-16T09:30:00Z", XSD.dateTime), typed("2024-08-16T09:30:00", XSD.dateTime)],
            "string",
            ["2024-08-16T09:30:00Z", "2024-08-16T09:30:00"],
        ),
        ([typed("3", XSD.integer), URIRef(ID + "zone/xuhui")], "string", ["3", ID + "zone/xuhui"]),
        ([None, None], "string", [pd.NA, pd.NA]),
    ],
)
def test_typing_rules(terms: list[object], dtype: str, values: list[object]) -> None:
    frame = column(*terms)
    assert list(frame.columns) == ["x"]
    assert str(frame["x"].dtype) == dtype
    got = frame["x"].tolist()
    assert len(got) == len(values)
    for g, v in zip(got, values, strict=True):
        assert (g is v) if v is pd.NA or v is pd.NaT else (g == v and type(g) is type(v))


def test_a_nan_double_is_a_value_not_a_missing_one() -> None:
    frame = column(typed("NaN", XSD.double), None)
    assert str(frame["x"].dtype) == "Float64"
    assert frame["x"].isna().tolist() == [False, True]
    assert math.isnan(frame["x"].array[0])


def test_decimal_mode_keeps_decimals_exact_but_doubles_stay_floats() -> None:
    exact = column(typed("0.1", XSD.decimal), typed("2", XSD.integer), None, decimals="decimal")
    assert str(exact["x"].dtype) == "object"
    assert exact["x"].tolist()[:2] == [Decimal("0.1"), Decimal("2")]
    assert exact["x"].isna().tolist() == [False, False, True]
    mixed = column(typed("0.1", XSD.decimal), typed("1E0", XSD.double), decimals="decimal")
    assert str(mixed["x"].dtype) == "Float64"


def test_a_language_column_only_where_languages_mix() -> None:
    rows = [
        {"a": Literal("Huangpu", lang="en"), "b": Literal("Hongkou", lang="en")},
        {"a": Literal("黄浦", lang="zh-hans"), "b": Literal("Xuhui", lang="en")},  # as Oxigraph spells it
        {"a": Literal("plain"), "b": None},
        {"a": None, "b": Literal("Baoshan", lang="en")},
    ]
    frame = Result.select(["a", "b"], rows).to_dataframe()
    assert list(frame.columns) == ["a", "a_lang", "b"]
    assert frame["a"].tolist() == ["Huangpu", "黄浦", "plain", pd.NA]
    assert frame["a_lang"].tolist() == ["en", ZH, pd.NA, pd.NA]
    assert str(frame["a_lang"].dtype) == "string"


def test_a_language_column_name_never_clashes() -> None:
    rows = [{"a": Literal("x", lang="en"), "a_lang": Literal("y")}, {"a": Literal("z", lang="fr")}]
    frame = Result.select(["a", "a_lang"], rows).to_dataframe()
    assert list(frame.columns) == ["a", "a_lang_", "a_lang"]
    assert frame["a_lang_"].tolist() == ["en", "fr"]


def test_ask_and_empty_results() -> None:
    ask = Result.ask(True).to_dataframe()
    assert dtypes(ask) == {"boolean": "boolean"} and ask["boolean"].tolist() == [True]
    empty = Result.select(["zone", "area"], []).to_dataframe()
    assert dtypes(empty) == {"zone": "string", "area": "string"} and len(empty) == 0


def test_bad_decimals_choice() -> None:
    with pytest.raises(ParameterError) as err:
        Result.ask(True).to_dataframe(decimals="exact")  # type: ignore[arg-type]
    assert str(err.value) == "decimals must be one of: float, decimal (not 'exact')"


def test_missing_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(MissingExtraError) as err:
        Result.ask(True).to_dataframe()
    assert str(err.value) == "pandas is not installed: pip install 'shfz-graph[pandas]'"
    assert isinstance(err.value, ImportError)


# -- from a remote store: the same frames --------------------------------------------------------------------


def number_text(value: object) -> object:
    """A number inside a text column by its value, so that a file's `14.0` and Oxigraph's `14` compare
    equal whichever engine answered."""
    try:
        return str(Decimal(str(value)).normalize()) if isinstance(value, str) else value
    except ArithmeticError:
        return value


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in one order whatever the engine's (queries without ORDER BY), numbers in text by value."""
    frame = frame.copy()
    for name, dtype in frame.dtypes.items():
        if str(dtype) == "string":
            frame[name] = frame[name].map(number_text).astype("string")
    order = frame.astype(str).sort_values(list(frame.columns)).index
    return frame.loc[order].reset_index(drop=True)


@pytest.mark.slow  # a real Oxigraph server
@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_a_remote_result_gives_the_same_frame(name: str, kg: KnowledgeGraph, pushed: OxigraphServer) -> None:
    named = catalog.get(name)
    local = kg.query(name).to_dataframe()
    there = remote.query(pushed.query, named.text, bindings=named.bind({})).to_dataframe()
    pd.testing.assert_frame_equal(sorted_frame(there), sorted_frame(local))


def test_what_an_endpoint_may_send() -> None:
    # what an endpoint may send: Oxigraph lower-cases language tags and types plain strings as xsd:string
    result = Result.select(
        ["when", "label"],
        [
            {"when": typed("2024-08-16T10:00:00+08:00", XSD.dateTime), "label": typed("a", XSD.string)},
            {
                "when": typed("2024-08-16T10:00:00-05:00", XSD.dateTime),
                "label": Literal("外滩", lang="zh-hans"),
            },
        ],
    )
    frame = result.to_dataframe()
    assert dtypes(frame) == {"when": "datetime64[us, UTC]", "label": "string", "label_lang": "string"}
    assert frame["when"].tolist() == [
        pd.Timestamp("2024-08-16 02:00", tz="UTC"),
        pd.Timestamp("2024-08-16 15:00", tz="UTC"),
    ]
    assert frame["label_lang"].tolist() == [pd.NA, ZH]
    assert dt.datetime(2024, 8, 16, 2, tzinfo=dt.UTC) == frame["when"][0]
