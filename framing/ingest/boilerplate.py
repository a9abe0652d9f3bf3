"""Boilerplate removal: news-page debris that is not part of the story.

Driven by a list of regular expressions that users can extend (``boilerplate=`` in
:func:`framing.ingest.load`, ``--boilerplate FILE`` on the command line). The default
list is conservative: whole lines that are only debris ("Advertisement", "Sign up for
Daily Newsletters", share buttons, image-URL fragments such as ``&w=3840&q=100)``,
photo captions) and a few phrases that never occur in real prose ("Listen to
article", "STORY CONTINUES BELOW THIS AD", "Enlarge this image toggle caption").

Every pattern is compiled with ``re.MULTILINE``; add ``(?i)`` for case-insensitive
matching. A match is deleted; whitespace is tidied afterwards (runs of spaces become
one space, three or more newlines become a blank line).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

#: Inline defaults: (regex, lowercase trigger that must occur in the text, or None).
#: Triggers only make cleaning fast; they never change what is removed.
_INLINE: list[tuple[str, str | None]] = [
    # audio players and "continues below" ad markers
    (r"(?i)\blisten to (?:this )?article\b(?:[ \t]*\d+[ \t]*min(?:ute)?s?\b|[ \t]*\d{1,2}:\d{2}\b)?[ \t]*",
     "listen to"),
    (r"(?i)\bshare this (?:article|story)(?:[ \t]+(?:share|tweet|post|email|print|facebook|twitter|whatsapp|"
     r"linkedin|reddit|copy link))+\b[ \t]*", "share this"),
    (r"(?i)\b(?:story|article) continues below (?:this )?(?:ad|advertisement)\b[ \t]*", "continues below"),
    # "read more" as a teaser link right before a capitalised sentence
    (r"(?<=[a-z0-9.,;:!?\"'”’)])[ \t]+read more(?=[ \t]+[A-Z“\"‘'])", "read more"),
    # NPR-style photo captions inside a long line
    (r"Enlarge this image(?:[ \t]+(?:toggle|hide) caption)?[ \t]*", "enlarge this image"),
    # image URLs and markdown images left behind by scrapers
    (r"!\[[^\]\n]*\]\([^)\n]*\)", "!["),
    (r"https?://\S+?\.(?:jpe?g|png|gif|webp|avif)(?:\?\S*)?(?=[\s)\]]|$)\)?", "http"),
]

#: Whole-line defaults: a line (of at most 200 characters) that fully matches one of
#: these (case-insensitively, surrounding spaces ignored) is deleted.
_LINES: list[str] = [
    r"(?:advertisement|ad|skip advertisement|sponsored content)(?: continue reading the main story)?[.:]?",
    r"(?:story|article) continue[sd] below(?: (?:this )?(?:ad|advertisement))?[.:]?",
    r"(?:read more|more on this|continue reading(?: the main story)?|read the full (?:story|article))\b.{0,80}",
    r"(?:enlarge this image )?(?:toggle|hide) caption\b.{0,160}",
    r"(?:image (?:copyright|caption)|media playback is unsupported on your device)\b.{0,150}",
    r"(?:next|prev(?:ious)?) image \d+ of \d+",
    r"\[(?:image|pullquote|photo|video|ad)\]",
    # image-URL fragments such as "&w=3840&q=100)"
    r"\S*[&?](?:w|h|q|width|height|quality|fit|crop|auto|fm|dpr)=\S*",
    r"https?://\S+\.(?:jpe?g|png|gif|webp|avif)(?:\?\S*)?\)?",
    # share / subscribe / follow / app-promotion lines
    r"(?:share|share this(?: article| story)?|share via email|tweet|email|print|copy link|"
    r"share on (?:facebook|twitter|x|whatsapp|linkedin|reddit|email))"
    r"(?: (?:share|tweet|post|email|print|copy link|whatsapp|facebook|twitter|linkedin|reddit))*[.:!]?",
    r"(?:subscribe(?: now)?|manage newsletters|sign up (?:for|to).{0,60}newsletters?(?: manage newsletters)?)[.:!]?",
    r"click here to (?:get|download|subscribe|sign up).{0,60}",
    r"(?:follow|join) us on .{0,60}",
    r"this article is more than \d+ \w+ old",
]

#: All default patterns as regex strings (inline ones, then whole-line ones written
#: as multiline ``^...$`` patterns); extend them with ``boilerplate=``.
DEFAULT_BOILERPLATE: tuple[str, ...] = tuple(
    [p for p, _ in _INLINE] + [rf"(?im)^[ \t]*(?:{p})[ \t]*$" for p in _LINES]
)

_LINE_RX = re.compile("|".join(f"(?:{p})" for p in _LINES), re.IGNORECASE)
_LINE_MAX = 200
_SPACES = re.compile(r"[ \t\u00a0]{2,}|[\t\u00a0]")
_SPACE_NL = re.compile(r"[ \t]*\n[ \t]*")
_MANY_NL = re.compile(r"\n{3,}")


def load_patterns(path: str | Path) -> list[str]:
    """Read extra boilerplate patterns from a file.

    The file is either a YAML list of regex strings (``.yaml``/``.yml``), or plain
    text with one regex per line (blank lines and lines starting with ``#`` are
    ignored).

    Raises
    ------
    ValueError
        If the file cannot be read or a pattern is not a valid regular expression
        (the message names the file and the pattern).
    """
    path = Path(path)
    from framing.safeio import YAML_MAX_BYTES, load_yaml, read_text_limited

    try:
        raw = read_text_limited(path, YAML_MAX_BYTES, what="boilerplate file")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read boilerplate patterns ({exc})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        data = load_yaml(raw, source=str(path))  # UnsafeInputError is a ValueError naming the file
        if isinstance(data, dict):
            data = data.get("patterns", data.get("boilerplate"))
        if not isinstance(data, list) or not all(isinstance(p, str) for p in data):
            raise ValueError(f"{path}: expected a list of regex strings (or a 'patterns:' list)")
        patterns = data
    else:
        patterns = [ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for p in patterns:
        _compile(p, origin=str(path))
    return patterns


def _compile(pattern: str, origin: str = "boilerplate") -> re.Pattern:
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise ValueError(f"{origin}: invalid boilerplate pattern {pattern!r} ({exc})") from None


class BoilerplateCleaner:
    """Delete debris matched by regex patterns, then tidy whitespace.

    Parameters
    ----------
    extra : sequence of str, optional
        Patterns added to the defaults; each is applied with ``re.sub`` over the
        whole text (``re.MULTILINE``), so ``^...$`` patterns remove whole lines.
    use_defaults : bool, default True
        Start from :data:`DEFAULT_BOILERPLATE`.

    Examples
    --------
    >>> BoilerplateCleaner().clean("Listen to article The minister spoke on Monday.")
    'The minister spoke on Monday.'
    """

    def __init__(self, extra: Sequence[str] | None = None, use_defaults: bool = True):
        self.extra = list(extra or [])
        self.use_defaults = use_defaults
        rules = list(_INLINE) if use_defaults else []
        rules += [(p, None) for p in self.extra]
        self._rules = [(_compile(p), trigger) for p, trigger in rules]

    @property
    def patterns(self) -> list[str]:
        return (list(DEFAULT_BOILERPLATE) if self.use_defaults else []) + self.extra

    def clean(self, text: str) -> str:
        """``text`` without the matched debris, whitespace tidied and stripped."""
        if not text:
            return ""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if self.use_defaults:
            text = _drop_lines(text)
        lowered = text.lower()
        for rx, trigger in self._rules:
            if trigger is not None and trigger not in lowered:
                continue
            text = rx.sub("", text)
        return tidy_whitespace(text)


def _drop_lines(text: str) -> str:
    lines = text.split("\n")
    kept = [ln for ln in lines if len(ln) > _LINE_MAX or not ln.strip() or not _LINE_RX.fullmatch(ln.strip())]
    return text if len(kept) == len(lines) else "\n".join(kept)


def tidy_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep at most one blank line between paragraphs."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _SPACE_NL.sub("\n", text)
    if "\n\n\n" in text:
        text = _MANY_NL.sub("\n\n", text)
    return text.strip()


def iter_patterns(values: Iterable[str] | None) -> list[str]:
    """Validate user patterns (raises ``ValueError`` naming a bad one)."""
    out = []
    for p in values or []:
        if not isinstance(p, str):
            raise ValueError(f"boilerplate: patterns must be strings, got {p!r}")
        _compile(p)
        out.append(p)
    return out
