"""Bundled files are package resources; trained models go to the working directory."""

from __future__ import annotations

from pathlib import Path

import framing
from framing import paths
from framing.codebook import Codebook, builtin_ids

PACKAGE = Path(framing.__file__).resolve().parent


def test_bundled_files_are_inside_the_package():
    assert paths.codebooks_dir().resolve() == PACKAGE / "codebooks"
    assert paths.app_script().resolve() == PACKAGE / "app" / "main.py" and paths.app_script().is_file()
    assert paths.demo_corpus_path().resolve().is_relative_to(PACKAGE) and paths.demo_corpus_path().is_file()
    assert not hasattr(paths, "REPO_DIR")  # nothing is looked up next to the package


def test_builtin_codebooks_load_by_id():
    assert builtin_ids() == sorted(p.stem for p in (PACKAGE / "codebooks").glob("*.yaml"))
    assert {"south-asia-security", "policy-frames", "generic-frames"} <= set(builtin_ids())
    assert Codebook.load("policy-frames").id == "policy-frames"


def test_models_dir_follows_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("FRAMING_MODELS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.models_dir() == tmp_path / "models"
    monkeypatch.setenv("FRAMING_MODELS_DIR", str(tmp_path / "elsewhere"))
    assert paths.models_dir() == tmp_path / "elsewhere"


def test_typed_paths_are_confined_to_the_roots(tmp_path, monkeypatch):
    import pytest

    root = tmp_path / "root"
    (root / "corpus").mkdir(parents=True)
    (root / "corpus" / "a.jsonl").write_text("{}", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    (root / "link").symlink_to(outside)
    roots = [root]
    assert paths.confined_path("corpus", roots) == (root / "corpus").resolve()
    assert paths.confined_path(str(root / "corpus" / "a.jsonl"), roots).name == "a.jsonl"
    for typed in ("/etc/passwd", str(outside), "../secret.txt", "corpus/../../secret.txt", "link", "~"):
        with pytest.raises(ValueError, match="outside the folders"):
            paths.confined_path(typed, roots)
    with pytest.raises(ValueError, match="no such file"):
        paths.confined_path("corpus/missing.csv", roots)
    monkeypatch.setenv(paths.APP_ROOTS_ENV, str(root))
    assert paths.app_roots() == [root.resolve()]
    monkeypatch.delenv(paths.APP_ROOTS_ENV)
    monkeypatch.chdir(root)
    assert paths.app_roots()[0] == root.resolve()


def test_the_corpus_page_refuses_paths_outside_the_roots(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(paths.APP_ROOTS_ENV, str(tmp_path))
    monkeypatch.setenv("FRAMING_DB", str(tmp_path / "store.duckdb"))
    at = AppTest.from_file(str(paths.app_script()), default_timeout=120)
    at.session_state["_goto_page"] = "corpus"
    at.run()
    at.text_input(key="corpus_path").input("/etc/passwd").run()
    at.button(key="read_path").click().run()
    assert any("outside the folders" in e.value for e in at.error)
    assert any(m.value.startswith("**Open now:** Bundled demo corpus") for m in at.markdown)
    assert "passwd" not in " ".join(m.value for m in at.markdown)
