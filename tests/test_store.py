"""The DuckDB store: ingest fills it, re-ingesting the same file adds nothing, files are remembered."""

from __future__ import annotations

import json

from framing.ingest import ingest, load
from framing.store import Store


def _tables(store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_ingest_seed_into_store_and_read_back(tmp_path, seed_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        report = ingest(seed_path, store)
        assert report.kept == 5 and report.already_stored == 0
        assert store.article_count() == 5
        corpus = store.corpus()
        reference = load(seed_path)
        assert sorted(corpus.ids) == sorted(reference.ids)
        for article in reference:
            stored = corpus[article.article_id]
            assert stored.text == article.text and stored.published == article.published
            assert stored.outlet == article.outlet and stored.section == article.section
        # no sentences are stored: scoring segments the stored text with the current segmenter
        assert "sentences" not in _tables(store) and {"articles", "embeddings"} <= _tables(store)
        files = store.ingested_files()
        assert len(files) == 1 and files["path"].iloc[0] == str(seed_path.resolve())


def test_reingest_adds_nothing(tmp_path, seed_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        ingest(seed_path, store)
    with Store(db) as store:  # a new session on the same file
        report = ingest(seed_path, store)
        assert report.kept == 5 and report.already_stored == 5
        assert store.article_count() == 5
        assert any("already ingested" in w for w in report.warnings)
        assert store.file_ingested(store.ingested_files()["sha256"].iloc[0])
        assert not store.file_ingested("0" * 64)


def test_load_with_store_counts_already_stored(tmp_path, seed_path):
    with Store(tmp_path / "s.duckdb") as store:
        first = load(seed_path, store=store)
        second = load(seed_path, store=store)
        assert first.report.already_stored == 0 and second.report.already_stored == 5
        assert store.article_count() == 5


def test_ingest_streams_in_batches(tmp_path):
    path = tmp_path / "many.jsonl"
    rows = [{"id": f"k{i}", "outlet": "Dawn", "text": f"Article number {i} is about topic {i * 7919 % 1000}. "
             f"It has a second sentence with the token t{i}."} for i in range(250)]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with Store(":memory:") as store:
        report = ingest(path, store, batch_size=40)
        assert report.kept == 250 and store.article_count() == 250
        frame = store.articles_frame(["k3", "k1"])
        assert frame["article_id"].tolist() == ["k3", "k1"]


def test_read_only_store_without_files_table(tmp_path, seed_path):
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.add_corpus(load(seed_path))
    with Store(db, read_only=True) as store:
        assert not store.file_ingested("0" * 64)
        assert store.ingested_files().empty
        assert store.article_count() == 5


STORY = (
    "Security forces in Balochistan said on Tuesday that they had arrested four suspects in connection with "
    "the bombing of a passenger train near Mach. The provincial home minister told reporters that the men had "
    "been tracked through phone records and that explosives were recovered from a house in Quetta. Relatives "
    "of the victims gathered outside the hospital, demanding compensation and better protection for the "
    "railway line, which has been attacked three times this year."
)


def test_second_ingest_merges_copies_of_stored_stories(tmp_path):
    site_a = tmp_path / "a.jsonl"
    site_a.write_text(json.dumps({"id": "a1", "outlet": "Dawn", "text": STORY}), encoding="utf-8")
    site_b = tmp_path / "b.jsonl"
    site_b.write_text("\n".join([
        json.dumps({"id": "b1", "outlet": "The News", "text": "QUETTA: " + STORY + " (Reuters)"}),
        json.dumps({"id": "b2", "outlet": "Geo", "text": STORY.upper()}),
        json.dumps({"id": "b3", "outlet": "Geo", "text": "A different story about the budget and taxes."}),
    ]), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        assert ingest(site_a, store).kept == 1
    with Store(db) as store:  # a later session: the index of the first ingest is in the file
        report = ingest(site_b, store)
        assert sorted(report.merged) == [("a1", f"{site_b}:line 1 [b1]", "near"),
                                         ("a1", f"{site_b}:line 2 [b2]", "exact")]
        assert report.kept == 1 and store.article_count() == 2
        again = ingest([site_a, site_b], store)  # re-ingest both: nothing new, same merges
        assert again.kept == 2 and again.already_stored == 2 and len(again.merged) == 2
        assert store.article_count() == 2


def test_big_tables_stay_unique_without_index_keys(tmp_path, seed_path):
    """Articles stay unique by id; cached vectors carry no ART key (memory) and the writer keeps them unique."""
    import numpy as np

    corpus = load(seed_path)
    first = corpus.articles[0]
    with Store(tmp_path / "s.duckdb") as store:
        assert store.add_corpus([first, first]) == 1  # a repeated id inside one batch
        assert store.add_corpus([first]) == 0  # and again later
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        vectors = np.eye(3, dtype=np.float32)
        store.put_embeddings("m", ["a", "b", "a"], vectors)
        store.put_embeddings("m", ["b", "c"], vectors[:2])
        store.put_embeddings("other-model", ["a"], vectors[:1])
        assert store.embedding_count("m") == 3 and store.embedding_count("other-model") == 1
        assert np.array_equal(store.get_embeddings("m", ["b"])["b"], vectors[1])
        keys = store.con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()
        assert {"sentences", "embeddings"}.isdisjoint({k[0] for k in keys})
