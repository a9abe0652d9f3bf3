"""Human codes: import from CSV/JSONL, store in the DuckDB store, sample articles to code.

Labels are kept in long form, one row per (coder, article, target): ``value`` is 1/0
for a frame (present / absent) and a number for an axis position (the app uses a
5-point scale -2..2, positive = pole A). Files may be *wide* (one row per coder and
article, a list of frames in one column, or one 0/1 column per frame, and axis columns)
and use the usual field names; every skipped row is reported with file, row and reason.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from framing.corpus import Skipped

log = logging.getLogger(__name__)

LABEL_COLUMNS = ["coder", "article_id", "target", "value"]
ID_FIELDS = ("article_id", "id", "doc_id", "document_id", "unit", "unit_id", "sentence_id")
TEXT_FIELDS = ("text", "body", "content", "sentence", "article")
CODER_FIELDS = ("coder", "annotator", "rater", "coder_id", "annotator_id", "user")
FRAME_FIELDS = ("frames", "frame", "labels", "label", "frame_ids", "codes", "code", "frame_id")
_SPLIT = re.compile(r"\s*[;|,]\s*")


class LabelError(ValueError):
    """A label file cannot be read at all (the message names the file)."""


@dataclass
class Labels:
    """Human codes in long form.

    Attributes
    ----------
    frame : DataFrame with columns ``coder, article_id, target, value``
    texts : dict article_id -> text, for units given by text (or with a text column)
    frames : list of str, frame ids (0/1 targets) in order
    axes : list of str, axis ids
    skipped : list of Skipped, rows that were not used, with the reason
    sources : list of str, files read
    n_rows : int, records read (used and skipped)
    unknown : dict str -> int, frame names that matched no frame (nor ``label_map``)
        and the number of rows naming each (those rows are skipped)
    """

    frame: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)
    frames: list[str] = field(default_factory=list)
    axes: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    n_rows: int = 0
    unknown: dict[str, int] = field(default_factory=dict)

    @property
    def coders(self) -> list[str]:
        return sorted(self.frame["coder"].unique().tolist())

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(self.frame["article_id"].tolist()))

    def indicator(self, article_ids: Sequence[str] | None = None, *, frames: Sequence[str] | None = None) -> np.ndarray:
        """The coders' majority as a 0/1 matrix of shape (n_articles, n_frames)."""
        from framing.validate.agreement import majority

        frames = list(frames or self.frames)
        ids = list(article_ids) if article_ids is not None else self.article_ids
        maj = majority(self.frame, frames).reindex(index=ids, columns=frames)
        return maj.fillna(0).to_numpy(dtype=int)

    def summary(self) -> str:
        return (f"{len(self.article_ids)} articles, {len(self.coders)} coder(s), {len(self.frames)} frames, "
                f"{len(self.axes)} axes, {len(self.skipped)} skipped row(s)")


def text_id(text: str) -> str:
    """Stable id for a unit given only by its text."""
    return "text-" + hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------------------- reading
def _records(path: Path) -> list[tuple[str, dict]]:
    suffix = path.suffix.lower()
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise LabelError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise LabelError(f"{path}: cannot read ({exc.strerror or exc})") from None
    out: list[tuple[str, dict]] = []
    if suffix in (".jsonl", ".ndjson", ".json"):
        if suffix == ".json" and raw.lstrip().startswith("["):
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise LabelError(f"{path}: not valid JSON ({exc})") from None
            return [(f"item {i}", r) for i, r in enumerate(data)]
        for i, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append((f"line {i}", json.loads(line)))
            except json.JSONDecodeError as exc:
                out.append((f"line {i}", {"__error__": f"not valid JSON ({exc.msg})"}))
        return out
    if suffix in (".csv", ".tsv", ".txt"):
        delimiter = "\t" if suffix == ".tsv" else None
        if delimiter is None:
            try:
                delimiter = csv.Sniffer().sniff(raw[:4096], delimiters=",;\t").delimiter
            except csv.Error:
                delimiter = ","
        reader = csv.DictReader(raw.splitlines(), delimiter=delimiter)
        if not reader.fieldnames:
            raise LabelError(f"{path}: empty file, expected a header row")
        for i, row in enumerate(reader, start=2):
            if None in row:
                out.append((f"row {i}", {"__error__": f"{len(row[None])} more value(s) than header columns"}))
                continue
            out.append((f"row {i}", row))
        return out
    raise LabelError(f"{path}: unsupported label file type {suffix!r} (expected .csv, .tsv, .jsonl or .json)")


