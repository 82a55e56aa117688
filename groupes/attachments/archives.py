"""The office formats are ZIP archives: what kind of document one is, told from what it declares
inside, and whether it may be kept.

Office Open XML (.docx, .xlsx, .pptx) declares the type of every part in
``[Content_Types].xml`` and links parts by typed relationships (``*.rels``);
OpenDocument (.odt, .ods, .odp) names its type in ``mimetype`` and lists its
parts in ``META-INF/manifest.xml``. Macros, ActiveX controls and OLE objects
are refused by what these declare, whatever the parts are called. The archive's
bounds (entries, declared sizes, compression ratio) are checked before any part
is read, so that a zip bomb is refused without being inflated.
"""

import io
import re
import zipfile
from xml.etree import ElementTree

from groupes.errors import DomainError
from groupes.site.formatting import file_size

MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # every part together, once inflated
MAX_RATIO = 100  # inflated / compressed, for a part large enough to matter
RATIO_FLOOR = 1024 * 1024
MAX_READ_PART = 8 * 1024 * 1024  # a part read here: types, relationships, manifest, content

CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
OFFICE_DOCUMENT = re.compile(r"/(officeDocument/2006/relationships|officeDocument/relationships)/officeDocument$")
MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# Content types and relationship types of active content: VBA projects and their data, macro-enabled
# main parts and Excel 4 macro sheets, ActiveX controls, embedded OLE objects, attached toolbars.
ACTIVE_OOXML = re.compile(r"vba|macro|activex|oleobject|toolbars", re.IGNORECASE)
# OpenDocument keeps macros and scripts in Basic/ and Scripts/ (and OLE objects by their media type);
# events call macros by these addresses.
SCRIPT_FOLDERS = ("basic/", "scripts/")
SCRIPT_MEDIA_TYPE = re.compile(r"script|basic|python|java|macro|oleobject", re.IGNORECASE)
SCRIPT_CALLS = re.compile(rb"vnd\.sun\.star\.script:|macro:///|script:event-listener", re.IGNORECASE)

WITHOUT_MACROS = "enregistrez-le sans macros ni contrôles avant de le joindre."


class UnsafeArchive(DomainError):
    """An office file that is not kept; the message, in French, follows « Le fichier « nom » »."""


def office_kind(content: bytes) -> str | None:
    """The key of checks.KINDS of an office document, None for another archive, UnsafeArchive for
    one that may not be kept."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            check_bounds(infos, len(content))
            names = {info.filename for info in infos if not info.is_dir()}
            if "mimetype" in names:
                return opendocument_kind(archive, names)
            if "[Content_Types].xml" in names:
                return office_open_xml_kind(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, RuntimeError, OSError):
        return None  # not a readable archive (or an encrypted one): not an accepted document
    return None


def check_bounds(infos: list[zipfile.ZipInfo], length: int) -> None:
    """From the central directory alone: nothing is inflated before these pass."""
    if len(infos) > MAX_ENTRIES:
        raise UnsafeArchive(
            f"compte {len(infos)} parties, plus qu’aucun document de bureau ({MAX_ENTRIES} au plus) : "
            "il n’est pas accepté."
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise UnsafeArchive(
            f"occuperait {file_size(total)} une fois décompressé (la limite est de {file_size(MAX_UNCOMPRESSED)}) : "
            "c’est le signe d’une archive piégée, il n’est pas accepté."
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise UnsafeArchive(
                f"contient une partie compressée plus de {MAX_RATIO} fois ({ratio} pour 1) : "
                "c’est le signe d’une archive piégée, il n’est pas accepté."
            )
        if info.compress_size > length:
            raise UnsafeArchive(
                "est une archive incohérente (une partie plus grande que le fichier) : il n’est pas accepté."
            )


def read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_READ_PART:
        raise UnsafeArchive(f"contient une partie « {name} » de {file_size(info.file_size)} : il n’est pas accepté.")
    with archive.open(info) as part:
        return part.read(MAX_READ_PART + 1)[:MAX_READ_PART]


def parse_xml(data: bytes) -> ElementTree.Element | None:
    """The parsed part, or None when it is not well-formed. Office parts never declare a DTD:
    one that does is refused rather than parsed (entity expansion)."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise UnsafeArchive(
            "contient une déclaration XML (DOCTYPE) qu’aucun document de bureau n’utilise : il n’est pas accepté."
        )
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None


# Office Open XML


def office_open_xml_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    types = parse_xml(read_part(archive, "[Content_Types].xml"))
    if types is None:
        return None
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in types.iter(f"{CONTENT_TYPES}Default")}
    overrides = {
        e.get("PartName", "").lower(): e.get("ContentType", "") for e in types.iter(f"{CONTENT_TYPES}Override")
    }
    for content_type in [*defaults.values(), *overrides.values()]:
        if ACTIVE_OOXML.search(content_type):
            raise UnsafeArchive(f"contient des macros ou du contenu actif (type « {content_type} ») : {WITHOUT_MACROS}")
    for name in names:
        if name.lower().endswith("vbaproject.bin"):
            raise UnsafeArchive(f"contient des macros (partie « {name} ») : {WITHOUT_MACROS}")
    main = None
    for name in sorted(n for n in names if n.lower().endswith(".rels")):
        relationships = parse_xml(read_part(archive, name))
        if relationships is None:
            return None
        for relationship in relationships.iter(f"{RELATIONSHIPS}Relationship"):
            kind = relationship.get("Type", "")
            if ACTIVE_OOXML.search(kind):
                shown = kind.rsplit("/", 1)[-1]
                raise UnsafeArchive(
                    f"contient des macros ou du contenu actif (relation « {shown} ») : {WITHOUT_MACROS}"
                )
            if name == "_rels/.rels" and OFFICE_DOCUMENT.search(kind):
                main = relationship.get("Target", "").lstrip("/")
    if main is None or main not in names:
        return None
    extension = main.rsplit(".", 1)[-1].lower() if "." in main else ""
    return MAIN_PARTS.get(overrides.get("/" + main.lower()) or defaults.get(extension, ""))


# OpenDocument


def opendocument_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if archive.getinfo("mimetype").file_size > 100:
        return None
    kind = OPENDOCUMENT.get(archive.read("mimetype").strip())
    if kind is None or "META-INF/manifest.xml" not in names:
        return None
    for name in names:
        if name.lower().startswith(SCRIPT_FOLDERS):
            raise UnsafeArchive(f"contient des macros ou des scripts (« {name} ») : {WITHOUT_MACROS}")
    manifest = parse_xml(read_part(archive, "META-INF/manifest.xml"))
    if manifest is None:
        return None
    for entry in manifest.iter(f"{MANIFEST}file-entry"):
        path = entry.get(f"{MANIFEST}full-path", "")
        media_type = entry.get(f"{MANIFEST}media-type", "")
        if path.lower().lstrip("/").startswith(SCRIPT_FOLDERS) or SCRIPT_MEDIA_TYPE.search(media_type):
            raise UnsafeArchive(
                f"contient des macros ou des scripts (« {path} », {media_type or 'sans type'}) : {WITHOUT_MACROS}"
            )
    for name in ("content.xml", "styles.xml"):
        if name in names and SCRIPT_CALLS.search(read_part(archive, name)):
            raise UnsafeArchive(f"déclenche des macros (dans « {name} ») : {WITHOUT_MACROS}")
    return kind
