"""`newswatch web` with a user and a scrypt-hashed password, and its actions, over a real server
(a copy of the shared test database): the login form and its session cookie, HTTP Basic for
the API and feeds, 401 for a wrong password, and POST actions that need their form's CSRF token
(403 without it) and `web.actions: true` (read-only otherwise)."""

from __future__ import annotations

import base64
import http.client
import re
import sqlite3
import subprocess
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie

import pytest
import yaml

from newswatch.web.passwords import hash_password, verify_password
from tests.conftest import NEWSWATCH, REPO, Cli
from tests.web_site import Site, WebServer, page_html, start_web

USER, PASSWORD = "analyst", "correct horse battery staple"


@dataclass
class Browser:
    """Requests to one server, keeping its cookies; redirects are answers, not followed."""

    server: WebServer
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None, **headers: str):
        port = int(self.server.base.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Accept": "text/html", **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for value in response.headers.get_all("set-cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers, text

    def token(self, path: str) -> str:
        _, _, body = self.request("GET", path)
        return re.search(r'name="csrftoken" value="([^"]+)"', body).group(1)

    def sign_in(self, password: str = PASSWORD):
        form = {"csrftoken": self.token("/login"), "user": USER, "password": password}
        return self.request("POST", "/login", {**form, "next": "/alerts"})


def _copy(site: Site, folder, web: dict) -> Cli:
    """The shared site's database and settings, with other web settings."""
    source = sqlite3.connect(site.cli.config.parent / "web.db")
    with sqlite3.connect(folder / "web.db") as target:
        source.backup(target)
    source.close()
    settings = yaml.safe_load(site.cli.config.read_text(encoding="utf-8"))
    settings.update(database_url=f"sqlite:///{folder / 'web.db'}", web=web)
    config = folder / "newswatch.yaml"
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return Cli(config)


@pytest.fixture(scope="module")
def signed(web_site: Site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-auth")
    auth = {"user": USER, "password_hash": hash_password(PASSWORD)}
    cli = _copy(web_site, folder, {"auth": auth, "actions": True})
    server = start_web(cli, host="0.0.0.0")  # a user with a password may listen anywhere
    try:
        yield server, cli
    finally:
        server.stop()


def test_pages_send_strangers_to_the_login_form_and_the_api_answers_401(signed) -> None:
    server, _ = signed
    stranger = Browser(server)
    code, headers, _ = stranger.request("GET", "/alerts")
    assert code == 303 and headers["location"] == "/login?next=/alerts"
    for path in ("/api/stories", "/rules/leaders/feed.atom"):
        code, headers, _ = stranger.request("GET", path, Accept="*/*")
        assert code == 401 and headers["www-authenticate"] == 'Basic realm="newswatch"', path
    code, headers, body = stranger.request("GET", "/login")
    assert code == 200 and 'type="password"' in body
    assert "script-src" not in headers["content-security-policy"]


def test_a_wrong_password_gets_401_and_the_form_again(signed) -> None:
    server, _ = signed
    browser = Browser(server)
    code, _, body = browser.sign_in(password="wrong")
    assert code == 401 and "Wrong user or password." in body and 'type="password"' in body
    assert browser.request("GET", "/alerts")[0] == 303  # still not signed in


def test_the_right_password_signs_in_until_signing_out(signed) -> None:
    server, _ = signed
    browser = Browser(server)
    code, headers, _ = browser.sign_in()
    assert code == 303 and headers["location"] == "/alerts"
    code, _, body = browser.request("GET", "/alerts")
    assert code == 200 and f"Sign out {USER}" in body
    token = re.search(r'name="csrftoken" value="([^"]+)"', body).group(1)
    assert browser.request("POST", "/logout", {"csrftoken": token})[0] == 303
    assert browser.request("GET", "/alerts")[0] == 303


def test_http_basic_for_feed_readers_and_scripts(signed) -> None:
    server, _ = signed
    browser = Browser(server)
    good = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    bad = base64.b64encode(f"{USER}:nope".encode()).decode()
    assert browser.request("GET", "/api/stories", Authorization=f"Basic {good}")[0] == 200
    assert browser.request("GET", "/api/stories", Authorization=f"Basic {bad}")[0] == 401
    assert browser.request("GET", "/api/stories", Authorization="Basic %%%")[0] == 401


def test_an_open_redirect_is_not_offered(signed) -> None:
    server, _ = signed
    browser = Browser(server)
    form = {"csrftoken": browser.token("/login"), "user": USER, "password": PASSWORD}
    code, headers, _ = browser.request("POST", "/login", {**form, "next": "//evil.example/"})
    assert code == 303 and headers["location"] == "/"


def test_actions_need_the_csrf_token_of_their_form(signed) -> None:
    server, cli = signed
    browser = Browser(server)
    browser.sign_in()
    mute = {"rule": "leaders", "muted": "1"}
    assert browser.request("POST", "/actions/mute", mute)[0] == 403  # no token
    assert browser.request("POST", "/actions/mute", {**mute, "csrftoken": "forged"})[0] == 403
    stranger = Browser(server)  # not signed in: refused before the token is looked at
    assert stranger.request("POST", "/actions/mute", {**mute, "csrftoken": "x"})[0] == 401
    assert "muted" not in _rule_cell(browser.request("GET", "/alerts")[2], "leaders")

    token = browser.token("/alerts")
    code, headers, _ = browser.request("POST", "/actions/mute", {**mute, "csrftoken": token})
    assert code == 303 and headers["location"] == "/alerts"
    assert _rule_cell(browser.request("GET", "/alerts")[2], "leaders").startswith("muted")
    # muted: a new report it matches queues nothing; unmuted, the next one is queued
    _ingest(cli, "https://tengrinews.kz/kazakhstan_news/2002", "2026-10-01")
    queued = cli.json_lines("alerts", "send", check=False)[-1]
    assert queued["checked"] == 1 and queued["queued"] == 0
    unmute = {"rule": "leaders", "muted": "0", "csrftoken": token}
    assert browser.request("POST", "/actions/mute", unmute)[0] == 303
    assert _rule_cell(browser.request("GET", "/alerts")[2], "leaders").startswith("on")
    _ingest(cli, "https://tengrinews.kz/kazakhstan_news/2003", "2026-08-01")
    queued = cli.json_lines("alerts", "send", check=False)[-1]
    assert queued["checked"] == 1 and queued["queued"] == 1


def test_retry_a_failed_delivery_now(signed) -> None:
    server, cli = signed
    browser = Browser(server)
    browser.sign_in()
    [waiting] = [p for p in cli.json_lines("alerts", "pending") if p["rule"] == "currency"]
    _, _, body = browser.request("GET", "/alerts")
    assert f'name="delivery" value="{waiting["id"]}"' in body
    token = re.search(r'name="csrftoken" value="([^"]+)"', body).group(1)
    form = {"delivery": str(waiting["id"]), "csrftoken": token}
    before = datetime.now(UTC)
    assert browser.request("POST", "/actions/retry", form)[0] == 303
    after = datetime.now(UTC)
    [now] = [p for p in cli.json_lines("alerts", "pending") if p["rule"] == "currency"]
    # Due at the moment of the click, whatever its backoff had said (on a slow machine the
    # backoff may already have run out before the click).
    assert before <= datetime.fromisoformat(now["next_attempt_at"]) <= after
    assert browser.request("POST", "/actions/retry", {**form, "delivery": "999999"})[0] == 404


def test_read_only_by_default(web_site: Site) -> None:
    browser = Browser(web_site.server)
    _, _, body = browser.request("GET", "/alerts")
    assert '<form method="post"' not in body  # no action is offered
    # a script's request (a header no cross-site form can send) gets past CSRF, not further
    code, _, body = browser.request(
        "POST", "/actions/mute", {"rule": "leaders", "muted": "1"}, Authorization="Bearer x"
    )
    assert code == 403 and "read-only" in body
    assert browser.request("POST", "/actions/mute", {"rule": "leaders", "muted": "1"})[0] == 403


def test_hash_password_prints_a_scrypt_hash() -> None:
    result = subprocess.run(
        [str(NEWSWATCH), "web", "--hash-password"],
        input="s3cret\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=60,
    )
    stored = result.stdout.strip()
    assert stored.startswith("scrypt$16384$8$1$") and "s3cret" not in stored
    assert verify_password("s3cret", stored) and not verify_password("s3cret!", stored)


def _ingest(cli: Cli, url: str, day: str) -> None:
    """A report the rule `leaders` matches, of an event of its own (weeks from the others)."""
    path = cli.config.parent / f"late-{day}.html"
    topic = {"2026-10-01": "транзит грузов через Казахстан", "2026-08-01": "водные ресурсы"}[day]
    title = f"Токаев и Рахмон обсудили {topic}"
    text = [f"Касым-Жомарт Токаев и Эмомали Рахмон по телефону обсудили {topic}."]
    path.write_text(page_html(url, "ru", f"{day}T09:00:00+05:00", title, text), "utf-8")
    cli.run("ingest", str(path))


def _rule_cell(body: str, rule: str) -> str:
    row = re.search(rf'href="/\?rule={rule}">{rule}</a>.*?<td class="mute">([^<]*)', body, re.S)
    return row.group(1).strip()
