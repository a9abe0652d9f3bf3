"""Lexicon scorer: weighted phrase matches per 1,000 tokens, with the matched spans."""

from __future__ import annotations

import functools
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
# Letters written two ways in real text: Arabic and Persian/Urdu yeh and kaf (keyboards differ;
# Pashto uses both yehs), Russian ё usually written е. A term matches either spelling.
_VARIANTS = {"ی": "یيى", "ي": "یيى", "ى": "یيى", "ک": "کك", "ك": "کك", "ё": "её", "е": "её"}
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ё": "е"})
# Inside a word: letters, digits and the marks of WORD_MARKS (so "نظامیان" is not found inside
# "شبه‌نظامیان", where a zero-width non-joiner joins the two parts of one word).
_NOT_AFTER_WORD = rf"(?<![\w{WORD_MARKS}])"
_NOT_BEFORE_WORD = rf"(?![\w{WORD_MARKS}])"
# Between the words of a term: spaces, a hyphen or a zero-width non-joiner ("آتش بس" = "آتش‌بس").
_WORD_GAP = r"[\s\-\u200c]+"
_CYRILLIC_VOWELS = set("аяоеёыиуюйь")   # and й, ь: what a dictionary form ends in before its endings
_CYRILLIC_ADJECTIVE_ENDINGS = frozenset("ая яя ое ее ые ие ый ий ой".split())
_CYRILLIC_SHORT_ENDINGS = "(?:ами|ом|ов|ам|ах|а|у|е|ы)?"


def _fold(text: str) -> str:
    """``text`` with the letter variants of ``_VARIANTS`` written one way (same length)."""
    return text.translate(_FOLD)


def _letters(word: str) -> str:
    """Regex for a word, letter by letter, each variant letter as a class of its spellings."""
    return "".join(f"[{_VARIANTS[ch]}]" if ch in _VARIANTS else re.escape(ch) for ch in word)


def _cyrillic_word(word: str) -> str:
    """Regex for a Russian word with its case and number endings.

    The dictionary form loses its final vowel (both letters of an adjective ending: ``-ая``,
    ``-ый``, ``-ое``, ...), and any two letters more than were taken off may follow, at least
    three: "война" matches "войны", "войной"; "операция" matches "операциями" (not
    "операционный"); "гибридная" matches "гибридной", "гибридными". A word of three letters
    ending in a consonant takes a case ending ("мир" -> "мира", "миром"; "шос" is not found in
    "шоссе"); shorter words and three-letter ones ending in a vowel (prepositions: "в", "на",
    "при") match as written.

    >>> import re
    >>> [bool(re.fullmatch(_cyrillic_word("операция"), w)) for w in ("операциями", "операционный")]
    [True, False]
    >>> [bool(re.fullmatch(_cyrillic_word("дипломатия"), w)) for w in ("дипломатией", "дипломаты")]
    [True, False]
    """
    if len(word) <= 3:
        consonant_final = len(word) == 3 and word[-1] not in _CYRILLIC_VOWELS
        return _letters(word) + (_CYRILLIC_SHORT_ENDINGS if consonant_final else "")
    if word[-2:] in _CYRILLIC_ADJECTIVE_ENDINGS:
        stem = word[:-2]
    elif word[-1] in _CYRILLIC_VOWELS:
        stem = word[:-1]
    else:
        stem = word
    return _letters(stem) + f"[а-яё]{{0,{len(word) - len(stem) + 2 if stem != word else 3}}}"


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def _word_pattern(word: str, inflect: bool, min_length: int = 4) -> str:
    """Regex for one word; with ``inflect`` also plural, -ed, -ing and possessive forms.

    >>> import re
    >>> bool(re.fullmatch(_word_pattern("proxy", True), "proxies"))
    True
    >>> bool(re.fullmatch(_word_pattern("displace", True), "displacing"))
    True
    """
    if not inflect:
        return _letters(word)
    if _is_cyrillic(word):
        return _cyrillic_word(word)
    possessive = r"(?:'s|’s|s'|s’)?"
    if any(ord(ch) > 0x24F for ch in word):   # not Latin script: no English endings, but the
        # word's own suffixes (शहीद -> शहीदों, شہید -> شہیدوں): up to 3 more letters or marks, so a
        # match covers the whole word and never cuts a vowel sign off its letter
        return _letters(word) + f"[\\w{WORD_MARKS}]{{0,3}}{_NOT_BEFORE_WORD}"
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
    """Regex for a (multi-word) lexicon term; only the last word is inflected (in Russian, every word).

    Words may be separated by any whitespace, a hyphen or a zero-width non-joiner
    ("cross-border" matches "cross border", "آتش بس" matches "آتش‌بس"). Word boundaries on
    both sides, where combining marks and the zero-width (non-)joiner count as part of a
    word (:data:`framing.language.WORD_MARKS`). A single word shorter than four letters is
    taken for an acronym ("isi", "ttp") and only gets a possessive; the last word of a
    multi-word term is inflected from three letters ("proxy wars"). In Russian every word
    gets its case endings (adjectives agree with their noun: "гибридная война" matches
    "гибридной войны"). Arabic and Persian yeh and kaf (ي ی, ك ک) and Russian ё/е match
    either spelling.
    """
    words = re.split(r"[\s\-\u200c]+", term.strip().lower())
    words = [w for w in words if w]
    if not words:
        raise ValueError(f"empty lexicon term {term!r}")
    min_length = 3 if len(words) > 1 else 4
    parts = [(_cyrillic_word(w) if inflect and _is_cyrillic(w) else _letters(w)) for w in words[:-1]]
    parts.append(_word_pattern(words[-1], inflect, min_length))
    body = _WORD_GAP.join(parts) + _NOT_BEFORE_WORD
    return _NOT_AFTER_WORD + body if leading_boundary else body


