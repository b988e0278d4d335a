"""`newswatch alerts pending|sent|send|retry`: the alert outbox."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer

from newswatch.cli.failures import SmtpNotConfigured
from newswatch.cli.options import AsJson, NewestFirst
from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import fail, state

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
        # the email it was composed into (sent only as that email, with its Message-ID)
        "message": _message_json(delivery.alert_message) if delivery.alert_message else None,
    }


def _message_json(message: Any) -> dict[str, Any]:
    return {
        "id": message.id,
        "recipient": message.recipient,
        "subject": message.subject,
        "message_id": message.message_id,
        "status": message.status,
        "state": _message_state(message),
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at.isoformat(),
        "last_error": message.last_error,
        "created_at": message.created_at.isoformat(),
    }


def _message_state(message: Any) -> str:
    """unsent: composed, not tried or cut short by a crash; failed: the last try failed."""
    if message.status == "sent":
        return "sent"
    return "failed" if message.last_error else "unsent"


def _print_messages(messages: list[Any]) -> None:
    typer.echo(
        f"\n{len(messages)} emails composed and not sent yet "
        "(a resend keeps their Message-ID and content):"
    )
    print_table(
        ["email", "recipient", "state", "attempts", "next try", "Message-ID", "subject / error"],
        [
            [
                m.id,
                m.recipient,
                _message_state(m),
                m.attempts,
                m.next_attempt_at.strftime("%Y-%m-%d %H:%M"),
                m.message_id,
                shorten(m.last_error or m.subject, 50),
            ]
            for m in messages
        ],
    )


def _list(ctx: typer.Context, status: str, limit: int | None, as_json: bool) -> None:
    from newswatch.storage import outbox
    from newswatch.storage.db import open_database

    sessions = open_database(state(ctx).settings.database_url, read_only=True)
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
        if status == "pending" and (messages := outbox.unsent_listing(session, limit)):
            _print_messages(messages)


@app.command("pending")
def pending(
    ctx: typer.Context,
    limit: NewestFirst = None,
    as_json: AsJson = False,
) -> None:
    """Deliveries not sent yet, with their attempts and last error; then the emails composed
    from them and not sent yet (unsent, or failed with their error). --json: one delivery per
    line, its email under "message"."""
    _list(ctx, "pending", limit, as_json)


@app.command("sent")
def sent(
    ctx: typer.Context,
    limit: NewestFirst = None,
    as_json: AsJson = False,
) -> None:
    """Deliveries sent, newest first."""
    _list(ctx, "sent", limit, as_json)


def _send(ctx: typer.Context, ignore_backoff: bool, digests: bool, as_json: bool) -> None:
    from newswatch.scheduler.alerting import (
        AlertReport,
        SendOptions,
        evaluate_new,
        load_matcher,
        send_due,
    )
    from newswatch.storage.db import open_database

    app_state = state(ctx)
    settings = app_state.settings
    matcher = load_matcher(settings, app_state.sources)
    if not settings.smtp.host and not any(rule.channels for rule in matcher.rules):
        raise SmtpNotConfigured
    sessions = open_database(settings.database_url)
    report = AlertReport()
    evaluate_new(sessions, matcher, report, settings)
    mode = None if digests else "immediate"
    options = SendOptions(mode=mode, ignore_backoff=ignore_backoff)
    send_due(settings, sessions, app_state.sources, report, options)
    data = {
        "checked": report.checked,
        "queued": report.queued,
        "sent_messages": report.sent_messages,
        "sent_deliveries": report.sent_deliveries,
        "failed_messages": report.failed_messages,
        "sent_posts": report.sent_posts,
        "failed_posts": report.failed_posts,
        "errors": report.errors,
    }
    if as_json:
        print_json(data)
    else:
        typer.echo(
            f"{report.sent_messages} emails sent ({report.sent_deliveries} deliveries), "
            f"{report.failed_messages} failed"
        )
        if report.sent_posts or report.failed_posts:
            typer.echo(f"{report.sent_posts} channel posts sent, {report.failed_posts} failed")
        for error in report.errors:
            typer.echo(f"  {error}")
    if report.failed_messages or report.failed_posts:
        raise typer.Exit(1)


Digests = Annotated[bool, typer.Option("--digests", help="Also send digest deliveries now.")]


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


@app.command("preview")
def preview(
    ctx: typer.Context,
    rule_name: Annotated[str, typer.Argument(help="Rule name (disabled rules too).")],
    out: Annotated[Path, typer.Option(help="Folder for RULE.txt, RULE.html and RULE.eml.")] = Path(
        "."
    ),
    limit: Annotated[
        int, typer.Option(min=1, help="Without pending deliveries: newest N stored articles.")
    ] = 20,
) -> None:
    """Render the email RULE would send now (its pending deliveries, else its matches among
    the newest stored articles) to text, HTML and .eml files; nothing is sent or marked."""
    from newswatch.alerts.rules import load_rules
    from newswatch.scheduler.alerting import preview as render
    from newswatch.storage.db import open_database

    app_state = state(ctx)
    settings = app_state.settings
    source_ids = [s.id for s in app_state.sources]
    rules = load_rules(settings.rules_file, source_ids=source_ids, include_disabled=True)
    [rule] = [r for r in rules if r.name == rule_name] or [None]
    if rule is None:
        raise fail(f"no rule named {rule_name!r} in {settings.rules_file}")
    sessions = open_database(settings.database_url, read_only=True)
    message, what = render(settings, sessions, app_state.sources, rule, limit)
    typer.echo(f"rule {rule_name!r}: {what}")
    if message is None:
        raise fail("nothing to preview: no pending delivery and no matching article", code=1)
    out.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "-", rule_name)
    for kind, suffix in (("plain", "txt"), ("html", "html")):
        body = message.get_body(preferencelist=(kind,))
        (out / f"{stem}.{suffix}").write_text(body.get_content() if body else "", "utf-8")
    (out / f"{stem}.eml").write_bytes(bytes(message))
    typer.echo(f"Subject: {message['Subject']}")
    typer.echo(f"written: {out / stem}.txt, .html, .eml")


@app.command("test-email")
def test_email(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="Where to send the test email.")],
) -> None:
    """Send one short email through the configured SMTP server, to check the settings."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    from newswatch.alerts.smtp import SendError, send

    settings = state(ctx).settings
    if not settings.smtp.host:
        raise SmtpNotConfigured
    message = EmailMessage()
    message["Subject"] = "[newswatch] test email"
    message["From"] = settings.smtp.from_address
    message["To"] = address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.smtp.from_address.rpartition("@")[2])
    message.set_content(
        f"This test email went through {settings.smtp.host}:{settings.smtp.port} "
        f"({settings.smtp.security}). Alert emails will take the same way.\n"
    )
    try:
        send(message, settings.smtp)
    except SendError as exc:
        raise fail(f"not sent via {settings.smtp.host}:{settings.smtp.port}: {exc}", 1) from exc
    typer.echo(f"sent to {address} via {settings.smtp.host}:{settings.smtp.port}")
