"""Security defaults: headers, CSRF, Markdown that cannot run anything."""

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from world import TOKEN, another_app, build_world, counting, csrf_token, sign_in

from groupes.extensions import db
from groupes.groups.models import WorkingGroup
from groupes.minutes.models import MinutesSection
from groupes.site import text
from groupes.site.text import render_markdown

# Scripts come from /static only (the site's bundle): none is written in a page.
INLINE_SCRIPT = re.compile(r'<script(?![^>]*\ssrc="/static/)')


@pytest.mark.parametrize("url", ["/", "/connexion", "/page-inexistante", "/static/css/site.css"])
def test_every_response_carries_the_security_headers(app, url):
    response = app.test_client().get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_of_a_signed_in_person_are_not_cached(app):
    build_world()
    client = app.test_client()
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    sign_in(client, "member")
    assert client.get("/").headers["Cache-Control"] == "private, no-store"


def test_a_signed_in_persons_stylesheet_is_private_and_reads_nothing(app):
    build_world()
    client = app.test_client()
    sign_in(client, "member")
    with counting(app) as statements:
        response = client.get("/static/css/site.css")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert statements == []


def test_the_session_cookie_is_http_only_and_same_site(app):
    build_world()
    client = app.test_client()
    sign_in(client, "member")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_pages_have_no_inline_script_or_style(app):
    world = build_world()
    client = app.test_client()
    sign_in(client, "admin")
    for url in [
        "/",
        f"/programmes/{world.programme.id}",
        f"/groupes/{world.private.id}",
        f"/reunions/{world.validated.id}",
        "/structures",
    ]:
        html = client.get(url).get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html) and "style=" not in html and "<style" not in html
        assert '<html lang="fr">' in html and 'href="#contenu"' in html and '<main id="contenu"' in html


