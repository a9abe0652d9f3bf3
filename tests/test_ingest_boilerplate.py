"""Boilerplate removal deletes page debris, keeps prose, and takes user patterns."""

from __future__ import annotations

import json

import pytest

from framing.ingest import DEFAULT_BOILERPLATE, BoilerplateCleaner, load, load_patterns

CLEAN = BoilerplateCleaner().clean


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Listen to article In recent years, the region changed.", "In recent years, the region changed."),
        ("LISTEN TO ARTICLE 4:15 SHARE THIS ARTICLE Share Tweet Post Email The war began.", "The war began."),
        ("Rebels advanced. STORY CONTINUES BELOW THIS AD The army retreated.", "Rebels advanced. The army retreated."),
        ("a wave of radicalisation read more Rather than talks, the state chose force.",
         "a wave of radicalisation Rather than talks, the state chose force."),
        ("First paragraph.\n&w=3840&q=100)\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),
        ("Earthquake Strikes Nepal\n\nEnlarge this image toggle caption Bikram Rai/AP Bikram Rai/AP\n\nA quake struck.",
         "Earthquake Strikes Nepal\n\nA quake struck."),
        ("Talks resumed.\nAdvertisement\nSign up for Daily Newsletters Manage Newsletters\nBoth sides met.",
         "Talks resumed.\nBoth sides met."),
        ("Talks resumed.\n\nAdvertisement Continue reading the main story\n\nStory Continued Below\n\nBoth sides met.",
         "Talks resumed.\n\nBoth sides met."),
        ("Officials spoke.\nCLICK HERE TO GET THE FOX NEWS APP\nShare\nTweet\nFollow us on Twitter @CNNOpinion.\nEnd.",
         "Officials spoke.\nEnd."),
        ("See ![map](https://cdn.example.com/map.png) and https://img.example.com/a/photo.jpg?w=800 here.",
         "See and here."),
        ("Image copyright Getty Images\nThe summit opened in Hanoi.", "The summit opened in Hanoi."),
    ],
)
def test_defaults_remove_debris(raw, expected):
    assert CLEAN(raw) == expected


@pytest.mark.parametrize(
    "prose",
    [
        "Children in the camps read more books than before, teachers said.",
        "Advertisement revenue fell sharply, the company said.",
        "Please share this article with anyone who was there.",
        "The minister asked the public to listen to the radio for updates.",
        "Subscribers to the newsletter were told the story continues below the surface.",
        "He said the U.S. would share intelligence. Officials declined to comment.",
        "Email records showed the order was given at 10 p.m. on Tuesday.",
        "Share prices in Karachi rose 2% after the announcement.",
        "The caption under the photo named the wrong general.",
    ],
)
def test_prose_is_kept(prose):
    assert CLEAN(prose) == prose


def test_whitespace_is_tidied_not_paragraphs():
    assert CLEAN("  One   sentence.\t\tTwo.  \n\n\n\n  Next  paragraph. ") == "One sentence. Two.\n\nNext paragraph."


def test_user_patterns_extend_defaults(tmp_path):
    cleaner = BoilerplateCleaner([r"\(Sponsored by [^)]*\)", r"(?m)^PROMO:.*$"])
    text = "Listen to article Prices rose (Sponsored by Acme) today.\nPROMO: win a car\nMore later."
    assert cleaner.clean(text) == "Prices rose today.\n\nMore later."
    assert len(cleaner.patterns) == len(DEFAULT_BOILERPLATE) + 2
    bare = BoilerplateCleaner([r"\(Sponsored by [^)]*\)"], use_defaults=False)
    assert bare.clean("Listen to article A (Sponsored by X) B") == "Listen to article A B"


def test_load_patterns_from_text_and_yaml(tmp_path):
    txt = tmp_path / "extra.txt"
    txt.write_text("# comments are ignored\n\nPROMO:[^\\n]*\n\\(Sponsored[^)]*\\)\n", encoding="utf-8")
    assert load_patterns(txt) == ["PROMO:[^\\n]*", "\\(Sponsored[^)]*\\)"]
    yml = tmp_path / "extra.yaml"
    yml.write_text("patterns:\n  - 'PROMO:[^\\n]*'\n", encoding="utf-8")
    assert load_patterns(yml) == ["PROMO:[^\\n]*"]
    bad = tmp_path / "bad.txt"
    bad.write_text("(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt: invalid boilerplate pattern"):
        load_patterns(bad)


def test_load_applies_boilerplate_to_text_and_title(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "1", "title": "Talks PROMO: resume", "text": "Talks resume. PROMO: buy now"}))
    article = load(path, boilerplate=[r"PROMO:[^\n]*"])["1"]
    assert article.text == "Talks resume." and article.title == "Talks"
