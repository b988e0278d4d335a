"""Progress of long commands on a terminal (rich, on stderr); nothing when stderr is not a
terminal or the output is JSON, so scripts and logs see only the results."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from rich.console import Console
from rich.live import Live
from rich.progress import Progress, TextColumn
from rich.table import Table

if TYPE_CHECKING:
    from newswatch.crawler.context import SourceContext


def console(as_json: bool = False) -> Console | None:
    """The terminal to draw progress on, or None when nobody watches one."""
    terminal = Console(stderr=True)
    return terminal if terminal.is_terminal and not as_json else None


class CrawlProgress:
    """Per source: waiting, crawling or done, with pages fetched and new items (a CrawlWatch:
    the crawler calls begin/source_done; rich redraws from its own thread)."""

    def __init__(self) -> None:
        self._contexts: list[SourceContext] = []
        self._done: set[str] = set()
        self._lock = threading.Lock()

    def begin(self, contexts: list[SourceContext]) -> None:
        with self._lock:
            self._contexts = list(contexts)

    def source_done(self, context: SourceContext) -> None:
        with self._lock:
            self._done.add(context.source.id)

    def __rich__(self) -> Table:
        table = Table(box=None, title="crawling", title_justify="left")
        for header in ("source", "state", "pages", "new", "dup", "failed"):
            table.add_column(header, justify="left" if header in ("source", "state") else "right")
        with self._lock:
            contexts, done = list(self._contexts), set(self._done)
        for context in contexts:
            c = context.counts
            state = "done" if context.source.id in done else "crawling"
            row = (c.pages_fetched, c.new, c.duplicate, c.failed)
            table.add_row(context.source.id, state, *map(str, row))
        finished = len(done)
        table.caption = f"{finished} of {len(contexts)} sources done"
        return table


@contextlib.contextmanager
def crawl_progress(as_json: bool) -> Iterator[CrawlProgress | None]:
    terminal = console(as_json)
    if terminal is None:
        yield None
        return
    progress = CrawlProgress()
    with Live(progress, console=terminal, refresh_per_second=4, transient=True):
        yield progress


@contextlib.contextmanager
def counting(what: str, total: int) -> Iterator[Callable[[str], None]]:
    """A bar over `total` items (ingest: files); advance(outcome) after each one."""
    terminal = console()
    if terminal is None:
        yield lambda _outcome: None
        return
    outcomes: dict[str, int] = {}
    columns = (*Progress.get_default_columns(), TextColumn("{task.fields[outcomes]}"))
    with Progress(*columns, console=terminal, transient=True) as bar:
        task = bar.add_task(what, total=total, outcomes="")

        def advance(outcome: str) -> None:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            summary = ", ".join(f"{n} {name}" for name, n in outcomes.items())
            bar.update(task, advance=1, outcomes=summary)

        yield advance


@contextlib.contextmanager
def working(what: str, as_json: bool = False) -> Iterator[None]:
    """A spinner while one long statement runs (prune)."""
    terminal = console(as_json)
    if terminal is None:
        yield
        return
    with terminal.status(what):
        yield
