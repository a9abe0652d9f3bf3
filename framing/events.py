"""Events: group articles that report the same event, across outlets.

Two articles are close when their document embeddings are close (cosine), when
their texts share distinctive words (tf-idf cosine) and when they name the same
actors (Jaccard on actor sets from the codebook's gazetteer plus capitalised names);
articles further apart in time than ``date_window_days`` can never join (a missing
date constrains nothing). Articles are grouped by average-linkage agglomerative
clustering with a distance threshold; singletons are kept and reported.

Small corpora (``n <= max_exact``) use the full pairwise distance matrix. Larger ones
never build an n x n matrix: candidate pairs come from exact top-k neighbours inside
date windows (and a pynndescent index for undated articles), pairs closer than the
threshold form a graph, and each connected component is clustered exactly. Average
linkage only merges clusters that have at least one pair below the threshold, so no
cluster crosses components.

Each event gets a stable id (hash of its sorted article ids), a short label (its most
distinctive tf-idf terms and its most named actors), its date range and its outlets.

An article without a date gets one from its text (:func:`framing.dates.date_from_text`: a
dateline, a full date, a weekday relative to either); ``article_date`` is the date used and
``date_source`` says where it came from (``given``, ``dateline``, ``text``, ``none``). Events
are grouped into **storylines** (:func:`framing.storylines.storylines`: related events of one
long-running story, ``storyline_id``).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_is_fitted

from framing.codebook import compile_gazetteer
from framing.dates import date_from_text
from framing.storylines import storylines

log = logging.getLogger(__name__)

__all__ = ["EventClusterer", "cluster_events", "extract_actors", "EVENT_COLUMNS"]

EVENT_COLUMNS = ["article_id", "event_id", "event_label", "event_size", "event_outlets", "event_start", "event_end",
                 "article_date", "date_source", "storyline_id", "storyline_label"]

_FAR = 1e3  # distance of pairs that may not join (outside the date window)
_BRUTE_FORCE_MAX = 20_000  # undated articles: exact blockwise neighbours up to this n, then pynndescent

# Capitalised words (or acronyms), optionally joined by a few lower-case particles.
_CAP = r"(?:[A-Z][a-z]+(?:[-'’](?![sS]\b)[A-Za-z]+)*|[A-Z]{2,}[a-z]?|[A-Z]\.(?:[A-Z]\.)+)"
_NAME_RE = re.compile(rf"(?<![\w-]){_CAP}(?:\s+(?:(?:of|al|bin|de|del|la|van|von|der|for)\s+)?{_CAP})*(?![\w-])")
_TITLES = {
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "president", "senator",
    "representative", "governor", "secretary", "minister", "prime", "chairman", "chairwoman", "judge",
    "justice", "speaker", "leader", "general", "director", "former", "vice", "chief", "sir", "lord",
    "saint", "st", "king", "queen", "prince", "attorney", "rev", "pope", "mayor", "officer", "adviser",
    "spokesman", "spokeswoman", "ambassador", "envoy", "commissioner", "commander", "inspector", "u.s", "said", "says", "according", "read", "more", "photo", "image",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "today", "yesterday", "tomorrow", "breaking", "update", "updated", "advertisement",
}


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def extract_actors(text: str, title: str = "", *, gazetteer=None, max_actors: int = 15) -> Counter:
    """Named actors of one article: gazetteer matches plus capitalised names.

    A light heuristic, no NER model: runs of capitalised words (``Michael Steele``,
    ``Republican National Committee``, ``ISIS``) with leading titles and sentence-initial
    function words stripped; a single word is folded into a longer name of the same
    article that contains it (``Steele`` -> ``Michael Steele``); a single word seen only
    at the start of sentences, or also in lower case, is not a name. A single-word name
    seen once is kept only when it is in the title or the gazetteer.

    Parameters
    ----------
    text, title : str
    gazetteer : output of :func:`framing.codebook.compile_gazetteer`, or a Codebook, optional
        A codebook's ``entities`` (names and aliases) map onto their canonical name.
    max_actors : int, default 15
        Keep the most mentioned ones.

    Returns
    -------
    collections.Counter
        Display name -> mentions.

    Examples
    --------
    >>> extract_actors("Mr. Steele spoke. Michael Steele resigned. The RNC met; Steele left.")
    Counter({'Michael Steele': 3})
    """
    if gazetteer is not None and not isinstance(gazetteer, list):
        gazetteer = compile_gazetteer(gazetteer)
    stop = _stop_words()
    counts: Counter = Counter()
    pinned: set[str] = set()
    for pattern, table in gazetteer or []:
        folded = bool(pattern.flags & re.IGNORECASE)

        def _count(match: re.Match, table=table, folded=folded) -> str:
            surface = match.group(0)
            canonical = table[surface.lower() if folded else surface]
            counts[canonical] += 1
            pinned.add(canonical)
            # blank the match so the capitalised-name pass does not count it again
            return " " * len(surface)

        title = pattern.sub(_count, title or "")
        text = pattern.sub(_count, text)
    lower_words = set(re.findall(r"\b[a-z][a-z\-]+\b", text))
    title_words = re.findall(r"[A-Za-z][\w'’\-]*", title or "")
    long_words = [w for w in title_words if len(w) >= 4]
    headline_case = bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)
    raw: Counter = Counter()
    mid_sentence: set[str] = set()
    # A Title-Case headline capitalises everything: read names from the text only.
    for source in ((text,) if headline_case else (title, text)):
        for match in _NAME_RE.finditer(source or ""):
            words = match.group(0).split()
            # "Interior Minister Mohsin Naqvi" -> "Mohsin Naqvi": drop up to the last title word
            titled = [k for k, w in enumerate(words[:-1]) if w.lower().rstrip(".") in _TITLES]
            if titled:
                words = words[titled[-1] + 1:]
            while words and (words[0].lower().rstrip(".") in _TITLES or words[0].lower() in stop):
                words = words[1:]
            while words and (words[-1].lower().rstrip(".") in _TITLES or words[-1].lower() in stop):
                words = words[:-1]
            if not words:
                continue
            name = " ".join(words)
            if len(name) < 3 or name.lower() in stop:
                continue
            # A single capitalised word that also appears in lower case is a common word
            # at the start of a sentence ("Speaking", "Officials"), not a name.
            if len(words) == 1 and not name.isupper() and name.lower() in lower_words:
                continue
            raw[name] += 1
            before = source[: match.start()].rstrip()
            if before and before[-1] not in ".!?:\"“”'‘’\n":
                mid_sentence.add(name)
    title_tokens = set(re.findall(r"[\w'’\-.]+", (title or "").lower()))
    title_names = {n for n in raw if title_tokens and all(w in title_tokens for w in n.lower().split())}
    # Fold single words into a longer name that contains them.
    multi = [n for n in raw if " " in n]
    for name, hits in raw.items():
        target = name
        if " " not in name:
            holders = [m for m in multi if name in m.split()]
            if holders:
                target = max(holders, key=lambda m: raw[m])
            elif name not in mid_sentence and not name.isupper():
                continue  # only ever capitalised at the start of a sentence
        counts[target] += hits
        if name in title_names:
            title_names.add(target)
    kept = Counter({n: c for n, c in counts.items() if c >= 2 or " " in n or n in pinned or n in title_names})
    return Counter(dict(kept.most_common(max_actors)))


# ---------------------------------------------------------------------- features
def _tfidf(texts, n: int):
    """TF-IDF matrix of ``n`` texts (any iterable, read once) and its vocabulary."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z\-]{2,}\b",
        max_df=0.5 if n >= 20 else 1.0, min_df=1, dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError as exc:  # empty vocabulary (no text at all)
        if "empty vocabulary" not in str(exc):
            raise
        return sparse.csr_matrix((n, 0), dtype=np.float32), np.array([], dtype=object)
    return matrix.tocsr(), vectorizer.get_feature_names_out()


