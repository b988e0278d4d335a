"""`newswatch extract` and `newswatch ingest`: the crawler's extraction on saved pages."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from lxml import html as lxml_html

from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.progress import counting
from newswatch.cli.state import AppState, fail, state
from newswatch.config.sources import SourceSpec, source_for_url
from newswatch.scheduler.records import source_records

log = logging.getLogger("newswatch.extract")

if TYPE_CHECKING:
    from newswatch.crawler.extraction import ExtractedArticle, ExtractionProfile


def _read_inputs(paths: list[str]) -> Iterator[tuple[str, bytes | None, str | None]]:
    """(path, bytes, error) for each input; '-' reads one document from stdin."""
    for path in paths:
        if path == "-":
            yield path, sys.stdin.buffer.read(), None
            continue
        try:
            yield path, Path(path).read_bytes(), None
        except OSError as exc:
            yield path, None, exc.strerror or str(exc)


def _page_url(body: bytes, path: str) -> str:
    """Without --url: the page's own canonical URL, else a file:// URL."""
    try:
        from newswatch.crawler.pagemeta import canonical_url  # trafilatura: when extracting

        declared = canonical_url(lxml_html.document_fromstring(body), "")
    except (ValueError, lxml_html.etree.ParserError):
        declared = None
    if declared and declared.startswith(("http://", "https://")):
        return declared
    return Path(path).resolve().as_uri() if path != "-" else "about:stdin"


def _source_and_profile(
    app: AppState, url: str, source_id: str | None
) -> tuple[SourceSpec | None, ExtractionProfile]:
    from newswatch.crawler.extraction import ExtractionProfile, profile_for

    if source_id:
        matches = [s for s in app.sources if s.id == source_id]
        if not matches:
            raise fail(f"unknown source {source_id!r}")
        return matches[0], profile_for(matches[0])
    source = source_for_url(app.sources, url)
    return source, profile_for(source) if source else ExtractionProfile()


def _extract_all(
    app: AppState, paths: list[str], url: str | None, source_id: str | None
) -> Iterator[tuple[str, SourceSpec | None, ExtractedArticle | None, str | None]]:
    from newswatch.crawler.extraction import (  # trafilatura: only here
        ExtractionError,
        extract_article,
    )

    if url and len(paths) > 1:
        raise fail("--url names the URL of one page; give one PATH with it")
    for path, body, error in _read_inputs(paths):
        if body is None:
            yield path, None, None, f"cannot read: {error}"
            continue
        page_url = url or _page_url(body, path)
        source, profile = _source_and_profile(app, page_url, source_id)
        try:
            yield path, source, extract_article(body, page_url, profile=profile), None
        except ExtractionError as exc:
            yield path, source, None, str(exc)
        except Exception as exc:  # a bug on one page must not cost the rest of the batch
            log.exception("%s: extraction failed", path)
            yield path, source, None, f"internal error: {type(exc).__name__}: {exc}"


def extract(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Saved HTML files, or - for stdin.")],
    url: Annotated[str | None, typer.Option(help="The page's URL (one PATH only).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per input.")] = False,
) -> None:
    """Run the crawler's exact extraction on saved HTML files: fields, then the text."""
    failed = False
    for index, (path, source, article, error) in enumerate(
        _extract_all(state(ctx), paths, url, None)
    ):
        failed |= article is None
        data = {"path": path, "source": source.id if source else None}
        data.update(article.to_json() if article else {"error": error})
        if as_json:
            print_json(data)
            continue
        text = data.pop("text", None)
        if index:
            typer.echo("")
        for name, value in data.items():
            typer.echo(f"{name:13} {'' if value is None else value}")
        if text:
            typer.echo("")
            typer.echo(text)
    if failed:
        raise typer.Exit(1)


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Saved HTML files, or - for stdin.")],
    url: Annotated[str | None, typer.Option(help="The page's URL (one PATH only).")] = None,
    source: Annotated[str | None, typer.Option(help="Source id (default: from the URL).")] = None,
) -> None:
    """Store saved pages through the same pipeline as crawled ones."""
    from newswatch.crawler.sink import DatabaseSink
    from newswatch.storage import repository
    from newswatch.storage.db import open_database

    app = state(ctx)
    sessions = open_database(app.settings.database_url)
    with sessions.begin() as session:
        repository.sync_sources(session, source_records(app.sources))
    sink = DatabaseSink(sessions)
    failed = False
    rows = []
    with counting("storing", len(paths)) as advance:
        for path, spec, article, error in _extract_all(app, paths, url, source):
            if article is not None and spec is None:
                error, article = "cannot tell the source from the URL; pass --source", None
            if article is None or spec is None:
                failed = True
                rows.append([path, "failed", "", error])
                advance("failed")
                continue
            outcome = sink.store(article, spec.id)
            advance(outcome.status)
            result = (
                outcome.status
                if outcome.reason in ("new", "url", "version")
                else (f"{outcome.status} ({outcome.reason} copy, story {outcome.story_id})")
            )
            rows.append([path, result, spec.id, shorten(article.title, 60)])
    print_table(["path", "result", "source", "title / reason"], rows)
    if failed:
        raise typer.Exit(1)