def _find(keys: Mapping[str, str], candidates: Sequence[str]) -> str | None:
    for c in candidates:
        if c in keys:
            return keys[c]
    return None


def _parse_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if not text or text.lower() in ("none", "nan", "[]"):
        return []
    if text[0] in "[(" and text[-1] in "])":
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            parsed = None
        if isinstance(parsed, (list, tuple, set)):
            return [str(v).strip() for v in parsed if str(v).strip()]
    return [t for t in _SPLIT.split(text) if t]


def _is_true(value) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return None if value != value else value != 0
    text = str(value).strip().lower()
    if text in ("", "nan", "none", "na"):
        return None
    if text in ("1", "1.0", "true", "yes", "y", "x"):
        return True
    if text in ("0", "0.0", "false", "no", "n"):
        return False
    raise ValueError(f"expected 0/1, yes/no or true/false, got {value!r}")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


def read_labels(paths, *, codebook=None, label_map: Mapping[str, str] | None = None,
                frames: Sequence[str] | None = None, axes: Sequence[str] | None = None,
                default_coder: str | None = None) -> Labels:
    """Read human codes from CSV/TSV/JSONL files.

    Parameters
    ----------
    paths : str, Path or list of them
    codebook : Codebook or str, optional
        When given, frame names are matched to its frame ids (by id, label or a
        normalised form) and its axes are recognised as columns; unknown frame names
        are skipped with a reason.
    label_map : mapping, optional
        Explicit dataset-label -> frame-id mapping, applied first (a value ``""``
        drops the label).
    frames, axes : sequence of str, optional
        The frame ids / axis ids to expect when no codebook is given (default: frame
        ids are the names seen in the files).
    default_coder : str, optional
        Coder name for files without a coder column (default: the file's stem).

    Returns
    -------
    Labels
        A unit given by id uses that id; a unit given only by text gets
        ``text-<sha256 prefix>``. Every frame in the label set is written explicitly
        as 1 or 0 for each coded (coder, article).

    Raises
    ------
    LabelError
        A file cannot be read, or has neither an id nor a text column, or no frame /
        axis columns.
    """
    from framing.codebook import Codebook

    if isinstance(paths, (str, Path)):
        paths = [paths]
    cb = Codebook.load(codebook) if codebook is not None else None
    known_frames = list(cb.frame_ids) if cb is not None else (list(frames) if frames else None)
    known_axes = list(cb.axis_ids) if cb is not None else list(axes or [])
    lookup: dict[str, str] = {}
    if cb is not None:
        for f in cb.frames:
            lookup[_norm(f.id)] = f.id
            lookup[_norm(f.label)] = f.id
    elif known_frames:
        lookup.update({_norm(f): f for f in known_frames})
    mapping = {str(k): v for k, v in (label_map or {}).items()}

    units: list[tuple[str, str, list[str] | None, dict[str, float]]] = []  # coder, id, frames, axes
    texts: dict[str, str] = {}
    skipped: list[Skipped] = []
    seen_frames: dict[str, None] = {}
    unknown: dict[str, int] = {}
    n_rows = 0
    sources = []
    for path in map(Path, paths):
        sources.append(str(path))
        records = _records(path)
        if not records:
            raise LabelError(f"{path}: no records")
        first = next((r for _, r in records if "__error__" not in r), None)
        if first is None:
            raise LabelError(f"{path}: no readable records ({records[0][1]['__error__']})")
        keys = {_norm(k): k for k in first}
        id_key, text_key = _find(keys, ID_FIELDS), _find(keys, TEXT_FIELDS)
        coder_key, frames_key = _find(keys, CODER_FIELDS), _find(keys, FRAME_FIELDS)
        axis_keys = {a: keys.get(_norm(a)) or keys.get(_norm(f"axis:{a}")) for a in known_axes}
        axis_keys = {a: k for a, k in axis_keys.items() if k}
        if axes is None and cb is None:
            axis_keys.update({k.split(":", 1)[1]: k for k in first if str(k).startswith("axis:")})
        frame_cols: dict[str, str] = {}
        if frames_key is None:
            for norm_key, original in keys.items():
                fid = mapping.get(original) or lookup.get(norm_key)
                if fid is None and str(original).startswith("frame:"):
                    fid = lookup.get(_norm(original[6:]), original[6:])
                if fid:
                    frame_cols[original] = fid
        if id_key is None and text_key is None:
            raise LabelError(f"{path}: no id or text column (expected one of {ID_FIELDS + TEXT_FIELDS}); "
                             f"columns: {list(first)}")
        if frames_key is None and not frame_cols and not axis_keys:
            raise LabelError(f"{path}: no frame or axis columns (expected one of {FRAME_FIELDS}, one 0/1 column "
                             f"per frame, or axis columns); columns: {list(first)}")
        coder_default = default_coder or path.stem
        n_rows += len(records)
        for where, rec in records:
            if "__error__" in rec:
                skipped.append(Skipped(str(path), where, rec["__error__"]))
                continue
            rec = {_norm(k): v for k, v in rec.items()}
            unit = rec.get(_norm(id_key)) if id_key else None
            text = rec.get(_norm(text_key)) if text_key else None
            unit = str(unit).strip() if unit is not None and str(unit).strip() not in ("", "nan", "None") else None
            text = str(text) if text is not None and str(text).strip() else None
            if unit is None and text is None:
                skipped.append(Skipped(str(path), where, "no article id and no text"))
                continue
            aid = unit or text_id(text)
            if text is not None:
                texts.setdefault(aid, text)
            coder = str(rec.get(_norm(coder_key)) or "").strip() if coder_key else ""
            coder = coder or coder_default
            try:
                chosen: list[str] | None = None
                if frames_key is not None:
                    chosen = []
                    missing = []
                    for name in _parse_list(rec.get(_norm(frames_key))):
                        if name in mapping:
                            fid = mapping[name]
                        else:
                            fid = lookup.get(_norm(name)) if lookup else name
                        if fid is None:
                            missing.append(name)
                        elif fid:
                            chosen.append(fid)
                    if missing:
                        for name in dict.fromkeys(missing):
                            unknown[name] = unknown.get(name, 0) + 1
                        raise ValueError(f"unknown frame {missing[0]!r} (known: {known_frames})")
                elif frame_cols:
                    chosen = []
                    for original, fid in frame_cols.items():
                        flag = _is_true(rec.get(_norm(original)))
                        if flag:
                            chosen.append(fid)
                axis_values: dict[str, float] = {}
                for a, k in axis_keys.items():
                    v = rec.get(_norm(k))
                    if v is None or str(v).strip() in ("", "nan", "None"):
                        continue
                    try:
                        axis_values[a] = float(v)
                    except (TypeError, ValueError):
                        raise ValueError(f"axis {a!r}: expected a number, got {v!r}") from None
            except ValueError as exc:
                skipped.append(Skipped(str(path), where, str(exc)))
                continue
            for fid in chosen or []:
                seen_frames.setdefault(fid)
            units.append((coder, aid, chosen, axis_values))

    frame_ids = known_frames if known_frames is not None else list(seen_frames)
    rows = []
    for coder, aid, chosen, axis_values in units:
        if chosen is not None:
            chosen_set = set(chosen)
            rows.extend((coder, aid, f, 1.0 if f in chosen_set else 0.0) for f in frame_ids)
        rows.extend((coder, aid, a, v) for a, v in axis_values.items())
    df = pd.DataFrame(rows, columns=LABEL_COLUMNS)
    # a coder coding the same unit twice: the last answer wins
    df = df.drop_duplicates(["coder", "article_id", "target"], keep="last").reset_index(drop=True)
    used_axes = [a for a in dict.fromkeys(df.loc[~df["target"].isin(frame_ids), "target"])]
    for s in skipped:
        log.debug("skipped %s %s: %s", s.file, s.location, s.reason)
    if skipped:
        log.info("skipped %d of %d label rows (Labels.skipped has each with its reason)", len(skipped), n_rows)
    return Labels(df, texts, list(frame_ids), used_axes, skipped, sources, n_rows, unknown)


