"""Time the programme annex (20 groups × 4 meetings of validated minutes) and one
compte-rendu against WeasyPrint alone on the same HTML.

    .venv/bin/python benchmarks/pdf.py [--groups 20] [--meetings-per-group 4] [--runs 5]

Each document is made the way a request makes it (a fresh database session: the queries,
the template, the typography passes, WeasyPrint; not kept on disk), and WeasyPrint alone is
given exactly the HTML the application handed it (recorded), as one would call it:
``HTML(string=…).write_pdf()``, nothing shared between calls. The two are timed in
alternation, ``--runs`` times each, in CPU time of this process (so that other jobs on a
busy machine count for little), and the best of each is compared: the ratio is
whole export / WeasyPrint alone. "Our share" is the export without its WeasyPrint call
(queries, template, typography passes).
"""

import argparse
import io
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from flask_migrate import upgrade
from import_large import build_document
from pypdf import PdfReader
from weasyprint import HTML

import groupes.exports.pdf
from groupes import create_app
from groupes.exports.documents import programme_for_documents
from groupes.exports.printing import dossier_pdf, meeting_pdf
from groupes.extensions import db
from groupes.interchange.reader import import_bytes
from groupes.meetings.loading import meeting_query
from groupes.site.stamps import GROUPS, current_stamps


def cpu_seconds(function: Callable[[], object]) -> float:
    started = time.process_time()
    function()
    return time.process_time() - started


def listed(seconds: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in seconds)


def recorded_html(export: Callable[[], bytes]) -> tuple[tuple, dict]:
    """The arguments the application gives ``weasyprint.HTML`` when it makes this document."""
    calls = []

    def recording(*args, **kwargs):
        calls.append((args, kwargs))
        return HTML(*args, **kwargs)

    with mock.patch.object(groupes.exports.pdf, "HTML", recording):
        export()
    return calls[0]


def compare(name: str, export: Callable[[], bytes], runs: int) -> None:
    args, kwargs = recorded_html(export)

    def alone() -> bytes:
        return HTML(*args, **kwargs).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)

    def ours_without_weasyprint() -> None:
        # The export with a WeasyPrint that does nothing: our share of it.
        class Idle:
            def __init__(self, *args, **kwargs):
                pass

            def write_pdf(self, **options) -> bytes:
                return b""

        with mock.patch.object(groupes.exports.pdf, "HTML", Idle):
            export()

    pages = len(PdfReader(io.BytesIO(alone())).pages)
    whole, weasyprint, share = [], [], []
    for _ in range(runs):  # alternated: a slower moment of the machine weighs on both
        whole.append(cpu_seconds(export))
        weasyprint.append(cpu_seconds(alone))
        share.append(cpu_seconds(ours_without_weasyprint))
    best, best_alone = min(whole), min(weasyprint)
    print(f"{name}, {pages} pages: CPU seconds, best of {runs}")
    print(f"  whole export: {best:.2f} s ({pages / best:.1f} pages/s)   runs: {listed(whole)}")
    print(f"  WeasyPrint alone on the same HTML: {best_alone:.2f} s   runs: {listed(weasyprint)}")
    print(f"  our share (queries, template, typography passes): {min(share):.2f} s")
    print(f"  ratio: {best / best_alone:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--meetings-per-group", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'b.sqlite3'}", "SECRET_KEY": "x", "INSTANCE_PATH": tmp}
        )
        with app.app_context():
            upgrade()
            document = build_document(args.groups * args.meetings_per_group, per_group=args.meetings_per_group)
            programme_id = import_bytes(json.dumps(document).encode()).programme_ids[0]
        with app.test_request_context():

            def annex(stamps: str | None = None) -> bytes:
                db.session.remove()  # as a request: nothing loaded yet
                programme = programme_for_documents(programme_id)
                return dossier_pdf(programme.groups, stamps, title="Annexe", programme=programme, archive=False)

            meeting_id = programme_for_documents(programme_id).groups[0].meetings[0].id

            def compte_rendu() -> bytes:
                db.session.remove()
                meeting = db.session.scalar(meeting_query(meeting_id))
                return meeting_pdf(meeting, None, archive=False, with_milestones=False)

            print(f"annex: {args.groups} groups × {args.meetings_per_group} meetings")
            compare("annex", annex, args.runs)
            compare("one compte-rendu", compte_rendu, args.runs)
            stamps = current_stamps(GROUPS)
            annex(stamps)  # kept on disk
            print(f"the same annex again (unchanged, from the cache): {cpu_seconds(lambda: annex(stamps)):.2f} s")


if __name__ == "__main__":
    main()
