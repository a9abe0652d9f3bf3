"""Lexicon scorer: weighted phrase matches per 1,000 tokens, with the matched spans."""

from __future__ import annotations

import re
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from framing.language import WORD_MARKS

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
    if any(ord(ch) > 0x24F for ch in word):   # not Latin script: no English endings, but the
        # word's own suffixes (शहीद -> शहीदों, شہید -> شہیدوں): up to 3 more letters or marks, so a
        # match covers the whole word and never cuts a vowel sign off its letter
        return re.escape(word) + (f"[\\w{WORD_MARKS}]{{0,3}}(?![\\w{WORD_MARKS}])" if inflect else "")
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


def term_pattern(term: str, inflect: bool = True, leading_boundary: bool = True) -> str:
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
    body = r"[\s\-]+".join(parts) + r"(?!\w)"
    return r"(?<!\w)" + body if leading_boundary else body


def _term_order(term: str) -> tuple:
    """Sort key for :func:`_alternation`: word-initial terms first, then by first character, longest first."""
    return (0 if re.match(r"\w", term[:1]) else 1, term[:1], -len(term), term)


def _alternation(terms: Sequence[str], inflect: bool, capture: bool = True) -> str:
    """One regex for many terms, with one capture group per term (in the order given) if ``capture``.

    Terms are grouped by their first character behind a lookahead, and word-initial
    terms sit behind a ``\\b`` anchor, so the engine tries a term only where the text
    has a word starting with its letter (about 100x faster than a flat alternation;
    capture groups cost another 2-3x, so the all-terms expression has none).
    ``terms`` must be sorted by :func:`_term_order`.
    """
    groups: dict[str, list[str]] = {}
    for t in terms:
        word_initial = bool(re.match(r"\w", t[:1]))   # behind the \b anchor: no lookbehind needed
        alt = term_pattern(t, inflect, leading_boundary=not word_initial)
        groups.setdefault(t[:1], []).append(f"({alt})" if capture else alt)
    word, other = [], []
    for first, alts in groups.items():
        branch = f"(?={re.escape(first)})(?:{'|'.join(alts)})"
        (word if re.match(r"\w", first) else other).append(branch)
    parts = ([r"\b(?:" + "|".join(word) + ")"] if word else []) + other
    return "|".join(parts)


class LexiconScorer(TransformerMixin, BaseEstimator):
    """Weighted lexicon matches per 1,000 tokens for each frame.

    Matching is case-insensitive, on word boundaries, for multi-word terms, with
    simple inflection of the last word (plural, -ed, -ing, possessive). Each frame is
    compiled into one regular expression (longest terms first) and all frames'
    terms into one more, so a text is scanned once; a term listed under two frames
    counts for both.

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
        One expression per frame.
    terms_ : list of list of str
        Term of each alternative (capture group ``i + 1``) per frame.
    weights_ : list of ndarray
    pattern_ : re.Pattern or None
        One expression for all terms (``all_terms_``); ``term_frames_`` lists the
        ``(frame index, weight)`` pairs of each.

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
        term_frames: dict[str, list[tuple[int, float]]] = {}
        for f, frame_id in enumerate(self.frame_ids_):
            items = sorted(((str(t).strip().lower(), float(w)) for t, w in lexicons[frame_id].items()),
                           key=lambda tw: _term_order(tw[0]))
            for term, weight in items:
                if not weight > 0:
                    raise ValueError(f"lexicon of frame {frame_id!r}: term {term!r} has weight {weight!r}, "
                                     "expected > 0")
                term_frames.setdefault(term, []).append((f, weight))
            terms = [t for t, _ in items]
            self.patterns_.append(re.compile(_alternation(terms, self.inflections), re.IGNORECASE) if terms else None)
            self.terms_.append(terms)
            self.weights_.append(np.array([w for _, w in items]))
        self.all_terms_ = sorted(term_frames, key=_term_order)
        self.term_frames_ = [term_frames[t] for t in self.all_terms_]
        self.pattern_ = (re.compile(_alternation(self.all_terms_, self.inflections, capture=False), re.IGNORECASE)
                         if self.all_terms_ else None)
        # which term a match of pattern_ is: the first term (in pattern order) that matches it whole
        self.term_regex_ = [re.compile(term_pattern(t, self.inflections), re.IGNORECASE) for t in self.all_terms_]
        self.by_first_: dict[str, list[int]] = {}
        for i, t in enumerate(self.all_terms_):
            self.by_first_.setdefault(t[:1], []).append(i)
        return self

    def scan(self, texts: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
        """Rates and matches.

        Each text is scanned once with one expression for all terms of all frames; a
        match counts for every frame that lists the matched term, and a frame that
        does not list it gets its own longest term starting at the same place, if any.

        Returns
        -------
        rates : ndarray of shape (n_texts, n_frames)
            Weighted matches per ``per_tokens`` tokens (0 for an empty text).
        matches : DataFrame
            Columns ``doc, frame, term, start, end, text, weight``: the first
            ``max_matches`` matches per text and frame, in text order.
        """
        check_is_fitted(self, "pattern_")
        n_frames = len(self.frame_ids_)
        rates = np.zeros((len(texts), n_frames))
        rows: list[tuple] = []
        if self.pattern_ is None:
            return rates, pd.DataFrame(rows, columns=MATCH_COLUMNS)
        for d, text in enumerate(texts):
            n_tokens = len(_TOKEN.findall(text))
            if n_tokens == 0:
                continue
            totals = np.zeros(n_frames)
            kept = np.zeros(n_frames, dtype=np.int64)
            for m in self.pattern_.finditer(text):
                term_index = self._which_term(m.group(0))
                listed = self.term_frames_[term_index]
                hits = [(f, self.all_terms_[term_index], m.end(), w) for f, w in listed]
                if len(listed) < n_frames:
                    listed_frames = {f for f, _ in listed}
                    for f, pattern in enumerate(self.patterns_):
                        if f in listed_frames or pattern is None:
                            continue
                        own = pattern.match(text, m.start())
                        if own is not None:
                            g = own.lastindex - 1
                            hits.append((f, self.terms_[f][g], own.end(), self.weights_[f][g]))
                for f, term, end, w in hits:
                    totals[f] += w
                    if kept[f] < self.max_matches:
                        rows.append((d, self.frame_ids_[f], term, m.start(), end, text[m.start():end], w))
                        kept[f] += 1
            rates[d] = totals * self.per_tokens / n_tokens
        matches = pd.DataFrame(rows, columns=MATCH_COLUMNS)
        if len(matches):
            order = {f: i for i, f in enumerate(self.frame_ids_)}
            matches = matches.iloc[np.lexsort((matches["start"].to_numpy(), matches["frame"].map(order).to_numpy(),
                                               matches["doc"].to_numpy()))].reset_index(drop=True)
        return rates, matches

    def _which_term(self, matched: str) -> int:
        for i in self.by_first_.get(matched[:1].lower(), ()):
            if self.term_regex_[i].fullmatch(matched):
                return i
        raise RuntimeError(f"lexicon: no term matches {matched!r}")  # unreachable: pattern_ matched it

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """Weighted matches per ``per_tokens`` tokens, ndarray of shape (n_texts, n_frames)."""
        return self.scan(X)[0]
