"""`newswatch fixtures serve`: the bundled fixture sites over HTTP, for one's own experiments."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
import yaml

from newswatch.cli.state import fail

app = typer.Typer(help="The bundled copies of the publishers' sites.", no_args_is_help=True)


@app.command("serve")
def serve(
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")
    ] = 8765,
    copy: Annotated[
        Path | None,
        typer.Option(
            help="Serve a copy of the sites, made in DIR/sites (DIR must be new): edit it "
            "while newswatch polls it."
        ),
    ] = None,
) -> None:
    """Serve the fixture sites at http://127.0.0.1:PORT/<host>/... until Ctrl-C, and print the
    origin_map that makes newswatch fetch the real sites' URLs from here."""
    from newswatch.fixtures import SITES_DIR
    from newswatch.fixtures.publish import copy_sites
    from newswatch.fixtures.server import FixtureServer

    if copy is not None and copy.exists():
        raise fail(f"{copy} exists; --copy needs a new folder")
    sites = copy_sites(copy) if copy else SITES_DIR
    server = FixtureServer(sites_dir=sites, port=port).start()
    typer.echo(f"Fixture sites served at {server.base_url} from {sites} (Ctrl-C stops)")
    typer.echo("\nTo crawl them under their real URLs, put this in your settings file:\n")
    typer.echo(yaml.safe_dump({"origin_map": server.origin_map()}, sort_keys=True))
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
