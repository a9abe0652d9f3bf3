"""Evidence highlighting as safe HTML, built from character spans.

The article text is untrusted: every character of it passes through
:func:`html.escape` before any markup is added, and the only markup added is
``<mark>`` elements (plus ``<br>`` for line breaks) whose attributes come from
the caller's colour map, never from the text. A ``<script>`` tag inside an article
therefore shows up as the literal text ``&lt;script&gt;``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

# Colour-blind-friendly qualitative palette (Okabe & Ito 2008), then Tableau 10.
PALETTE = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1",
    "#FF9DA7", "#9C755F", "#BAB0AC",
]

_COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of text: ``text[start:end]`` carries ``key`` (a frame id).

    ``strong`` marks a lexicon term (drawn with an underline on top of the
    sentence background); ``value`` is the strength of the evidence (e.g. the
    sentence's similarity to the frame): where spans overlap, the strongest wins.
    """

    start: int
    end: int
    key: str
    strong: bool = False
    value: float = 0.0


def colour_map(keys: Sequence[str]) -> dict[str, str]:
    """A stable colour for each key (frame id), in the given order.

    Parameters
    ----------
    keys : sequence of str

    Returns
    -------
    dict mapping key to a ``#rrggbb`` colour.
    """
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}


def _check_colour(colour: str) -> str:
    if not _COLOUR_RE.match(colour):
        raise ValueError(f"colour must look like '#rrggbb', got {colour!r}")
    return colour


def _escape(text: str) -> str:
    # html.escape covers & < > " '; '$' is escaped too so that Markdown renderers
    # with math support never treat article text as LaTeX.
    return html.escape(text, quote=True).replace("$", "&#36;").replace("\n", "<br>")


def highlight_html(
    text: str,
    spans: Iterable[Span],
    colours: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Escape ``text`` and wrap the given spans in coloured ``<mark>`` elements.

    Overlapping spans are resolved by cutting the text at every span boundary:
    each piece is coloured by the strongest span that covers it (lexicon terms
    first, then the highest ``value``, then ``colours`` order), and its tooltip
    lists every key that covers it.

    Parameters
    ----------
    text : str
        The article text (untrusted).
    spans : iterable of Span
        Character spans into ``text``; spans outside the text are clipped, spans
        whose key is not in ``colours`` are ignored.
    colours : mapping of str to str
        Key -> ``#rrggbb``; its order is the priority order.
    labels : mapping of str to str, optional
        Key -> human-readable label for tooltips (default: the key).

    Returns
    -------
    str
        HTML with no raw markup from ``text``; newlines become ``<br>``.

    Examples
    --------
    >>> highlight_html("a <b> c", [Span(0, 1, "x")], {"x": "#E69F00"})  # doctest: +ELLIPSIS
    '<mark ...>a</mark> &lt;b&gt; c'
    """
    labels = labels or {}
    order = {key: i for i, key in enumerate(colours)}
    for colour in colours.values():
        _check_colour(colour)
    n = len(text)
    kept: list[Span] = []
    for span in spans:
        if span.key not in order:
            continue
        start, end = max(0, int(span.start)), min(n, int(span.end))
        if end > start:
            kept.append(Span(start, end, span.key, span.strong, float(span.value)))
    if not kept:
        return _escape(text)
    cuts = sorted({0, n, *(s.start for s in kept), *(s.end for s in kept)})
    out: list[str] = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        piece = _escape(text[lo:hi])
        covering = [s for s in kept if s.start <= lo and s.end >= hi]
        if not covering:
            out.append(piece)
            continue
        best = min(covering, key=lambda s: (not s.strong, -s.value, order[s.key]))
        keys = [best.key] + sorted({s.key for s in covering} - {best.key}, key=order.__getitem__)
        strong = any(s.strong for s in covering)
        colour = colours[best.key]
        title = html.escape(", ".join(str(labels.get(k, k)) for k in keys), quote=True)
        style = f"background-color:{colour}55;padding:0 1px;border-radius:2px;"
        if strong:
            style += f"border-bottom:2px solid {colour};font-weight:600;"
        css_keys = " ".join(f"ev-{re.sub(r'[^a-z0-9_-]', '', k.lower())}" for k in keys)
        out.append(f'<mark class="evidence {css_keys}" title="{title}" style="{style}">{piece}</mark>')
    return "".join(out)


def legend_html(colours: Mapping[str, str], labels: Mapping[str, str] | None = None) -> str:
    """A one-line colour legend: a swatch and the (escaped) label of each key."""
    labels = labels or {}
    items = []
    for key, colour in colours.items():
        _check_colour(colour)
        label = html.escape(str(labels.get(key, key)))
        items.append(
            f'<span style="white-space:nowrap;margin-right:1em;">'
            f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{colour};'
            f'border-radius:2px;vertical-align:middle;margin-right:0.3em;"></span>{label}</span>'
        )
    return '<div class="frame-legend">' + "".join(items) + "</div>"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]()<>#~$|!{}])")
#: Where a GFM autolink starts (``http://``, ``www.``, ``name@host``): Streamlit links such
#: text after parsing, escapes or not, so an invisible WORD JOINER (U+2060) is put there.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=@)|(?<=\bwww)(?=\.)")
WORD_JOINER = "\u2060"


def code(text) -> str:
    """Untrusted text as an inline Markdown code span (shown verbatim: no escaping inside).

    >>> code("/tmp/my_results")
    '`/tmp/my_results`'
    >>> code("a`b")
    "`a'b`"
    """
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"


def md(text) -> str:
    """The one escape for untrusted text (titles, outlets, codebook fields, coder names, file
    names) shown through Streamlit's Markdown: ``st.markdown``/``st.caption``, widget labels,
    help texts, radio options.

    Every Markdown special character is backslash-escaped, so ``![x](http://…)`` shows as
    typed instead of fetching an image, and ``:red[…]`` is no colour directive; a bare
    ``http://…``, ``www.…`` or ``name@host`` gets an invisible word joiner that keeps it
    from becoming a live link. Streamlit never renders raw HTML there (``unsafe_allow_html``
    is off).

    >>> md("a*b_[c](d) $5 <i>")
    'a\\\\*b\\\\_\\\\[c\\\\]\\\\(d\\\\) \\\\$5 \\\\<i\\\\>'
    >>> md("see http://x.org, www.x.org or me@x.org").replace(WORD_JOINER, "|")
    'see http:|//x.org, www|.x.org or me@|x.org'
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return _AUTOLINK.sub(WORD_JOINER, escaped).replace("\n", " ")
