"""``load`` and ``ingest``: files in, a clean de-duplicated corpus (and report) out."""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from framing.corpus import Article, Corpus, IngestReport, Skipped
from framing.ingest import aggregator, documents, tabular
from framing.ingest.base import FileContext, RawRecord
from framing.ingest.boilerplate import BoilerplateCleaner, iter_patterns
from framing.ingest.dedup import Deduplicator
from framing.ingest.errors import IngestError
from framing.ingest.fields import as_text, date_order_evidence, make_article_id, normalise_mapping, parse_date
from framing.language import with_language
from framing.ingest.sources import InputFile, decode_bytes, expand_paths, file_sha256, read_head, sniff_format

log = logging.getLogger(__name__)

Progress = Callable[[int, "int | None"], None]

#: Largest file read whole into memory (aggregator pages, HTML, text, JSON arrays).
MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024
#: Longest article text kept (characters); a longer one is truncated at a word boundary, with a
#: warning in the report. ``max_record_chars=None`` keeps every text whole.
DEFAULT_MAX_RECORD_CHARS = 2_000_000
#: Longest title, outlet, url, ... kept (characters); longer ones are truncated with a warning.
MAX_FIELD_CHARS = 10_000


@dataclass
class _Options:
    mapping: dict[str, str]
    cleaner: BoilerplateCleaner
    dedup: Deduplicator


def _records(file: InputFile, fmt: str, ctx: FileContext) -> Iterator[RawRecord]:
    if fmt == "jsonl":
        yield from tabular.parse_jsonl(ctx)
    elif fmt == "csv":
        yield from tabular.parse_csv(ctx)
    elif fmt == "parquet":
        yield from tabular.parse_parquet(ctx)
    elif fmt == "xlsx":
        yield from tabular.parse_xlsx(ctx)
    else:
        size = file.path.stat().st_size
        if size > MAX_WHOLE_FILE_BYTES:
            raise IngestError(
                f"{file.name}: {size / 2**20:.0f} MB of {fmt} is too large to read whole; "
                "convert it to JSON lines or CSV (streamed)"
            )
        try:
            data = file.path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{file.name}: cannot read ({exc.strerror or exc})") from None
        text, warning = decode_bytes(data, file.name)
        if warning and fmt == "html":
            declared = _declared_charset(data[:4096])
            if declared:
                try:
                    text, warning = data.decode(declared, errors="replace"), None
                except LookupError:
                    pass
        del data
        if warning:
            ctx.warn(warning)
        if fmt == "aggregator":
            yield from aggregator.parse_aggregator(text, ctx)
        elif fmt == "html":
            yield from documents.parse_html(ctx, text)
        elif fmt == "json":
            yield from tabular.parse_json_array(ctx, text)
        else:
            yield from documents.parse_text(ctx, text)


#: Records buffered per file (at most) to tell day-first from month-first dates.
DATE_ORDER_WINDOW = 1000


def _with_date_order(records: Iterator[RawRecord], ctx: FileContext) -> Iterator[tuple[RawRecord, bool]]:
    """Pair each record with ``dayfirst``: month-first only when the file's first unambiguous
    ``NN/NN/YYYY`` date (within :data:`DATE_ORDER_WINDOW` records) says so."""
    buffer: list[RawRecord] = []
    order: str | None = None
    try:
        for rec in records:
            if order is not None:
                yield rec, order != "mdy"
                continue
            buffer.append(rec)
            order = date_order_evidence(rec.fields.get("published"))
            if order is None and len(buffer) < DATE_ORDER_WINDOW:
                continue
            order = order or "dmy"
            if order == "mdy":
                ctx.warn(f"dates read month-first (MM/DD/YYYY), as {rec.location or 'the file'} shows")
            for held in buffer:
                yield held, order != "mdy"
            buffer = []
    except (IngestError, OSError):
        held_back, buffer = buffer, []
        for held in held_back:  # records read before the file failed are still used
            yield held, order != "mdy"
        raise
    for held in buffer:
        yield held, True


