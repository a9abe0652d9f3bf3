"""Shared fixtures: the real model (loaded once per session), a small deterministic
encoder for fast unit tests, and the real data folders (skipped cleanly when absent)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Never touch the user's per-user store from tests: every test session gets its own.
if "FRAMING_DB" not in os.environ:
    import tempfile

    os.environ["FRAMING_DB"] = os.path.join(tempfile.mkdtemp(prefix="framing-tests-"), "framing.duckdb")

REPO = Path(__file__).resolve().parents[1]
EVAL_DIR = Path(os.environ.get("FRAMING_EVAL_DIR", REPO.parent / "shared" / "eval"))
SEED = REPO / "framing" / "data" / "demo" / "latest-news-iskp.txt"


class HashingEncoder:
    """Deterministic bag-of-words encoder: texts that share words get similar vectors.

    Counts calls and sentences so tests can check the embedding cache.
    """

    model_id = "test-hashing-64"

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.calls = 0
        self.sentences_encoded = 0

    def encode(self, sentences, show_progress=False):
        self.calls += 1
        self.sentences_encoded += len(sentences)
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for i, text in enumerate(sentences):
            for word in re.findall(r"[a-z]+", text.lower()):
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[i, h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms


@pytest.fixture
def hashing_encoder():
    return HashingEncoder()


@pytest.fixture(scope="session")
def encoder():
    """The real default encoder (all-MiniLM-L6-v2 from the PyPI package), once per session."""
    from framing.encoders import get_encoder

    return get_encoder()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.skip(f"real evaluation data not present at {EVAL_DIR}")
    return EVAL_DIR


@pytest.fixture(autouse=True)
def _restore_main_module():
    """``AppTest`` installs the app script as ``__main__`` and leaves it there; spawned
    processes (Dask workers) would then re-run the app on start-up. Put it back."""
    import sys

    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
