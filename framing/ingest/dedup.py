"""Exact and near-duplicate detection across a whole load (MinHash + LSH banding).

The same story republished on two sites is kept once. *Exact* duplicates have the
same normalised text (case, punctuation and spacing ignored). *Near* duplicates
have an estimated Jaccard similarity of their word-3-gram sets of at least
``threshold``; candidates are found with locality-sensitive hashing over MinHash
signatures, so the cost per article does not grow with the corpus (no O(n^2) pass).

References
----------
Broder, A. Z. (1997). On the resemblance and containment of documents. Compression
and Complexity of Sequences, 21-29.
Leskovec, J., Rajaraman, A., & Ullman, J. D. (2014). Mining of Massive Datasets,
2nd ed., ch. 3.4 (the banding technique).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"\w+")
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_BAND_MULT = np.uint64(0x100000001B3)
_P3 = np.uint64(0xFF51AFD7ED558CCD)
#: Shingles hashed per block (the block's hash matrix is ``SHINGLE_BLOCK x num_perm`` uint64: 8 MiB).
SHINGLE_BLOCK = 8192
#: A text with more shingles than this is sampled: only the shingles whose mixed hash falls in
#: the lowest 1/2^k of the range are kept, the smallest k that leaves at most this many. Two
#: near duplicates of similar length get the same k, so their sampled sets still estimate
#: their Jaccard similarity.
MAX_SHINGLES = 100_000


def normalised_tokens(text: str) -> list[str]:
    """Lower-cased word tokens (punctuation and spacing ignored)."""
    return _WORD.findall(text.lower())


def _band_layout(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows): the strictest layout whose LSH threshold (1/b)^(1/r) stays 0.1 below ``threshold``."""
    best = (num_perm, 1)
    rows = 1
    while rows <= num_perm:
        if num_perm % rows == 0:
            bands = num_perm // rows
            if (1.0 / bands) ** (1.0 / rows) <= threshold - 0.1:
                best = (bands, rows)
        rows *= 2
    return best


