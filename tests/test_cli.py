"""The command line: flask --app groupes …"""

import json
from importlib import resources

import pytest
import sqlalchemy as sa
from documents import document

from groupes import create_app
from groupes.auth.models import User
from groupes.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.interchange.reader import import_document
from groupes.interchange.writer import dumps, export_document
from groupes.meetings.models import AgendaItem, Meeting
from groupes.programmes.models import Programme

STRONG = "un mot de passe solide"


def test_init_db_creates_the_schema_and_a_secret_key_on_a_fresh_machine(tmp_path):
    fresh = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "INSTANCE_PATH": str(tmp_path)}
    )
    with fresh.app_context():  # commands use the application of the current context
        result = fresh.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Clé secrète écrite" in result.output
        key = (tmp_path / "secret_key").read_text().strip()
        assert len(key) >= 32 and (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
        assert "meetings" in sa.inspect(db.engine).get_table_names()
        # A second run upgrades (nothing to do) and keeps the key; a new app reads it.
        again = fresh.test_cli_runner().invoke(args=["init-db"])
        assert again.exit_code == 0 and "Clé secrète" not in again.output
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"] == key


def test_create_admin_reads_the_password_from_standard_input(runner):
    result = runner.invoke(
        args=["create-admin", "Claire@Exemple.example", "--name", "Claire Fontaine"], input=f"{STRONG}\n{STRONG}\n"
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.is_admin and user.person.name == "Claire Fontaine" and user.email == "claire@exemple.example"
    assert user.check_password(STRONG) and not user.check_password("autre chose")
    assert user.password_hash.startswith("scrypt:")  # Werkzeug's current default


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (
            ["create-admin", "pas-une-adresse"],
            f"{STRONG}\n",
            "Adresse e-mail invalide\u00a0: «\u00a0pas-une-adresse\u00a0».",
        ),
        (["create-admin", "a@exemple.example"], "court\n", "Le mot de passe doit compter au moins 12 caractères."),
        (
            ["create-admin", "a@exemple.example"],
            f"{STRONG}\nune autre saisie\n",
            "Les deux mots de passe lus sur l'entrée standard diffèrent.",
        ),
        (["create-admin", "a@exemple.example"], "", "Aucun mot de passe lu sur l'entrée standard."),
        (["set-password", "inconnu@exemple.example"], f"{STRONG}\n", "Personne inconnue : inconnu@exemple.example."),
    ],
)
def test_account_commands_refuse_bad_input(runner, args, stdin, message, count):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 1
    assert message in result.output
    assert count(User) == 0


def test_create_admin_refuses_an_existing_account(runner, count):
    runner.invoke(args=["create-admin", "a@exemple.example"], input=f"{STRONG}\n")
    result = runner.invoke(args=["create-admin", "a@exemple.example"], input=f"{STRONG}\n")
    assert result.exit_code == 1 and "Un compte existe déjà pour a@exemple.example" in result.output
    assert count(User) == 1


def test_set_password_changes_a_password_or_creates_the_account_of_a_known_person(runner):
    import_document(document())
    result = runner.invoke(args=["set-password", "julien@exemple.example"], input=f"{STRONG}\n")
    assert result.exit_code == 0 and "Compte créé pour julien@exemple.example." in result.output
    user = db.session.scalar(sa.select(User))
    assert not user.is_admin and user.check_password(STRONG)
    result = runner.invoke(args=["set-password", "JULIEN@exemple.example"], input="un autre mot de passe\n")
    assert result.exit_code == 0 and "Mot de passe changé" in result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("un autre mot de passe")


