"""``framing roles``: who each article casts as hero, villain and victim (one row per actor mention)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from framing.cli._app import DB_HELP, app
from framing.cli._options import RAW_CELLS_HELP, SKIPS_EPILOG, finish_with_skips

#: Exit code when given mentions could not all be scored (each keeps its row with a reason).
EXIT_UNSCORED = 3


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _s(value) -> str:
    """A cell as text; missing (None / NaN) as empty."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _print_roles(rows, limit: int = 60) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    view = Table(header_style="bold")
    for col, kw in (("outlet", {"max_width": 18}), ("actor", {"max_width": 22}), ("mention", {"max_width": 22}),
                    ("role", {"no_wrap": True}), ("p", {"justify": "right"}), ("fine role", {"no_wrap": True}),
                    ("sentence", {"max_width": 70})):
        view.add_column(col, **kw)
    for r in rows.head(limit).to_dict("records"):
        role = _s(r.get("role"))
        p = r.get(f"role:{role}") if role else None
        text = _s(r.get("sentence")) or f"({_s(r.get('reason')) or 'not scored'})"
        view.add_row(escape(_s(r.get("outlet"))), escape(_s(r.get("actor"))), escape(_s(r.get("mention"))),
                     escape(role or "-"), "" if p is None else f"{p:.2f}", escape(_s(r.get("fine_role"))),
                     escape(text))
    Console(width=max(140, Console().width)).print(view)
    if len(rows) > limit:
        typer.echo(f"... {len(rows) - limit} more row(s); write them all with --out", err=True)


