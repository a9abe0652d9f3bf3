"""``framing train`` and ``framing validate``: supervised frames and agreement with coders."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import List, Optional

import typer

from framing.cli._app import DB_HELP, app
from framing.cli._options import RAW_CELLS_HELP

log = logging.getLogger(__name__)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _label_map(spec: Optional[str]) -> dict | None:
    """``a=b,c=d`` or a JSON file/object -> mapping."""
    if not spec:
        return None
    path = Path(spec)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    if spec.strip().startswith("{"):
        return json.loads(spec)
    out = {}
    for part in spec.split(","):
        if "=" not in part:
            raise ValueError(f"--label-map: expected NAME=FRAME pairs, got {part!r}")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _texts(labels, store_path: Optional[Path], corpus_paths: Optional[List[Path]]) -> dict[str, str]:
    """Text of every labelled unit: from the label file, a corpus, or the store."""
    texts = dict(labels.texts)
    missing = [a for a in labels.article_ids if a not in texts]
    if missing and corpus_paths:
        from framing.ingest import load

        corpus = load([str(p) for p in corpus_paths])
        texts.update({a.article_id: a.text for a in corpus if a.article_id in set(missing)})
        missing = [a for a in labels.article_ids if a not in texts]
    if missing:
        from framing.paths import default_db_path
        from framing.store import Store

        path = Path(store_path) if store_path is not None else default_db_path()
        if path.exists():
            try:
                with Store(path, read_only=True) as store:
                    frame = store.articles_frame(missing)
                texts.update(dict(zip(frame["article_id"], frame["text"])))
            except ValueError as exc:
                log.warning("could not read article texts from %s: %s", path, exc)
    return texts


def _label_report(labels, codebook, *, training: bool) -> None:
    """Name unknown labels (with the closest codebook frames and a ``--label-map`` to copy);
    when training, stop (exit 1, nothing saved) if most rows are unusable or no frame can be learnt."""
    from framing.validate.labels import label_hint_lines, label_problems

    problems = label_problems(labels, codebook=codebook)
    stop = training and ("skipped" in problems or problems.get("nothing_learnable"))
    lines = label_hint_lines(problems, codebook)
    if not stop:
        for line in lines:
            typer.echo(f"warning: {line}", err=True)
        return
    if "skipped" in problems:
        n, total = problems["skipped"]
        head = f"{n} of {total} label rows ({100 * n / total:.0f}%) could not be used"
    else:
        head = "no frame has at least 2 positive units"
    typer.echo(f"error: {head}; no model was trained.", err=True)
    for line in lines:
        typer.echo(f"  {line}", err=True)
    raise typer.Exit(1)


def _read(labels_paths, codebook, label_map, db, corpus, *, training: bool = False):
    from framing.validate.labels import read_labels

    labels = read_labels([str(p) for p in labels_paths], codebook=codebook, label_map=_label_map(label_map))
    typer.echo(f"labels: {labels.summary()}", err=True)
    # rows skipped for an unknown frame name are summarised (with suggestions) by _label_report
    listed = [s for s in labels.skipped if not (labels.unknown and s.reason.startswith("unknown frame "))]
    for s in listed[:20]:
        typer.echo(f"  skipped {s.file} {s.location}: {s.reason}", err=True)
    if len(listed) > 20:
        typer.echo(f"  ... and {len(listed) - 20} more skipped rows", err=True)
    _label_report(labels, codebook, training=training)
    if labels.frame.empty:
        raise ValueError("no usable labels in " + ", ".join(map(str, labels_paths)))
    texts = _texts(labels, db, corpus)
    missing = [a for a in labels.article_ids if not texts.get(a)]
    if missing:
        typer.echo(f"warning: no text for {len(missing)} labelled unit(s) (e.g. {missing[:3]}); they are left out "
                   "(give the articles with --corpus or ingest them into --db)", err=True)
    return labels, texts


@app.command("train")
def train(
    labels_paths: List[Path] = typer.Argument(..., metavar="LABELS...", help="CSV/JSONL files of human codes."),
    codebook: Optional[str] = typer.Option(None, "--codebook", "-c", help="Codebook id or YAML file (frame ids, "
                                           "prototype and lexicon features)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Model directory (default models/<name>)."),
    name: Optional[str] = typer.Option(None, help="Model name (default: from --out, or <codebook>-<mode>)."),
    mode: str = typer.Option("supervised", help="supervised | fewshot (fine-tunes the encoder first)."),
    single_label: bool = typer.Option(False, "--single-label", help="One frame per unit (multinomial)."),
    label_map: Optional[str] = typer.Option(None, help="Dataset label -> frame id: 'a=b,c=d' or a JSON file."),
    corpus: Optional[List[Path]] = typer.Option(None, "--corpus", help="Article files for labels given by id."),
    encoder: Optional[str] = typer.Option(None, help="Encoder name (e.g. multilingual) or model directory (default all-MiniLM-L6-v2)."),
    cv: int = typer.Option(0, help="Also report K-fold cross-validated F1 (0 = skip)."),
    db: Optional[Path] = typer.Option(None, help=DB_HELP),
    random_state: int = typer.Option(0, "--seed", help="Random seed."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Cross-validation folds run at once (worker "
                                       "processes; default: one per two cores, 1 below four cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or progress lines."),
) -> None:
    """Train a frame classifier on human codes and save it (safetensors + JSON manifest)."""
    if mode not in ("supervised", "fewshot"):
        _fail(f"--mode must be supervised or fewshot, got {mode!r}")
    if jobs is not None and jobs < 1:
        _fail(f"--jobs must be >= 1, got {jobs}")
    from framing.cli._progress import Progress

    progress = Progress(enabled=not quiet)
    try:
        from framing.embed import MemoryCache
        from framing.paths import models_dir
        from framing.validate.agreement import majority
        from framing.validate.supervised import FrameClassifier, cross_validate

        labels, texts = _read(labels_paths, codebook, label_map, db, corpus, training=True)
        if not labels.frames:
            raise ValueError("the labels have no frame columns to train on")
        ids = [a for a in labels.article_ids if texts.get(a)]
        maj = majority(labels.frame, labels.frames).reindex(index=ids, columns=labels.frames).fillna(0)
        X = [texts[a] for a in ids]
        if single_label:
            # the frame most coders chose (ties: the codebook's first); units with no frame are left out
            share = (labels.frame[labels.frame["target"].isin(labels.frames)]
                     .pivot_table(index="article_id", columns="target", values="value", aggfunc="mean")
                     .reindex(index=ids, columns=labels.frames).fillna(0).to_numpy())
            none = [a for a, row in zip(ids, share) if row.max() == 0]
            if none:
                typer.echo(f"warning: {len(none)} unit(s) have no frame and are left out (e.g. {none[:3]})", err=True)
            keep = [i for i, row in enumerate(share) if row.max() > 0]
            X = [X[i] for i in keep]
            y = [labels.frames[int(share[i].argmax())] for i in keep]
        else:
            y = [[f for f, v in zip(labels.frames, row) if v] for row in maj.to_numpy()]
        store = None
        if db is not None:
            from framing.store import Store

            store = Store(db)
        # one in-memory cache for the CV folds and the final model: every sentence is embedded once
        cache = MemoryCache(store)

        def make():
            common = dict(codebook=codebook, labels=labels.frames, multi_label=not single_label,
                          store=cache if mode == "supervised" else store, random_state=random_state)
            if mode == "fewshot":
                from framing.validate.fewshot import FewShotClassifier

                return FewShotClassifier(base_model=encoder, **common)
            return FrameClassifier(encoder=encoder, **common)

        extra = {}
        if cv:
            typer.echo(f"cross-validating ({cv} folds, {len(X)} units)...", err=True)
            res = cross_validate(make, X, y, n_splits=cv, random_state=random_state, multi_label=not single_label,
                                 labels=labels.frames, progress=progress, n_jobs=jobs)
            progress.close()
            extra = {k: res[k] for k in ("micro", "micro_lo", "micro_hi", "macro", "macro_lo", "macro_hi")}
            extra.update(seconds=round(res["seconds"], 1), n_jobs=res["n_jobs"])
            typer.echo(f"CV micro-F1 {res['micro']:.3f} [{res['micro_lo']:.3f}, {res['micro_hi']:.3f}]  "
                       f"macro-F1 {res['macro']:.3f} [{res['macro_lo']:.3f}, {res['macro_hi']:.3f}]  "
                       f"({res['seconds']:.0f} s, {res['n_jobs']} worker(s))")
            from framing.validate.agreement import per_frame_metrics

            table = per_frame_metrics(res["y_true"], res["y_pred"], labels=res["labels"], n_boot=0)
            extra["per_frame"] = {str(r.frame): {"support": int(r.support), "f1": round(float(r.f1), 4)}
                                  for r in table.itertuples() if not str(r.frame).startswith("(")}
            typer.echo("CV per-frame F1 (support): " + ", ".join(
                f"{f} {v['f1']:.2f} ({v['support']})" for f, v in extra["per_frame"].items()))
        typer.echo(f"training the final model on {len(X)} units...", err=True)
        model = make()
        if mode == "supervised":
            model.fit(X, y, progress=progress)
        else:
            model.fit(X, y)
        progress.close()
        cb_id = getattr(model, "head_", model).codebook_id_ or "labels"
        name = name or (out.name if out else f"{cb_id}-{mode}")
        target = out or models_dir() / name
        if mode == "fewshot":
            model.save(target, name=name)
            head = model.head_
        else:
            model.save(target, name=name, extra_meta={"mode": "supervised"})
            head = model
        meta_path = Path(target) / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta.update(mode=mode, cross_validation=extra or None, label_files=[str(p) for p in labels_paths])
        meta_path.write_text(json.dumps(meta, indent=2, default=str))
        typer.echo(f"trained {mode} model on {len(X)} units, {len(head.labels_)} frames "
                   f"(inner-CV macro-F1 {head.oof_scores_['macro_f1']:.3f}) -> {target}")
    except (ValueError, OSError) as exc:
        progress.close()
        _fail(str(exc))


@app.command("validate")
def validate(
    labels_paths: List[Path] = typer.Argument(..., metavar="LABELS...", help="CSV/JSONL files of human codes."),
    codebook: Optional[str] = typer.Option(None, "--codebook", "-c", help="Codebook id or YAML file."),
    model_dir: Optional[Path] = typer.Option(None, "--model", "-m", help="A trained model directory to evaluate."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the tables (csv folder, .xlsx, .md, ...)."),
    label_map: Optional[str] = typer.Option(None, help="Dataset label -> frame id: 'a=b,c=d' or a JSON file."),
    corpus: Optional[List[Path]] = typer.Option(None, "--corpus", help="Article files for labels given by id."),
    db: Optional[Path] = typer.Option(None, help=DB_HELP),
    n_boot: int = typer.Option(1000, help="Bootstrap resamples for the intervals."),
    random_state: int = typer.Option(0, "--seed", help="Random seed."),
    raw_cells: bool = typer.Option(False, "--raw-cells", help=RAW_CELLS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or progress lines."),
) -> None:
    """Agreement between coders (Krippendorff's alpha) and, with --model, model vs coders."""
    from framing.cli._progress import Progress

    progress = Progress(enabled=not quiet)
    try:
        labels, texts = _read(labels_paths, codebook, label_map, db, corpus)
        model = None
        if model_dir is not None:
            from framing.embed import MemoryCache
            from framing.validate.supervised import embed_texts, load_model

            model = load_model(model_dir, store=MemoryCache())
            unknown = [f for f in model.labels_ if f not in labels.frames]
            if unknown and len(unknown) == len(model.labels_):
                raise ValueError(f"{model_dir}: the model's frames {model.labels_} do not match the labels' "
                                 f"frames {labels.frames}")
            # embed each text once (predict_proba and predict then read the vectors back)
            embed_texts(model, [texts[a] for a in labels.article_ids if texts.get(a)],
                        progress=progress.counter("embed"))
            progress.close()
        from framing.validate.report import model_predictions, validation_tables

        predictions = model_predictions(model, texts, labels.article_ids) if model is not None else None
        tables = validation_tables(labels, predictions, n_boot=n_boot, random_state=random_state)
        for name, table in tables.items():
            typer.echo(f"\n== {name}")
            typer.echo(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if out is not None:
            from framing.export import export_tables

            manifest = {"labels": [str(p) for p in labels_paths], "codebook": codebook,
                        "model": str(model_dir) if model_dir else None,
                        "model_meta": getattr(model, "meta_", None), "n_boot": n_boot, "seed": random_state}
            written = export_tables(tables, out, manifest=manifest, neutralise_formulas=not raw_cells)
            typer.echo(f"\nwrote {', '.join(str(p) for p in written)}", err=True)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
