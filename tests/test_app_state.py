"""The app keeps the user's work (AppTest): codebook drafts per codebook, pickers and highlight
choices across reruns, errors and page switches, and everything across a reload (``?s=``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from framing.codebook import Codebook

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "framing/app/main.py")
TIMEOUT = 300
PROTO = "Officials said the neighbouring agency armed the gunmen to bleed the country."


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory, tmp_path, monkeypatch):
    """One store for the module (the embedding cache), a fresh data folder for each test."""
    monkeypatch.setenv("FRAMING_DB", str(tmp_path_factory.getbasetemp() / "app-state-store.duckdb"))
    monkeypatch.setenv("FRAMING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FRAMING_APP_PATHS", raising=False)
    monkeypatch.delenv("FRAMING_APP_ENCODER", raising=False)
    return tmp_path / "data"


def _app(page: str | None = None, sid: str | None = None, **session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if sid is not None:
        at.query_params["s"] = sid  # what a reload of the page sends
    for key, value in session.items():
        at.session_state[key] = value
    if page is not None:
        at.session_state["_goto_page"] = page
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _goto(at: AppTest, page: str) -> None:
    at.session_state["_goto_page"] = page
    at.run()
    _ok(at)


def _prototypes(at: AppTest, frame: str) -> int:
    table = next(f.value for f in at.dataframe if "prototypes" in f.value.columns)
    return int(table.set_index("frame").loc[frame, "prototypes"])


def _sidebar(at: AppTest) -> str:
    return "\n".join(c.value for c in at.sidebar.caption)


def _add_prototype(at: AppTest, frame: str = "state_proxy", text: str = PROTO) -> None:
    at.selectbox(key="proto_frame").set_value(frame)
    at.text_area(key="proto_text").set_value(text)
    at.button(key="FormSubmitter:add_prototypes-Add prototypes").click().run()
    _ok(at)


def _corpus(tmp_path: Path, name: str = "wire.jsonl", n: int = 2, url: bool = False) -> Path:
    texts = ["Gunmen attacked a border post at night. Officials blamed militants trained across the border.",
             "Aid workers reached the flooded villages. Families asked for clean water and tents."]
    rows = [{"id": f"w{i}", "outlet": f"Wire {i}", "date": f"2025-04-0{i + 1}", "title": f"Story {i}",
             "text": texts[i % 2], **({"url": f"https://example.org/story-{i}"} if url else {})} for i in range(n)]
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_switching_codebook_and_back_keeps_the_added_prototype():
    at = _app("codebook")
    n = _prototypes(at, "state_proxy")
    _add_prototype(at)
    assert _prototypes(at, "state_proxy") == n + 1
    assert "edited" in _sidebar(at)

    at.selectbox(key="codebook_choice").set_value("policy-frames").run()
    _ok(at)
    assert "Policy Frames" in _sidebar(at) or "policy-frames" in _sidebar(at)
    assert "edited" not in _sidebar(at)
    assert "state_proxy" not in set(next(f.value for f in at.dataframe if "prototypes" in f.value.columns)["frame"])

    at.selectbox(key="codebook_choice").set_value("south-asia-security").run()
    _ok(at)
    assert _prototypes(at, "state_proxy") == n + 1, "the draft of the codebook left was dropped"
    assert "edited" in _sidebar(at)


def test_a_draft_is_dropped_only_after_the_confirmation():
    at = _app("codebook")
    n = _prototypes(at, "state_proxy")
    _add_prototype(at)
    at.button(key="discard").click().run()
    _ok(at)
    assert any("Discard your changes to south-asia-security?" in w.value for w in at.warning)
    assert _prototypes(at, "state_proxy") == n + 1  # asking is not discarding
    at.button(key="discard_cancel").click().run()
    assert not at.warning and _prototypes(at, "state_proxy") == n + 1
    at.button(key="discard").click().run()
    at.button(key="discard_confirm").click().run()
    _ok(at)
    assert _prototypes(at, "state_proxy") == n
    assert "edited" not in _sidebar(at)
    assert not [b for b in at.button if b.key == "discard"]


def test_an_opened_codebook_is_one_more_choice_beside_the_builtins():
    text = Codebook.load("generic-frames").to_dict()
    text.update(id="my-frames", name="My frames")
    import yaml

    at = _app("codebook")
    at.file_uploader(key="codebook_upload").set_value(("mine.yaml", yaml.safe_dump(text).encode(), "application/x-yaml"))
    at.run()
    at.button(key="use_codebook_upload").click().run()
    _ok(at)
    assert at.selectbox(key="codebook_choice").value == "my-frames"
    assert "my-frames" in at.selectbox(key="codebook_choice").options
    at.selectbox(key="codebook_choice").set_value("policy-frames").run()
    at.selectbox(key="codebook_choice").set_value("my-frames").run()
    _ok(at)
    assert "My frames" in _sidebar(at)


def test_frame_pickers_keep_their_frame_after_an_error_and_a_page_switch():
    at = _app("codebook")
    at.selectbox(key="term_frame").set_value("civilian_harm")
    at.text_area(key="term_text").set_value("abc\nterm: abc")
    at.button(key="FormSubmitter:add_terms-Add terms").click().run()
    assert any("must be a number" in e.value for e in at.error)
    assert at.selectbox(key="term_frame").value == "civilian_harm"
    assert at.text_area(key="term_text").value == "abc\nterm: abc"  # kept, to be corrected
    at.text_area(key="term_text").set_value("body bags: 2")
    at.button(key="FormSubmitter:add_terms-Add terms").click().run()
    _ok(at)
    draft = Codebook.from_yaml(at.session_state["codebook_drafts"]["south-asia-security"])
    assert draft.frame("civilian_harm").lexicon["body bags"] == 2.0
    assert at.text_area(key="term_text").value == ""  # emptied after it was added
    assert at.selectbox(key="term_frame").value == "civilian_harm"

    _add_prototype(at, frame="diplomacy_deescalation", text="Both sides agreed to reopen the hotline.")
    assert at.selectbox(key="proto_frame").value == "diplomacy_deescalation"
    _goto(at, "corpus")
    _goto(at, "codebook")
    assert at.selectbox(key="proto_frame").value == "diplomacy_deescalation"
    assert at.selectbox(key="term_frame").value == "civilian_harm"


def test_save_box_name_follows_the_codebook_and_saves_in_the_user_folder(data_dir):
    at = _app("codebook")
    assert at.text_input(key="save_name:south-asia-security").value == "south-asia-security.yaml"
    at.selectbox(key="codebook_choice").set_value("policy-frames").run()
    _ok(at)
    assert at.text_input(key="save_name:policy-frames").value == "policy-frames.yaml"
    at.button(key="save_yaml").click().run()
    saved = data_dir / "codebooks" / "policy-frames.yaml"
    assert saved.is_file() and Codebook.load(saved).id == "policy-frames"
    assert any(str(saved) in s.value for s in at.success)

    at.text_input(key="save_name:policy-frames").set_value("../../outside.yaml")
    at.button(key="save_yaml").click().run()
    assert any("plain file name" in e.value for e in at.error)
    assert not (data_dir.parent / "outside.yaml").exists() and not (data_dir / "outside.yaml").exists()
    assert sorted(p.name for p in (data_dir / "codebooks").iterdir()) == ["policy-frames.yaml"]


def test_rescore_now_removes_the_not_scored_notice(tmp_path, encoder):
    path = _corpus(tmp_path)
    at = _app("codebook", corpus_source={"kind": "paths", "paths": [str(path)], "label": "wire.jsonl"})
    _add_prototype(at)  # a new version of the codebook: not scored yet
    assert any("not scored with this version" in c.value for c in at.caption)
    at.button(key="rescore").click().run()
    _ok(at)
    assert not any("not scored with this version" in c.value for c in at.caption)
    assert any("Mean frame score per outlet" in c.value for c in at.caption)
    assert "scored" in _sidebar(at).split("\n")


def test_reload_keeps_the_upload_the_drafts_and_the_encoder(tmp_path, data_dir):
    data = _corpus(tmp_path, "reloaded.jsonl").read_bytes()
    at = _app("corpus")
    sid = at.query_params["s"]
    assert len(sid) >= 16
    at.file_uploader(key="corpus_upload").set_value(("reloaded.jsonl", data, "application/json")).run()
    at.button(key="read_uploads").click().run()
    _ok(at)
    [folder] = list((data_dir / "uploads").iterdir())
    assert folder.name.startswith(sid) and (folder / "reloaded.jsonl").read_bytes() == data
    _goto(at, "codebook")
    _add_prototype(at)
    at.selectbox(key="codebook_choice").set_value("policy-frames").run()
    _ok(at)
    assert at.query_params["s"] == sid  # put back after the page switch

    again = _app("corpus", sid=sid)  # a reload: a new session with the same address
    assert any(m.value.startswith("**Open now:** reloaded.jsonl") for m in again.markdown)
    assert {m.label: m.value for m in again.metric}["Kept"] == "2"
    assert "policy-frames" in _sidebar(again) or "Policy" in _sidebar(again)
    _goto(again, "codebook")
    again.selectbox(key="codebook_choice").set_value("south-asia-security").run()
    _ok(again)
    assert "edited" in _sidebar(again)
    assert PROTO in Codebook.from_yaml(again.session_state["codebook_drafts"]["south-asia-security"]).frame(
        "state_proxy").prototypes

    other = _app("corpus")  # another browser: its own state
    assert other.query_params["s"] != sid
    assert any(m.value.startswith("**Open now:** Bundled demo corpus") for m in other.markdown)

    _goto(again, "corpus")
    again.button(key="use_demo").click().run()
    _ok(again)
    assert not folder.exists(), "the replaced upload's folder was left behind"


def test_a_removed_upload_falls_back_to_the_default_with_a_notice(tmp_path, data_dir):
    at = _app("corpus")
    sid = at.query_params["s"]
    at.file_uploader(key="corpus_upload").set_value(("gone.jsonl", _corpus(tmp_path).read_bytes(), "application/json"))
    at.run()
    at.button(key="read_uploads").click().run()
    import shutil

    shutil.rmtree(data_dir / "uploads")
    again = _app("corpus", sid=sid)
    assert any("gone.jsonl was removed" in i.value for i in again.info)
    assert any(m.value.startswith("**Open now:** Bundled demo corpus") for m in again.markdown)


def test_highlight_choice_survives_a_page_switch_per_codebook(encoder):
    at = _app()
    assert at.title[0].value == "Events"
    box = at.multiselect(key="highlight_frames")
    every = list(box.value)
    assert len(every) > 2
    box.set_value(["state_proxy", "civilian_harm"]).run()
    _ok(at)
    _goto(at, "outlets")
    _goto(at, "events")
    assert at.multiselect(key="highlight_frames").value == ["state_proxy", "civilian_harm"]
    at.session_state["codebook_id"] = "policy-frames"
    at.run()
    _ok(at)
    policy = Codebook.load("policy-frames").frame_ids
    assert at.multiselect(key="highlight_frames").value == policy  # another codebook: all of its frames
    at.session_state["codebook_id"] = "south-asia-security"
    at.run()
    assert at.multiselect(key="highlight_frames").value == ["state_proxy", "civilian_harm"]


def test_export_bundle_of_an_edited_codebook_has_the_draft_yaml(encoder):
    at = _app("codebook")
    _add_prototype(at)
    _goto(at, "export")
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("codebook.yaml") for label in labels)
    from framing.app import choices, jobs
    from framing.app.views import export

    draft = Codebook.from_yaml(at.session_state["codebook_drafts"]["south-asia-security"])
    results = next(r for r in list(jobs._analyses()._items.values()) if r.codebook.sha256 == draft.sha256)
    counts = results.outlet_counts()
    outlets = tuple(counts.index[: min(choices.TOP_OUTLETS, len(counts))])
    key = f"{id(results)}|{results.created}|" + "\x1f".join(outlets)
    files = export._export(key, at.radio(key="export_format").value, outlets, results)  # the page's cached bundle
    bundled = Codebook.from_yaml(files["codebook.yaml"].decode("utf-8"))
    assert bundled.sha256 == draft.sha256 and PROTO in bundled.frame("state_proxy").prototypes


def test_a_restart_on_other_paths_opens_those_not_the_saved_corpus(tmp_path, monkeypatch):
    first, second = _corpus(tmp_path, "first.jsonl"), _corpus(tmp_path, "second.jsonl", n=1)
    monkeypatch.setenv("FRAMING_APP_PATHS", str(first))
    at = _app("corpus")
    sid = at.query_params["s"]
    at.file_uploader(key="corpus_upload").set_value(("mine.jsonl", _corpus(tmp_path, "mine.jsonl").read_bytes(),
                                                     "application/json")).run()
    at.button(key="read_uploads").click().run()
    assert any(m.value.startswith("**Open now:** mine.jsonl") for m in _app("corpus", sid=sid).markdown)
    monkeypatch.setenv("FRAMING_APP_PATHS", str(second))  # `framing app second.jsonl`
    again = _app("corpus", sid=sid)
    assert any(m.value == "**Open now:** second.jsonl" for m in again.markdown)
