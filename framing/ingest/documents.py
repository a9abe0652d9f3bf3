"""One-article-per-file formats: HTML pages and plain-text files."""

from __future__ import annotations

import logging
from typing import Iterator

from framing.ingest.base import FileContext, RawRecord

log = logging.getLogger(__name__)


def parse_html(ctx: FileContext, html: str) -> Iterator[RawRecord]:
    """Main text and metadata (title, date, site name, author, url) of an HTML page via trafilatura.

    References
    ----------
    Barbaresi, A. (2021). Trafilatura: A Web Scraping Library and Command-Line Tool for
    Text Discovery and Extraction. ACL-IJCNLP 2021 System Demonstrations, 122-131.
    """
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          include_tables=False)
    except Exception as exc:  # trafilatura/lxml raise various errors on broken markup
        ctx.skip("", f"HTML could not be parsed ({type(exc).__name__}: {exc})")
        return
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        ctx.skip("", "no main text found in the HTML page")
        return
    title = (doc.title or "").strip()
    text = doc.text.strip()
    first, _, rest = text.partition("\n")
    if title and first.strip() == title and rest.strip():
        text = rest.strip()  # the page's <h1> repeats the title
    outlet = (doc.sitename or "").strip() or ctx.file.folder_outlet or (doc.hostname or "")
    ctx.bytes_done += len(html)
    yield RawRecord(
        "",
        {
            "title": title,
            "text": text,
            "published": doc.date,
            "outlet": outlet,
            "url": doc.url or "",
            "author": doc.author or "",
            "section": ", ".join(doc.categories or []),
        },
    )


def parse_text(ctx: FileContext, text: str) -> Iterator[RawRecord]:
    """A plain-text file is one article: first non-empty line = title, the rest = text.

    The outlet is the parent folder's name when the file was found by walking a
    folder (``corpus/dawn/0001.txt`` -> ``dawn``), else empty.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        ctx.skip("", "no text")
        return
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip()
    if not body or len(title) > 300:  # one line, or no title line: all of it is the text
        title, body = "", "\n".join(lines).strip()
    ctx.bytes_done += len(text)
    yield RawRecord("", {"title": title, "text": body, "outlet": ctx.file.folder_outlet})