# ---------------------------------------------------------------------------- checks
def suggest_frames(names: Sequence[str], codebook, *, limit: int = 3, min_score: float = 50.0) -> dict[str, list[str]]:
    """The codebook frames closest to each unknown label name, best first.

    Fuzzy matching (rapidfuzz ``WRatio`` on lower-cased, punctuation-free strings) of the
    name against every frame's id and label; a frame's score is the better of the two.

    Parameters
    ----------
    names : sequence of str
    codebook : Codebook or str
    limit : int, default 3
        Most suggestions per name.
    min_score : float, default 50
        Scores (0-100) below this are no suggestion.

    Returns
    -------
    dict name -> list of frame ids (possibly empty)

    Examples
    --------
    >>> suggest_frames(["Resolution", "Moral"], "generic-frames")
    {'Resolution': ['responsibility'], 'Moral': ['morality']}
    """
    from rapidfuzz import fuzz, utils

    from framing.codebook import Codebook

    cb = Codebook.load(codebook)
    out = {}
    for name in names:
        scores = {f.id: max(fuzz.WRatio(name, f.id, processor=utils.default_process),
                            fuzz.WRatio(name, f.label, processor=utils.default_process)) for f in cb.frames}
        ranked = sorted((fid for fid, sc in scores.items() if sc >= min_score), key=lambda fid: -scores[fid])
        out[name] = ranked[:limit]
    return out


