"""Configuration: defaults, then instance/config.py, then the environment, then the mapping."""

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from groupes import create_app
from groupes.config import normalise_database_url


def test_each_source_overrides_the_previous_one(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'SECRET_KEY = "du-fichier"\nPRIVACY_CONTACT = "dpo@fichier.example"\nMAX_CONTENT_LENGTH = 1\n'
    )
    monkeypatch.setenv("GROUPES_PRIVACY_CONTACT", "dpo@environnement.example")
    monkeypatch.setenv("GROUPES_MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/base")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "MAX_CONTENT_LENGTH": 4096})
    assert app.config["SECRET_KEY"] == "du-fichier"
    assert app.config["PRIVACY_CONTACT"] == "dpo@environnement.example"
    assert app.config["MAX_CONTENT_LENGTH"] == 4096
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/base"


def test_the_default_database_is_sqlite_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'groupes.sqlite3'}"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # the development server speaks plain http


def test_production_marks_cookies_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("GROUPES_PRODUCTION", "true")
    monkeypatch.setenv("GROUPES_SECRET_KEY", "cle-de-production")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "cle-de-production"


@pytest.mark.parametrize("value", ["deux", "-1", "true", "1.5"])
def test_a_number_of_proxies_that_is_not_one_is_refused_in_french(tmp_path, monkeypatch, value):
    monkeypatch.setenv("GROUPES_PROXIES", value)
    with pytest.raises(ValueError, match="GROUPES_PROXIES doit être le nombre de mandataires"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_a_number_of_proxies_puts_their_headers_in_front(tmp_path, monkeypatch):
    monkeypatch.setenv("GROUPES_PROXIES", "1")
    assert isinstance(create_app({"INSTANCE_PATH": str(tmp_path)}).wsgi_app, ProxyFix)
    monkeypatch.setenv("GROUPES_PROXIES", "0")
    assert not isinstance(create_app({"INSTANCE_PATH": str(tmp_path)}).wsgi_app, ProxyFix)


def test_database_urls_use_psycopg_3():
    assert normalise_database_url("postgresql://u@h:5432/b") == "postgresql+psycopg://u@h:5432/b"
    assert normalise_database_url("postgresql+psycopg://u@h/b") == "postgresql+psycopg://u@h/b"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
