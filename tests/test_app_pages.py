"""Every app page driven headless with streamlit's AppTest, on real scores of real text.

The analysis of the demo corpus runs once (real model) and is shared by the tests
through the app's process-wide cache.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "framing/app/main.py")
TIMEOUT = 300

EVIL = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory, monkeypatch):
    """The app's DuckDB store lives in a temp folder shared by this module's tests."""
    db = tmp_path_factory.getbasetemp() / "app-store.duckdb"
    monkeypatch.setenv("FRAMING_DB", str(db))
    monkeypatch.delenv("FRAMING_APP_PATHS", raising=False)
    monkeypatch.delenv("FRAMING_APP_ENCODER", raising=False)


def _app(page: str | None = None, **session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in session.items():
        at.session_state[key] = value
    if page is not None:
        at.session_state["_goto_page"] = page  # app.py switches before the default page runs
    at.run()
    _no_exception(at)
    return at


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _html(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def _table(at: AppTest, column: str):
    """The first dataframe shown with this column (dataframes have no keys in AppTest)."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column; tables: {[list(f.value.columns) for f in at.dataframe]}")


def _outlet_names(at: AppTest) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m) for m in _html(at) if 'class="outlet-name"' in m]


# ---------------------------------------------------------------- events (main page)
def _chart_specs(at: AppTest) -> list[str]:
    return [c.proto.spec for c in at.get("vega_lite_chart")]


def _headlines(at: AppTest) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m) for m in _html(at) if 'class="article-headline"' in m]


def test_events_page_shows_outlets_side_by_side(encoder):
    at = _app()
    assert at.title[0].value == "Events"
    outlets = _outlet_names(at)
    assert outlets and outlets == sorted(set(outlets)), "one column per outlet"
    texts = [m for m in _html(at) if 'class="article-text"' in m]
    assert len(texts) == len(outlets) == len(_headlines(at))
    assert all('<mark class="evidence' in t for t in texts), "every article shows highlighted evidence"
    legend = next(m for m in _html(at) if 'class="frame-legend"' in m)
    assert "State under siege" in legend
    assert len(_chart_specs(at)) >= 2 * len(outlets)  # frame bars + axis position per article
    assert any(re.search(r"Siege vs proxy: [+-]\d\.\d\d \[[+-]\d\.\d\d, [+-]\d\.\d\d\]", c.value)
               for c in at.caption)

    # the article picker puts any articles side by side: by default one per outlet
    at.segmented_control(key="events_mode").set_value("Pick articles").run()
    _no_exception(at)
    assert _outlet_names(at) == ["Arab News", "Express Tribune", "First Post"]
    assert any("ISKP" in h for h in _headlines(at))
    assert all('<mark class="evidence' in m for m in _html(at) if 'class="article-text"' in m)


def test_event_list_reaches_every_article(encoder):
    at = _app()
    at.toggle(key="event_singles").set_value(True).run()
    _no_exception(at)
    seen = set()
    for event_id in at.selectbox(key="event_id").options:
        at.selectbox(key="event_id").set_value(event_id).run()
        _no_exception(at)
        seen.update(_headlines(at))
    assert len(seen) == 5, "with single-outlet stories included, every demo article is reachable"
    at.text_input(key="event_search").set_value("civilian harm").run()
    _no_exception(at)
    assert len(at.selectbox(key="event_id").options) == 1
    assert _outlet_names(at) == ["Arab News"]
    assert any("civilian harm" in h for h in _headlines(at))
    at.text_input(key="event_search").set_value("no such story anywhere").run()
    assert any("No event matches" in i.value for i in at.info)


def test_article_text_is_rendered_escaped(tmp_path, encoder):
    rows = [
        {"id": "evil-1", "outlet": "Test Wire", "date": "2025-06-01", "title": "Headline <b>bold</b> " + EVIL,
         "text": "Militants attacked a police checkpoint in Balochistan, officials said. " + EVIL
         + " The government vowed to defend the country against foreign-backed terrorism."},
        {"id": "evil-2", "outlet": "Other Daily", "date": "2025-06-02", "title": "A second report",
         "text": "Security forces said the attack was planned across the border. Rights groups "
         "criticised enforced disappearances in the province."},
    ]
    path = tmp_path / "evil.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    at = _app(corpus_source={"kind": "paths", "paths": [str(path)], "label": "evil.jsonl"},
              events_mode="Pick articles")
    assert sorted(_outlet_names(at)) == ["Other Daily", "Test Wire"]
    shown = "\n".join(_html(at))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "<script" not in shown and "<img" not in shown and "<b>bold" not in shown
    text = next(m for m in _html(at) if 'class="article-text"' in m and "Balochistan" in m)
    assert "&lt;script&gt;" in text


