"""Options several commands share, declared once so they read and behave the same."""

from __future__ import annotations

from typing import Annotated

import typer

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (one object per line).")]
NewestFirst = Annotated[int | None, typer.Option("--limit", "-n", help="At most N, newest first.")]
