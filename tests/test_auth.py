"""Signing in and out, the login limit, one's password, the administration of accounts."""

import re

import pytest
import sqlalchemy as sa
from world import PASSWORD, another_app, csrf_token, sign_in

from groupes.auth.models import User
from groupes.extensions import db, limiter
from groupes.site.rate_limits import RateLimitCounter


@pytest.fixture(autouse=True)
def fresh_limits():
    limiter.reset()


def post_login(client, email, password, next_url=None):
    url = "/connexion" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def test_signing_in_leads_back_to_the_page_asked_for(app, world):
    client = app.test_client()
    asked = client.get(f"/groupes/{world.private.id}")
    assert asked.status_code == 302 and asked.headers["Location"] == f"/connexion?next=/groupes/{world.private.id}"
    response = post_login(client, "MEMBER@test.example", PASSWORD, f"/groupes/{world.private.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/groupes/{world.private.id}"
    assert client.get(f"/groupes/{world.private.id}").status_code == 200
    assert db.session.get(User, world.users["member"].id).last_login_at is not None


ELSEWHERE = [
    "https://ailleurs.example/",
    "//ailleurs.example/",
    "javascript:alert(1)",
    "/%5Cailleurs.example/",  # a backslash, which browsers read as a slash
    "/%0D%0ASet-Cookie:%20x=1",  # CR/LF would split the Location header
    "/page%0Aautre",
    "/%09/ailleurs.example",
    "/%C2%85page",  # a C1 control character
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_in_never_sends_elsewhere(app, world, target):
    client = app.test_client()
    assert client.get(f"/connexion?next={target}").status_code == 200
    response = post_login(client, "member@test.example", PASSWORD, target)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    # Signed in, the sign-in page sends on at once: to the dashboard too.
    again = client.get(f"/connexion?next={target}")
    assert again.status_code == 302 and again.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/%0D%0ASet-Cookie:%20x=1", "/%5Cailleurs.example/"])
def test_a_forms_next_field_never_sends_elsewhere(app, world, target):
    """Every ``next`` read from a form goes through the same check (here an action's follow-up)."""
    from urllib.parse import unquote

    client = app.test_client()
    sign_in(client, "member")
    action = world.validated.actions[0]
    response = client.post(
        f"/actions/{action.id}/suivi",
        data={"status": "done", "note": "", "next": unquote(target), "csrf_token": csrf_token(client, "/")},
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/reunions/{world.validated.id}"


@pytest.mark.parametrize(
    "email, password",
    [("member@test.example", "mauvais mot de passe"), ("personne@test.example", PASSWORD)],
)
def test_a_wrong_address_or_password_gets_one_french_message(app, world, email, password):
    response = post_login(app.test_client(), email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in html
    assert f'value="{email}"' in html  # the address typed is kept


def test_a_deactivated_account_cannot_sign_in_and_is_signed_out(app, world):
    client = app.test_client()
    sign_in(client, "member")
    user = db.session.get(User, world.users["member"].id)
    user.active = False
    db.session.commit()
    assert client.get("/compte").status_code == 302  # the running session ends
    response = post_login(app.test_client(), "member@test.example", PASSWORD)
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)


def test_failed_logins_are_limited(app, world):
    client = app.test_client()
    for _ in range(5):
        assert post_login(client, "member@test.example", "essai").status_code == 200
    refused = post_login(client, "member@test.example", PASSWORD)
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.get_data(as_text=True)
    # Other accounts from elsewhere are not locked out by these attempts.
    other = app.test_client()
    assert post_login(other, "observer@test.example", PASSWORD).status_code == 302


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_proxy_each_persons_address_and_https_are_seen(app, world, proxies):
    """Behind a reverse proxy every request comes from its address: with PROXIES unset one
    person's failures lock everyone out; set, each address counts alone, a client's own
    X-Forwarded-For is not believed beyond the proxy's, and https is seen (the CSRF check
    then also wants a Referer of this site, as for any https request)."""
    proxied = another_app(app, PROXIES=proxies)

    def attempt(email, password, forwarded, **headers):
        client = proxied.test_client()
        data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
        return client.post("/connexion", data=data, headers={"X-Forwarded-For": forwarded, **headers})

    over_https = attempt("member@test.example", PASSWORD, "10.0.0.3", **{"X-Forwarded-Proto": "https"})
    assert over_https.status_code == (400 if proxies else 302)
    for n in range(10):
        assert attempt(f"inconnu{n}@test.example", "essai", "10.0.0.1").status_code == 200
    assert attempt("member@test.example", PASSWORD, "10.0.0.1").status_code == 429
    assert attempt("member@test.example", PASSWORD, "10.0.0.2, 10.0.0.1").status_code == 429
    assert attempt("member@test.example", PASSWORD, "10.0.0.1, 10.0.0.2").status_code == (302 if proxies else 429)


def test_successful_logins_do_not_count_towards_the_limit(app, world):
    for _ in range(8):
        client = app.test_client()
        assert post_login(client, "member@test.example", PASSWORD).status_code == 302


def test_signing_out_needs_a_post_with_its_token(app, world):
    client = app.test_client()
    sign_in(client, "member")
    assert client.get("/deconnexion").status_code == 200
    assert client.get("/compte").status_code == 200
    without_token = client.post("/deconnexion")
    assert without_token.status_code == 400
    assert client.get("/compte").status_code == 200
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/deconnexion")})
    assert client.get("/compte").status_code == 302


def test_changing_ones_password_signs_out_other_sessions(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "member")
    sign_in(elsewhere, "member")
    token = csrf_token(here, "/compte")
    response = here.post(
        "/compte",
        data={
            "current_password": PASSWORD,
            "new_password": "un tout nouveau secret",
            "confirmation": "un tout nouveau secret",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert here.get("/compte").status_code == 200
    assert elsewhere.get("/compte").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.users["member"].id).check_password("un tout nouveau secret")


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {
                "current_password": "faux",
                "new_password": "un tout nouveau secret",
                "confirmation": "un tout nouveau secret",
            },
            "Mot de passe actuel incorrect.",
        ),
        ({"current_password": PASSWORD, "new_password": "court", "confirmation": "court"}, "Au moins 12 caractères."),
        (
            {"current_password": PASSWORD, "new_password": "un tout nouveau secret", "confirmation": "autre chose"},
            "Les deux saisies diffèrent.",
        ),
    ],
)
def test_a_bad_password_change_changes_nothing(app, world, fields, message):
    client = app.test_client()
    sign_in(client, "member")
    response = client.post("/compte", data={**fields, "csrf_token": csrf_token(client, "/compte")})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.users["member"].id).check_password(PASSWORD)


