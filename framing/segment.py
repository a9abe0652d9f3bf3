"""Sentence segmentation with character spans."""

from __future__ import annotations

import re

from framing.corpus import Article, Sentence

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) then
# whitespace and an upper-case letter, digit or opening quote.
_BOUNDARY = re.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])""")
_ABBREV = re.compile(
    r"""(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Maj|Capt|Sgt|Cpl|Adm|Brig|Gov|Sen|Rep|St|Jr|Sr|Inc|Ltd|Co|Corp|No|Vol|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|e\.g|i\.e|a\.m|p\.m)|(?:\b[A-Z]))\.$"""
)


def split_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)`` (end exclusive, whitespace trimmed)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        head = text[start:match.start()].rstrip()
        if _ABBREV.search(head.rstrip("\"'”’)]")):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentences_of(article: Article) -> list[Sentence]:
    """The sentences of an article, with spans into ``article.text``."""
    return [
        Sentence(article.article_id, i, s, e, article.text[s:e])
        for i, (s, e) in enumerate(split_spans(article.text))
    ]
