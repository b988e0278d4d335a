"""`newswatch alerts pending|sent|send|retry`: the alert outbox."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import state

app = typer.Typer(
    help="The alert outbox: what waits, what was sent, sending.", no_args_is_help=True
)


def _delivery_json(delivery: Any) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "rule": delivery.rule,
        "story_id": delivery.story_id,
        "event_id": delivery.event_id,
        "article_id": delivery.article_id,
        "title": delivery.article.title,
        "url": delivery.article.url,
        "recipient": delivery.recipient,
        "mode": delivery.mode,
        "score": delivery.score,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at.isoformat(),
        "last_error": delivery.last_error,
        "message_id": delivery.message_id,
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
    }


def _list(ctx: typer.Context, status: str, limit: int | None, as_json: bool) -> None:
    from newswatch.storage import outbox
    from newswatch.storage.db import open_database

    sessions = open_database(state(ctx).settings.database_url)
    with sessions() as session:
        deliveries = outbox.listing(session, status, limit)
        if as_json:
            for delivery in deliveries:
                print_json(_delivery_json(delivery))
            return
        print_table(
            ["id", "rule", "recipient", "attempts", "when", "title / last error"],
            [
                [
                    d.id,
                    d.rule,
                    d.recipient,
                    d.attempts,
                    (d.sent_at or d.next_attempt_at).strftime("%Y-%m-%d %H:%M"),
                    shorten(
                        d.last_error if status == "pending" and d.last_error else d.article.title,
                        60,
                    ),
                ]
                for d in deliveries
            ],
        )


@app.command("pending")
def pending(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option("--limit", "-n")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Deliveries not sent yet, with their attempts and last error."""
    _list(ctx, "pending", limit, as_json)


@app.command("sent")
def sent(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option("--limit", "-n")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Deliveries sent, newest first."""
    _list(ctx, "sent", limit, as_json)


def _send(ctx: typer.Context, ignore_backoff: bool, digests: bool, as_json: bool) -> None:
    from newswatch.scheduler.alerting import AlertReport, deliver, evaluate_new, load_matcher
    from newswatch.storage.db import open_database

    app_state = state(ctx)
    settings = app_state.settings
    sessions = open_database(settings.database_url)
    report = AlertReport()
    evaluate_new(sessions, load_matcher(settings, app_state.sources), report)
    deliver(
        settings,
        sessions,
        app_state.sources,
        report,
        mode=None if digests else "immediate",
        ignore_backoff=ignore_backoff,
    )
    data = {
        "checked": report.checked,
        "queued": report.queued,
        "sent_messages": report.sent_messages,
        "sent_deliveries": report.sent_deliveries,
        "failed_messages": report.failed_messages,
        "errors": report.errors,
    }
    if as_json:
        print_json(data)
    else:
        typer.echo(
            f"{report.sent_messages} emails sent ({report.sent_deliveries} deliveries), "
            f"{report.failed_messages} failed"
        )
        for error in report.errors:
            typer.echo(f"  {error}")
    if report.failed_messages:
        raise typer.Exit(1)


Digests = Annotated[bool, typer.Option("--digests", help="Also send digest deliveries now.")]
AsJson = Annotated[bool, typer.Option("--json")]


@app.command("send")
def send(
    ctx: typer.Context,
    digests: Digests = False,
    as_json: AsJson = False,
) -> None:
    """Match unchecked articles, then send the deliveries that are due."""
    _send(ctx, ignore_backoff=False, digests=digests, as_json=as_json)


@app.command("retry")
def retry(
    ctx: typer.Context,
    digests: Digests = False,
    as_json: AsJson = False,
) -> None:
    """Send every pending delivery now, without waiting for its backoff."""
    _send(ctx, ignore_backoff=True, digests=digests, as_json=as_json)
