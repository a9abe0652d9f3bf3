"""Per-language calibration of frame scores: neutral background sentences in each language
and the frame anchors they give for articles in that language.

With a multilingual encoder a translation lies near its original but not on it (cosine
~0.87 for multilingual-e5-small), so an Urdu sentence is less similar to the codebook's
English prototypes than the same sentence in English. The frame anchors (``lo`` = a high
quantile of English background sentences, ``hi`` = a quantile of the prototypes' own
similarity) are English, so the Urdu version of a report calibrates to a much lower score
and can fall below ``off_topic_threshold``.

The bundled background sentences are translations, line by line, of
:data:`framing.scoring.background.GENERIC_SENTENCES` (``framing/data/background/<lang>.txt``,
written for this package), so each language comes with 48 translation pairs. On them the
frame similarity of a translation is, to a good approximation, a linear function of its
original's, with a slope below 1 (multilingual-e5-small: 0.49 Pashto to 0.76 Hindi): the
drop grows with the similarity, so one constant offset (the difference of the two
background quantiles) corrects neutral text but leaves on-frame text too low. For language
*L* the fit, pooled over frames with a mean per frame, is::

    sim_f(t_L) ~ m_L,f + b_L * (sim_f(t_en) - m_en,f)

(``m`` the mean similarity of a language's background sentences to frame *f*, ``b_L`` the
least-squares slope), and an article in *L* is calibrated between the anchors the English
ones map to, ``lo_L,f = m_L,f + b_L (lo_f - m_en,f)`` and the same for ``hi``: where an
English text at the anchor would be expected to land once translated. This is classical
linear calibration (fit the measurement on the reference, then read the measurement back
through the fit); the slope is extrapolated from neutral sentences to the on-frame end.

The anchors are used only when the encoder places *L* and English in one space, measured on
the same sentences: the share of *L* background sentences whose nearest English generic
sentence is their own original (``alignment``) must reach :data:`MIN_ALIGNMENT`, and the
slope must be positive. An English-only encoder does not read Urdu; calibrating its Urdu
vectors against Urdu background would turn noise into mid-range scores, so such articles
keep the English anchors (and, as before, mostly the ``off_topic`` flag).

References
----------
Reimers, N. & Gurevych, I. (2020). Making Monolingual Sentence Embeddings Multilingual using
Knowledge Distillation. EMNLP (translation pairs close but not identical in one space;
translation retrieval as the measure of alignment).
Osborne, C. (1991). Statistical calibration: a review. International Statistical Review 59(3),
309-336 (linear calibration and its inverse prediction).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict
from typing import Callable, Mapping, Sequence

import numpy as np

from framing.scoring.background import GENERIC_SENTENCES

log = logging.getLogger(__name__)

__all__ = ["BACKGROUND_LANGUAGES", "MIN_ALIGNMENT", "anchor_matrices", "background_sentences", "clear_language_memo",
           "encode_language_backgrounds", "language_anchors"]

#: Languages with bundled background sentences (ISO 639-1 codes, as :mod:`framing.language` writes them).
BACKGROUND_LANGUAGES = ("fa", "hi", "ps", "ru", "ur")
#: Smallest translation-retrieval accuracy of a language's background sentences against the
#: English ones for its anchors to be used (see the module docstring).
MIN_ALIGNMENT = 0.8
#: Largest background file read (the bundled ones are about 10 KB).
BACKGROUND_MAX_BYTES = 256 * 1024

_MEMO: "OrderedDict[tuple[str, str], np.ndarray]" = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 4 * (len(BACKGROUND_LANGUAGES) + 1)  # four encoders


@functools.lru_cache(maxsize=None)
def background_sentences(language: str) -> tuple[str, ...]:
    """The bundled neutral background sentences of a language.

    ``"en"`` gives :data:`~framing.scoring.background.GENERIC_SENTENCES`; another language
    its file ``framing/data/background/<language>.txt`` (one sentence a line, ``#`` comments),
    whose line *i* translates ``GENERIC_SENTENCES[i]``.

    Raises
    ------
    ValueError
        For a language without a bundled file, or a file that does not have one sentence per
        English generic sentence.

    >>> len(background_sentences("ur")) == len(background_sentences("en"))
    True
    """
    if language == "en":
        return tuple(GENERIC_SENTENCES)
    if language not in BACKGROUND_LANGUAGES:
        raise ValueError(f"no background sentences for language {language!r}; bundled: "
                         f"{', '.join(('en',) + BACKGROUND_LANGUAGES)}")
    from framing.paths import package_file
    from framing.safeio import read_text_limited

    path = package_file("data", "background", f"{language}.txt")
    text = read_text_limited(path, BACKGROUND_MAX_BYTES, what="background sentences")
    lines = tuple(s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#"))
    if len(lines) != len(GENERIC_SENTENCES):
        raise ValueError(f"{path}: {len(lines)} sentences, expected {len(GENERIC_SENTENCES)} "
                         "(one translation per English generic sentence, in order)")
    return lines


def encode_language_backgrounds(encoder, store=None, *, batch_size: int = 512,
                                languages: Sequence[str] = BACKGROUND_LANGUAGES) -> dict[str, np.ndarray]:
    """Vectors of the background sentences of English and ``languages``.

    Memoised per process by (encoder model id, language), like
    :func:`framing.scoring.vectors.encode_codebook`; the sentences not memoised are
    embedded in one pass through ``store``.

    Returns
    -------
    dict of str to ndarray of shape (n_background, dim)
        ``"en"`` first, then ``languages`` in the order given; row *i* of every array is
        the same sentence.
    """
    from framing.embed import embed_sentences

    names = ("en",) + tuple(dict.fromkeys(lang for lang in languages if lang != "en"))
    model_id = encoder.model_id
    with _MEMO_LOCK:
        out = {lang: _MEMO[(model_id, lang)] for lang in names if (model_id, lang) in _MEMO}
    missing = [lang for lang in names if lang not in out]
    if missing:
        texts = {lang: background_sentences(lang) for lang in missing}
        vecs = embed_sentences([t for lang in missing for t in texts[lang]], encoder, store, batch_size=batch_size)
        i = 0
        for lang in missing:
            out[lang] = vecs[i:i + len(texts[lang])]
            i += len(texts[lang])
        with _MEMO_LOCK:
            for lang in missing:
                _MEMO[(model_id, lang)] = out[lang]
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
    return {lang: out[lang] for lang in names}


def language_anchors(similarity: Callable[[np.ndarray], np.ndarray], backgrounds: Mapping[str, np.ndarray],
                     lo: np.ndarray, hi: np.ndarray, frame_ids: Sequence[str], *,
                     min_alignment: float = MIN_ALIGNMENT) -> tuple[dict, dict[str, float], dict[str, float]]:
    """Frame anchors per language, from the linear fit of translated background sentences.

    Parameters
    ----------
    similarity : callable
        Sentence vectors, ndarray of shape (n, dim) -> sentence-frame similarity of shape
        (n, n_frames) (:meth:`PrototypeScorer.sentence_similarity`).
    backgrounds : mapping of str to ndarray of shape (n_background, dim)
        ``"en"`` and other languages, row *i* the same sentence (:func:`encode_language_backgrounds`).
    lo, hi : ndarray of shape (n_frames,)
        The English anchors.
    frame_ids : sequence of str, length n_frames
    min_alignment : float, default :data:`MIN_ALIGNMENT`

    Returns
    -------
    anchors : dict of str to (dict of str to (float, float))
        Language -> frame id -> ``(lo, hi)``, for the languages whose alignment reaches
        ``min_alignment`` and whose slope is positive.
    alignment : dict of str to float
        Language -> share of its background sentences whose nearest English one is their
        original (every language in ``backgrounds`` except English).
    slope : dict of str to float
        Language -> the fitted slope ``b_L``.

    Examples
    --------
    >>> en = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> ur = np.array([[0.8, 0.0], [0.1, 0.6]])  # the same two sentences, 'translated'
    >>> anchors, align, slope = language_anchors(lambda v: v[:, :1], {"en": en, "ur": ur},
    ...                                          np.array([0.5]), np.array([1.0]), ["f"])
    >>> [round(x, 3) for x in anchors["ur"]["f"]], align, round(slope["ur"], 3)
    ([0.45, 0.8], {'ur': 1.0}, 0.7)
    """
    if "en" not in backgrounds:
        raise ValueError("language_anchors: backgrounds must include 'en' (the English generic sentences)")
    en = np.asarray(backgrounds["en"], dtype=np.float32)
    s_en = np.asarray(similarity(en), dtype=np.float64)
    m_en = s_en.mean(axis=0)
    x = s_en - m_en
    lo, hi = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
    anchors: dict[str, dict[str, tuple[float, float]]] = {}
    alignment: dict[str, float] = {}
    slope: dict[str, float] = {}
    for lang, vecs in backgrounds.items():
        if lang == "en":
            continue
        vecs = np.asarray(vecs, dtype=np.float32)
        if vecs.shape != en.shape:
            raise ValueError(f"language_anchors: {lang!r} has {vecs.shape} background vectors, English {en.shape}; "
                             "expected one translation per English sentence")
        nearest = np.argmax(vecs @ en.T, axis=1)
        alignment[lang] = round(float(np.mean(nearest == np.arange(len(en)))), 4)
        s_l = np.asarray(similarity(vecs), dtype=np.float64)
        m_l = s_l.mean(axis=0)
        denom = float((x * x).sum())
        b = float((x * (s_l - m_l)).sum() / denom) if denom > 0 else 0.0
        slope[lang] = round(b, 4)
        if alignment[lang] < min_alignment or not b > 0:
            log.info("language calibration: %s left on the English anchors (alignment %.2f, slope %.2f)",
                     lang, alignment[lang], b)
            continue
        lo_l, hi_l = m_l + b * (lo - m_en), m_l + b * (hi - m_en)
        anchors[lang] = {f: (float(a), float(c)) for f, a, c in zip(frame_ids, lo_l, hi_l)}
    return anchors, alignment, slope


def anchor_matrices(languages: Sequence[str], anchors: Mapping[str, Mapping[str, Sequence[float]]],
                    frame_ids: Sequence[str], lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Anchors per article and frame: two ndarrays of shape (n_articles, n_frames).

    ``languages`` are the articles' normalised codes (:func:`framing.language.normalise_language`);
    a language without anchors of its own (English, ``""``, ``"und"``, any other) gets the
    English ``lo`` and ``hi``. ``None`` when no article has anchors of its own, so
    English-only batches take exactly the English path.

    >>> lo, hi = np.array([0.8, 0.8]), np.array([0.9, 0.9])
    >>> m = anchor_matrices(["en", "ur"], {"ur": {"a": (0.7, 0.8), "b": (0.75, 0.85)}}, ["a", "b"], lo, hi)
    >>> m[0].tolist(), m[1].tolist()
    ([[0.8, 0.8], [0.7, 0.75]], [[0.9, 0.9], [0.8, 0.85]])
    >>> anchor_matrices(["en", ""], {"ur": {"a": (0.7, 0.8)}}, ["a"], lo[:1], hi[:1]) is None
    True
    """
    if not anchors or not any(lang in anchors for lang in languages):
        return None
    n = len(languages)
    lo_m = np.tile(np.asarray(lo, dtype=np.float64), (n, 1))
    hi_m = np.tile(np.asarray(hi, dtype=np.float64), (n, 1))
    for i, lang in enumerate(languages):
        table = anchors.get(lang)
        if table:
            for j, f in enumerate(frame_ids):
                if f in table:
                    lo_m[i, j], hi_m[i, j] = float(table[f][0]), float(table[f][1])
    return lo_m, hi_m


def clear_language_memo() -> None:
    """Forget the per-process background vectors (as a fresh process would)."""
    with _MEMO_LOCK:
        _MEMO.clear()
