"""The security sweep: every form refused without its token, hostile text inert everywhere.

Both sweeps are generated from the permission table (tests/test_permissions.py),
which is itself checked against the URL map: a new route is swept as soon as it
has its row.
"""

import csv
import io
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from permission_table import DONE, OK, ROWS, synthesis_entries
from pypdf import PdfReader
from world import attach, build_world, queue_every_kind_of_mail, sign_in

from groupes.extensions import db, limiter
from groupes.meetings.models import AttendanceStatus

# One POST row per route, played by a role the table says succeeds.
POST_ROUTES = {}
for _index, (_endpoint, _method, _url, _data, _expected) in enumerate(ROWS):
    if _method != "POST" or _endpoint in POST_ROUTES:
        continue
    _roles = [role for role in ("admin", "member", "anonymous") if _expected[role] in (OK, DONE)]
    # A route no role may use here (a link's token is false) is still posted to: the
    # token is checked before the view runs.
    POST_ROUTES[_endpoint] = (_index, _roles[0] if _roles else "anonymous")


def test_every_post_route_is_swept(app):
    posted = {
        rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.endpoint != "static"
    }
    assert posted - set(POST_ROUTES) == set(), "POST routes without a row in the permission table"


def database_state() -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after a request."""
    db.session.remove()
    with db.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(sa.select(table).order_by(*table.primary_key))]
            for table in db.metadata.sorted_tables
        }


@pytest.mark.parametrize("endpoint", sorted(POST_ROUTES))
def test_a_post_without_its_token_is_refused_and_changes_nothing(app, endpoint):
    limiter.reset()
    index, role = POST_ROUTES[endpoint]
    _, _, url, data, _ = ROWS[index]
    world = build_world()
    client = app.test_client()
    sign_in(client, role)
    target = url(world)
    fields, again = (data(world), data(world)) if callable(data) else (data, data)
    before = database_state()
    response = client.post(target, data=dict(fields))
    assert response.status_code == 400, f"POST {target} as {role} without a token: {response.status_code}"
    # A wrong token is no better than none.
    response = client.post(target, data={**again, "csrf_token": "faux"})
    assert response.status_code == 400, f"POST {target} as {role} with a forged token: {response.status_code}"
    assert database_state() == before, f"POST {target} as {role} without a token changed the database"


# Hostile text, written into every text column people can fill.
HOSTILE_TEXT = (
    '=HYPERLINK("https://x.example") <script>alert(1)</script> "><img src=x onerror=alert(1)> '
    "tpl{{7*7}} tpl{% print(7*7) %} [lien](javascript:alert(1)) ![i](javascript:alert(2)) "
    '<a href="javascript:alert(3)">a</a> [j](  JaVaScRiPt:alert(4))'
)
HOSTILE_URL = "javascript:alert(1)"
# Columns that are not text written by people: addresses, secrets, file names on disk, mail already sent.
NOT_FREE_TEXT = {
    ("persons", "email"),
    ("organisations", "email"),
    ("users", "password_hash"),
    ("users", "calendar_token"),
    ("attachments", "kind"),
    ("attachments", "mimetype"),
    ("attachments", "sha256"),
    ("attachments", "stored_name"),
    ("outgoing_mail", "kind"),
    ("outgoing_mail", "key"),
    ("outgoing_mail", "recipient"),
}
URL_COLUMNS = {("organisations", "website"), ("organisations", "phone")}


def text_columns() -> list[tuple[sa.Table, sa.Column]]:
    """Every String or Text column of the models that holds words people wrote."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            stored = getattr(column.type, "impl_instance", column.type)
            if not isinstance(stored, sa.String) or isinstance(stored, sa.Enum):
                continue
            if (table.name, column.name) in NOT_FREE_TEXT or column.foreign_keys:
                continue
            found.append((table, column))
    return found


def make_hostile() -> int:
    """Write hostile text into every text column of every row; returns the number of values written."""
    written = 0
    db.session.commit()
    with db.engine.begin() as connection:
        for table, column in text_columns():
            key = table.primary_key.columns.values()
            for row in connection.execute(sa.select(*key)).all():
                suffix = f" #{'-'.join(map(str, row))}"  # unique values stay unique
                if (table.name, column.name) in URL_COLUMNS:
                    value = HOSTILE_URL
                else:
                    value = HOSTILE_TEXT[: column.type.length - len(suffix)] if column.type.length else HOSTILE_TEXT
                    value += suffix
                where = sa.and_(*(c == v for c, v in zip(key, row, strict=True)))
                try:
                    with connection.begin_nested():
                        connection.execute(table.update().where(where).values({column.name: value}))
                except sa.exc.IntegrityError:  # a check the row's other fields forbid (a representative of no one)
                    continue
                written += 1
    from groupes.search.index import rebuild

    db.session.expire_all()
    rebuild()
    db.session.commit()
    return written


