"""The room's formatted text and its Markdown, both ways.

The editor (Tiptap in the browser, bound to a Yjs document by y-prosemirror) writes
ProseMirror nodes into a ``Y.XmlFragment``: elements named after the node types, text
carrying its marks as formatting attributes. The server reads that fragment to derive the
Markdown it stores, exports and validates (never HTML from a browser), and builds a fragment
from Markdown for a part written before (or without) the editor.

Exactly these types are known: paragraph, heading (levels 1 to 3), bulletList, orderedList,
listItem, blockquote, hardBreak; marks bold, italic, code and link (http, https, mailto).
Anything else a client sends is dropped from the Markdown.
"""

import re

from markdown_it import MarkdownIt
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

# The name under which Tiptap's Collaboration extension keeps the document.
FIELD = "default"
# The client id of a document built from Markdown: the same Markdown gives the same update,
# so that two workers building it at once write the same items (merged, not doubled).
SEED_CLIENT = 1

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_ESCAPED = re.compile(r"([\\`*_\[\]<>&!~|])")
_LINE_START = re.compile(r"^(\s*)(?:([#+=-])|(\d+)([.)]))", re.MULTILINE)
# Elements inside one another, at most: a list ten levels deep is twenty (list, item). A
# crafted document nested deeper is refused (``too_deep``): reading it would exhaust the stack.
MAX_NESTING = 40
# CommonMark reads a list's start from nine digits at most.
MAX_LIST_START = 999_999_999


def fragment_of(doc: Doc) -> XmlFragment:
    return doc.get(FIELD, type=XmlFragment)


# ---- From the fragment to Markdown -------------------------------------------------------


def to_markdown(fragment: XmlFragment) -> str:
    return "\n\n".join(_blocks(fragment, 0))


def too_deep(fragment: XmlFragment) -> bool:
    """Whether elements are nested beyond ``MAX_NESTING`` (walked without recursion)."""
    level = [fragment]
    for _depth in range(MAX_NESTING + 1):
        level = [child for node in level for child in node.children if isinstance(child, XmlElement)]
        if not level:
            return False
    return True


def _blocks(element, depth: int) -> list[str]:
    return [block for block in (_block(child, depth + 1) for child in element.children) if block]


def _block(node, depth: int) -> str:
    if not isinstance(node, XmlElement) or depth > MAX_NESTING:
        return ""
    tag = node.tag
    if tag == "paragraph":
        return _inline(node)
    if tag == "heading":
        text = _inline(node)
        return f"{'#' * _level(node)} {text}" if text else ""
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node, depth))
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n")) if inner else ""
    if tag in ("bulletList", "orderedList"):
        start = _number(node.attributes.get("start"), 1) if tag == "orderedList" else 1
        start = max(0, min(start, MAX_LIST_START))
        items = []
        for index, item in enumerate(c for c in node.children if isinstance(c, XmlElement) and c.tag == "listItem"):
            marker = "-" if tag == "bulletList" else f"{start + index}."
            body = _item_body(item, depth + 1)
            indent = " " * (len(marker) + 1)
            lines = body.split("\n") if body else [""]
            items.append(
                "\n".join([f"{marker} {lines[0]}".rstrip()] + [indent + line if line else "" for line in lines[1:]])
            )
        return "\n".join(items)
    return ""  # an unknown type: dropped with its content


def _item_body(item, depth: int) -> str:
    """A list item's blocks; a list right under the item's text stays tight."""
    body = ""
    for child in item.children:
        block = _block(child, depth + 1)
        if block:
            tight = isinstance(child, XmlElement) and child.tag in ("bulletList", "orderedList")
            body += ("\n" if tight else "\n\n") + block if body else block
    return body


def _level(node) -> int:
    return min(3, max(1, _number(node.attributes.get("level"), 1)))


def _number(value, default: int) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return default


def _inline(element) -> str:
    runs: list[tuple[str, dict]] = []
    for child in element.children:
        if isinstance(child, XmlText):
            runs.extend((text, attrs or {}) for text, attrs in child.diff() if isinstance(text, str))
        elif isinstance(child, XmlElement) and child.tag == "hardBreak":
            runs.append(("\n", {}))
    return _render_runs(runs).strip()


def _link(attrs: dict) -> str | None:
    link = attrs.get("link")
    href = link.get("href") if isinstance(link, dict) else None
    if isinstance(href, str) and _SAFE_LINK.match(href.strip()) and not re.search(r"[\s<>()]", href.strip()):
        return href.strip()
    return None


def _render_runs(runs: list[tuple[str, dict]]) -> str:
    out: list[str] = []
    index = 0
    while index < len(runs):
        href = _link(runs[index][1])
        group = []
        while index < len(runs) and _link(runs[index][1]) == href:
            group.append(runs[index])
            index += 1
        text = _emphasised(group)
        out.append(f"[{text}]({href})" if href and text.strip() else text)
    return "".join(out)


