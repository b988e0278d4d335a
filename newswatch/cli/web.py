"""`newswatch web`: serve the read-only web view, JSON API and Atom feeds."""

from __future__ import annotations

from typing import Annotated

import typer

from newswatch.cli.state import fail, state


def web(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default: web.host, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: web.port, 8080).")] = None,
    hash_password: Annotated[
        bool,
        typer.Option(
            "--hash-password",
            help="Read a password (prompt, or one line of standard input), print its hash for "
            "web.auth.password_hash, and exit.",
        ),
    ] = False,
) -> None:
    """Serve stories, search, sources, alerts and rules in a browser, with a JSON API and an
    Atom feed per rule. Any address other than loopback needs web.auth: a token, or a user
    with a hashed password."""
    from newswatch.alerts.rules import load_rules
    from newswatch.web.security import is_loopback

    if hash_password:
        _print_hash()
        return
    app_state = state(ctx)
    settings = app_state.settings
    host = host or settings.web.host
    port = settings.web.port if port is None else port
    if not is_loopback(host) and settings.web.auth is None:
        raise fail(
            f"refusing to listen on {host} without a token: set web.auth "
            "(a token, NEWSWATCH_WEB__AUTH, or a user and password_hash), or listen on 127.0.0.1"
        )
    import uvicorn

    from newswatch.web.app import create_app

    rules = load_rules(settings.rules_file, source_ids=[s.id for s in app_state.sources])
    application = create_app(app_state, rules)
    typer.echo(f"newswatch web: http://{host}:{port}/", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning", server_header=False)


def _print_hash() -> None:
    import sys

    from newswatch.web.passwords import hash_password

    if sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise fail("an empty password")
    typer.echo(hash_password(password))
