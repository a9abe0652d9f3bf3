"""Hostile inputs (issue 14): each case fails fast with a clear message or is skipped and
reported, never crashes, never loses a good neighbour, never attacks the reader of an export."""

from __future__ import annotations

import json
import resource
import time

import pytest

from framing.codebook import Codebook, CodebookError
from framing.safeio import UnsafeInputError, load_yaml, loads_json

_FRAMES = "frames:\n  - id: f\n    prototypes: [a sentence]\n  - id: g\n    prototypes: [another one]\n"


# ---------------------------------------------------------------------- YAML and codebooks
def _laughs(levels: int = 8) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "id: lol\nbomb:\n  " + "\n  ".join(lines) + f"\n{_FRAMES}    label: *a{levels}\n"


def test_billion_laughs_codebook_fails_fast_with_little_memory(tmp_path):
    path = tmp_path / "lol.yaml"
    path.write_text(_laughs(), encoding="utf-8")
    assert path.stat().st_size < 700
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(CodebookError, match=r"lol\.yaml.*expands to more than"):
        Codebook.load(path)
    assert time.perf_counter() - start < 1.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50 * 1024


def test_recursive_alias_is_refused():
    with pytest.raises(UnsafeInputError, match="expands"):
        load_yaml("a: &a [*a]\n", source="r.yaml")


def test_aliases_within_budget_still_load():
    data = load_yaml("base: &b {x: 1}\nuse: [*b, *b, *b]\n", source="ok.yaml")
    assert data["use"][2] == {"x": 1}


def test_large_yaml_refused_before_parsing(tmp_path):
    with pytest.raises(UnsafeInputError, match=r"big\.yaml.*larger than"):
        load_yaml("x: " + "a" * 100, source="big.yaml", max_bytes=50)
    path = tmp_path / "big.yaml"
    path.write_text("id: big\n" + _FRAMES + "# " + "z" * (3 * 2**20) + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="larger than the limit"):
        Codebook.load(path)


def test_deep_yaml_is_an_error_not_a_crash():
    with pytest.raises(UnsafeInputError, match="d.yaml"):
        load_yaml("[" * 20000 + "]" * 20000, source="d.yaml")


@pytest.mark.parametrize("extra, field", [
    ("axes: 5\n", "axes"),
    ("axes: [5]\n", "axes[0]"),
    ("name: [a, b]\n", "name"),
    ("description: {a: 1}\n", "description"),
    ("version: [1]\n", "version"),
    ("entities: [{name: X, aliases: [[1, 2]]}]\n", "aliases[0]"),
    ("entities: 7\n", "entities"),
])
def test_wrong_types_are_validation_errors_naming_the_field(extra, field):
    with pytest.raises(CodebookError) as info:
        Codebook.from_yaml("id: t\n" + _FRAMES + extra, source="t.yaml")
    assert "t.yaml" in str(info.value) and field in str(info.value)


def test_wrong_type_of_frame_label_names_the_frame():
    text = "id: t\nframes:\n  - id: f\n    label: {nested: map}\n    prototypes: [a]\n"
    with pytest.raises(CodebookError, match=r"frame 'f'\.label: expected text"):
        Codebook.from_yaml(text, source="t.yaml")


# ---------------------------------------------------------------------- JSON limits
def test_json_depth_limit():
    assert loads_json('{"a": [[1]]}') == {"a": [[1]]}
    with pytest.raises(UnsafeInputError, match="nested"):
        loads_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(UnsafeInputError, match="nested"):
        loads_json("[" * 80 + "]" * 80, max_depth=64)
    with pytest.raises(json.JSONDecodeError):
        loads_json("{nope")
