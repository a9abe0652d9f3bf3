"""The app keeps the user's work, in a real browser (Playwright + Debian's headless Chromium).

Each test opens the app afresh (a new address without ``?s=``: a new browser state) and
checks one thing a user lost before: an edit after switching codebook and back, an upload
after a reload, the frame picker after a rejected weight, the "not scored" notice after
re-scoring, the save box's name after switching codebook, the highlight choice after a page
switch; and that the Events page links an article's source. Screenshots of the Codebook
and Corpus pages go to ``tests/_artifacts/screenshots/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _browser import CHROMIUM, LAUNCH_ARGS, app_server, require_browser, settle

pytestmark = [pytest.mark.slow, pytest.mark.browser]

sync_api = require_browser()
expect = sync_api.expect

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "tests/_artifacts/screenshots"
PROTO = "Officials said the neighbouring agency armed the gunmen to bleed the country."
URLS = {"Border Wire": "https://example.org/border-attack", "Valley Times": "https://example.org/valley-raid"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a free port, with its own store and data folder."""
    root = tmp_path_factory.mktemp("state-browser")
    with app_server(root, {"FRAMING_DATA_DIR": str(root / "data")}) as url:
        yield {"url": url, "data": root / "data", "root": root}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1700}, device_scale_factor=1,
                                  accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def _open(page, server, path: str = "") -> None:
    page.goto(f"{server['url']}/{path}")
    if path:
        page.get_by_role("heading", name=path.capitalize()).first.wait_for(timeout=150_000)
    else:
        page.locator(".outlet-name").first.wait_for(timeout=150_000)
    settle(page, 1500)


def _nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    settle(page, 1500)


def _choose(page, label: str, option: str, scope=None) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    box = (scope or page).get_by_role("combobox", name=label, exact=True).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page, 800)


def _form(page, tab: str):
    page.get_by_role("tab", name=tab, exact=True).click()
    return page.get_by_test_id("stForm").filter(visible=True).first


