"""What French typography asks of the text a reader sees, and where a page breaks it.

A no-break space (U+00A0, or the narrow U+202F before « ; ! ? ») and never an ordinary one:
before « : ; ! ? », inside « », in « 14 h 30 », between a number and its unit, as the
thousands separator (« 100 000 caractères »); and the typographic apostrophe (’), never '.
Only the visible text counts: not <script>, <style>, code, what a person typed in a field,
nor attribute values other than title, aria-label, placeholder and alt."""

import re
from html.parser import HTMLParser

SPACE = r"[ \t\r\n]"  # ordinary spaces, which a line may break at
UNITS = r"(?:min|h|%|€|o|Ko|Mo|Go|octets|caractères|jours|semaines|mois|ans|minutes|heures)"
RULES = [
    ("space before a high sign", re.compile(rf"\S{SPACE}+[:;!?](?=\s|$|[»)\.,])")),
    ("space after «", re.compile(rf"«{SPACE}")),
    ("space before »", re.compile(rf"{SPACE}»")),
    ("time", re.compile(rf"\b\d{{1,2}}{SPACE}h\b|\b\d{{1,2}}\s?h{SPACE}\d\d\b")),
    ("number and unit", re.compile(rf"\b\d+{SPACE}{UNITS}(?![\w’'-])")),
    ("thousands", re.compile(rf"\b\d{{1,3}}{SPACE}\d{{3}}\b")),
    ("straight apostrophe", re.compile(r"[^\W\d_]'[^\W\d_]")),
]
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
SKIPPED = {"script", "style", "code", "pre", "textarea", "kbd", "samp", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "dt", "dd", "option",
          "label", "legend", "caption", "button", "summary", "title", "figcaption", "blockquote", "tr", "ul", "ol",
          "header", "footer", "nav", "main", "aside", "form", "fieldset", "br", "select", "article", "table"}  # fmt: skip


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        if tag in BLOCKS:
            self.parts.append("\n")
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.parts.append(f"\n{value}\n")
        if tag in VOID and tag in SKIPPED:
            self.skipping -= 1

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def typography_faults(text: str) -> list[str]:
    """Each place the text breaks a rule, with a few characters around it."""
    faults = []
    for name, rule in RULES:
        for match in rule.finditer(text):
            around = text[max(0, match.start() - 30) : match.end() + 10]
            faults.append(f"{name}: {' '.join(around.split())!r}")
    return faults


def page_faults(html: str) -> list[str]:
    return typography_faults(visible_text(html))
