"""`newswatch stories list|show`: copies of one item across sources, grouped."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

import typer

from newswatch.cli.articles import source_zones
from newswatch.cli.options import AsJson, NewestFirst
from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import fail, state
from newswatch.storage import repository
from newswatch.storage.db import open_database
from newswatch.storage.models import Story

app = typer.Typer(
    help="Stories: one news item and its copies across sources.", no_args_is_help=True
)


def story_json(story: Story, zones: dict) -> dict[str, Any]:
    canonical_source = next(
        (a.source_id for a in story.articles if a.id == story.canonical_article_id), None
    )

    def when(item: Any, attr: str) -> str | None:
        value = getattr(item, attr)
        zone = zones.get(getattr(item, "source_id", canonical_source), UTC)
        return value.astimezone(zone).isoformat() if value else None

    return {
        "id": story.id,
        "title": story.title,
        "first_published": when(story, "first_published"),
        "canonical_article_id": story.canonical_article_id,
        "event_id": story.event_id,
        "event_title": story.event.title if story.event else None,
        "sources": sorted({a.source_id for a in story.articles}),
        "articles": [
            {
                "id": a.id,
                "url": a.url,
                "canonical_url": a.canonical_url,
                "source": a.source_id,
                "published": when(a, "published"),
                "title": a.title,
                "canonical": a.id == story.canonical_article_id,
                "dedup_reason": a.dedup_reason,
                "dedup_score": a.dedup_score,
            }
            for a in story.articles
        ],
    }


@app.command("list")
def list_stories(
    ctx: typer.Context,
    limit: NewestFirst = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per story.")] = False,
) -> None:
    """List stories, newest first, with the sources that carried each."""
    app_state = state(ctx)
    zones = source_zones(app_state)
    sessions = open_database(app_state.settings.database_url, read_only=True)
    with sessions() as session:
        stories = repository.list_stories(session, limit=limit)
        if as_json:
            for story in stories:
                print_json(story_json(story, zones))
            return
        rows = []
        for story in stories:
            data = story_json(story, zones)
            first = (data["first_published"] or "")[:10]
            rows.append(
                [
                    story.id,
                    story.event_id,
                    first,
                    len(story.articles),
                    ",".join(data["sources"]),
                    shorten(story.title, 60),
                ]
            )
        print_table(["id", "event", "published", "copies", "sources", "title"], rows)


@app.command("show")
def show_story(
    ctx: typer.Context,
    story_id: Annotated[int, typer.Argument(help="Story id.")],
    as_json: AsJson = False,
) -> None:
    """Show one story: its canonical copy and every other copy, with how each was matched."""
    app_state = state(ctx)
    sessions = open_database(app_state.settings.database_url, read_only=True)
    with sessions() as session:
        story = repository.get_story(session, story_id)
        if story is None:
            raise fail(f"no story {story_id}", code=1)
        data = story_json(story, source_zones(app_state))
        if as_json:
            print_json(data)
            return
        typer.echo(f"story {story.id}: {story.title}")
        typer.echo(f"event {story.event_id}: {data['event_title']}\n")
        print_table(
            ["article", "source", "published", "match", "url"],
            [
                [
                    a["id"],
                    a["source"] + (" (canonical)" if a["canonical"] else ""),
                    (a["published"] or "")[:16],
                    a["dedup_reason"]
                    + (f" {a['dedup_score']:.2f}" if a["dedup_score"] is not None else ""),
                    a["url"],
                ]
                for a in data["articles"]
            ],
        )
