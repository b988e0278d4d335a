"""Alerts per event, end to end with the real command and a real SMTP server on loopback: three
reports of one phone call in three languages, ingested as saved pages, give ONE alert entry
listing all three (outlet, language, link); a fourth report arriving after the alert sends
nothing new. `events list|show` and `stories list` show the same grouping."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli, NoServer, make_cli
from tests.event_texts import CALL, Report, _at, page
from tests.smtp_server import PASSWORD, SmtpServer

RULES = """\
rules:
  - name: leaders
    query: "@tokayev AND @rahmon"
    recipients: [analyst@example.org]
    delivery: immediate
"""
LATE = Report(
    "call-en", "khovar-en", "https://khovar.tj/eng/call-2025-03-10", "en", _at("2025-03-10", 18),
    "Emomali Rahmon holds a phone conversation with Kassym-Jomart Tokayev",
    "President Emomali Rahmon held a phone conversation with President of Kazakhstan "
    "Kassym-Jomart Tokayev. The sides discussed energy cooperation and the supply of 450 "
    "thousand tonnes of grain.",
)  # fmt: skip


def _ingest(cli: Cli, tmp_path: Path, report: Report) -> None:
    path = tmp_path / f"{report.key}.html"
    path.write_text(page(report), encoding="utf-8")
    cli.run("ingest", "--url", report.url, "--source", report.source, str(path))


def test_three_reports_in_three_languages_make_one_alert_entry(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    server = SmtpServer().start()
    try:
        cli = make_cli(
            tmp_path,
            f"sqlite:///{tmp_path / 'events.db'}",
            NoServer(),
            env={"NEWSWATCH_SMTP__PASSWORD": PASSWORD},
            rules_file=str(rules),
            smtp=server.settings(),
            alerts={"alert_backlog": True},  # the reports are dated 2025: older than max_age
        )
        for report in CALL:
            _ingest(cli, tmp_path, report)
        cli.run("alerts", "send")
        [mail] = server.received
        _ingest(cli, tmp_path, LATE)
        late = cli.json_lines("alerts", "send")
        assert len(server.received) == 1
    finally:
        server.stop()

    assert late == [late[0]] and late[0]["queued"] == 0 and late[0]["sent_messages"] == 0
    text = mail.message.get_body(preferencelist=("plain",)).get_content()
    titles = [r.title for r in CALL if r.title in text]
    assert len(titles) == 1  # one entry for the event, not one per report
    for report in CALL:
        assert text.count(report.url) == 1, report.url
    assert "(kk): https://baq.kz/call-2025-03-10" in text
    assert "(tg): https://khovar.tj/call-2025-03-10" in text
    assert "newswatch · 1 story · rule leaders" in text and "analyst@example.org" not in text
    [sent] = cli.json_lines("alerts", "sent")

    [event] = cli.json_lines("events", "list")
    assert event["id"] == sent["event_id"]
    assert event["languages"] == ["en", "kk", "ru", "tg"]
    assert sorted(r["url"] for r in event["reports"]) == sorted(r.url for r in [*CALL, LATE])
    assert {r["how"] for r in event["reports"]} == {"new", "scored"}
    shown = cli.json_lines("events", "show", str(event["id"]))[0]
    scored = [r for r in shown["reports"] if r["how"] == "scored"]
    assert all(r["score"] > 0 and r["reasons"] for r in scored)
    assert "both call" in "\n".join(cli.run("events", "show", str(event["id"])).stdout.splitlines())
    stories = cli.json_lines("stories", "list")
    assert len(stories) == 4 and {s["event_id"] for s in stories} == {event["id"]}
