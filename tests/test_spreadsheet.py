"""xlsx results: typed cells that read back as the DataFrame's values, and a sheet naming their source."""

from __future__ import annotations

import datetime as dt
import io
import sys
from typing import Any

import openpyxl
import pandas as pd
import pytest
from rdflib import BNode, Literal, Namespace, URIRef

from shfz_graph import __version__, catalog
from shfz_graph.analysis.spreadsheet import (
    CELL_LIMIT,
    DATE_FORMAT,
    DATETIME_FORMAT,
    FLOAT_FORMAT,
    INTEGER_FORMAT,
    About,
    to_xlsx,
)
from shfz_graph.errors import MissingExtraError, ShfzError
from shfz_graph.graph import KnowledgeGraph
from shfz_graph.query.results import Result

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ID = "https://w3id.org/shfz/id/"
RAN = dt.datetime(2026, 11, 30, 9, 15, 0)
LOCAL_QUERIES = [named.name for named in catalog.catalog() if not named.network]


def workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def cell_value(cell: Any) -> Any:
    """A cell read back with its type: the number format tells integers from decimals and dates."""
    if cell.value is None:
        return None
    if cell.data_type == "n":
        assert cell.number_format in (INTEGER_FORMAT, FLOAT_FORMAT)
        return float(cell.value) if cell.number_format == FLOAT_FORMAT else cell.value
    if cell.data_type == "d":
        assert cell.number_format in (DATE_FORMAT, DATETIME_FORMAT)
    return cell.value


def frame_value(value: Any) -> Any:
    """A DataFrame value as the Python value a spreadsheet cell should give back."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC").tz_localize(None)
        return value.to_pydatetime()
    return value


def rows_of(sheet: Any) -> list[list[Any]]:
    return [[cell_value(c) for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_every_named_query_round_trips_through_openpyxl(name: str, kg: KnowledgeGraph) -> None:
    result = kg.query(name)
    frame = result.to_dataframe()
    book = workbook(to_xlsx(result, About(query="q", created=RAN)))
    assert book.sheetnames == ["Results", "Query"]
    sheet = book["Results"]
    got = rows_of(sheet)
    assert got[0] == list(frame.columns)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    columns = [frame[name].tolist() for name in frame.columns]  # Python scalars, not NumPy's
    expected = [[frame_value(v) for v in row] for row in zip(*columns, strict=True)]
    assert got[1:] == expected
    for got_row, want_row in zip(got[1:], expected, strict=True):
        assert [type(v) for v in got_row] == [type(v) for v in want_row]


def test_zones_by_area_cells(kg: KnowledgeGraph) -> None:
    sheet = workbook(to_xlsx(kg.query("zones-by-area"), About(query="q", created=RAN)))["Results"]
    huangpu = list(sheet[8])  # after the header, Baoshan, Jiading, Minhang, Xuhui, Changning and Yangpu
    assert [c.value for c in huangpu] == [
        ID + "zone/huangpu",
        "Huangpu linked innovation zone",
        ID + "district/huangpu",
        "Huangpu District",
        14,
        True,
    ]
    assert [c.data_type for c in huangpu] == ["s", "s", "s", "s", "n", "b"]
    assert huangpu[4].number_format == FLOAT_FORMAT  # shown as 14.0, a decimal figure
    bonded = [c.value for c in sheet[9]]
    assert bonded[2] is None and bonded[3] is None  # unbound: empty cells, not empty strings


def test_the_query_sheet_says_where_the_numbers_came_from(kg: KnowledgeGraph) -> None:
    named = catalog.get("zones-larger-than")
    bindings = named.bind({"minarea": "40"})
    result = kg.query("zones-larger-than", minarea="40")
    about = About(
        query=named.text, name=named.name, parameters=bindings, source_hash=kg.source_hash, created=RAN
    )
    sheet = workbook(to_xlsx(result, about))["Query"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["query", "zones-larger-than"],
        ["parameter ?_minarea_xsd_decimal", '"40"^^<http://www.w3.org/2001/XMLSchema#decimal>'],
        ["source hash", kg.source_hash],
        ["run at (UTC)", RAN],
        ["rows", 4],  # Baoshan 50, Jiading about 49.1, Minhang 46, Xuhui around 45
        ["written by", f"shfz-graph {__version__}"],
        ["query text", named.text],
    ]
    assert sheet["B4"].number_format == DATETIME_FORMAT


def test_a_remote_result_names_its_endpoint_and_its_cut() -> None:
    result = Result.select(["n"], [{"n": Literal(1)}], truncated=True)
    about = About(query="SELECT ?n {}", endpoint="http://127.0.0.1:7878/query", created=RAN)
    sheet = workbook(to_xlsx(result, about))["Query"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["endpoint", "http://127.0.0.1:7878/query"],
        ["run at (UTC)", RAN],
        ["rows", 1],
        ["note", "the result was cut at the row limit"],
        ["written by", f"shfz-graph {__version__}"],
        ["query text", "SELECT ?n {}"],
    ]


def test_an_aware_time_is_written_in_utc_and_said_so() -> None:
    when = Literal("2024-08-16T10:00:00+08:00", datatype=XSD.dateTime, normalize=False)
    book = workbook(to_xlsx(Result.select(["when"], [{"when": when}]), About(query="q", created=RAN)))
    cell = book["Results"]["A2"]
    assert (cell.value, cell.number_format) == (dt.datetime(2024, 8, 16, 2, 0), DATETIME_FORMAT)
    notes = [row[1].value for row in book["Query"].iter_rows() if row[0].value == "note"]
    assert notes == ["date-times with a time zone are given in UTC"]


def test_text_never_becomes_a_formula_and_odd_values_stay_readable() -> None:
    hostile = '=HYPERLINK("http://127.0.0.1/x","click")'
    rows = [
        {"a": Literal(hostile), "b": Literal("NaN", datatype=XSD.double)},
        {"a": Literal("bell\x07 and tab\tkept"), "b": Literal("-INF", datatype=XSD.double)},
        {"a": BNode("b0"), "b": Literal("2.5", datatype=XSD.double)},
    ]
    sheet = workbook(to_xlsx(Result.select(["a", "b"], rows), About(query="q", created=RAN)))["Results"]
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2)]
    assert cells == [
        [(hostile, "s"), ("NaN", "s")],
        [("bell\ufffd and tab\tkept", "s"), ("-INF", "s")],
        [("_:b0", "s"), (2.5, "n")],
    ]


def test_a_value_longer_than_a_cell_is_an_error() -> None:
    long = Literal("x" * (CELL_LIMIT + 1))
    result = Result.select(["zone", "note"], [{"zone": URIRef(ID + "zone/huangpu")}, {"note": long}])
    with pytest.raises(ShfzError) as err:
        to_xlsx(result, About(query="q"))
    assert (
        str(err.value)
        == "row 2, column note: a value of 32768 characters is longer than a cell holds (32767)"
    )


def test_ask_result() -> None:
    sheet = workbook(to_xlsx(Result.ask(False), About(query="ASK {}", created=RAN)))["Results"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["boolean"], [False]]


def test_created_defaults_to_now_in_utc() -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    sheet = workbook(to_xlsx(Result.ask(True), About(query="ASK {}")))["Query"]
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    (ran,) = [row[1].value for row in sheet.iter_rows() if row[0].value == "run at (UTC)"]
    assert before <= ran <= after


def test_missing_openpyxl_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtraError) as err:
        to_xlsx(Result.ask(True), About(query="ASK {}"))
    assert str(err.value) == "openpyxl is not installed: pip install 'shfz-graph[pandas]'"