@app.command("roles", epilog=SKIPS_EPILOG)
def roles_command(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders of articles (default: the demo corpus)."),
    codebook: str = typer.Option("south-asia-security", "--codebook", "-c",
                                 help="Codebook id or YAML file with roles and entities (e.g. entity-roles)."),
    mentions: Optional[Path] = typer.Option(None, "--mentions", "-m",
                                            help="CSV or JSONL of mentions to score (article_id,start,end[,mention]; "
                                                 "end exclusive): exactly one row each, in order."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the roles table here (+ manifest.json)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="csv|xlsx|parquet|json|md|tex (default: suffix)."),
    no_ner: bool = typer.Option(False, "--no-ner", help="Only gazetteer actors (no spaCy named entities)."),
    no_coref: bool = typer.Option(False, "--no-coref", help="Do not attach pronouns (he, it, they) and short "
                                  "person names to the actor they refer to."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or progress lines."),
    encoder: Optional[str] = typer.Option(None, "--encoder", help="'sentence-transformers' (default), 'multilingual' (e5, ~100 languages) or a model dir."),
    model_dir: Optional[Path] = typer.Option(None, "--model", help="A role model trained with `framing train-roles` "
                                             "(default: zero-shot)."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP + " Caches sentence embeddings."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use the store's embedding cache."),
    raw_cells: bool = typer.Option(False, "--raw-cells", help=RAW_CELLS_HELP),
) -> None:
    """Score the role (protagonist / antagonist / innocent / none, and a fine role) of every actor mention."""
    from framing.cli.events_cmd import _check_format, _open_store

    fmt = _check_format(fmt)
    if db is not None and no_cache:
        _fail("--db and --no-cache exclude each other")
    store = None
    corpus = None
    try:
        from framing.codebook import Codebook
        from framing.encoders import resolve_encoder
        from framing.export import export_tables, file_manifest
        from framing.ingest import load
        from framing.roles import read_mentions, score_roles

        book = Codebook.load(codebook)
        if not book.roles:
            _fail(f"codebook {book.id!r} has no roles section (try --codebook entity-roles)")
        given = read_mentions(mentions) if mentions is not None else None
        corpus = load([str(p) for p in paths] if paths else None)
        if len(corpus) == 0:
            _fail("no articles found in the input")
        store = _open_store(db, no_cache)
        model = resolve_encoder(encoder)
        trained = None
        if model_dir is not None:
            from framing.roles.training import load_role_model

            trained = load_role_model(model_dir)
        from framing.cli._progress import Progress

        rows = score_roles(corpus, book, encoder=model, cache=store, mentions=given, ner=not no_ner, model=trained,
                           coref=not no_coref, progress=Progress(enabled=not quiet))
        unscored = int((rows["reason"].fillna("") != "").sum())
        summary = (f"{len(rows)} mention(s) in {len(corpus)} article(s); roles: "
                   + ", ".join(f"{k} {v}" for k, v in rows["role"].value_counts().items()))
        if out is not None:
            manifest = {"encoder": model.model_id, "codebook": {"id": book.id, "sha256": book.sha256},
                        "model": trained.meta_ if trained is not None else "zero-shot",
                        "inputs": file_manifest(list(paths or []) + ([mentions] if mentions else [])),
                        "n_articles": len(corpus), "n_mentions": len(rows), "n_unscored": unscored}
            written = export_tables({"roles": rows}, out, format=fmt, manifest=manifest,
                                    neutralise_formulas=not raw_cells)
            typer.echo(summary + "; wrote " + ", ".join(str(p) for p in written), err=True)
        else:
            _print_roles(rows)
            typer.echo(summary, err=True)
    except (ValueError, OSError, KeyError) as exc:
        _fail(str(exc).strip("'\""))
    finally:
        if store is not None:
            store.close()
    if unscored:
        reasons = rows.loc[rows["reason"].fillna("") != "", "reason"].value_counts()
        for reason, n in reasons.head(5).items():
            typer.echo(f"not scored: {n} mention(s): {reason}", err=True)
        typer.echo(f"finished: {unscored} of {len(rows)} given mention(s) not scored (each kept with its reason; "
                   f"exit code {EXIT_UNSCORED})", err=True)
        raise typer.Exit(EXIT_UNSCORED)
    finish_with_skips(corpus.report)


def _cv_lines(cv: dict) -> list[str]:
    lo, hi = cv["macro_f1_ci"]
    alo, ahi = cv["accuracy_ci"]
    lines = [f"{cv['n_splits']}-fold CV on {cv['n']} mention(s): macro-F1 {cv['macro_f1']:.3f} "
             f"[95% CI {lo:.3f}, {hi:.3f}], accuracy {cv['accuracy']:.3f} [{alo:.3f}, {ahi:.3f}]"]
    lines += [f"  F1 {role}: {f1:.3f}" for role, f1 in cv["per_role"].items()]
    return lines


@app.command("train-roles")
def train_roles_command(
    labels: List[Path] = typer.Argument(..., metavar="LABELS...",
                                        help="CSV/JSONL of coded mentions: article_id,start,end[,mention],role"
                                             "[,fine_role] (role: an id, hero/villain/victim, or none)."),
    codebook: str = typer.Option("entity-roles", "--codebook", "-c", help="Codebook id or YAML file with roles."),
    corpus: Optional[List[Path]] = typer.Option(None, "--corpus", help="Article files the mentions point into "
                                                "(default: the demo corpus)."),
    out: Path = typer.Option(..., "--out", "-o", help="Model directory (weights.safetensors, config.json, "
                                                      "meta.json)."),
    folds: int = typer.Option(5, "--cv", help="K-fold cross-validation before the final fit (0 = skip)."),
    encoder: Optional[str] = typer.Option(None, "--encoder", help="'sentence-transformers' (default), 'multilingual' (e5, ~100 languages) or a model dir."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP + " Caches sentence embeddings."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not use the store's embedding cache."),
    random_state: int = typer.Option(0, "--seed", help="Random seed (folds, bootstrap)."),
) -> None:
    """Train the supervised role model on coded mentions, print its CV figures and save it."""
    from framing.cli.events_cmd import _open_store

    if folds == 1 or folds < 0:
        _fail(f"--cv must be 0 (skip) or at least 2, got {folds}")
    if db is not None and no_cache:
        _fail("--db and --no-cache exclude each other")
    store = None
    try:
        import pandas as pd

        from framing.codebook import Codebook
        from framing.encoders import resolve_encoder
        from framing.ingest import load
        from framing.roles.training import read_coded_mentions, save_role_model, train_role_model

        book = Codebook.load(codebook)
        if not book.roles:
            _fail(f"codebook {book.id!r} has no roles section (try --codebook entity-roles)")
        coded = pd.concat([read_coded_mentions(p, book) for p in labels], ignore_index=True)
        articles = load([str(p) for p in corpus] if corpus else None)
        if len(articles) == 0:
            _fail("no articles found in --corpus")
        store = _open_store(db, no_cache)
        model_encoder = resolve_encoder(encoder)
        model, report = train_role_model(articles, book, coded, model_encoder, store, n_splits=max(folds, 2),
                                         random_state=random_state, cv=folds >= 2)
        if report["not_located"]:
            for reason, n in list(report["not_located"].items())[:5]:
                typer.echo(f"not located: {n} mention(s): {reason}", err=True)
        typer.echo(f"{report['n_used']} of {report['n_coded']} coded mention(s) used; roles: "
                   + ", ".join(f"{k} {v}" for k, v in report["class_counts"].items()))
        if report["cv"] is not None:
            for line in _cv_lines(report["cv"]):
                typer.echo(line)
        path = save_role_model(model, out)
        typer.echo(f"saved {path} (use it with `framing roles ... --codebook {book.id} --model {path}`)")
    except (ValueError, OSError, KeyError) as exc:
        _fail(str(exc).strip("'\""))
    finally:
        if store is not None:
            store.close()