def test_a_form_without_its_token_is_refused_and_the_text_kept(app, count):
    world = build_world()
    client = app.test_client()
    sign_in(client, "admin")
    response = client.post(
        f"/groupes/{world.private.id}/modifier",
        data={"number": "1", "title": "Un titre longuement tapé", "visibility": "members"},
        headers={"Origin": "http://localhost"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Formulaire expiré" in html and "Rien n’a été enregistré" in html
    assert "Un titre longuement tapé" in html and 'name="csrf_token"' in html
    assert (
        db.session.scalar(sa.select(WorkingGroup.title).where(WorkingGroup.id == world.private.id)) == "Groupe réservé"
    )


def test_a_post_from_another_site_is_not_replayed(app):
    world = build_world()
    client = app.test_client()
    sign_in(client, "admin")
    response = client.post(
        f"/groupes/{world.private.id}/modifier",
        data={"number": "1", "title": "Titre imposé d’ailleurs", "visibility": "public"},
        headers={"Origin": "https://ailleurs.example"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Titre imposé" not in html and "Renvoyer" not in html


def test_a_login_without_its_token_does_not_echo_the_password(app):
    build_world()
    response = app.test_client().post(
        "/connexion",
        data={"email": "member@test.example", "password": "secret-à-ne-pas-montrer"},
        headers={"Referer": "http://localhost/connexion"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "secret-à-ne-pas-montrer" not in html and "member@test.example" in html


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src="x" onerror="alert(1)">',
    "[cliquez](javascript:alert(1))",
    '<a href="javascript:alert(1)">lien</a>',
    '<iframe src="https://example.org"></iframe>',
    '<p style="position:fixed">x</p>',
    '<div onclick="alert(1)">x</div>',
    "![image](https://traceur.example/pixel.png)",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
]


class ActiveContent(HTMLParser):
    """Collects what a browser would act on: elements, attributes, link targets."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "img", "object", "embed", "style", "form", "input"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and not (value or "").startswith(
                ("https:", "http:", "mailto:", "tel:", "#", "/")
            ):
                self.found.append(f"{tag}[{name}={value}]")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_is_inert(source):
    html = str(render_markdown(source))
    assert active_content(html) == [], html


def test_ordinary_markdown_renders():
    html = str(
        render_markdown(
            "Un **constat** partagé :\n\n- premier point\n- [le site](https://www.example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n# Titre"
        )
    )
    assert "<strong>constat</strong>" in html and "<li>premier point</li>" in html
    assert '<a href="https://www.example.org" rel="noopener noreferrer nofollow">le site</a>' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<h3>Titre</h3>" in html  # never a second <h1> on the page


def test_a_text_full_of_brackets_renders_as_text_in_linear_work(monkeypatch):
    """``![[`` repeated: every "[" is tried as the start of a link or an image. The work, counted
    in the inline tokens markdown-it tries, grows as the text does, not as its square."""
    from markdown_it.parser_inline import ParserInline

    tried = []
    real = ParserInline.skipToken

    def counted(self, state):
        tried.append(1)
        return real(self, state)

    monkeypatch.setattr(ParserInline, "skipToken", counted)
    work = []
    for n in (2_000, 4_000):
        tried.clear()
        html = str(text._render("![[" * n, 2))
        assert html == f"<p>{'![[' * n}</p>\n"
        work.append(len(tried))
    assert work[1] <= 2.2 * work[0]


def test_each_text_is_rendered_once(monkeypatch):
    parsed = []
    real = text._markdown.parse
    monkeypatch.setattr(text._markdown, "parse", lambda source: parsed.append(source) or real(source))
    source = "Un texte **rendu une fois** " + "![[" * 1_000
    first = render_markdown(source)
    assert render_markdown(source) == first and len(parsed) == 1
    render_markdown(source, heading_offset=1)
    assert len(parsed) == 2


def test_the_rendered_texts_kept_stay_within_their_bound():
    kept = text.RenderedTexts(limit=100)
    for n in range(10):
        kept.put(bytes([n]), text.Markup("x" * 30))
    assert kept.size <= 100 and list(kept.entries) == [bytes([7]), bytes([8]), bytes([9])]
    assert kept.get(bytes([9])) == "x" * 30 and kept.get(bytes([0])) is None
    kept.put(b"big", text.Markup("x" * 101))
    assert kept.get(b"big") is None


def test_hostile_minutes_stay_inert_on_the_meeting_page(app):
    world = build_world()
    section = db.session.scalar(
        sa.select(MinutesSection).where(MinutesSection.minutes_id == world.validated.minutes.id)
    )
    section.body = "<script>alert('x')</script> et [lien](javascript:alert(1))"
    db.session.commit()
    client = app.test_client()
    sign_in(client, "member")
    html = client.get(f"/reunions/{world.validated.id}").get_data(as_text=True)
    minutes = html[html.index('id="compte-rendu"') : html.index('<h3 id="releve">Relevé de décisions</h3>')]
    assert active_content(minutes) == []
    assert "&lt;script&gt;alert" in minutes  # shown as text


def test_error_pages_are_french_and_show_no_trace(app):
    response = app.test_client().get("/rien-ici")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page introuvable" in html and "Traceback" not in html


def test_a_server_error_shows_a_french_page(app, monkeypatch):
    from groupes.site import views

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(views, "render_template", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = app.test_client().get("/")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Erreur du serveur" in html and "panne simulée" not in html


def test_csrf_token_is_required_by_every_form(app):
    build_world()
    client = app.test_client()
    sign_in(client, "admin")
    for url in [
        "/programmes/nouvelle",
        "/structures/nouvelle",
        "/personnes/nouvelle",
        "/admin/comptes/nouveau",
        "/compte",
    ]:
        assert client.post(url, data={"title": "x", "name": "x"}).status_code == 400, url
        assert client.post(url, data={"csrf_token": csrf_token(client, url)}).status_code in (200, 302), url


def production_app(app, monkeypatch):
    """The application as production configures it, on the test database."""
    monkeypatch.setenv("GROUPES_PRODUCTION", "true")
    return another_app(app, TESTING=False, SECRET_KEY="cle-de-production-de-test")


def test_production_cookies_are_secure_http_only_and_same_site(app, monkeypatch):
    build_world()
    production = production_app(app, monkeypatch)
    client = production.test_client()
    https = "https://groupes.test"
    form = client.get("/connexion", base_url=https).get_data(as_text=True)
    token = TOKEN.search(form).group(1) or TOKEN.search(form).group(2)
    response = client.post(
        "/connexion",
        base_url=https,
        data={"email": "member@test.example", "password": "mot de passe de test", "csrf_token": token},
        headers={"Referer": "https://groupes.test/connexion"},
    )
    assert response.status_code == 302
    # (a cookie being deleted, empty and expired, carries nothing to protect)
    cookies = [value for key, value in response.headers.items() if key == "Set-Cookie" and "Max-Age=0" not in value]
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies), cookies
    page = client.get("/", base_url=https)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "private, no-store"


def test_development_sends_no_strict_transport_security(app):
    assert "Strict-Transport-Security" not in app.test_client().get("/connexion").headers


def test_the_eleventh_failed_login_in_a_minute_is_refused_then_the_limit_resets(app, monkeypatch):
    """Ten failures a minute from one address (whatever the accounts tried), then a French refusal."""
    import time

    import limits.strategies

    from groupes.extensions import limiter
    from groupes.site import rate_limits

    limiter.reset()
    build_world()
    client = app.test_client()

    def fail(n):
        token = csrf_token(client)
        return client.post(
            "/connexion", data={"email": f"inconnu{n}@test.example", "password": "x", "csrf_token": token}
        )

    for n in range(10):
        assert fail(n).status_code == 200
    refused = fail(10)
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.get_data(as_text=True)
    assert refused.headers["Content-Security-Policy"]

    class Later:
        """The clock, a minute on."""

        @staticmethod
        def time():
            return time.time() + 61

        def __getattr__(self, name):
            return getattr(time, name)

    monkeypatch.setattr(rate_limits, "time", Later())  # the counters kept in the database
    monkeypatch.setattr(limits.strategies, "time", Later())
    assert fail(11).status_code == 200  # a minute later, one may try again
    limiter.reset()


def test_anonymous_visitors_are_limited_on_the_costly_pages_and_told_so_in_french(app):
    world = build_world()
    costly = [
        f"/reunions/{world.public_validated.id}/compte-rendu.pdf",
        f"/programmes/{world.programme.id}/annexe.pdf",
        f"/programmes/{world.programme.id}/synthese.pdf",
        f"/groupes/{world.public.id}/dossier.pdf",
        f"/reunions/{world.public_validated.id}/compte-rendu/modifications",
        "/recherche?q=compte",
        "/decisions.csv",
    ]
    visitor = app.test_client()
    answers = [visitor.get(costly[n % len(costly)]).status_code for n in range(30)]
    assert 429 not in answers
    # One limit over all of them: the 31st request in the minute is refused, whichever page.
    for url in costly:
        refused = visitor.get(url)
        assert refused.status_code == 429, url
        assert "Trop de" in refused.get_data(as_text=True) and '<html lang="fr">' in refused.get_data(as_text=True)
    # Ordinary pages and people signed in are not counted.
    assert visitor.get(f"/groupes/{world.public.id}").status_code == 200
    member = app.test_client()
    sign_in(member, "member")
    assert all(member.get(costly[0]).status_code == 200 for _ in range(35))
