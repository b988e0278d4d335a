"""`newswatch articles list|show`: what is stored."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Annotated, Any

import typer

from newswatch.cli.options import AsJson, NewestFirst
from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import AppState, check_language, check_sources, fail, state
from newswatch.storage import repository
from newswatch.storage.db import open_database
from newswatch.storage.models import Article

app = typer.Typer(help="Stored articles.", no_args_is_help=True)


def source_zones(app_state: AppState) -> dict[str, tzinfo]:
    return {source.id: source.tz for source in app_state.sources}


def article_json(article: Article, zone: tzinfo = UTC, with_text: bool = True) -> dict[str, Any]:
    """Times in the publisher's time zone, so the date is the one the publisher printed."""
    published = article.published.astimezone(zone) if article.published else None
    data: dict[str, Any] = {
        "id": article.id,
        "source": article.source_id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "published": published.isoformat() if published else None,
        "date_source": article.date_source,
        "language": article.language,
        "author": article.author,
        "fetched_at": article.fetched_at.isoformat(),
        "content_hash": article.content_hash,
        "word_count": article.word_count,
        "story_id": article.story_id,
        "event_id": article.event_id,
        "dedup_reason": article.dedup_reason,
        "dedup_score": article.dedup_score,
        "version": article.version,
        "urls": sorted(u.url for u in article.urls),
    }
    if with_text:
        data["text"] = article.text
    return data


@app.command("list")
def list_articles(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source id (repeatable).")
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", "-l", help="Only this language: ru, kk, tg or en.")
    ] = None,
    limit: NewestFirst = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per article.")] = False,
) -> None:
    """List stored articles, newest first."""
    app_state = state(ctx)
    zones = source_zones(app_state)
    source_ids, language = check_sources(app_state, source), check_language(language)
    sessions = open_database(app_state.settings.database_url, read_only=True)
    with sessions() as session:
        articles = repository.list_articles(
            session, source_ids=source_ids, language=language, limit=limit
        )
        if as_json:
            for article in articles:
                print_json(article_json(article, zones.get(article.source_id, UTC)))
            return
        print_table(
            ["id", "published", "source", "lang", "title"],
            [
                [
                    a.id,
                    a.published.astimezone(zones.get(a.source_id, UTC)).date()
                    if a.published
                    else "",
                    a.source_id,
                    a.language,
                    shorten(a.title, 70),
                ]
                for a in articles
            ],
        )


@app.command("show")
def show_article(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Article id or any URL it is known under.")],
    as_json: AsJson = False,
) -> None:
    """Show one stored article with its text."""
    app_state = state(ctx)
    sessions = open_database(app_state.settings.database_url, read_only=True)
    with sessions() as session:
        article = repository.find_article(session, key)
        if article is None:
            raise fail(f"no stored article {key!r}", code=1)
        zone = source_zones(app_state).get(article.source_id, UTC)
        if as_json:
            print_json(article_json(article, zone))
            return
        data = article_json(article, zone, with_text=False)
        for name, value in data.items():
            typer.echo(f"{name:13} {value}")
        typer.echo("")
        typer.echo(article.text)
