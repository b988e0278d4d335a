"""`alerts preview RULE` renders what a rule would send, to files; `alerts test-email` sends
one email through the configured SMTP server (a real one on loopback)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from tests.conftest import REPO, NoServer, make_cli
from tests.expectations import fixture_file, load_expected
from tests.smtp_server import PASSWORD, SmtpServer

RULES = REPO / "tests" / "data" / "rules.yaml"
SEEDS = [e for e in load_expected() if e.kind == "seed"]


def test_preview_writes_text_html_and_eml_and_sends_nothing(tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), NoServer(), rules_file=str(RULES))
    seed = SEEDS[0]
    cli.run("ingest", "--url", seed.url, str(fixture_file(seed.url)))
    out = cli.run("alerts", "preview", "tajik-kazakh", "--out", str(tmp_path / "preview")).stdout
    assert "nothing pending; 1 of the newest 20 stored articles match" in out
    text = (tmp_path / "preview" / "tajik-kazakh.txt").read_text("utf-8")
    html = (tmp_path / "preview" / "tajik-kazakh.html").read_text("utf-8")
    assert seed.title in text and seed.url in text
    assert f'href="{seed.url}"' in html and "<mark>" in html
    eml = (tmp_path / "preview" / "tajik-kazakh.eml").read_bytes()
    message = email.message_from_bytes(eml, policy=email.policy.default)
    assert message["To"] == "analyst@example.org" and seed.title in message["Subject"]
    assert cli.json_lines("alerts", "sent") == [] and cli.json_lines("alerts", "pending") == []


def test_preview_of_an_unknown_rule(tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), NoServer(), rules_file=str(RULES))
    result = cli.run("alerts", "preview", "nope", check=False)
    assert result.returncode == 2 and "no rule named 'nope'" in result.stderr


def test_test_email_goes_through_the_configured_server(tmp_path: Path) -> None:
    smtp = SmtpServer().start()
    try:
        settings = smtp.settings()
        good = make_cli(
            tmp_path,
            str(tmp_path / "n.db"),
            NoServer(),
            {"NEWSWATCH_SMTP__PASSWORD": PASSWORD},
            smtp=settings,
        )
        assert "sent to me@example.org" in good.run("alerts", "test-email", "me@example.org").stdout
        [mail] = smtp.received
        assert mail.recipients == ["me@example.org"]
        assert mail.message["Subject"] == "[newswatch] test email"
        wrong = make_cli(
            tmp_path,
            str(tmp_path / "n.db"),
            NoServer(),
            {"NEWSWATCH_SMTP__PASSWORD": "nope"},
            smtp=settings,
        )
        refused = wrong.run("alerts", "test-email", "me@example.org", check=False)
        assert refused.returncode == 1 and "not sent via 127.0.0.1" in refused.stderr
        assert PASSWORD not in refused.stderr and len(smtp.received) == 1
    finally:
        smtp.stop()
    unset = make_cli(tmp_path, str(tmp_path / "n.db"), NoServer())
    result = unset.run("alerts", "test-email", "me@example.org", check=False)
    assert result.returncode == 2 and "no SMTP server is configured" in result.stderr
