"""The security sweep: every form refused without its token, hostile text inert everywhere.

Both sweeps are generated from the permission table (tests/test_permissions.py),
which is itself checked against the URL map: a new route is swept as soon as it
has its row.
"""


import pytest
import sqlalchemy as sa
from test_permissions import DONE, OK, ROWS
from world import build_world, sign_in

from groupes.extensions import db, limiter

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
