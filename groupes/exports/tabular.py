"""Lists to download: CSV for any tool, and spreadsheets (.xlsx, openpyxl) for office suites."""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | date | None
# A cell opening with one of these is a formula to a spreadsheet: text people wrote
# (a name, a title) must never run as one (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: Cell) -> Cell:
    """A text a spreadsheet would compute, with the apostrophe that keeps it text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(headers: list[str], rows: list[list[Cell]]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons: French spreadsheets open it as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(
        [["" if v is None else v.isoformat() if isinstance(v, date) else as_text(v) for v in row] for row in rows]
    )
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(title: str, headers: list[str], rows: list[list[Cell]]) -> bytes:
    """One sheet: bold header row, frozen; dates as dates; columns wide enough to read."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl takes any text opening with "=" for a formula
                cell.data_type = "s"
    for index, header in enumerate(headers, 1):
        values = [len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:500]]
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(values) + 2)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
