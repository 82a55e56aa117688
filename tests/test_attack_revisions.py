"""Attack: a passage written, then marked huis clos, then validated: its earlier revisions and their
differences, read by the public, the search and the documents."""

import io
from html import unescape

import pypdf
from world import build_world, post_form, signed_in, validate_minutes

from groupes.extensions import db, limiter
from groupes.minutes.models import MinutesSection
from groupes.search.index import rebuild


def version_of(section_id: int) -> int:
    db.session.expire_all()
    return db.session.get(MinutesSection, section_id).version


def test_earlier_revisions_of_a_passage_now_huis_clos_stay_in_the_group(app):
    world = build_world()
    meeting = world.public_draft
    item = meeting.agenda_items[0]
    section = next(s for s in meeting.minutes.sections if s.agenda_item_id == item.id)
    free = next(s for s in meeting.minutes.sections if s.agenda_item_id is None)
    organiser = signed_in(app, "organiser")
    base = f"/reunions/{meeting.id}"
    for key, sid, body in ((f"p{item.id}", section.id, "SECRETPOINT"), (f"s{free.id}", free.id, "SECRETSECTION")):
        for n in range(2):
            response = post_form(
                organiser,
                f"{base}/compte-rendu/parties",
                {"key": key, "base_version": str(version_of(sid)), "body": f"{body} {n}", "heading": "Titre"},
            )
            assert response.status_code in (200, 302), response.get_data(as_text=True)
    post_form(organiser, f"{base}/huis-clos", {"part": f"p{item.id}", "confidential": "1"})
    post_form(organiser, f"{base}/huis-clos", {"part": f"s{free.id}", "confidential": "1"})
    post_form(organiser, f"{base}/compte-rendu/soumettre")
    assert validate_minutes(organiser, meeting.id).status_code == 302
    rebuild()
    page = unescape(organiser.get(f"{base}/compte-rendu/modifications?de=1&a=4").get_data(as_text=True))
    assert "SECRETSECTION" in page  # a positive control: the group reads it

    anonymous = app.test_client()
    seen = []
    numbers = range(0, 8)
    urls = [f"{base}/compte-rendu/modifications?de={a}&a={b}" for a in numbers for b in numbers if a < b]
    urls += [f"{base}/compte-rendu/modifications", f"{base}/compte-rendu/versions", f"{base}/compte-rendu/relecture"]
    urls += [base, f"{base}/compte-rendu", "/recherche?q=SECRETPOINT", "/recherche?q=SECRETSECTION", f"{base}.ics"]
    for url in urls:
        response = anonymous.get(url)
        seen.append((url, response.status_code))
        text = unescape(response.get_data(as_text=True))
        assert "SECRET" not in text, url
    limiter.reset()  # the comparisons above spent the anonymous limit of costly pages
    for url in (f"{base}/compte-rendu.pdf", f"/groupes/{world.public.id}/dossier.pdf"):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        data = response.get_data()
        text = " ".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages)
        assert "SECRET" not in text, url
    assert (f"{base}/compte-rendu/modifications", 200) in seen