def _sample(shingles: np.ndarray) -> np.ndarray:
    """The shingles kept for the signature: all of them up to :data:`MAX_SHINGLES`, else a
    hash-defined sample of at most that many (the same shingle is kept in every text)."""
    if len(shingles) <= MAX_SHINGLES:
        return shingles
    mixed = shingles * _P3
    mixed ^= mixed >> np.uint64(29)
    k = int(np.ceil(np.log2(len(shingles) / MAX_SHINGLES)))
    return shingles[mixed < np.uint64(2**64 // 2**k)]


class Deduplicator:
    """Streamed duplicate detection: feed articles one by one with :meth:`check`.

    Parameters
    ----------
    threshold : float, default 0.9
        Estimated Jaccard similarity of word 3-gram sets at or above which two
        texts are near duplicates. Above 1 turns near-duplicate detection off: no
        signature is computed at all (exact duplicates are still merged).
    num_perm : int, default 128
        MinHash signature length (power of two); the similarity estimate has a
        standard error of about ``sqrt(J (1 - J) / num_perm)`` (0.027 at J = 0.9).
        LSH banding uses the first 64 values at most (8 bands of 8 rows at the
        default threshold), which keeps the index small.
    shingle : int, default 3
        Words per shingle.
    random_state : int, default 0
        Seed of the MinHash permutations.
    max_bucket : int, default 50
        At most this many kept articles are remembered per LSH bucket, so a corpus
        of many similar-but-distinct texts (templated reports) cannot make the
        check quadratic; beyond it, recall for that bucket drops slightly.

    Examples
    --------
    >>> d = Deduplicator()
    >>> d.check("a1", "The minister met the envoy in Islamabad on Monday.")
    >>> d.check("a2", "The minister met the envoy in Islamabad on Monday!")
    ('a1', 'exact')
    """

    def __init__(self, threshold: float = 0.9, num_perm: int = 128, shingle: int = 3, random_state: int = 0,
                 max_bucket: int = 50):
        if not 0.0 < float(threshold):
            raise ValueError(f"near_duplicate_threshold must be in (0, 1], got {threshold!r}")
        if num_perm < 2 or num_perm & (num_perm - 1):
            raise ValueError(f"num_perm must be a power of two >= 2, got {num_perm!r}")
        self.threshold = float(threshold)
        self.num_perm = num_perm
        self.shingle = shingle
        self.random_state = random_state
        self.max_bucket = max_bucket
        rng = np.random.default_rng(random_state)
        self._a = (rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1))
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self.bands, self.rows = _band_layout(min(num_perm, 64), min(self.threshold, 1.0))
        self._band_mults = _BAND_MULT ** np.arange(1, self.rows + 1, dtype=np.uint64)
        self._exact: dict[bytes, str] = {}
        self._buckets: list[dict[int, list[int] | int]] = [dict() for _ in range(self.bands)]
        self._sigs: list[np.ndarray] = []
        self._ids: list[str] = []
        self.last_kept: tuple[str, bytes, np.ndarray | None] | None = None

    def __len__(self) -> int:
        return len(self._exact)

    def signature(self, tokens: list[str]) -> np.ndarray:
        """MinHash signature of the word-shingle set, ndarray of shape (num_perm,) uint32."""
        import pandas as pd

        words = (pd.util.hash_array(np.asarray(tokens, dtype=object), categorize=False) if tokens
                 else np.zeros(1, np.uint64))
        k = self.shingle
        if len(words) >= k:
            sh = words[: len(words) - k + 1].copy()
            for j in range(1, k):
                sh = sh * _P1 + words[j: len(words) - k + 1 + j] * _P2
        else:
            sh = np.array([np.bitwise_xor.reduce(words * _P2)], dtype=np.uint64)
        del words
        sh = _sample(sh)
        out = np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        for start in range(0, len(sh), SHINGLE_BLOCK):  # bounded memory for any text length
            block = sh[start:start + SHINGLE_BLOCK]
            hashed = (block[:, None] * self._a[None, :] + self._b[None, :]) >> np.uint64(32)
            np.minimum(out, hashed.min(axis=0), out=out)
        return out.astype(np.uint32)

    @property
    def near_enabled(self) -> bool:
        """Whether near-duplicate detection is on (``threshold <= 1``)."""
        return self.threshold <= 1.0

    def _band_keys(self, sig: np.ndarray) -> list[int]:
        bands = sig[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        return (bands * self._band_mults).sum(axis=1).tolist()

    def known_ids(self) -> set[str]:
        """Ids of every article remembered as kept so far."""
        return set(self._exact.values()) | set(self._ids)

    @property
    def params_key(self) -> str:
        """Identifies the signature scheme; stored signatures are reusable only under the same key."""
        return f"minhash-v1:perm={self.num_perm}:shingle={self.shingle}:seed={self.random_state}"

    def check(self, article_id: str, text: str) -> tuple[str, str] | None:
        """Register an article; return ``(kept_id, "exact"|"near")`` if it duplicates a kept one, else None.

        A non-duplicate is remembered as kept under ``article_id``; its index entry
        ``(article_id, text_key, signature or None)`` is then in :attr:`last_kept`.
        """
        tokens = normalised_tokens(text)
        key = hashlib.sha1(" ".join(tokens).encode("utf-8")).digest()
        kept = self._exact.get(key)
        if kept is not None:
            return kept, "exact"
        sig = None
        if len(tokens) > 0 and self.near_enabled:  # off means off: no signature is computed
            sig = self.signature(tokens)
        if sig is not None and self.threshold <= 1.0:
            seen: set[int] = set()
            for band, bkey in enumerate(self._band_keys(sig)):
                hit = self._buckets[band].get(bkey)
                if hit is None:
                    continue
                for idx in (hit if isinstance(hit, list) else (hit,)):
                    if idx in seen:
                        continue
                    seen.add(idx)
                    if float(np.mean(self._sigs[idx] == sig)) >= self.threshold:
                        return self._ids[idx], "near"
        self.add_known(article_id, key, sig)
        self.last_kept = (article_id, key, sig)
        return None

    def add_known(self, article_id: str, text_key: bytes, signature: np.ndarray | None) -> None:
        """Remember an article kept earlier (e.g. read back from a store's duplicate index)."""
        self._exact.setdefault(text_key, article_id)
        if signature is None or self.threshold > 1.0:
            return
        idx = len(self._sigs)
        self._sigs.append(signature)
        self._ids.append(article_id)
        for band, bkey in enumerate(self._band_keys(signature)):
            bucket = self._buckets[band]
            hit = bucket.get(bkey)
            if hit is None:
                bucket[bkey] = idx
            elif isinstance(hit, list):
                if len(hit) < self.max_bucket:
                    hit.append(idx)
            else:
                bucket[bkey] = [hit, idx]
