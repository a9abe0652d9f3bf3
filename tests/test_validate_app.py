"""The Annotate and Validation pages, headless (streamlit.testing AppTest)."""

import textwrap

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from framing.store import Store  # noqa: E402
from framing.validate.labels import AnnotationStore  # noqa: E402

SCRIPT = textwrap.dedent('''
    import os
    import streamlit as st
    from framing.codebook import Codebook
    from framing.corpus import Article, Corpus
    from framing.store import Store

    CB = Codebook.from_dict({
        "id": "tiny", "name": "Tiny", "description": "",
        "frames": [
            {"id": "economic", "label": "Economic", "description": "", "prototypes": ["Costs and jobs."]},
            {"id": "conflict", "label": "Conflict", "description": "", "prototypes": ["Two sides clash."]},
        ],
        "axes": [{"id": "econ_vs_conflict", "label": "Economy vs conflict", "pole_a": "economic",
                  "pole_b": "conflict"}],
    })
    arts = [Article(article_id=f"a{i}", outlet=["Daily", "Weekly"][i % 2], published=None, title=f"Story {i}",
                    text=f"Text of story {i}. Prices rose and parties clashed.") for i in range(6)]

    @st.cache_resource
    def store(path):
        return Store(path)

    from framing.app.views import {page}
    {page}.render_page(Corpus(arts), CB, store(os.environ["T_DB"]){extra})
''')


def _app(tmp_path, page, extra=""):
    path = tmp_path / f"{page}_page.py"
    path.write_text(SCRIPT.replace("{page}", page).replace("{extra}", extra))
    return AppTest.from_file(str(path), default_timeout=60)


def test_annotate_saves_each_click_and_resumes(tmp_path, monkeypatch):
    db = tmp_path / "ann.duckdb"
    monkeypatch.setenv("T_DB", str(db))
    at = _app(tmp_path, "annotate").run()
    assert not at.exception
    assert any("coder name" in i.value for i in at.info)  # asks for a coder first
    at.text_input(key="annotate:coder").input("ann").run()
    boxes = [c for c in at.checkbox if c.key.endswith(":economic")]
    assert len(boxes) == 1 and boxes[0].value is False
    first = boxes[0].key.split(":")[3]
    boxes[0].check().run()
    assert not at.exception
    [r for r in at.radio if r.key.endswith(":econ_vs_conflict")][0].set_value(2).run()
    at.run()  # a plain re-run keeps the answers
    assert [c for c in at.checkbox if c.key.endswith(":economic")][0].value is True

    # a fresh session (a reload) sees the saved answers and resumes at the next uncoded article
    fresh = _app(tmp_path, "annotate")
    fresh.session_state["annotate:coder"] = "ann"
    fresh.run()
    assert not fresh.exception
    assert "1 of 6 articles coded by ann" in fresh.get("progress")[0].proto.text
    shown = [c for c in fresh.checkbox if c.key.endswith(":economic")][0]
    assert shown.key.split(":")[3] != first and shown.value is False
    fresh.button(key="annotate:prev").click().run()
    back = [c for c in fresh.checkbox if c.key.endswith(":economic")][0]
    assert back.key.split(":")[3] == first and back.value is True
    assert [c for c in fresh.checkbox if c.key.endswith(":conflict")][0].value is False
    assert [r for r in fresh.radio if r.key.endswith(":econ_vs_conflict")][0].value == 2


def test_annotate_answers_in_store(tmp_path, monkeypatch):
    db = tmp_path / "ann2.duckdb"
    monkeypatch.setenv("T_DB", str(db))
    at = _app(tmp_path, "annotate")
    at.session_state["annotate:coder"] = "bob"
    at.run()
    key = [c for c in at.checkbox if c.key.endswith(":conflict")][0].key
    article = key.split(":")[3]
    at.checkbox(key=key).check().run()
    at.button(key=f"annotate:none:{article}").click().run()  # changed mind: no frame at all
    assert not at.exception
    at3 = _app(tmp_path, "validation")
    at3.run()
    assert not at3.exception
    assert any("1 articles, 1 coder(s)" in m.value for m in at3.markdown)


def test_validation_page_alpha_and_model(tmp_path, monkeypatch, encoder):
    db = tmp_path / "val.duckdb"
    with Store(db) as store:
        ann = AnnotationStore(store)
        for coder, econ in (("ann", [1, 1, 0, 0, 1, 0]), ("bob", [1, 1, 0, 0, 0, 0])):
            for i, v in enumerate(econ):
                ann.save_many(coder, f"a{i}", "tiny", {"economic": v, "conflict": 1 - v})
    monkeypatch.setenv("T_DB", str(db))
    # a trained model in a models folder (the real encoder, as the app uses it)
    from framing.validate.supervised import FrameClassifier

    texts = [f"Prices rose and jobs went {i}." for i in range(6)] + [f"Parties clashed angrily {i}." for i in range(6)]
    y = [["economic"]] * 6 + [["conflict"]] * 6
    FrameClassifier(encoder=None, inner_cv=3, tfidf=False).fit(texts, y).save(tmp_path / "models" / "m1")
    at = _app(tmp_path, "validation", extra=f", models_folder=__import__('pathlib').Path({str(tmp_path / 'models')!r})")
    at.run()
    assert not at.exception
    agreement = at.dataframe[0].value.set_index("target")
    # econ: ann 110010 vs bob 110000 -> Krippendorff's alpha (2 coders, 6 units, nominal)
    import krippendorff

    expected = krippendorff.alpha(reliability_data=[[1, 1, 0, 0, 1, 0], [1, 1, 0, 0, 0, 0]],
                                  level_of_measurement="nominal")
    assert agreement.loc["economic", "alpha"] == pytest.approx(expected)
    assert at.selectbox(key="validation:model").options == ["m1"]
    assert len(at.dataframe) == 3  # agreement, model agreement, frame metrics
    metrics = at.dataframe[2].value.set_index("frame")
    assert {"economic", "conflict", "(micro)", "(macro)"} <= set(metrics.index)
    assert at.get("download_button")


def test_validation_upload_is_written_under_a_safe_name_and_removed(tmp_path, monkeypatch):
    import tempfile

    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))  # where TemporaryDirectory() goes
    db = tmp_path / "upload.duckdb"
    monkeypatch.setenv("T_DB", str(db))
    at = _app(tmp_path, "validation")
    at.run()
    labels = "article_id,coder,economic,conflict\na0,ann,1,0\na1,ann,0,1\n"
    at.file_uploader(key="validation:upload").set_value(("../../escaped-labels.csv", labels.encode(), "text/csv"))
    at.run()
    at.button(key="validation:import").click().run()
    assert not at.exception
    assert any("Imported" in s.value for s in at.success), [e.value for e in at.error]
    assert not list(temp_root.iterdir()), "the upload was written outside its folder, or the folder was left"
    assert not (tmp_path / "escaped-labels.csv").exists()