def _sidebar_text(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def _sidebar_shows(page, text: str, present: bool = True) -> None:
    """Wait (up to a minute: a loaded machine reruns slowly) until the sidebar does or does not show ``text``."""
    sidebar = page.get_by_test_id("stSidebar")
    if present:
        expect(sidebar).to_contain_text(text, timeout=60_000)
    else:
        expect(sidebar).not_to_contain_text(text, timeout=60_000)


def _expander_title(page, frame_id: str) -> str:
    return page.get_by_test_id("stExpander").filter(has_text=f"({frame_id})").first.locator("summary").inner_text()


def _add_prototype(page, frame: str, text: str) -> None:
    form = _form(page, "Prototypes")
    _choose(page, "Frame", frame, scope=form)
    form.get_by_role("textbox").fill(text)
    form.get_by_role("button", name="Add prototypes").click()
    page.get_by_text("Added 1 prototype(s) to").wait_for()
    settle(page, 800)


def test_edit_switch_codebook_and_come_back_the_edit_is_there(page, server):
    _open(page, server, "codebook")
    before = _expander_title(page, "state_proxy")
    n = int(before.split("—")[1].split("prototypes")[0])
    _add_prototype(page, "state_proxy", PROTO)
    assert f"— {n + 1} prototypes" in _expander_title(page, "state_proxy")
    _sidebar_shows(page, "edited")

    _choose(page, "Codebook", "policy-frames")
    _sidebar_shows(page, "edited", present=False)
    assert page.get_by_test_id("stExpander").filter(has_text="(state_proxy)").count() == 0

    _choose(page, "Codebook", "south-asia-security")
    assert f"— {n + 1} prototypes" in _expander_title(page, "state_proxy")
    _sidebar_shows(page, "edited")
    page.screenshot(path=str(SHOTS / "state-codebook.png"), full_page=True)

    # dropping the draft takes two clicks
    page.get_by_role("button", name="Discard changes…").click()
    settle(page, 800)
    page.get_by_text("Discard your changes to south-asia-security?").wait_for()
    assert f"— {n + 1} prototypes" in _expander_title(page, "state_proxy")
    page.get_by_role("button", name="Yes, discard").click()
    settle(page, 800)
    assert f"— {n} prototypes" in _expander_title(page, "state_proxy")
    _sidebar_shows(page, "edited", present=False)


def test_rejected_weight_keeps_the_frame_picker(page, server):
    _open(page, server, "codebook")
    form = _form(page, "Lexicon terms")
    _choose(page, "Frame", "civilian_harm", scope=form)
    form.get_by_role("textbox").fill("term: abc")
    form.get_by_role("button", name="Add terms").click()
    page.get_by_text("the weight after ':' must be a number").wait_for()
    settle(page, 800)
    form = _form(page, "Lexicon terms")
    expect(form.get_by_role("combobox", name="Frame")).to_have_value("civilian_harm")
    form.get_by_role("textbox").fill("body bags: 2")
    form.get_by_role("button", name="Add terms").click()
    page.get_by_text("Added terms to civilian_harm.").wait_for()
    settle(page, 800)
    expect(_form(page, "Lexicon terms").get_by_role("combobox", name="Frame")).to_have_value("civilian_harm")
    from framing.codebook import Codebook

    before = len(Codebook.load("south-asia-security").frame("civilian_harm").lexicon)  # all languages
    assert f"{before + 1} terms" in _expander_title(page, "civilian_harm")


def test_rescore_now_removes_the_not_scored_notice(page, server):
    _open(page, server, "codebook")
    _add_prototype(page, "state_proxy", "The spy agency kept the militants as a deniable weapon.")
    notice = page.get_by_text("not scored with this version of the codebook yet")
    notice.wait_for()
    page.get_by_role("button", name="Re-score now").click()
    page.get_by_text("Mean frame score per outlet with this codebook").wait_for(timeout=150_000)
    settle(page, 800)
    assert notice.count() == 0
    assert "scored" in _sidebar_text(page).split("Scores")[1]


def test_save_box_name_follows_the_codebook(page, server):
    _open(page, server, "codebook")
    name = page.get_by_role("textbox", name="Save as YAML file on this machine (file name)")
    expect(name).to_have_value("south-asia-security.yaml")
    _choose(page, "Codebook", "generic-frames")
    # the rerun replaces the box; on a loaded machine the old one lingers for seconds
    expect(name).to_have_value("generic-frames.yaml", timeout=30_000)
    page.get_by_role("button", name="Save", exact=True).click()
    saved = server["data"] / "codebooks" / "generic-frames.yaml"
    page.get_by_text(str(saved)).first.wait_for()
    assert saved.is_file()
    name.fill("../../escape.yaml")
    name.press("Enter")
    settle(page, 800)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("expected a plain file name").wait_for()
    assert not (server["root"] / "escape.yaml").exists() and not (server["data"] / "escape.yaml").exists()


def _url_corpus(tmp_path: Path) -> Path:
    rows = [{"id": "u1", "outlet": "Border Wire", "date": "2025-06-02", "title": "Gunmen storm a border post",
             "url": URLS["Border Wire"],
             "text": "Gunmen stormed a border post before dawn. Officials blamed militants sheltered across the "
                     "border and said the neighbouring agency had armed them."},
            {"id": "u2", "outlet": "Valley Times", "date": "2025-06-02", "title": "Border post attacked at dawn",
             "url": URLS["Valley Times"],
             "text": "A border post was attacked before dawn by gunmen. Residents said families fled the nearby "
                     "village and asked for help."}]
    path = tmp_path / "border-stories.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_upload_survives_a_reload_and_events_link_the_source(page, server, tmp_path):
    _open(page, server, "corpus")
    page.get_by_role("tab", name="Upload files").click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Article files").first
    uploader.locator("input[type=file]").set_input_files(str(_url_corpus(tmp_path)))
    page.get_by_role("button", name="Read 1 uploaded file(s)").click()
    page.get_by_text("Open now: border-stories.jsonl").wait_for()
    settle(page)
    assert "?s=" in page.url
    _sidebar_shows(page, "border-stories.jsonl")

    page.reload()
    page.get_by_role("heading", name="Corpus").first.wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text("Open now: border-stories.jsonl").count() == 1, "the reload lost the upload"
    _sidebar_shows(page, "2 articles · 2 outlets")
    page.get_by_text("Ingest report").wait_for()
    page.screenshot(path=str(SHOTS / "state-corpus.png"), full_page=True)

    _nav(page, "Events")
    page.locator(".outlet-name").first.wait_for(timeout=150_000)
    settle(page)
    links = page.get_by_role("link", name="source", exact=True)
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    shown = {n.strip() for n in page.locator(".outlet-name").all_inner_texts()}
    assert shown and hrefs == {URLS[o] for o in shown}


def test_highlight_choice_survives_a_page_switch(page, server):
    _open(page, server)
    box = page.get_by_test_id("stMultiSelect").filter(has_text="Highlight evidence for").first
    tags = box.locator("[data-tag]")
    n = tags.count()
    assert n > 2
    box.get_by_role("button", name="Remove Civilian harm").click()
    settle(page)
    assert tags.count() == n - 1
    _nav(page, "Outlets")
    _nav(page, "Events")
    page.locator(".outlet-name").first.wait_for()
    box = page.get_by_test_id("stMultiSelect").filter(has_text="Highlight evidence for").first
    assert box.locator("[data-tag]").count() == n - 1
    assert box.get_by_role("button", name="Remove Civilian harm").count() == 0
    assert box.get_by_role("button", name="Remove State as proxy sponsor").count() == 1


def test_export_bundle_has_the_edited_yaml(page, server):
    _open(page, server, "codebook")
    _add_prototype(page, "state_proxy", PROTO)
    _nav(page, "Export")
    button = page.get_by_role("button", name="codebook.yaml", exact=False).first
    button.wait_for(timeout=180_000)                 # the bundle (roles included) is written first
    for attempt in range(4):  # a click that a page rerun swallows, or a download it cancels, is asked for again
        try:
            with page.expect_download(timeout=60_000) as download:  # a loaded 2-core machine is slow
                page.get_by_role("button", name="codebook.yaml", exact=False).first.click()
            text = Path(download.value.path()).read_text(encoding="utf-8")
            break
        except sync_api.Error as exc:
            if attempt == 3 or not ("canceled" in str(exc) or isinstance(exc, sync_api.TimeoutError)):
                raise
            settle(page)
    assert PROTO in text
