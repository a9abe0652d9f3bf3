"""Codebooks: the built-ins satisfy the schema, bad files give errors that name the file,
the frame and the field, YAML round-trips, and no prototype is copied from the seed."""

from __future__ import annotations

import copy
import logging
import math

import numpy as np
import pytest
import yaml

from framing.codebook import Codebook, CodebookError, builtin_ids, list_builtin

SOUTH_ASIA_FRAMES = {
    "state_under_siege",
    "state_proxy",
    "foreign_interference",
    "human_rights_repression",
    "civilian_harm",
    "diplomacy_deescalation",
    "global_jihadist_threat",
}
POLICY_FRAMES = [
    "economic",
    "capacity_and_resources",
    "morality",
    "fairness_and_equality",
    "legality_constitutionality_jurisprudence",
    "policy_prescription_and_evaluation",
    "crime_and_punishment",
    "security_and_defense",
    "health_and_safety",
    "quality_of_life",
    "cultural_identity",
    "public_opinion",
    "political",
    "external_regulation_and_reputation",
    "other",
]
GENERIC_FRAMES = ["conflict", "human_interest", "economic_consequences", "morality", "responsibility"]

# (min, max) prototypes per frame for each built-in
PROTOTYPE_RANGE = {"south-asia-security": (15, 30), "policy-frames": (12, 25), "generic-frames": (15, 30)}


# ---------------------------------------------------------------------- built-ins
def test_builtin_ids_lists_the_three_codebooks():
    assert set(PROTOTYPE_RANGE) <= set(builtin_ids())
    assert {cb.id for cb in list_builtin()} >= set(PROTOTYPE_RANGE)


@pytest.mark.parametrize("cid", sorted(PROTOTYPE_RANGE))
def test_builtin_satisfies_schema(cid):
    cb = Codebook.load(cid)
    assert cb.id == cid
    assert cb.name and cb.description
    lo, hi = PROTOTYPE_RANGE[cid]
    all_prototypes = []
    for f in cb.frames:
        assert f.label.strip(), f.id
        assert len(f.description) >= 80, f"{cid}/{f.id}: description too short to code from"
        assert lo <= len(f.prototypes) <= hi, f"{cid}/{f.id}: {len(f.prototypes)} prototypes"
        assert f.lexicon, f"{cid}/{f.id}: empty lexicon"
        assert all(0.5 <= w <= 3 for w in f.lexicon.values()), f"{cid}/{f.id}: weight outside [0.5, 3]"
        # the most diagnostic terms get the top weights: not all terms weigh the same
        assert max(f.lexicon.values()) > min(f.lexicon.values()) or f.id == "other"
        assert all(len(p.split()) >= 5 for p in f.prototypes), f"{cid}/{f.id}: prototype too short"
        all_prototypes += [p.lower() for p in f.prototypes]
    # a prototype defines one frame only
    assert len(all_prototypes) == len(set(all_prototypes)), f"{cid}: prototype shared between frames"
    for ax in cb.axes:
        assert ax.pole_a in cb.frame_ids and ax.pole_b in cb.frame_ids


def test_south_asia_security_content():
    cb = Codebook.load("south-asia-security")
    assert SOUTH_ASIA_FRAMES <= set(cb.frame_ids)
    for f in cb.frames:
        english = f.lexicons.get("en", f.lexicon)  # the English terms (Urdu/Hindi ones beside them)
        assert 20 <= len(english) <= 60, f"{f.id}: {len(english)} English lexicon terms"
        assert any(" " in term for term in f.lexicon), f"{f.id}: no multi-word phrase"
    ax = cb.axis("siege_vs_proxy")
    assert (ax.pole_a, ax.pole_b) == ("state_under_siege", "state_proxy")
    assert len(cb.reference) >= 15
    assert len(cb.entities) >= 35
    types = {e.type for e in cb.entities}
    assert {"state", "agency", "militant_group", "person", "region"} <= types
    names = {e.name for e in cb.entities} | {a for e in cb.entities for a in e.aliases}
    assert {"ISKP", "BLA", "TTP", "ISI", "RAW", "Balochistan"} <= names
    # diagnostic terms sit on the right pole
    assert cb.frame("state_under_siege").lexicon["hybrid warfare"] == 3
    assert cb.frame("state_proxy").lexicon["deep state"] == 3


def test_policy_and_generic_frame_sets():
    assert Codebook.load("policy-frames").frame_ids == POLICY_FRAMES
    assert Codebook.load("generic-frames").frame_ids == GENERIC_FRAMES


