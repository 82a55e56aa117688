"""Time the import and export of a large interchange file.

    .venv/bin/python benchmarks/import_large.py [--meetings 1000] [--database-url URL]

Builds a document of N meetings (20 per group, 15 attendees, 6 agenda items,
4 sections, 3 decisions, 2 actions and 3 findings each), imports it into an
empty database (a temporary SQLite file unless --database-url names another,
whose tables it empties first) and prints the figures.
"""

import argparse
import json
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from fresh import empty_schema

from groupes import create_app
from groupes.extensions import db
from groupes.interchange.reader import import_bytes
from groupes.interchange.writer import dumps, export_document

KINDS = ["constat", "besoin", "faiblesse", "menace", "piste", "preconisation", "pratique"]
PARAGRAPH = (
    "Les participants ont partagé leurs constats sur l'accès aux droits et la coordination "
    "des interventions sur le territoire ; plusieurs pistes ont été discutées. "
) * 4


def build_document(meetings: int, per_group: int = 20) -> dict:
    groups = []
    people = [
        {
            "name": f"Personne {i}",
            "email": f"p{i}@exemple.example",
            "organisation": f"Structure {i % 40}",
            "function": "Assistante sociale",
        }
        for i in range(600)
    ]
    for g in range((meetings + per_group - 1) // per_group):
        members = [dict(people[(g * 7 + k) % 600], role="facilitator" if k == 0 else "member") for k in range(15)]
        group_meetings = []
        for m in range(min(per_group, meetings - g * per_group)):
            start = datetime(2014, 1, 6, 14, 0) + timedelta(weeks=m)
            group_meetings.append(
                {
                    "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                    "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
                    "title": f"Séance {m + 1}",
                    "place": "Salle du conseil",
                    "status": "held",
                    "agenda": [
                        {
                            "title": f"Point {i + 1}",
                            "duration_min": 30,
                            "notes": PARAGRAPH if i < 2 else "",
                            "children": [],
                        }
                        for i in range(6)
                    ],
                    "attendance": [
                        {
                            "name": p["name"],
                            "email": p["email"],
                            "organisation": p["organisation"],
                            "status": "present" if k % 5 else "excused",
                        }
                        for k, p in enumerate(members)
                    ],
                    "minutes": {
                        "status": "validated",
                        "sections": [{"heading": f"Partie {s + 1}", "body": PARAGRAPH} for s in range(4)],
                    },
                    "findings": [
                        {"kind": KINDS[(m + f) % 7], "text": f"Élément {f + 1} : {PARAGRAPH[:120]}"} for f in range(3)
                    ],
                    "decisions": [{"text": f"Décision {d + 1} de la séance."} for d in range(3)],
                    "actions": [
                        {
                            "title": f"Action {a + 1}",
                            "owner": members[a + 1]["name"],
                            "due": (date(2014, 2, 1) + timedelta(weeks=m)).isoformat(),
                            "status": "open",
                        }
                        for a in range(2)
                    ],
                }
            )
        groups.append(
            {
                "number": g + 1,
                "title": f"Groupe {g + 1}",
                "territory": "Région Centre",
                "members": members,
                "meetings": group_meetings,
            }
        )
    return {"format": "groupes/1", "programmes": [{"title": "Démarche de mesure", "groups": groups}]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", "INSTANCE_PATH": tmp})
        with app.app_context():
            empty_schema()
            raw = json.dumps(build_document(args.meetings), ensure_ascii=False).encode()
            started = time.perf_counter()
            summary = import_bytes(raw)
            imported = time.perf_counter() - started
            started = time.perf_counter()
            exported = dumps(export_document())
            export_time = time.perf_counter() - started
            print(f"database: {db.engine.dialect.name}")
            print(f"file: {len(raw) / 1e6:.1f} MB, {summary.counts['meetings']} meetings")
            print(f"import: {imported:.2f} s ({summary.describe()})")
            print(f"export: {export_time:.2f} s ({len(exported.encode()) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
