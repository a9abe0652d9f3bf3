"""Codebooks: frames and axes as data (YAML), validated on load.

A codebook is what a researcher edits: frames with a description, prototype
sentences and a weighted lexicon, and bipolar axes between two frames. Errors name
the file, the frame and the field.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from framing.language import WORD_MARKS, surface_forms

from framing.paths import codebooks_dir
from framing.safeio import YAML_MAX_BYTES, UnsafeInputError, load_yaml, read_text_limited

_ID_RE = re.compile(r"^[a-z][a-z0-9_\-]*$")
log = logging.getLogger(__name__)

#: Keys the schema knows; anything else is reported (logged) as a probable typo.
_TOP_KEYS = {"id", "name", "description", "version", "frames", "axes", "entities", "reference", "roles"}
_FRAME_KEYS = {"id", "label", "description", "prototypes", "lexicon", "counter_examples", "residual"}
_AXIS_KEYS = {"id", "label", "pole_a", "pole_b", "description", "neutral"}
_ENTITY_KEYS = {"name", "aliases", "type", "part_of"}
_ROLE_KEYS = {"id", "label", "description", "aliases", "prototypes", "lexicon", "cues", "fine_roles"}
#: Dependency cues of a role: lemmas of the words the actor is the subject (agent) or the
#: object (patient) of, or the possessor of ("X's crackdown").
CUE_KINDS = ("subject_of", "object_of", "possessor_of")
#: The placeholder an actor is masked with in role prototypes and in scored sentences.
ROLE_PLACEHOLDER = "X"
_PLACEHOLDER_RE = re.compile(rf"(?<![\w-]){ROLE_PLACEHOLDER}(?![\w-])")


class CodebookError(ValueError):
    """A codebook file is invalid; the message names file, frame and field."""


@dataclass
class Frame:
    """A frame: prototypes, optional counter-examples and a weighted lexicon.

    ``residual``: the frame stands for "none of the other frames" (the Media Frames
    Codebook's *Other*); its score then also counts how little the strongest other frame
    applies (:class:`framing.scoring.pipeline.CodebookScorer`).
    """

    id: str
    label: str
    description: str
    prototypes: list[str]
    lexicon: dict[str, float] = field(default_factory=dict)
    counter_examples: list[str] = field(default_factory=list)
    #: Per-language lexicons as written (``{en: {...}, ur: {...}}``); ``lexicon`` is their union,
    #: which is what matching uses (terms in different scripts never match each other's text).
    #: Empty when the codebook gives one flat list (= English / all languages).
    lexicons: dict[str, dict[str, float]] = field(default_factory=dict)
    residual: bool = False


@dataclass
class Axis:
    """A bipolar frame axis. Positive positions lean to ``pole_a``.

    ``neutral``: sentences on the axis's topic that lean to neither pole (written for the
    codebook). They set the axis's zero (baseline), the width of its neutral zone and the
    per-sentence gate; without them the codebook's ``reference`` sentences are used.
    """

    id: str
    label: str
    pole_a: str
    pole_b: str
    description: str = ""
    neutral: list[str] = field(default_factory=list)


@dataclass
class Entity:
    """An actor of the codebook's gazetteer (event matching, evidence, role mentions).

    ``part_of`` names another entity this one belongs to (the ISI is part of Pakistan), so
    role shares can be rolled up from agencies and armies to the state.
    """

    name: str
    aliases: list[str] = field(default_factory=list)
    type: str = ""
    part_of: str = ""


@dataclass
class Role:
    """A role an actor can be cast in (``protagonist``, ``antagonist``, ``innocent``, or a fine role).

    ``prototypes`` are sentences with the actor masked as ``X`` ("X shelled the villages");
    ``cues`` map a dependency relation (:data:`CUE_KINDS`) to lemmas with weights;
    ``lexicon`` is a weighted list of words of the sentence that point to the role;
    ``aliases`` are other names of the role in coded data (``hero`` for protagonist).
    """

    id: str
    label: str
    description: str
    prototypes: list[str]
    lexicon: dict[str, float] = field(default_factory=dict)
    cues: dict[str, dict[str, float]] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    fine_roles: list["Role"] = field(default_factory=list)


@dataclass
class Codebook:
    """Frames, axes and actors that define what is measured.

    Examples
    --------
    >>> cb = Codebook.load("south-asia-security")
    >>> cb.axis("siege_vs_proxy").pole_a
    'state_under_siege'
    """

    id: str
    name: str
    description: str
    frames: list[Frame]
    axes: list[Axis] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    version: str = "1"
    roles: list[Role] = field(default_factory=list)
    source: str = field(default="", compare=False)

    # ------------------------------------------------------------------ access
    @property
    def frame_ids(self) -> list[str]:
        return [f.id for f in self.frames]

    @property
    def axis_ids(self) -> list[str]:
        return [a.id for a in self.axes]

    def frame(self, frame_id: str) -> Frame:
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise KeyError(f"codebook {self.id!r} has no frame {frame_id!r}; frames: {self.frame_ids}")

    @property
    def role_ids(self) -> list[str]:
        """Ids of the main roles (empty when the codebook has no ``roles`` section)."""
        return [r.id for r in self.roles]

    @property
    def fine_role_ids(self) -> list[str]:
        """Ids of all fine roles, main role by main role."""
        return [f.id for r in self.roles for f in r.fine_roles]

    def role(self, role_id: str) -> Role:
        """A main role by id."""
        for r in self.roles:
            if r.id == role_id:
                return r
        raise KeyError(f"codebook {self.id!r} has no role {role_id!r}; roles: {self.role_ids}")

    def role_for_label(self, label: str) -> str:
        """The main-role id a coded label stands for: its id or one of its aliases (``hero``).

        Raises
        ------
        ValueError
            When ``label`` names no main role of the codebook.
        """
        key = " ".join(str(label).split()).lower()
        for r in self.roles:
            if key == r.id or key in (a.lower() for a in r.aliases):
                return r.id
        known = sorted({r.id for r in self.roles} | {a.lower() for r in self.roles for a in r.aliases})
        raise ValueError(f"role label {label!r} names no role of codebook {self.id!r} (known: {', '.join(known)})")

    def axis(self, axis_id: str) -> Axis:
        for a in self.axes:
            if a.id == axis_id:
                return a
        raise KeyError(f"codebook {self.id!r} has no axis {axis_id!r}; axes: {self.axis_ids}")

    # ------------------------------------------------------------------ io
    @classmethod
    def load(cls, id_or_path: "str | Path | Codebook") -> "Codebook":
        """Load a built-in codebook by id, or a YAML file by path."""
        if isinstance(id_or_path, Codebook):
            return id_or_path
        path = Path(id_or_path)
        if not path.suffix and not path.exists():
            candidate = codebooks_dir() / f"{id_or_path}.yaml"
            if not candidate.exists():
                raise CodebookError(
                    f"unknown codebook {str(id_or_path)!r}: not a file and not a built-in "
                    f"(built-ins: {', '.join(builtin_ids()) or 'none'})"
                )
            path = candidate
        if not path.exists():
            raise CodebookError(f"{path}: codebook file not found")
        if not path.is_file():
            raise CodebookError(f"{path}: not a file (expected a codebook YAML file)")
        try:
            text = read_text_limited(path, YAML_MAX_BYTES, what="codebook file")
        except UnsafeInputError as exc:
            raise CodebookError(str(exc)) from None
        except UnicodeDecodeError:
            raise CodebookError(f"{path}: not a UTF-8 text file") from None
        except OSError as exc:
            raise CodebookError(f"{path}: cannot read codebook file ({exc.strerror or exc})") from None
        return cls.from_yaml(text, source=str(path))

    @classmethod
    def from_yaml(cls, text: str, source: str = "<yaml>") -> "Codebook":
        try:
            data = load_yaml(text, source=source)
        except UnsafeInputError as exc:
            raise CodebookError(str(exc)) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data: Any, source: str = "<dict>") -> "Codebook":
        return _parse(data, source)

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "version": self.version,
            "frames": [_frame_dict(f) for f in self.frames],
            "axes": [{k: v for k, v in asdict(a).items() if k != "neutral" or v} for a in self.axes],
        }
        if self.entities:
            out["entities"] = [{k: v for k, v in asdict(e).items() if k != "part_of" or v} for e in self.entities]
        if self.roles:
            out["roles"] = [_role_dict(r) for r in self.roles]
        if self.reference:
            out["reference"] = list(self.reference)
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_yaml(), encoding="utf-8")
        return path

    @property
    def sha256(self) -> str:
        """Hash of the codebook's content (for manifests and caches)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _frame_dict(frame: Frame) -> dict:
    out = asdict(frame)
    lexicons = out.pop("lexicons")
    if lexicons:
        out["lexicon"] = lexicons
    if not out["residual"]:  # written only when set, so other codebooks keep their hash
        del out["residual"]
    return out