def _actor_matrix(actor_counts: list[Counter]):
    """Binary article x actor matrix over corpus-level actor keys.

    A single-word name is mapped to the most common multi-word name of the corpus
    that ends with it (``Obama`` -> ``Barack Obama``), so articles that use the short
    and the long form still share the actor.
    """
    totals: Counter = Counter()
    for c in actor_counts:
        totals.update({n.lower(): v for n, v in c.items()})
    best_long: dict[str, str] = {}
    for name, _ in totals.most_common():
        parts = name.split()
        if len(parts) > 1 and parts[-1] not in best_long:
            best_long[parts[-1]] = name
    keys: dict[str, int] = {}
    rows, cols = [], []
    for i, c in enumerate(actor_counts):
        seen = set()
        for name in c:
            key = name.lower()
            key = best_long.get(key, key) if " " not in key else key
            if key in seen:
                continue
            seen.add(key)
            rows.append(i)
            cols.append(keys.setdefault(key, len(keys)))
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(actor_counts), max(len(keys), 1)))


def _days(published: pd.Series) -> np.ndarray:
    """Day numbers (float, NaN for missing dates)."""
    stamps = pd.to_datetime(published, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    values = stamps.to_numpy(dtype="datetime64[ns]")
    days = values.astype("datetime64[D]").astype(np.int64).astype(np.float64)
    days[pd.isna(stamps).to_numpy()] = np.nan
    return days


class _Features:
    """What the distance needs, for all articles."""

    def __init__(self, vectors, tfidf, actors, days, languages=None):
        self.vectors = vectors
        self.tfidf = tfidf
        self.actors = actors
        self.actor_sizes = np.asarray(actors.sum(axis=1)).ravel()
        self.days = days
        self.languages = languages  # integer codes, -1 = unknown; None = one language


def _language_codes(frame: pd.DataFrame):
    """Integer language codes of the rows (-1 where unknown), or None when fewer than two
    languages are known (then every pair is compared the same way)."""
    if "language" not in frame:
        return None
    lang = frame["language"].astype("string").str.strip().str.lower().replace("", pd.NA)
    codes, uniques = pd.factorize(lang)
    return codes.astype(np.int64) if len(uniques) > 1 else None


class EventClusterer(ClusterMixin, BaseEstimator):
    """Group articles into events across outlets.

    Parameters
    ----------
    codebook : Codebook, optional
        Its ``entities`` (names and aliases) form the actor gazetteer.
    distance_threshold : float, default 0.55
        Average-linkage clusters stop merging at this combined distance. The defaults
        (threshold and weights) were chosen on one half of the BASIL events and checked
        on the other (``bench/bench_events.py``, docs/benchmarks.md).
    date_window_days : float or None, default 7
        Articles further apart (in days) can never share an event; ``None`` turns the
        window off. Missing dates never constrain.
    embedding_weight, text_weight, actor_weight : float, default 0.5, 0.3, 0.2
        Weights of the three distances (normalised to sum 1): cosine distance of the
        document embeddings, cosine distance of tf-idf vectors, Jaccard distance of
        actor sets.
    embedding_scale : float, default 1.0
        Multiplies the embedding distance before it is weighted: an encoder that puts all
        news close together (multilingual-e5's cosines sit between 0.75 and 0.9) needs its
        distances stretched to the range the threshold was chosen for
        (:func:`framing.encoders.spread.event_distance_scale` gives the encoder's value;
        1 for MiniLM).
    cross_language_threshold : float, default 0.35
        Two articles whose ``language`` column values differ (both known) share no words
        or actor spellings to compare, so their distance is the scaled embedding distance
        alone, and it must be below this value (instead of ``distance_threshold`` for the
        combined distance). With the multilingual encoder the same report in two languages
        sits at 0.08-0.36 on the paired test reports, other reports from 0.15 up: the date
        window, not this threshold, keeps reports of different weeks apart.
    linkage : {"average", "complete", "single"}, default "average"
    max_exact : int, default 4000
        Above this many articles the neighbour-graph path is used instead of a full
        distance matrix.
    max_component : int, default 3000
        On the neighbour-graph path, a connected component larger than this is split
        at a tighter threshold before its exact clustering (bounds memory: the exact
        clustering of m articles holds about four m x m float64 arrays, 290 MB at 3,000).
    n_neighbors : int, default 20
        Candidate neighbours per article on the neighbour-graph path. An event is found
        whole when its articles are linked through these neighbour lists; an event with
        many more than ``n_neighbors`` near-identical articles may come out split.
    random_state : int, default 0
        Seeds the nearest-neighbour index.
    dates_from_text : bool, default True
        Articles without a date get one from their text (:func:`framing.dates.date_from_text`)
        for the date window and the event dates.
    storylines : bool, default True
        Also group the events into storylines (:func:`framing.storylines.storylines`).
    storyline_threshold : float, default 0.6
        The storyline distance threshold.

    Attributes
    ----------
    labels_ : ndarray of shape (n_articles,)
        Event number of each article (0 .. n_events-1, largest events first).
    events_ : DataFrame
        One row per article, in input order, with ``EVENT_COLUMNS``.
    actors_ : list of collections.Counter
        The actors found in each article.
    dates_ : Series of datetime64
        The date of each article used for events (given, or read from the text).
    date_sources_ : ndarray of str
        ``given``, ``dateline``, ``text`` or ``none`` per article.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"],
    ...     "published": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-03-01"]),
    ...     "title": ["Quake hits Nepal", "Nepal quake", "Budget vote"],
    ...     "text": ["A quake hit Nepal.", "Nepal was hit by a quake.", "Congress votes on the budget."]})
    >>> vectors = np.array([[1, 0], [0.99, 0.14], [0, 1]], dtype=np.float32)
    >>> EventClusterer().fit(frame, vectors).events_["event_size"].tolist()
    [2, 2, 1]
    """

    def __init__(
        self,
        codebook=None,
        distance_threshold: float = 0.55,
        date_window_days: float | None = 7,
        embedding_weight: float = 0.5,
        text_weight: float = 0.3,
        actor_weight: float = 0.2,
        embedding_scale: float = 1.0,
        cross_language_threshold: float = 0.35,
        linkage: str = "average",
        max_exact: int = 4000,
        max_component: int = 3000,
        n_neighbors: int = 20,
        random_state: int = 0,
        dates_from_text: bool = True,
        storylines: bool = True,
        storyline_threshold: float = 0.6,
    ):
        self.codebook = codebook
        self.distance_threshold = distance_threshold
        self.date_window_days = date_window_days
        self.embedding_weight = embedding_weight
        self.text_weight = text_weight
        self.actor_weight = actor_weight
        self.embedding_scale = embedding_scale
        self.cross_language_threshold = cross_language_threshold
        self.linkage = linkage
        self.max_exact = max_exact
        self.max_component = max_component
        self.n_neighbors = n_neighbors
        self.random_state = random_state
        self.dates_from_text = dates_from_text
        self.storylines = storylines
        self.storyline_threshold = storyline_threshold

    # ------------------------------------------------------------------ api
    def fit(self, X: pd.DataFrame, doc_vectors=None, y=None, texts=None) -> "EventClusterer":
        """Cluster the articles of ``X`` (columns article_id, outlet, published, title, text).

        Parameters
        ----------
        X : DataFrame of shape (n_articles, ...)
        doc_vectors : ndarray of shape (n_articles, dim)
            Document embeddings in the same row order (L2-normalised or not).
        y : ignored
        texts : iterable of str, optional
            The article texts in row order, read once, in place of ``X["text"]``: a
            generator streaming them from disk keeps a large corpus's texts out of
            memory (only the tf-idf matrix and the actor sets are kept).
        """
        frame, vectors = self._validate(X, doc_vectors)
        n = len(frame)
        titles = frame["title"].fillna("").astype(str).tolist() if "title" in frame else [""] * n
        if texts is None:
            texts = frame["text"].fillna("").astype(str) if "text" in frame else [""] * n
        gazetteer = compile_gazetteer(self.codebook)
        self.actors_ = []
        published = pd.to_datetime(frame["published"], errors="coerce") if "published" in frame else \
            pd.Series([pd.NaT] * n, dtype="datetime64[ns]")
        if getattr(published.dt, "tz", None) is not None:
            published = published.dt.tz_convert("UTC").dt.tz_localize(None)
        given = published.notna().to_numpy()
        reference = published[given].sort_values().iloc[int(given.sum()) // 2].date() if given.any() else None
        found: dict[int, tuple] = {}

        def documents():  # one pass over the texts: actors and missing dates on the way to tf-idf
            count = 0
            for row, (title, text) in enumerate(zip(titles, texts)):
                text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
                self.actors_.append(extract_actors(text, title, gazetteer=gazetteer))
                if row < n and not given[row] and self.dates_from_text:
                    found[row] = date_from_text(text, reference)
                count += 1
                yield f"{title}\n{text}"
            if count != n:
                raise ValueError(f"texts gave {count} texts for {n} articles")

        tfidf, vocab = _tfidf(documents(), n)
        dates = published.copy()
        source = np.where(given, "given", "none").astype(object)
        for row, (day, where) in found.items():
            if day is not None:
                dates.iloc[row] = pd.Timestamp(day)
                source[row] = where
        self.dates_, self.date_sources_ = dates, source
        feats = _Features(vectors, tfidf, _actor_matrix(self.actors_), _days(dates), _language_codes(frame))
        if n <= self.max_exact:
            raw = self._cluster_dense(feats, np.arange(n))
        else:
            raw = self._cluster_graph(feats)
        self.labels_ = _relabel(raw)
        events = _describe(frame.assign(published=dates), self.labels_, tfidf, vocab, self.actors_)
        events["article_date"] = dates.to_numpy()
        events["date_source"] = source
        if self.storylines and n:
            lines = storylines(events, vectors, self.actors_, distance_threshold=self.storyline_threshold,
                               max_exact=self.max_exact)
            events = events.drop(columns=["storyline_id", "storyline_label"], errors="ignore").merge(
                lines[["event_id", "storyline_id", "storyline_label"]], on="event_id", how="left")
        else:
            events["storyline_id"], events["storyline_label"] = None, None
        self.events_ = events[EVENT_COLUMNS]
        return self

    def fit_predict(self, X, doc_vectors=None, y=None) -> np.ndarray:
        """Fit and return ``labels_``, ndarray of shape (n_articles,)."""
        return self.fit(X, doc_vectors).labels_

    def predict_frame(self) -> pd.DataFrame:
        """The fitted ``events_`` table (one row per article)."""
        check_is_fitted(self, "events_")
        return self.events_

    # ------------------------------------------------------------------ checks
    def _validate(self, X, doc_vectors):
        if not isinstance(X, pd.DataFrame):
            raise ValueError(f"X must be a DataFrame with article_id, published, title, text; got {type(X).__name__}")
        if "article_id" not in X.columns:
            raise ValueError(f"X needs an 'article_id' column; columns are {list(X.columns)}")
        if X["article_id"].duplicated().any():
            dup = X.loc[X["article_id"].duplicated(), "article_id"].iloc[0]
            raise ValueError(f"article_id values must be unique; {dup!r} repeats")
        if doc_vectors is None:
            raise ValueError("doc_vectors is required: ndarray of shape (n_articles, dim)")
        vectors = np.asarray(doc_vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(X):
            raise ValueError(f"doc_vectors must have shape ({len(X)}, dim), got {vectors.shape}")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        weights = np.array([self.embedding_weight, self.text_weight, self.actor_weight], dtype=float)
        if (weights < 0).any() or weights.sum() <= 0:
            raise ValueError(f"distance weights must be >= 0 with a positive sum, got {weights.tolist()}")
        if not (np.isfinite(self.embedding_scale) and self.embedding_scale > 0):
            raise ValueError(f"embedding_scale must be a positive number, got {self.embedding_scale!r}")
        if not self.cross_language_threshold > 0:
            raise ValueError(f"cross_language_threshold must be > 0, got {self.cross_language_threshold!r}")
        if not self.distance_threshold > 0:
            raise ValueError(f"distance_threshold must be > 0, got {self.distance_threshold!r}")
        if self.linkage not in ("average", "complete", "single"):
            raise ValueError(f"linkage must be 'average', 'complete' or 'single', got {self.linkage!r}")
        return X.reset_index(drop=True), vectors / norms

    def _weights(self) -> np.ndarray:
        """The three distance weights, normalised to sum 1, the embedding one times
        ``embedding_scale`` (so the scale stretches the embedding distance only)."""
        w = np.array([self.embedding_weight, self.text_weight, self.actor_weight], dtype=float)
        w = w / w.sum()
        w[0] *= float(self.embedding_scale)
        return w

    # ------------------------------------------------------------------ distances
    def _pair_distance(self, feats: _Features, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Combined distance of the pairs (i[k], j[k]), shape (len(i),)."""
        w = self._weights()
        d = np.zeros(len(i))
        embedding = 1.0 - np.einsum("ij,ij->i", feats.vectors[i], feats.vectors[j])
        if w[0]:
            d += w[0] * embedding
        if w[1]:
            cos = np.asarray(feats.tfidf[i].multiply(feats.tfidf[j]).sum(axis=1)).ravel()
            d += w[1] * (1.0 - cos)
        if w[2]:
            inter = np.asarray(feats.actors[i].multiply(feats.actors[j]).sum(axis=1)).ravel()
            union = feats.actor_sizes[i] + feats.actor_sizes[j] - inter
            d += w[2] * np.where(union > 0, 1.0 - inter / np.maximum(union, 1), 1.0)
        d = np.clip(d, 0.0, None)
        if feats.languages is not None:
            a, b = feats.languages[i], feats.languages[j]
            cross = (a >= 0) & (b >= 0) & (a != b)
            d[cross] = self._cross_language(embedding[cross])
        return d + self._date_penalty(feats.days[i], feats.days[j])

    def _cross_language(self, embedding: np.ndarray) -> np.ndarray:
        """The distance of articles in two languages from their embedding distance alone,
        in the units of ``distance_threshold`` (so one threshold serves every pair)."""
        scaled = np.clip(embedding, 0.0, None) * float(self.embedding_scale)
        return scaled * (float(self.distance_threshold) / float(self.cross_language_threshold))

    def _pair_distances(self, feats: _Features, i: np.ndarray, j: np.ndarray, chunk: int = 16_384) -> np.ndarray:
        """:meth:`_pair_distance` in chunks: the row-wise sparse products of a chunk of
        pairs hold about (pairs x terms per article) values, so chunks bound memory."""
        out = np.empty(len(i))
        for s in range(0, len(i), chunk):
            out[s:s + chunk] = self._pair_distance(feats, i[s:s + chunk], j[s:s + chunk])
        return out

    def _date_penalty(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if self.date_window_days is None:
            return np.zeros(np.broadcast(a, b).shape)
        with np.errstate(invalid="ignore"):
            far = np.abs(a - b) > float(self.date_window_days)
        return np.where(far, _FAR, 0.0)

    def _dense_distance(self, feats: _Features, idx: np.ndarray) -> np.ndarray:
        """The full (len(idx), len(idx)) distance matrix, built in place (two n x n arrays at most)."""
        w = self._weights()
        v = feats.vectors[idx].astype(np.float64)
        d = v @ v.T
        d *= -w[0]
        d += w[0] + w[1] + w[2]  # each distance is 1 - similarity
        if w[1]:
            t = feats.tfidf[idx]
            sim = (t @ t.T).toarray()
            d -= w[1] * sim
            del sim
        if w[2]:
            a = feats.actors[idx]
            inter = (a @ a.T).toarray().astype(np.float64)
            sizes = feats.actor_sizes[idx].astype(np.float64)
            union = np.add.outer(sizes, sizes)
            union -= inter
            # Jaccard similarity inter / union (0 where neither article names an actor)
            np.divide(inter, union, out=inter, where=union > 0)
            inter[union <= 0] = 0.0
            del union
            d -= w[2] * inter
            del inter
        np.clip(d, 0.0, None, out=d)
        if feats.languages is not None:
            lang = feats.languages[idx]
            cross = (lang[:, None] >= 0) & (lang[None, :] >= 0) & (lang[:, None] != lang[None, :])
            if cross.any():
                rows, cols = np.nonzero(cross)
                embedding = 1.0 - np.einsum("ij,ij->i", v[rows], v[cols])
                d[rows, cols] = self._cross_language(embedding)
            del cross
        if self.date_window_days is not None:
            days = feats.days[idx]
            with np.errstate(invalid="ignore"):
                far = np.abs(days[:, None] - days[None, :]) > float(self.date_window_days)
            d[far] += _FAR
            del far
        np.fill_diagonal(d, 0.0)
        d += d.T
        d /= 2
        return d

    # ------------------------------------------------------------------ clustering
    def _cluster_dense(self, feats: _Features, idx: np.ndarray) -> np.ndarray:
        """Exact agglomerative clustering of the articles ``idx``; labels of shape (len(idx),)."""
        if len(idx) < 2:
            return np.zeros(len(idx), dtype=np.int64)
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage=self.linkage,
            distance_threshold=float(self.distance_threshold),
        )
        return model.fit_predict(self._dense_distance(feats, idx)).astype(np.int64)

    def _cluster_graph(self, feats: _Features) -> np.ndarray:
        n = len(feats.vectors)
        i, j = _candidate_pairs(feats.vectors, feats.days, self.date_window_days, self.n_neighbors, self.random_state)
        keep = self._pair_distances(feats, i, j) < self.distance_threshold
        i, j = i[keep], j[keep]
        log.info("events: %d articles, %d candidate edges below the threshold", n, len(i))
        labels = np.full(n, -1, dtype=np.int64)
        next_label = 0
        pending = [(np.arange(n), i, j, float(self.distance_threshold))]
        while pending:
            nodes, ei, ej, cut = pending.pop()
            graph = sparse.coo_matrix((np.ones(len(ei)), (ei, ej)), shape=(n, n))
            _, comp = connected_components(graph, directed=False)
            comp_of = comp[nodes]
            sizes = np.bincount(comp_of)
            alone = nodes[sizes[comp_of] == 1]
            labels[alone] = next_label + np.arange(len(alone))
            next_label += len(alone)
            grouped = nodes[sizes[comp_of] > 1]
            for members in pd.Series(grouped).groupby(comp[grouped]).apply(np.asarray) if len(grouped) else []:
                if len(members) == 2:  # joined by an edge below the threshold: one event
                    labels[members] = next_label
                    next_label += 1
                    continue
                if len(members) <= max(int(self.max_component), 2):
                    sub = self._cluster_dense(feats, members)
                    labels[members] = sub + next_label
                    next_label += int(sub.max()) + 1
                    continue
                # Too big for a dense matrix: keep only this component's tighter edges.
                inside = np.isin(ei, members) & np.isin(ej, members)
                tighter = cut * 0.9
                dist = self._pair_distances(feats, ei[inside], ej[inside])
                sel = dist < tighter
                log.warning("events: component of %d articles > max_component=%d; splitting at distance %.3f",
                            len(members), self.max_component, tighter)
                pending.append((members, ei[inside][sel], ej[inside][sel], tighter))
        return labels


def _candidate_pairs(vectors, days, window, k, random_state):
    """Candidate pairs (i < j) for the neighbour-graph path.

    Dated articles: exact top-k cosine neighbours among articles inside the date window
    (blockwise, never an n x n matrix). Undated articles: top-k from a pynndescent index
    over all articles (exact blocks when they are few).
    """
    n = len(vectors)
    k = max(1, min(int(k), n - 1))
    pairs_i, pairs_j = [], []
    dated = np.flatnonzero(~np.isnan(days))
    undated = np.flatnonzero(np.isnan(days))
    if window is not None and len(dated):
        order = dated[np.argsort(days[dated], kind="stable")]
        sorted_days = days[order]
        block = 2048
        for s in range(0, len(order), block):
            rows = order[s:s + block]
            lo = np.searchsorted(sorted_days, sorted_days[s] - window, side="left")
            hi = np.searchsorted(sorted_days, sorted_days[min(s + block, len(order)) - 1] + window, side="right")
            cand = order[lo:hi]
            sims = vectors[rows] @ vectors[cand].T
            far = np.abs(days[rows][:, None] - days[cand][None, :]) > window
            sims[far] = -np.inf
            sims[rows[:, None] == cand[None, :]] = -np.inf
            kk = min(k, len(cand) - 1)
            if kk < 1:
                continue
            top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            ok = np.isfinite(np.take_along_axis(sims, top, axis=1))
            pairs_i.append(np.repeat(rows, kk)[ok.ravel()])
            pairs_j.append(cand[top].ravel()[ok.ravel()])
        queries = undated
    else:
        queries = np.arange(n)
    if len(queries):
        if n <= _BRUTE_FORCE_MAX:
            for s in range(0, len(queries), 2048):
                rows = queries[s:s + 2048]
                sims = vectors[rows] @ vectors.T
                sims[np.arange(len(rows)), rows] = -np.inf
                top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
                pairs_i.append(np.repeat(rows, k))
                pairs_j.append(top.ravel())
        else:
            from pynndescent import NNDescent

            index = NNDescent(vectors, metric="cosine", n_neighbors=max(k + 1, 10), random_state=random_state)
            neighbours, _ = index.query(vectors[queries], k=k + 1)
            pairs_i.append(np.repeat(queries, k + 1))
            pairs_j.append(neighbours.ravel())
    if not pairs_i:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i = np.concatenate(pairs_i).astype(np.int64)
    j = np.concatenate(pairs_j).astype(np.int64)
    a, b = np.minimum(i, j), np.maximum(i, j)
    keep = a != b
    pairs = np.unique(np.stack([a[keep], b[keep]], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _relabel(raw: np.ndarray) -> np.ndarray:
    """Renumber clusters 0.. by decreasing size, ties by first appearance."""
    sizes = Counter(raw.tolist())
    first = {}
    for pos, lab in enumerate(raw.tolist()):
        first.setdefault(lab, pos)
    order = sorted(sizes, key=lambda lab: (-sizes[lab], first[lab]))
    mapping = {lab: new for new, lab in enumerate(order)}
    return np.array([mapping[lab] for lab in raw.tolist()], dtype=np.int64)


def event_id(article_ids) -> str:
    """Stable event id: ``e-`` + 8 hex digits of sha1 over the sorted member ids."""
    blob = "\n".join(sorted(map(str, article_ids))).encode("utf-8")
    return "e-" + hashlib.sha1(blob).hexdigest()[:8]


def _describe(frame, labels, tfidf, vocab, actors, n_terms: int = 3, n_actors: int = 2) -> pd.DataFrame:
    n = len(frame)
    n_events = int(labels.max()) + 1 if n else 0
    member = sparse.csr_matrix((np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(n_events, n))
    centroid = (member @ tfidf).tocsr() if tfidf.shape[1] else None
    published = pd.to_datetime(frame["published"], errors="coerce") if "published" in frame else pd.Series([pd.NaT] * n)
    outlets = frame["outlet"].fillna("").astype(str) if "outlet" in frame else pd.Series([""] * n)
    ids = frame["article_id"].astype(str).tolist()
    rows = {}
    members_of = pd.Series(np.arange(n)).groupby(labels).apply(np.asarray) if n else []
    for lab, members in (members_of.items() if n else []):
        terms = []
        if centroid is not None:
            row = centroid.getrow(lab)
            top = row.indices[np.argsort(-row.data, kind="stable")][:n_terms]
            terms = [str(vocab[t]) for t in top]
        people: Counter = Counter()
        for m in members:
            people.update({name: 1 for name in actors[m]})
        named = [name for name, _ in sorted(people.items(), key=lambda kv: (-kv[1], kv[0]))[:n_actors]]
        label = ", ".join(terms)
        if named:
            label = f"{label} | {', '.join(named)}" if label else ", ".join(named)
        dates = published.iloc[members].dropna()
        rows[lab] = {
            "event_id": event_id([ids[m] for m in members]),
            "event_label": label,
            "event_size": len(members),
            "event_outlets": "; ".join(sorted({o for o in outlets.iloc[members] if o})),
            "event_start": dates.min() if len(dates) else pd.NaT,
            "event_end": dates.max() if len(dates) else pd.NaT,
        }
    out = pd.DataFrame([{"article_id": ids[p], **rows[labels[p]]} for p in range(n)], columns=EVENT_COLUMNS)
    out["event_size"] = out["event_size"].astype("int64")
    out["event_start"] = pd.to_datetime(out["event_start"])
    out["event_end"] = pd.to_datetime(out["event_end"])
    return out


def cluster_events(
    frame: pd.DataFrame,
    doc_vectors,
    *,
    codebook=None,
    distance_threshold: float = 0.55,
    date_window_days: float | None = 7,
    random_state: int = 0,
    texts=None,
    **params,
) -> pd.DataFrame:
    """Group articles into events; one row per input article, in input order.

    Parameters
    ----------
    frame : DataFrame
        Columns ``article_id, outlet, published, title, text`` (like ``Corpus.to_frame()``).
    doc_vectors : ndarray of shape (n_articles, dim)
        Document embeddings (e.g. ``framing.embed.document_vectors``).
    codebook : Codebook, optional
        Its entities form the actor gazetteer.
    distance_threshold, date_window_days, random_state
        See :class:`EventClusterer`; ``**params`` passes its other parameters.
    texts : iterable of str, optional
        Article texts in row order, read once, instead of ``frame["text"]`` (stream
        them for a corpus whose texts should not all be in memory).

    Returns
    -------
    DataFrame of shape (n_articles, 11)
        ``article_id, event_id, event_label, event_size, event_outlets, event_start,
        event_end`` (outlets joined with ``"; "``; size 1 = a singleton), ``article_date``
        and ``date_source`` (the date used: given, or read from the text),
        ``storyline_id`` and ``storyline_label``.

    References
    ----------
    Müllner, D. (2011). Modern hierarchical, agglomerative clustering algorithms.
    arXiv:1109.2378 (average linkage, UPGMA).
    """
    model = EventClusterer(
        codebook=codebook, distance_threshold=distance_threshold, date_window_days=date_window_days,
        random_state=random_state, **params,
    )
    return model.fit(frame, doc_vectors, texts=texts).events_
