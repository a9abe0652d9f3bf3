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
