"""The part-key protocol: « p<item id> » for an agenda item's notes, « s<id> » for a free section."""

import pytest

from groupes.minutes.parts import PartKey


def test_a_part_key_reads_back_what_it_writes():
    for text in ("p12", "s3"):
        assert str(PartKey.parse(text)) == text
    assert PartKey.parse("s3").is_section and not PartKey.parse("p12").is_section
    assert PartKey.of_snapshot({"agenda_item_id": 7, "id": 40}) == PartKey("p", 7)
    assert PartKey.of_snapshot({"agenda_item_id": None, "id": 40}) == PartKey("s", 40)


@pytest.mark.parametrize("text", ["", "p", "x1", "d4", "p-1", "s1a", "12"])
def test_a_part_key_that_names_no_part_is_refused(text):
    with pytest.raises(ValueError):
        PartKey.parse(text)


def test_other_letters_are_read_when_asked_for():
    assert PartKey.parse("d4", kinds="pdsaf") == PartKey("d", 4)
