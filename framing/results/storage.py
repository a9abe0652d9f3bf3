"""Provenance, export and results folders: the part of :class:`~framing.results.Results` that
writes files — the manifest, every table in any export format (streamed by DuckDB for Parquet
and CSV folders), and a re-openable results folder (``save`` / ``open``)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from framing.results.sql import quote_ident

log = logging.getLogger(__name__)

#: Tables a run can produce, in export order.
TABLES = ("scores", "evidence", "components", "articles", "events", "sentences")


class FolderIO:
    """What :class:`~framing.results.Results` writes and reads back (a mixin: it uses the
    Results' tables, connection and lock)."""

    def manifest(self) -> dict:
        """Provenance of these numbers: versions, encoder, codebook hash, settings, calibration,
        engine, inputs (with sha256)."""
        from framing import __version__
        from framing.export import file_manifest

        return {
            "framing_version": __version__,
            "encoder": self.encoder_id,
            "codebook": {"id": self.codebook.id, "sha256": self.codebook.sha256, "version": self.codebook.version,
                         "source": self.codebook.source},
            "settings": self.settings.to_dict(),
            "calibration": self.calibration.to_dict(),
            "engine": self.engine,
            "inputs": file_manifest([p for p in self.inputs if Path(p).exists()]),
            "n_articles": self.n_articles,
            "n_sentences": self.n_sentences,
            "created": self.created,
        }

    def export(self, path: str | Path, format: str | None = None, *, long: bool = False,
               comparison: bool = True, outlets=None, neutralise_formulas: bool = True,
               roles: bool | None = None) -> list[Path]:
        """Write every table (scores with events, evidence, events, the outlet comparison:
        means, differences, distinctive terms, prevalence, coverage — of ``outlets``, default
        all; components with ``long=True``) and ``manifest.json``.

        ``roles=True`` adds the actor-role tables ``roles`` (one row per mention),
        ``role_shares`` and ``role_differences`` (by outlet), ``role_shares_by_event`` and
        ``role_shares_by_period`` (week or month, as :meth:`time_freq`). They cost a spaCy parse and an
        embedding per mention, so the default (``None``) adds them only when the codebook has
        roles, the corpus has fewer than 2,000 articles
        (:data:`framing.roles.results.ROLES_EXPORT_MAX_ARTICLES`) and the encoder is known;
        ``roles=True`` on a codebook without roles is a ``ValueError``.

        Parquet or CSV into a folder is streamed by DuckDB (memory bounded whatever the
        corpus size); other formats load the tables and go through
        :func:`framing.export.export_tables`. Text cells that start like a spreadsheet
        formula are neutralised unless ``neutralise_formulas=False`` (the manifest says which).
        """
        from framing.export import export_tables

        names = ["scores"] + [t for t in ("evidence", "events") if self.has(t)] + \
                (["components"] if long and self.has("components") else [])
        path = Path(path)
        fmt = (format or path.suffix.lstrip(".") or "csv").lower()
        extra = dict(self.comparison(outlets)) if comparison else {}
        extra.update(self._role_exports(roles, outlets))
        if fmt in ("parquet", "csv") and not path.suffix:
            return self._export_streamed(path, names, fmt, extra, neutralise_formulas)
        tables = {name: (self.scores if name == "scores" else self._table(name)) for name in names}
        tables.update(extra)
        return export_tables(tables, path, format=format, manifest=self.manifest(),
                             neutralise_formulas=neutralise_formulas)

    def _role_exports(self, roles: bool | None, outlets) -> dict[str, pd.DataFrame]:
        from framing.roles.results import ROLES_EXPORT_MAX_ARTICLES

        if roles is None:
            if not self.codebook.roles or self.n_articles >= ROLES_EXPORT_MAX_ARTICLES:
                return {}
            try:
                rows = self.roles
            except ValueError as exc:  # e.g. an encoder this process cannot rebuild
                log.warning("export without the roles tables: %s", exc)
                return {}
        elif roles:
            rows = self.roles  # ValueError when the codebook has no roles
        else:
            return {}
        if outlets is not None:
            rows = rows[rows["outlet"].astype(str).isin(list(map(str, outlets)))]
        tables = {"roles": rows, **self.role_comparison(outlets=outlets)}
        if rows["event_id"].notna().any():
            tables["role_shares_by_event"] = self.role_comparison(by="event", outlets=outlets)["role_shares"]
        if pd.to_datetime(rows["published"], errors="coerce").notna().any():
            tables["role_shares_by_period"] = self.role_comparison(by="period", outlets=outlets,
                                                                   freq=self.time_freq())["role_shares"]
        return tables

    def _export_streamed(self, folder: Path, names: list[str], fmt: str, extra: dict,
                         neutralise_formulas: bool) -> list[Path]:
        from framing.export import export_tables, neutralised_query
        from framing.results.sql import quote_literal

        neutralise = neutralise_formulas and fmt == "csv"  # Parquet cells are typed data, never formulas

        folder.mkdir(parents=True, exist_ok=True)
        options = "(FORMAT PARQUET, COMPRESSION ZSTD)" if fmt == "parquet" else "(FORMAT CSV, HEADER)"
        written, rows = [], {}
        with self._lock:
            con = self._connection()
            for name in names:
                query = "SELECT * EXCLUDE (rowno) FROM scored ORDER BY rowno" if name == "scores" else \
                    f"SELECT * FROM {quote_ident(name)}"
                target = folder / f"{name}.{fmt}"
                written_query = neutralised_query(con, query) if neutralise else query
                con.execute(f"COPY ({written_query}) TO {quote_literal(target)} {options}")
                rows[name] = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
                written.append(target)
        if extra:
            written += [p for p in export_tables(extra, folder, format=fmt, manifest=None,
                                                 neutralise_formulas=neutralise_formulas)
                        if p.name != "manifest.json"]
            rows.update({name: len(t) for name, t in extra.items()})
        manifest = self.manifest()
        manifest.update(outputs=[p.name for p in written], rows=rows, format=fmt,
                        cells="neutralised" if neutralise else "raw")
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        return written + [folder / "manifest.json"]

    # ------------------------------------------------------------------ folders
    #: The file that makes a folder re-openable with :meth:`open` (written by :meth:`save`).
    STATE_FILE = "result.json"

    def save(self, folder: str | Path | None = None) -> Path:
        """Write the run as a results folder (Parquet tables, ``doc_vectors.npy``,
        ``codebook.yaml``, ``result.json``) that :meth:`open` — and ``framing app --results``
        — re-open without re-scoring. Tables already in ``folder`` are not rewritten."""
        folder = Path(folder) if folder is not None else self.folder
        if folder is None:
            raise ValueError("save: give a folder (these results live in memory)")
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name in self.tables:
            source = self._sources[name]
            target = folder / f"{name}.parquet"
            if isinstance(source, pd.DataFrame):
                source.to_parquet(target, index=False)
            elif Path(source).resolve() != target.resolve():
                import shutil

                shutil.copyfile(source, target)
            paths[name] = target.name
        if self._doc_vectors is not None:
            target = folder / "doc_vectors.npy"
            v = self._doc_vectors
            if not isinstance(v, (str, Path)) or Path(v).resolve() != target.resolve():
                np.save(target, np.asarray(self.doc_vectors, dtype=np.float32))
            paths["doc_vectors"] = target.name
        state = {"format": "framing-result/1", "paths": paths, "settings": self.settings.to_dict(),
                 "calibration": self.calibration.to_dict(), "encoder_id": self.encoder_id, "engine": self.engine,
                 "n_articles": self.n_articles, "n_sentences": self.n_sentences, "seconds": self.seconds,
                 "inputs": self.inputs, "created": self.created, "manifest": self.manifest()}
        (folder / "codebook.yaml").write_text(self.codebook.to_yaml(), encoding="utf-8")
        target = folder / self.STATE_FILE
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(state, indent=2, default=str), encoding="utf-8")
        tmp.replace(target)
        return target

    @classmethod
    def open(cls, folder: str | Path, **kw):
        """Re-open a results folder written by :meth:`save` (or by ``framing analyse --results``).

        Raises
        ------
        ValueError
            When the folder has no ``result.json`` (not a results folder) or a table it
            lists is missing.
        """
        from framing.codebook import Codebook
        from framing.scoring import Calibration, ScoringSettings

        folder = Path(folder)
        state_path = folder / cls.STATE_FILE
        if not state_path.is_file():
            raise ValueError(f"{folder}: not a framing results folder (no {cls.STATE_FILE}; write one with "
                             "`framing analyse PATH... --results DIR`)")
        if state_path.stat().st_size > 16 << 20:
            raise ValueError(f"{state_path}: {state_path.stat().st_size:,} bytes, more than a results state file "
                             "can be (16 MB)")
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{state_path}: not valid JSON ({exc})") from None
        paths = {k: folder / v for k, v in state.get("paths", {}).items()}
        missing = [str(p) for p in paths.values() if not p.exists()]
        if missing:
            raise ValueError(f"{folder}: tables listed in {cls.STATE_FILE} are missing: {', '.join(missing)}")
        codebook = Codebook.from_yaml((folder / "codebook.yaml").read_text(encoding="utf-8"),
                                      source=str(folder / "codebook.yaml"))
        tables = {k: v for k, v in paths.items() if k in TABLES}
        result = cls(tables, codebook=codebook, settings=ScoringSettings.from_dict(state["settings"]),
                     calibration=Calibration.from_dict(state["calibration"]), encoder_id=state["encoder_id"],
                     doc_vectors=paths.get("doc_vectors"), engine=state.get("engine", {}),
                     n_sentences=state.get("n_sentences"), inputs=state.get("inputs", []),
                     seconds=state.get("seconds", {}), folder=folder, **kw)
        result.created = state.get("created", result.created)
        return result
