"""Chat and webhook channels through Apprise, against a real HTTP receiver on loopback: an
Apprise json:// webhook gets each alert exactly once across a receiver outage, restarts of the
alert worker (each `newswatch alerts` command is a new process) and a kill -9 after the
receiver's 2xx, whose resend carries the same idempotency key and payload. The channel's
secret comes from the environment and reaches neither the output nor the database."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from newswatch.alerts.channels import ChannelError, expand, label, send, with_key
from newswatch.alerts.rules import load_rules
from newswatch.config.errors import ConfigError
from newswatch.config.settings import Settings
from newswatch.scheduler.alerting import AlertReport
from newswatch.scheduler.channel_posts import _posts, deliver_channels
from newswatch.storage import outbox
from newswatch.storage.db import open_database
from newswatch.storage.models import AlertDelivery
from tests.conftest import NEWSWATCH, REPO, Cli, NoServer, make_cli
from tests.daemon_harness import wait_until
from tests.event_texts import CALL, VISIT, Report, page
from tests.smtp_server import free_port
from tests.webhook_receiver import Receiver

SECRET = "hook-s3cret-7f2a9c"
RULES = """\
rules:
  - name: leaders
    query: "@tokayev AND @rahmon"
    channels: ["json://127.0.0.1:{port}/hook?+X-Token=${{HOOK_TOKEN}}&rto=60"]
