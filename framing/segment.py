"""Sentence segmentation with character spans.

A rule-based splitter (regular expressions plus a few word lists; no model) tuned
for news text:

* a sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets)
  followed by whitespace and a character that is not lower case, and at line breaks; in
  Urdu, Persian and Pashto (Arabic script) also at ``۔`` and ``؟``, in Hindi (Devanagari) at
  ``।`` and ``॥``, with or without a space after (scripts without case never look lower case);
* titles and ranks never end a sentence: ``Dr.``, ``Mr.``, ``Lt. Gen.``, ``Lt-Gen.``,
  ``Brig.``, ``Gov.``, ``St.``, Russian ``ген.``, ``проф.``, ``ул.``, ...; nor do single
  initials (``J. K. Rowling``, ``В. В. Путин``);
* dotted abbreviations (``U.S.``, ``U.N.``, ``a.m.``), months (``Jan.``) and company
  suffixes (``Inc.``) end a sentence only when the next word is a usual sentence
  opener (``The``, ``He``, ``But``, ...), so "the U.S. Army" stays whole but
  "in the U.S. The next day" splits; so do Russian ``г.`` (year, city), ``млн.``, ``тыс.``
  before a Russian opener (``В``, ``Он``, ``Однако``, ...);
* a full stop inside an open double quote or guillemet (``«...»``, Russian and Persian) does
  not end the sentence (``He said: "It was planned. We know who did it." Officials...`` is
  one sentence up to the closing quote; a quotation longer than 500 characters may still be split),
  and speech attribution after a quoted question stays with it
  (``"Is it over?" Scalia asked.``).

Spans are exact: ``text[start:end]`` is the sentence, trimmed of surrounding
whitespace, and sentences never overlap.

This is the one segmenter: :func:`segment` (articles -> a sentence table, what scoring
and the engines embed), :func:`sentences_of` (one article -> :class:`Sentence` objects)
and :func:`segment_texts` (texts or ready sentence lists -> sentence lists, what the
classifiers embed) all cut with :func:`split_spans`.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np
import pandas as pd

from framing.corpus import Article, Sentence

SENTENCE_COLUMNS = ["article_id", "sentence_index", "start", "end", "text"]

# Latin full stops end a sentence only before whitespace; the Urdu/Arabic/Persian full stop and
# question mark (``۔`` ``؟``) and the Devanagari danda (``।`` ``॥``) also before a next word written
# without a space (common in Urdu and Hindi typing).
_CANDIDATE = re.compile(r"""[.!?…؟۔।॥]+["'”’»)\]]*(?=\s)|[؟۔।॥]+["'”’»)\]]*(?=\S)|\n""")
_LAST_TOKEN = re.compile(r"(\S+)\Z")
_NEXT_WORD = re.compile(r"""["'“‘«(\[]*([^\W\d_]+|\d)""")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_INITIAL = re.compile(r"[A-ZА-ЯЁ]")

# Never end a sentence (a name or number follows).
_TITLES = frozenset(
    """Mr Mrs Ms Mx Dr Drs Prof Gen Lt Col Maj Capt Cmdr Cdr Cmdt Sgt Cpl Pvt Adm Brig Gov Sen Rep Rev Fr Hon
    Pres Supt Insp Det Amb Rt St Mt Ft Messrs Mme Mlle Gens Lieut Comdr Hr vs Vs v approx
    Sens Reps Govs Adms Cols Lts Sgts Drs Profs Mmes Revs Msgr Cpt Spc Ret e.g i.e E.g I.e cf Cf viz
    ген Ген полк Полк подполк генерал-лейт генерал-майор проф Проф акад Акад ул им св тов пос""".split()
)
# Never end a sentence when a number follows ("No. 10", "Fig. 3", "Art. 245").
_NUMBERED = frozenset("No Nos no Art Fig fig Ch ch p pp Vol vol Para para Sec Sect Nr Ref".split())
# End a sentence only before a usual sentence opener.
_SOFT = frozenset(
    """Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Inc Ltd Co Corp Bros Jr Sr Esq Plc plc LLC Ltd etc
    Ave Blvd Rd Dept Univ Assn Govt govt
    г гг млн млрд тыс руб долл""".split()
)
_OPENERS = frozenset(
    """The A An He She It They We I You This That These Those There Their His Her Its Our My Your But And Or
    So Yet Still In On At As After Before When While If Although Though Since Because Meanwhile However
    Also Then Now Some Many Most Several Both All No None One Two Three Officials Police Authorities
    According Last Earlier Later Today Yesterday On Mr Mrs Ms Dr Such What Who Why How Where Even Instead
    Critics Analysts Experts
    В На По С О К У Из За При После До Во Как Но А И Однако Также Кроме Ранее Позже Затем Сегодня Вчера
    Он Она Они Оно Это Этот Эта Эти Там Здесь Его Ее Её Их Власти Полиция Военные Министр Представитель""".split()
)
_MAX_QUOTE = 500  # an open quote holds back a split for at most this many characters
# Speech attribution after a quoted question or exclamation: '"Is it over?" Scalia asked.'
_ATTRIBUTION = re.compile(
    r"(?:[A-Z][\w.'’-]*\s+){1,4}(?:said|says|asked|asks|added|adds|told|tells|wrote|writes|continued|recalled|"
    r"replied|explained|noted|insisted|shouted|declared|argued|warned|countered|quipped|responded)\b"
)


def _inside_quote(segment: str) -> bool:
    if segment.count("“") > segment.count("”") or segment.count("«") > segment.count("»"):
        return True
    return segment.count('"') % 2 == 1


def _is_boundary(text: str, start: int, ms: int, me: int, nxt: int) -> bool:
    """Whether the terminal punctuation ``text[ms:me]`` ends the sentence begun at ``start``."""
    if nxt >= len(text):
        return True
    m = _NEXT_WORD.match(text, nxt)
    first = m.group(1) if m else text[nxt]
    if first[:1].islower() or text[nxt] in ",;:-–—":
        return False
    punct = text[ms:me].rstrip("\"'”’»)]")
    if punct == ".":
        tm = _LAST_TOKEN.search(text, max(start, ms - 40), ms)
        token = tm.group(1).lstrip("\"'“‘«([") if tm else ""
        last = token.rsplit("-", 1)[-1]
        if token in _TITLES or last in _TITLES:
            return False
        if _INITIAL.fullmatch(token):
            return False
        if token in _NUMBERED and first.isdigit():
            return False
        if token in _SOFT or last in _SOFT or _DOTTED.fullmatch(token):
            if first not in _OPENERS:
                return False
    if ms - start < _MAX_QUOTE and _inside_quote(text[start:me]):
        return False
    if text[me - 1] in "\"”’'" and _ATTRIBUTION.match(text, nxt):
        return False
    return True


def split_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of (start, end)
        Character offsets, end exclusive, whitespace trimmed; ``text[start:end]`` is
        the sentence.

    Examples
    --------
    >>> t = 'Lt. Gen. Ahmed met Dr. J. K. Rowling in the U.S. on Monday. "It went well. Really," he said.'
    >>> [t[s:e] for s, e in split_spans(t)]
    ['Lt. Gen. Ahmed met Dr. J. K. Rowling in the U.S. on Monday.', '"It went well. Really," he said.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for match in _CANDIDATE.finditer(text):
        ms, me = match.span()
        if ms < start:
            continue
        if text[ms] == "\n":
            nxt = me
            while nxt < n and text[nxt].isspace():
                nxt += 1
            blank_line = "\n" in text[me:nxt]
            if not blank_line and nxt < n and text[nxt].islower():
                continue  # a wrapped line inside a sentence
            spans.append((start, ms))
            start = nxt
            continue
        nxt = me
        while nxt < n and text[nxt].isspace():
            nxt += 1
        if _is_boundary(text, start, ms, me, nxt):
            spans.append((start, me))
            start = nxt
    spans.append((start, n))
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


def segment(articles: Sequence[Article]) -> pd.DataFrame:
    """Sentences of the articles, in article order.

    Returns
    -------
    DataFrame with columns ``article_id, sentence_index, start, end, text`` and an
    ``article_row`` column (position of the article in ``articles``).
    """
    ids, rows, idx, starts, ends, texts = [], [], [], [], [], []
    for row, article in enumerate(articles):
        text = article.text or ""
        for i, (s, e) in enumerate(split_spans(text)):
            ids.append(article.article_id)
            rows.append(row)
            idx.append(i)
            starts.append(s)
            ends.append(e)
            texts.append(text[s:e])
    return pd.DataFrame({
        "article_id": pd.Series(ids, dtype=object),
        "sentence_index": np.asarray(idx, dtype=np.int64),
        "start": np.asarray(starts, dtype=np.int64),
        "end": np.asarray(ends, dtype=np.int64),
        "text": pd.Series(texts, dtype=object),
        "article_row": np.asarray(rows, dtype=np.int64),
    })


def segment_texts(X) -> list[list[str]]:
    """Texts, or already split sentence lists, as lists of sentences.

    Parameters
    ----------
    X : sequence of str or of sequence of str
        Article texts (split with :func:`split_spans`), or sentence lists (kept, minus
        blank entries).

    Returns
    -------
    list of list of str; a unit without text gets ``[""]`` (so it still has a row).
    """
    if isinstance(X, str):
        raise ValueError("X must be a sequence of texts, got a single string")
    docs = []
    for item in X:
        if isinstance(item, str):
            sents = [item[s:e] for s, e in split_spans(item)]
        else:
            sents = [str(s) for s in item if str(s).strip()]
        docs.append(sents or [""])
    return docs
