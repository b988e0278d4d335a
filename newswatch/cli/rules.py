"""`newswatch rules list|test`: the alert rules, and a rule tried on stored articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newswatch.cli.options import AsJson
from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import fail, state

app = typer.Typer(help="Alert rules (config/rules.yaml).", no_args_is_help=True)
RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="Rules YAML (default: settings' rules_file).")
]


def _rules(ctx: typer.Context, rules_file: Path | None, include_disabled: bool = False) -> list:
    from newswatch.alerts.rules import load_rules

    app_state = state(ctx)
    path = rules_file or app_state.settings.rules_file
    source_ids = [s.id for s in app_state.sources]
    return load_rules(path, source_ids=source_ids, include_disabled=include_disabled)


@app.command("list")
def list_rules(
    ctx: typer.Context,
    rules_file: RulesOption = None,
    as_json: AsJson = False,
) -> None:
    """List the enabled rules (validating the file)."""
    from newswatch.alerts.channels import label

    rules = _rules(ctx, rules_file)
    if as_json:
        for rule in rules:
            print_json(
                {
                    "name": rule.name,
                    "query": rule.source_text,
                    "recipients": list(rule.recipients),
                    "channels": [label(c) for c in rule.channels],  # never the URL: secrets
                    "min_score": rule.min_score,
                    "delivery": rule.delivery.model_dump(),
                }
            )
        return
    print_table(
        ["name", "delivery", "recipients", "query"],
        [
            [
                r.name,
                r.delivery.mode,
                ",".join([*r.recipients, *map(label, r.channels)]),
                shorten(r.source_text, 60),
            ]
            for r in rules
        ],
    )


@app.command("test")
def test_rule(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Rule name.")],
    rules_file: RulesOption = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="Newest N articles.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per match.")] = False,
) -> None:
    """Run one rule over the stored articles and show what it matches, with scores."""
    from newswatch.alerts.document import Document
    from newswatch.alerts.engine import Matcher
    from newswatch.storage import repository
    from newswatch.storage.db import open_database

    rules = [r for r in _rules(ctx, rules_file, include_disabled=True) if r.name == name]
    if not rules:
        raise fail(f"no rule named {name!r}")
    if not rules[0].enabled:
        typer.secho(f"rule {name!r} is disabled: it sends nothing until enabled", err=True)
    matcher = Matcher.from_rules(rules)
    sessions = open_database(state(ctx).settings.database_url, read_only=True)
    rows, checked = [], 0
    with sessions() as session:
        for article in repository.list_articles(session, limit=limit):
            checked += 1
            document = Document(
                article.title or "", article.text, article.language, article.source_id
            )
            for match in matcher.match(document):
                if as_json:
                    print_json(
                        {
                            "article_id": article.id,
                            "story_id": article.story_id,
                            "url": article.url,
                            "title": article.title,
                            **match.to_json(),
                        }
                    )
                rows.append(
                    [
                        article.id,
                        f"{match.score:.1f}",
                        article.source_id,
                        shorten(article.title, 50),
                        shorten(match.explanation, 40),
                    ]
                )
    if not as_json:
        print_table(["article", "score", "source", "title", "why"], rows)
        typer.echo(f"\n{len(rows)} of {checked} stored articles match rule {name!r}")
