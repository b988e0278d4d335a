"""What an alert email holds, end to end (real crawls of the fixture sites, a real SMTP server on
loopback): the aggregator's copy (ru24) is crawled and matched before the original (Tengrinews),
yet the entry leads with the original and lists the copy under "Also reported by"; a story two
rules match is one entry naming both; both recipients read the same email; times carry their
zone; "Matched:" is one line of words, the full explanation a link to the story's page."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tests.conftest import make_cli
from tests.expectations import load_expected
from tests.smtp_server import PASSWORD, SmtpServer

RULES = """\
rules:
  - name: tajik-kazakh
    topic: tajik-kazakh
    recipients: [analyst@example.org, desk@example.org]
    delivery: immediate
  - name: leaders
    query: "@tokayev AND @rahmon"
    recipients: [analyst@example.org, desk@example.org]
    delivery: immediate
"""
BASE_URL = "https://newswatch.example.org"
[ORIGINAL] = [e for e in load_expected() if e.seed == "003" and e.source == "tengrinews"]
[COPY] = [e for e in load_expected() if e.seed == "003" and e.source == "ru24"]


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


@pytest.fixture(scope="module")
def mails(fixture_server, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("entries")
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    settings = {
        "rules_file": str(rules),
        "web": {"base_url": BASE_URL + "/"},
        "alerts": {"alert_backlog": True},  # the fixture stories are old: alerted on request
    }
    url = f"sqlite:///{tmp_path / 'entries.db'}"
    server = SmtpServer().start()
    try:
        # no SMTP host yet: the copy's deliveries wait in the outbox, the original joins later
        quiet = make_cli(tmp_path, url, fixture_server, **settings)
        # exit 2: alerts due and no SMTP server; the original then joins the copy's event
        assert quiet.run("crawl", "--source", "ru24", check=False).returncode == 2
        assert quiet.run("crawl", "--source", "tengrinews", check=False).returncode in (0, 2)
        cli = make_cli(
            tmp_path,
            url,
            fixture_server,
            env={"NEWSWATCH_SMTP__PASSWORD": PASSWORD},
            smtp=server.settings(),
            **settings,
        )
        pending = cli.json_lines("alerts", "pending")
        cli.run("alerts", "send")
    finally:
        server.stop()
    return pending, server.received


def test_the_copy_was_matched_first(mails) -> None:
    pending, _ = mails
    # the deliveries point at the copy: the email must still lead with the original
    assert {p["url"] for p in pending if p["rule"] == "leaders"} == {COPY.url}


def test_the_original_leads_and_the_copy_is_also_reported(mails) -> None:
    _, received = mails
    for mail in received:
        text, html = _parts(mail.message)
        entry = text.split(ORIGINAL.title, 1)[1].split("----------", 1)[0]
        assert entry.index(ORIGINAL.url) < entry.index("Also reported by:")
        assert entry.index("Also reported by:") < entry.index(COPY.url)
        assert "Tengrinews.kz · 2024-08-22 13:05 +05:00 · ru" in entry
        assert f'<a href="{ORIGINAL.url}">' in html and "<mark>" in html


def test_one_entry_per_story_naming_every_rule_that_matched(mails) -> None:
    _, received = mails
    for mail in received:
        text, html = _parts(mail.message)
        assert text.count(ORIGINAL.title) == 1 and html.count(f'href="{ORIGINAL.url}"') == 1
        assert "Rules: leaders, tajik-kazakh (score" in text
        entries = text.count("\nMatched: ")
        assert mail.message["Subject"].startswith("[newswatch] leaders, tajik-kazakh: ")
        more = f"(+{entries - 1} more)" if entries > 1 else ""
        assert mail.message["Subject"].endswith(more or ORIGINAL.title[-20:])
        stories = "1 story" if entries == 1 else f"{entries} stories"
        assert f"newswatch · {stories} · rules leaders, tajik-kazakh" in text
        assert f"newswatch · {stories} · rules leaders, tajik-kazakh" in html


def test_matched_is_one_line_of_words_and_the_tree_is_on_the_web_page(mails) -> None:
    _, received = mails
    text, html = _parts(received[0].message)
    entry = text.split(ORIGINAL.title, 1)[1]
    matched = entry.split("Matched: ", 1)[1].split("\n", 1)[0]
    assert "Токаев" in matched and "Рахмон" in matched
    assert "$" not in text and "WEIGHTS" not in text and "threshold" not in text
    assert f"Why it matched: {BASE_URL}/stories/" in entry
    assert f'href="{BASE_URL}/stories/' in html


def test_both_recipients_read_the_same_email(mails) -> None:
    _, received = mails
    assert sorted(r for mail in received for r in mail.recipients) == [
        "analyst@example.org",
        "desk@example.org",
    ]
    first, second = received
    assert _parts(first.message) == _parts(second.message)
    assert first.message["Subject"] == second.message["Subject"]
    assert "analyst@example.org" not in _parts(first.message)[0]