# ---------------------------------------------------------------- outlets
def test_outlets_page(encoder):
    pytest.importorskip("framing.compare")
    at = _app("outlets")
    assert at.title[0].value == "Outlets"
    subheaders = [s.value for s in at.subheader]
    assert "Frames by outlet" in subheaders and "Axis positions" in subheaders
    specs = _chart_specs(at)
    forest = next(s for s in specs if '"facet"' in s and "mean frame score (95% interval)" in s)  # forest plot
    assert "on-topic" in forest or "articles" in forest  # outlet labels carry the coverage
    assert any('"circle"' in s for s in specs), "strip plot"
    assert any("Further left: more State as proxy sponsor" in c.value for c in at.caption)
    assert any("articles on-topic" in m.value for m in at.markdown)  # coverage notes beside the means
    assert "Same events, told differently?" in subheaders
    assert "Distinctive terms per outlet" in subheaders
    assert len(_table(at, "term")) > 0
    outlets = at.selectbox(key="terms_outlet").options
    assert outlets == ["Arab News", "Express Tribune", "First Post"]

    # with many outlets only the biggest are compared (here: the top two of three)
    at = _app("outlets", compare_top_n=2)
    assert at.selectbox(key="terms_outlet").options == ["Arab News", "Express Tribune"]


# ---------------------------------------------------------------- export
def test_export_page_offers_every_table_and_manifest(encoder):
    pytest.importorskip("framing.compare")
    at = _app("export")
    assert at.title[0].value == "Export"
    labels = [b.label for b in at.get("download_button")]
    assert any(lbl.startswith("Download all") for lbl in labels)
    assert any(lbl.startswith("scores.csv") for lbl in labels)
    assert any(lbl.startswith("evidence.csv") for lbl in labels)
    assert any(lbl.startswith("manifest.json") for lbl in labels)
    at.radio(key="export_format").set_value("xlsx").run()
    _no_exception(at)
    labels = [b.label for b in at.get("download_button")]
    assert any(lbl.startswith("framing-tables.xlsx") for lbl in labels)
    assert at.selectbox(key="export_figure").options[0] == "outlet_frame_heatmap"


# ---------------------------------------------------------------- corpus
def test_corpus_page_shows_the_ingest_report():
    at = _app("corpus")
    assert at.title[0].value == "Corpus"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Kept"] == "5" and metrics["Files read"] == "1" and metrics["Skipped"] == "0"
    table = _table(at, "words")
    assert len(table) == 5 and set(table["outlet"]) == {"Arab News", "Express Tribune", "First Post"}


def test_corpus_upload_rejects_bad_type_and_size():
    at = _app("corpus")
    at.file_uploader(key="corpus_upload").set_value(
        [("payload.pkl", b"\x80\x04not really a pickle", "application/octet-stream"),
         ("empty.csv", b"", "text/csv")]).run()
    errors = [e.value for e in at.error]
    assert any("payload.pkl" in e and "not supported" in e for e in errors)
    assert any("empty.csv" in e and "empty" in e for e in errors)
    assert not [b for b in at.button if b.key == "read_uploads"]