def test_no_south_asia_text_is_copied_from_the_seed(seed_path):
    seed = " ".join(seed_path.read_text(encoding="utf-8").lower().split())
    cb = Codebook.load("south-asia-security")
    written = [p for f in cb.frames for p in f.prototypes + f.counter_examples] + cb.reference
    copied = [s for s in written if " ".join(s.lower().split()) in seed]
    assert copied == []
    # nor long stretches of a seed sentence: no 8-word run of a prototype occurs in the seed
    runs = []
    for s in written:
        words = s.lower().rstrip(".").split()
        runs += [" ".join(words[i:i + 8]) for i in range(len(words) - 7) if " ".join(words[i:i + 8]) in seed]
    assert runs == []


def test_siege_proxy_axis_orders_unseen_sentences(encoder):
    """Sentences written for this test (not in the codebook) fall on their own side of the axis."""
    cb = Codebook.load("south-asia-security")
    a = encoder.encode(cb.frame("state_under_siege").prototypes).mean(0)
    b = encoder.encode(cb.frame("state_proxy").prototypes).mean(0)
    axis = (a - b) / np.linalg.norm(a - b)
    baseline = float((encoder.encode(cb.reference) @ axis).mean())
    siege = [
        "The defence minister said the bombing was part of a foreign plan to weaken Pakistan.",
        "Terrorists sent from across the western border will be given a befitting reply.",
        "The country will not bow before terrorists and their patrons abroad.",
        "Pakistan's sacrifices in the fight against extremism are unmatched anywhere in the world.",
        "The whole nation salutes the martyrs who gave their lives for the security of the country.",
        "The senate passed a resolution condemning Indian state terrorism against Pakistan.",
    ]
    proxy = [
        "Pakistan's intelligence services helped create the militant groups that later spiralled out of control.",
        "The security establishment treats some jihadist leaders as assets rather than criminals.",
        "Religious militants were allowed to recruit openly because they served the army's purposes in Kashmir.",
        "Critics say the generals revived extremist outfits to counter the Baloch insurgency.",
        "Local militias backed by the army have been accused of abducting Pashtun activists.",
        "The military uses armed religious groups to intimidate Pashtun and Baloch dissidents.",
    ]
    ps = encoder.encode(siege) @ axis - baseline
    pp = encoder.encode(proxy) @ axis - baseline
    assert ps.mean() > 0.03 and pp.mean() < -0.03
    assert (ps > 0).sum() >= 5 and (pp < 0).sum() >= 5
    assert abs(baseline - float(((a + b) / 2) @ axis)) < 0.2  # neutral reference sits between the poles


# ---------------------------------------------------------------------- bad files
def _valid() -> dict:
    return {
        "id": "mini",
        "name": "Mini",
        "frames": [
            {"id": "alpha", "label": "Alpha", "description": "d", "prototypes": ["one sentence."],
             "lexicon": {"apple": 1.0, "red apple": 2}},
            {"id": "beta", "prototypes": ["another sentence."], "lexicon": ["pear"]},
        ],
        "axes": [{"id": "a_vs_b", "pole_a": "alpha", "pole_b": "beta"}],
        "reference": ["a neutral sentence."],
    }