def test_demo_loads_the_programme_and_one_account_per_role(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Démonstration chargée : 1 démarche(s), 3 groupe(s)" in result.output
    for email in DEMO_ACCOUNTS:
        assert email in result.output
        user = db.session.scalar(sa.select(User).join(Person).where(Person.email == email))
        assert user.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in result.output
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "démonstration non chargée" in again.output and "admin@demo.example" in again.output
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code == 1 and "La base contient déjà des démarches" in refused.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 1


def test_the_demonstration_follows_the_annex():
    data = json.loads(resources.files("groupes.demo").joinpath("demo.json").read_text())
    programme = data["programmes"][0]
    groups = programme["groups"]
    assert {g.get("visibility", "members") for g in groups} == {"public", "members"}
    meetings = [m for g in groups for m in g["meetings"]]
    statuses = {m.get("minutes", {}).get("status", "draft") for m in meetings}
    assert {"validated", "draft"} <= statuses
    kinds = {f["kind"] for m in meetings for f in m.get("findings", [])}
    assert kinds == {"constat", "besoin", "faiblesse", "menace", "piste", "preconisation", "pratique"}
    assert all(m.get("decisions") for m in meetings if m.get("status") == "held")
    roles = {member.get("role", "member") for g in groups for member in g["members"]}
    assert roles == {"facilitator", "secretary", "member", "observer"}


def test_import_reports_every_error_and_exits_non_zero(runner, tmp_path, count):
    bad = document()
    bad["programmes"][0]["groups"][0]["meetings"][0]["starts_at"] = "27/03/2014"
    bad["programmes"][0]["groups"][0]["number"] = "un"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert 'programmes[0].groups[0].number: attendu un nombre entier, reçu "un"' in result.output
    assert (
        'programmes[0].groups[0].meetings[0].starts_at: pas une date-heure (AAAA-MM-JJTHH:MM) : "27/03/2014"'
        in result.output
    )
    assert "Import refusé : 2 erreur(s), rien n'a été écrit." in result.output
    assert count(Programme) == 0


def test_import_then_export_to_a_file(runner, tmp_path):
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(document()), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0 and result.output.startswith("Importé : 1 démarche(s), 1 groupe(s), 1 réunion(s)")
    out = tmp_path / "export.json"
    result = runner.invoke(args=["export-json", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == export_document()
    to_stdout = runner.invoke(args=["export-json"])
    assert to_stdout.output == out.read_text(encoding="utf-8")


def test_export_of_an_unknown_programme_is_refused(runner):
    result = runner.invoke(args=["export-json", "--programme", "4242"])
    assert result.exit_code == 1 and "Aucune démarche n'a l'identifiant 4242." in result.output


def test_backup_and_restore_bring_back_every_row(runner, tmp_path):
    runner.invoke(args=["demo"])
    # A nested agenda item older than its parent: restore must cope with the order.
    meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).first()
    first_item, last_item = meeting.agenda_items[0], meeting.agenda_items[-1]
    first_item.parent = last_item
    db.session.commit()
    before = dumps(export_document())
    users_before = [
        (u.id, u.person.email, u.password_hash) for u in db.session.scalars(sa.select(User).order_by(User.id))
    ]
    backup = tmp_path / "sauvegarde.gz"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0 and "Sauvegarde écrite" in result.output
    assert backup.stat().st_mode & 0o077 == 0  # password hashes inside: the owner's eyes only
    assert [p.name for p in tmp_path.iterdir()] == ["sauvegarde.gz"]

    db.session.delete(db.session.scalar(sa.select(Programme)))
    db.session.commit()
    assert export_document()["programmes"] == []

    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert dumps(export_document()) == before
    assert [
        (u.id, u.person.email, u.password_hash) for u in db.session.scalars(sa.select(User).order_by(User.id))
    ] == users_before
    assert db.session.get(AgendaItem, first_item.id).parent_id == last_item.id
    # New rows get fresh identifiers after a restore (sequences follow on PostgreSQL).
    db.session.add(Programme(title="Après restauration"))
    db.session.commit()


def test_restore_asks_for_confirmation_and_refuses_what_is_not_a_backup(runner, tmp_path):
    runner.invoke(args=["demo"])
    backup = tmp_path / "sauvegarde.gz"
    runner.invoke(args=["backup", str(backup)])
    unconfirmed = runner.invoke(args=["restore", str(backup)])
    assert unconfirmed.exit_code == 1 and "confirmez avec --yes" in unconfirmed.output
    junk = tmp_path / "pas-une-sauvegarde.gz"
    junk.write_text("bonjour")
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code == 1 and "n'est pas une sauvegarde lisible de groupes" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 1


def test_import_refuses_a_deep_file_and_absurd_dates_in_french_without_a_traceback(runner, tmp_path, count):
    bad = document()
    bad["programmes"][0]["groups"][0]["meetings"][0]["starts_at"] = "0001-01-01T00:00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        "programmes[0].groups[0].meetings[0].starts_at: Date refusée : l’année doit être comprise entre 1900 et 2100"
        in result.output
    )
    path.write_text("[" * 50_000)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "imbrication trop profonde" in result.output
    assert count(Programme) == 0


def test_the_reminders_refuse_a_date_outside_the_window(runner):
    result = runner.invoke(args=["remind", "--date", "0201-01-01"])
    assert result.exit_code == 1 and "Date refusée" in result.output
