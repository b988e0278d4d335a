"""`newswatch sources`: the configured sources, validated."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
import yaml

from newswatch.cli.options import AsJson
from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import (
    LANGUAGES,
    ConfigError,
    check_language,
    check_sources,
    fail,
    state,
)

app = typer.Typer(help="Configured news sources.", no_args_is_help=True)


@app.command("list")
def list_sources(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """List the sources of sources.yaml (validating it)."""
    sources = state(ctx).sources
    if as_json:
        for source in sources:
            print_json(source.model_dump(mode="json"))
        return
    print_table(
        ["id", "enabled", "discovery", "languages", "schedule", "start"],
        [
            [
                s.id,
                s.enabled,
                s.discovery,
                ",".join(s.languages),
                s.schedule.interval or s.schedule.cron,
                s.start_urls[0],
            ]
            for s in sources
        ],
    )


DRY_RUN_LIMIT = 10


@app.command("add")
def add_source(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The site's home page, a section, or its feed.")],
    source_id: Annotated[
        str | None, typer.Option("--id", help="Source id (default: from the host name).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Display name (default: the host).")] = None,
    languages: Annotated[
        list[str] | None,
        typer.Option(
            "--language", "-l", help="Its language(s) (default: those the dry run detected)."
        ),
    ] = None,
    timezone: Annotated[
        str, typer.Option(help="The publisher's time zone (IANA name).")
    ] = "Asia/Almaty",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what it would take; write nothing.")
    ] = False,
    as_listing: Annotated[
        bool,
        typer.Option(
            "--listing", help="Poll the page at URL as a listing of links, even if a feed exists."
        ),
    ] = False,
    article_pattern: Annotated[
        str | None,
        typer.Option(
            help="Regex of the article addresses (sitemap, listing); default: proposed from "
            "the addresses the site lists."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=100, help="Articles fetched by the dry run.")
    ] = DRY_RUN_LIMIT,
) -> None:
    """Find the site's feed (<link rel=alternate>, common paths) or sitemap (robots.txt),
    crawl it once without storing, show the articles it would take, and write a validated
    entry to the sources file."""
    from newswatch.crawler.discover import Fetcher, discover, listing

    app = state(ctx)
    settings = app.settings
    target = _writable_sources_file(settings, dry_run)
    existing = _existing_ids(app, target)
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if not host or not url.startswith(("http://", "https://")):
        raise fail(f"{url!r} is not an http(s) URL")
    source_id = source_id or re.sub(r"[^a-z0-9-]+", "-", host.lower()).strip("-")[:64]
    if source_id in existing:
        raise fail(f"a source with id {source_id!r} exists already; choose another --id")
    for language in languages or []:
        check_language(language)
    found, tried = (listing if as_listing else discover)(url, Fetcher(settings))
    if found is None:
        raise fail("found no feed, no sitemap and no listing; tried:\n  " + "\n  ".join(tried))
    typer.echo(f"{found.discovery}: {found.start_url} ({found.how})")
    _show_pattern(found, article_pattern)
    entry = _entry(source_id, name or host, found, host, urlsplit(found.start_url), timezone)
    if article_pattern:
        entry["article_pattern"] = article_pattern
    spec = _validated(entry | {"languages": languages or list(LANGUAGES)})
    articles = _show_dry_run(settings, spec, limit)
    detected = [
        lang for lang, _ in Counter(a.language for a in articles if a.language).most_common()
    ]
    entry["languages"] = languages or detected or ["ru"]
    spec = _validated(entry)
    typer.echo("\nThe entry:\n")
    typer.echo(_entry_yaml(spec))
    if dry_run:
        typer.echo("(dry run: nothing written)")
        return
    _append(target, spec)
    typer.echo(f"Added {spec.id!r} to {target}")


@app.command("check")
def check_source(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(help="Id of a configured source.")],
    limit: Annotated[
        int, typer.Option(min=1, max=100, help="Articles fetched by the dry run.")
    ] = DRY_RUN_LIMIT,
) -> None:
    """Crawl one configured source once without storing anything and show the articles it
    would take, with their extracted titles, dates and languages."""
    app = state(ctx)
    [spec] = [s for s in app.sources if s.id in check_sources(app, [source_id])]
    articles = _show_dry_run(app.settings, spec, limit)
    if not articles:
        raise typer.Exit(1)


def _show_dry_run(settings, spec, limit: int) -> list:
    from newswatch.crawler.discover import dry_run

    articles, counts = dry_run(settings, spec, limit)
    typer.echo(
        f"\ndry run of {spec.id}: {counts.pages_fetched} pages fetched, {len(articles)} articles "
        f"extracted, {counts.failed} failed (nothing stored)\n"
    )
    print_table(
        ["published", "lang", "title", "url"],
        [
            [
                a.published.astimezone(spec.tz).strftime("%Y-%m-%d %H:%M") if a.published else "",
                a.language,
                shorten(a.title, 60),
                a.url,
            ]
            for a in articles
        ],
    )
    for url, reason in counts.failures:
        typer.echo(f"  failed: {url}: {reason}")
    if not articles:
        typer.secho("the dry run took no article", err=True, fg=typer.colors.YELLOW)
    return articles


def _writable_sources_file(settings, dry_run: bool) -> Path:
    from newswatch.config.settings import BUNDLED_SOURCES

    target = Path(settings.sources_file)
    if target.resolve() == BUNDLED_SOURCES.resolve() and not dry_run:
        raise fail(
            "the bundled sources file belongs to the installation; give your own with "
            "--sources FILE (created if missing) or sources_file in the settings"
        )
    return target


def _existing_ids(app, target: Path) -> set[str]:
    return {s.id for s in app.sources} if target.exists() else set()


def _entry(source_id, name, found, host, feed_url, timezone) -> dict:
    domains = sorted({host, (feed_url.hostname or host).removeprefix("www.")})
    entry = {
        "id": source_id,
        "name": name,
        "discovery": found.discovery,
        "start_urls": [found.start_url],
        "allowed_domains": domains,
        "timezone": timezone,
    }
    if found.articles:
        entry["article_pattern"] = found.articles.pattern
    if found.next_page_pattern:
        entry["next_page_pattern"] = found.next_page_pattern
        entry["max_pages"] = 2
    return entry


def _show_pattern(found, override: str | None) -> None:
    """Which of the listed addresses the article pattern takes, before anything is fetched."""
    proposal = found.articles
    if proposal is None:
        if found.discovery != "feed" and not override:
            raise fail(
                f"no article addresses recognised in the {found.discovery}; give "
                "--article-pattern REGEX"
            )
        return
    if override:
        typer.echo(f"article_pattern (yours): {override}")
        return
    typer.echo(f"article_pattern (proposed): {proposal.pattern}\n  {proposal.summary()}, e.g.:")
    for url in proposal.taken[:5]:
        typer.echo(f"    {url}")
    if found.next_page_pattern:
        typer.echo(f"next_page_pattern (proposed): {found.next_page_pattern}")


def _validated(entry: dict):
    from pydantic import ValidationError

    from newswatch.config.sources import SourceSpec

    try:
        return SourceSpec(**entry)
    except ValidationError as exc:
        raise fail(f"the entry is not valid: {exc}") from exc


def _entry_yaml(spec) -> str:
    data = spec.model_dump(mode="json", exclude_defaults=True)
    data = {"id": data.pop("id"), "name": data.pop("name"), **data}
    return yaml.safe_dump([data], allow_unicode=True, sort_keys=False)


def _append(target: Path, spec) -> None:
    """Add the entry at the end of the file's sources list; check the whole file loads, else
    put the file back as it was."""
    from newswatch.config.sources import load_sources

    before = target.read_text("utf-8") if target.exists() else None
    if before is None or not before.strip():
        text = "sources:\n"
    else:
        text = before if before.endswith("\n") else before + "\n"
    block = "".join(f"  {line}\n" for line in _entry_yaml(spec).splitlines())
    target.write_text(text + block, "utf-8")
    try:
        loaded = load_sources(target)
        assert any(s.id == spec.id for s in loaded), "the entry did not land in `sources:`"
    except (ConfigError, AssertionError) as exc:
        if before is None:
            target.unlink()
        else:
            target.write_text(before, "utf-8")
        raise fail(f"{target}: could not add the entry ({exc}); the file is unchanged") from exc
