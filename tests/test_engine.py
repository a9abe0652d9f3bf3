"""The local and Dask engines give the same rows as ``analyse`` (same ids, scores within 1e-6)."""

from __future__ import annotations

import sys
from itertools import islice

import numpy as np
import pandas as pd
import pytest

from framing.analysis import analyse
from framing.engines import corpus_calibration, run_dask, run_local
from framing.engines._partition import calibration_stats
from framing.ingest import load
from framing.scoring import ScoringSettings, fit_calibration
from framing.store import Store

TOL = 1e-6


def _picklable_by_value(encoder) -> None:
    """The test encoder lives in conftest, which Dask workers cannot import: ship it by value."""
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[type(encoder).__module__])


def assert_same_rows(left: pd.DataFrame, right: pd.DataFrame, tol: float = TOL) -> None:
    """Same columns, same article ids in the same order, numbers within ``tol``, the rest equal."""
    assert list(left.columns) == list(right.columns)
    assert len(left) == len(right)
    left, right = left.reset_index(drop=True), right.reset_index(drop=True)
    for col in left.columns:
        a, b = left[col], right[col]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
            assert np.array_equal(np.isnan(x), np.isnan(y)), col
            assert np.nanmax(np.abs(x - y), initial=0.0) <= tol, (col, np.nanmax(np.abs(x - y)))
        elif pd.api.types.is_datetime64_any_dtype(a) or pd.api.types.is_datetime64_any_dtype(b):
            pd.testing.assert_series_equal(pd.to_datetime(a), pd.to_datetime(b), check_names=False,
                                           check_dtype=False)
        else:
            assert [None if pd.isna(v) else v for v in a.tolist()] == \
                   [None if pd.isna(v) else v for v in b.tolist()], col


def assert_same_result(left, right, tol: float = TOL) -> None:
    assert_same_rows(left.scores, right.scores, tol)
    assert_same_rows(left.evidence, right.evidence, tol)
    assert_same_rows(left.components, right.components, tol)
    np.testing.assert_allclose(np.asarray(left.doc_vectors), np.asarray(right.doc_vectors), atol=tol)


@pytest.fixture(scope="module")
def seed_corpus(seed_path):
    return load([seed_path])


@pytest.fixture(scope="module")
def real_articles(eval_dir, tmp_path_factory):
    """~200 real articles from the AllSides security set (read from ../shared/eval, not copied)."""
    src = eval_dir / "allsides_baly_security" / "security_pseudo_clustered.jsonl"
    path = tmp_path_factory.mktemp("allsides") / "first.jsonl"
    with open(src, encoding="utf-8") as fh:
        path.write_text("".join(islice(fh, 210)), encoding="utf-8")
    corpus = load([path])
    assert len(corpus) >= 200
    return corpus.subset(corpus.ids[:200])


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two single-threaded worker processes, shared by the Dask tests."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


#: Columns that come from the events table (empty in a run without events).
EVENT_COLUMNS = ["event_id", "event_label", "storyline_id", "date_source"]


def COMPARISON_FILES(fmt):
    """The outlet comparison tables every export carries."""
    return [f"{t}.{fmt}" for t in ("coverage", "differences", "distinctive_terms", "means", "prevalence")]


# ---------------------------------------------------------------------- local engine
def test_local_engine_matches_analyse(seed_corpus, hashing_encoder):
    reference = analyse(seed_corpus, encoder=hashing_encoder)
    result = run_local(seed_corpus, encoder=hashing_encoder, partition_size=2)
    try:
        assert result.scores["article_id"].tolist() == seed_corpus.ids
        assert_same_rows(result.scores.drop(columns=EVENT_COLUMNS),
                         reference.scores.drop(columns=EVENT_COLUMNS))
        assert_same_rows(result.evidence, reference.evidence)
        assert_same_rows(result.components, reference.components)
        np.testing.assert_allclose(result.doc_vectors, reference.doc_vectors, atol=TOL)
        assert result.n_sentences == len(reference.sentences)
        assert result.manifest()["encoder"] == hashing_encoder.model_id
        assert result.calibration.to_dict() == reference.calibration.to_dict()
        # a calibration fitted beforehand skips pass 1 and gives the same rows
        again = run_local(seed_corpus, encoder=hashing_encoder, calibration=reference.calibration)
        assert_same_result(again, result)
        again.cleanup()
        # events fill event_id / event_label like Analysis.scores
        result.cluster_events()
        assert list(result.scores.columns) == list(reference.scores.columns)
        assert result.scores["event_id"].tolist() == reference.scores["event_id"].tolist()
    finally:
        result.cleanup()