def test_corpus_upload_is_read_and_skips_are_reported():
    lines = [
        json.dumps({"id": "a1", "outlet": "Wire One", "date": "2025-05-01", "title": "Border attack",
                    "text": "Gunmen attacked a border post. Officials blamed foreign-backed militants."}),
        "{this is not json",
        json.dumps({"id": "a2", "outlet": "Wire Two", "date": "2025-05-01", "title": "No text here", "text": ""}),
    ]
    at = _app("corpus")
    at.file_uploader(key="corpus_upload").set_value(("mixed.jsonl", "\n".join(lines).encode(), "application/json"))
    at.run()
    at.button(key="read_uploads").click().run()
    _no_exception(at)
    assert any("mixed.jsonl" in m.value for m in at.markdown if m.value.startswith("**Open now:**"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Kept"] == "1" and metrics["Skipped"] == "2"
    skipped = _table(at, "reason")
    assert len(skipped) == 2 and all(skipped["reason"].str.len() > 0)
    assert set(_table(at, "words")["outlet"]) == {"Wire One"}


def test_uploaded_html_page_is_read(tmp_path):
    page = (b"<html><head><title>Talks resume at the border</title></head><body><article>"
            b"<h1>Talks resume at the border</h1><p>Negotiators from both countries met on Tuesday to reopen "
            b"the crossing, officials said.</p><p>Traders welcomed the decision after weeks of closure, and "
            b"the ministry promised more meetings next month.</p></article></body></html>")
    at = _app("corpus")
    at.file_uploader(key="corpus_upload").set_value(("talks.html", page, "text/html")).run()
    at.button(key="read_uploads").click().run()
    _no_exception(at)
    table = _table(at, "words")
    assert len(table) == 1 and "Talks resume" in table["title"].iloc[0]
    assert not table["outlet"].iloc[0].startswith("framing-upload")


def test_corpus_unreadable_file_gives_a_clear_error(tmp_path):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x00\x01\x02\x03binary\x00junk" * 50)
    at = _app("corpus", corpus_source={"kind": "paths", "paths": [str(bad)], "label": "broken.csv"})
    assert any("broken.csv" in e.value for e in at.error)
    at = _app("events", corpus_source={"kind": "paths", "paths": [str(bad)], "label": "broken.csv"})
    assert any("could not be read" in e.value for e in at.error)


# ---------------------------------------------------------------- codebook
def test_codebook_page_views_and_edits():
    at = _app("codebook")
    assert at.title[0].value == "Codebook"
    frames = _table(at, "prototypes")
    assert "state_under_siege" in set(frames["frame"])
    axes = _table(at, "axis")
    assert axes.iloc[0]["axis"] == "siege_vs_proxy"
    assert not at.session_state["codebook_drafts"]
    n_before = int(frames.set_index("frame").loc["state_proxy", "prototypes"])

    at.selectbox(key="proto_frame").set_value("state_proxy")
    at.text_area(key="proto_text").set_value("The agency kept militant groups as assets against its rivals.")
    at.button(key="FormSubmitter:add_prototypes-Add prototypes").click().run()
    _no_exception(at)
    assert any("Added 1 prototype" in s.value for s in at.success)
    frames = _table(at, "prototypes")
    assert int(frames.set_index("frame").loc["state_proxy", "prototypes"]) == n_before + 1
    assert "assets against its rivals" in at.session_state["codebook_drafts"]["south-asia-security"]

    # an invalid edit is refused with the codebook's own error, and nothing changes
    at.text_input(key="new_axis_id").set_value("same_poles")
    at.selectbox(key="new_axis_a").set_value("state_proxy")
    at.selectbox(key="new_axis_b").set_value("state_proxy")
    at.button(key="FormSubmitter:add_axis-Add axis").click().run()
    errors = [e.value for e in at.error]
    assert any("pole_a and pole_b must differ" in e for e in errors)
    assert len(_table(at, "axis")) == 1

    at.selectbox(key="term_frame").set_value("state_proxy")
    at.text_area(key="term_text").set_value("strategic assets: eleven")
    at.button(key="FormSubmitter:add_terms-Add terms").click().run()
    assert any("weight after ':' must be a number" in e.value for e in at.error)
    # the rejected weight left the picker on state_proxy: the corrected terms go there
    assert at.selectbox(key="term_frame").value == "state_proxy"
    at.text_area(key="term_text").set_value("deniable assets: 2.5")
    at.button(key="FormSubmitter:add_terms-Add terms").click().run()
    _no_exception(at)
    from framing.codebook import Codebook

    draft = Codebook.from_yaml(at.session_state["codebook_drafts"]["south-asia-security"])
    assert draft.frame("state_proxy").lexicon["deniable assets"] == 2.5

    next(t for t in at.text_area if t.key.startswith("yaml_text:")).set_value("id: Bad Id\nframes: []\n")
    at.button(key="FormSubmitter:edit_yaml-Apply YAML").click().run()
    assert any("id" in e.value and "lower-case identifier" in e.value for e in at.error)

    download = [b for b in at.get("download_button") if b.label == "Download YAML"]
    assert download


def test_many_outlets_show_the_biggest_first(tmp_path, encoder):
    outlets = [f"Outlet {chr(65 + i)}" for i in range(9)]
    sentences = [
        "Militants attacked a checkpoint near the border on Monday.",
        "Officials blamed a hostile neighbour for backing the attackers.",
        "Rights groups said dozens of men had disappeared after the raid.",
        "The prime minister promised to defend the country's sovereignty.",
        "Residents described hours of gunfire before the army arrived.",
        "Diplomats urged both governments to resume talks and lower tension.",
        "Analysts said the group had found new recruits among the unemployed.",
        "A spokesman for the insurgents claimed responsibility in a video.",
        "Hospital staff counted eleven wounded civilians, among them two children.",
    ]
    rows = [{"id": f"m{i}", "outlet": o, "date": "2025-03-0%d" % (1 + i % 5),
             "title": f"Checkpoint attack: report number {i}",
             "text": " ".join(sentences[(i + k) % 9] for k in range(0, 9, 2 + i % 3)) + f" Report {i} ends here."}
            for i, o in enumerate(outlets)]
    rows.append(dict(rows[0], id="m9", title="Second report from Outlet A",
                     text="A second story said the security forces lost four soldiers in the attack."))
    path = tmp_path / "nine.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    at = _app(corpus_source={"kind": "paths", "paths": [str(path)], "label": "nine.jsonl"},
              events_mode="Pick articles", picked_articles=[f"m{i}" for i in range(10)])
    shown = next(m for m in at.multiselect if m.label.startswith("Outlets shown"))
    assert shown.label == "Outlets shown (9 covered this event)"
    assert len(shown.value) == 8 and "Outlet A" in shown.value  # A has two articles: biggest first
    assert len(_outlet_names(at)) == 8
    shown.set_value(["Outlet B", "Outlet I"]).run()
    _no_exception(at)
    assert _outlet_names(at) == ["Outlet B", "Outlet I"]


def test_framing_app_paths_env_opens_that_corpus(tmp_path, monkeypatch):
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps({"id": "w1", "outlet": "Wire", "date": "2025-01-02", "title": "One story",
                                "text": "Officials said the border crossing reopened after talks."}), encoding="utf-8")
    monkeypatch.setenv("FRAMING_APP_PATHS", str(path))  # what `framing app PATH` sets
    at = _app("corpus")
    assert any(m.value == "**Open now:** wire.jsonl" for m in at.markdown)
    assert {m.label: m.value for m in at.metric}["Kept"] == "1"


