"""`newswatch demo`: the offline showcase on the bundled fixture sites."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from config.settings import SmtpSettings
from scheduler.cli.output import print_table, shorten
from scheduler.cli.state import state
from storage import repository
from storage.db import open_database


def demo(
    ctx: typer.Context,
    keep: Annotated[Path | None, typer.Option(help="Keep the demo database at this path.")] = None,
) -> None:
    """Serve the fixture sites locally, crawl them into a temporary SQLite database, show the
    articles, the stories with several sources, and the alert emails a local SMTP server got."""
    from newswatch_fixtures.mailbox import Mailbox
    from newswatch_fixtures.server import FixtureServer

    from scheduler.alerting import AlertReport, deliver
    from scheduler.crawl_once import crawl_once

    app = state(ctx)
    with (
        tempfile.TemporaryDirectory(prefix="newswatch-demo-") as tmp,
        FixtureServer() as server,
        Mailbox() as mailbox,
    ):
        database = keep or Path(tmp) / "demo.db"
        smtp = SmtpSettings(
            host="127.0.0.1",
            port=mailbox.port,
            security="none",
            from_address="demo@newswatch.local",
        )
        settings = app.settings.model_copy(
            update={
                "database_url": f"sqlite:///{database}",
                "origin_map": server.origin_map(),
                "crawl": app.settings.crawl.model_copy(update={"download_delay": 0.0}),
                "smtp": smtp,
            }
        )
        typer.echo(f"Fixture sites served at {server.base_url}; database {database}\n")
        report = crawl_once(settings, app.sources, trigger="demo")
        print_table(
            ["source", "status", "fetched", "new", "dup", "failed"],
            [
                [
                    r.source_id,
                    r.counts.status,
                    r.counts.pages_fetched,
                    r.counts.new,
                    r.counts.duplicate,
                    r.counts.failed,
                ]
                for r in report.results
            ],
        )
        sessions = open_database(settings.database_url)
        with sessions() as session:
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
            typer.echo(f"\n{len(shared)} stories carried by several sources:")
            for story in shared:
                sources = ", ".join(sorted({a.source_id for a in story.articles}))
                typer.echo(f"  {shorten(story.title, 70)}  [{sources}]")
        deliver(settings, sessions, app.sources, AlertReport(), mode=None)  # digests too
        typer.echo(f"\n{len(mailbox.messages)} alert emails received by the local SMTP server:")
        for message in mailbox.messages:
            typer.echo("\n" + "=" * 78)
            for header in ("From", "To", "Subject"):
                typer.echo(f"{header}: {message[header]}")
            typer.echo("")
            typer.echo(message.get_body(preferencelist=("plain",)).get_content().rstrip())
