"""Label import (good and bad files), the annotation store (upsert, reload), sampling."""

import json

import pandas as pd
import pytest

from framing.codebook import Codebook
from framing.store import Store
from framing.validate.labels import AnnotationStore, LabelError, read_labels, sample_articles, text_id

CB = Codebook.from_dict({
    "id": "tiny", "name": "Tiny", "description": "",
    "frames": [
        {"id": "economic", "label": "Economic", "description": "", "prototypes": ["Costs and jobs."]},
        {"id": "conflict", "label": "Conflict", "description": "", "prototypes": ["Two sides clash."]},
        {"id": "moral", "label": "Moral", "description": "", "prototypes": ["It is wrong."]},
    ],
    "axes": [{"id": "war_peace", "label": "war vs peace", "pole_a": "conflict", "pole_b": "moral"}],
})


def test_csv_list_column_with_coders(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("Article ID,Coder,Frames,war_peace\n"
                    "a1,ann,\"Economic; conflict\",2\n"
                    "a1,bob,economic,1\n"
                    "a2,ann,,-1\n"
                    "a3,ann,Weather,0\n"
                    ",bob,moral,\n", encoding="utf-8")
    labels = read_labels(path, codebook=CB)
    df = labels.frame.set_index(["coder", "article_id", "target"])["value"]
    assert df[("ann", "a1", "economic")] == 1 and df[("ann", "a1", "conflict")] == 1
    assert df[("ann", "a1", "moral")] == 0
    assert df[("bob", "a1", "conflict")] == 0
    assert df[("ann", "a2", "economic")] == 0  # coded, no frame
    assert df[("ann", "a1", "war_peace")] == 2.0 and df[("ann", "a2", "war_peace")] == -1.0
    assert labels.coders == ["ann", "bob"]
    assert labels.axes == ["war_peace"]
    reasons = {s.location: s.reason for s in labels.skipped}
    assert "unknown frame 'Weather'" in reasons["row 5"]
    assert reasons["row 6"] == "no article id and no text"
    assert all(s.file == str(path) for s in labels.skipped)


def test_jsonl_python_literal_lists_and_text_units(tmp_path):
    path = tmp_path / "gold.jsonl"
    rows = [{"text": "Jobs were lost.", "labels": "['Economic']"},
            {"text": "The rivals fought.", "labels": ["Conflict", "Moral"]},
            "not json"]
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    labels = read_labels(path)  # no codebook: frames are the names seen
    assert labels.frames == ["Economic", "Conflict", "Moral"]
    assert labels.coders == ["gold"]  # file stem when no coder column
    uid = text_id("Jobs were lost.")
    assert labels.texts[uid] == "Jobs were lost."
    ind = labels.indicator([uid, text_id("The rivals fought.")])
    assert ind.tolist() == [[1, 0, 0], [0, 1, 1]]
    assert labels.skipped[0].location == "line 3" and "JSON" in labels.skipped[0].reason


def test_wide_zero_one_columns_and_label_map(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("id;econ;conflict\nx;1;0\ny;yes;1\nz;maybe;0\n", encoding="utf-8")
    labels = read_labels(path, codebook=CB, label_map={"econ": "economic"})
    df = labels.frame.set_index(["article_id", "target"])["value"]
    assert df[("x", "economic")] == 1 and df[("x", "conflict")] == 0
    assert df[("y", "conflict")] == 1
    assert labels.skipped[0].location == "row 4" and "maybe" in labels.skipped[0].reason


def test_bad_files(tmp_path):
    with pytest.raises(LabelError, match="unsupported"):
        (tmp_path / "a.xml").write_text("<x/>")
        read_labels(tmp_path / "a.xml")
    with pytest.raises(LabelError, match="cannot read"):
        read_labels(tmp_path / "missing.csv")
    (tmp_path / "noid.csv").write_text("coder,frames\nann,economic\n")
    with pytest.raises(LabelError, match="no id or text column"):
        read_labels(tmp_path / "noid.csv")
    (tmp_path / "noframes.csv").write_text("id,colour\n1,red\n")
    with pytest.raises(LabelError, match="noframes.csv: no frame or axis columns"):
        read_labels(tmp_path / "noframes.csv", codebook=CB)
    (tmp_path / "latin.csv").write_bytes("id,frames\n1,\xe9conomic\n".encode("latin-1"))
    with pytest.raises(LabelError, match="UTF-8"):
        read_labels(tmp_path / "latin.csv")


def test_annotation_store_upsert_and_reload(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        ann = AnnotationStore(store)
        ann.save("ann", "a1", "tiny", "economic", 1)
        ann.save("ann", "a1", "tiny", "economic", 0)  # changed mind: upsert
        ann.save("ann", "a1", "tiny", "war_peace", 2)
        ann.save("bob", "a1", "tiny", "conflict", 1)
        with pytest.raises(ValueError, match="coder"):
            ann.save(" ", "a1", "tiny", "economic", 1)
    with Store(db) as store:  # reload from disk
        ann = AnnotationStore(store)
        got = ann.answers("tiny")
        assert len(got) == 3
        assert got.set_index(["coder", "target"]).loc[("ann", "economic"), "value"] == 0
        labels = ann.labels(CB)
        df = labels.frame.set_index(["coder", "article_id", "target"])["value"]
        assert df[("bob", "a1", "economic")] == 0  # unanswered box = absent
        assert df[("ann", "a1", "war_peace")] == 2
        assert ann.coders("tiny") == ["ann", "bob"]
        ann.save("ann", "a1", "tiny", "war_peace", None)  # cleared
        assert "war_peace" not in set(ann.answers("tiny", coder="ann")["target"])


def test_import_labels_into_store(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("id,coder,frames\na1,ann,economic\na2,ann,moral\n")
    labels = read_labels(path, codebook=CB)
    with Store(":memory:") as store:
        ann = AnnotationStore(store)
        assert ann.import_labels(labels, "tiny") == 6
        assert ann.import_labels(labels, "tiny") == 6  # idempotent upsert
        assert len(ann.answers("tiny")) == 6


def test_sampling_random_and_stratified():
    frame = pd.DataFrame({"article_id": [f"a{i}" for i in range(30)],
                          "outlet": ["big"] * 20 + ["mid"] * 8 + ["small"] * 2})
    one = sample_articles(frame, 10, random_state=3)
    assert len(one) == 10 and len(set(one)) == 10
    assert one == sample_articles(frame, 10, random_state=3)
    assert one != sample_articles(frame, 10, random_state=4)
    strat = sample_articles(frame, 10, by="outlet", random_state=0)
    outlets = frame.set_index("article_id").loc[strat, "outlet"].value_counts()
    assert len(strat) == 10 and outlets["small"] >= 1 and outlets["big"] > outlets["mid"]
    assert len(sample_articles(frame, 100)) == 30
    with pytest.raises(ValueError, match="cannot stratify"):
        sample_articles(frame, 5, by="section")
