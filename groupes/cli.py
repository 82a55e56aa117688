"""The command line: ``flask --app groupes …``. Commands act with full rights."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
import sqlalchemy as sa
from alembic.migration import MigrationContext
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from groupes.attachments.attaching import remove_orphan_files
from groupes.auth.accounts import AccountError, create_admin, set_password
from groupes.backup import BackupError, restore_backup, write_backup
from groupes.config import ensure_secret_key
from groupes.demo import DEMO_PASSWORD, database_is_empty, demo_logins, load_demo
from groupes.extensions import db
from groupes.interchange.reader import ImportRefused, import_bytes
from groupes.interchange.writer import dumps, export_document
from groupes.mail.outbox import deliver
from groupes.mail.reminders import send_reminders
from groupes.privacy.access_log import record_now
from groupes.privacy.models import AccessKind
from groupes.privacy.retention import PurgeRefused, apply_purge, plan_purge, purge_report
from groupes.programmes.models import Programme
from groupes.search.index import rebuild as rebuild_index
from groupes.site.dates import date_problem
from groupes.site.timezone import PARIS


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def read_password() -> str:
    """Prompt twice on a terminal; otherwise read a line, and a confirmation line if any."""
    if sys.stdin.isatty():
        return click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Confirmez le mot de passe")
    lines = sys.stdin.read().splitlines()
    if not lines or not lines[0]:
        fail("Aucun mot de passe lu sur l'entrée standard.")
    if len(lines) > 1 and lines[1] != lines[0]:
        fail("Les deux mots de passe lus sur l'entrée standard diffèrent.")
    return lines[0]


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Crée ou met à jour le schéma de la base (les migrations)."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    if ensure_secret_key(current_app):
        click.echo("Clé secrète écrite dans instance/secret_key.")
    before = current_revision()
    upgrade()
    if current_revision() != before:
        # A migration may bring new searchable texts (or the index itself): index everything.
        rebuild_index()
    click.echo("Base de données à jour.")


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the full-text search index from what the database holds."""
    click.echo(f"Index de recherche reconstruit : {rebuild_index()} textes.")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", help="Nom de la personne (par défaut, le début de l'adresse).")
@with_appcontext
def create_admin_command(email: str, name: str | None) -> None:
    """Crée une personne et son compte administrateur."""
    try:
        user = create_admin(email, read_password(), name)
    except AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Compte administrateur créé pour {user.person.name} <{user.email}>.")


@click.command("set-password")
@click.argument("email")
@with_appcontext
def set_password_command(email: str) -> None:
    """Change le mot de passe d'un compte (ou crée le compte d'une personne connue)."""
    try:
        user, created = set_password(email, read_password())
    except AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Compte créé pour {user.email}." if created else f"Mot de passe changé pour {user.email}.")


def print_demo_logins() -> None:
    logins = demo_logins()
    if not logins:
        return
    click.echo(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
    for email, role in logins:
        click.echo(f"  {email:<30} {role}")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Ne rien charger si la base contient déjà une démarche.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Charge la démarche de démonstration."""
    if not database_is_empty():
        if not if_empty:
            fail("La base contient déjà des démarches : la démonstration se charge dans une base vide.")
        click.echo("La base contient déjà des données : démonstration non chargée.")
    else:
        summary = load_demo()
        db.session.commit()
        click.echo(f"Démonstration chargée : {summary.describe()}.")
    print_demo_logins()


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Importe un fichier au format d'échange (tout ou rien)."""
    try:
        summary = import_bytes(file.read_bytes())
    except ImportRefused as exc:
        for line in exc.errors.lines():
            click.echo(line, err=True)
        fail(f"Import refusé : {len(exc.errors)} erreur(s), rien n'a été écrit.")
    click.echo(f"Importé : {summary.describe()}.")


@click.command("export-json")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Fichier à écrire (par défaut, la sortie standard).",
)
@click.option("--programme", "programme_id", type=int, help="N'exporter que cette démarche (son identifiant).")
@click.option(
    "--confidential",
    "confidential",
    is_flag=True,
    help="Inclure les passages à huis clos, marqués comme tels (réservé à l'administration).",
)
@with_appcontext
def export_json_command(output: Path | None, programme_id: int | None, confidential: bool) -> None:
    """Exporte tout au format d'échange (JSON).

    Les passages à huis clos y sont remplacés par une mention, et leurs décisions, actions
    et éléments de synthèse omis, sauf avec --confidential.
    """
    if programme_id is not None and db.session.get(Programme, programme_id) is None:
        fail(f"Aucune démarche n'a l'identifiant {programme_id}.")
    text = dumps(export_document(programme_id, confidential=confidential))
    record_now(
        AccessKind.EXPORT,
        "Export JSON" + (" avec les passages à huis clos" if confidential else ""),
        programme_id=programme_id,
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Export écrit dans {output}.", err=True)


@click.command("export-pdf")
@click.option("--meeting", "meeting_id", type=int, help="Le compte-rendu d'une réunion.")
@click.option("--group", "group_id", type=int, help="Le dossier d'un groupe (ses comptes-rendus validés).")
@click.option("--programme", "programme_id", type=int, help="L'annexe d'une démarche (tous ses groupes).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@click.option("--synthesis", is_flag=True, help="Avec --programme : la synthèse au lieu de l'annexe.")
@click.option("--archive", is_flag=True, help="PDF/A-3a pour l'archivage (balisé lui aussi).")
@click.option("--calendrier", "with_milestones", is_flag=True, help="Avec les éléments de calendrier de la démarche.")
@with_appcontext
def export_pdf_command(
    meeting_id: int | None,
    group_id: int | None,
    programme_id: int | None,
    output: Path,
    synthesis: bool,
    archive: bool,
    with_milestones: bool,
):
    """Écrit un compte-rendu, le dossier d'un groupe ou l'annexe d'une démarche en PDF.

    Avec les droits de l'exploitant : l'annexe comprend les groupes réservés aux membres.
    """
    from groupes.exports.documents import programme_for_documents
    from groupes.exports.printing import dossier_pdf, meeting_pdf, synthesis_pdf
    from groupes.groups.models import WorkingGroup
    from groupes.meetings.loading import meeting_query
    from groupes.site.stamps import GROUPS, current_stamps, meeting_stamps

    if [meeting_id, group_id, programme_id].count(None) != 2:
        fail("Indiquez une seule des options --meeting, --group ou --programme.")
    if synthesis and programme_id is None:
        fail("La synthèse se demande avec --programme.")
    if meeting_id is not None:
        stamps = meeting_stamps(meeting_id)
        meeting = db.session.scalar(meeting_query(meeting_id))
        if meeting is None:
            fail(f"Aucune réunion n'a l'identifiant {meeting_id}.")
        content = meeting_pdf(meeting, stamps, archive=archive, with_milestones=with_milestones)
        programme_id = meeting.group.programme_id
    else:
        stamps = current_stamps(GROUPS)
        if group_id is not None:
            programme_id = db.session.scalar(sa.select(WorkingGroup.programme_id).where(WorkingGroup.id == group_id))
        programme = programme_for_documents(programme_id) if programme_id is not None else None
        if programme is None:
            fail("Aucun groupe ni aucune démarche n'a cet identifiant.")
        if synthesis and group_id is None:
            content = synthesis_pdf(programme, programme.groups, stamps, archive=archive, readable=lambda meeting: True)
        elif group_id is not None:
            group = next(g for g in programme.groups if g.id == group_id)
            title = f"Groupe de travail {group.number} – comptes-rendus"
            content = dossier_pdf([group], stamps, title=title, archive=archive, with_milestones=with_milestones)
        else:
            title = f"{programme.title} – comptes-rendus des groupes de travail"
            content = dossier_pdf(
                programme.groups,
                stamps,
                title=title,
                programme=programme,
                archive=archive,
                with_milestones=with_milestones,
            )
    output.write_bytes(content)
    record_now(AccessKind.EXPORT, f"Export PDF ({output.name})", programme_id=programme_id)
    click.echo(f"PDF écrit dans {output}.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Écrit une copie cohérente de toute la base dans FILE."""
    counts, files = write_backup(file)
    click.echo(
        f"Sauvegarde écrite dans {file} : {sum(counts.values())} lignes, {len(counts)} tables, "
        f"{files} document(s) joint(s)."
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Remplacer les données sans demander confirmation.")
@with_appcontext
def restore_command(file: Path, yes: bool) -> None:
    """Remplace tout le contenu de la base par celui de la sauvegarde FILE."""
    if not yes:
        if not sys.stdin.isatty():
            fail("La restauration remplace toutes les données : confirmez avec --yes.")
        click.confirm("Toutes les données actuelles seront remplacées. Continuer ?", abort=True)
    try:
        counts, files = restore_backup(file)
    except BackupError as exc:
        fail(str(exc))
    rebuild_index()
    click.echo(
        f"Sauvegarde restaurée : {sum(counts.values())} lignes, {len(counts)} tables, {files} document(s) joint(s)."
    )


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send the messages waiting in the queue (those whose next try is due)."""
    sent, failed = deliver()
    click.echo(f"Courriels envoyés : {sent} ; en échec (nouvel essai plus tard) : {failed}.")
    if failed:
        sys.exit(1)


@click.command("remind")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Faire comme si l'on était ce jour-là (AAAA-MM-JJ)."
)
@with_appcontext
def remind_command(day) -> None:
    """Remind of actions due within three days and of tomorrow's meetings (once each), then send."""
    today = day.date() if day else datetime.now(PARIS).date()
    if problem := date_problem(today):
        fail(problem)
    actions, people = send_reminders(today)
    db.session.commit()
    sent, failed = deliver()
    click.echo(
        f"Rappels : {actions} action(s) à échéance proche, {people} personne(s) attendue(s) demain ; "
        f"courriels envoyés : {sent}, en échec : {failed}."
    )


@click.command("clean-files")
@with_appcontext
def clean_files_command() -> None:
    """Remove the documents' files no row names any more (for cron).

    Rows deleted by the database itself (a group deleted with its meetings) leave
    their files behind; files younger than an hour are kept, an upload may be
    about to commit its row.
    """
    removed = remove_orphan_files()
    click.echo(f"Fichiers de documents effacés : {len(removed)}.")


@click.command("purge")
@click.option("--apply", "apply_", is_flag=True, help="Effacer vraiment (sans cette option : simulation).")
@click.option("--programmes", is_flag=True, help="Inclure les démarches closes dont la conservation a expiré.")
@click.option(
    "--include-validated", is_flag=True, help="Confirmer l'effacement de démarches qui ont des comptes-rendus validés."
)
@with_appcontext
def purge_command(apply_: bool, programmes: bool, include_validated: bool) -> None:
    """Efface ce dont la durée de conservation est passée ; sans --apply, dit seulement ce qui partirait."""
    plan = plan_purge(programmes=programmes)
    click.echo(purge_report(plan, applied=False))
    if not apply_ or plan.empty:
        if not plan.empty:
            click.echo("Simulation : rien n'a été effacé. Relancez avec --apply pour effacer.")
        return
    try:
        apply_purge(plan, include_validated=include_validated)
    except PurgeRefused as refusal:
        fail(str(refusal))
    click.echo("Purge faite.")


commands = [
    init_db_command,
    create_admin_command,
    set_password_command,
    demo_command,
    import_command,
    export_json_command,
    backup_command,
    restore_command,
    export_pdf_command,
    send_mail_command,
    remind_command,
    reindex_command,
    clean_files_command,
    purge_command,
]