def _to_article(rec: RawRecord, ctx: FileContext, opts: _Options, bad_dates: list[str],
                dayfirst: bool = True) -> Article | None:
    f = rec.fields
    raw_text = as_text(f.get("text"))
    where = rec.location or "whole file"
    if not raw_text:
        ctx.skip(rec.location, _no_text_reason(f), yielded=True)
        return None
    text = opts.cleaner.clean(raw_text)
    if not text:
        ctx.skip(rec.location, "no text left after boilerplate removal", yielded=True)
        return None
    published, ok = parse_date(f.get("published"), dayfirst)
    if not ok:
        bad_dates.append(f"{where} {as_text(f.get('published'))[:40]!r}")
    outlet = as_text(f.get("outlet")) or ctx.file.folder_outlet
    title = opts.cleaner.clean(as_text(f.get("title")))
    own_id = as_text(f.get("id"))
    article_id = own_id or make_article_id(outlet, title, published, text)
    source = f"{ctx.name}:{rec.location}" if rec.location else ctx.name
    extra = with_language(_extra(rec, ctx) if rec.extra else {}, title, text)
    return Article(
        article_id=article_id,
        outlet=outlet,
        published=published,
        title=title,
        text=text,
        url=as_text(f.get("url")),
        section=as_text(f.get("section")),
        author=as_text(f.get("author")),
        source=source,
        extra=extra,
    )


def _extra(rec: RawRecord, ctx: FileContext) -> dict:
    """The record's user columns as kept (:func:`framing.metadata.extra_value`); the first value
    cut to :data:`~framing.metadata.MAX_EXTRA_CHARS` in a file is reported."""
    from framing.metadata import MAX_EXTRA_CHARS, extra_name, extra_value

    out = {}
    for column, raw in rec.extra.items():
        name = extra_name(column)
        if not name or name in out:
            continue
        value, cut = extra_value(raw)
        if cut and not ctx.extra_cut:
            ctx.extra_cut = True
            ctx.warn(f"{rec.location or 'whole file'}: value of column {name[:60]!r} cut to {MAX_EXTRA_CHARS:,} "
                     "characters (later cuts in this file are not listed)")
        if value is not None:
            out[name] = value
    return out


def _no_text_reason(fields: dict) -> str:
    """Why a record has no text: a missing field, an empty one, or a value that holds no text."""
    if "text" not in fields:
        return "no text field"
    value = fields["text"]
    if isinstance(value, dict):
        return f"the text field is a structure (keys: {', '.join(map(str, list(value)[:8]))}), not text"
    if isinstance(value, (list, tuple)):
        return "the text field is a list with no text in it"
    return "no text" if value is None or isinstance(value, (str, float)) else \
        f"no text (the text field holds a {type(value).__name__})"


