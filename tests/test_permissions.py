"""Every route × every role gets exactly the answer it should.

The table (tests/permission_table.py) is checked against the application's URL map: a new route
without a row makes the suite fail.
"""

import pytest
from permission_table import DONE, LOGIN, ROWS
from world import ROLES, build_world, csrf_token, sign_in

from groupes.extensions import limiter


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(endpoint, method) for endpoint, method, *_ in ROWS}
    assert routes - covered == set(), "routes without a row in the permission table"
    assert covered - routes == set(), "rows for routes that do not exist"


def outcome(response) -> str:
    if response.status_code == 302:
        return LOGIN if response.headers["Location"].startswith("/connexion") else DONE
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", range(len(ROWS)), ids=[f"{r[0]}-{r[1]}-{i}" for i, r in enumerate(ROWS)])
def test_each_role_gets_the_answer_it_should(app, role, row):
    limiter.reset()
    endpoint, method, url, data, expected = ROWS[row]
    world = build_world()
    client = app.test_client()
    sign_in(client, role)
    target = url(world)
    if method == "GET":
        response = client.get(target)
    else:
        token = csrf_token(client)
        fields = data(world) if callable(data) else data
        response = client.post(target, data={**fields, "csrf_token": token})
    assert outcome(response) == expected[role], f"{method} {target} as {role}"
    if expected[role] == DONE and method == "POST":
        # A redirect that only brings back an error message did nothing.
        landing = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "message-error" not in landing, f"{method} {target} as {role} was refused"
