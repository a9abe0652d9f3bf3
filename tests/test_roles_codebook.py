"""Roles as codebook data: the built-ins carry main and fine roles and an actor gazetteer
with part_of links; bad roles give errors that name the field; nothing is copied from the
seed or the evaluation corpora."""

from __future__ import annotations

import json
import re

import pytest

from framing.codebook import CUE_KINDS, Codebook, CodebookError

MAIN = ["protagonist", "antagonist", "innocent"]
ISSUE_FINE = {
    "protagonist": {"guardian", "martyr", "peacemaker", "rebel", "underdog", "virtuous"},
    "antagonist": {"instigator", "conspirator", "tyrant", "foreign_adversary", "traitor", "spy", "saboteur",
                   "corrupt", "incompetent", "terrorist", "deceiver", "bigot"},
    "innocent": {"forgotten", "exploited", "victim", "scapegoat"},
}


def _minimal(**extra) -> dict:
    data = {"id": "tiny", "frames": [{"id": "f", "prototypes": ["A sentence."]}]}
    data.update(extra)
    return data


def _role(rid="protagonist", **extra) -> dict:
    raw = {"id": rid, "description": "d", "prototypes": ["X saved the day."]}
    raw.update(extra)
    return raw


def _error(data) -> str:
    with pytest.raises(CodebookError) as info:
        Codebook.from_dict(data, source="bad.yaml")
    return str(info.value)


def test_entity_roles_has_the_three_main_roles_and_the_issue_fine_roles():
    cb = Codebook.load("entity-roles")
    assert cb.role_ids == MAIN
    for rid, fine in ISSUE_FINE.items():
        assert {f.id for f in cb.role(rid).fine_roles} == fine
    for role in cb.roles:
        assert len(role.prototypes) >= 10 and role.description
        assert set(role.cues) == set(CUE_KINDS)
        assert all(re.search(r"(?<![\w-])X(?![\w-])", p) for f in role.fine_roles for p in f.prototypes)
    assert cb.frames, "a roles codebook still scores articles"


def test_hero_villain_victim_labels_map_to_main_roles():
    for cid in ("entity-roles", "south-asia-security"):
        cb = Codebook.load(cid)
        assert [cb.role_for_label(x) for x in ("hero", "Villain", " victim ")] == MAIN
        assert cb.role_for_label("antagonist") == "antagonist"
        with pytest.raises(ValueError, match="bystander"):
            cb.role_for_label("bystander")


def test_south_asia_roles_and_actor_gazetteer():
    cb = Codebook.load("south-asia-security")
    assert cb.role_ids == MAIN
    by_name = {e.name: e for e in cb.entities}
    assert "Pakistani state" in by_name["Pakistan"].aliases and "Islamabad" in by_name["Pakistan"].aliases
    for part in ("ISI", "ISPR", "Pakistan Army"):
        assert by_name[part].part_of == "Pakistan"
    assert by_name["RAW"].part_of == "India" and "New Delhi" in by_name["India"].aliases
    for actor in ("Tehreek-e-Taliban Pakistan", "Balochistan Liberation Army", "Islamic State Khorasan Province",
                  "Afghan Taliban", "Baloch people"):
        assert actor in by_name


@pytest.mark.parametrize("cid", ["entity-roles", "south-asia-security"])
def test_roles_round_trip_through_yaml(cid):
    cb = Codebook.load(cid)
    again = Codebook.from_yaml(cb.to_yaml())
    assert again == cb and again.roles == cb.roles and again.entities == cb.entities


def test_role_text_is_not_copied_from_the_seed_or_the_eval_corpora(seed_path):
    from tests.conftest import EVAL_DIR

    corpora = [" ".join(seed_path.read_text(encoding="utf-8").lower().split())]
    climate = EVAL_DIR / "narrative_frames_climate" / "articles.jsonl"
    if climate.exists():
        with climate.open(encoding="utf-8") as fh:
            corpora.append(" ".join(" ".join(json.loads(line)["text"] for line in fh).lower().split()))
    runs = []
    for cid in ("entity-roles", "south-asia-security"):
        cb = Codebook.load(cid)
        written = [p for r in cb.roles for p in r.prototypes + [q for f in r.fine_roles for q in f.prototypes]]
        for s in written:
            words = [w for w in s.lower().rstrip(".").split() if w not in ("x", "x's")]
            runs += [" ".join(words[i:i + 6]) for i in range(len(words) - 5)
                     if any(" ".join(words[i:i + 6]) in text for text in corpora)]
    assert runs == []


@pytest.mark.parametrize("role, field", [
    (_role(prototypes=["Someone saved the day."]), "role 'protagonist'.prototypes[0]"),
    (_role(cues={"agent_of": {"kill": 1}}), "role 'protagonist'.cues.agent_of"),
    (_role(cues={"subject_of": {"kill": "a lot"}}), "role 'protagonist'.cues.subject_of.kill"),
    (_role(lexicon={"brave": 0}), "role 'protagonist'.lexicon.brave"),
    (_role(rid="none"), "role 'none'.id"),
    (_role(rid="Hero"), "roles[0].id"),
    (_role(fine_roles=[{"id": "guardian", "description": "d"}]), "role 'guardian'.prototypes"),
    (_role(fine_roles="guardian"), "role 'protagonist'.fine_roles"),
])
def test_bad_roles_name_the_field(role, field):
    message = _error(_minimal(roles=[role]))
    assert "bad.yaml" in message and field in message, message


def test_role_alias_used_twice_is_an_error():
    message = _error(_minimal(roles=[_role(aliases=["hero"]), _role("antagonist", aliases=["Hero"])]))
    assert "role 'antagonist'.aliases" in message and "protagonist" in message


def test_roles_must_be_a_list_and_ids_unique():
    assert "roles" in _error(_minimal(roles={"protagonist": {}}))
    message = _error(_minimal(roles=[_role(), _role(fine_roles=[_role("protagonist")])]))
    assert "duplicate role id" in message


def test_part_of_must_name_another_entity():
    data = _minimal(entities=[{"name": "ISI", "part_of": "Pakistan"}])
    assert "entity 'ISI'.part_of" in _error(data)
    ok = Codebook.from_dict(_minimal(entities=[{"name": "Pakistan"}, {"name": "ISI", "part_of": "Pakistan"}]))
    assert ok.entities[1].part_of == "Pakistan" and ok.roles == []