def _write(tmp_path, data, name="bad.yaml"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _error(tmp_path, data, name="bad.yaml") -> str:
    path = _write(tmp_path, data, name)
    with pytest.raises(CodebookError) as info:
        Codebook.load(path)
    message = str(info.value)
    assert str(path) in message, message
    return message


def test_valid_minimal_file_loads(tmp_path):
    cb = Codebook.load(_write(tmp_path, _valid(), "mini.yaml"))
    assert cb.frame_ids == ["alpha", "beta"]
    assert cb.frame("beta").lexicon == {"pear": 1.0}
    assert cb.axis("a_vs_b").pole_b == "beta"
    assert cb.source.endswith("mini.yaml")
    with pytest.raises(KeyError, match="gamma"):
        cb.frame("gamma")


def test_unknown_frame_in_axis(tmp_path):
    data = _valid()
    data["axes"][0]["pole_b"] = "gamma"
    msg = _error(tmp_path, data)
    assert "axis 'a_vs_b'" in msg and "pole_b" in msg and "gamma" in msg


def test_axis_pole_not_a_string(tmp_path):
    data = _valid()
    data["axes"][0]["pole_a"] = ["alpha"]
    msg = _error(tmp_path, data)
    assert "axis 'a_vs_b'" in msg and "pole_a" in msg


@pytest.mark.parametrize("prototypes", [[], None, "just a string", ["ok.", "   "]])
def test_empty_or_bad_prototypes(tmp_path, prototypes):
    data = _valid()
    data["frames"][1]["prototypes"] = prototypes
    msg = _error(tmp_path, data)
    assert "frame 'beta'" in msg and "prototypes" in msg


def test_duplicate_prototype_within_frame(tmp_path):
    data = _valid()
    data["frames"][0]["prototypes"] = ["One sentence.", "one  sentence."]
    msg = _error(tmp_path, data)
    assert "frame 'alpha'" in msg and "prototypes[1]" in msg and "duplicate" in msg


def test_duplicate_frame_ids(tmp_path):
    data = _valid()
    data["frames"][1]["id"] = "alpha"
    msg = _error(tmp_path, data)
    assert "frame 'alpha'" in msg and ".id" in msg and "duplicate" in msg


@pytest.mark.parametrize("weight", [-1, 0, "heavy", True, None, float("nan"), 11])
def test_bad_weights(tmp_path, weight):
    data = _valid()
    data["frames"][0]["lexicon"]["red apple"] = weight
    msg = _error(tmp_path, data)
    assert "frame 'alpha'" in msg and "lexicon" in msg and "red apple" in msg and "weight" in msg


def test_duplicate_lexicon_term_after_normalising(tmp_path):
    data = _valid()
    data["frames"][0]["lexicon"] = {"Apple": 1, "apple ": 2}
    msg = _error(tmp_path, data)
    assert "frame 'alpha'" in msg and "lexicon" in msg and "duplicate term" in msg


def test_duplicate_yaml_key_is_an_error(tmp_path):
    text = yaml.safe_dump(_valid(), sort_keys=False).replace("red apple: 2", "red apple: 2\n    apple: 3")
    assert text.count("apple: ") == 3
    msg = _error(tmp_path, text)
    assert "duplicate key 'apple'" in msg and "line" in msg


def test_not_yaml(tmp_path):
    msg = _error(tmp_path, "id: mini\nframes: [unclosed\n  - {id: x\n")
    assert "not valid YAML" in msg


def test_not_a_mapping(tmp_path):
    msg = _error(tmp_path, "- just\n- a list\n")
    assert "top level" in msg


def test_missing_id(tmp_path):
    data = _valid()
    del data["id"]
    msg = _error(tmp_path, data)
    assert ": id:" in msg and "None" in msg


def test_bad_frame_id(tmp_path):
    data = _valid()
    data["frames"][0]["id"] = "Bad Id"
    msg = _error(tmp_path, data)
    assert "frames[0].id" in msg and "Bad Id" in msg


def test_no_frames(tmp_path):
    data = _valid()
    data["frames"] = []
    assert "frames" in _error(tmp_path, data)


def test_bad_entities(tmp_path):
    data = _valid()
    data["entities"] = [{"aliases": ["x"]}]
    assert "entities[0]" in _error(tmp_path, data)
    data["entities"] = [{"name": "Acme", "aliases": 5}]
    assert "entity 'Acme'.aliases" in _error(tmp_path, data)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: mini\nname: caf\xe9\n".encode("latin-1"))
    with pytest.raises(CodebookError, match="UTF-8") as info:
        Codebook.load(path)
    assert str(path) in str(info.value)


def test_missing_file_directory_and_unknown_builtin(tmp_path):
    with pytest.raises(CodebookError, match="not found"):
        Codebook.load(tmp_path / "absent.yaml")
    with pytest.raises(CodebookError, match="not a file"):
        Codebook.load(tmp_path)
    with pytest.raises(CodebookError, match="south-asia-security"):
        Codebook.load("no-such-codebook")


def test_unknown_field_is_reported(tmp_path, caplog):
    data = _valid()
    data["frames"][0]["lexicons"] = {"typo": 1}
    with caplog.at_level(logging.WARNING, logger="framing.codebook"):
        Codebook.load(_write(tmp_path, data))
    assert any("frame 'alpha'" in r.getMessage() and "lexicons" in r.getMessage() for r in caplog.records)


def test_codebook_error_is_a_value_error():
    assert issubclass(CodebookError, ValueError)


# ---------------------------------------------------------------------- round trip
@pytest.mark.parametrize("cid", sorted(PROTOTYPE_RANGE))
def test_yaml_round_trip_and_stable_hash(cid, tmp_path):
    cb = Codebook.load(cid)
    again = Codebook.from_yaml(cb.to_yaml())
    assert again == cb
    assert again.to_dict() == cb.to_dict()
    assert again.sha256 == cb.sha256 == Codebook.load(cid).sha256
    assert len(cb.sha256) == 64 and int(cb.sha256, 16) >= 0
    saved = Codebook.load(cb.save(tmp_path / f"{cid}.yaml"))
    assert saved == cb and saved.sha256 == cb.sha256


def test_hash_changes_with_content():
    cb = Codebook.load("generic-frames")
    changed = copy.deepcopy(cb)
    term = next(iter(changed.frames[0].lexicon))
    changed.frames[0].lexicon[term] += 0.5
    assert changed.sha256 != cb.sha256
    changed2 = copy.deepcopy(cb)
    changed2.frames[0].prototypes.append("A new example sentence for the frame.")
    assert changed2.sha256 != cb.sha256
    assert not math.isnan(sum(cb.frames[0].lexicon.values()))