def label_problems(labels: Labels, *, codebook=None, max_skipped: float = 0.5, min_positives: int = 2) -> dict:
    """Why a label set is not fit to train on (empty dict: it is).

    Parameters
    ----------
    labels : Labels
    codebook : Codebook or str, optional
        For suggestions of frames for unknown label names.
    max_skipped : float, default 0.5
        Largest share of skipped rows that still trains.
    min_positives : int, default 2
        Fewest units with a frame for the frame to be learnable.

    Returns
    -------
    dict, with only the keys that apply:

    * ``skipped``: (rows skipped, rows read), when more than ``max_skipped`` of the rows
      (or all of them) were skipped — too few usable rows to train on;
    * ``nothing_learnable``: True when no frame has ``min_positives`` positive units;
    * ``unknown``: label name -> rows naming it (most first), and ``suggestions``:
      name -> closest frame ids (:func:`suggest_frames`, with ``codebook``);
    * ``rare``: frame -> positive units, for frames under ``min_positives`` (worth a
      warning; a codebook frame the coders never used is normal).
    """
    out: dict = {}
    n_skipped, n_rows = len(labels.skipped), max(labels.n_rows, len(labels.skipped))
    if n_rows and (n_skipped > max_skipped * n_rows or n_skipped == n_rows):
        out["skipped"] = (n_skipped, n_rows)
    if labels.unknown:
        out["unknown"] = dict(sorted(labels.unknown.items(), key=lambda kv: (-kv[1], kv[0])))
        if codebook is not None:
            out["suggestions"] = suggest_frames(list(out["unknown"]), codebook)
    if labels.frames and not labels.frame.empty:
        positives = labels.indicator().sum(axis=0)
        counts = dict(zip(labels.frames, (int(v) for v in positives)))
        rare = {f: c for f, c in counts.items() if c < min_positives}
        if rare:
            out["rare"] = rare
        if len(rare) == len(counts):
            out["nothing_learnable"] = True
    return out