def test_big_corpus_is_scored_in_the_background(tmp_path, monkeypatch, encoder):
    from framing.app import jobs

    monkeypatch.setattr(jobs, "AUTO_SCORE_LIMIT", 1)  # pretend two articles are a big corpus
    # two articles refine in about a second: without a pause the refined results can be ready
    # before the first poll sees the first look (and a page that never showed it opens refined)
    monkeypatch.setattr(jobs, "REFINE_PAUSE", 5.0)
    rows = [{"id": f"b{i}", "outlet": f"Paper {i}", "date": "2025-02-0%d" % (i + 1), "title": f"Dam report {i}",
             "text": text} for i, text in enumerate([
                 "Engineers warned that the dam could fail. The government blamed foreign saboteurs.",
                 "Villagers downstream were evacuated overnight. Aid groups asked for tents and water."])]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    at = _app(corpus_source={"kind": "paths", "paths": [str(path)], "label": "big.jsonl"})
    assert any("not scored yet" in i.value for i in at.info)
    at.button(key="score_now").click().run()
    _no_exception(at)
    import time

    deadline = time.monotonic() + 240
    while not _outlet_names(at):  # the first look (static encoder) comes first
        assert time.monotonic() < deadline, "background scoring did not finish"
        if at.get("progress"):
            assert "2 articles" in at.get("progress")[0].proto.text
        time.sleep(1)
        at.run()
        _no_exception(at)
    assert not at.error
    first = _outlet_names(at)
    assert len(first) >= 1
    assert any("First look" in m.value for m in at.markdown)
    while "take_refined" not in [b.key for b in at.button]:
        assert time.monotonic() < deadline, "refining did not finish"
        assert _outlet_names(at) == first  # the page keeps the first look while refining
        time.sleep(1)
        at.run()
        _no_exception(at)
    at.button(key="take_refined").click().run()
    _no_exception(at)
    assert not any("First look" in m.value for m in at.markdown)
    assert _outlet_names(at) == first
