"""Actor mentions with character spans: found (gazetteer + named entities) or given by the user.

A mention is one row of a DataFrame with :data:`MENTION_COLUMNS`:

* ``article_id``, ``start``, ``end`` -- the span ``text[start:end]`` (end exclusive) in the
  article's text;
* ``actor`` -- the gazetteer's canonical name (``Islamabad`` -> ``Pakistan``), else the
  named entity's text; ``part_of`` -- the top of the entity's ``part_of`` chain (``ISI`` ->
  ``Pakistan``), else the actor itself;
* ``mention`` -- the surface text; ``source`` -- ``gazetteer``, ``ner``, ``coref`` (a pronoun
  attached to the actor before it) or ``given``;
* ``sentence_start``, ``sentence_end`` -- the sentence(s) the span lies in;
* ``reason`` -- why a given mention cannot be scored (article missing, offsets outside the
  text), else empty; ``note`` -- what was done to it (re-anchored on its ``mention`` text).

Gazetteer matching follows the events module's rules: word boundaries, short all-capital
acronyms (``ISI``, ``RAW``, ``BLA``) match in that case only, other names in any case,
longest name first.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from framing.codebook import compile_gazetteer
from framing.segment import split_spans

log = logging.getLogger(__name__)

MENTION_COLUMNS = ["article_id", "actor", "part_of", "mention", "start", "end", "source", "sentence_start",
                   "sentence_end", "reason", "note"]
#: spaCy entity labels taken as actors.
NER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


# ---------------------------------------------------------------------- gazetteer
def _roots(codebook) -> dict[str, str]:
    """Entity name -> top of its ``part_of`` chain."""
    parent = {e.name: e.part_of for e in getattr(codebook, "entities", None) or []}
    out = {}
    for name in parent:
        top, seen = name, {name}
        while parent.get(top) and parent[top] not in seen:
            top = parent[top]
            seen.add(top)
        out[name] = top
    return out


def _gazetteer_spans(text: str, gazetteer) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, canonical)`` matches, longest first."""
    found = []
    for pattern, table in gazetteer:
        folded = bool(pattern.flags & re.IGNORECASE)
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), table[m.group(0).lower() if folded else m.group(0)]))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out, last_end = [], -1
    for s, e, name in found:
        if s >= last_end:
            out.append((s, e, name))
            last_end = e
    return out


def lookup_actor(surface: str, gazetteer) -> str | None:
    """The canonical actor a whole surface string names, or ``None``."""
    surface = _POSSESSIVE.sub("", _LEADING.sub("", " ".join(str(surface).split())))
    for pattern, table in gazetteer:
        key = surface.lower() if pattern.flags & re.IGNORECASE else surface
        if key in table:
            return table[key]
    return None


