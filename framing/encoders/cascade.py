"""The cascade encoder: the static model embeds every sentence, the transformer only those that
can change a result.

A frame score is the mean of an article's ``top_k`` sentence similarities, an axis position is
weighted towards the most relevant sentences, and document vectors lean on the lead. So, per
article, :meth:`CascadeEncoder.embed_grouped` ranks the sentences in the static space by their
similarity to each frame's prototypes (the *guides*, set by :meth:`CascadeEncoder.guided` from
a codebook) and sends to the transformer the lead sentences and, frame by frame and rank by
rank, the best candidates until the article's budget is spent: ``max(lead + top_k + margin,
ceil(fraction * n))`` sentences (all of a short article). Every other sentence keeps its static
vector mapped into the transformer's space by a ridge regression fitted on the sentences that
have both vectors (the call's own candidates), so it still counts in document vectors and
axis weights, on the transformer's scale.

The rule is deterministic (ties broken by position) and the settings are part of ``model_id``,
so a manifest that names the encoder names the rule; vectors of the transformer and the static
model are cached under their own ids. Small inputs (under ``min_sentences`` distinct sentences)
are embedded by the transformer alone: there the cascade would save little and the map would
rest on few pairs. ``encode`` (codebook sentences, single texts) is the transformer's.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from framing.encoders.base import LazyEncoder, normalise

__all__ = ["CascadeEncoder", "CascadeInfo", "select_candidates"]


@dataclass
class CascadeInfo:
    """What one :meth:`CascadeEncoder.embed_grouped` call did.

    ``exact``: bool per sentence (True = transformer vector); ``n_unique`` distinct sentences,
    ``n_fine`` of them embedded by the transformer; ``map_pairs``: sentences the static-to-
    transformer map was fitted on (0 when every sentence is exact).
    """

    exact: np.ndarray
    n_unique: int
    n_fine: int
    map_pairs: int


def select_candidates(article_index: np.ndarray, similarity: np.ndarray | None, *, top_k: int = 3,
                      margin: int = 2, lead: int = 2, fraction: float = 0.25,
                      already: np.ndarray | None = None) -> np.ndarray:
    """Which sentences the transformer embeds: bool ndarray of shape (n_sentences,).

    Parameters
    ----------
    article_index : ndarray of shape (n_sentences,)
        Article row of each sentence (non-decreasing).
    similarity : ndarray of shape (n_sentences, n_guides) or None
        Static-space similarity of each sentence to each guide (frame). ``None``: no guides;
        the budget is filled with sentences evenly spread over the article.
    top_k, margin, lead, fraction
        Per article: the first ``lead`` sentences, then candidates until ``max(lead + top_k +
        margin, ceil(fraction * n))`` sentences are chosen. With guides, candidates come rank
        by rank (every guide's best sentence, then every guide's second, ...; ties by
        position), so each guide's ``top_k + margin`` best are in whenever the budget allows.
    already : ndarray of bool, optional
        Sentences chosen before (they count towards the budget and stay chosen).

    Examples
    --------
    >>> idx = np.array([0] * 8)
    >>> sims = np.array([[0.1], [0.2], [0.9], [0.3], [0.8], [0.1], [0.7], [0.0]])
    >>> np.flatnonzero(select_candidates(idx, sims, top_k=1, margin=0, lead=1, fraction=0.25)).tolist()
    [0, 2]
    """
    article_index = np.asarray(article_index, dtype=np.int64)
    n = len(article_index)
    chosen = np.zeros(n, dtype=bool) if already is None else np.asarray(already, dtype=bool).copy()
    if n == 0:
        return chosen
    starts = np.flatnonzero(np.r_[True, np.diff(article_index) != 0])
    ends = np.r_[starts[1:], n]
    floor = lead + top_k + margin
    for s, e in zip(starts, ends):
        m = e - s
        budget = max(floor, math.ceil(fraction * m))
        if budget >= m:
            chosen[s:e] = True
            continue
        chosen[s:s + min(lead, m)] = True
        if similarity is None or similarity.shape[1] == 0:
            spread = np.unique(np.linspace(0, m - 1, num=budget).round().astype(int))  # evenly spread first
            order = np.r_[spread, np.setdiff1d(np.arange(m), spread)]
        else:
            sims = np.asarray(similarity[s:e], dtype=np.float64)
            ranks = np.argsort(-sims, axis=0, kind="stable")  # (m, n_guides): row r = every guide's r-th best
            order = ranks.reshape(-1)  # rank-major: all guides' best first
        picked = int(chosen[s:e].sum())
        for i in order:
            if picked >= budget:
                break
            if not chosen[s + i]:
                chosen[s + i] = True
                picked += 1
    return chosen


def fit_map(static: np.ndarray, fine: np.ndarray, ridge: float = 1.0) -> np.ndarray:
    """Ridge regression from static vectors (with a bias column) to transformer vectors:
    ndarray of shape (dim_static + 1, dim_fine)."""
    A = np.hstack([static.astype(np.float64), np.ones((len(static), 1))])
    gram = A.T @ A + ridge * np.eye(A.shape[1])
    return np.linalg.solve(gram, A.T @ fine.astype(np.float64))


def apply_map(static: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Static vectors mapped by :func:`fit_map`'s ``W`` into the transformer space, unit length."""
    A = np.hstack([static.astype(np.float64), np.ones((len(static), 1))])
    return normalise(A @ W)


