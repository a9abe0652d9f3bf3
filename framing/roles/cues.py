"""Cue features of a mention: dependency relations to role verbs and nouns, and role lexicons.

The dependency cues read spaCy's parse of the mention's sentence. From the span's syntactic
head, climbing through conjunctions, appositions and compounds ("ISKP and BLA attacked",
"the Pakistan army"), the relation to its governor decides the cue kind:

* ``nsubj`` of V, or ``pobj`` of the passive agent "by" of V ("killed by X"), or "by/from X"
  on a noun ("attacks by X") -> ``subject_of`` V;
* ``nsubjpass``/``dobj`` of V, or ``pobj`` of "against/on/at/upon/of" on V or a noun
  ("war against X", "the killing of X") -> ``object_of`` V;
* ``poss`` of N ("X's crackdown") -> ``possessor_of`` N, and, at half weight, N's own
  relation ("X's soldiers were killed" -> ``object_of`` kill);
* a subject also takes the relations of open clausal complements ("X continued to shell");
* ``pobj`` of "in/at/to/into/across/..." -> ``locative`` (a place, usually no role).

The role's ``cues`` (lemma -> weight per kind) turn relations into one score per role.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

_CLIMB = {"conj", "appos", "compound", "flat", "nn"}
_OBJECT_PREPS = {"against", "on", "at", "upon", "of", "toward", "towards", "targeting"}
_SUBJECT_PREPS = {"by", "from"}
_LOCATIVE_PREPS = {"in", "at", "to", "into", "across", "within", "near", "throughout", "inside", "around"}


def relations(doc, start: int, end: int) -> list[tuple[str, str, float]]:
    """Dependency relations of the span ``doc.text[start:end]``: ``[(kind, lemma, weight)]``.

    Parameters
    ----------
    doc : spacy.tokens.Doc
    start, end : int
        Character offsets of the mention in ``doc.text``.

    Examples
    --------
    >>> from framing.roles.nlp import load_nlp           # doctest: +SKIP
    >>> doc = load_nlp()("The militants shelled X.")       # doctest: +SKIP
    >>> relations(doc, 23, 24)                             # doctest: +SKIP
    [('object_of', 'shell', 1.0)]
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return []
    return _relations_of(span.root, 1.0, depth=0)


def _relations_of(token, weight: float, depth: int) -> list[tuple[str, str, float]]:
    tok = token
    for _ in range(4):
        if tok.dep_ in _CLIMB and tok.head is not tok:
            tok = tok.head
        else:
            break
    dep, head = tok.dep_, tok.head
    out: list[tuple[str, str, float]] = []
    if dep in ("nsubj", "csubj"):
        out.append(("subject_of", head.lemma_.lower(), weight))
        out += [("subject_of", c.lemma_.lower(), weight) for c in head.children if c.dep_ == "xcomp"]
        out += [("subject_of", c.lemma_.lower(), weight) for c in head.children
                if c.dep_ == "conj" and c.pos_ == "VERB"]
    elif dep in ("nsubjpass", "dobj", "obj"):
        out.append(("object_of", head.lemma_.lower(), weight))
    elif dep == "pobj":
        prep = head.lower_
        governor = head.head
        if head.dep_ == "agent" or (prep in _SUBJECT_PREPS and governor.pos_ in ("NOUN", "PROPN")):
            out.append(("subject_of", governor.lemma_.lower(), weight))
        elif prep in _OBJECT_PREPS:
            out.append(("object_of", governor.lemma_.lower(), weight * (0.7 if prep == "of" else 1.0)))
        elif prep in _LOCATIVE_PREPS and depth == 0:
            out.append(("locative", prep, weight))
    elif dep == "poss":
        out.append(("possessor_of", head.lemma_.lower(), weight))
        if depth == 0:
            out += _relations_of(head, weight * 0.5, depth + 1)
    elif dep in ("amod",) and depth == 0 and tok.pos_ in ("PROPN", "ADJ"):
        # "Pakistani forces shelled": the adjective's noun carries the relation, at half weight
        out += _relations_of(head, weight * 0.5, depth + 1)
    return out


def cue_scores(rels: Sequence[tuple[str, str, float]], roles) -> np.ndarray:
    """Sum of cue weights matched by the relations, per role.

    Returns
    -------
    ndarray of shape (n_roles,)
    """
    out = np.zeros(len(roles))
    for i, role in enumerate(roles):
        for kind, lemma, weight in rels:
            out[i] += weight * role.cues.get(kind, {}).get(lemma, 0.0)
    return out


def lexicon_scores(sentences: Sequence[str], roles) -> np.ndarray:
    """Weighted matches of each role's lexicon in each sentence (the project's lexicon matcher).

    Returns
    -------
    ndarray of shape (n_sentences, n_roles)
    """
    from framing.scoring.lexicon import term_pattern

    out = np.zeros((len(sentences), len(roles)))
    for j, role in enumerate(roles):
        if not role.lexicon:
            continue
        patterns = [(re.compile(term_pattern(t), re.IGNORECASE), w) for t, w in role.lexicon.items()]
        for i, s in enumerate(sentences):
            out[i, j] = sum(w * len(p.findall(s)) for p, w in patterns)
    return out
