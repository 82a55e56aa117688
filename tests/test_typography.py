"""French typography: no-break spaces before « : ; ! ? », inside « », in times, between a
number and its unit and as thousands separator; typographic apostrophes. In the interface,
in rendered Markdown and in documents."""

import subprocess

from world import sign_in

from groupes.extensions import db
from groupes.minutes.models import MinutesSection
from groupes.site.text import french_spaces, render_markdown

NBSP, NNBSP = "\u00a0", "\u202f"


def test_french_spaces_in_plain_text():
    assert french_spaces("Constat : « parcours » ; pourquoi ? Voilà !") == (
        f"Constat{NBSP}: «{NBSP}parcours{NBSP}»{NNBSP}; pourquoi{NNBSP}? Voilà{NNBSP}!"
    )
    assert french_spaces("«mot»") == f"«{NBSP}mot{NBSP}»"
    assert french_spaces("Quoi? 14:30 https://x.example/?a=1") == "Quoi? 14:30 https://x.example/?a=1"  # as typed


def test_markdown_has_guillemets_apostrophes_and_french_spaces():
    html = str(render_markdown("L'équipe dit \"aller vers\" : c'est 'simple' ; non ?")).replace("&nbsp;", NBSP)
    assert html == f"<p>L’équipe dit «{NBSP}aller vers{NBSP}»{NBSP}: c’est “simple”{NNBSP}; non{NNBSP}?</p>\n"


def test_markdown_leaves_code_and_addresses_as_written():
    source = 'Voir <https://x.example/?a=1&b=c> et `l\'option : "x" ?`\n\n    bloc : \'a\' ?\n\n```\nfence : "b" !\n```'
    html = str(render_markdown(source))
    assert 'href="https://x.example/?a=1&amp;b=c"' in html and ">https://x.example/?a=1&amp;b=c</a>" in html
    assert '<code>l\'option : "x" ?</code>' in html
    assert "bloc : 'a' ?" in html and 'fence : "b" !' in html


TYPED = 'L\'accueil "inconditionnel" : une priorité ; pourquoi ?'
TYPESET = f"L’accueil «{NBSP}inconditionnel{NBSP}»{NBSP}: une priorité{NNBSP}; pourquoi{NNBSP}?"


def with_typed_minutes(world):
    section = db.session.get(MinutesSection, world.validated.minutes.sections[0].id)
    section.body = TYPED
    db.session.commit()


def test_minutes_on_the_meeting_page_are_typeset(app, world):
    with_typed_minutes(world)
    client = app.test_client()
    sign_in(client, "member")
    html = client.get(f"/reunions/{world.validated.id}").get_data(as_text=True).replace("&nbsp;", NBSP)
    assert TYPESET in html and TYPED not in html


def test_minutes_in_the_pdf_are_typeset(app, world):
    with_typed_minutes(world)
    client = app.test_client()
    sign_in(client, "member")
    pdf = client.get(f"/reunions/{world.validated.id}/compte-rendu.pdf").data
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    words = " ".join(text.split())  # the PDF's own line breaks
    assert "L’accueil «" in words and "inconditionnel" in words and "'" not in words.split("L’accueil")[1][:60]
    assert '"inconditionnel"' not in words