def _term_order(term: str) -> tuple:
    """Sort key for :func:`_alternation`: word-initial terms first, then by first character, longest first."""
    return (0 if re.match(r"\w", term[:1]) else 1, _fold(term[:1]), -len(term), term)


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
        groups.setdefault(_fold(t[:1]), []).append(f"({alt})" if capture else alt)
    word, other = [], []
    for first, alts in groups.items():
        branch = f"(?={_letters(first)})(?:{'|'.join(alts)})"
        (word if re.match(r"\w", first) else other).append(branch)
    parts = ([r"\b" + _NOT_AFTER_WORD + "(?:" + "|".join(word) + ")"] if word else []) + other
    return "|".join(parts)


@functools.lru_cache(maxsize=32_768)
def _compiled(pattern: str) -> re.Pattern:
    """``re.compile(pattern, re.IGNORECASE)``, kept: a codebook's few thousand term patterns
    overflow :mod:`re`'s own cache (512), so every fit (one per partition) compiled them all
    again; compiled patterns are immutable and safe to share between threads."""
    return re.compile(pattern, re.IGNORECASE)


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
            self.patterns_.append(_compiled(_alternation(terms, self.inflections)) if terms else None)
            self.terms_.append(terms)
            self.weights_.append(np.array([w for _, w in items]))
        self.all_terms_ = sorted(term_frames, key=_term_order)
        self.term_frames_ = [term_frames[t] for t in self.all_terms_]
        self.pattern_ = (_compiled(_alternation(self.all_terms_, self.inflections, capture=False))
                         if self.all_terms_ else None)
        # which term a match of pattern_ is: the first term (in pattern order) that matches it whole
        self.term_regex_ = [_compiled(term_pattern(t, self.inflections)) for t in self.all_terms_]
        self.by_first_: dict[str, list[int]] = {}
        for i, t in enumerate(self.all_terms_):
            self.by_first_.setdefault(_fold(t[:1]), []).append(i)
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
        for i in self.by_first_.get(_fold(matched[:1].lower()), ()):
            if self.term_regex_[i].fullmatch(matched):
                return i
        raise RuntimeError(f"lexicon: no term matches {matched!r}")  # unreachable: pattern_ matched it

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """Weighted matches per ``per_tokens`` tokens, ndarray of shape (n_texts, n_frames)."""
        return self.scan(X)[0]
