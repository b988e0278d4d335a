"""Alerts end to end: the fixture sites crawled into a real SMTP server on loopback (aiosmtpd).
Each seed event gives exactly one alert entry per recipient, the syndicated copy and the other
report of the same visit no second one, the decoys none; a down or refusing server loses and
doubles nothing, across restarts."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tests.conftest import REPO, Cli, make_cli
from tests.expectations import load_expected
from tests.smtp_server import PASSWORD, SmtpServer, free_port

RULES = REPO / "tests" / "data" / "rules.yaml"
RECIPIENTS = ["analyst@example.org", "desk@example.org"]
EXPECTED = load_expected()
SEEDS = [e for e in EXPECTED if e.kind == "seed"]
DECOYS = [e for e in EXPECTED if e.kind == "decoy"]
SECRET_ENV = {"NEWSWATCH_SMTP__PASSWORD": PASSWORD}
# Seeds 000 and 001 report two meetings of one official visit (the Majlisi Milli chairman in
# Astana, August 2025): one event. The others are an event each.
EVENT_OF_SEED = {"000": "visit-2025-08", "001": "visit-2025-08", "002": "002", "003": "003",
                 "004": "004"}  # fmt: skip
SEED_EVENTS = {EVENT_OF_SEED[e.seed] for e in SEEDS if e.seed}


def _cli(tmp_path, fixture_server, smtp: dict) -> Cli:
    return make_cli(
        tmp_path,
        f"sqlite:///{tmp_path / 'alerts.db'}",
        fixture_server,
        env=SECRET_ENV,
        rules_file=str(RULES),
        smtp=smtp,
    )


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


@pytest.fixture(scope="module")
def delivered(fixture_server, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("alerts")
    server = SmtpServer().start()
    try:
        cli = _cli(tmp_path, fixture_server, server.settings())
        # the fixture stories are the sources' backlog: alerted because the operator asks
        first = cli.run("--log-level", "DEBUG", "crawl", "--alert-backlog")
        after_first = list(server.received)
        cli.run("crawl")
        yield cli, after_first, list(server.received), first.stderr
    finally:
        server.stop()


def test_one_email_per_recipient_with_every_seed_story_once(delivered) -> None:
    _, received, _, _ = delivered
    assert sorted(r for mail in received for r in mail.recipients) == RECIPIENTS
    for mail in received:
        assert mail.message["To"] == mail.recipients[0]
        assert mail.message["From"] == "alerts@newswatch.example"
        text, html = _parts(mail.message)
        assert mail.message["Subject"].startswith("[newswatch] tajik-kazakh: ")
        assert mail.message["Subject"].endswith(f"(+{len(SEED_EVENTS) - 1} more)")
        for event in SEED_EVENTS:
            titles = {e.title for e in SEEDS if EVENT_OF_SEED[e.seed or ""] == event}
            # one entry per event: the syndicated copy and the other report are no second one
            assert sum(text.count(title) for title in titles) == 1, titles
        for decoy in DECOYS:
            assert decoy.title not in text
        for seed in SEEDS:
            if seed.source != "ru24":
                assert seed.url in text and f'href="{seed.url}"' in html
        assert "Also reported by:" in text and "https://ru24.pro/world/389123456/" in text
        assert "<mark>" in html and "*" in text


def test_a_second_crawl_sends_nothing(delivered) -> None:
    cli, first, everything, _ = delivered
    assert len(everything) == len(first) == len(RECIPIENTS)
    sent = cli.json_lines("alerts", "sent")
    assert len(sent) == len(SEED_EVENTS) * len(RECIPIENTS)
    assert cli.json_lines("alerts", "pending") == []


def test_the_password_appears_in_no_log_line(delivered) -> None:
    _, _, _, debug_log = delivered
    assert "alert email to analyst@example.org" in debug_log
    assert PASSWORD not in debug_log


def test_smtp_down_then_refusing_then_up_delivers_each_alert_once(
    fixture_server,
    tmp_path,
) -> None:
    port = free_port()  # nothing listens here yet
    server = SmtpServer(port)
    cli = _cli(tmp_path, fixture_server, server.settings())
    crawl = cli.run("crawl", "--source", "khovar-en", "--alert-backlog")
    assert "2 failed (will retry)" in crawl.stdout  # one email per recipient
    [pending] = [p for p in cli.json_lines("alerts", "pending") if p["recipient"] == RECIPIENTS[0]]
    assert pending["attempts"] == 1 and "ConnectionRefusedError" in pending["last_error"]
    _shows_the_failed_emails(cli)

    server.start()
    try:
        server.handler.refuse_with = "451 4.3.0 Mailbox busy, try again later"
        assert cli.run("alerts", "send", check=False).stdout.startswith("0 emails sent")  # backoff
        result = cli.run("alerts", "retry", check=False)
        assert result.returncode == 1 and "SMTP 451" in result.stdout
        assert {p["attempts"] for p in cli.json_lines("alerts", "pending")} == {2}
        assert server.received == []

        server.handler.refuse_with = None
        cli.run("alerts", "retry")  # a new process each time: state is in the database only
        cli.run("alerts", "retry")
        cli.run("crawl", "--source", "khovar-en")
    finally:
        server.stop()
    assert sorted(r for mail in server.received for r in mail.recipients) == RECIPIENTS
    assert cli.json_lines("alerts", "pending") == []
    sent = cli.json_lines("alerts", "sent")
    assert {s["attempts"] for s in sent} == {3}
    assert {s["message"]["state"] for s in sent} == {"sent"}
    assert {s["message_id"] for s in sent} == {s["message"]["message_id"] for s in sent}
    *_, summary = cli.json_lines("status")
    assert (summary["emails_unsent"], summary["emails_failed"]) == (0, 0)


def _shows_the_failed_emails(cli: Cli) -> None:
    """The emails composed and not sent (alert_messages) are in `alerts pending` and `status`,
    as tables and as JSON: each recipient's one email, its Message-ID, state and error."""
    emails = {p["recipient"]: p["message"] for p in cli.json_lines("alerts", "pending")}
    assert sorted(emails) == RECIPIENTS
    for email in emails.values():
        assert email["status"] == "pending" and email["state"] == "failed"
        assert email["attempts"] == 1 and "ConnectionRefusedError" in email["last_error"]
        assert email["message_id"].startswith("<") and email["subject"].startswith("[newswatch]")
    table = cli.run("alerts", "pending").stdout
    assert "2 emails composed and not sent yet" in table
    assert all(e["message_id"] in table for e in emails.values())
    *_, summary = cli.json_lines("status")
    assert (summary["emails_unsent"], summary["emails_failed"]) == (2, 2)
    assert "2 emails composed and not sent (2 failed" in cli.run("status").stdout


def test_rules_test_runs_a_rule_over_stored_articles(delivered) -> None:
    cli, _, _, _ = delivered
    matches = cli.json_lines("rules", "test", "tajik-kazakh", "--rules", str(RULES))
    assert sorted(m["url"] for m in matches) == sorted(e.url for e in SEEDS)
    assert all(m["score"] > 0 and m["terms"] for m in matches)
