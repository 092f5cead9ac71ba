"""Query results as an .xlsx workbook (the `pandas` extra: pandas and openpyxl) that says where it came from.

Sheet "Results": a bold, frozen header row, then one typed cell per value, typed as in `dataframe`
(numbers, booleans, dates as dates, text as text; unbound values are empty cells).
Text is always stored as text, never as a formula, so a label such as `=HYPERLINK(...)` stays inert.
Sheet "Query": the query's name and text, its parameters, the source hash or the endpoint, the date it ran,
the row count and the software that wrote it.

Excel numbers are doubles: decimals are written as floats. Characters that a spreadsheet cannot hold (control
characters other than tab and line ends) become U+FFFD; a value longer than a cell holds is an error.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib.term import Node

from shfz_graph import __version__
from shfz_graph.analysis.dataframe import to_dataframe
from shfz_graph.errors import MissingExtraError, ShfzError

if TYPE_CHECKING:
    from shfz_graph.query.results import Result

__all__ = [
    "CELL_LIMIT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "FLOAT_FORMAT",
    "INTEGER_FORMAT",
    "RESULTS_SHEET",
    "SOURCE_SHEET",
    "About",
    "to_xlsx",
]

RESULTS_SHEET = "Results"
SOURCE_SHEET = "Query"
#: The most characters one cell holds (Excel's limit).
CELL_LIMIT = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Number formats of the typed cells: a spreadsheet stores every number as a double, so the format is what
#: tells integers (`Int64`) from decimals and doubles (`Float64`), and dates from date-times.
INTEGER_FORMAT = "0"
FLOAT_FORMAT = "0.0#########"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


@dataclass(frozen=True)
class About:
    """Where a result came from, for the "Query" sheet.

    `parameters` maps each bound variable to its RDF term; `source_hash` identifies the local sources
    (`KnowledgeGraph.source_hash`), `endpoint` a remote store instead; `created` defaults to now (UTC).
    """

    query: str
    name: str | None = None
    parameters: Mapping[str, Node] = field(default_factory=dict)
    source_hash: str | None = None
    endpoint: str | None = None
    created: dt.datetime | None = None


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingExtraError("pandas", "openpyxl") from exc
    return openpyxl


def _text(value: str, where: str) -> str:
    if len(value) > CELL_LIMIT:
        raise ShfzError(
            f"{where}: a value of {len(value)} characters is longer than a cell holds ({CELL_LIMIT})"
        )
    return _ILLEGAL.sub("\ufffd", value)


def _set_text(cell: Any, value: str, where: str) -> None:
    cell.value = _text(value, where)
    cell.data_type = "s"  # openpyxl would take "=..." for a formula


def _set_value(cell: Any, value: Any, where: str) -> None:
    """A typed cell for one DataFrame value (missing values leave the cell empty)."""
    import pandas as pd
    from pandas.api import types

    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, str):
        _set_text(cell, value, where)
    elif isinstance(value, pd.Timestamp):
        stamp = value.tz_convert("UTC").tz_localize(None) if value.tzinfo is not None else value
        cell.value = stamp.to_pydatetime()
        cell.number_format = DATE_FORMAT if stamp == stamp.normalize() else DATETIME_FORMAT
    elif types.is_bool(value):
        cell.value = bool(value)
    elif types.is_integer(value):
        cell.value = int(value)
        cell.number_format = INTEGER_FORMAT
    else:
        number = float(value)
        if math.isfinite(number):
            cell.value = number
            cell.number_format = FLOAT_FORMAT
        else:  # a spreadsheet has no NaN or infinity: their xsd:double spelling, as text
            _set_text(cell, "NaN" if math.isnan(number) else ("INF" if number > 0 else "-INF"), where)


def _results_sheet(sheet: Any, result: Result) -> bool:
    """Fill the results sheet; returns whether a column held date-times with a time zone."""
    frame = to_dataframe(result)
    bold = _openpyxl().styles.Font(bold=True)
    for col, name in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=1, column=col)
        _set_text(cell, str(name), "header")
        cell.font = bold
    for col, name in enumerate(frame.columns, start=1):
        for row, value in enumerate(frame[name].array, start=2):
            _set_value(sheet.cell(row=row, column=col), value, f"row {row - 1}, column {name}")
        width = max([len(str(name)), *(len(str(v)) for v in frame[name].array[:200])], default=8)
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    return any(getattr(dtype, "tz", None) is not None for dtype in frame.dtypes)


def _source_sheet(sheet: Any, result: Result, about: About, created: dt.datetime, utc_note: bool) -> None:
    from shfz_graph.query.results import _term_nt

    rows: list[tuple[str, Any]] = []
    if about.name:
        rows.append(("query", about.name))
    rows += [(f"parameter ?{var}", _term_nt(term)) for var, term in about.parameters.items()]
    if about.endpoint:
        rows.append(("endpoint", about.endpoint))
    if about.source_hash:
        rows.append(("source hash", about.source_hash))
    rows.append(("run at (UTC)", created))
    unit = "triples" if result.kind in ("CONSTRUCT", "DESCRIBE") else "rows"
    rows.append((unit, len(result.rows)))
    if result.truncated:
        rows.append(("note", "the result was cut at the row limit"))
    if utc_note:
        rows.append(("note", "date-times with a time zone are given in UTC"))
    rows.append(("written by", f"shfz-graph {__version__}"))
    rows.append(("query text", about.query))
    bold = _openpyxl().styles.Font(bold=True)
    wrap = _openpyxl().styles.Alignment(wrap_text=True, vertical="top")
    for i, (key, value) in enumerate(rows, start=1):
        key_cell = sheet.cell(row=i, column=1)
        _set_text(key_cell, key, "Query sheet")
        key_cell.font = bold
        key_cell.alignment = wrap
        cell = sheet.cell(row=i, column=2)
        if isinstance(value, str):
            _set_text(cell, value, f"Query sheet, {key}")
        else:
            cell.value = value
            if isinstance(value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
        cell.alignment = wrap
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100


def to_xlsx(result: Result, about: About) -> bytes:
    """The result as the bytes of an .xlsx workbook: results, then where they came from.

    :raises MissingExtraError: pandas or openpyxl is not installed (the `pandas` extra).
    :raises ShfzError: a value is longer than a spreadsheet cell holds.
    """
    openpyxl = _openpyxl()
    created = about.created or dt.datetime.now(dt.UTC)
    if created.tzinfo is not None:
        created = created.astimezone(dt.UTC).replace(tzinfo=None)
    created = created.replace(microsecond=0)
    book = openpyxl.Workbook()
    book.properties.creator = f"shfz-graph {__version__}"
    book.properties.created = book.properties.modified = created
    results = book.active
    results.title = RESULTS_SHEET
    utc_note = _results_sheet(results, result)
    _source_sheet(book.create_sheet(SOURCE_SHEET), result, about, created, utc_note)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