def admin_client(app):
    client = app.test_client()
    sign_in(client, "admin")
    return client, csrf_token(client)


def test_an_admin_creates_an_account_for_a_new_person(app, world):
    client, token = admin_client(app)
    response = client.post(
        "/admin/comptes/nouveau",
        data={
            "person": "0",
            "name": "Nadia Kaci",
            "email": "nadia@test.example",
            "password": "mot de passe initial",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    newcomer = app.test_client()
    assert post_login(newcomer, "nadia@test.example", "mot de passe initial").status_code == 302


def test_an_account_form_with_nobody_chosen_is_shown_again(app, world, count):
    client, token = admin_client(app)
    before = count(User)
    response = client.post(
        "/admin/comptes/nouveau",
        data={"person": "0", "name": "Sans adresse", "password": "mot de passe initial", "csrf_token": token},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choisissez une personne" in html and 'value="Sans adresse"' in html
    assert count(User) == before


def test_an_admin_deactivates_resets_and_grants(app, world):
    client, token = admin_client(app)
    member = world.users["member"]
    response = client.post(
        f"/admin/comptes/{member.id}",
        data={"is_admin": "y", "new_password": "remis à zéro par admin", "csrf_token": token},
    )
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, member.id)
    assert not user.active and user.is_admin and user.check_password("remis à zéro par admin")


def test_an_admin_cannot_lock_themselves_out(app, world):
    client, token = admin_client(app)
    admin = world.users["admin"]
    response = client.post(f"/admin/comptes/{admin.id}", data={"csrf_token": token})
    assert response.status_code == 200
    assert "Vous ne pouvez ni désactiver votre propre compte" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.active).where(User.id == admin.id))


# -- answers alike whether the address has an account (issue 17, item 10) ---------------


@pytest.mark.parametrize("state", ["unknown", "disabled", "no password"])
def test_a_login_checks_one_password_hash_whatever_the_address(app, world, monkeypatch, state):
    """Time: an unknown address, a disabled account or one without password costs one hash
    check, as a known one does; content: the same page, the address typed aside."""
    from groupes.auth import accounts

    email = "personne@test.example" if state == "unknown" else "member@test.example"
    user = db.session.get(User, world.users["member"].id)
    if state == "disabled":
        user.active = False
    if state == "no password":
        user.password_hash = None
    db.session.commit()
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda *args: checked.append(args) or real(*args))
    answer = post_login(app.test_client(), email, PASSWORD)
    assert len(checked) == 1 and answer.status_code == 200
    known = post_login(app.test_client(), "observer@test.example", "mauvais mot de passe")
    assert len(checked) == 2
    strip = lambda response, typed: re.sub(r'value="[^"]*"', "", response.get_data(as_text=True).replace(typed, ""))  # noqa: E731
    assert strip(answer, email) == strip(known, "observer@test.example")


