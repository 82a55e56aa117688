"""What an uploaded file is, told from its content, and whether it may be kept.

The type comes from the bytes (magic numbers; for the office formats, which
are all ZIP archives, the parts inside), never from the name or the browser's
Content-Type. The name's extension must then agree with what was found.
"""

import re
import unicodedata
from dataclasses import dataclass

from groupes.attachments.archives import UnsafeArchive, office_kind
from groupes.errors import DomainError
from groupes.site.formatting import file_size


@dataclass(frozen=True)
class Kind:
    mimetype: str
    extensions: tuple[str, ...]  # the first is the one added to a name without extension
    label: str  # with its article: « un document PDF »


KINDS = {
    "pdf": Kind("application/pdf", (".pdf",), "un document PDF"),
    "odt": Kind("application/vnd.oasis.opendocument.text", (".odt",), "un texte OpenDocument"),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", (".ods",), "un tableur OpenDocument"),
    "odp": Kind("application/vnd.oasis.opendocument.presentation", (".odp",), "une présentation OpenDocument"),
    "docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "un document Word"
    ),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "un classeur Excel"),
    "pptx": Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
        "une présentation PowerPoint",
    ),
    "png": Kind("image/png", (".png",), "une image PNG"),
    "jpeg": Kind("image/jpeg", (".jpg", ".jpeg"), "une image JPEG"),
    "gif": Kind("image/gif", (".gif",), "une image GIF"),
    "webp": Kind("image/webp", (".webp",), "une image WebP"),
}
# Shown in the browser rather than saved: formats browsers display without running anything.
INLINE_KINDS = frozenset({"pdf", "png", "jpeg", "gif", "webp"})
ACCEPTED = "PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX, PNG, JPEG, GIF ou WebP"
# The HTML accept attribute of the file field: a hint for the browser's file picker only.
ACCEPT_ATTRIBUTE = ",".join(ext for kind in KINDS.values() for ext in kind.extensions)


class AttachmentRefused(DomainError):
    """A file that is not kept; the message, in French, says why."""


def detect(content: bytes) -> str | None:
    """The key of ``KINDS`` that the content is, or None; an office file that may not be kept
    raises UnsafeArchive saying why."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content.startswith(b"PK\x03\x04"):
        return office_kind(content)
    return None


# Controls (Unicode category Cc) and the characters file systems reserve: each run becomes « _ ».
UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]+')
# Invisible characters that change how a name reads, removed: formats (Cf: the bidirectional
# embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/F, zero-width
# characters…), surrogates, private use, line and paragraph separators. With U+202E,
# « facture\u202efdp.exe » shows as « factureexe.pdf ».
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cs", "Co", "Zl", "Zp"})
# What counts as an extension: « .pdf », « .docx », not the « .2014 » of « CR 27.03.2014 ».
EXTENSION = re.compile(r"\.[a-z][a-z0-9]{0,4}$", re.IGNORECASE)


def extension_of(name: str) -> str:
    match = EXTENSION.search(name)
    return match.group(0).lower() if match and match.start() > 0 else ""


def clean_filename(name: str) -> str:
    """The name to show and offer on download: its last path part, NFC, without control,
    invisible or reserved characters, at most 200 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", re.split(r"[/\\]", name or "")[-1])
    name = "".join(c for c in name if unicodedata.category(c) not in INVISIBLE_CATEGORIES)
    name = UNSAFE.sub("_", name).strip().lstrip(".").strip()
    stem, suffix = name[: len(name) - len(extension_of(name))], name[len(name) - len(extension_of(name)) :]
    return stem[: 200 - len(suffix)].strip() + suffix if stem else ""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    kind: str

    @property
    def mimetype(self) -> str:
        return KINDS[self.kind].mimetype


def check_file(filename: str, content: bytes, *, max_size: int) -> CheckedFile:
    """The file as it will be kept, or AttachmentRefused saying, in French, why not."""
    name = clean_filename(filename)
    shown = name or "sans nom"
    if not content:
        raise AttachmentRefused(f"Le fichier « {shown} » est vide.")
    if len(content) > max_size:
        raise AttachmentRefused(
            f"Le fichier « {shown} » pèse {file_size(len(content))} : "
            f"la limite est de {file_size(max_size)} par fichier."
        )
    try:
        kind = detect(content)
    except UnsafeArchive as refusal:
        raise AttachmentRefused(f"Le fichier « {shown} » {refusal}") from None
    extension = extension_of(name)
    claimed = next((key for key, k in KINDS.items() if extension in k.extensions), None)
    if kind is None:
        if claimed:
            raise AttachmentRefused(
                f"Le fichier « {shown} » porte l’extension {extension} mais son contenu n’est pas "
                f"{KINDS[claimed].label} : il n’est pas accepté."
            )
        raise AttachmentRefused(f"Le fichier « {shown} » n’est pas d’un type accepté ({ACCEPTED}).")
    expected = KINDS[kind].extensions
    if not extension:
        name = (name or "document") + expected[0]
    elif extension not in expected:
        raise AttachmentRefused(
            f"Le fichier « {shown} » porte l’extension {extension} mais son contenu est "
            f"{KINDS[kind].label} ({expected[0]}) : renommez-le ou choisissez le bon fichier."
        )
    return CheckedFile(filename=name, kind=kind)