def _check_shared_prototypes(frames: list[Frame], source: str) -> None:
    """Log prototypes that appear in more than one frame (they blur both frames)."""
    owner: dict[str, str] = {}
    for f in frames:
        for p in f.prototypes:
            other = owner.setdefault(p.lower(), f.id)
            if other != f.id:
                log.warning("%s: frame %r.prototypes: %r is also a prototype of frame %r", source, f.id, p, other)


def _role_dict(role: Role) -> dict:
    out = {"id": role.id, "label": role.label, "description": role.description}
    if role.aliases:
        out["aliases"] = list(role.aliases)
    out["prototypes"] = list(role.prototypes)
    if role.lexicon:
        out["lexicon"] = dict(role.lexicon)
    if role.cues:
        out["cues"] = {k: dict(v) for k, v in role.cues.items()}
    if role.fine_roles:
        out["fine_roles"] = [_role_dict(f) for f in role.fine_roles]
    return out


def builtin_ids() -> list[str]:
    folder = codebooks_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.exists() else []


def list_builtin() -> list[Codebook]:
    return [Codebook.load(i) for i in builtin_ids()]


# ---------------------------------------------------------------------- parsing
def _warn_unknown(raw: dict, known: set[str], source: str, where: str) -> None:
    for key in raw:
        if key not in known:
            log.warning("%s: %s: unknown field %r ignored (known: %s)", source, where, key, ", ".join(sorted(known)))