def test_streaming_corpus_calibration_equals_one_pass(seed_corpus, hashing_encoder):
    settings = ScoringSettings(calibration="corpus", axis_baseline="corpus", n_boot=200)
    whole = fit_calibration(seed_corpus.articles, settings=settings, codebook=_codebook(), encoder=hashing_encoder)
    stats = [calibration_stats(i, seed_corpus.articles[j:j + 2], _codebook(), settings, hashing_encoder)
             for i, j in enumerate(range(0, len(seed_corpus), 2))]
    streamed = corpus_calibration(stats, _codebook(), settings, hashing_encoder)
    assert streamed.settings_sha256 == whole.settings_sha256
    assert streamed.n_articles == whole.n_articles == len(seed_corpus)
    for f, (lo, hi) in whole.frame_anchors.items():
        assert streamed.frame_anchors[f] == pytest.approx((lo, hi), abs=1e-9)
    for a, v in whole.axis_baseline.items():
        assert streamed.axis_baseline[a] == pytest.approx(v, abs=1e-9)
    assert streamed.axis_scale == whole.axis_scale
    # and an engine run in the corpus modes gives analyse's rows
    reference = analyse(seed_corpus, encoder=hashing_encoder, settings=settings)
    result = run_local(seed_corpus, encoder=hashing_encoder, settings=settings, partition_size=2)
    try:
        assert_same_rows(result.scores.drop(columns=EVENT_COLUMNS),
                         reference.scores.drop(columns=EVENT_COLUMNS))
        assert_same_rows(result.evidence, reference.evidence)
    finally:
        result.cleanup()


def _codebook():
    from framing.codebook import Codebook

    return Codebook.load("south-asia-security")


