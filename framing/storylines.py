"""Storylines: related events (the same long-running story) grouped, one level above events.

"This week's summit" and "last month's talks" are different events of one storyline ("the
North Korea talks"). Events are grouped by average-linkage agglomerative clustering of
their centroids (the mean document vector of their articles), with a looser threshold than
events and no date window, and with shared actors counted in (Jaccard of the events' actor
sets). Above ``max_exact`` events, a nearest-neighbour graph of the centroids is cut at the
threshold and its connected components are the storylines (single linkage).
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pandas as pd

__all__ = ["STORYLINE_COLUMNS", "storyline_id", "storylines"]

STORYLINE_COLUMNS = ["event_id", "storyline_id", "storyline_label", "storyline_events"]


def storyline_id(event_ids) -> str:
    """Stable storyline id: ``s-`` + 8 hex digits of sha1 over the sorted event ids."""
    blob = "\n".join(sorted(map(str, event_ids))).encode("utf-8")
    return "s-" + hashlib.sha1(blob).hexdigest()[:8]


def _jaccard_distance(sets: list[set]) -> np.ndarray:
    keys: dict[str, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for name in s:
            rows.append(i)
            cols.append(keys.setdefault(name, len(keys)))
    m = np.zeros((len(sets), max(len(keys), 1)))
    m[rows, cols] = 1.0
    inter = m @ m.T
    sizes = m.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = np.where(union > 0, inter / union, 0.0)
    return 1.0 - sim


def storylines(events: pd.DataFrame, doc_vectors, actors=None, *, distance_threshold: float = 0.6,
               actor_weight: float = 0.3, max_exact: int = 4000, n_neighbors: int = 10) -> pd.DataFrame:
    """Group events into storylines.

    Parameters
    ----------
    events : DataFrame
        One row per article in the order of ``doc_vectors``, with ``event_id`` and
        ``event_label`` (what :func:`framing.events.cluster_events` returns).
    doc_vectors : ndarray of shape (n_articles, dim)
    actors : list of collections.Counter, optional
        The actors of each article (``EventClusterer.actors_``); an event's actor set is the
        union of its articles'.
    distance_threshold : float, default 0.6
        Events closer than this (``(1 - actor_weight) * cosine distance of the centroids +
        actor_weight * Jaccard distance of the actor sets``, average linkage) share a
        storyline. Event clustering's default is 0.55 on a distance that also counts word
        overlap and a 7-day window, so this is looser.
    actor_weight : float, default 0.3
    max_exact : int, default 4000
        Above this many events, a ``n_neighbors`` graph and its connected components.
    n_neighbors : int, default 10

    Returns
    -------
    DataFrame
        One row per event: ``event_id, storyline_id, storyline_label`` (the label of its
        largest event) and ``storyline_events`` (events in the storyline).

    References
    ----------
    Müllner, D. (2011). Modern hierarchical, agglomerative clustering algorithms.
    arXiv:1109.2378. Story chains over event clusters in the sense of Nallapati et al. (2004),
    Event threading within news topics, *CIKM*.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_id": ["e1", "e1", "e2", "e3"], "event_label": ["talks", "talks", "summit", "flood"]})
    >>> vectors = np.array([[1, 0], [1, 0.1], [0.95, 0.2], [0, 1]], dtype=float)
    >>> out = storylines(ev, vectors, actor_weight=0)
    >>> out.groupby("storyline_id")["event_id"].apply(list).sort_values().tolist()
    [['e1', 'e2'], ['e3']]
    """
    if not 0 <= actor_weight <= 1:
        raise ValueError(f"actor_weight must be in [0, 1], got {actor_weight!r}")
    if not distance_threshold > 0:
        raise ValueError(f"distance_threshold must be > 0, got {distance_threshold!r}")
    vectors = np.asarray(doc_vectors, dtype=np.float64)
    if vectors.ndim != 2 or len(vectors) != len(events):
        raise ValueError(f"doc_vectors must have shape ({len(events)}, dim), got {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms > 0, norms, 1.0)
    ids = events["event_id"].astype(str).to_numpy()
    order, codes = np.unique(ids, return_inverse=True)
    k = len(order)
    cols = ["event_id", "storyline_id", "storyline_label", "storyline_events"]
    if k == 0:
        return pd.DataFrame(columns=cols)
    sums = np.zeros((k, vectors.shape[1]))
    np.add.at(sums, codes, vectors)
    sizes = np.bincount(codes, minlength=k)
    cent = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    sets: list[set] = [set() for _ in range(k)]
    if actors is not None:
        for c, found in zip(codes, actors):
            sets[c].update((found or Counter()).keys())
    if k == 1:
        labels = np.zeros(1, dtype=np.int64)
    elif k <= max_exact:
        d = (1 - actor_weight) * np.clip(1.0 - cent @ cent.T, 0, None)
        if actor_weight:
            d += actor_weight * _jaccard_distance(sets)
        np.fill_diagonal(d, 0.0)
        d = (d + d.T) / 2
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=float(distance_threshold)).fit_predict(d)
    else:
        labels = _graph_labels(cent, sets, distance_threshold, actor_weight, n_neighbors)
    first_label = events.drop_duplicates("event_id").set_index(events.drop_duplicates("event_id")["event_id"]
                                                                .astype(str))["event_label"]
    rows = []
    for lab in np.unique(labels):
        members = np.flatnonzero(labels == lab)
        sid = storyline_id(order[members])
        biggest = members[np.argsort(-sizes[members], kind="stable")[0]]
        label = str(first_label.get(order[biggest], "") or "")
        rows += [(order[m], sid, label, len(members)) for m in members]
    return pd.DataFrame(rows, columns=cols)


def _graph_labels(cent, sets, threshold, actor_weight, n_neighbors) -> np.ndarray:
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components
    from sklearn.neighbors import NearestNeighbors

    k = len(cent)
    nn = NearestNeighbors(n_neighbors=min(n_neighbors + 1, k), metric="cosine").fit(cent)
    dist, idx = nn.kneighbors(cent)
    rows, cols = [], []
    for i in range(k):
        for dcos, j in zip(dist[i], idx[i]):
            if j == i:
                continue
            a, b = sets[i], sets[j]
            jac = 1.0 - (len(a & b) / len(a | b)) if (a or b) else 1.0
            if (1 - actor_weight) * dcos + actor_weight * jac < threshold:
                rows.append(i)
                cols.append(j)
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(k, k))
    return connected_components(graph, directed=False)[1]