def _require(cond: bool, source: str, where: str, message: str) -> None:
    if not cond:
        raise CodebookError(f"{source}: {where}: {message}")


def _text(value: Any, source: str, where: str, default: str = "") -> str:
    """A scalar field (label, description, name, version) as text; lists and mappings are refused."""
    if value is None or value == "":
        return default
    _require(isinstance(value, (str, int, float)) and not isinstance(value, bool), source, where,
             f"expected text, got {type(value).__name__}")
    return str(value)


def _str_list(value: Any, source: str, where: str, *, allow_empty: bool) -> list[str]:
    if value is None:
        value = []
    _require(isinstance(value, list), source, where, f"expected a list of sentences, got {type(value).__name__}")
    out = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        _require(isinstance(item, str) and item.strip() != "", source, f"{where}[{i}]", "expected a non-empty string")
        text = " ".join(item.split())
        key = text.lower()
        _require(key not in seen, source, f"{where}[{i}]", f"duplicate of item {seen.get(key)}: {text!r}")
        seen[key] = i
        out.append(text)
    _require(allow_empty or len(out) > 0, source, where, "must not be empty")
    return out


def _flag(value: Any, source: str, where: str) -> bool:
    """A yes/no field (absent = no)."""
    if value is None:
        return False
    _require(isinstance(value, bool), source, where, f"expected true or false, got {value!r}")
    return value


_LANG_RE = re.compile(r"^[a-z]{2,3}$")


