"""Dates from article text, for articles that came without one.

News copy usually says when it was written: a wire dateline (``"ISLAMABAD, March 3 (Reuters) -"``),
a full date in the text (``"on 3 March 2024"``, ``"2024-03-03"``), or a weekday relative to
either (``"on Thursday"``). :func:`date_from_text` reads them, in that order of trust, and says
which it used (``date_source``): ``"dateline"``, ``"text"`` or ``"none"``. Event clustering uses
these dates for articles without a given date (``"given"``), so a dump without dates still
gets its events kept apart in time.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["DATE_SOURCES", "date_from_text"]

#: The values of ``date_source``.
DATE_SOURCES = ("given", "dateline", "text", "none")

_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for m in names}
_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|" \
         r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# "ISLAMABAD, March 3 (Reuters) -", "WASHINGTON (AP) — ", "Karachi, 3 March 2024:"; the place is
# one to five capitalised words; the date may come before or after an agency in brackets.
_PLACE = r"[A-Z][A-Za-z.'’\-]+(?:[ /][A-Z][A-Za-z.'’\-]+){0,4}"
_AGENCY = r"\([A-Za-z][A-Za-z .&/]{0,30}\)"
_DATELINE = re.compile(
    rf"^\s*(?:By [^\n]{{0,60}}\n\s*)?{_PLACE},?\s+(?:{_AGENCY}\s*)?"
    rf"(?:(?P<m1>{_MONTH.replace('(', '(?:', 1)})\s+(?P<d1>\d{{1,2}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH.replace('(', '(?:', 1)}))"
    rf"(?:,?\s+(?P<y>\d{{4}}))?\s*(?:{_AGENCY})?\s*[-–—:]")
_MDY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY = re.compile(r"\b(?:on|last|this|late|early)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_YEAR_SPAN = (1900, 2100)
#: Characters of the text searched for dates (datelines and leads are at the top).
HEAD_CHARS = 3000


def _date(year, month, day) -> dt.date | None:
    try:
        out = dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None
    return out if _YEAR_SPAN[0] <= out.year <= _YEAR_SPAN[1] else None


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    return _MONTHS.get(name) or _MONTHS[name[:3]]


def _explicit_dates(text: str) -> list[tuple[int, dt.date]]:
    """Full dates written in the text, with their positions."""
    found = []
    for m in _MDY.finditer(text):
        d = _date(m[3], _month(m[1]), m[2])
        if d:
            found.append((m.start(), d))
    for m in _DMY.finditer(text):
        d = _date(m[3], _month(m[2]), m[1])
        if d:
            found.append((m.start(), d))
    for m in _ISO.finditer(text):
        d = _date(m[1], m[2], m[3])
        if d:
            found.append((m.start(), d))
    return sorted(found)


def _nearest_year(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The date (month, day) in the year that puts it closest to ``reference``."""
    options = [d for d in (_date(reference.year + k, month, day) for k in (-1, 0, 1)) if d]
    return min(options, key=lambda d: abs((d - reference).days)) if options else None


def _weekday_before(anchor: dt.date, weekday: str) -> dt.date:
    """The most recent ``weekday`` on or before ``anchor`` (news says "on Thursday" of the past week)."""
    back = (anchor.weekday() - _WEEKDAYS.index(weekday.lower())) % 7
    return anchor - dt.timedelta(days=back)


def date_from_text(text: str, reference: dt.date | None = None, *, weekday: bool = True) -> tuple[dt.date | None, str]:
    """The date an article's text gives for itself, and where it came from.

    In order: a dateline at the top (``"ISLAMABAD, March 3 (Reuters) -"``; a dateline without a
    year takes the year of a full date in the text, else the year closest to ``reference``) ->
    ``"dateline"``; else the latest full date in the first :data:`HEAD_CHARS` characters
    (``"March 3, 2024"``, ``"3 March 2024"``, ``"2024-03-03"``) -> ``"text"``. With
    ``weekday=True`` a weekday in the lead (``"on Thursday"``, within 300 characters after the
    dateline or date) moves that date back to the most recent such day, the day the event
    happened. Nothing found -> ``(None, "none")``.

    Parameters
    ----------
    text : str
    reference : datetime.date, optional
        A date near the corpus (e.g. the median of the given dates), for datelines without a year.
    weekday : bool, default True

    Returns
    -------
    (datetime.date or None, str)

    Examples
    --------
    >>> date_from_text("ISLAMABAD, March 3, 2024 (Reuters) - Militants attacked a post on Thursday.")
    (datetime.date(2024, 2, 29), 'dateline')
    >>> date_from_text("KARACHI, 3 March (AP) - Talks resumed.", reference=dt.date(2024, 1, 10))
    (datetime.date(2024, 3, 3), 'dateline')
    >>> date_from_text("The report of 12 May 2023 found no change.")
    (datetime.date(2023, 5, 12), 'text')
    >>> date_from_text("No date here.")
    (None, 'none')
    """
    head = str(text or "")[:HEAD_CHARS]
    explicit = _explicit_dates(head)
    found, source, end = None, "none", 0
    m = _DATELINE.match(head)
    if m:
        month = _month(m["m1"] or m["m2"])
        day = int(m["d1"] or m["d2"])
        if m["y"]:
            found = _date(m["y"], month, day)
        else:
            years = [d for _, d in explicit]
            anchor = max(years) if years else reference
            found = _nearest_year(month, day, anchor) if anchor else None
        if found:
            source, end = "dateline", m.end()
    if found is None and explicit:
        pos, found = max(explicit, key=lambda pd_: pd_[1])
        source, end = "text", pos
    if found is not None and weekday:
        w = _WEEKDAY.search(head, end, end + 300)
        if w:
            found = _weekday_before(found, w[1])
    return found, source
