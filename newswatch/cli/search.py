"""`newswatch search QUERY`: stored articles holding every word, in any inflected form."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

import typer

from newswatch.cli.articles import article_json, source_zones
from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import fail, state


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find (all of them), in any form.")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=500, help="At most this many articles.")
    ] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per article.")] = False,
) -> None:
    """Search titles and texts of stored articles, newest first (the web search box's code)."""
    from newswatch.alerts.textsearch import SearchQueryError
    from newswatch.alerts.textsearch import search as run_search
    from newswatch.storage.db import open_database

    app_state = state(ctx)
    zones = source_zones(app_state)
    sessions = open_database(app_state.settings.database_url)
    with sessions() as session:
        try:
            hits = run_search(session, query, limit=limit)
        except SearchQueryError as exc:
            raise fail(str(exc)) from exc
        if as_json:
            for hit in hits:
                data = article_json(hit.article, zones.get(hit.article.source_id, UTC), False)
                data["matched"] = hit.matched
                print_json(data)
            return
        print_table(
            ["id", "story", "published", "source", "lang", "matched", "title"],
            [
                [
                    h.article.id,
                    h.article.story_id,
                    h.article.published.astimezone(zones.get(h.article.source_id, UTC)).date()
                    if h.article.published
                    else "",
                    h.article.source_id,
                    h.article.language,
                    shorten(", ".join(h.matched), 30),
                    shorten(h.article.title, 60),
                ]
                for h in hits
            ],
        )
