"""Time the programme annex: 20 groups × 4 meetings of validated minutes.

    .venv/bin/python benchmarks/pdf.py [--groups 20] [--meetings-per-group 4]

Prints the pages, the seconds for the whole export (loading, template,
WeasyPrint) and for WeasyPrint alone on the same HTML, and their ratio;
then the time of one compte-rendu.
"""

import argparse
import io
import json
import tempfile
import time
from pathlib import Path

from flask import render_template
from flask_migrate import upgrade
from import_large import build_document
from pypdf import PdfReader
from weasyprint import HTML

from groupes import create_app
from groupes.exports.documents import group_document, programme_for_documents
from groupes.exports.pdf import StaticFilesOnly
from groupes.exports.printing import dossier_pdf, meeting_pdf
from groupes.extensions import db
from groupes.interchange.reader import import_bytes
from groupes.meetings.loading import meeting_query
from groupes.site.stamps import GROUPS, current_stamps, meeting_stamps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--meetings-per-group", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'b.sqlite3'}", "SECRET_KEY": "x", "INSTANCE_PATH": tmp}
        )
        with app.app_context():
            upgrade()
            document = build_document(args.groups * args.meetings_per_group, per_group=args.meetings_per_group)
            summary = import_bytes(json.dumps(document).encode())
            programme_id = summary.programme_ids[0]
        with app.test_request_context():
            started = time.perf_counter()
            programme = programme_for_documents(programme_id)
            pdf = dossier_pdf(
                programme.groups, current_stamps(GROUPS), title="Annexe", programme=programme, archive=False
            )
            total = time.perf_counter() - started
            html = render_template(
                "documents/dossier.html",
                groups=[group_document(g) for g in sorted(programme.groups, key=lambda g: g.number)],
                title="Annexe",
                programme=programme,
                cover="Liste des comptes-rendus des groupes de travail",
                today=__import__("datetime").date.today(),
            )
            static = Path(app.static_folder)
            started = time.perf_counter()
            HTML(string=html, base_url=static.resolve().as_uri() + "/", url_fetcher=StaticFilesOnly(static)).write_pdf(
                pdf_variant="pdf/ua-1", pdf_tags=True
            )
            alone = time.perf_counter() - started
            started = time.perf_counter()
            dossier_pdf(
                programme_for_documents(programme_id).groups,
                current_stamps(GROUPS),
                title="Annexe",
                programme=programme,
                archive=False,
            )
            again = time.perf_counter() - started
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            meeting_id = programme.groups[0].meetings[0].id
            stamps = meeting_stamps(meeting_id)
            meeting = db.session.scalar(meeting_query(meeting_id))
            started = time.perf_counter()
            meeting_pdf(meeting, stamps, archive=False, with_milestones=False)
            single = time.perf_counter() - started
    print(f"annex: {args.groups} groups × {args.meetings_per_group} meetings, {pages} pages")
    print(f"whole export: {total:.2f} s ({pages / total:.1f} pages/s)")
    print(f"WeasyPrint alone on the same HTML: {alone:.2f} s")
    print(f"ratio: {total / alone:.2f}")
    print(f"the same annex again (unchanged, from the cache): {again:.2f} s")
    print(f"one compte-rendu: {single:.2f} s")


if __name__ == "__main__":
    main()
