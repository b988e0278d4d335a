"""--log-format json: every line a process writes to its log is one JSON object, including the
errors Twisted reports from inside the reactor, which it would otherwise print raw."""

from __future__ import annotations

import json
import subprocess
import sys

# A command that runs the reactor (as `run` and `crawl` do) while Twisted reports an error the
# way its reactor does when a timed call raises (twisted/internet/base.py); in a process of its
# own, since logging and the reactor are set up once per process.
REACTOR_ERROR = """
from newswatch.crawler.runner import run_on_reactor
from newswatch.scheduler.logs import configure_logging
configure_logging("INFO", "json")

async def main():
    from twisted.logger import Logger
    from twisted.python.failure import Failure
    try:
        raise ValueError("a callback failed")
    except ValueError:
        Logger(namespace="twisted.internet.base").failure("while handling timed call", Failure())
    return 0

run_on_reactor(main)
print("stdout stays the command's own")
"""


def test_a_reactor_error_is_one_json_record() -> None:
    done = subprocess.run(
        [sys.executable, "-c", REACTOR_ERROR], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "stdout stays the command's own\n"
    records = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    [record] = [r for r in records if r["message"] == "while handling timed call"]
    assert record["level"] == "CRITICAL"
    assert record["logger"] == "twisted"
    assert "ValueError: a callback failed" in record["exc_info"]