class CascadeEncoder(LazyEncoder):
    """Static vectors for every sentence, transformer vectors where they can change a result.

    Parameters
    ----------
    fine : Encoder, default None (all-MiniLM-L6-v2)
        The transformer.
    coarse : Encoder, default None (the static model2vec model distilled from it)
        The cheap model that embeds every sentence.
    fraction : float, default 0.25
        Share of an article's sentences the transformer embeds (at least ``lead + top_k +
        margin``; all of a short article).
    top_k : int, default 3
        The scoring ``top_k`` whose candidates are protected.
    margin : int, default 2
        Extra candidates per guide beyond ``top_k``.
    lead : int, default 2
        Lead sentences always embedded by the transformer.
    min_sentences : int, default 2000
        Inputs with fewer distinct sentences are embedded by the transformer alone.
    ridge : float, default 1.0
        Ridge penalty of the static-to-transformer map.

    Examples
    --------
    >>> enc = CascadeEncoder()
    >>> enc.model_id.startswith("cascade(")
    True
    """

    _loaded = ("fine_", "coarse_")
    fine_ = None
    coarse_ = None

    def __init__(self, fine=None, coarse=None, *, fraction: float = 0.25, top_k: int = 3, margin: int = 2,
                 lead: int = 2, min_sentences: int = 2000, ridge: float = 1.0,
                 guides: Mapping[str, Sequence[str]] | None = None):
        if not 0 < float(fraction) <= 1:
            raise ValueError(f"fraction={fraction!r}: expected a number in (0, 1]")
        for name, value in (("top_k", top_k), ("margin", margin), ("lead", lead), ("min_sentences", min_sentences)):
            if int(value) < 0:
                raise ValueError(f"{name}={value!r}: expected a non-negative integer")
        self.fine = fine
        self.coarse = coarse
        self.fraction = float(fraction)
        self.top_k = int(top_k)
        self.margin = int(margin)
        self.lead = int(lead)
        self.min_sentences = int(min_sentences)
        self.ridge = float(ridge)
        self.guides = {str(k): list(v) for k, v in (guides or {}).items()}

    # ------------------------------------------------------------------ parts
    def _part(self, which: str):
        attr = f"{which}_"
        if getattr(self, attr) is None:
            setting = getattr(self, which)
            if setting is None:
                from framing.encoders.static import StaticEncoder
                from framing.encoders.transformer import SentenceTransformerEncoder

                setting = SentenceTransformerEncoder() if which == "fine" else StaticEncoder()
            setattr(self, attr, setting)
        return getattr(self, attr)

    @property
    def fine_encoder(self):
        return self._part("fine")

    @property
    def coarse_encoder(self):
        return self._part("coarse")

    @property
    def guide_id(self) -> str:
        """Short sha256 of the guide texts ("" without guides)."""
        if not self.guides:
            return ""
        digest = hashlib.sha256()
        for key in sorted(self.guides):
            digest.update(key.encode() + b"\0" + "\0".join(self.guides[key]).encode() + b"\1")
        return digest.hexdigest()[:12]

    @property
    def model_id(self) -> str:
        rule = f"f={self.fraction:g},k={self.top_k},m={self.margin},lead={self.lead},min={self.min_sentences}," \
               f"ridge={self.ridge:g}"
        guide = f",guides={self.guide_id}" if self.guides else ""
        return f"cascade({self.fine_encoder.model_id}|{self.coarse_encoder.model_id}|{rule}{guide})"

    @property
    def dim(self) -> int:
        return int(self.fine_encoder.dim)

    def guided(self, codebook, top_k: int | None = None) -> "CascadeEncoder":
        """A copy whose guides are the codebook's frame prototypes (selection per frame) and
        whose ``top_k`` is the scoring's."""
        guides = {f.id: list(f.prototypes) for f in codebook.frames if f.prototypes}
        top_k = self.top_k if top_k is None else int(top_k)
        if guides == self.guides and top_k == self.top_k:
            return self
        params = {k: v for k, v in self.__dict__.items() if not k.endswith("_")}
        params.update(guides=guides, top_k=top_k)
        copy = CascadeEncoder(**params)
        copy.fine_, copy.coarse_ = self.fine_, self.coarse_
        return copy

    def describe(self) -> dict:
        """The rule's settings (for manifests)."""
        return {"fine": self.fine_encoder.model_id, "coarse": self.coarse_encoder.model_id,
                "fraction": self.fraction, "top_k": self.top_k, "margin": self.margin, "lead": self.lead,
                "min_sentences": self.min_sentences, "ridge": self.ridge, "guides": sorted(self.guides),
                "guide_id": self.guide_id}

    # ------------------------------------------------------------------ encoding
    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """The transformer's vectors (codebook sentences and other ungrouped texts are exact)."""
        return self.fine_encoder.encode(list(sentences))

    def _guide_similarity(self, vectors: np.ndarray, cache, batch_size: int) -> np.ndarray | None:
        """Similarity of (transformer-space) sentence vectors to each guide: max over its prototypes."""
        from framing.embed import embed_sentences

        if not self.guides:
            return None
        texts = [t for ts in self.guides.values() for t in ts]
        owner = np.repeat(np.arange(len(self.guides)), [len(ts) for ts in self.guides.values()])
        protos = embed_sentences(texts, self.fine_encoder, cache, batch_size=batch_size)
        sims = vectors @ protos.T
        out = np.empty((len(vectors), len(self.guides)), dtype=np.float32)
        for g in range(len(self.guides)):
            out[:, g] = sims[:, owner == g].max(axis=1)
        return out

    def embed_grouped(self, texts: Sequence[str], article_index: np.ndarray, cache=None, *, batch_size: int = 512,
                      progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, CascadeInfo]:
        """Vectors of an article batch's sentences (grouped by ``article_index``), in the
        transformer's space, and what was done (:class:`CascadeInfo`).

        Two rounds: the transformer embeds the lead and an even spread of every article (a
        ``fraction / 3`` share), a ridge map from the static vectors to those is fitted, and the
        remaining budget goes to the sentences whose *mapped* vectors are most similar to each
        guide (rank by rank, as :func:`select_candidates`). The map is then refitted on every
        embedded sentence and gives the vectors of the rest. ``progress(done, total)`` follows
        the transformer's share (the static pass is quick).
        """
        from framing.embed import embed_sentences
        from framing.store import sentence_hash

        texts = list(texts)
        article_index = np.asarray(article_index, dtype=np.int64)
        hashes = np.array([sentence_hash(t) for t in texts], dtype=object)
        first: dict[str, int] = {}
        for i, h in enumerate(hashes):
            first.setdefault(h, i)
        n_unique = len(first)
        if n_unique < self.min_sentences:
            vectors = embed_sentences(texts, self.fine_encoder, cache, batch_size=batch_size, progress=progress)
            return vectors, CascadeInfo(np.ones(len(texts), dtype=bool), n_unique, n_unique, 0)
        static = embed_sentences(texts, self.coarse_encoder, cache, batch_size=batch_size)
        fine: dict[str, np.ndarray] = {}
        total = [0]

        def embed_more(mask: np.ndarray) -> None:
            """Transformer vectors for the distinct sentences under ``mask`` not embedded yet."""
            rows = sorted({first[h] for h in hashes[mask] if h not in fine})
            done = total[0]
            tick = None if progress is None else (lambda d, t: progress(done + d, done + t))
            vecs = embed_sentences([texts[i] for i in rows], self.fine_encoder, cache, batch_size=batch_size,
                                   progress=tick)
            fine.update(zip(hashes[rows], vecs))
            total[0] += len(rows)

        def mapped() -> tuple[np.ndarray, np.ndarray, int]:
            """(exact mask, vectors: exact where embedded, else the static ones mapped, pairs)."""
            exact = np.fromiter((h in fine for h in hashes), dtype=bool, count=len(texts))
            rows = sorted({first[h] for h in hashes[exact]})
            W = fit_map(static[rows], np.vstack([fine[hashes[r]] for r in rows]), self.ridge)
            out = np.empty((len(texts), W.shape[1]), dtype=np.float32)
            if exact.any():
                out[exact] = np.vstack([fine[h] for h in hashes[exact]])
            if (~exact).any():
                out[~exact] = apply_map(static[~exact], W)
            return exact, out, len(rows)

        seed = select_candidates(article_index, None, top_k=0, margin=0, lead=self.lead,
                                 fraction=self.fraction / 3)
        embed_more(seed)
        exact, vectors, _ = mapped()
        chosen = select_candidates(article_index, self._guide_similarity(vectors, cache, batch_size),
                                   top_k=self.top_k, margin=self.margin, lead=self.lead, fraction=self.fraction,
                                   already=exact)
        embed_more(chosen)
        exact, vectors, pairs = mapped()
        return vectors, CascadeInfo(exact, n_unique, len(fine), pairs if (~exact).any() else 0)