def _emphasised(runs: list[tuple[str, dict]]) -> str:
    """Bold and italic opened and closed where they change, spaces kept outside the markers."""
    out: list[str] = []
    opened: list[tuple[str, int]] = []  # (mark, where its marker is in ``out``), outermost first
    for text, attrs in runs + [("", {})]:
        wanted = [mark for mark in ("bold", "italic") if attrs.get(mark) is not None]
        if text == "\n":
            wanted = []
        keep = 0
        while keep < len(opened) and opened[keep][0] in wanted:
            keep += 1
        for mark, at in reversed(opened[keep:]):
            _close(out, _MARKERS[mark], at)
        opened = opened[:keep]
        if text == "\n":
            out.append("\\\n")
            continue
        lead = text[: len(text) - len(text.lstrip())]
        if lead:
            out.append(lead)
            text = text[len(lead) :]
        if not text:
            continue
        for mark in wanted:
            if mark not in (m for m, _ in opened):
                opened.append((mark, len(out)))
                out.append(_MARKERS[mark])
        out.append(_code(text) if attrs.get("code") is not None else _escape(text))
    return "".join(out)


_MARKERS = {"bold": "**", "italic": "*"}


def _close(out: list[str], marker: str, at: int) -> None:
    """Close the emphasis opened at ``out[at]``: after its last character, not after spaces."""
    if len(out) == at + 1:
        out.pop()  # nothing inside
        return
    stripped = out[-1].rstrip()
    tail = out[-1][len(stripped) :]
    out[-1] = stripped
    out.append(marker)
    if tail:
        out.append(tail)


def _code(text: str) -> str:
    """Inline code on one line: a code span ends at a blank line, and what followed it
    would be read as Markdown of its own."""
    text = " ".join(text.splitlines())
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _escape(text: str) -> str:
    """Plain text as Markdown shows it: punctuation that would make syntax escaped, and
    what would start a heading or a list at the start of a line (a line that ends with
    « \\r » too, as Markdown reads it)."""
    text = _ESCAPED.sub(r"\\\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _LINE_START.sub(
        lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4)), text
    )


# ---- From Markdown to a fragment ---------------------------------------------------------


def document_from_markdown(markdown: str) -> Doc:
    """A document holding ``markdown`` as the editor's nodes, always the same for the same text."""
    doc = Doc(client_id=SEED_CLIENT)
    fill(fragment_of(doc), markdown)
    return doc


def fill(fragment: XmlFragment, markdown: str) -> None:
    """Append ``markdown`` to ``fragment`` as the editor's nodes (an empty text: one empty paragraph)."""
    tokens = _parser.parse(markdown or "")
    stack = [fragment]
    for token in tokens:
        parent = stack[-1]
        kind = token.type
        if kind == "paragraph_open":
            stack.append(_append(parent, "paragraph"))
        elif kind == "heading_open":
            stack.append(_append(parent, "heading", {"level": min(3, int(token.tag[1]))}))
        elif kind == "blockquote_open":
            stack.append(_append(parent, "blockquote"))
        elif kind == "bullet_list_open":
            stack.append(_append(parent, "bulletList"))
        elif kind == "ordered_list_open":
            start = _number(token.attrGet("start"), 1)
            stack.append(_append(parent, "orderedList", {"start": start} if start != 1 else {}))
        elif kind == "list_item_open":
            stack.append(_append(parent, "listItem"))
        elif kind.endswith("_close") and kind.split("_")[0] in (
            "paragraph",
            "heading",
            "blockquote",
            "bullet",
            "ordered",
            "list",
        ):
            stack.pop()
        elif kind == "inline":
            if isinstance(parent, XmlElement) and parent.tag in ("paragraph", "heading"):
                _fill_inline(parent, token.children or [])
            else:  # the text of a table cell
                _fill_inline(_append(parent, "paragraph"), token.children or [])
        elif kind in ("fence", "code_block", "html_block"):
            for line in token.content.rstrip("\n").split("\n"):
                paragraph = _append(parent, "paragraph")
                if line:
                    _text(paragraph).insert(0, line, {"code": {}} if kind != "html_block" else None)
        # Tables, rules and the like: their text comes through their inline tokens.
    if len(fragment.children) == 0:
        _append(fragment, "paragraph")


def _append(parent, tag: str, attributes: dict | None = None) -> XmlElement:
    element = parent.children.append(XmlElement(tag))
    for name, value in (attributes or {}).items():
        element.attributes[name] = value
    return element


def _text(element: XmlElement) -> XmlText:
    last = element.children[len(element.children) - 1] if len(element.children) else None
    if isinstance(last, XmlText):
        return last
    return element.children.append(XmlText())


def _fill_inline(element: XmlElement, tokens) -> None:
    marks: dict[str, dict] = {}
    for token in tokens:
        kind = token.type
        if kind in ("text", "code_inline", "html_inline"):
            text = token.content
            if not text:
                continue
            attrs = dict(marks)
            if kind == "code_inline":
                attrs["code"] = {}
            piece = _text(element)
            piece.insert(len(piece), text, attrs or None)
        elif kind == "softbreak":
            piece = _text(element)
            piece.insert(len(piece), " ", dict(marks) or None)
        elif kind == "hardbreak":
            element.children.append(XmlElement("hardBreak"))
        elif kind in ("strong_open", "em_open"):
            marks["bold" if kind == "strong_open" else "italic"] = {}
        elif kind in ("strong_close", "em_close"):
            marks.pop("bold" if kind == "strong_close" else "italic", None)
        elif kind == "link_open":
            href = token.attrGet("href") or ""
            if _SAFE_LINK.match(href):
                marks["link"] = {"href": href}
        elif kind == "link_close":
            marks.pop("link", None)
        elif kind == "image":
            piece = _text(element)
            piece.insert(len(piece), token.content or "", dict(marks) or None)
