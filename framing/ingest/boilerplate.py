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

_LINE_END = r"[ \t.:!]*$"

#: The default patterns: (regex, lowercase trigger that must occur in the text, or None).
#: Triggers only make cleaning fast; they never change what is removed.
_DEFAULTS: list[tuple[str, str | None]] = [
    # audio players and "continues below" ad markers (inline phrases)
    (r"(?i)\blisten to (?:this )?article\b(?:[ \t]*\d+[ \t]*min(?:ute)?s?\b)?[ \t]*", "listen to"),
    (r"(?i)\b(?:story|article) continue[sd] below(?: (?:this )?(?:ad|advertisement))?(?=\s|$)[ \t]*", "below"),
    # "read more" as a teaser link: inline before a capitalised sentence, or a whole short line
    (r"(?<=[a-z0-9.,;:!?\"'”’)])[ \t]+read more(?=[ \t]+[A-Z“\"‘'])", "read more"),
    (r"(?im)^[ \t]*(?:read more|more on this|continue reading(?: the main story)?)\b[^\n]{0,80}$", None),
    # NPR-style captions: a short caption line, or the phrase inside a longer line
    (r"(?m)^[ \t]*(?:Enlarge this image[ \t]*)?(?:toggle|hide) caption\b[^\n]{0,160}$", "caption"),
    (r"Enlarge this image(?:[ \t]+(?:toggle|hide) caption)?[ \t]*", "enlarge this image"),
    (r"(?m)^[ \t]*(?:Image (?:copyright|caption)|Media playback is unsupported on your device)\b[^\n]{0,150}$",
     None),
    (r"(?im)^[ \t]*(?:next|prev(?:ious)?) image \d+ of \d+[ \t]*$", "image"),
    (r"(?m)^[ \t]*\[(?:image|pullquote|photo|video|ad)\][ \t]*$", "["),
    # image URLs and URL fragments left behind by scrapers, e.g. "&w=3840&q=100)"
    (r"(?m)^[ \t]*\S*[&?](?:w|h|q|width|height|quality|fit|crop|auto|fm|dpr)=\S*[ \t]*$", "="),
    (r"!\[[^\]\n]*\]\([^)\n]*\)", "!["),
    (r"https?://\S+?\.(?:jpe?g|png|gif|webp|avif)(?:\?\S*)?(?=[\s)\]]|$)\)?", "http"),
    # advertisement, share, subscribe and app-promotion lines (whole lines only)
    (r"(?im)^[ \t]*(?:advertisement|ad|skip advertisement|sponsored content)(?:[ \t]+continue reading the main story)?"
     + _LINE_END, None),
    (r"(?im)^[ \t]*(?:share|share this(?: article| story)?|share via email|tweet|email|print|copy link|"
     r"share on (?:facebook|twitter|x|whatsapp|linkedin|reddit|email))(?:[ \t]+(?:share|tweet|post|email|print|"
     r"copy link|whatsapp|facebook|twitter|linkedin|reddit))*" + _LINE_END, None),
    (r"(?im)^[ \t]*(?:subscribe(?: now)?|sign up (?:for|to)[^\n]{0,60}newsletters?(?:[ \t]+manage newsletters)?|"
     r"manage newsletters|click here to (?:get|download|subscribe|sign up)[^\n]{0,60}|"
     r"(?:follow|join) us on [^\n]{0,60}|this article is more than \d+ \w+ old)" + _LINE_END, None),
]

#: The default patterns as plain regex strings (read-only view; extend with ``boilerplate=``).
DEFAULT_BOILERPLATE: tuple[str, ...] = tuple(p for p, _ in _DEFAULTS)

_SPACES = re.compile(r"[ \t\u00a0]+")
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
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read boilerplate patterns ({exc})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML ({exc})") from None
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
        Patterns added to the defaults.
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
        rules = list(_DEFAULTS) if use_defaults else []
        rules += [(p, None) for p in self.extra]
        self._rules = [(_compile(p), trigger) for p, trigger in rules]

    @property
    def patterns(self) -> list[str]:
        return [rx.pattern for rx, _ in self._rules]

    def clean(self, text: str) -> str:
        """``text`` without the matched debris, whitespace tidied and stripped."""
        if not text:
            return ""
        lowered = text.lower()
        for rx, trigger in self._rules:
            if trigger is not None and trigger not in lowered:
                continue
            text = rx.sub("", text)
        return tidy_whitespace(text)


def tidy_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = _SPACE_NL.sub("\n", text)
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
