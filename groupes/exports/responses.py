"""Answers that are files to download: a document, a list as CSV or spreadsheet."""

from flask import Response

from groupes.exports.tabular import csv_bytes, xlsx_bytes

# Downloads hold the whole filtered list, up to this many rows.
MAX_DOWNLOAD = 20_000


def file_response(content: bytes, filename: str, mimetype: str = "application/pdf", inline: bool = True) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def tabular_response(name: str, extension: str, sheet: str, headers: list[str], rows: list[list]) -> Response:
    """A list to download, as CSV or as a spreadsheet (.xlsx)."""
    if extension == "csv":
        return file_response(csv_bytes(headers, rows), f"{name}.csv", "text/csv", inline=False)
    return file_response(xlsx_bytes(sheet, headers, rows), f"{name}.xlsx", SPREADSHEET, inline=False)
