"""`newswatch events list|show`: reports of one happening across outlets and languages."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import typer

from newswatch.cli.articles import source_zones
from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import fail, state
from newswatch.storage import events as store
from newswatch.storage.db import open_database
from newswatch.storage.models import Event

app = typer.Typer(
    help="Events: the reports of one happening, any outlet, any language.", no_args_is_help=True
)


def event_json(event: Event, zones: dict) -> dict[str, Any]:
    def when(value: Any, source_id: str | None = None) -> str | None:
        return value.astimezone(zones.get(source_id, UTC)).isoformat() if value else None

    reports = sorted(
        event.reports,
        key=lambda r: (r.article.published is None, r.article.published, r.article_id),
    )
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind,
        "date": event.day.date().isoformat() if event.day else None,
        "first_published": when(event.first_published),
        "languages": event.languages,
        "sources": sorted({r.article.source_id for r in reports}),
        "reports": [
            {
                "article_id": r.article_id,
                "story_id": r.article.story_id,
                "url": r.article.url,
                "source": r.article.source_id,
                "language": r.article.language,
                "published": when(r.article.published, r.article.source_id),
                "title": r.article.title,
                "how": r.how,
                "score": r.score,
                "reasons": r.reasons,
                "matched_article_id": r.matched_article_id,
            }
            for r in reports
        ],
    }


@app.command("list")
def list_events(
    ctx: typer.Context,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", help="At most this many events.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per event.")] = False,
) -> None:
    """List events, newest first, with their languages and reports."""
    app_state = state(ctx)
    zones = source_zones(app_state)
    sessions = open_database(app_state.settings.database_url)
    with sessions() as session:
        events = store.list_events(session, limit=limit)
        data = [event_json(event, zones) for event in events]
        if as_json:
            for item in data:
                print_json(item)
            return
        print_table(
            ["id", "date", "kind", "reports", "languages", "sources", "title"],
            [
                [
                    d["id"],
                    d["date"],
                    "" if d["kind"] == "none" else d["kind"],  # no kind of meeting named
                    len(d["reports"]),
                    ",".join(d["languages"]),
                    shorten(",".join(d["sources"]), 40),
                    shorten(d["title"], 60),
                ]
                for d in data
            ],
        )


@app.command("show")
def show_event(
    ctx: typer.Context,
    event_id: Annotated[int, typer.Argument(help="Event id.")],
    as_json: Annotated[bool, typer.Option("--json", help="The event as one JSON object.")] = False,
) -> None:
    """Show one event: every report, and why each was linked."""
    app_state = state(ctx)
    sessions = open_database(app_state.settings.database_url)
    with sessions() as session:
        event = store.get_event(session, event_id)
        if event is None:
            raise fail(f"no event {event_id}", code=1)
        data = event_json(event, source_zones(app_state))
        if as_json:
            print_json(data)
            return
        typer.echo(f"event {data['id']} ({data['kind']}, {data['date']}): {data['title']}\n")
        for report in data["reports"]:
            how = report["how"] + (f" {report['score']:.1f}" if report["score"] is not None else "")
            if report["matched_article_id"]:
                how += f" to article {report['matched_article_id']}"
            typer.echo(
                f"- article {report['article_id']} · {report['source']} · "
                f"{report['language'] or '?'} · {(report['published'] or '')[:16]} · {how}\n"
                f"  {report['url']}"
            )
            for reason in report["reasons"]:
                typer.echo(f"    {reason}")


def _day(value: str, option: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        raise fail(f"{option}: not a date (YYYY-MM-DD): {value!r}", code=2) from None


@app.command("relink")
def relink_events(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="First day (YYYY-MM-DD, UTC).")],
    until: Annotated[str, typer.Option("--until", help="Last day, included (YYYY-MM-DD, UTC).")],
    as_json: Annotated[bool, typer.Option("--json", help="The counts as one JSON object.")] = False,
) -> None:
    """Link the articles published in these days again (after the aliases or triggers
    changed). Running it twice changes nothing; event ids stay where the grouping does."""
    first, last = _day(since, "--since"), _day(until, "--until")
    if last < first:
        raise fail("--until is before --since", code=2)
    sessions = open_database(state(ctx).settings.database_url)
    with sessions.begin() as session:
        from newswatch.events.relink import relink  # the linker: only when relinking

        result = relink(session, first, last + timedelta(days=1))
    if as_json:
        print_json(asdict(result))
        return
    typer.echo(
        f"{result.articles} articles linked again: {result.events_before} events before, "
        f"{result.events_after} after, {result.moved} articles moved to another event"
    )
