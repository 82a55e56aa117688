"""Time full-text searches and the registers on a large programme.

    .venv/bin/python benchmarks/search.py [--meetings 10000] [--database-url URL]

Builds N meetings of varied French text (the generator of import_large.py,
whose repeated paragraph is replaced by sentences drawn from a vocabulary of
the field), imports them into an empty database, then times searches of
several kinds (words, accents left out, phrases, prefixes, rare and common
terms) through the real page as an organiser (every group) and as a member
(a few groups: the permission filter is the larger), and the registers'
first page. Prints the median and 95th percentile of each.
"""

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from fresh import empty_schema
from import_large import PARAGRAPH, build_document
from werkzeug.security import generate_password_hash

from groupes import create_app
from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.interchange.reader import import_bytes
from groupes.meetings.models import Meeting
from groupes.programmes.models import Programme, ProgrammeOrganiser
from groupes.search.index import reindex

SUBJECTS = ["Le groupe", "Les participants", "La CAF du Cher", "Le Conseil départemental", "L'URIOPSS", "Le SIAO"]
VERBS = ["constate", "souligne", "propose", "regrette", "observe", "demande", "recommande"]
OBJECTS = [
    "l'évolution des publics accueillis",
    "le manque de places d'hébergement d'urgence",
    "la coordination des interventions sociales",
    "l'accompagnement des familles monoparentales",
    "le non-recours aux droits",
    "la formation des travailleurs sociaux",
    "le partage d'informations entre institutions",
    "l'accès au logement des jeunes majeurs",
    "la participation des personnes accompagnées",
    "la simplification des démarches administratives",
]
PLACES = ["à Bourges", "dans le Loiret", "en Indre-et-Loire", "sur le territoire", "à Orléans", "en milieu rural"]
QUERIES = [
    "évolution",
    "evolution des publics",
    '"hébergement d\'urgence"',
    "accomp*",
    "monoparentales Bourges",
    "non-recours",
    "participation personnes accompagnées",
    "simplif*",
    "coordination Loiret",
    "introuvablemot",
]
PASSWORD = "mot de passe du banc d'essai"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}."


def vary(value, rng):
    """Replace every copy of the generator's paragraph by sentences of its own."""
    if isinstance(value, dict):
        return {k: vary(v, rng) for k, v in value.items()}
    if isinstance(value, list):
        return [vary(v, rng) for v in value]
    if isinstance(value, str) and PARAGRAPH[:60] in value:
        return " ".join(sentence(rng) for _ in range(rng.randint(3, 8)))
    return value


def timings(client, urls: list[str], rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def sign_in(client, email: str) -> None:
    """Through the sign-in form (a session made by hand fails the session protection, and the
    searches would then run as an anonymous visitor, soon stopped by the rate limit)."""
    response = client.post("/connexion", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"{email} cannot sign in"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", "INSTANCE_PATH": tmp, "WTF_CSRF_ENABLED": False}
        )
        with app.app_context():
            empty_schema()
            document = vary(build_document(args.meetings), random.Random(2014))
            started = time.perf_counter()
            import_bytes(json.dumps(document, ensure_ascii=False).encode())
            print(
                f"database: {db.engine.dialect.name}; {args.meetings} meetings imported and indexed in "
                f"{time.perf_counter() - started:.1f} s; "
                f"{db.session.scalar(db.text('SELECT count(*) FROM search_index'))} texts in the index"
            )
            # An organiser of the programme, and a member of the first group's people.
            programme = db.session.scalar(db.select(Programme))
            organiser = db.session.scalar(db.select(Person).where(Person.email == "p0@exemple.example"))
            member = db.session.scalar(db.select(Person).where(Person.email == "p1@exemple.example"))
            for person in (organiser, member):
                user = User(person=person)
                user.password_hash = PASSWORD_HASH
                db.session.add(user)
            db.session.add(ProgrammeOrganiser(programme=programme, person=organiser))
            db.session.commit()
            memberships = len(member.memberships)
        client = app.test_client()
        with app.app_context():
            for email, who in (
                ("p0@exemple.example", "organiser (every group)"),
                ("p1@exemple.example", f"member ({memberships} group(s))"),
            ):
                client = app.test_client()
                sign_in(client, email)
                median, p95 = timings(client, [f"/recherche?q={q}" for q in QUERIES], args.rounds)
                print(f"search as {who}: median {median:.0f} ms, 95th percentile {p95:.0f} ms (whole page)")
                median, p95 = timings(
                    client, ["/actions?etat=toutes", "/decisions", "/actions?en_retard=1"], args.rounds
                )
                print(f"registers as {who}: median {median:.0f} ms, 95th percentile {p95:.0f} ms (first page)")
            print(reindex_timing())


def reindex_timing(samples: int = 50) -> str:
    """What a save adds to keep the index up to date: one meeting's rows rewritten."""
    ids = db.session.scalars(db.select(Meeting.id)).all()
    chosen = random.Random(7).sample(ids, min(samples, len(ids)))
    times = []
    for meeting_id in chosen:
        started = time.perf_counter()
        reindex(db.session, [meeting_id])
        db.session.commit()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return (
        f"index rewrite of one meeting (what a save adds): median {statistics.median(times):.1f} ms, "
        f"95th percentile {times[int(len(times) * 0.95) - 1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
