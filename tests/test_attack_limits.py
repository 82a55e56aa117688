"""Attack: the limits of sign-in attempts, by someone who writes the same address many ways."""

from world import PASSWORD, build_world, csrf_token

# One account, written as the sign-in still matches it: case, spaces around, full-width letters and
# ideographic full stops in the domain (which the address rule maps to their ASCII forms).
SAME_ADDRESS = [
    "member@test.example",
    " MEMBER@TEST.EXAMPLE ",
    "member@ｔｅｓｔ.example",
    "member@test。example",
    "Member@ＴＥＳＴ。ＥＸＡＭＰＬＥ",
    "member@tEｓt.exampＬe",
]


def attempt(client, email, password):
    return client.post("/connexion", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def test_the_limit_per_address_counts_every_way_of_writing_it(app):
    build_world()
    client = app.test_client()
    for email in SAME_ADDRESS[:5]:
        assert attempt(client, email, "essai").status_code == 200
    refused = attempt(client, SAME_ADDRESS[5], PASSWORD)
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.get_data(as_text=True)
