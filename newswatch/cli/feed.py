"""`newswatch feed`: parse a feed exactly as the feed spider does and list its entries."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import state
from newswatch.config.settings import Settings

if TYPE_CHECKING:
    from newswatch.crawler.feeds import FeedResult
from newswatch.crawler.urls import map_url


def _fetch(url: str, settings: Settings) -> FeedResult:
    from newswatch.crawler.feeds import FeedResult, parse_feed

    crawl = settings.crawl
    target = map_url(url, settings.origin_map) or url
    request = urllib.request.Request(target, headers={"User-Agent": crawl.user_agent})
    with urllib.request.urlopen(request, timeout=crawl.timeout) as response:
        cap = crawl.max_body_bytes
        body = response.read(cap + 1)
        if len(body) > cap:
            return FeedResult(problem=f"body over the size cap of {cap} bytes")
        return parse_feed(body, response.headers.get_content_charset())


def feed(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(help="Feed files or http(s) URLs.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per entry.")] = False,
) -> None:
    """List a feed's entries (title, link, published) as the feed spider sees them."""
    from newswatch.crawler.feeds import FeedResult, parse_feed  # feedparser: when used

    app = state(ctx)
    failed = False
    for source in sources:
        try:
            if source.startswith(("http://", "https://")):
                result = _fetch(source, app.settings)
            else:
                result = parse_feed(Path(source).read_bytes())
        except (OSError, ValueError) as exc:
            result = FeedResult(problem=f"cannot read: {exc}")
        failed |= not result.entries
        _report(source, result, as_json)
    if failed:
        raise typer.Exit(1)


def _report(source: str, result: FeedResult, as_json: bool) -> None:
    if as_json:
        if result.problem:
            print_json({"feed": source, "problem": result.problem, "version": result.version})
        for entry in result.entries:
            print_json(
                {
                    "feed": source,
                    "title": entry.title,
                    "link": entry.link,
                    "published": entry.published.isoformat() if entry.published else None,
                    "author": entry.author,
                }
            )
        return
    typer.echo(
        f"{source}: {result.version or 'not a feed'}, {len(result.entries)} entries, "
        f"encoding {result.encoding or '?'}"
    )
    if result.problem:
        typer.echo(f"  problem: {result.problem}")
    print_table(
        ["published", "title", "link"],
        [
            [e.published.isoformat() if e.published else "", shorten(e.title, 60), e.link]
            for e in result.entries
        ],
    )
