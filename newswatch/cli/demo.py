"""`newswatch demo`: the offline showcase. The daemon polls the bundled fixture sites, a new
article appears between cycles, and its alert email reaches a local SMTP server."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml
from sqlalchemy import func, select

from newswatch.cli.demo_daemon import (
    Cycle,
    Cycles,
    DaemonProcess,
    DemoError,
    plural,
    wait_until,
)
from newswatch.cli.output import print_table, shorten
from newswatch.cli.state import AppState, fail, state
from newswatch.storage import outbox, repository
from newswatch.storage.db import open_database
from newswatch.storage.models import Article, CrawlRunSource

if TYPE_CHECKING:
    from email.message import EmailMessage

    from sqlalchemy.orm import Session, sessionmaker

    from newswatch.fixtures.publish import Story

DEMO_RECIPIENT = "demo@example.org"
DEMO_RULES = {
    "rules": [
        {
            "name": "tajik-kazakh",
            "topic": "tajik-kazakh",
            "recipients": [DEMO_RECIPIENT],
            "delivery": "immediate",
        }
    ]
}
START_TIMEOUT = 30.0
FIRST_CYCLE_TIMEOUT = 60.0  # everything is new: fetch, extract, deduplicate, match, send
STOP_TIMEOUT = 30.0  # grace_seconds is 10


def demo(
    ctx: typer.Context,
    keep: Annotated[
        Path | None, typer.Option(help="Keep the demo database at this (new) path.")
    ] = None,
    interval: Annotated[
        int, typer.Option(min=1, help="Seconds between two polls of a source.")
    ] = 3,
    cycles: Annotated[int, typer.Option(min=2, help="Give up after this many polling cycles.")] = 3,
) -> None:
    """Run the daemon (`newswatch run`) for a few cycles against the bundled fixture sites,
    served locally, and a local SMTP server: show what the first cycle stored and sent, then
    publish a new article and show the alert email about it."""
    from newswatch.fixtures.mailbox import Mailbox
    from newswatch.fixtures.publish import copy_sites, relations_story
    from newswatch.fixtures.server import FixtureServer

    app = state(ctx)
    if keep is not None and keep.exists():
        raise fail(f"{keep} exists; --keep needs a new path (the demo starts from scratch)")
    with tempfile.TemporaryDirectory(prefix="newswatch-demo-") as tmp_name, Mailbox() as mailbox:
        tmp = Path(tmp_name)
        with FixtureServer(sites_dir=copy_sites(tmp)) as server:
            database = (keep or tmp / "demo.db").resolve()
            rules, note = _rules(app, relations_story(0), tmp)
            config = _write_config(app, tmp, database, rules, interval, server, mailbox)
            typer.echo(f"Fixture sites served at {server.base_url}; database {database}")
            typer.echo(f"Alert emails go to a local SMTP server at 127.0.0.1:{mailbox.port}")
            typer.echo(note)
            daemon = DaemonProcess(config, tmp / "daemon.log")
            try:
                _run(app, daemon, server, mailbox, f"sqlite:///{database}", interval, cycles)
            except DemoError as exc:
                typer.secho(f"newswatch demo: {exc}", err=True, fg=typer.colors.RED)
                typer.echo(f"The daemon's log ends with:\n{daemon.tail()}", err=True)
                raise typer.Exit(1) from None
            finally:
                daemon.kill()
    _whats_next(keep.resolve() if keep else None)


def _whats_next(kept: Path | None) -> None:
    if kept is not None:
        typer.echo(f"\nThe demo database is kept at {kept}. Look at it:")
        for command in ("articles list", "stories list", "status", "alerts sent"):
            typer.echo(f"  newswatch --database {kept} {command}")
    else:
        typer.echo(
            "\nThe demo database was deleted. `newswatch demo --keep PATH` keeps it to look at "
            "afterwards (`newswatch --database PATH articles list`)."
        )
    typer.echo(
        "`newswatch fixtures serve` serves the fixture sites for your own experiments; "
        'README.md, "Your own sources", goes on from here.'
    )


def _rules(app: AppState, story: Story, tmp: Path) -> tuple[Path, str]:
    """The configured rules if one of them alerts at once on the new article, else a demo
    rules file: the built-in topic, immediately."""
    from newswatch.alerts.document import Document
    from newswatch.alerts.engine import Matcher
    from newswatch.alerts.rules import load_rules
    from newswatch.config.sources import source_for_url

    source = source_for_url([s for s in app.sources if s.enabled], story.url)
    if source is None:
        raise fail(f"the demo publishes on {story.url}, which no enabled source polls")
    rules_file = app.settings.rules_file
    rules = load_rules(rules_file, source_ids=[s.id for s in app.sources])
    document = Document(story.title, "\n".join(story.paragraphs), "en", source.id)
    matched = {m.rule for m in Matcher.from_rules(rules).match(document)}
    immediate = sorted(r.name for r in rules if r.name in matched and r.delivery.mode != "digest")
    if immediate:
        names = ", ".join(immediate)
        return rules_file, f"Rules: {rules_file} ({names} will alert on the new article)"
    digests = sorted(matched - set(immediate))
    why = f": {', '.join(digests)} matches it, but in a scheduled digest" if digests else ""
    path = tmp / "rules.yaml"
    path.write_text(yaml.safe_dump(DEMO_RULES), encoding="utf-8")
    return path, (
        f"Rules: {rules_file} sends no immediate alert for the new article{why}.\n"
        f"  The demo uses the built-in topic tajik-kazakh, sent at once to {DEMO_RECIPIENT}."
    )


def _write_config(app, tmp, database, rules, interval, server, mailbox) -> Path:
    """Settings and sources for the daemon: the configured sources, polled every interval."""
    schedule = {"interval": f"{interval}s", "jitter": 0}
    sources = [
        {**s.model_dump(mode="json", exclude_defaults=True), "schedule": schedule}
        for s in app.sources
    ]
    sources_file = tmp / "sources.yaml"
    sources_file.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), "utf-8")
    settings = {
        "database_url": f"sqlite:///{database}",
        "sources_file": str(sources_file),
        "rules_file": str(rules),
        "origin_map": server.origin_map(),
        "crawl": {**app.settings.crawl.model_dump(mode="json"), "download_delay": 0.0},
        "smtp": {
            "host": "127.0.0.1",
            "port": mailbox.port,
            "security": "none",
            "from_address": "demo@newswatch.local",
        },
        "daemon": {"outbox_retry_seconds": 1, "grace_seconds": 10},
        # a real first start stores what the feeds already carry without alerts; the demo
        # alerts on it too, to show the emails of the first cycle
        "alerts": {"alert_backlog": True},
    }
    config = tmp / "newswatch.yaml"
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), "utf-8")
    return config


def _run(app, daemon, server, mailbox, database_url, interval, cycles) -> None:
    from newswatch.fixtures.publish import publish, relations_story

    enabled = [s.id for s in app.sources if s.enabled]
    typer.echo(
        f"\nStarting `newswatch run`: {len(enabled)} sources, each polled every {interval} s"
    )
    daemon.start()
    wait_until("the daemon to start", lambda: daemon.records("started"), daemon, START_TIMEOUT)
    sessions = open_database(database_url)
    watch = Cycles(daemon, enabled, mailbox, lambda: _stored_and_alerted(sessions))
    first = watch.next(FIRST_CYCLE_TIMEOUT)
    typer.echo(first.summary(len(enabled)))
    _show_first_cycle(sessions, enabled, first)

    story = relations_story(0)
    published = time.monotonic()
    publish(server, story)
    typer.echo(f"\nA new article appears on khovar.tj: {story.title}")
    while (alert := _alert_about(story, watch)) is None:
        if watch.done >= cycles:
            raise DemoError(f"no alert about the new article after {cycles} cycles")
        typer.echo(watch.next(FIRST_CYCLE_TIMEOUT + 3 * interval).summary(len(enabled)))

    code = daemon.stop(STOP_TIMEOUT)
    if code != 0:
        raise DemoError(f"newswatch run exited with code {code} on SIGTERM")
    typer.echo("Stopped `newswatch run` with SIGTERM: exit code 0")
    arrived, message = alert
    typer.echo(f"\nThe alert about the new article, {arrived - published:.1f} s after publication:")
    _print_email(message)


def _stored_and_alerted(sessions: sessionmaker[Session]) -> int | None:
    """How many articles are stored, if all of them are matched and their immediate alerts
    sent (counted first: the alerts of every article counted are sent); else None."""
    with sessions() as session:
        stored = session.scalar(select(func.count(Article.id))) or 0
        if outbox.unchecked_articles(session, 1):
            return None
        waiting = outbox.due(session, "immediate", ignore_backoff=True) or outbox.unsent_messages(
            session, ignore_backoff=True
        )
        return None if waiting else stored


def _alert_about(story: Story, watch: Cycles) -> tuple[float, EmailMessage] | None:
    for arrived, message in zip(watch.arrivals, watch.mailbox.messages, strict=False):
        if story.url in _plain(message):
            return arrived, message
    return None


def _show_first_cycle(sessions: sessionmaker[Session], enabled: list[str], cycle: Cycle) -> None:
    with sessions() as session:
        typer.echo("")
        _print_first_crawls(session, enabled)
        articles = repository.list_articles(session)
        typer.echo(f"\n{len(articles)} articles stored:\n")
        print_table(
            ["published", "source", "lang", "title"],
            [
                [
                    a.published.date() if a.published else "",
                    a.source_id,
                    a.language,
                    shorten(a.title, 80),
                ]
                for a in articles
            ],
        )
        shared = [s for s in repository.list_stories(session) if len(s.articles) > 1]
        stories = plural(len(shared), "story", "stories")
        typer.echo(f"\n{stories} carried by several sources:")
        for story in shared:
            sources = ", ".join(sorted({a.source_id for a in story.articles}))
            typer.echo(f"  {shorten(story.title, 70)}  [{sources}]")
    emails = plural(len(cycle.emails), "alert email")
    typer.echo(f"\n{emails} received by the local SMTP server in cycle 1:")
    for message in cycle.emails:
        typer.echo(f"  To {message['To']}: {shorten(str(message['Subject']), 100)}")


def _print_first_crawls(session: Session, enabled: list[str]) -> None:
    first = select(func.min(CrawlRunSource.id)).group_by(CrawlRunSource.source_id)
    runs = {
        r.source_id: r
        for r in session.scalars(select(CrawlRunSource).where(CrawlRunSource.id.in_(first)))
    }
    print_table(
        ["source", "status", "fetched", "new", "dup", "failed"],
        [
            [r.source_id, r.status, r.pages_fetched, r.new, r.duplicate, r.failed]
            for r in (runs[s] for s in enabled if s in runs)
        ],
    )


def _plain(message: EmailMessage) -> str:
    body: Any = message.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


def _print_email(message: EmailMessage) -> None:
    typer.echo("=" * 78)
    for header in ("From", "To", "Subject"):
        typer.echo(f"{header}: {message[header]}")
    typer.echo("")
    typer.echo(_plain(message).rstrip())
    typer.echo("=" * 78)
