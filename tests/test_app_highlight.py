"""Evidence highlighting builds safe HTML from character spans."""

from __future__ import annotations

import re

import pytest

from framing.app.highlight import Span, colour_map, highlight_html, legend_html

EVIL = 'Intro. <script>alert(1)</script> and <img src=x onerror=alert(1)> end.'


def _visible(html_text: str) -> str:
    """Strip our own markup and unescape: what a reader sees."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text.replace("<br>", "\n")))


def test_untrusted_text_is_escaped_everywhere():
    start = EVIL.index("<script>")
    out = highlight_html(EVIL, [Span(start, start + 30, "f")], {"f": "#E69F00"})
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert _visible(out) == EVIL


def test_spans_become_marks_with_the_frame_colour():
    text = "Pakistan is under siege. RAW backs the militants."
    spans = [Span(0, 24, "siege"), Span(25, 49, "proxy"), Span(25, 28, "proxy", strong=True)]
    out = highlight_html(text, spans, {"siege": "#E69F00", "proxy": "#56B4E9"})
    marks = re.findall(r'<mark class="evidence ([^"]+)"[^>]*>([^<]*)</mark>', out)
    assert marks == [("ev-siege", "Pakistan is under siege."), ("ev-proxy", "RAW"),
                     ("ev-proxy", " backs the militants.")]
    assert "#E69F0055" in out and "#56B4E955" in out
    assert "font-weight:600" in out  # the strong (term) piece
    assert _visible(out) == text


def test_overlaps_colour_by_priority_and_list_every_frame():
    text = "abcdefghij"
    out = highlight_html(text, [Span(0, 6, "b"), Span(3, 10, "a")], {"a": "#E69F00", "b": "#56B4E9"},
                         labels={"a": "Frame <A>", "b": "Frame B"})
    pieces = re.findall(r'<mark class="evidence ([^"]+)" title="([^"]*)"[^>]*>([^<]*)</mark>', out)
    assert pieces == [("ev-b", "Frame B", "abc"), ("ev-a ev-b", "Frame &lt;A&gt;, Frame B", "def"),
                      ("ev-a", "Frame &lt;A&gt;", "ghij")]


def test_unknown_keys_and_out_of_range_spans_are_ignored():
    out = highlight_html("short", [Span(2, 99, "x"), Span(0, 2, "nope"), Span(4, 4, "x")], {"x": "#000000"})
    assert out.count("<mark") == 1 and ">ort</mark>" in out
    assert highlight_html("no spans & such", [], {"x": "#000000"}) == "no spans &amp; such"


def test_newlines_and_dollars_are_neutralised():
    out = highlight_html("a\n\nb costs $5 and $6", [], {})
    assert out == "a<br><br>b costs &#36;5 and &#36;6"


def test_bad_colour_is_rejected():
    with pytest.raises(ValueError, match="rrggbb"):
        highlight_html("x", [Span(0, 1, "x")], {"x": "red;background:url(x)"})


def test_colour_map_and_legend():
    colours = colour_map(["a", "b"])
    assert list(colours) == ["a", "b"] and colours["a"] != colours["b"]
    legend = legend_html(colours, {"a": "<i>A</i>"})
    assert "&lt;i&gt;A&lt;/i&gt;" in legend and "</span>b</span>" in legend


def test_strongest_span_wins_an_overlap():
    text = "one two three"
    spans = [Span(0, 13, "a", value=0.2), Span(0, 7, "b", value=0.9), Span(8, 13, "a", strong=True, value=1.0)]
    out = highlight_html(text, spans, {"a": "#E69F00", "b": "#56B4E9"})
    pieces = re.findall(r'<mark class="evidence ([^"]+)"[^>]*>([^<]*)</mark>', out)
    assert pieces == [("ev-b ev-a", "one two"), ("ev-a", " "), ("ev-a", "three")]


def test_markdown_escape_keeps_names_literal():
    from framing.app.highlight import md

    assert md("**bold** [link](javascript:x) <b>") == r"\*\*bold\*\* \[link\]\(javascript:x\) \<b\>"
    assert md("Fox News - Opinion") == "Fox News - Opinion"
