"""Actor roles: who each outlet casts as hero (protagonist), villain (antagonist) and victim (innocent).

* :mod:`framing.roles.mentions` -- actor mentions with character spans (gazetteer + spaCy
  named entities, or given by the user);
* :mod:`framing.roles.scoring` -- each mention's role from its masked sentence against the
  codebook's role prototypes plus dependency cues, as probabilities;
* :mod:`framing.roles.compare` -- actor x outlet role shares with intervals, tested outlet
  differences, evidence sentences.

``score_roles(corpus_or_results, codebook, encoder=...)`` is the one entry point.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "score_roles": "framing.roles.scoring",
    "RoleScorer": "framing.roles.scoring",
    "RoleClassifier": "framing.roles.scoring",
    "find_mentions": "framing.roles.mentions",
    "read_mentions": "framing.roles.mentions",
    "anchor_mentions": "framing.roles.mentions",
    "role_shares": "framing.roles.compare",
    "role_differences": "framing.roles.compare",
    "role_evidence": "framing.roles.compare",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing.roles' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