def label_hint_lines(problems: Mapping, codebook=None) -> list[str]:
    """Readable lines on :func:`label_problems`' findings: unknown labels with counts, the
    closest codebook frames, a ``--label-map`` to copy, and frames with too few positives."""
    lines = []
    unknown = problems.get("unknown") or {}
    if unknown:
        lines.append("unknown labels (rows): " + ", ".join(f"{n!r} ({c})" for n, c in unknown.items()))
        suggestions = problems.get("suggestions")
        if suggestions is not None:
            lines.append("closest codebook frames: " + "; ".join(
                f"{n!r} -> {', '.join(ids) if ids else '(none close)'}" for n, ids in suggestions.items()))
            lines.append(f"map them with --label-map {label_map_hint(suggestions)} "
                         "(NAME=FRAME_ID pairs, or a JSON file; FRAME_ID '' drops a label)")
        if codebook is not None:
            from framing.codebook import Codebook

            cb = Codebook.load(codebook)
            lines.append(f"frames of {cb.id!r}: " + ", ".join(f"{f.id} ({f.label})" for f in cb.frames))
    rare = problems.get("rare") or {}
    if rare:
        lines.append("frames with fewer than 2 positive units (not learnable): "
                     + ", ".join(f"{f} ({c})" for f, c in rare.items()))
    return lines


def label_map_hint(suggestions: Mapping[str, Sequence[str]]) -> str:
    """A ``--label-map`` value from suggestions: ``'Resolution=responsibility,Moral=morality'``
    (``NAME=<frame id>`` where there is none)."""
    pairs = [f"{name}={ids[0] if ids else '<frame id>'}" for name, ids in suggestions.items()]
    return "'" + ",".join(p.replace("'", "") for p in pairs) + "'"


# ---------------------------------------------------------------------------- store
_SCHEMA = """
CREATE TABLE IF NOT EXISTS annotations (
    coder VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    codebook_id VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    value DOUBLE,
    updated_at TIMESTAMP,
    PRIMARY KEY (coder, article_id, codebook_id, target)
);
"""


