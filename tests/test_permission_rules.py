"""The permission table: every action has its rules, and a question with no rule is a mistake."""

import pytest

from groupes.auth.permissions import RULES, Permission, may
from groupes.groups.models import WorkingGroup


def test_every_permission_has_a_rule():
    assert {action for action, _ in RULES} == set(Permission)


def test_a_permission_asked_of_the_wrong_object_or_misspelt_raises(app):
    with app.test_request_context():
        with pytest.raises(ValueError, match="unknown permission"):
            may(Permission.CREATE_PROGRAMME, WorkingGroup())
        with pytest.raises(ValueError, match="unknown permission"):
            may("voir", None)
        assert may("create_programme") is False  # templates name them by their values
