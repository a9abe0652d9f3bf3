"""The bundled seed page (aggregator listing format) parses into exactly its five articles."""

from __future__ import annotations

import datetime as dt
import shutil

import framing
from framing.ingest import load

EXPECTED = [
    ("Express Tribune", "2025-06-11", "Politics", "India, ISKP and BLA: Pakistan's multi-front security challenge"),
    ("First Post", "2025-06-04", "Business",
     "Pakistan's proxy war against Baloch people: ISKP's threats and militarisation of Balochistan"),
    ("Arab News", "2025-05-24", "Politics",
     "Pakistan ranks seventh in civilian harm, second in IED casualties worldwide — report"),
    ("Express Tribune", "2025-05-05", "Politics",
     "Three police officers killed in gun attack on traffic patrol in Russia's Dagestan"),
    ("Express Tribune", "2025-05-02", "Business", "Diplomacy in overdrive to avert military escalation"),
]


def test_seed_yields_five_articles_with_metadata(seed_path):
    corpus = load(seed_path)
    assert len(corpus) == 5
    got = [(a.outlet, a.published.isoformat(), a.section, a.title) for a in corpus]
    assert got == EXPECTED
    assert all(isinstance(a.published, dt.date) for a in corpus)
    report = corpus.report
    assert report.records_read == 5 and report.kept == 5
    assert report.merged == [] and report.skipped == []


def test_seed_boilerplate_removed_and_prose_kept(seed_path):
    corpus = load(seed_path)
    for article in corpus:
        for debris in ("Listen to article", "STORY CONTINUES BELOW THIS AD", "&w=3840", "q=100)"):
            assert debris not in article.text, (debris, article.title)
        assert " read more " not in article.text
        assert len(article.text) > 1500
    first = corpus.articles[0]
    assert first.text.startswith("The writer is a public policy analyst based in Lahore.")
    assert "In recent years, Pakistan has grappled" in first.text
    second = corpus.articles[1]
    assert "further radicalisation Rather than addressing" in second.text
    assert second.text.count("In a striking development") == 1


def test_default_load_is_the_demo_corpus_with_stable_ids(seed_path):
    a = framing.load()
    b = load([seed_path])
    assert a.ids == b.ids
    assert all(i.startswith("a-") and len(i) == 18 for i in a.ids)
    assert list(a.to_frame().columns)[:4] == ["article_id", "outlet", "published", "title"]


def test_format_detected_by_content_not_name(seed_path, tmp_path):
    renamed = tmp_path / "listing.dat"
    shutil.copy(seed_path, renamed)
    corpus = load(renamed)
    assert [a.published.isoformat() for a in corpus] == [e[1] for e in EXPECTED]


def test_aggregator_variants(tmp_path):
    page = (
        "Latest news with #Kashmir\n\n\n"
        "Dawn\n03-05-2025\n- Dawn\n- World\nTalks resume in Doha\nListen to article Officials met on Sunday.\n"
        "A second paragraph followed.\n\n\n"
        "Geo News\n4-5-2025\n- Geo News\nFloods in the north\nRelief agencies warned of more rain.\n"
    )
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    corpus = load(path)
    got = [(a.outlet, a.published.isoformat(), a.section, a.title, a.text) for a in corpus]
    assert got == [
        ("Dawn", "2025-05-03", "World", "Talks resume in Doha", "Officials met on Sunday.\n\nA second paragraph followed."),
        ("Geo News", "2025-05-04", "", "Floods in the north", "Relief agencies warned of more rain."),
    ]
    assert [a.source.rsplit(":", 1)[1] for a in corpus] == ["line 4", "line 13"]
