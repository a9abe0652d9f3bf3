"""Scoring settings: every number the scorers use, in one serialisable dataclass."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

_CALIBRATIONS = ("reference", "corpus", "none")
_BASELINES = ("reference", "corpus", "zero")
_WEIGHTINGS = ("softmax", "top", "uniform")
#: Settings added after scores were first stored -> the value at which they are left out of
#: :attr:`ScoringSettings.sha256` (the default: a calibration stored before still matches it;
#: it simply carries no per-language anchors).
_HASHED_UNLESS = {"language_calibration": True}


@dataclass(frozen=True)
class ScoringSettings:
    """Parameters of frame and axis scoring (DESIGN.md: every number is a parameter).

    Parameters
    ----------
    top_k : int, default 3
        An article's embedding score for a frame is the mean of its ``top_k`` highest
        sentence similarities to the frame.
    counter_weight : float, default 1.0
        Penalty for sentences closer to a frame's counter-examples than to its
        prototypes: ``sim = max_proto - counter_weight * max(0, max_counter - max_proto)``.
    calibration : {"reference", "corpus", "none"}, default "reference"
        Background against which raw embedding scores are calibrated to [0, 1].
        ``"reference"``: fixed anchors from the codebook alone (neutral reference
        sentences + the bundled generic news sentences = 'off frame'; prototypes'
        similarity to each other = 'on frame'), so a five-article corpus gets absolute
        values and scores do not change when other articles are added.
        ``"corpus"``: anchors are quantiles of the corpus's own article scores
        (``corpus_quantiles``), i.e. relative to the corpus passed to
        ``fit_calibration`` (which may be a separate reference corpus).
        ``"none"``: raw top-k mean cosine clipped to [0, 1].
    background_quantile : float, default 0.9
        Quantile of background sentence similarities used as the 'off frame' anchor
        (a top-k mean is a high quantile of an article's own sentences, so compare it
        with a high quantile of the background).
    prototype_quantile : float, default 0.9
        'On frame' anchor: this quantile of the prototypes' leave-one-out similarity
        to their own frame (how close the closest on-frame sentences get).
    corpus_quantiles : tuple of float, default (0.5, 0.95)
        'Off' and 'on' anchors in ``calibration="corpus"``.
    calibration_slope : float, default 6.0
        Logistic slope: ``score = 1 / (1 + exp(-slope * ((raw - lo) / (hi - lo) - 0.5)))``;
        the 'off' anchor maps to ~0.05 and the 'on' anchor to ~0.95.
    generic_background : bool, default True
        Add the bundled generic news sentences to the codebook's reference sentences
        as calibration background.
    embedding_weight, lexicon_weight : float, default 0.7, 0.3
        Blend of the combined frame score (normalised to sum 1; a frame without a
        lexicon uses the embedding score alone).
    residual_weight : float, default 0.5
        A residual frame (``residual: true`` in the codebook, e.g. *Other*) scores
        ``residual_weight * own + (1 - residual_weight) * (1 - max of the other frames)``,
        where ``own`` is its combined prototype and lexicon score and the maximum runs
        over the combined scores of the codebook's non-residual frames: "none of the
        other frames applies" is evidence for it. 1: its own score only.
    lexicon_scale : float, default 20.0
        Weighted matches per 1,000 tokens mapped to [0, 1] by ``1 - exp(-rate / scale)``.
    lexicon_inflections : bool, default True
        Match plural, -ed, -ing and possessive forms of the last word of each term.
    per_tokens : int, default 1000
        Lexicon rates are weighted matches per this many tokens.
    off_topic_threshold : float, default 0.3
        An article whose relevance (max calibrated embedding score over frames) is
        below this is flagged ``off_topic``.
    language_calibration : bool, default True
        With ``calibration="reference"``, calibrate an article whose ``language`` column is
        one with bundled background sentences (Urdu, Hindi, Russian, Persian, Pashto) between
        frame anchors of that language: the English anchors mapped through a linear fit of
        the translated background sentences' similarities on the English ones
        (:mod:`framing.scoring.languages`), when the encoder aligns the language with
        English. English articles, and articles without a language, use the English
        anchors either way.
    axis_baseline : {"reference", "corpus", "zero"}, default "reference"
        Baseline position subtracted from sentence positions: the mean position of the
        codebook's neutral ``reference`` sentences (falls back to the bundled generic
        sentences), the corpus mean (FrameAxis' choice), or 0.
    axis_weighting : {"softmax", "top", "uniform"}, default "softmax"
        How sentences are weighted by their relevance to the axis (max similarity to
        either pole): softmax with ``axis_temperature``, equal weight on the top
        ``axis_top_fraction`` of sentences (at least ``top_k``), or uniform (FrameAxis).
    axis_temperature : float, default 0.1
        Softmax temperature in cosine units: a sentence 0.1 more relevant than another
        gets e (2.7) times its weight. Lower values rest the bias on fewer sentences
        (wider intervals); 0.05 gives e**2 per 0.1.
    axis_top_fraction : float, default 0.25
    axis_dead_zone : float, default 1.0
        Sentence positions within this many standard deviations of the neutral
        sentences' positions around the baseline count as neutral (contribute 0); beyond
        it only the excess counts. 0: every deviation counts (FrameAxis).
    axis_gate : float or None, default 0.03
        Temperature of the per-sentence gate ``sigmoid((rel_pole - rel_neutral) / t)``:
        a sentence more similar to the axis's neutral sentences than to any pole
        prototype contributes (almost) nothing. ``None``: no gate.
    axis_balanced : bool, default True
        Scale each side by its own pole (pole-A prototypes' mean distance from the
        baseline for positive positions, pole-B's for negative), so a prototypical
        pole-B text lies as far from 0 as a prototypical pole-A one.
    axis_leaning_band : float, default 0.2
        ``axis:<id>:leaning`` is a pole when the bootstrap puts the position beyond
        ±band with the highest probability (``:leaning_p``), else ``neutral``.
    axis_scale : float or None, default None
        Bias is reported as ``tanh(bias / scale)``. ``None``: half the distance
        between the mean positions of the two poles' prototypes, so an article that
        sits where the pole-A prototypes sit gets about ``tanh(1) = 0.76``.
    n_boot : int, default 1000
        Bootstrap resamples of an article's sentences for the axis interval.
    ci_level : float, default 0.95
    random_state : int, default 0
        Seeds the bootstrap (per article, so results do not depend on batching).
    evidence_sentences : int, default 3
        Evidence sentences kept per article and frame (and per axis pole).
    evidence_terms : int, default 20
        Lexicon matches kept as evidence per article and frame.
    batch_size : int, default 256
        Articles per ``score_batch`` call in ``analyse``.
    embed_batch_size : int, default 512
        Sentences per encoder call.
    """

    top_k: int = 3
    counter_weight: float = 1.0
    calibration: str = "reference"
    background_quantile: float = 0.9
    prototype_quantile: float = 0.9
    corpus_quantiles: tuple = (0.5, 0.95)
    calibration_slope: float = 6.0
    generic_background: bool = True
    embedding_weight: float = 0.7
    lexicon_weight: float = 0.3
    residual_weight: float = 0.5
    lexicon_scale: float = 20.0
    lexicon_inflections: bool = True
    per_tokens: int = 1000
    off_topic_threshold: float = 0.3
    language_calibration: bool = True
    axis_baseline: str = "reference"
    axis_weighting: str = "softmax"
    axis_temperature: float = 0.1
    axis_top_fraction: float = 0.25
    axis_scale: float | None = None
    axis_dead_zone: float = 1.0
    axis_gate: float | None = 0.03
    axis_balanced: bool = True
    axis_leaning_band: float = 0.2
    n_boot: int = 1000
    ci_level: float = 0.95
    random_state: int = 0
    evidence_sentences: int = 3
    evidence_terms: int = 20
    batch_size: int = 256
    embed_batch_size: int = 512

    def __post_init__(self) -> None:
        object.__setattr__(self, "corpus_quantiles", tuple(float(q) for q in self.corpus_quantiles))
        self.validate()

    def validate(self) -> "ScoringSettings":
        """Raise ``ValueError`` naming the bad setting and what was expected."""
        def bad(name, expected):
            raise ValueError(f"ScoringSettings.{name}={getattr(self, name)!r}: expected {expected}")

        for name in ("top_k", "per_tokens", "batch_size", "embed_batch_size"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                bad(name, "a positive integer")
        for name in ("n_boot", "evidence_sentences", "evidence_terms"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                bad(name, "a non-negative integer")
        if self.calibration not in _CALIBRATIONS:
            bad("calibration", f"one of {_CALIBRATIONS}")
        if self.axis_baseline not in _BASELINES:
            bad("axis_baseline", f"one of {_BASELINES}")
        if self.axis_weighting not in _WEIGHTINGS:
            bad("axis_weighting", f"one of {_WEIGHTINGS}")
        for name in ("background_quantile", "prototype_quantile", "off_topic_threshold", "ci_level",
                     "residual_weight"):
            if not 0 <= getattr(self, name) <= 1:
                bad(name, "a number in [0, 1]")
        if not 0 < self.axis_top_fraction <= 1:
            bad("axis_top_fraction", "a number in (0, 1]")
        lo, hi = (self.corpus_quantiles + (None, None))[:2]
        if len(self.corpus_quantiles) != 2 or not 0 <= lo < hi <= 1:
            bad("corpus_quantiles", "two quantiles 0 <= lo < hi <= 1")
        for name in ("calibration_slope", "lexicon_scale", "axis_temperature"):
            if not getattr(self, name) > 0:
                bad(name, "a positive number")
        for name in ("embedding_weight", "lexicon_weight", "counter_weight"):
            if not getattr(self, name) >= 0:
                bad(name, "a non-negative number")
        if self.embedding_weight + self.lexicon_weight <= 0:
            bad("embedding_weight", "embedding_weight + lexicon_weight > 0")
        if not (isinstance(self.axis_dead_zone, (int, float)) and self.axis_dead_zone >= 0):
            bad("axis_dead_zone", "a number >= 0")
        if self.axis_gate is not None and not (isinstance(self.axis_gate, (int, float)) and self.axis_gate > 0):
            bad("axis_gate", "None or a positive number")
        if not isinstance(self.language_calibration, bool):
            bad("language_calibration", "True or False")
        if not 0 <= self.axis_leaning_band < 1:
            bad("axis_leaning_band", "a number in [0, 1)")
        if self.axis_scale is not None and not self.axis_scale > 0:
            bad("axis_scale", "None or a positive number")
        return self

    def to_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["corpus_quantiles"] = list(self.corpus_quantiles)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "ScoringSettings":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown scoring settings {unknown}; known: {sorted(known)}")
        return cls(**data)

    def replace(self, **changes) -> "ScoringSettings":
        return dataclasses.replace(self, **changes)

    @property
    def sha256(self) -> str:
        """Hash of the settings that change scores (batch sizes excluded).

        Settings added later are left out while they have the value that reproduces the
        scores of before (:data:`_HASHED_UNLESS`), so calibrations and results stored
        earlier still match the default settings.
        """
        data = self.to_dict()
        data.pop("batch_size")
        data.pop("embed_batch_size")
        for name, value in _HASHED_UNLESS.items():
            if data[name] == value:
                data.pop(name)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