class AnnotationStore:
    """Coders' answers in the project's DuckDB store (table ``annotations``).

    Every answer is an upsert keyed by (coder, article_id, codebook_id, target), so the
    app can save on each click and a reload shows the same answers.

    Uses its own cursor on the store's connection, so one instance per thread (per
    Streamlit script run) is safe next to other users of the same store.

    Parameters
    ----------
    store : framing.store.Store
    """

    def __init__(self, store):
        import duckdb

        self.store = store
        self.con = store.con.cursor()
        try:
            self.con.execute(_SCHEMA)
        except duckdb.Error as exc:
            raise ValueError(f"{store.path}: cannot create the annotations table ({exc})") from None

    def save(self, coder: str, article_id: str, codebook_id: str, target: str, value: float | None) -> None:
        """Upsert one answer (``value=None`` deletes it)."""
        if not str(coder).strip():
            raise ValueError("coder name must not be empty")
        if value is None:
            self.con.execute("DELETE FROM annotations WHERE coder=? AND article_id=? AND codebook_id=? AND target=?",
                             [coder, article_id, codebook_id, target])
            return
        self.con.execute(
            "INSERT INTO annotations VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (coder, article_id, codebook_id, target) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            [coder, article_id, codebook_id, target, float(value), dt.datetime.now()],
        )

    def save_many(self, coder: str, article_id: str, codebook_id: str, values: Mapping[str, float | None]) -> None:
        for target, value in values.items():
            self.save(coder, article_id, codebook_id, target, value)

    def import_labels(self, labels: Labels, codebook_id: str) -> int:
        """Write imported labels into the store (upsert); returns the number of answers."""
        df = labels.frame.assign(codebook_id=codebook_id, updated_at=dt.datetime.now())
        if df.empty:
            return 0
        self.con.register("_new_ann", df[["coder", "article_id", "codebook_id", "target", "value", "updated_at"]])
        try:
            self.con.execute(
                "INSERT INTO annotations SELECT * FROM _new_ann ON CONFLICT (coder, article_id, codebook_id, target) "
                "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
        finally:
            self.con.unregister("_new_ann")
        return len(df)

    def answers(self, codebook_id: str, coder: str | None = None, article_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Stored answers as ``coder, article_id, target, value, updated_at``."""
        sql = "SELECT coder, article_id, target, value, updated_at FROM annotations WHERE codebook_id = ?"
        params: list = [codebook_id]
        if coder is not None:
            sql += " AND coder = ?"
            params.append(coder)
        if article_ids is not None:
            sql += " AND article_id IN (SELECT unnest(?))"
            params.append(list(article_ids))
        return self.con.execute(sql + " ORDER BY coder, article_id, target", params).df()

    def coders(self, codebook_id: str) -> list[str]:
        rows = self.con.execute("SELECT DISTINCT coder FROM annotations WHERE codebook_id = ? ORDER BY coder",
                                [codebook_id]).fetchall()
        return [r[0] for r in rows]

    def labels(self, codebook, *, coders: Sequence[str] | None = None) -> Labels:
        """Stored answers as :class:`Labels`; an article a coder touched counts as coded,
        with unanswered frames read as absent (unchecked boxes)."""
        df = self.answers(codebook.id)
        if coders is not None:
            df = df[df["coder"].isin(list(coders))]
        frame_ids, axis_ids = list(codebook.frame_ids), list(codebook.axis_ids)
        rows = []
        for (coder, aid), grp in df.groupby(["coder", "article_id"], sort=True):
            got = dict(zip(grp["target"], grp["value"]))
            if any(t in got for t in frame_ids):
                rows.extend((coder, aid, f, float(got.get(f, 0.0))) for f in frame_ids)
            rows.extend((coder, aid, a, float(got[a])) for a in axis_ids if a in got)
        out = pd.DataFrame(rows, columns=LABEL_COLUMNS)
        return Labels(out, {}, frame_ids, [a for a in axis_ids if a in set(out["target"])], [], [])


# ---------------------------------------------------------------------------- sampling
def sample_articles(frame: pd.DataFrame, n: int, *, by: str | None = None, random_state: int | None = 0) -> list[str]:
    """A seeded sample of article ids, random or stratified (proportional) by a column.

    Parameters
    ----------
    frame : DataFrame with ``article_id`` (and the ``by`` column)
    n : int
        Sample size (capped at the number of articles).
    by : str, optional
        Stratify by this column (e.g. ``"outlet"``): every group gets
        ``round(n * share)`` articles, at least one while n allows.
    random_state : int, optional

    Returns
    -------
    list of str, article ids in a stable shuffled order.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if "article_id" not in frame.columns:
        raise ValueError(f"frame needs an 'article_id' column, has {list(frame.columns)}")
    rng = np.random.default_rng(random_state)
    ids = frame["article_id"].astype(str).to_numpy()
    n = min(n, len(ids))
    if by is None:
        return [str(i) for i in rng.permutation(ids)[:n]]
    if by not in frame.columns:
        raise ValueError(f"cannot stratify by {by!r}: no such column ({list(frame.columns)})")
    groups = {k: rng.permutation(v["article_id"].astype(str).to_numpy())
              for k, v in frame.groupby(frame[by].fillna("").astype(str), sort=True)}
    sizes = {k: len(v) for k, v in groups.items()}
    total = sum(sizes.values())
    quota = {k: min(sizes[k], max(1, int(round(n * s / total)))) for k, s in sizes.items()}
    # trim or fill to exactly n, largest groups first
    order = sorted(groups, key=lambda k: (-sizes[k], k))
    while sum(quota.values()) > n:
        k = max(order, key=lambda g: (quota[g], sizes[g]))
        quota[k] -= 1
    i = 0
    while sum(quota.values()) < n:
        k = order[i % len(order)]
        if quota[k] < sizes[k]:
            quota[k] += 1
        i += 1
    picked = np.concatenate([groups[k][:quota[k]] for k in order]) if order else np.array([])
    return [str(i) for i in rng.permutation(picked)]
