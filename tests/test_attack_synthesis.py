"""Attack: the wording of a huis clos finding reaches the published synthesis (a document)."""

import io
from html import unescape

import pypdf
import sqlalchemy as sa
from world import build_world, post_form, signed_in

from groupes.extensions import db
from groupes.outcomes.models import Finding, FindingKind
from groupes.programmes.models import SynthesisEntry


def synthesis_text(client, programme_id: int) -> str:
    response = client.get(f"/programmes/{programme_id}/synthese.pdf")
    assert response.status_code == 200
    return " ".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(response.get_data())).pages)


def test_findings_taken_up_together_never_publish_a_huis_clos_wording(app):
    world = build_world()
    secret = Finding(kind=FindingKind.PISTE, text="SECRET famille Martin", confidential=True)
    world.public_validated.findings.append(secret)
    db.session.commit()
    public = next(f for f in world.public_validated.findings if f.text == "Piste public validé")
    organiser = signed_in(app, "organiser")
    base = f"/programmes/{world.programme.id}/synthese"
    post_form(organiser, f"{base}/reprendre", {"finding": [secret.id, public.id], "how": "together"})
    assert "Un élément à huis clos ne peut pas être repris" in unescape(organiser.get(base).get_data(as_text=True))
    post_form(organiser, f"{base}/reprendre-tout")
    assert all("SECRET" not in e.text for e in db.session.scalars(sa.select(SynthesisEntry)))
    for entry in db.session.scalars(sa.select(SynthesisEntry)).all():
        post_form(organiser, f"{base}/elements/{entry.id}/publier", {"published": "1"})
    assert "SECRET" not in "".join(synthesis_text(app.test_client(), world.programme.id).split())
