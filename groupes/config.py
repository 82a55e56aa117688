"""Configuration: defaults here, then ``instance/config.py``, then the environment.

``GROUPES_*`` variables set the key of the same name without the prefix
(``GROUPES_SECRET_KEY`` sets ``SECRET_KEY``; values are parsed as JSON when they
can be), and ``DATABASE_URL`` names the database. The mapping given to
``create_app`` comes last and wins (the tests use it).
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

SECRET_KEY_FILE = "secret_key"


class Defaults:
    SQLALCHEMY_DATABASE_URI = None  # filled in with the SQLite file under instance/
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    BABEL_DEFAULT_LOCALE = "fr_FR"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    WTF_CSRF_TIME_LIMIT = None
    # A request body beyond this is refused before it is read (413), whatever the page.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    # Documents attached to meetings: where their files go (default: instance/attachments),
    # the largest file accepted, and the most all the documents of one meeting may weigh.
    ATTACHMENTS_DIR = None
    ATTACHMENT_MAX_SIZE = 10 * 1024 * 1024
    ATTACHMENTS_MAX_PER_MEETING = 50 * 1024 * 1024
    # Where the limits (sign-in attempts…) are counted: the site's database by default
    # (groupes/site/rate_limits.py), which every worker and machine shares; redis://… works too.
    RATELIMIT_STORAGE_URI = "database://"
    RATELIMIT_HEADERS_ENABLED = False
    # What anonymous visitors may ask, from one address, of the pages that cost the most
    # (documents, calendars, exports, search, comparisons of versions), all counted together.
    ANONYMOUS_COSTLY_LIMIT = "30 per minute;300 per hour"
    # The page cache (groupes/site/page_cache.py): files under instance/page-cache by
    # default (CACHE_DIR), shared by the workers of a machine; machines may share one store
    # (GROUPES_CACHE_TYPE=RedisCache, GROUPES_CACHE_REDIS_URL=redis://…).
    CACHE_TYPE = "FileSystemCache"
    CACHE_DIR = None
    CACHE_THRESHOLD = 5000  # entries kept
    CACHE_DEFAULT_TIMEOUT = 24 * 3600
    # The address of the site as people reach it, for the links in e-mails and the
    # identifiers of calendar events (https://groupes.example.org).
    BASE_URL = "http://127.0.0.1:5000"
    # E-mail: without MAIL_SERVER, messages are written to instance/outbox/ (development).
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False  # TLS from the first byte (port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Groupes de travail <ne-pas-repondre@localhost>"
    MAIL_TIMEOUT = 10  # seconds
    MAIL_SEND_AFTER_RESPONSE = True
    # How long an invitation link and a password-reset link stay good.
    INVITATION_MAX_AGE = 14 * 24 * 3600
    RESET_MAX_AGE = 2 * 3600
    EMAIL_CHANGE_MAX_AGE = 24 * 3600  # the link confirming a new address of one's account
    # Retention (days, months): the access log; abandoned drafts (minutes never validated,
    # untouched since); sent mail and the outbox; the PDF cache; a closed programme by default.
    ACCESS_LOG_RETENTION_DAYS = 365
    # A reading of the same minutes in the same session within this many minutes is the
    # same reading (a reload, a return to the page): logged once. 0 logs every request.
    READ_LOG_WINDOW_MINUTES = 15
    # What visitors who are not signed in read is counted in each process's memory and
    # written at most this often (seconds) and when the process ends: a public page read
    # writes nothing. 0 writes the count at each reading.
    ANONYMOUS_READINGS_WRITE_SECONDS = 60
    DRAFT_RETENTION_DAYS = 2 * 365
    MAIL_RETENTION_DAYS = 90
    PDF_CACHE_DAYS = 30
    PROGRAMME_RETENTION_MONTHS = 60
    # The privacy page (/confidentialite): who is responsible for the data and whom to ask.
    # Administrators see there which of these are still to set; visitors read what is set.
    PRIVACY_CONTROLLER = None  # the organisation responsible (« le Conseil départemental du Cher »)
    PRIVACY_CONTACT = None  # an e-mail address; falls back to the sender of the site's mail, once set
    PRIVACY_DPO = None  # the data protection officer (délégué à la protection des données), if any
    PRIVACY_HOST = None  # who hosts the service
    # How many reverse proxies stand in front (GROUPES_PROXIES=1 behind one nginx): their
    # X-Forwarded-For, -Proto and -Host are believed, so that the login limits count each
    # person's address, not the proxy's, and links built for the request keep https. 0 (the
    # default) believes none: a client cannot choose its address by sending those headers.
    PROXIES = 0
    # Production turns this on (GROUPES_PRODUCTION=true): secure cookies, no debug.
    PRODUCTION = False


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` spellings and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(app, overrides=None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("GROUPES")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if overrides:
        app.config.update(overrides)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = Path(app.instance_path) / "groupes.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxies = app.config["PROXIES"]
    if isinstance(proxies, bool) or not isinstance(proxies, int) or proxies < 0:
        raise ValueError(
            f"GROUPES_PROXIES doit être le nombre de mandataires (reverse proxies) devant le site : "
            f"0, 1, 2…, et non {proxies!r}."
        )
    if app.config["PRODUCTION"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    if not app.config["CACHE_DIR"]:
        app.config["CACHE_DIR"] = str(Path(app.instance_path) / "page-cache")
    app.config.setdefault("MAIL_DOMAIN", urlsplit(app.config["BASE_URL"]).hostname or "localhost")
    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.instance_path) / SECRET_KEY_FILE
        if key_file.exists():
            app.config["SECRET_KEY"] = key_file.read_text().strip()


def ensure_secret_key(app) -> bool:
    """Write a random secret key under instance/ when none is configured.

    Returns True when a key was written. Production sets GROUPES_SECRET_KEY
    instead, so that every worker and machine shares it.
    """
    if app.config.get("SECRET_KEY"):
        return False
    key_file = Path(app.instance_path) / SECRET_KEY_FILE
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    app.config["SECRET_KEY"] = key
    return True
