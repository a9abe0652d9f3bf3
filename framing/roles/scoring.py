"""Role scoring per mention: masked sentence vs role prototypes, plus dependency and lexicon cues.

For each mention, its sentence is taken with every span of the same actor replaced by the
placeholder ``X`` (so the role, not the name, is compared) and embedded through the one
embed path (:func:`framing.embed.embed_sentences`, with the cache). Features
(:class:`RoleFeatures`):

* ``similarity`` -- max cosine to each main role's prototypes, shape (n, n_roles);
* ``fine_similarity`` -- the same for each fine role, shape (n, n_fine);
* ``cues`` -- dependency-cue scores per main role (:mod:`framing.roles.cues`);
* ``lexicon`` -- lexicon-cue scores per main role.

The zero-shot :class:`RoleScorer` turns them into probabilities over ``none`` + main roles
with a softmax::

    z_r    = similarity_r / temperature + cue_weight * cues_r + lexicon_weight * lexicon_r
    z_none = (neutral + none_margin) / temperature + LOCATIVE_WEIGHT * locative
    p      = softmax([z_none, z_1, ..., z_R])

where ``neutral`` is the max cosine to role-free sentences (:data:`NEUTRAL_PROTOTYPES`): a
mention whose masked sentence is nearer to those than to any role prototype, with no cue,
gets ``none`` ("no clear role"). A fine role's probability is its main role's probability times a softmax of the fine
similarities within that main role. The supervised :class:`RoleClassifier` learns a logistic
regression on the masked-sentence embedding plus the same features.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from framing.codebook import ROLE_PLACEHOLDER, Codebook

log = logging.getLogger(__name__)

NONE = "none"
#: Role-free sentences about an actor X: what "no clear role" looks like. Written for this
#: module, domain-free; a mention nearer to these than to any role prototype leans to ``none``.
NEUTRAL_PROTOTYPES = (
    "X said on Tuesday that it would study the report.",
    "The meeting was held in X.",
    "X is home to several million people.",
    "A spokesperson for X declined to comment.",
    "The delegation travelled from X to the capital.",
    "X announced the schedule for next year.",
    "The report was published by X.",
    "X has a population that speaks several languages.",
    "Officials from X attended the conference.",
    "X is located in the north of the region.",
)
#: Logit added to ``none`` per locative relation ("in X", "to X") of the mention.
LOCATIVE_WEIGHT = 1.5
ROW_COLUMNS = ["article_id", "outlet", "published", "event_id", "actor", "part_of", "mention", "start", "end",
               "role"]


@dataclass
class RoleFeatures:
    """Features of n mentions (rows with a ``reason`` have NaN features).

    Attributes
    ----------
    sentences, masked : list of str, length n
    embeddings : ndarray of shape (n, dim)
        The masked sentences' vectors.
    context : ndarray of shape (n, dim)
        The unmasked sentences' vectors (the supervised classifier may learn who is named).
    similarity : ndarray of shape (n, n_roles)
    fine_similarity : ndarray of shape (n, n_fine)
    cues, lexicon : ndarray of shape (n, n_roles)
    neutral : ndarray of shape (n,)
        Max cosine to :data:`NEUTRAL_PROTOTYPES`.
    locative : ndarray of shape (n,)
        Weight of locative relations ("in X").
    ok : ndarray of bool, shape (n,)
        Which mentions could be scored.
    """

    sentences: list
    masked: list
    embeddings: np.ndarray
    context: np.ndarray
    similarity: np.ndarray
    fine_similarity: np.ndarray
    cues: np.ndarray
    lexicon: np.ndarray
    neutral: np.ndarray
    locative: np.ndarray
    ok: np.ndarray

    def matrix(self, embeddings: bool = True) -> np.ndarray:
        """Supervised features: ``[embedding, context,] similarity, fine_similarity, cues, lexicon, neutral,
        locative``, shape (n, k)."""
        parts = ([self.embeddings, self.context] if embeddings else []) + [
            self.similarity, self.fine_similarity, np.tanh(self.cues / 3.0), np.tanh(self.lexicon / 3.0),
            self.neutral[:, None], self.locative[:, None]]
        return np.hstack(parts)


def mask_sentence(sentence: str, spans: Sequence[tuple[int, int]], placeholder: str = ROLE_PLACEHOLDER) -> str:
    """Replace the spans (offsets into ``sentence``) with the placeholder.

    >>> mask_sentence("India accused Pakistan of backing Pakistan's proxies.", [(14, 22), (34, 42)])
    "India accused X of backing X's proxies."
    """
    out, last = [], 0
    for s, e in sorted(spans):
        if s < last:
            continue
        out += [sentence[last:s], placeholder]
        last = e
    out.append(sentence[last:])
    return "".join(out)


def _prototype_vectors(roles, encoder, cache) -> tuple[np.ndarray, np.ndarray]:
    from framing.embed import embed_sentences

    texts = [p for r in roles for p in r.prototypes]
    owner = np.repeat(np.arange(len(roles)), [len(r.prototypes) for r in roles])
    return embed_sentences(texts, encoder, cache), owner


def _max_sim(vectors: np.ndarray, protos: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    out = np.full((len(vectors), n), np.nan)
    if len(vectors) == 0 or len(protos) == 0:
        return out
    sims = vectors @ protos.T
    for r in range(n):
        cols = owner == r
        if cols.any():
            out[:, r] = sims[:, cols].max(axis=1)
    return out


def role_features(mentions: pd.DataFrame, texts: dict[str, str], codebook: Codebook, encoder, cache=None, *,
                  nlp=None, docs: dict | None = None, progress=None) -> RoleFeatures:
    """Features of mentions (see :func:`framing.roles.mentions.find_mentions` / ``anchor_mentions``).

    Parameters
    ----------
    mentions : DataFrame
        ``article_id, actor, start, end, sentence_start, sentence_end, reason``.
    texts : dict of str to str
        Article id -> text.
    codebook : Codebook
        With a ``roles`` section.
    encoder : Encoder
    cache : Store or MemoryCache, optional
    nlp : spaCy Language, optional
    docs : dict, optional
        Already parsed sentences (text -> Doc).
    progress : callable(stage, done, total), optional
        Called with ``("embed", sentences done, sentences)`` for new sentences.

    Returns
    -------
    RoleFeatures
    """
    from framing.embed import embed_sentences
    from framing.roles.cues import cue_scores, lexicon_scores, relations
    from framing.roles.nlp import MAX_PARSE_CHARS, parse

    if not codebook.roles:
        raise ValueError(f"codebook {codebook.id!r} has no roles section (try the built-in 'entity-roles')")
    roles = codebook.roles
    fine = [f for r in roles for f in r.fine_roles]
    n = len(mentions)
    ok = (mentions["reason"].fillna("") == "").to_numpy() if n else np.zeros(0, dtype=bool)
    sentences, masked, local = [""] * n, [""] * n, [(0, 0)] * n
    # spans of each actor per sentence, to mask all of them
    groups: dict[tuple, list[tuple[int, int]]] = {}
    rows = mentions.reset_index(drop=True)
    for i in np.flatnonzero(ok):
        r = rows.iloc[i]
        groups.setdefault((r["article_id"], int(r["sentence_start"]), r["actor"]), []).append((int(r["start"]),
                                                                                              int(r["end"])))
    for i in np.flatnonzero(ok):
        r = rows.iloc[i]
        ss, se = int(r["sentence_start"]), int(r["sentence_end"])
        sentence = texts[r["article_id"]][ss:se]
        spans = [(s - ss, e - ss) for s, e in groups[(r["article_id"], ss, r["actor"])]]
        sentences[i] = sentence
        masked[i] = mask_sentence(sentence, spans)
        local[i] = (int(r["start"]) - ss, int(r["end"]) - ss)
    dim = int(getattr(encoder, "dim", 0) or 0)
    idx = np.flatnonzero(ok)
    tick = None if progress is None else (lambda done, total: progress("embed", done, total))
    vectors = embed_sentences([masked[i] for i in idx], encoder, cache, progress=tick)
    dim = vectors.shape[1] if vectors.ndim == 2 and len(vectors) else dim
    embeddings = np.full((n, dim), np.nan, dtype=np.float32)
    context = np.full((n, dim), np.nan, dtype=np.float32)
    if len(idx):
        embeddings[idx] = vectors
        context[idx] = embed_sentences([sentences[i] for i in idx], encoder, cache, progress=tick)
    protos, owner = _prototype_vectors(roles, encoder, cache)
    similarity = np.full((n, len(roles)), np.nan)
    similarity[idx] = _max_sim(vectors, protos, owner, len(roles))
    fine_similarity = np.full((n, len(fine)), np.nan)
    if fine:
        fprotos, fowner = _prototype_vectors(fine, encoder, cache)
        fine_similarity[idx] = _max_sim(vectors, fprotos, fowner, len(fine))
    # dependency cues on the unmasked sentence
    known = docs if docs is not None else {}
    todo = [sentences[i] for i in idx if sentences[i] not in known]
    if todo:
        known.update(parse(todo, nlp))
    cues = np.full((n, len(roles)), np.nan)
    locative = np.full(n, np.nan)
    for i in idx:
        s, e = local[i]
        rels = relations(known[sentences[i]], s, e) if e <= MAX_PARSE_CHARS else []
        cues[i] = cue_scores(rels, roles)
        locative[i] = sum(w for kind, _, w in rels if kind == "locative")
    lexicon = np.full((n, len(roles)), np.nan)
    lexicon[idx] = lexicon_scores([masked[i] for i in idx], roles)
    neutral = np.full(n, np.nan)
    nprotos = embed_sentences(list(NEUTRAL_PROTOTYPES), encoder, cache)
    if len(idx):
        neutral[idx] = (vectors @ nprotos.T).max(axis=1)
    return RoleFeatures(sentences, masked, embeddings, context, similarity, fine_similarity, cues, lexicon, neutral,
                        locative, ok)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - np.nanmax(z, axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fine_probabilities(features: RoleFeatures, main: np.ndarray, codebook: Codebook,
                       temperature: float = 0.05) -> np.ndarray:
    """p(fine) = p(main role of the fine role) * softmax of the fine similarities within that main role.

    Parameters
    ----------
    main : ndarray of shape (n, n_roles)
        Main-role probabilities (without ``none``).

    Returns
    -------
    ndarray of shape (n, n_fine)
    """
    out = np.full(features.fine_similarity.shape, np.nan)
    col = 0
    for r, role in enumerate(codebook.roles):
        k = len(role.fine_roles)
        if k:
            within = _softmax(np.nan_to_num(features.fine_similarity[:, col:col + k], nan=0.0) / temperature)
            out[:, col:col + k] = main[:, [r]] * within
        col += k
    out[~features.ok] = np.nan
    return out


class RoleScorer(BaseEstimator):
    """Zero-shot role probabilities from :class:`RoleFeatures` (no training).

    Parameters
    ----------
    temperature : float, default 0.04
        Softmax temperature of the prototype similarities (smaller = sharper).
    none_margin : float, default 0.0
        Added to the neutral similarity: > 0 answers "no clear role" more often.
    cue_weight : float, default 0.8
        Logit per unit of dependency-cue score.
    lexicon_weight : float, default 0.15
        Logit per unit of lexicon-cue score.
    fine_temperature : float, default 0.05

    Examples
    --------
    >>> import numpy as np
    >>> from framing.roles.scoring import RoleFeatures, RoleScorer
    >>> f = RoleFeatures([""], [""], np.zeros((1, 2)), np.zeros((1, 2)), np.array([[0.2, 0.6, 0.3]]), np.zeros((1, 0)),
    ...                  np.zeros((1, 3)), np.zeros((1, 3)), np.array([0.4]), np.array([0.0]), np.array([True]))
    >>> RoleScorer().predict_proba(f).argmax(axis=1).tolist()   # columns: none, role 1, 2, 3
    [2]
    """

    def __init__(self, temperature: float = 0.04, none_margin: float = 0.0, cue_weight: float = 0.8,
                 lexicon_weight: float = 0.15, fine_temperature: float = 0.05):
        self.temperature = temperature
        self.none_margin = none_margin
        self.cue_weight = cue_weight
        self.lexicon_weight = lexicon_weight
        self.fine_temperature = fine_temperature

    def fit(self, X=None, y=None) -> "RoleScorer":
        """Nothing to learn; checks the parameters."""
        if not self.temperature > 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature!r}")
        self.fitted_ = True
        return self

    def decision_function(self, features: RoleFeatures) -> np.ndarray:
        """Logits, shape (n, 1 + n_roles): column 0 is ``none``."""
        if not self.temperature > 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature!r}")
        z = (features.similarity / self.temperature + self.cue_weight * features.cues
             + self.lexicon_weight * features.lexicon)
        z_none = (features.neutral + self.none_margin) / self.temperature + LOCATIVE_WEIGHT * features.locative
        return np.hstack([z_none[:, None], z])

    def predict_proba(self, features: RoleFeatures) -> np.ndarray:
        """Probabilities, shape (n, 1 + n_roles): ``none`` then the main roles; NaN rows where not ok."""
        z = self.decision_function(features)
        out = np.full(z.shape, np.nan)
        ok = features.ok & ~np.isnan(z).any(axis=1)
        if ok.any():
            out[ok] = _softmax(z[ok])
        return out


class RoleClassifier(ClassifierMixin, BaseEstimator):
    """Supervised main-role classifier: logistic regression on ``RoleFeatures.matrix()``.

    Parameters
    ----------
    C : float or "auto", default "auto"
        Inverse regularisation strength; "auto" picks it from ``Cs`` by 3-fold CV on the
        training data (``LogisticRegressionCV``).
    class_weight : str or None, default "balanced"
    max_iter : int, default 2000
    random_state : int, default 0
    """

    def __init__(self, C="auto", class_weight: str | None = "balanced", max_iter: int = 2000,
                 random_state: int = 0):
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X, y) -> "RoleClassifier":
        from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        if self.C == "auto":
            lr = LogisticRegressionCV(Cs=[0.001, 0.003, 0.01, 0.03, 0.1], cv=3, class_weight=self.class_weight,
                                      max_iter=self.max_iter, random_state=self.random_state)
        elif isinstance(self.C, (int, float)) and self.C > 0:
            lr = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                    random_state=self.random_state)
        else:
            raise ValueError(f"C must be a positive number or 'auto', got {self.C!r}")
        self.model_ = make_pipeline(StandardScaler(), lr)
        with warnings.catch_warnings():  # scikit-learn's notices of changing defaults, not about this fit
            warnings.simplefilter("ignore", FutureWarning)
            self.model_.fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(np.asarray(X, dtype=np.float64))

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

def _articles_of(source):
    """(articles, events: article_id -> event_id) of a Corpus, a list of Articles or a Results."""
    from framing.corpus import Article, Corpus

    if isinstance(source, Corpus):
        return list(source.articles), {}
    if isinstance(source, (list, tuple)) and all(isinstance(a, Article) for a in source):
        return list(source), {}
    if hasattr(source, "article_list") and hasattr(source, "article"):
        ids = source.article_list()["article_id"].tolist()
        articles = [source.article(a) for a in ids]
        events = {}
        if getattr(source, "has", lambda _: False)("events"):
            ev = source.events
            if "event_id" in ev.columns:
                events = dict(zip(ev["article_id"].astype(str), ev["event_id"]))
        return articles, events
    if hasattr(source, "corpus"):
        return _articles_of(source.corpus)
    raise ValueError(f"expected a Corpus, a list of Article or a Results, got {type(source).__name__}")


def score_roles(source, codebook="south-asia-security", *, encoder=None, cache=None, mentions=None,
                model=None, scorer: RoleScorer | None = None, ner: bool = True, nlp=None, coref: bool = True,
                progress=None) -> pd.DataFrame:
    """Role of every actor mention: one row per mention.

    Parameters
    ----------
    source : Corpus, list of Article or Results
    codebook : Codebook or str, default "south-asia-security"
        Its ``roles`` and ``entities``.
    encoder : Encoder, optional
        Default :func:`framing.encoders.get_encoder`.
    cache : Store or MemoryCache, optional
    mentions : DataFrame, optional
        Given mentions (``article_id, start, end[, mention]``): exactly one row each, in
        order; otherwise mentions are found (gazetteer + named entities).
    model : RoleClassifier, optional
        A trained classifier (its ``classes_`` are main-role ids); default zero-shot.
    scorer : RoleScorer, optional
        Zero-shot parameters.
    ner : bool, default True
        Also find spaCy named entities (found mentions only).
    nlp : spaCy Language, optional
    coref : bool, default True
        Attach pronouns and short person names to their actor (found mentions only).
    progress : callable(stage, done, total), optional
        ``("mentions", articles)`` then ``("embed", sentences)``.

    Returns
    -------
    DataFrame
        ``article_id, outlet, published, event_id, actor, part_of, mention, start, end, role,
        role:<id>... (with role:none), fine_role, fine_role:<id>..., sentence, reason, note``.
    """
    from framing.embed import MemoryCache
    from framing.roles.mentions import anchor_mentions, find_mentions

    book = Codebook.load(codebook)
    if not book.roles:
        raise ValueError(f"codebook {book.id!r} has no roles section (try the built-in 'entity-roles')")
    if encoder is None:
        from framing.encoders import get_encoder

        encoder = get_encoder()
    cache = cache if cache is not None else MemoryCache()
    articles, events = _articles_of(source)
    texts = {a.article_id: a.text or "" for a in articles}
    meta = {a.article_id: (a.outlet, a.published) for a in articles}
    docs: dict = {}
    if mentions is None:
        found = find_mentions(articles, book, ner=ner, nlp=nlp, docs=docs, coref=coref, progress=progress)
    else:
        found = anchor_mentions(mentions, texts, book)
    features = role_features(found, texts, book, encoder, cache, nlp=nlp, docs=docs, progress=progress)
    role_ids = book.role_ids
    n = len(found)
    main = np.full((n, len(role_ids)), np.nan)
    p_none = np.full(n, np.nan)
    trained_with = getattr(model, "encoder_id_", None)
    if model is not None and trained_with and trained_with != str(encoder.model_id):
        raise ValueError(f"the role model was trained with encoder {trained_with!r}, not {encoder.model_id!r}")
    if model is not None:
        proba = model.predict_proba(features.matrix()[features.ok]) if features.ok.any() else np.zeros((0, 0))
        classes = [str(c) for c in model.classes_]
        for j, c in enumerate(classes):
            target = p_none if c == NONE else (main[:, role_ids.index(c)] if c in role_ids else None)
            if target is None:
                raise ValueError(f"model class {c!r} is not a role of codebook {book.id!r} ({role_ids})")
            target[features.ok] = proba[:, j]
        p_none[features.ok & np.isnan(p_none)] = 0.0
        main[features.ok] = np.nan_to_num(main[features.ok])
    else:
        proba = (scorer or RoleScorer()).fit().predict_proba(features)
        p_none, main = proba[:, 0], proba[:, 1:]
    all_ids = [NONE] + role_ids
    stacked = np.column_stack([p_none, main])
    best = np.where(features.ok, np.nanargmax(np.where(np.isnan(stacked), -1, stacked), axis=1), -1)
    fine_ids = book.fine_role_ids
    fine = fine_probabilities(features, np.nan_to_num(main), book, (scorer or RoleScorer()).fine_temperature)
    fine_of = {f.id: r.id for r in book.roles for f in r.fine_roles}
    out = found[["article_id", "actor", "part_of", "mention", "start", "end"]].copy()
    out.insert(1, "outlet", [meta.get(a, ("", None))[0] for a in out["article_id"]])
    out.insert(2, "published", [meta.get(a, ("", None))[1] for a in out["article_id"]])
    out.insert(3, "event_id", [events.get(a) for a in out["article_id"]])
    roles_col = [all_ids[b] if b >= 0 else None for b in best]
    out["role"] = roles_col
    for j, rid in enumerate(all_ids):
        out[f"role:{rid}"] = stacked[:, j]
    fine_best = []
    for i, rid in enumerate(roles_col):
        cols = [k for k, f in enumerate(fine_ids) if fine_of[f] == rid]
        fine_best.append(fine_ids[max(cols, key=lambda k: fine[i, k])] if rid not in (None, NONE) and cols else None)
    out["fine_role"] = fine_best
    for k, fid in enumerate(fine_ids):
        out[f"fine_role:{fid}"] = fine[:, k]
    out["sentence"] = [s if ok else None for s, ok in zip(features.sentences, features.ok)]
    out["reason"] = found["reason"].to_numpy()
    out["note"] = found["note"].to_numpy()
    extra = [c for c in found.columns if c not in out.columns and c not in ("source", "sentence_start",
                                                                           "sentence_end")]
    for col in extra:
        out[col] = found[col].to_numpy()
    out["source"] = found["source"].to_numpy()
    return out.reset_index(drop=True)