# -- sessions (issue 17, item 11) ------------------------------------------------------


def test_signing_out_ends_a_copied_session_too(app, world):
    client = app.test_client()
    sign_in(client, "member")
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/compte").status_code == 200
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/deconnexion")})
    assert thief.get("/compte").status_code == 302
    # Signing in again makes a new session; the copy stays dead.
    sign_in(client, "member")
    assert client.get("/compte").status_code == 200 and thief.get("/compte").status_code == 302


def test_disabling_an_account_ends_its_sessions_for_good(app, world):
    client = app.test_client()
    sign_in(client, "member")
    admin = app.test_client()
    sign_in(admin, "admin")
    member = world.users["member"]
    token = csrf_token(admin)
    admin.post(f"/admin/comptes/{member.id}", data={"csrf_token": token})  # unticked: disabled
    assert client.get("/compte").status_code == 302
    admin.post(f"/admin/comptes/{member.id}", data={"active": "y", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(User, member.id).active
    assert client.get("/compte").status_code == 302  # enabled again, the old session stays ended


def test_signing_in_renews_the_session(app, world):
    client = app.test_client()
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    token_before = csrf_token(client)
    sign_in(client, "member")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != token_before


# -- limits (issue 17, item 12) -------------------------------------------------------


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(app, world):
    proxied = another_app(app, PROXIES=1)

    def attempt(password, client_address):
        client = proxied.test_client()
        data = {"email": "member@test.example", "password": password, "csrf_token": csrf_token(client)}
        return client.post("/connexion", data=data, headers={"X-Forwarded-For": client_address})

    for _ in range(5):
        assert attempt("essai", "10.0.0.66").status_code == 200
    assert attempt(PASSWORD, "10.0.0.66").status_code == 429
    assert attempt(PASSWORD, "10.0.0.7").status_code == 302  # the owner, from their own place


def test_the_limits_hold_across_workers(app, world):
    """Two applications on the same database stand for two workers: the failures seen by one
    count for the other, since the counters are in the database."""
    workers = [app, another_app(app)]
    for n in range(5):
        client = workers[n % 2].test_client()
        assert post_login(client, "member@test.example", "essai").status_code == 200
    for worker in workers:
        assert post_login(worker.test_client(), "member@test.example", PASSWORD).status_code == 429
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitCounter)) >= 1


# -- one's own address (issue 17, item 1) -----------------------------------------------


def test_changing_ones_address_takes_effect_when_the_link_is_opened(app, world, smtp_server):
    from groupes.mail.outbox import deliver
    from groupes.privacy.models import AccessKind, AccessLogEntry

    client = app.test_client()
    sign_in(client, "member")
    token = csrf_token(client, "/compte")
    wrong = client.post(
        "/compte/adresse", data={"new_email": "nouvelle@test.example", "email_password": "faux", "csrf_token": token}
    )
    assert wrong.status_code == 422 and "Mot de passe actuel incorrect." in wrong.get_data(as_text=True)
    assert 'value="nouvelle@test.example"' in wrong.get_data(as_text=True)
    asked = client.post(
        "/compte/adresse",
        data={"new_email": "Nouvelle@test.example", "email_password": PASSWORD, "csrf_token": token},
    )
    assert asked.status_code == 302
    person = db.session.get(User, world.users["member"].id).person
    assert person.email == "member@test.example"  # nothing changes before the link is opened
    deliver()
    smtp_server.wait_for(1)
    message = smtp_server.messages[0]
    assert message["To"] == "nouvelle@test.example"
    link = re.search(r"http://[^\s]+/compte/adresse/[^\s]+", message.get_body(("plain",)).get_content()).group(0)
    link = link.removeprefix("http://127.0.0.1:5000")
    assert client.get(link).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, world.users["member"].id).person.email == "member@test.example"
    assert client.post(link, data={"csrf_token": csrf_token(client, link)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.users["member"].id).person.email == "nouvelle@test.example"
    logged = db.session.scalars(sa.select(AccessLogEntry).where(AccessLogEntry.kind == AccessKind.RIGHTS)).all()
    assert any("adresse de connexion changée : member@test.example → nouvelle@test.example" in e.detail for e in logged)
    assert client.get(link).status_code == 410  # good once
    assert post_login(app.test_client(), "nouvelle@test.example", PASSWORD).status_code == 302


def test_a_forged_address_link_changes_nothing(app, world):
    client = app.test_client()
    assert client.get("/compte/adresse/faux-jeton").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, world.users["member"].id).person.email == "member@test.example"