def iter_articles(
    paths: Iterable[str | Path],
    report: IngestReport,
    *,
    mapping: dict | None = None,
    boilerplate: Sequence[str] | None = None,
    near_duplicate_threshold: float = 0.9,
    progress: Progress | None = None,
    known_files: Callable[[str], bool] | None = None,
    file_hashes: dict[str, str] | None = None,
    dedup: Deduplicator | None = None,
    kept_entries: list | None = None,
    max_record_chars: int | None = DEFAULT_MAX_RECORD_CHARS,
) -> Iterator[Article]:
    """Stream the kept (de-duplicated) articles of ``paths``, filling ``report`` as it goes.

    Memory stays bounded by the duplicate index (a few hundred bytes per kept
    article), not by the input size: records are parsed, cleaned and checked one
    at a time. ``known_files(sha256)`` (optional) says whether a file was ingested
    before; it only adds a note to the report.

    One bad record never costs the good ones: a record that cannot be used is
    skipped and listed in ``report.skipped`` (file, line/row, reason); of several
    files, one that cannot be read (or fails half-way) is listed in
    ``report.files_skipped`` and the other files (and the records read before the
    failure) are kept. A text longer than ``max_record_chars`` is truncated with a
    warning.

    Raises
    ------
    IngestError
        When the only input file cannot be read at all, or none of several files
        could be read (the message names the file).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    opts = _Options(
        mapping=normalise_mapping(mapping),
        cleaner=BoilerplateCleaner(iter_patterns(boilerplate)),
        dedup=dedup if dedup is not None else Deduplicator(threshold=near_duplicate_threshold),
    )
    preloaded = opts.dedup.known_ids()  # articles known before this load (e.g. from a store's index)
    files, passed_over = expand_paths(paths)
    for name, reason in passed_over:
        report.warnings.append(f"{name}: {reason}")
    if not files:
        raise IngestError(f"{', '.join(str(p) for p in paths) or '(no paths)'}: no readable files found")
    total = sum(_size(f) for f in files)
    done_before = 0
    seen_hashes: dict[str, str] = {}
    kept_ids: dict[str, bytes] = {}  # article_id -> sha1(text), for id collisions within this load
    raw_seen: dict[bytes, str] = {}  # sha1(raw input text) -> id it was kept as or merged into
    failures: list[IngestError] = []
    for file in files:
        ctx = FileContext(file, mapping=opts.mapping)
        n = 0
        bad_dates: list[str] = []
        fmt = "?"
        failed = False
        usable_before = report.kept + len(report.merged)
        try:
            digest = file_sha256(file.path)
            if digest in seen_hashes:
                report.warnings.append(f"{file.name}: same content as {seen_hashes[digest]}; not read twice")
                done_before += _size(file)
                continue
            seen_hashes[digest] = file.name
            if file_hashes is not None:
                file_hashes[file.name] = digest
            if known_files is not None and known_files(digest):
                report.warnings.append(f"{file.name}: already ingested into this store (same sha256); "
                                       "its articles are recognised and not added again")
            fmt = sniff_format(file.path, read_head(file.path))
            log.info("%s: reading as %s", file.name, fmt)
            for rec, dayfirst in _with_date_order(_records(file, fmt, ctx), ctx):
                n += 1
                report.records_read += 1
                if progress is not None and n % 500 == 0:
                    progress(done_before + ctx.bytes_done, total)
                try:
                    article = _one_record(rec, ctx, opts, bad_dates, dayfirst, report, kept_ids, raw_seen,
                                          preloaded, kept_entries, max_record_chars)
                except (ValueError, TypeError, OverflowError, RecursionError, UnicodeError) as exc:
                    ctx.skip(rec.location, f"cannot be read ({type(exc).__name__}: {str(exc)[:200]})", yielded=True)
                    continue
                if article is not None:
                    yield article
        except (IngestError, OSError) as exc:
            error = exc if isinstance(exc, IngestError) else IngestError(
                f"{file.name}: cannot read ({getattr(exc, 'strerror', None) or exc})")
            if len(files) == 1 and report.kept + len(report.merged) == usable_before:
                raise error from None  # the only input, and nothing of it usable
            failures.append(error)
            failed = True
            where = "whole file" if n == 0 else f"after {n} record(s)"
            message = str(error)
            reason = message[len(file.name) + 2:] if message.startswith(file.name + ": ") else message
            ctx.skipped.append(Skipped(file.name, where, reason if n == 0 else f"{reason}; the rest not read"))
            report.files_skipped.append(ctx.skipped.pop())
        finally:
            report.records_read += ctx.unyielded
            report.skipped.extend(ctx.skipped)
            report.warnings.extend(ctx.warnings)
            ctx.skipped, ctx.warnings, ctx.unyielded = [], [], 0
        if n == 0 and not failed and not any(s.file == file.name for s in report.skipped[-1:]):
            report.warnings.append(f"{file.name}: no articles found (read as {fmt})")
        if bad_dates:
            report.warnings.append(f"{file.name}: {len(bad_dates)} date(s) could not be parsed; articles kept with "
                                   f"an empty date (first: {bad_dates[0]})")
        if not (failed and n == 0):
            report.files_read.append(file.name)
        done_before += _size(file)
        if progress is not None:
            progress(done_before, total)
    if failures and not report.files_read:
        others = f" (and {len(failures) - 1} other file(s))" if len(failures) > 1 else ""
        raise IngestError(f"{failures[0]}{others}")


def _size(file: InputFile) -> int:
    try:
        return file.path.stat().st_size
    except OSError:
        return 0


def _cap_fields(rec: RawRecord, ctx: FileContext, max_record_chars: int | None) -> None:
    """Truncate an over-long text (and any other over-long field) in place, with a warning."""
    for name, value in rec.fields.items():
        limit = max_record_chars if name == "text" else MAX_FIELD_CHARS
        if limit is None or not isinstance(value, str) or len(value) <= limit:
            continue
        cut = value.rfind(" ", max(0, limit - 1000), limit)
        rec.fields[name] = value[: cut if cut > 0 else limit]
        option = " (max_record_chars; CLI --max-record-chars)" if name == "text" else ""
        ctx.warn(f"{rec.location or 'whole file'}: {name} of {len(value):,} characters truncated to the first "
                 f"{len(rec.fields[name]):,}{option}")


def _one_record(rec: RawRecord, ctx: FileContext, opts: _Options, bad_dates: list[str], dayfirst: bool,
                report: IngestReport, kept_ids: dict, raw_seen: dict, preloaded: set, kept_entries: list | None,
                max_record_chars: int | None) -> Article | None:
    """One record: capped, checked for duplicates, turned into the kept article (or None, reported)."""
    _cap_fields(rec, ctx, max_record_chars)
    raw = rec.fields.get("text")
    raw_key = _digest(raw) if isinstance(raw, str) and raw.strip() else None
    if raw_key is not None and raw_key in raw_seen:  # fast path: byte-identical text
        own = as_text(rec.fields.get("id"))
        where = f"{ctx.name}:{rec.location}" if rec.location else ctx.name
        report.merged.append((raw_seen[raw_key], f"{where} [{own}]" if own else where, "exact"))
        return None
    article = _to_article(rec, ctx, opts, bad_dates, dayfirst)
    if article is None:
        return None
    prior = kept_ids.get(article.article_id)
    if prior is not None and prior != _digest(article.text):
        new_id = _free_id(article.article_id, kept_ids)
        ctx.warn(f"{rec.location}: id {article.article_id!r} already used by another article; "
                 f"this one stored as {new_id!r}")
        article = Article(**{**article.to_dict(), "article_id": new_id})
    dup = opts.dedup.check(article.article_id, article.text)
    if dup is not None and dup[0] == article.article_id and article.article_id in preloaded \
            and article.article_id not in kept_ids:
        dup = None  # the very article known from before (a store's index): kept, already stored
    elif dup is None and kept_entries is not None:
        aid, key, sig = opts.dedup.last_kept
        kept_entries.append((aid, key, None if sig is None else sig.tobytes()))
    if raw_key is not None:
        raw_seen[raw_key] = dup[0] if dup is not None else article.article_id
    if dup is not None:
        kept_id, kind = dup
        report.merged.append((kept_id, f"{article.source} [{article.article_id}]", kind))
        return None
    kept_ids[article.article_id] = _digest(article.text)
    report.kept += 1
    return article


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _declared_charset(head: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag, if any."""
    m = _META_CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", errors="ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _digest(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


def _free_id(article_id: str, used: dict) -> str:
    n = 2
    while f"{article_id}~{n}" in used:
        n += 1
    return f"{article_id}~{n}"


def load(
    paths=None,
    *,
    mapping: dict | None = None,
    boilerplate: Sequence[str] | None = None,
    store=None,
    near_duplicate_threshold: float = 0.9,
    progress: Progress | None = None,
    max_record_chars: int | None = DEFAULT_MAX_RECORD_CHARS,
) -> Corpus:
    """Read articles from files and folders into a clean, de-duplicated :class:`Corpus`.

    Parameters
    ----------
    paths : str, Path or list of them, optional
        Files or folders (walked recursively). Formats are told by content and
        extension: aggregator listing pages (like the bundled demo), JSONL/JSON,
        CSV/TSV, Parquet, XLSX, HTML pages, plain text. ``None`` loads the bundled
        demo corpus (five articles about ISKP).
    mapping : dict, optional
        Explicit ``{field: column}`` for columns with unusual names, e.g.
        ``{"text": "content_original", "outlet": "media"}``. Fields: id, text,
        title, outlet, published (or date), url, section, author.
    boilerplate : list of str, optional
        Extra regex patterns of page debris to delete (added to
        :data:`framing.ingest.DEFAULT_BOILERPLATE`).
    store : framing.store.Store, optional
        Also add the corpus to this store; ``report.already_stored`` counts the
        articles that were there before.
    near_duplicate_threshold : float, default 0.9
        Estimated Jaccard similarity (word 3-grams) at which two articles count as
        the same story; the later one is merged into the first. ``> 1`` disables
        near-duplicate detection (exact duplicates are always merged).
    progress : callable, optional
        ``progress(done, total)`` with bytes of input read so far and in total.
    max_record_chars : int or None, default 2,000,000
        Longest article text kept: a longer one is cut at a word boundary and the cut
        is listed in ``report.warnings``. ``None`` keeps every text whole.

    Returns
    -------
    Corpus
        The kept articles in input order; ``corpus.report`` is the
        :class:`~framing.corpus.IngestReport` (files, records, kept, merged,
        skipped with file + line/row + reason, warnings).

    Raises
    ------
    IngestError
        For a file that cannot be read at all (empty, binary, no text column...)
        when it is the only input; of several files, such a file is listed in
        ``report.files_skipped`` and the others are read.

    Examples
    --------
    >>> import framing
    >>> corpus = framing.load()
    >>> [a.published.isoformat() for a in corpus][:2]
    ['2025-06-11', '2025-06-04']
    """
    if paths is None:
        from framing.paths import demo_corpus_path

        paths = [demo_corpus_path()]
    report = IngestReport()
    if store is not None and getattr(store, "read_only", False):
        report.warnings.append(f"{store.path}: the store is read-only (open in another process?); "
                               "the articles are not added to it")
        store = None
    known = store.file_ingested if store is not None and hasattr(store, "file_ingested") else None
    hashes: dict[str, str] = {}
    entries: list | None = [] if store is not None and hasattr(store, "put_dedup_entries") else None
    dedup = Deduplicator(threshold=near_duplicate_threshold)
    articles = list(iter_articles(paths, report, mapping=mapping, boilerplate=boilerplate,
                                  near_duplicate_threshold=near_duplicate_threshold, progress=progress,
                                  known_files=known, file_hashes=hashes, dedup=dedup, kept_entries=entries,
                                  max_record_chars=max_record_chars))
    corpus = Corpus(articles, report)
    if store is not None:
        new = _add(store, articles, dedup.params_key, entries)
        report.already_stored = len(articles) - new
        _record_files(store, report, hashes)
    return corpus


def ingest(
    paths,
    store,
    *,
    mapping: dict | None = None,
    boilerplate: Sequence[str] | None = None,
    near_duplicate_threshold: float = 0.9,
    progress: Progress | None = None,
    batch_size: int = 500,
    max_record_chars: int | None = DEFAULT_MAX_RECORD_CHARS,
) -> IngestReport:
    """Read files into ``store`` in batches (bounded memory) and return the report.

    Same parameters as :func:`load` (``store`` required), plus ``batch_size``:
    articles written to the store per batch (memory grows with it: about 110 MiB
    at 500 and 300 MiB at 2,000 for long news articles). Articles already in the
    store are recognised by id and not added again (``report.already_stored``).

    Duplicate detection also covers the articles stored by earlier ingests: the
    store keeps each kept article's text key and MinHash signature (table
    ``dedup_index``), so a story ingested from site A yesterday absorbs its copy
    from site B today (reported in ``report.merged``). :func:`load` with a store
    writes that index too, but de-duplicates only within its own load, so the
    corpus it returns holds every story of its inputs.
    """
    if store is None:
        raise ValueError("ingest: a store is required (use load() for an in-memory corpus)")
    report = IngestReport()
    known = store.file_ingested if hasattr(store, "file_ingested") else None
    dedup = Deduplicator(threshold=near_duplicate_threshold)
    entries: list | None = None
    if hasattr(store, "iter_dedup_entries"):
        entries = []
        n_known = 0
        for article_id, text_key, signature in store.iter_dedup_entries(dedup.params_key):
            sig = None if signature is None else np.frombuffer(signature, dtype=np.uint32)
            dedup.add_known(article_id, bytes(text_key), sig)
            n_known += 1
        if n_known:
            log.info("duplicate detection also against %d stored article(s)", n_known)
    batch: list[Article] = []
    hashes: dict[str, str] = {}

    def flush() -> None:
        report.already_stored += len(batch) - _add(store, batch, dedup.params_key, entries)
        if entries:
            entries.clear()
        batch.clear()

    for article in iter_articles(paths, report, mapping=mapping, boilerplate=boilerplate,
                                 near_duplicate_threshold=near_duplicate_threshold, progress=progress,
                                 known_files=known, file_hashes=hashes, dedup=dedup, kept_entries=entries,
                                 max_record_chars=max_record_chars):
        batch.append(article)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    _record_files(store, report, hashes)
    return report


def _add(store, articles: list[Article], scheme: str, entries: list | None) -> int:
    """Articles and their duplicate-index rows, in one transaction."""
    if not entries:
        return store.add_corpus(articles)
    return store.add_corpus(articles, dedup=(scheme, entries))


def _record_files(store, report: IngestReport, hashes: dict[str, str]) -> None:
    if not hasattr(store, "record_file"):
        return
    for name in report.files_read:
        store.record_file(Path(name), hashes[name])
