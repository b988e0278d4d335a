"""`newswatch match`: alert rules over saved pages or plain texts, without a database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newswatch.cli.extract import _page_url, _read_inputs, _source_and_profile
from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import AppState, state

if TYPE_CHECKING:
    from newswatch.alerts.document import Document

_TEXT_SUFFIXES = (".txt", ".text")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_HTML_MARKERS = (b"<!doctype", b"<html", b"<head", b"<body", b"<article", b"<div", b"<p>", b"<p ")


def _is_html(path: str, body: bytes) -> bool:
    suffix = Path(path).suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        return False
    if suffix in _HTML_SUFFIXES:
        return True
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(marker in head for marker in _HTML_MARKERS)


def _document(app: AppState, path: str, body: bytes) -> tuple[Document, dict[str, Any]]:
    """The article in ``body``: extracted exactly as the crawler does for HTML, or taken as it
    is (no title, the first paragraph as the lead) for plain text."""
    from newswatch.alerts.document import Document
    from newswatch.crawler.extraction import extract_article  # trafilatura: only here

    if _is_html(path, body):
        url = _page_url(body, path)
        source, profile = _source_and_profile(app, url, None)
        article = extract_article(body, url, profile=profile)
        source_id = source.id if source else None
        document = Document(article.title or "", article.text, article.language, source_id)
        return document, {"url": article.canonical_url, "source": source_id}
    return text_document(body), {}


def text_document(body: bytes) -> Document:
    """A plain text as ``newswatch match`` reads a .txt file: decoded like a page, no title,
    its first paragraph the lead, its language detected (benchmarks judge the same input)."""
    from newswatch.alerts.document import Document
    from newswatch.crawler.encoding import decode_body
    from newswatch.crawler.language import detect_language

    text, _ = decode_body(body)
    return Document("", text.strip(), detect_language(text))


def match(
    ctx: typer.Context,
    paths: Annotated[
        list[str], typer.Argument(help="Saved HTML pages or .txt files; - reads stdin.")
    ],
    rules_file: Annotated[
        Path | None,
        typer.Option("--rules", help="Rules YAML (default: the bundled config/rules.yaml)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per input.")] = False,
) -> None:
    """Match alert rules against saved pages or plain texts; print matches with scores."""
    from newswatch.alerts.engine import Matcher
    from newswatch.alerts.rules import load_rules
    from newswatch.crawler.extraction import ExtractionError

    app = state(ctx)
    rules = load_rules(rules_file, source_ids=[s.id for s in app.sources])
    matcher = Matcher.from_rules(rules)  # compiled once for every input
    failed = False
    rows = []
    for path, body, error in _read_inputs(paths):
        data: dict[str, Any] = {"path": path}
        try:
            if body is None:
                raise ExtractionError(f"cannot read: {error}")
            document, extra = _document(app, path, body)
        except ExtractionError as exc:
            failed = True
            data["error"] = str(exc)
            if as_json:
                print_json(data)
            else:
                rows.append([path, "ERROR", "", str(exc)])
            continue
        matches = matcher.match(document)
        if as_json:
            data.update(extra)
            data.update(title=document.title, language=document.language)
            data["matches"] = [m.to_json() for m in matches]
            print_json(data)
            continue
        for m in matches or [None]:
            if m is None:
                rows.append([path, "-", "", ""])
            else:
                words = ", ".join(dict.fromkeys(hit.text for hit in m.terms))
                rows.append([path, m.rule, f"{m.score:g}", shorten(words, 70)])
    if not as_json:
        print_table(["path", "rule", "score", "matched words"], rows)
    if failed:
        raise typer.Exit(1)