def _frame_lexicons(value: Any, source: str, where: str) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """A frame's ``lexicon``: a flat mapping/list (English / all languages), or one per language
    (``{en: [...], ur: {...}}``, keys ISO 639 codes). Returns (the union, the per-language ones)."""
    if isinstance(value, dict) and value and all(isinstance(k, str) and _LANG_RE.match(k) and
                                                 isinstance(v, (list, dict)) for k, v in value.items()):
        per = {lang: _lexicon(terms, source, f"{where}.{lang}") for lang, terms in value.items()}
        union: dict[str, float] = {}
        for lang, terms in per.items():
            for term, weight in terms.items():
                _require(term not in union or union[term] == weight, source, f"{where}.{lang}.{term}",
                         f"term also in another language with another weight ({union.get(term)})")
                union[term] = weight
        return union, per
    return _lexicon(value, source, where), {}


def _lexicon(value: Any, source: str, where: str) -> dict[str, float]:
    if value is None:
        return {}
    if isinstance(value, list):  # plain list of terms: weight 1
        value = {term: 1.0 for term in value}
    _require(isinstance(value, dict), source, where, "expected a mapping term -> weight")
    out: dict[str, float] = {}
    for term, weight in value.items():
        _require(isinstance(term, str) and term.strip() != "", source, where, f"bad term {term!r} (terms must be text)")
        _require(
            isinstance(weight, (int, float)) and not isinstance(weight, bool) and weight == weight,
            source, f"{where}.{term}", f"weight must be a number, got {weight!r}",
        )
        _require(0 < float(weight) <= 10, source, f"{where}.{term}", f"weight must be in (0, 10], got {weight!r}")
        key = " ".join(term.split()).lower()
        _require(key not in out, source, f"{where}.{term}", "duplicate term")
        out[key] = float(weight)
    return out


