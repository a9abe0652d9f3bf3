"""Sentence segmentation: abbreviations, initials and quotes do not split; spans are exact."""

from __future__ import annotations

import pytest

from framing.corpus import Article
from framing.segment import sentences_of, split_spans


def _sentences(text):
    spans = split_spans(text)
    for s, e in spans:
        assert text[s:e] == text[s:e].strip() and e > s
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "spans overlap or are out of order"
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. Army said so. Then it left.", ["The U.S. Army said so.", "Then it left."]),
        ("Officials in the U.S. The next day they left.", ["Officials in the U.S.", "The next day they left."]),
        ("Dr. Ahmed met Mr. Khan. They talked.", ["Dr. Ahmed met Mr. Khan.", "They talked."]),
        ("Lt. Gen. Ahmed Sharif spoke. He said no.", ["Lt. Gen. Ahmed Sharif spoke.", "He said no."]),
        ("Lt-Gen. Ahmed Sharif spoke. He said no.", ["Lt-Gen. Ahmed Sharif spoke.", "He said no."]),
        ("He met Lt-Gen Ahmed Sharif on Jan. 5 in Rawalpindi. It was cold.",
         ["He met Lt-Gen Ahmed Sharif on Jan. 5 in Rawalpindi.", "It was cold."]),
        ("A book by J. K. Rowling sold well. Critics agreed.", ["A book by J. K. Rowling sold well.", "Critics agreed."]),
        ('He said: "It was planned. We know who did it." Officials agreed.',
         ['He said: "It was planned. We know who did it."', "Officials agreed."]),
        ("The minister said: “We will respond. We are ready.” Officials agreed.",
         ["The minister said: “We will respond. We are ready.”", "Officials agreed."]),
        ('"We will not stop," he said. "Never."', ['"We will not stop," he said.', '"Never."']),
        ("Is it over? No. It is not!", ["Is it over?", "No.", "It is not!"]),
        ("See Fig. 3 for details. Done.", ["See Fig. 3 for details.", "Done."]),
        ("At 10 p.m. The attack began.", ["At 10 p.m.", "The attack began."]),
        ("It cost $3.5 billion. Nobody paid.", ["It cost $3.5 billion.", "Nobody paid."]),
        ("Headline without a full stop\nThe body starts here. Second one.",
         ["Headline without a full stop", "The body starts here.", "Second one."]),
        ("a line wrapped\ninside one sentence. Next.", ["a line wrapped\ninside one sentence.", "Next."]),
        ("Wait... What happened?", ["Wait...", "What happened?"]),
        ('"Well, which is it?" Justice Scalia asked. Nobody answered.',
         ['"Well, which is it?" Justice Scalia asked.', "Nobody answered."]),
        ("Republican Sens. John McCain and Lindsey Graham objected. They lost.",
         ["Republican Sens. John McCain and Lindsey Graham objected.", "They lost."]),
    ],
)
def test_split(text, expected):
    assert _sentences(text) == expected


def test_empty_and_whitespace():
    assert split_spans("") == []
    assert split_spans("   \n\n ") == []
    assert _sentences("  One sentence without a stop  ") == ["One sentence without a stop"]


def test_sentences_of_points_into_article_text():
    text = "  Pakistan's army said on Monday that 12 militants were killed. The U.S. embassy issued a warning.\n\n"
    article = Article("x1", "Dawn", None, "t", text)
    sentences = sentences_of(article)
    assert [s.index for s in sentences] == [0, 1]
    for s in sentences:
        assert s.article_id == "x1"
        assert article.text[s.start:s.end] == s.text
    assert sentences[1].text == "The U.S. embassy issued a warning."


def test_seed_sentences_are_exact_and_plausible(seed_path):
    from framing.ingest import load

    corpus = load(seed_path)
    total = 0
    for article in corpus:
        sentences = sentences_of(article)
        total += len(sentences)
        for s in sentences:
            assert article.text[s.start:s.end] == s.text
        # no sentence is a stray fragment like "Dr." or "U.S."
        assert all(len(s.text) > 4 for s in sentences)
    assert 120 < total < 220