class Live(HTMLParser):
    """What a browser would run: scripts not from our files, event handlers, script links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            self.found.append("<script> not from /static/")
        if tag in ("iframe", "object", "embed", "base"):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data"):
                scheme = "".join((value or "").split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text")):
                    self.found.append(f"<{tag} {name}={value}>")

    handle_startendtag = handle_starttag


def live_content(html: str) -> list[str]:
    parser = Live()
    parser.feed(html)
    parser.close()
    found = parser.found
    for evaluated in ("tpl49", "tpl<Config"):
        if evaluated in html:
            found.append(f"template evaluated: {evaluated}")
    return found


def pdf_problems(content: bytes) -> tuple[list[str], str]:
    """Active content of a PDF (JavaScript, actions that run or launch, script links), and its text."""
    reader = PdfReader(io.BytesIO(content))
    problems = []
    root = reader.trailer["/Root"]
    for key in ("/OpenAction", "/AA"):
        if key in root:
            problems.append(f"catalog {key}")
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        problems.append("document JavaScript")
    text = []
    for number, page in enumerate(reader.pages, 1):
        text.append(page.extract_text() or "")
        if "/AA" in page:
            problems.append(f"page {number} /AA")
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is None:
                continue
            action = action.get_object()
            kind = action.get("/S")
            if kind in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData"):
                problems.append(f"page {number} action {kind}")
            uri = str(action.get("/URI", ""))
            if "".join(uri.split()).lower().startswith(("javascript:", "vbscript:", "data:", "file:")):
                problems.append(f"page {number} link {uri}")
    return problems, "\n".join(text)


def spreadsheet_formulas(content: bytes, kind: str) -> list[str]:
    """Cells a spreadsheet would compute: CSV fields opening with = + - @, xlsx formula cells."""
    if kind == "csv":
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
        return [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return [cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def hostile_world():
    """The permission table's world, with its synthesis, documents and directory, then every text made hostile."""
    world = build_world()
    synthesis_entries(world)
    caf = world.users["member"].person.organisation
    caf.email, caf.address, caf.kind, caf.territory = "caf@test.example", "x", "x", "x"
    attach(world.validated, "note.pdf")
    world.validated.attendances[0].status = AttendanceStatus.REPRESENTED
    world.validated.attendances[0].represented_by = "x"
    db.session.commit()
    urls = []
    for endpoint, method, url, _, expected in ROWS:
        if method == "GET" and expected["admin"] == OK:
            urls.append((endpoint, url(world)))  # some addresses make what they name (a document)
    return world, urls


@pytest.mark.parametrize("role", ["admin", "member"])
def test_hostile_text_in_every_column_stays_inert_on_every_page_and_file(app, role):
    limiter.reset()
    world, urls = hostile_world()
    assert make_hostile() > 100
    client = app.test_client()
    sign_in(client, role)
    problems, kinds = {}, set()
    for endpoint, url in urls:
        response = client.get(url)
        if response.status_code != 200:
            assert role != "admin", f"{url}: {response.status_code}"
            continue
        kind = response.mimetype
        kinds.add(kind)
        body = response.get_data()
        if kind == "text/html":
            found = live_content(body.decode())
        elif kind == "application/pdf":
            found, text = pdf_problems(body)
            if endpoint.startswith("documents.") and endpoint != "documents.sign_in_sheet_pdf":
                if "alert(1)" not in text.replace("\n", " "):
                    found.append("the hostile text is not shown as text")
        elif kind == "text/csv":
            found = spreadsheet_formulas(body, "csv")
        elif "spreadsheetml" in kind:
            found = spreadsheet_formulas(body, "xlsx")
        elif kind == "text/calendar":
            found = [
                line for line in body.decode().splitlines() if line.startswith(("ATTACH", "ATTENDEE:", "BEGIN:VALARM"))
            ]
        else:
            found = []
        disposition = response.headers.get("Content-Disposition", "")
        if "\n" in disposition or "\r" in disposition:
            found.append("newline in Content-Disposition")
        if found:
            problems[url] = found
    assert problems == {}, "\n".join(f"{url}: {found[0][:80]} ({len(found)})" for url, found in problems.items())
    if role == "admin":
        assert {"text/html", "application/pdf", "text/csv", "text/calendar"} <= kinds


def test_hostile_text_stays_inert_in_every_mail(app):
    """Each kind of message, written from hostile text: HTML parts escaped, headers on one line."""
    from email import message_from_bytes, policy

    from groupes.mail.models import OutgoingMail
    from groupes.mail.outbox import build_message

    world = build_world()
    make_hostile()
    # A title pasted with line breaks must not open new headers (Bcc:) in the messages about it.
    world = build_world_again(world)
    world.private.title = "Groupe\r\nBcc: espion@ailleurs.example\r\n" + HOSTILE_TEXT[:200]
    queue_every_kind_of_mail(world)
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    kinds = {mail.kind for mail in mails}
    assert {"invitation", "reset", "convocation", "rappel", "review", "validated", "action", "annulation"} <= kinds
    for mail in mails:
        assert "\n" not in mail.subject and "\r" not in mail.subject, mail.kind
        assert live_content(mail.html_body) == [], mail.kind
        assert "&lt;script&gt;" in mail.html_body or mail.kind == "reset", mail.kind
        sent = message_from_bytes(build_message(mail).as_bytes(), policy=policy.default)
        assert sent["Bcc"] is None and sent["To"] == mail.recipient, mail.kind
        for part in sent.walk():
            if part.get_content_type() == "text/html":
                assert live_content(part.get_content()) == [], mail.kind
            if part.get_content_type() == "text/calendar":
                lines = part.get_content().replace("\r\n ", "").replace("\n ", "").splitlines()
                assert not [line for line in lines if line.upper().startswith("BCC")], mail.kind


def build_world_again(world):
    """The world's objects, in the session again after the raw updates."""
    db.session.expire_all()
    return world
