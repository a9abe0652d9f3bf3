"""The cascade encoder: which sentences the transformer embeds, what the rest become, and what
an analysis with it writes (real MiniLM and the static model distilled from it, small texts)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import framing
from framing.codebook import Codebook
from framing.embed import MemoryCache, embed_articles, embed_sentences
from framing.encoders import CascadeEncoder, get_encoder, select_candidates


def test_select_candidates_keeps_the_lead_and_fills_rank_by_rank():
    idx = np.array([0] * 10 + [1] * 2)
    sims = np.zeros((12, 2))
    sims[[7, 8, 9], 0] = [0.9, 0.8, 0.1]  # guide 0's best: 7, then 8
    sims[[4, 5], 1] = [0.95, 0.2]  # guide 1's best: 4, then 5
    chosen = select_candidates(idx, sims, top_k=1, margin=0, lead=1, fraction=0.4)  # budget 4 of 10
    assert np.flatnonzero(chosen[:10]).tolist() == [0, 4, 7, 8]  # lead, both bests, then guide 0's second
    assert chosen[10:].all()  # a short article is embedded whole (budget >= its length)
    again = select_candidates(idx, sims, top_k=1, margin=0, lead=1, fraction=0.4)
    assert (again == chosen).all()


def test_select_candidates_without_guides_spreads_and_keeps_what_was_chosen():
    idx = np.zeros(20, dtype=int)
    chosen = select_candidates(idx, None, top_k=0, margin=0, lead=1, fraction=0.25)
    assert chosen.sum() == 5 and chosen[0] and chosen[19]  # lead and an even spread to the end
    already = np.zeros(20, dtype=bool)
    already[10] = True
    more = select_candidates(idx, None, top_k=0, margin=0, lead=1, fraction=0.25, already=already)
    assert more[10] and more.sum() == 5


def test_settings_are_checked_and_named_in_the_model_id():
    with pytest.raises(ValueError, match="fraction"):
        CascadeEncoder(fraction=0)
    with pytest.raises(ValueError, match="lead"):
        CascadeEncoder(lead=-1)
    enc = CascadeEncoder(fraction=0.3)
    assert "f=0.3" in enc.model_id and "all-MiniLM-L6-v2" in enc.model_id and "model2vec" in enc.model_id
    guided = enc.guided(Codebook.load("south-asia-security"))
    assert guided.model_id != enc.model_id and f"guides={guided.guide_id}" in guided.model_id
    assert guided.guided(Codebook.load("south-asia-security")) is guided
    assert isinstance(get_encoder("cascade"), CascadeEncoder)
    state = pickle.loads(pickle.dumps(guided)).__dict__  # settings travel, weights do not
    assert state.get("fine_") is None and state["guides"] == guided.guides


@pytest.fixture(scope="module")
def demo():
    from framing.paths import demo_corpus_path

    return framing.load([demo_corpus_path()])


def test_cascade_embeds_a_share_exactly_and_maps_the_rest(demo, encoder):
    codebook = Codebook.load("south-asia-security")
    cascade = CascadeEncoder(min_sentences=0).guided(codebook)
    cache = MemoryCache()
    sentences, X = embed_articles(list(demo.articles), cascade, cache)
    assert X.exact is not None and 0 < X.exact.mean() < 0.6
    full = embed_sentences(sentences["text"].tolist(), encoder)
    assert np.allclose(X.vectors[X.exact], full[X.exact], atol=1e-5)  # exact rows are the transformer's
    cos = np.sum(X.vectors[~X.exact] * full[~X.exact], axis=1)
    assert np.allclose(np.linalg.norm(X.vectors, axis=1), 1, atol=1e-4)
    assert cos.mean() > 0.3  # the mapped static vectors point roughly where the transformer's do
    counts = np.bincount(X.article_index)
    lead = sentences["sentence_index"].to_numpy() < 2
    assert X.exact[lead].all() and (np.bincount(X.article_index, weights=X.exact) >= np.minimum(counts, 7)).all()
    _, again = embed_articles(list(demo.articles), cascade, MemoryCache())
    assert (again.exact == X.exact).all() and np.array_equal(again.vectors, X.vectors)  # deterministic


def test_small_inputs_are_embedded_by_the_transformer_alone(demo, encoder):
    sentences, X = embed_articles(list(demo.articles), CascadeEncoder(), MemoryCache())  # 163 < 2,000 sentences
    assert X.exact.all()
    assert np.allclose(X.vectors, embed_sentences(sentences["text"].tolist(), encoder), atol=1e-5)


def test_analyse_with_the_cascade_records_the_rule_and_cites_exact_sentences(demo):
    result = framing.analyse(demo, "south-asia-security", encoder=CascadeEncoder(min_sentences=0), events=False)
    info = result.manifest()["engine"]["cascade"]
    assert info["n_sentences"] == 163 and 0 < info["n_exact"] < info["n_sentences"]
    assert info["fraction"] == 0.25 and "state_under_siege" in info["guides"]
    assert result.encoder_id.startswith("cascade(") and "guides=" in result.encoder_id
    sentences, X = embed_articles(list(demo.articles), CascadeEncoder(min_sentences=0).guided(result.codebook))
    exact = set(zip(sentences["article_id"][X.exact], sentences["sentence_index"][X.exact]))
    ev = result.evidence
    frame_ev = ev[(ev["kind"] == "sentence") & (ev["pole"] == "")]
    assert len(frame_ev) and all((a, int(i)) in exact for a, i in zip(frame_ev["article_id"], frame_ev["sentence_index"]))
    assert result.scores["frame:state_under_siege"].between(0, 1).all()