def _parse(data: Any, source: str) -> Codebook:
    _require(isinstance(data, dict), source, "top level", "expected a mapping with id, name, frames")
    _warn_unknown(data, _TOP_KEYS, source, "top level")
    cid = data.get("id")
    _require(isinstance(cid, str) and bool(_ID_RE.match(cid or "")), source, "id",
             f"expected a lower-case identifier, got {cid!r}")
    frames_raw = data.get("frames")
    _require(isinstance(frames_raw, list) and len(frames_raw) > 0, source, "frames", "expected a non-empty list")
    frames: list[Frame] = []
    seen: set[str] = set()
    for i, raw in enumerate(frames_raw):
        _require(isinstance(raw, dict), source, f"frames[{i}]", "expected a mapping")
        fid = raw.get("id")
        _require(isinstance(fid, str) and bool(_ID_RE.match(fid or "")), source, f"frames[{i}].id",
                 f"expected a lower-case identifier, got {fid!r}")
        where = f"frame {fid!r}"
        _require(fid not in seen, source, f"{where}.id", "duplicate frame id")
        seen.add(fid)
        _warn_unknown(raw, _FRAME_KEYS, source, where)
        lexicon, lexicons = _frame_lexicons(raw.get("lexicon"), source, f"{where}.lexicon")
        frames.append(
            Frame(
                id=fid,
                label=_text(raw.get("label"), source, f"{where}.label", fid.replace("_", " ")),
                description=_text(raw.get("description"), source, f"{where}.description"),
                prototypes=_str_list(raw.get("prototypes"), source, f"{where}.prototypes", allow_empty=False),
                lexicon=lexicon,
                counter_examples=_str_list(raw.get("counter_examples"), source, f"{where}.counter_examples",
                                           allow_empty=True),
                lexicons=lexicons,
                residual=_flag(raw.get("residual"), source, f"{where}.residual"),
            )
        )
    _require(not all(f.residual for f in frames), source, "frames",
             "every frame is residual; a residual frame means 'none of the other frames', so at least one "
             "frame must not be")
    axes: list[Axis] = []
    seen_axes: set[str] = set()
    axes_raw = data.get("axes") or []
    _require(isinstance(axes_raw, list), source, "axes",
             f"expected a list of axes (mappings with id, pole_a, pole_b), got {type(axes_raw).__name__}")
    for i, raw in enumerate(axes_raw):
        _require(isinstance(raw, dict), source, f"axes[{i}]", "expected a mapping")
        aid = raw.get("id")
        _require(isinstance(aid, str) and bool(_ID_RE.match(aid or "")), source, f"axes[{i}].id",
                 f"expected a lower-case identifier, got {aid!r}")
        where = f"axis {aid!r}"
        _require(aid not in seen_axes and aid not in seen, source, f"{where}.id", "duplicate id")
        seen_axes.add(aid)
        _warn_unknown(raw, _AXIS_KEYS, source, where)
        for pole in ("pole_a", "pole_b"):
            _require(isinstance(raw.get(pole), str) and raw.get(pole) in seen, source, f"{where}.{pole}",
                     f"unknown frame {raw.get(pole)!r} (frames: {sorted(seen)})")
        _require(raw["pole_a"] != raw["pole_b"], source, where, "pole_a and pole_b must differ")
        axes.append(Axis(id=aid, label=_text(raw.get("label"), source, f"{where}.label", aid), pole_a=raw["pole_a"],
                         pole_b=raw["pole_b"], description=_text(raw.get("description"), source, f"{where}.description"),
                         neutral=_str_list(raw.get("neutral"), source, f"{where}.neutral", allow_empty=True)))
    entities = []
    entities_raw = data.get("entities") or []
    _require(isinstance(entities_raw, list), source, "entities", "expected a list of actors")
    for i, raw in enumerate(entities_raw):
        if isinstance(raw, str):
            raw = {"name": raw}
        _require(isinstance(raw, dict) and isinstance(raw.get("name"), str) and raw["name"].strip() != "",
                 source, f"entities[{i}]", "expected a mapping with a name")
        _warn_unknown(raw, _ENTITY_KEYS, source, f"entity {raw['name']!r}")
        aliases = raw.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        where = f"entity {raw['name']!r}"
        _require(isinstance(aliases, list), source, f"{where}.aliases", "expected a list of names")
        names = [_text(a, source, f"{where}.aliases[{j}]").strip() for j, a in enumerate(aliases)]
        entities.append(Entity(name=raw["name"].strip(), aliases=[a for a in names if a],
                               type=_text(raw.get("type"), source, f"{where}.type"),
                               part_of=_text(raw.get("part_of"), source, f"{where}.part_of").strip()))
    known_names = {e.name for e in entities}
    for e in entities:
        _require(not e.part_of or (e.part_of in known_names and e.part_of != e.name), source,
                 f"entity {e.name!r}.part_of", f"unknown entity {e.part_of!r} (part_of names another entity)")
    roles = _roles(data.get("roles"), source)
    _check_shared_prototypes(frames, source)
    return Codebook(
        id=cid,
        name=_text(data.get("name"), source, "name", cid),
        description=_text(data.get("description"), source, "description"),
        frames=frames,
        axes=axes,
        entities=entities,
        reference=_str_list(data.get("reference"), source, "reference", allow_empty=True),
        version=_text(data.get("version", "1"), source, "version", "1"),
        roles=roles,
        source=source,
    )


def _cues(value: Any, source: str, where: str) -> dict[str, dict[str, float]]:
    if value is None:
        return {}
    _require(isinstance(value, dict), source, where,
             f"expected a mapping with any of {', '.join(CUE_KINDS)}, got {type(value).__name__}")
    out = {}
    for kind, lemmas in value.items():
        _require(kind in CUE_KINDS, source, f"{where}.{kind}", f"unknown cue kind (known: {', '.join(CUE_KINDS)})")
        out[kind] = _lexicon(lemmas, source, f"{where}.{kind}")
    return out