def _sentence_of(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Start of the first and end of the last sentence the span overlaps (the span itself if none)."""
    s0, e0 = None, None
    for s, e in spans:
        if e > start and s < end:
            s0 = s if s0 is None else s0
            e0 = e
        elif s >= end:
            break
    return (start, end) if s0 is None else (min(s0, start), max(e0, end))


# ---------------------------------------------------------------------- found mentions
def find_mentions(articles: Sequence, codebook, *, ner: bool = True, nlp=None, docs: dict | None = None,
                  coref: bool = True, progress=None) -> pd.DataFrame:
    """Actor mentions of articles: gazetteer matches, plus spaCy named entities not in the gazetteer.

    Parameters
    ----------
    articles : sequence of Article
    codebook : Codebook
        Its ``entities`` are the gazetteer.
    ner : bool, default True
        Also take spaCy's PERSON / ORG / GPE / NORP entities as actors.
    nlp : spaCy Language, optional
        Default :func:`framing.roles.nlp.load_nlp`.
    docs : dict, optional
        Sentence text -> parsed Doc; filled with the sentences parsed here (so scoring
        does not parse them again).
    coref : bool, default True
        Attach pronouns and short person names to an actor where that is safe
        (:func:`attach_references`; source ``coref``, ``note`` says to whom).
    progress : callable(stage, done, total), optional
        Called with ``("mentions", articles done, articles)``.

    Returns
    -------
    DataFrame with :data:`MENTION_COLUMNS`, in article and text order.
    """
    from framing.roles.nlp import parse

    gazetteer = compile_gazetteer(codebook)
    roots = _roots(codebook)
    rows = []
    kinds = _kinds(codebook)
    for number, article in enumerate(articles, 1):
        if progress is not None:
            progress("mentions", number - 1, len(articles))
        text = article.text or ""
        spans = split_spans(text)
        taken = []
        first = len(rows)
        for s, e, name in _gazetteer_spans(text, gazetteer):
            ss, se = _sentence_of(spans, s, e)
            rows.append((article.article_id, name, roots.get(name, name), text[s:e], s, e, "gazetteer", ss, se))
            taken.append((s, e))
        if not (ner or coref) or not spans:
            continue
        sentences = [text[s:e] for s, e in spans]
        parsed = parse(sentences, nlp)
        if docs is not None:
            docs.update(parsed)
        for (ss, se), sentence in zip(spans, sentences):
            for ent in parsed[sentence].ents if ner else ():
                if ent.label_ not in NER_LABELS:
                    continue
                s, e = ss + ent.start_char, ss + ent.end_char
                surface = _POSSESSIVE.sub("", _LEADING.sub("", ent.text)).strip()
                if not surface or any(s < te and ts < e for ts, te in taken):
                    continue
                s += ent.text.find(surface)
                e = s + len(surface)
                if ent.label_ == "NORP" and not surface.endswith("s"):
                    continue  # "Pakistani society": an adjective, not an actor; "Baloch" as a people is in the gazetteer
                rows.append((article.article_id, surface, surface, text[s:e], s, e, ent.label_, ss, se))
        if coref:
            rows[first:] = attach_references(rows[first:], spans, [parsed[x] for x in sentences], kinds)
    if progress is not None and articles:
        progress("mentions", len(articles), len(articles))
    notes = [r[9] if len(r) > 9 else "" for r in rows]
    rows = [r[:6] + ("ner" if r[6] in NER_LABELS else r[6],) + r[7:9] for r in rows]
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS[:9])
    frame["reason"] = ""
    frame["note"] = notes
    frame = frame.sort_values(["article_id", "start"], kind="stable") if len(frame) else frame
    order = {a.article_id: i for i, a in enumerate(articles)}
    if len(frame):
        frame = frame.assign(_o=frame["article_id"].map(order)).sort_values(["_o", "start"], kind="stable")
        frame = frame.drop(columns="_o")
    return _typed(frame.reset_index(drop=True))


# ---------------------------------------------------------------------- references
#: Pronouns attached to an actor, by the kind of actor they can refer to.
PRONOUNS = {"person": {"he", "him", "his", "himself", "she", "her", "hers", "herself"},
            "thing": {"it", "its", "itself"},
            "group": {"they", "them", "their", "theirs", "themselves"}}
#: Codebook entity types (and spaCy labels) each pronoun kind may refer to.
REFERENT_KINDS = {"person": {"person", "PERSON"},
                  "thing": {"state", "agency", "organisation", "organization", "military", "militant_group",
                            "movement", "project", "ORG", "GPE"},
                  "group": {"militant_group", "people", "military", "movement", "organisation", "organization",
                            "agency", "NORP", "ORG"}}
#: Dependency relations of a pronoun taken as a mention (expletive "it" and the like are not).
_REFERRING_DEPS = {"nsubj", "nsubjpass", "poss", "dobj", "pobj", "dative", "agent", "conj", "appos"}


def _kinds(codebook) -> dict[str, str]:
    return {e.name: e.type for e in getattr(codebook, "entities", None) or []}


def attach_references(rows: list[tuple], spans: list[tuple[int, int]], docs: list, kinds: dict[str, str]) -> list:
    """Add the pronoun and short-name mentions of one article that safely refer to an actor.

    A pronoun (he, it, they, their …) that is a subject, object or possessor refers to an actor
    when exactly one actor of a matching kind (``person`` for he/she; states, agencies,
    organisations for it; groups, peoples, armies for they) is mentioned before it in its own
    sentence or the one before, and no other actor of that window could be meant (for it/they:
    exactly one non-person actor). A one-word person name (``Khan``) refers to the one earlier
    person whose name ends with it. Ambiguous cases are left out.

    Parameters
    ----------
    rows : list of tuple
        ``(article_id, actor, part_of, mention, start, end, source, sentence_start, sentence_end)``
        of one article, in text order; ``source`` is ``gazetteer`` or a spaCy label.
    spans : list of (start, end)
        The article's sentence spans; ``docs`` the parsed sentences, in the same order.
    kinds : dict
        Codebook entity name -> type.

    Returns
    -------
    list of tuple: ``rows`` with short names re-attached and pronoun mentions added (source
    ``coref``, a 10th field noting the antecedent), in text order.
    """
    if not rows:
        return rows

    def kind_of(row):
        return kinds.get(row[1]) or (row[6] if row[6] in NER_LABELS else "")

    people = {}
    out = []
    for row in sorted(rows, key=lambda r: r[4]):
        surface = row[3]
        person = kind_of(row) in REFERENT_KINDS["person"]
        if person and " " in row[1].strip():
            people.setdefault(row[1].split()[-1], set()).add(row[1])
        elif person and row[6] in NER_LABELS and " " not in surface.strip() and len(people.get(surface, ())) == 1:
            full = next(iter(people[surface]))
            top = next(r[2] for r in out if r[1] == full)
            row = (row[0], full, top) + row[3:9] + (f"short name of {full}",)
        out.append(row)
    actors = [(r[4], r[1], kind_of(r), r[2]) for r in out]
    added = []
    for si, ((ss, se), doc) in enumerate(zip(spans, docs)):
        window_start = spans[si - 1][0] if si else ss
        for tok in doc:
            word = tok.text.lower()
            kind = next((k for k, words in PRONOUNS.items() if word in words), None)
            if kind is None or tok.dep_ not in _REFERRING_DEPS:
                continue
            start = ss + tok.idx
            before = [a for a in actors if window_start <= a[0] < start]
            if kind == "person":
                candidates = {a[1] for a in before if a[2] in REFERENT_KINDS["person"]}
            else:
                others = {a[3] for a in before if a[2] not in REFERENT_KINDS["person"]}
                candidates = {a[1] for a in before if a[2] in REFERENT_KINDS[kind]}
                if len(others) != 1:
                    continue
            if len(candidates) != 1:
                continue
            actor = next(iter(candidates))
            top = next(a[3] for a in reversed(before) if a[1] == actor)
            added.append((rows[0][0], actor, top, tok.text, start, start + len(tok.text), "coref", ss, se,
                          f"pronoun attached to {actor}"))
    merged = out + added
    return [r if len(r) > 9 else r + ("",) for r in sorted(merged, key=lambda r: r[4])]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("start", "end", "sentence_start", "sentence_end"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    for col in ("article_id", "actor", "part_of", "mention", "source", "reason", "note"):
        frame[col] = frame[col].astype(object)
    return frame[MENTION_COLUMNS]


# ---------------------------------------------------------------------- given mentions
def read_mentions(path: str | Path) -> pd.DataFrame:
    """Read user mentions: CSV or JSONL with ``article_id, start, end`` and optionally ``mention``.

    Further columns (``role``, ``fine_role`` of coded mentions) are kept.

    Raises
    ------
    ValueError
        When the file is neither CSV nor JSONL, or lacks a required column.
    """
    from framing.safeio import read_text_limited

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv", ".tsv"):
        raise ValueError(f"{path}: mentions file must be .csv, .tsv or .jsonl, got {suffix or 'no suffix'!r}")
    text = read_text_limited(path, 512 * 1024 * 1024, what="mentions file")
    if suffix in (".jsonl", ".ndjson"):
        records = []
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{i}: not a JSON line ({exc.msg})") from None
                if not isinstance(value, dict):
                    raise ValueError(f"{path}:{i}: expected a JSON object, got {type(value).__name__}")
                records.append(value)
        frame = pd.DataFrame.from_records(records)
    else:
        import io

        frame = pd.read_csv(io.StringIO(text), sep="\t" if suffix == ".tsv" else ",", dtype=str,
                            keep_default_na=False)
    missing = [c for c in ("article_id", "start", "end") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: mentions file lacks column(s) {', '.join(missing)} "
                         f"(has: {', '.join(map(str, frame.columns))})")
    return frame


def _as_offset(value) -> int | None:
    try:
        if isinstance(value, bool) or value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _reanchor(text: str, mention: str, start: int) -> tuple[int, int] | None:
    """Span of the occurrence of ``mention`` nearest to ``start`` (exact case first), or None."""
    for flags in (0, re.IGNORECASE):
        hits = [m.start() for m in re.finditer(re.escape(mention), text, flags)]
        if hits:
            best = min(hits, key=lambda h: (abs(h - start), h))
            return best, best + len(mention)
    return None


def anchor_mentions(given: pd.DataFrame, texts: dict[str, str], codebook=None) -> pd.DataFrame:
    """Check user mentions against the article texts: one output row per input row, in order.

    A span whose text differs from its ``mention`` (when given) is moved to the nearest
    occurrence of the mention and ``note`` says so; a mention whose article is missing, or
    whose offsets are not integers or fall outside the text (and cannot be re-anchored),
    keeps its row with a ``reason``.

    Parameters
    ----------
    given : DataFrame
        ``article_id, start, end`` and optionally ``mention`` (see :func:`read_mentions`).
    texts : dict of str to str
        Article id -> text.
    codebook : Codebook, optional
        Its gazetteer names the actor of a span; otherwise the actor is the span text.

    Returns
    -------
    DataFrame with :data:`MENTION_COLUMNS` plus the input's other columns.
    """
    gazetteer = compile_gazetteer(codebook) if codebook is not None else []
    roots = _roots(codebook) if codebook is not None else {}
    has_mention = "mention" in given.columns
    rows = []
    spans_of: dict[str, list] = {}
    for rec in given.to_dict("records"):
        aid = str(rec.get("article_id", "")).strip()
        start, end = _as_offset(rec.get("start")), _as_offset(rec.get("end"))
        mention = rec.get("mention") if has_mention else None
        mention = None if mention is None or (isinstance(mention, float) and np.isnan(mention)) or str(mention) == "" \
            else str(mention)
        reason, note = "", ""
        text = texts.get(aid)
        if text is None:
            reason = "article not found"
        elif start is None or end is None:
            reason = f"offsets are not integers (start={rec.get('start')!r}, end={rec.get('end')!r})"
        else:
            inside = 0 <= start < end <= len(text)
            if mention is not None and (not inside or text[start:end] != mention):
                hit = _reanchor(text, mention, start)
                if hit is not None:
                    note = f"re-anchored on the mention text from {start}:{end} to {hit[0]}:{hit[1]}"
                    start, end = hit
                    inside = True
                elif inside:
                    note = "span text differs from the mention, which is not in the text: span kept"
            if not inside:
                reason = f"offsets {start}:{end} outside the text (length {len(text)})" if start < end else \
                    f"empty or reversed span {start}:{end}"
        if reason:
            rows.append({"article_id": aid, "actor": mention or "", "part_of": mention or "", "mention": mention or "",
                         "start": start, "end": end, "source": "given", "sentence_start": None,
                         "sentence_end": None, "reason": reason, "note": note})
            continue
        surface = text[start:end]
        actor = lookup_actor(surface, gazetteer) or " ".join(surface.split())
        if aid not in spans_of:
            spans_of[aid] = split_spans(text)
        ss, se = _sentence_of(spans_of[aid], start, end)
        rows.append({"article_id": aid, "actor": actor, "part_of": roots.get(actor, actor), "mention": surface,
                     "start": start, "end": end, "source": "given", "sentence_start": ss, "sentence_end": se,
                     "reason": "", "note": note})
    frame = _typed(pd.DataFrame(rows, columns=MENTION_COLUMNS))
    extra = [c for c in given.columns if c not in frame.columns]
    for col in extra:
        frame[col] = given[col].to_numpy()
    return frame
