"""Attack: hostile interchange documents. What the editor and the forms bound, an import bounds too."""

import pytest
from documents import document

from groupes.interchange.reader import ImportRefused, import_document
from groupes.meetings.models import Meeting
from groupes.programmes.models import Programme

M = "programmes[0].groups[0].meetings[0]"
TOO_LONG = "x" * 100_001


def notes(d):
    d["programmes"][0]["groups"][0]["meetings"][0]["agenda"][0]["notes"] = TOO_LONG
    return f"{M}.agenda[0].notes"


def section(d):
    d["programmes"][0]["groups"][0]["meetings"][0]["minutes"]["sections"][0]["body"] = TOO_LONG
    return f"{M}.minutes.sections[0].body"


def description(d):
    d["programmes"][0]["description"] = TOO_LONG
    return "programmes[0].description"


@pytest.mark.parametrize("place", [notes, section, description])
def test_a_text_longer_than_the_editor_allows_is_refused_with_its_path(place, count):
    data = document()
    path = place(data)
    with pytest.raises(ImportRefused) as info:
        import_document(data)
    assert info.value.errors.lines() == [f"{path}: trop long : 100001 caractères pour 100000 au plus"]
    assert count(Programme) == 0 and count(Meeting) == 0