def _role(raw: Any, source: str, where: str, seen: set[str], *, fine: bool) -> Role:
    _require(isinstance(raw, dict), source, where, "expected a mapping with id, description, prototypes")
    rid = raw.get("id")
    _require(isinstance(rid, str) and bool(_ID_RE.match(rid or "")), source, f"{where}.id",
             f"expected a lower-case identifier, got {rid!r}")
    name = f"role {rid!r}"
    _require(rid != "none", source, f"{name}.id", "'none' is reserved (it is the answer 'no clear role')")
    _require(rid not in seen, source, f"{name}.id", "duplicate role id")
    seen.add(rid)
    _warn_unknown(raw, _ROLE_KEYS - ({"fine_roles"} if fine else set()), source, name)
    prototypes = _str_list(raw.get("prototypes"), source, f"{name}.prototypes", allow_empty=False)
    for i, p in enumerate(prototypes):
        _require(bool(_PLACEHOLDER_RE.search(p)), source, f"{name}.prototypes[{i}]",
                 f"a role prototype names the actor as {ROLE_PLACEHOLDER!r} (e.g. 'X shelled the villages'), got {p!r}")
    aliases = raw.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    _require(isinstance(aliases, list), source, f"{name}.aliases", "expected a list of labels")
    fine_raw = raw.get("fine_roles") or []
    _require(isinstance(fine_raw, list), source, f"{name}.fine_roles", "expected a list of fine roles")
    return Role(
        id=rid,
        label=_text(raw.get("label"), source, f"{name}.label", rid.replace("_", " ")),
        description=_text(raw.get("description"), source, f"{name}.description"),
        prototypes=prototypes,
        lexicon=_lexicon(raw.get("lexicon"), source, f"{name}.lexicon"),
        cues=_cues(raw.get("cues"), source, f"{name}.cues"),
        aliases=[_text(a, source, f"{name}.aliases[{j}]").strip() for j, a in enumerate(aliases)],
        fine_roles=[] if fine else [_role(f, source, f"{name}.fine_roles[{j}]", seen, fine=True)
                                    for j, f in enumerate(fine_raw)],
    )


def _roles(value: Any, source: str) -> list[Role]:
    """The optional ``roles`` section: main roles, each with its fine roles."""
    if value is None:
        return []
    _require(isinstance(value, list), source, "roles",
             f"expected a list of roles (mappings with id, description, prototypes), got {type(value).__name__}")
    seen: set[str] = set()
    roles = [_role(raw, source, f"roles[{i}]", seen, fine=False) for i, raw in enumerate(value)]
    labels: dict[str, str] = {}
    for r in roles:
        for label in [r.id, *r.aliases]:
            other = labels.setdefault(label.lower(), r.id)
            _require(other == r.id, source, f"role {r.id!r}.aliases", f"label {label!r} also names role {other!r}")
    return roles


def compile_gazetteer(codebook) -> list[tuple[re.Pattern, dict[str, str]]]:
    """The codebook's actors as regular expressions: one alternation per case mode.

    Short acronyms (upper case, at most 5 letters: ISI, RAW, ISPR) match exactly; other
    names and aliases case-insensitively; longest surfaces first, so "Inter-Services
    Intelligence" wins over "Intelligence"; word boundaries that treat ``-`` as part of a
    word. Each name is looked for in the spellings of :func:`framing.language.surface_forms`
    (Arabic-script yeh/kaf variants, case forms of one-word Russian names). Used by event
    matching and by actor mentions alike.

    Returns
    -------
    list of (pattern, table)
        ``table`` maps a surface (lower-cased for the case-insensitive pattern) to the
        entity's canonical name.
    """
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for entity in getattr(codebook, "entities", None) or []:
        for written in [entity.name, *entity.aliases]:
            for surface in surface_forms(written) if written else ():
                if surface.isupper() and len(surface) <= 5:
                    exact.setdefault(surface, entity.name)
                else:
                    folded.setdefault(surface.lower(), entity.name)
    out = []
    for table, flags in ((exact, 0), (folded, re.IGNORECASE)):
        if table:
            alternation = "|".join(re.escape(x) for x in sorted(table, key=len, reverse=True))
            out.append((re.compile(rf"(?<![\w{WORD_MARKS}-])(?:{alternation})(?![\w{WORD_MARKS}-])", flags), table))
    return out
