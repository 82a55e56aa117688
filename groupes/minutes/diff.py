"""What changed between two revisions of the minutes, part by part and word by word."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from groupes.meetings.models import Meeting

# Words, runs of spaces and single signs: a change of one word marks that word only.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass
class Fragment:
    op: str  # "same", "added", "removed"
    text: str


@dataclass
class PartChange:
    key: str
    title: str
    state: str  # "added", "removed", "changed", "same"
    heading: list[Fragment] = field(default_factory=list)
    body: list[Fragment] = field(default_factory=list)

    @property
    def label(self) -> str:
        return {"added": "Partie ajoutée", "removed": "Partie supprimée", "changed": "Partie modifiée"}.get(
            self.state, "Sans changement"
        )


def word_diff(old: str, new: str) -> list[Fragment]:
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    fragments: list[Fragment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            fragments.append(Fragment("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            fragments.append(Fragment("removed", "".join(a[i1:i2])))
        if j2 > j1:
            fragments.append(Fragment("added", "".join(b[j1:j2])))
    return fragments


def _parts(content: dict) -> dict[str, dict]:
    return {
        f"p{s['agenda_item_id']}" if s.get("agenda_item_id") else f"s{s['id']}": s for s in content.get("sections", [])
    }


def compare(meeting: Meeting, old: dict, new: dict) -> list[PartChange]:
    """Every part of either revision, in the order of the newer one, with its changes."""
    items = {item.id: item.title for item in meeting.agenda_items}
    before, after = _parts(old), _parts(new)
    keys = list(after) + [k for k in before if k not in after]
    changes = []
    for key in keys:
        was, now = before.get(key), after.get(key)
        part = now or was
        title = (
            items.get(part["agenda_item_id"], "Point retiré de l'ordre du jour")
            if part.get("agenda_item_id")
            else (part.get("heading") or "Section sans titre")
        )
        old_body, new_body = (was or {}).get("body", ""), (now or {}).get("body", "")
        old_heading, new_heading = (was or {}).get("heading", ""), (now or {}).get("heading", "")
        if was is None:
            state = "added" if new_body.strip() or new_heading.strip() else "same"
        elif now is None:
            state = "removed"
        else:
            state = "changed" if (old_body, old_heading) != (new_body, new_heading) else "same"
        changes.append(
            PartChange(
                key=key,
                title=title,
                state=state,
                heading=word_diff(old_heading, new_heading) if not part.get("agenda_item_id") else [],
                body=word_diff(old_body, new_body),
            )
        )
    return changes
