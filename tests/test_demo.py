"""`newswatch demo` works offline from an install: the daemon polls the fixtures, a new article
appears, its alert email is shown."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import yaml

from newswatch.fixtures.publish import relations_story
from tests.conftest import NEWSWATCH, REPO
from tests.expectations import load_expected

NEW_TITLE = relations_story(0).title


def run_demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("NEWSWATCH_CONFIG", None)
    return subprocess.run(
        [str(NEWSWATCH), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=tmp_path,
    )


def shown_alert(stdout: str) -> str:
    """The email printed at the end: the alert about the new article."""
    _, found, email = stdout.partition("The alert about the new article, ")
    assert found, stdout[-3000:]
    return email


def test_demo_runs_the_daemon_until_the_new_article_is_alerted(tmp_path) -> None:
    result = run_demo(tmp_path, "demo")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    expected = load_expected()
    assert "cycle 1: 9 sources polled, 32 new articles, " in out
    assert f"{len(expected)} articles stored" in out
    for seed in (e for e in expected if e.kind == "seed"):
        assert seed.title[:40] in out
    assert "1 story carried by several sources:" in out
    assert "[ru24, tengrinews]" in out
    assert "received by the local SMTP server in cycle 1:" in out
    assert "sends no immediate alert for the new article" in out  # the bundled rules: a digest
    assert f"A new article appears on khovar.tj: {NEW_TITLE}" in out
    assert "1 new article, 1 email" in out
    assert "Stopped `newswatch run` with SIGTERM: exit code 0" in out
    email = shown_alert(out)
    assert "To: demo@example.org" in email
    assert f"Subject: [newswatch] tajik-kazakh: {NEW_TITLE}" in email
    assert relations_story(0).url.rsplit("/", 3)[-2] in email  # the slug, in the link
    assert not (tmp_path / "data" / "newswatch").exists(), "demo must not touch the user's database"
    assert "`newswatch demo --keep PATH` keeps it" in out
    assert "`newswatch fixtures serve`" in out


def test_demo_uses_the_configured_sources_and_an_immediate_rule(tmp_path) -> None:
    """--config is respected: only its sources are polled, its matching rule sends the alert."""
    bundled = yaml.safe_load((REPO / "config" / "sources.yaml").read_text("utf-8"))["sources"]
    (tmp_path / "sources.yaml").write_text(
        yaml.safe_dump({"sources": [s for s in bundled if s["id"] == "khovar-en"]})
    )
    rule = {"name": "relations", "topic": "tajik-kazakh", "recipients": ["desk@example.org"]}
    (tmp_path / "rules.yaml").write_text(
        yaml.safe_dump({"rules": [{**rule, "delivery": "immediate"}]})
    )
    config = {"sources_file": "sources.yaml", "rules_file": "rules.yaml"}
    (tmp_path / "newswatch.yaml").write_text(yaml.safe_dump(config))
    keep = tmp_path / "kept.db"
    result = run_demo(
        tmp_path, "--config", "newswatch.yaml", "demo", "--interval", "2", "--keep", str(keep)
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "cycle 1: 1 source polled, 4 new articles" in result.stdout
    assert "(relations will alert on the new article)" in result.stdout
    email = shown_alert(result.stdout)
    assert "To: desk@example.org" in email and NEW_TITLE in email
    # the way onward, as printed: look at the kept database
    assert f"The demo database is kept at {keep}" in result.stdout
    assert f"newswatch --database {keep} articles list" in result.stdout
    listed = run_demo(tmp_path, "--database", str(keep), "articles", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    titles = [json.loads(line)["title"] for line in listed.stdout.splitlines()]
    assert NEW_TITLE in titles and len(titles) == 5


def test_demo_does_not_reuse_a_database(tmp_path) -> None:
    (tmp_path / "old.db").write_bytes(b"")
    result = run_demo(tmp_path, "demo", "--keep", str(tmp_path / "old.db"))
    assert result.returncode == 2
    assert "--keep needs a new path" in result.stderr
