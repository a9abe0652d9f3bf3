"""Per-language calibration of frame scores: neutral background sentences in each language
and the anchor offsets they give.

With a multilingual encoder a translation lies near its original but not on it (cosine
~0.87 for multilingual-e5-small), so an Urdu sentence is less similar to the codebook's
English prototypes than the same sentence in English, by an amount that depends on the
language much more than on the sentence. The frame anchors (``lo`` = a high quantile of
English background sentences, ``hi`` = a quantile of the prototypes' own similarity) are
English, so the Urdu version of a report calibrates to a much lower score and can fall
below ``off_topic_threshold``.

The bundled background sentences are translations, line by line, of
:data:`framing.scoring.background.GENERIC_SENTENCES` (``framing/data/background/<lang>.txt``,
written for this package). For language *L* and frame *f*::

    offset[L, f] = Q_q(sim_f(B_L)) - Q_q(sim_f(B_en))

where ``B_en`` are the English generic sentences, ``B_L`` their translations, ``sim_f`` the
sentence-frame similarity that the anchors use and ``Q_q`` the ``background_quantile``. An
article in *L* is calibrated with ``(lo_f + offset, hi_f + offset)``: its raw score is read
against neutral text of its own language, at the same distance from the 'off frame'
anchor as in English. Both anchors move by the same amount (a shift, not a rescaling)
because the difference is a roughly constant lowering of every cosine; nothing in the
background says how the 'on frame' end moves, and the prototypes exist in English only.

An offset is used only when the encoder places *L* and English in one space, measured on
the same sentences: the share of ``B_L`` sentences whose nearest English generic sentence is
their own original (``alignment``) must reach :data:`MIN_ALIGNMENT`. An English-only encoder
does not read Urdu; calibrating its Urdu vectors against Urdu background would turn noise
into mid-range scores, so such articles keep the English anchors (and, as before, mostly
the ``off_topic`` flag).

References
----------
Reimers, N. & Gurevych, I. (2020). Making Monolingual Sentence Embeddings Multilingual using
Knowledge Distillation. EMNLP (translation pairs close but not identical in one space;
translation retrieval as the measure of alignment).
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

__all__ = ["BACKGROUND_LANGUAGES", "MIN_ALIGNMENT", "background_sentences", "clear_language_memo",
           "encode_language_backgrounds", "language_offsets", "offset_matrix"]

#: Languages with bundled background sentences (ISO 639-1 codes, as :mod:`framing.language` writes them).
BACKGROUND_LANGUAGES = ("fa", "hi", "ps", "ru", "ur")
#: Smallest translation-retrieval accuracy of a language's background sentences against the
#: English ones for its offsets to be used (see the module docstring).
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


def language_offsets(similarity: Callable[[np.ndarray], np.ndarray], backgrounds: Mapping[str, np.ndarray],
                     quantile: float, frame_ids: Sequence[str], *,
                     min_alignment: float = MIN_ALIGNMENT) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Per-language anchor offsets per frame, and how well each language is aligned with English.

    Parameters
    ----------
    similarity : callable
        Sentence vectors, ndarray of shape (n, dim) -> sentence-frame similarity of shape
        (n, n_frames) (:meth:`PrototypeScorer.sentence_similarity`).
    backgrounds : mapping of str to ndarray of shape (n_background, dim)
        ``"en"`` and other languages, row *i* the same sentence (:func:`encode_language_backgrounds`).
    quantile : float
        The ``background_quantile`` of the 'off frame' anchor.
    frame_ids : sequence of str, length n_frames
    min_alignment : float, default :data:`MIN_ALIGNMENT`

    Returns
    -------
    offsets : dict of str to (dict of str to float)
        Language -> frame id -> offset in cosine units, for the languages whose alignment
        reaches ``min_alignment``.
    alignment : dict of str to float
        Language -> share of its background sentences whose nearest English one is their
        original (every language in ``backgrounds`` except English).

    Examples
    --------
    >>> en = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> ur = np.array([[0.8, 0.1], [0.1, 0.8]])  # the same sentences, 'translated'
    >>> off, align = language_offsets(lambda v: v[:, :1], {"en": en, "ur": ur}, 1.0, ["f"])
    >>> round(off["ur"]["f"], 3), align
    (-0.2, {'ur': 1.0})
    """
    if "en" not in backgrounds:
        raise ValueError("language_offsets: backgrounds must include 'en' (the English generic sentences)")
    en = np.asarray(backgrounds["en"], dtype=np.float32)
    en_q = np.quantile(similarity(en), quantile, axis=0)
    offsets: dict[str, dict[str, float]] = {}
    alignment: dict[str, float] = {}
    for lang, vecs in backgrounds.items():
        if lang == "en":
            continue
        vecs = np.asarray(vecs, dtype=np.float32)
        if vecs.shape != en.shape:
            raise ValueError(f"language_offsets: {lang!r} has {vecs.shape} background vectors, English {en.shape}; "
                             "expected one translation per English sentence")
        nearest = np.argmax(vecs @ en.T, axis=1)
        alignment[lang] = round(float(np.mean(nearest == np.arange(len(en)))), 4)
        if alignment[lang] < min_alignment:
            log.info("language calibration: %s left on the English anchors (alignment %.2f < %.2f)",
                     lang, alignment[lang], min_alignment)
            continue
        delta = np.quantile(similarity(vecs), quantile, axis=0) - en_q
        offsets[lang] = {f: float(d) for f, d in zip(frame_ids, delta)}
    return offsets, alignment


def offset_matrix(languages: Sequence[str], offsets: Mapping[str, Mapping[str, float]],
                  frame_ids: Sequence[str]) -> np.ndarray | None:
    """Anchor offsets per article and frame, ndarray of shape (n_articles, n_frames).

    ``languages`` are the articles' normalised codes (:func:`framing.language.normalise_language`);
    a language without offsets (English, ``""``, ``"und"``, any other) gets 0. ``None`` when
    no article has an offset, so English-only batches take exactly the English path.

    >>> offset_matrix(["en", "ur"], {"ur": {"a": -0.1, "b": -0.2}}, ["a", "b"]).tolist()
    [[0.0, 0.0], [-0.1, -0.2]]
    >>> offset_matrix(["en", ""], {"ur": {"a": -0.1}}, ["a"]) is None
    True
    """
    if not offsets or not any(lang in offsets for lang in languages):
        return None
    out = np.zeros((len(languages), len(frame_ids)), dtype=np.float64)
    for i, lang in enumerate(languages):
        table = offsets.get(lang)
        if table:
            out[i] = [float(table.get(f, 0.0)) for f in frame_ids]
    return out


def clear_language_memo() -> None:
    """Forget the per-process background vectors (as a fresh process would)."""
    with _MEMO_LOCK:
        _MEMO.clear()
