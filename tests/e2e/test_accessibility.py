"""Every page type, as the role that uses it, in a real browser: axe-core (WCAG 2.1 A and AA)
finds no serious or critical violation at desktop width nor at 390 px, nothing overflows
sideways on a phone, and the Nu HTML Checker (vnu) finds no error in the HTML served.

vnu runs on Java, from node_modules/ (package.json; `make test` installs it). Without it the
test fails; set GROUPES_SKIP_HTML_CHECK=1 to run the rest on a machine that lacks it."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash
from world import attach, build_world

from groupes.auth.models import Invitation, User
from groupes.auth.tokens import make_token
from groupes.extensions import db
from groupes.groups.models import Organisation, Person
from groupes.programmes.models import SynthesisEntry
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_facilitator import sign_in

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The elements sticking out on the right of a phone's screen, to say what overflows.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 1)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
}"""


def pages(world, extra) -> dict[str, list[tuple[str, str]]]:
    """The page types, by the role that uses them: (name, path)."""
    p, g, draft = world.programme.id, world.private.id, world.draft.id
    review, validated = world.in_review.id, world.validated.id
    item = world.draft.agenda_items[0].id
    member_person = world.users["member"].person_id
    caf = world.users["member"].person.organisation_id
    return {
        "anonymous": [
            ("accueil-public", "/"),
            ("connexion", "/connexion"),
            ("mot-de-passe-oublie", "/mot-de-passe-oublie"),
            ("invitation", f"/invitation/{extra['invitation']}"),
            ("nouveau-mot-de-passe", f"/mot-de-passe/{extra['reset']}"),
            ("confidentialite", "/confidentialite"),
            ("groupe-public", f"/groupes/{world.public.id}"),
        ],
        "member": [
            ("tableau-de-bord", "/"),
            ("relecture", f"/reunions/{review}/compte-rendu/relecture"),
            ("compte-rendu", f"/reunions/{validated}/compte-rendu"),
            ("modifications", f"/reunions/{validated}/compte-rendu/modifications?de=1&a=2"),
            ("decisions", "/decisions"),
            ("actions", "/actions"),
            ("recherche", "/recherche?q=compte-rendu"),
            ("annuaire", "/annuaire"),
            ("annuaire-structure", f"/annuaire/structures/{caf}"),
            ("compte", "/compte"),
            ("confirmer-adresse", f"/compte/adresse/{extra['email_change']}"),
            ("erreur-404", "/nulle-part"),
        ],
        "secretary": [
            ("groupe", f"/groupes/{g}"),
            ("reunion", f"/reunions/{draft}"),
            ("reunion-modifier", f"/reunions/{draft}/modifier"),
            ("reunion-nouvelle", f"/groupes/{g}/reunions/nouvelle"),
            ("reunion-serie", f"/groupes/{g}/reunions/serie"),
            ("ordre-du-jour", f"/reunions/{draft}/ordre-du-jour"),
            ("ordre-du-jour-point", f"/reunions/{draft}/ordre-du-jour/{item}"),
            ("presences", f"/reunions/{draft}/presences"),
            ("salle-de-reunion", f"/reunions/{draft}/compte-rendu/rediger"),
            ("versions", f"/reunions/{validated}/compte-rendu/versions"),
            ("documents-ajout", f"/reunions/{draft}/documents"),
            ("assiduite", f"/groupes/{g}/assiduite"),
        ],
        "organiser": [
            ("demarche", f"/programmes/{p}"),
            ("demarche-modifier", f"/programmes/{p}/modifier"),
            ("organisateurs", f"/programmes/{p}/organisateurs"),
            ("jalon", f"/programmes/{p}/jalons/{world.milestone.id}"),
            ("groupe-nouveau", f"/programmes/{p}/groupes/nouveau"),
            ("groupe-modifier", f"/groupes/{g}/modifier"),
            ("membres", f"/groupes/{g}/membres"),
            ("inviter", f"/groupes/{g}/inviter"),
            ("synthese", f"/programmes/{p}/synthese"),
            ("synthese-element", f"/programmes/{p}/synthese/elements/{extra['entry']}"),
            ("journal-demarche", f"/programmes/{p}/journal"),
            ("salle-animation", f"/reunions/{draft}/compte-rendu/rediger"),
            ("salle-projection", f"/reunions/{draft}/salle/projection"),
            ("suivi-en-direct", f"/reunions/{draft}/compte-rendu/suivre"),
            ("relecture-animation", f"/reunions/{review}/compte-rendu/relecture"),
            ("valider", f"/reunions/{draft}/compte-rendu/valider"),
        ],
        "admin": [
            ("demarche-nouvelle", "/programmes/nouvelle"),
            ("personnes", "/personnes"),
            ("personne", f"/personnes/{extra['person']}"),
            ("personne-nouvelle", "/personnes/nouvelle"),
            ("personne-fusionner", f"/personnes/{extra['person']}/fusionner"),
            ("personne-fusionner-confirmer", f"/personnes/{extra['person']}/fusionner?dans={member_person}"),
            ("structures", "/structures"),
            ("structure", f"/structures/{caf}"),
            ("structure-fusionner", f"/structures/{extra['organisation']}/fusionner"),
            ("structure-fusionner-confirmer", f"/structures/{extra['organisation']}/fusionner?dans={caf}"),
            ("comptes", "/admin/comptes"),
            ("compte-admin", f"/admin/comptes/{world.users['member'].id}"),
            ("compte-nouveau", "/admin/comptes/nouveau"),
            ("courriels", "/admin/courriels"),
            ("journal", "/admin/journal"),
            ("donnees-personne", f"/admin/personnes/{member_person}/donnees"),
        ],
    }


