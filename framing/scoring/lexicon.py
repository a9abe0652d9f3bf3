"""Lexicon scorer: weighted phrase matches per 1,000 tokens, with the matched spans."""

from __future__ import annotations

import re
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

_TOKEN = re.compile(r"\w+")
_VOWELS = set("aeiou")
MATCH_COLUMNS = ["doc", "frame", "term", "start", "end", "text", "weight"]


def _word_pattern(word: str, inflect: bool, min_length: int = 4) -> str:
    """Regex for one word; with ``inflect`` also plural, -ed, -ing and possessive forms.

    >>> import re
    >>> bool(re.fullmatch(_word_pattern("proxy", True), "proxies"))
    True
    >>> bool(re.fullmatch(_word_pattern("displace", True), "displacing"))
    True
    """
    if not inflect:
        return re.escape(word)
    possessive = r"(?:'s|’s|s'|s’)?"
    if len(word) < min_length or not word.isalpha():   # acronyms: "isi" must not match "isis"
        return re.escape(word) + r"(?:'s|’s)?"
    if word.endswith("y") and word[-2] not in _VOWELS:          # proxy -> proxies, proxied
        stem = re.escape(word[:-1])
        return stem + r"(?:y|ies|ied|ying)" + possessive
    if word.endswith("e"):                                       # displace -> displaced, displacing
        stem = re.escape(word[:-1])
        return stem + r"(?:e|es|ed|ing)" + possessive
    if word.endswith(("s", "x", "z", "ch", "sh")):              # crisis, tax -> taxes
        return re.escape(word) + r"(?:es|ed|ing)?" + possessive
    return re.escape(word) + r"(?:s|es|ed|ing)?" + possessive


def term_pattern(term: str, inflect: bool = True) -> str:
    """Regex for a (multi-word) lexicon term; only the last word is inflected.

    Words may be separated by any whitespace or a hyphen ("cross-border" matches
    "cross border"). Word boundaries on both sides. A single word shorter than four
    letters is taken for an acronym ("isi", "ttp") and only gets a possessive; the
    last word of a multi-word term is inflected from three letters ("proxy wars").
    """
    words = re.split(r"[\s\-]+", term.strip().lower())
    words = [w for w in words if w]
    if not words:
        raise ValueError(f"empty lexicon term {term!r}")
    min_length = 3 if len(words) > 1 else 4
    parts = [re.escape(w) for w in words[:-1]] + [_word_pattern(words[-1], inflect, min_length)]
    return r"(?<!\w)" + r"[\s\-]+".join(parts) + r"(?!\w)"


class LexiconScorer(TransformerMixin, BaseEstimator):
    """Weighted lexicon matches per 1,000 tokens for each frame.

    Matching is case-insensitive, on word boundaries, for multi-word terms, with
    simple inflection of the last word (plural, -ed, -ing, possessive). Each frame is
    compiled into one regular expression (longest terms first), so a text is scanned
    once per frame; a term listed under two frames counts for both.

    Parameters
    ----------
    lexicons : mapping of str to mapping of str to float
        ``{frame_id: {term: weight}}``; frames with an empty lexicon score 0.
    inflections : bool, default True
    per_tokens : int, default 1000
    max_matches : int, default 20
        Matches kept per text and frame by :meth:`scan` (the rate counts all).

    Attributes
    ----------
    frame_ids_ : list of str
    patterns_ : list of re.Pattern or None
    terms_ : list of list of str
        Term of each alternative (capture group ``i + 1``) per frame.
    weights_ : list of ndarray

    Examples
    --------
    >>> scorer = LexiconScorer({"war": {"proxy war": 2.0, "militant": 1.0}}).fit()
    >>> scorer.transform(["Militants fought a proxy war."]).round(1).tolist()
    [[600.0]]

    References
    ----------
    The per-1,000-token rate follows dictionary-based content analysis as in
    LIWC (Pennebaker et al. 2015) and the frame lexicons of Card et al. (2015),
    "The Media Frames Corpus".
    """

    def __init__(self, lexicons: Mapping[str, Mapping[str, float]] | None = None, inflections: bool = True,
                 per_tokens: int = 1000, max_matches: int = 20):
        self.lexicons = lexicons
        self.inflections = inflections
        self.per_tokens = per_tokens
        self.max_matches = max_matches

    def fit(self, X=None, y=None) -> "LexiconScorer":
        lexicons = self.lexicons or {}
        self.frame_ids_ = list(lexicons)
        self.patterns_, self.terms_, self.weights_ = [], [], []
        for frame_id in self.frame_ids_:
            items = sorted(((str(t).lower(), float(w)) for t, w in lexicons[frame_id].items()),
                           key=lambda tw: (-len(tw[0]), tw[0]))
            for term, weight in items:
                if not weight > 0:
                    raise ValueError(f"lexicon of frame {frame_id!r}: term {term!r} has weight {weight!r}, "
                                     "expected > 0")
            if not items:
                self.patterns_.append(None)
                self.terms_.append([])
                self.weights_.append(np.zeros(0))
                continue
            alternation = "|".join(f"({term_pattern(t, self.inflections)})" for t, _ in items)
            self.patterns_.append(re.compile(alternation, re.IGNORECASE))
            self.terms_.append([t for t, _ in items])
            self.weights_.append(np.array([w for _, w in items]))
        return self

    def scan(self, texts: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
        """Rates and matches.

        Returns
        -------
        rates : ndarray of shape (n_texts, n_frames)
            Weighted matches per ``per_tokens`` tokens (0 for an empty text).
        matches : DataFrame
            Columns ``doc, frame, term, start, end, text, weight``: the first
            ``max_matches`` matches per text and frame, in text order.
        """
        check_is_fitted(self, "patterns_")
        rates = np.zeros((len(texts), len(self.frame_ids_)))
        rows: list[tuple] = []
        for d, text in enumerate(texts):
            n_tokens = len(_TOKEN.findall(text))
            if n_tokens == 0:
                continue
            for f, pattern in enumerate(self.patterns_):
                if pattern is None:
                    continue
                total = 0.0
                kept = 0
                for m in pattern.finditer(text):
                    g = m.lastindex - 1
                    w = self.weights_[f][g]
                    total += w
                    if kept < self.max_matches:
                        rows.append((d, self.frame_ids_[f], self.terms_[f][g], m.start(), m.end(), m.group(0), w))
                        kept += 1
                rates[d, f] = total * self.per_tokens / n_tokens
        matches = pd.DataFrame(rows, columns=MATCH_COLUMNS)
        return rates, matches

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """Weighted matches per ``per_tokens`` tokens, ndarray of shape (n_texts, n_frames)."""
        return self.scan(X)[0]
