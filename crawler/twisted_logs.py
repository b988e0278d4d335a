"""Twisted's own log events (an error in a reactor callback: "while handling timed call")
handed to Python logging, so that they take the command's log format like every other record.

Twisted writes them raw to stderr until someone begins logging, and Scrapy only does so when
its own logging is on (it is off: newswatch configures logging itself).
"""

from __future__ import annotations

from functools import cache


@cache  # once per process: Twisted allows one beginning
def route_twisted_logging() -> None:
    """Logger name "twisted"."""
    from twisted.logger import STDLibLogObserver, globalLogBeginner

    # redirectStandardIO=False: commands print their --json output on stdout
    globalLogBeginner.beginLoggingTo([STDLibLogObserver(name="twisted")], redirectStandardIO=False)