def test_store_source_streams_the_same_rows(seed_corpus, hashing_encoder, tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.add_corpus(seed_corpus)
        from_store = run_local(store, encoder=hashing_encoder, store=store, partition_size=2, out_dir=tmp_path / "o")
        order = from_store.scores["article_id"].tolist()
        assert sorted(order) == sorted(seed_corpus.ids)
        direct = run_local([seed_corpus[i] for i in order], encoder=hashing_encoder, partition_size=3)
        assert_same_result(from_store, direct)
        direct.cleanup()
        # the store's embedding cache was filled and is reused (no new encoding)
        calls = hashing_encoder.calls
        again = run_local(store, encoder=hashing_encoder, store=store, partition_size=2, out_dir=tmp_path / "o2")
        assert hashing_encoder.calls == calls
        assert_same_result(again, from_store)


def test_engine_rejects_bad_input(hashing_encoder):
    with pytest.raises(ValueError, match="partition_size"):
        run_local([], encoder=hashing_encoder, partition_size=0)
    with pytest.raises(ValueError, match="source"):
        run_local(42, encoder=hashing_encoder)
    with pytest.raises(ValueError, match="no articles"):
        run_local([], encoder=hashing_encoder)


def test_export_streams_parquet_with_manifest(seed_corpus, hashing_encoder, tmp_path):
    import json

    result = run_local(seed_corpus, encoder=hashing_encoder, out_dir=tmp_path / "run")
    written = result.export(tmp_path / "out", format="parquet")
    names = sorted(p.name for p in written)
    assert names == sorted(["evidence.parquet", "manifest.json", "scores.parquet"] + COMPARISON_FILES("parquet"))
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["encoder"] == hashing_encoder.model_id
    assert manifest["engine"]["name"] == "local"
    assert len(pd.read_parquet(tmp_path / "out" / "scores.parquet")) == len(seed_corpus)


def test_streamed_export_joins_events_in_input_order(seed_corpus, hashing_encoder, tmp_path):
    import json

    result = run_local(seed_corpus, encoder=hashing_encoder, out_dir=tmp_path / "run", events=True)
    expected = result.scores
    assert expected["event_id"].notna().all()
    for fmt in ("parquet", "csv"):
        written = result.export(tmp_path / fmt, format=fmt)
        assert sorted(p.name for p in written) == sorted([f"evidence.{fmt}", f"events.{fmt}", "manifest.json",
                                                          f"scores.{fmt}"] + COMPARISON_FILES(fmt))
        got = (pd.read_parquet if fmt == "parquet" else pd.read_csv)(tmp_path / fmt / f"scores.{fmt}")
        assert got["article_id"].tolist() == expected["article_id"].tolist()
        assert got["event_id"].tolist() == expected["event_id"].tolist()
        assert list(got.columns) == list(expected.columns)
        frame_cols = [c for c in expected.columns if c.startswith("frame:")]
        assert np.allclose(got[frame_cols].to_numpy(float), expected[frame_cols].to_numpy(float))
        manifest = json.loads((tmp_path / fmt / "manifest.json").read_text())
        assert manifest["rows"]["scores"] == len(seed_corpus) and manifest["format"] == fmt
        assert manifest["rows"]["evidence"] == len(result.evidence)


# ---------------------------------------------------------------------- Dask engine
def test_dask_matches_local_on_seed_with_real_model(seed_corpus, client):
    local = run_local(seed_corpus, encoder=None, partition_size=2)
    dask = run_dask(seed_corpus, encoder=None, scheduler=client, partition_size=2)
    try:
        assert dask.engine["name"] == "dask" and dask.engine["n_workers"] == 2
        assert dask.encoder_id == local.encoder_id == "all-MiniLM-L6-v2"
        assert_same_result(dask, local)
        # the encoder object travelled to the workers without weights, and every worker that
        # scored something loaded the model exactly once (the per-process model cache)
        loads = client.run(lambda: __import__("framing.encoders.transformer", fromlist=["x"])._load.cache_info().misses)
        assert set(loads.values()) <= {0, 1} and sum(loads.values()) >= 1
    finally:
        local.cleanup()
        dask.cleanup()


def test_dask_matches_local_on_real_articles(real_articles, client, hashing_encoder):
    _picklable_by_value(hashing_encoder)
    local = run_local(real_articles, encoder=hashing_encoder, partition_size=25)
    dask = run_dask(real_articles, encoder=hashing_encoder, scheduler=client, partition_size=25, max_in_flight=3)
    try:
        assert dask.scores["article_id"].tolist() == real_articles.ids
        assert_same_result(dask, local)
        assert dask.n_sentences == local.n_sentences > 2000
    finally:
        local.cleanup()
        dask.cleanup()


def test_dask_default_local_cluster_corpus_calibration(seed_corpus, hashing_encoder):
    _picklable_by_value(hashing_encoder)
    settings = ScoringSettings(calibration="corpus", axis_baseline="corpus", n_boot=200)
    local = run_local(seed_corpus, encoder=hashing_encoder, settings=settings, partition_size=2)
    dask = run_dask(seed_corpus, encoder=hashing_encoder, settings=settings, n_workers=1, partition_size=2)
    try:
        assert dask.engine == {"name": "dask", "n_workers": 1, "scheduler": None, "partition_size": 2}
        assert dask.calibration.to_json() == local.calibration.to_json()
        assert_same_result(dask, local)
    finally:
        local.cleanup()
        dask.cleanup()