"""  # rto: Apprise's read timeout; a held answer waits for the kill, however loaded the machine


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def _ingest(cli: Cli, tmp_path: Path, *reports: Report) -> None:
    paths = []
    for report in reports:
        paths.append(tmp_path / f"{report.key}.html")
        paths[-1].write_text(page(report), encoding="utf-8")
    cli.run("ingest", *map(str, paths))  # URL and source from each page's canonical link


def _worker(cli: Cli) -> subprocess.Popen:
    """`newswatch alerts retry` left running, to be killed."""
    return subprocess.Popen(
        [str(NEWSWATCH), "--config", str(cli.config), "alerts", "retry"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
        env={**os.environ, **cli.env},
    )


def _outbox(url: str, status: str) -> list[dict]:
    """The deliveries in `status`, read as `newswatch alerts pending|sent` would."""
    sessions = open_database(url, read_only=True)
    with sessions() as session:
        rows = outbox.listing(session, status)
        return [
            {"recipient": d.recipient, "attempts": d.attempts, "error": d.last_error,
             "key": d.message_id}
            for d in rows
        ]  # fmt: skip


def _in_process_worker(url: str, monkeypatch) -> AlertReport:
    """One more start of the alert worker, in this process: `alerts send` without the CLI."""
    monkeypatch.setenv("HOOK_TOKEN", SECRET)
    report = AlertReport()
    deliver_channels(Settings(database_url=url), open_database(url), [], report)
    return report


def test_a_webhook_gets_each_alert_once_across_an_outage_restarts_and_a_kill(
    tmp_path: Path, receiver: Receiver, monkeypatch
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES.format(port=receiver.port), encoding="utf-8")
    database = tmp_path / "channels.db"
    url = f"sqlite:///{database}"
    cli = make_cli(
        tmp_path,
        url,
        NoServer(),
        env={"HOOK_TOKEN": SECRET},
        rules_file=str(rules),
        alerts={"alert_backlog": True},  # the reports are dated 2025
    )
    call, visit = CALL[0], VISIT[1]  # two events
    _ingest(cli, tmp_path, call, visit)
    outputs = []

    receiver.status = 500  # outage
    outputs.append(cli.run("alerts", "send", check=False))
    assert outputs[-1].returncode == 1 and "0 channel posts sent, 2 failed" in outputs[-1].stdout
    pending = _outbox(url, "pending")
    assert [p["attempts"] for p in pending] == [1, 1]
    assert all("error=500" in p["error"] for p in pending)
    assert all(p["recipient"].startswith(f"json://127.0.0.1:{receiver.port} #") for p in pending)
    [first_key, _] = [post.key for post in receiver.posts]
    backoff = _in_process_worker(url, monkeypatch)  # both wait out their backoff
    assert (backoff.sent_posts, backoff.failed_posts, len(receiver.posts)) == (0, 0, 2)

    receiver.status, receiver.hold = 200, True  # back, and the next 2xx is held
    worker = _worker(cli)
    wait_until("a post got its 2xx status, its sender waits for the body", receiver.held.is_set)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    receiver.release.set()
    assert receiver.posts[-1].key == first_key  # the oldest message goes first

    outputs.append(cli.run("alerts", "retry"))  # a new worker: resends that post, sends the other
    assert _in_process_worker(url, monkeypatch).sent_posts == 0  # and once more: nothing left
    assert _outbox(url, "pending") == []
    sent = _outbox(url, "sent")

    posts = receiver.by_key()
    assert len(receiver.posts) == 5 and len(posts) == 2 == len(sent)
    assert sorted(s["key"] for s in sent) == sorted(posts)
    assert [p.status for p in posts[first_key]] == [500, 200, 200]  # outage, kill, resend
    [other] = [k for k in posts if k != first_key]
    assert [p.status for p in posts[other]] == [500, 200]
    for key, copies in posts.items():
        # every attempt of one alert is the same payload with the same key
        assert all(p.body == copies[0].body for p in copies)
        assert copies[0].body["idempotency_key"] == key
        assert all(p.headers["X-Token"] == SECRET and p.path == "/hook" for p in copies)
    messages = " ".join(copies[0].body["message"] for copies in posts.values())
    assert call.url in messages and visit.url in messages
    assert {copies[0].body["title"] for copies in posts.values()} == {
        f"[newswatch] leaders: {call.title}",
        f"[newswatch] leaders: {visit.title}",
    }
    for result in outputs:
        assert SECRET not in result.stdout + result.stderr
    assert SECRET.encode() not in database.read_bytes()  # the URL is stored as written


def _rules_with(tmp_path: Path, *channels: str) -> Path:
    path = tmp_path / "rules.yaml"
    quoted = ", ".join(f"'{c}'" for c in channels)
    path.write_text(
        f'rules:\n  - name: r\n    query: "@tokayev"\n    channels: [{quoted}]\n', "utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("nope://host/x", "Apprise has no service 'nope'"),
        ("hooks.example.org/x", "not an Apprise URL"),
        ("json://host/x?token=${TOKEN", "write environment variables as ${NAME}"),
        ("json://host/x y", "cannot hold spaces"),
        ("tgram://not-a-bot-token/123", "[0] tgram://… #"),
    ],
)
def test_a_bad_channel_url_is_refused_when_the_rules_load(tmp_path, url, reason) -> None:
    with pytest.raises(ConfigError) as error:
        load_rules(_rules_with(tmp_path, url))
    assert "rules[0] (name=r).channels: [0]" in str(error.value) and reason in str(error.value)


def test_channels_load_with_secrets_unset_and_never_show_them(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("NW_TEST_TOKEN", raising=False)
    url = "tgram://${NW_TEST_TOKEN}/12345"
    [rule] = load_rules(_rules_with(tmp_path, url))
    assert rule.channels == (url,) and rule.recipients == ()
    with pytest.raises(ChannelError, match="NW_TEST_TOKEN not set for tgram://… #"):
        expand(url, {})
    token = "123456789:AAbbCCddEEffGGhh"
    assert expand(url, {"NW_TEST_TOKEN": token}) == (f"tgram://{token}/12345", [token])
    # a token written into the URL is masked by Apprise's privacy form, the path is left out
    secret = "TIiajkdnlazkcOXrIdevi7FQ"
    shown = label(f"slack://T1JJ3T3L2/A1BRTD4JD/{secret}/#general")
    assert secret not in shown and shown.startswith("slack://T...2 #")
    assert label("json://a/x") != label("json://a/y")  # one label per URL


def test_only_webhooks_get_the_key_in_their_url() -> None:
    assert with_key("json://h/x?a=1", "k") == "json://h/x?a=1&+Idempotency-Key=k&:idempotency_key=k"
    assert with_key("xml://h/x", "k") == "xml://h/x?+Idempotency-Key=k"
    assert with_key("tgram://t/1", "k") == "tgram://t/1"


def test_a_rule_needs_recipients_or_channels(tmp_path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text('rules:\n  - name: r\n    query: "@tokayev"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"give 'recipients' .* or 'channels'"):
        load_rules(path)


def test_a_failed_post_says_why_without_the_secrets_it_was_sent_with() -> None:
    closed = free_port()  # nothing listens: connection refused
    with pytest.raises(ChannelError) as error:
        send(f"json://${{NW_HOST}}:{closed}/x", "title", "body", "key", {"NW_HOST": "127.0.0.1"})
    assert "Connection error" in str(error.value) and "127.0.0.1" not in str(error.value)


def test_immediate_deliveries_post_one_by_one_digests_one_per_channel_and_rule() -> None:
    def delivery(id_: int, mode: str, channel: str, rule: str = "r") -> AlertDelivery:
        return AlertDelivery(id=id_, mode=mode, recipient=channel, rule=rule)

    due = [
        delivery(1, "immediate", "a"),
        delivery(2, "immediate", "a"),
        delivery(3, "digest", "a"),
        delivery(4, "digest", "b"),
        delivery(5, "digest", "a"),
        delivery(6, "digest", "a", rule="s"),
    ]
    assert [[d.id for d in post] for post in _posts(due)] == [[1], [2], [3, 5], [4], [6]]


def test_form_and_xml_webhooks_carry_the_key_too(receiver: Receiver) -> None:
    for scheme in ("form", "xml"):
        send(f"{scheme}://127.0.0.1:{receiver.port}/{scheme}", "Title", "Body", f"key-{scheme}")
    form, xml = receiver.posts
    assert form.key == "key-form" and "idempotency_key=key-form" in form.body["raw"]
    assert xml.key == "key-xml" and "<Subject>Title</Subject>" in xml.body["raw"]
