"""What the app writes to disk: sanitised names confined to its own folders, saved codebooks
never over the built-ins, upload folders and per-browser state pruned when old."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from framing import paths
from framing.app import files, persist
from framing.codebook import Codebook


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("FRAMING_DATA_DIR", str(folder))
    return folder


def test_data_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("FRAMING_DATA_DIR", raising=False)
    monkeypatch.setenv("FRAMING_DB", str(tmp_path / "db" / "store.duckdb"))
    assert paths.data_dir() == tmp_path / "db"
    monkeypatch.setenv("FRAMING_DB", ":memory:")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.data_dir() == tmp_path / "xdg" / "framing"
    monkeypatch.setenv("FRAMING_DATA_DIR", str(tmp_path / "mine"))
    assert paths.user_codebooks_dir() == tmp_path / "mine" / "codebooks"
    assert paths.uploads_dir() == tmp_path / "mine" / "uploads"
    assert paths.app_state_dir() == tmp_path / "mine" / "app-state"


@pytest.mark.parametrize("name", ["../evil.yaml", "/tmp/evil.yaml", "a/b.yaml", "..\\evil.yaml", "..", ".hidden.yaml",
                                  "", "C:evil.yaml", "x\0.yaml"])
def test_only_plain_file_names_are_accepted(name):
    with pytest.raises(ValueError, match="plain file name"):
        files.plain_name(name)


def test_codebook_file_names_are_sanitised_and_end_in_yaml():
    assert files.codebook_file_name("my codebook") == "my_codebook.yaml"
    assert files.codebook_file_name("frames-v2.yml") == "frames-v2.yml"
    assert files.codebook_file_name(" policy.YAML ") == "policy.YAML"
    assert files.codebook_file_name("notes.txt") == "notes.txt.yaml"


def test_save_codebook_writes_only_into_the_user_folder(data_dir, tmp_path):
    cb = Codebook.load("policy-frames")
    path = files.save_codebook(cb, "my frames")
    assert path == data_dir / "codebooks" / "my_frames.yaml"
    assert Codebook.load(path).sha256 == cb.sha256
    # the same name again replaces the user's own file
    assert files.save_codebook(Codebook.load("generic-frames"), "my frames") == path
    assert Codebook.load(path).id == "generic-frames"
    for bad in ("../escape.yaml", str(tmp_path / "abs.yaml")):
        with pytest.raises(ValueError):
            files.save_codebook(cb, bad)
    assert not (data_dir / "escape.yaml").exists() and not (tmp_path / "abs.yaml").exists()
    assert sorted(p.name for p in (data_dir / "codebooks").iterdir()) == ["my_frames.yaml"]


def test_save_codebook_refuses_a_symlink_out_of_the_folder(data_dir, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("precious", encoding="utf-8")
    folder = data_dir / "codebooks"
    folder.mkdir(parents=True)
    (folder / "link.yaml").symlink_to(outside)
    with pytest.raises(ValueError, match="symbolic link"):
        files.save_codebook(Codebook.load("policy-frames"), "link.yaml")
    assert outside.read_text(encoding="utf-8") == "precious"


def test_save_codebook_never_writes_into_the_builtin_folder():
    builtin = paths.codebooks_dir()
    before = {p.name: p.stat().st_mtime_ns for p in builtin.iterdir()}
    with pytest.raises(ValueError, match="built-in"):
        files.save_codebook(Codebook.load("policy-frames"), "south-asia-security.yaml", folder=builtin)
    assert {p.name: p.stat().st_mtime_ns for p in builtin.iterdir()} == before


class _Upload:
    def __init__(self, name: str, data: bytes):
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def test_uploads_go_to_one_folder_per_upload_under_safe_names(data_dir):
    saved = files.save_uploads([_Upload("../../etc/passwd.csv", b"a"), _Upload("passwd.csv", b"b"),
                                _Upload("my file (1).jsonl", b"c")], owner="ab12../cd")
    folder = saved[0].parent
    assert folder.parent == data_dir / "uploads" and folder.name.startswith("ab12cd-")
    assert [p.name for p in saved] == ["passwd.csv", "passwd_1.csv", "my_file_1_.jsonl"]
    assert [p.read_bytes() for p in saved] == [b"a", b"b", b"c"]
    assert files.upload_folder([str(p) for p in saved]) == folder.resolve()
    assert files.upload_folder([str(data_dir / "elsewhere.csv")]) is None
    assert not files.remove_upload([str(data_dir / "elsewhere.csv")])
    assert files.remove_upload([str(p) for p in saved]) and not folder.exists()


def test_old_upload_folders_are_pruned_but_kept_ones_stay(data_dir):
    old = files.save_uploads([_Upload("a.jsonl", b"{}")], owner="old")[0].parent
    kept = files.save_uploads([_Upload("b.jsonl", b"{}")], owner="kept")[0].parent
    fresh = files.save_uploads([_Upload("c.jsonl", b"{}")], owner="fresh")[0].parent
    long_ago = time.time() - 30 * 86400
    for folder in (old, kept):
        os.utime(folder, (long_ago, long_ago))
    removed = files.prune_uploads(max_age_days=14, keep=(kept,))
    assert removed == [old] and not old.exists() and kept.exists() and fresh.exists()
    files.touch([str(kept / "b.jsonl")])
    assert files.prune_uploads(max_age_days=14) == []


def test_browser_state_round_trips_and_old_state_is_pruned(tmp_path):
    sid = "0123456789abcdef0123"
    values = {"corpus_source": {"kind": "upload", "paths": ["/x/a.jsonl"], "label": "a.jsonl"},
              "codebook_drafts": {"policy-frames": "id: policy-frames\n"}, "kept_widgets": {"term_frame@x": "f1"}}
    path = persist.save(sid, values, folder=tmp_path)
    assert path == tmp_path / f"{sid}.json"
    assert persist.load(sid, folder=tmp_path) == values
    assert persist.load("f" * 20, folder=tmp_path) == {}
    path.write_text("{not json", encoding="utf-8")
    assert persist.load(sid, folder=tmp_path) == {}
    for bad in ("../../etc/passwd", "ABCDEF0123456789", "abc"):
        with pytest.raises(ValueError, match="browser id"):
            persist.state_file(bad, folder=tmp_path)
    persist.save(sid, values, folder=tmp_path)
    other = persist.save("a" * 24, {}, folder=tmp_path)
    os.utime(other, (time.time() - 30 * 86400,) * 2)
    assert persist.prune(max_age_days=14, folder=tmp_path) == [other]
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == [f"{sid}.json"]
