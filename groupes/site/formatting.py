"""French formatting of dates, times, ordinals and durations (Babel, fr_FR, Europe/Paris)."""

import re
from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_decimal, to_user_timezone
from markupsafe import Markup, escape

FIRST_OF_MONTH = re.compile(r"(^|\s)1(?= )")


def long_date(value: date | datetime) -> str:
    """« jeudi 27 mars 2014 », « lundi 1er décembre 2014 »."""
    return FIRST_OF_MONTH.sub(r"\g<1>1er", format_date(value, "EEEE d MMMM y"), count=1)


def short_date(value: date | datetime) -> str:
    """« 27 mars 2014 », « 1er mai 2014 »."""
    return FIRST_OF_MONTH.sub(r"\g<1>1er", format_date(value, "d MMMM y"), count=1)


NBSP = "\u00a0"  # French typography: « 9 h 30 » never breaks across lines


def clock(value: datetime) -> str:
    """« 14 h », « 9 h 30 », in Paris time."""
    local = to_user_timezone(value)
    return f"{local.hour}{NBSP}h" if local.minute == 0 else f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"


DAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
KEPT_TOGETHER = [
    # « jeudi 27 mars 2014 », « 1er décembre », « novembre 2014 »
    (re.compile(rf"\b({DAYS}) (?=(?:\d{{1,2}}|1er)\b)", re.IGNORECASE), f"\\1{NBSP}"),
    (re.compile(rf"\b(\d{{1,2}}|1er) (?=(?:{MONTHS})\b)", re.IGNORECASE), f"\\1{NBSP}"),
    (re.compile(rf"\b({MONTHS}) (?=\d{{4}}\b)", re.IGNORECASE), f"\\1{NBSP}"),
    # « 1ère réunion », « 2e groupe »
    (re.compile(r"\b(\d+(?:ère|re|er|ème|e)) (?=\w)"), f"\\1{NBSP}"),
    # « 14 h 30 », « 9 h »
    (re.compile(r"\b(\d{1,2}) h(?: (?=\d{2}\b)|\b)"), lambda m: m.group(0).replace(" ", NBSP)),
]


def keep_together(text: str) -> str:
    """No-break spaces inside what a line must not split: dates (« jeudi 27 mars 2014 »), an
    ordinal and its noun (« 1ère réunion »), times (« 14 h 30 »)."""
    for pattern, replacement in KEPT_TOGETHER:
        text = pattern.sub(replacement, text)
    return text


def iso_local(value: datetime) -> str:
    """For <time datetime="…">: the Paris wall-clock time with its offset."""
    return format_datetime(value, "yyyy-MM-dd'T'HH:mmxxx")


def ordinal(number: int) -> str:
    """« 1ère », « 2ème », as the annexes write them (documents keep it with its noun:
    ``keep_together``)."""
    return "1ère" if number == 1 else f"{number}ème"


def duration(minutes: int | None) -> str:
    """« 45 min », « 1 h », « 1 h 30 »."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}{NBSP}min"
    return f"{hours}{NBSP}h" if not rest else f"{hours}{NBSP}h{NBSP}{rest:02d}"


URL = re.compile(r"https?://[^\s<>\"']+")


def with_links(text: str) -> Markup:
    """Plain text whose web addresses become links (a place that is a video link)."""
    parts, last = [], 0
    for match in URL.finditer(text or ""):
        url = match.group(0).rstrip(".,;)")
        parts += [
            escape(text[last : match.start()]),
            Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(url),
        ]
        last = match.start() + len(url)
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)


def number(value) -> str:
    return format_decimal(value)


def file_size(size: int) -> str:
    """« 512 octets », « 850 ko », « 1,5 Mo » (1 ko = 1 024 octets)."""
    if size < 1024:
        return f"{size}{NBSP}octet{'s' if size > 1 else ''}"
    for unit in ("ko", "Mo", "Go"):
        size /= 1024
        if size < 1024 or unit == "Go":
            return f"{format_decimal(round(size, 1), '#,##0.#')}{NBSP}{unit}"


# A facilitation the group wrote with its own label (« Animé par l'URIOPSS », « Co-animation : … »).
LABELLED_FACILITATION = re.compile(r"(co-?)?anim", re.IGNORECASE)


def facilitation(text: str) -> str:
    """The group's facilitation with one label: as written when it carries its own, else
    « Animation : » before it."""
    text = text.strip()
    return text if LABELLED_FACILITATION.match(text) else f"Animation : {text}"


FILTERS = {
    "long_date": long_date,
    "short_date": short_date,
    "clock": clock,
    "iso_local": iso_local,
    "ordinal": ordinal,
    "duration": duration,
    "number": number,
    "file_size": file_size,
    "with_links": with_links,
    "facilitation": facilitation,
}