def build_extra(world) -> dict:
    """What some pages need beyond the world: links, a synthesis entry, a duplicate, revisions."""
    # Two revisions of the validated minutes, for the versions and the changes.
    minutes = world.validated.minutes
    minutes.add_revision(author=world.users["secretary"])
    minutes.sections[0].body = "Texte du compte-rendu validé, relu avec Member Test."  # named: the erasure lists it
    minutes.add_revision(author=world.users["secretary"])
    # A person invited who has not chosen a password, and an account asking for a new one.
    newcomer = User(person=Person(name="Nouvelle Venue", email="nouvelle@test.example"))
    invitation = Invitation(user=newcomer, group=world.private, invited_by=world.users["facilitator"])
    duplicate = Person(name="Member Test", email="member.bis@test.example", organisation=Organisation(name="CAF 18"))
    entry = SynthesisEntry(programme=world.programme, kind=world.validated.findings[0].kind, text="Une piste reprise")
    entry.sources = list(world.validated.findings)
    db.session.add_all([newcomer, invitation, duplicate, entry])
    db.session.commit()
    attach(world.draft, user=world.users["secretary"])
    world.users["observer"].password_hash = generate_password_hash("x", method="pbkdf2:sha256:1000")
    db.session.commit()
    return {
        "invitation": make_token("invitation", newcomer, i=invitation.id),
        "reset": make_token("reset", world.users["observer"]),
        "email_change": make_token(
            "email", world.users["member"], e="member.nouvelle@test.example", o=world.users["member"].person.email
        ),
        "entry": entry.id,
        "person": duplicate.id,
        "organisation": duplicate.organisation_id,
    }


def axe_problems(page, axe, name: str, width: str) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            problems.append(
                f"{name} ({width}): {violation['id']} [{violation['impact']}] {violation['help']} — {targets}"
            )
    return problems


def run_vnu(files: list[Path]) -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(
            "The Nu HTML Checker cannot run: "
            + ("java is missing (Debian: default-jre-headless). " if java is None else "")
            + ("node_modules/vnu-jar is missing (npm ci). " if not VNU_JAR.exists() else "")
            + "`make test` installs both; GROUPES_SKIP_HTML_CHECK=1 skips this check."
        )
    done = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(done.stdout or "{}").get("messages", [])
    if done.returncode not in (0, 1) or (done.returncode == 1 and not messages):
        pytest.fail(f"vnu failed ({done.returncode}): {done.stderr[-2000:]}")
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')} — {m.get('extract', '').strip()!r}"
        for m in messages
        if m.get("type") == "error"
    ]


def test_every_page_type_passes_axe_and_the_html_checker(live_server, new_page):
    from axe_playwright_python.sync_playwright import Axe

    world = build_world()
    extra = build_extra(world)
    html_dir = ARTIFACTS / "html"
    shutil.rmtree(html_dir, ignore_errors=True)
    html_dir.mkdir(parents=True)
    axe = Axe()
    problems, overflows, saved, seen = [], [], [], []
    for role, listed in pages(world, extra).items():
        page = new_page(**DESKTOP)
        if role != "anonymous":
            sign_in(page, live_server, f"{role}@test.example")
        for name, path in listed:
            page.set_viewport_size(DESKTOP)
            response = page.goto(live_server + path)
            expected = 404 if name.startswith("erreur-404") else 200
            assert response.status == expected, f"{name}: {path} as {role} answered {response.status}"
            expect(page.locator("h1")).to_have_count(1)
            html_file = html_dir / f"{name}.html"
            html_file.write_text(response.text(), encoding="utf-8")
            saved.append(html_file)
            seen.append(f"{name} ({role}) {path}")
            problems += axe_problems(page, axe, name, "1280 px")
            page.set_viewport_size(PHONE)
            problems += axe_problems(page, axe, name, "390 px")
            if sticking_out := page.evaluate(OVERFLOWING):
                overflows.append(f"{name}: {', '.join(sticking_out)}")
    (ARTIFACTS / "pages-checked.txt").write_text("\n".join(seen) + "\n", encoding="utf-8")
    errors = [] if os.environ.get("GROUPES_SKIP_HTML_CHECK") == "1" else run_vnu(saved)
    report = []
    if problems:
        report += [f"axe: {len(problems)} serious or critical violation(s)", *problems]
    if overflows:
        report += [f"wider than a 390 px screen: {len(overflows)} page(s)", *overflows]
    if errors:
        report += [f"Nu HTML Checker: {len(errors)} error(s)", *errors]
    assert not report, "\n".join(report)
