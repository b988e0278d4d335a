"""`newswatch web` over HTTP: a real server on a free port, a real SQLite file filled by the
real CLI. What a user sees: the stream and its filters, a story with its reports and marked
words, search in another inflected form, the query trial's error column, alert counts, the
Atom feed, the JSON API matching the CLI's --json, and the security rules."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
from datetime import UTC, datetime

import feedparser
import pytest

from newswatch.web.security import RateLimit
from tests.conftest import Cli
from tests.web_site import EVIL_TITLE, TOKEN, Site, WebServer, get, start_web


@pytest.fixture
def site(web_site: Site) -> tuple[WebServer, Cli]:
    return web_site.server, web_site.cli


@pytest.fixture
def stories(web_site: Site) -> list[dict]:
    return web_site.stories


def page(server: WebServer, path: str, status: int = 200) -> str:
    code, _, body = get(server.base + path)
    assert code == status, body
    return body


def titles(body: str) -> list[str]:
    return re.findall(r'class="story-title" href="/stories/\d+">([^<]*)</a>', body)


def q(text: str) -> str:
    return urllib.parse.quote(text)


def test_stream_is_one_entry_per_event_newest_first_and_filters(site) -> None:
    server, _ = site
    body = page(server, "/")
    everything = titles(body)
    # the leaders' two reports (kk on the 20th, ru on the 21st) are one event: one entry,
    # titled by its first report, the other story linked under it
    assert everything[:2] == [
        "Курс тенге укрепился к доллару",
        "Тоқаев пен Рахмон Астанада кездесті",
    ]
    assert len(everything) == 3
    also = re.search(r'<ul class="also">(.*?)</ul>', body, re.S)
    assert also and "Токаев и Рахмон провели переговоры в Астане" in also.group(1)
    assert "2 reports" in body
    assert titles(page(server, "/?language=kk")) == ["Тоқаев пен Рахмон Астанада кездесті"]
    assert titles(page(server, "/?language=ru"))[:2] == everything[:2]  # any of its reports
    assert titles(page(server, "/?source=kazpravda")) == ["Курс тенге укрепился к доллару"]
    assert titles(page(server, "/?rule=leaders")) == [everything[1]]
    assert titles(page(server, "/?since=2026-11-20&until=2026-11-20")) == [everything[1]]
    assert titles(page(server, "/?since=2026-11-21&until=2026-11-21")) == []  # its first day
    assert "not a date" in page(server, "/?since=yesterday", status=400)


def test_story_page_lists_every_report_and_marks_why_it_matched(site, stories) -> None:
    server, _ = site
    story = next(s for s in stories if s["sources"] == ["baq-kz"])
    body = page(server, f"/stories/{story['id']}")
    assert "BAQ.KZ" in body or "baq" in body.lower()
    assert 'href="https://baq.kz/news/1001"' in body
    assert "2026-11-20 10:00 +05" in body  # the publisher's time, with its zone
    assert "<mark>Тоқаев</mark>" in body and "<mark>Рахмон</mark>" in body
    assert "Why it matched" in body and "<strong>leaders</strong>" in body


def test_markup_in_stored_titles_and_texts_renders_as_text(site, stories) -> None:
    server, _ = site
    story = next(s for s in stories if s["sources"] == ["ru24"])
    assert story["title"] == EVIL_TITLE
    for path in ("/", f"/stories/{story['id']}", f"/search?q={q('разметкой')}"):
        body = page(server, path)
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body, path
        assert "<script" not in body and "<img" not in body, path
    assert "&lt;img src=x onerror=alert(1)&gt;" in page(server, f"/stories/{story['id']}")


def test_search_finds_a_kazakh_word_in_another_form(site) -> None:
    server, cli = site
    body = page(server, f"/search?q={q('Тәжікстанға')}")
    assert "1 article with every word" in body
    assert "<mark>Тәжікстанның</mark>" in body
    found = cli.json_lines("search", "Тәжікстанға")
    assert [a["url"] for a in found] == ["https://baq.kz/news/1001"]
    assert "Тәжікстанның" in found[0]["matched"]
    api = json.loads(page(server, f"/api/search?q={q('Тәжікстанға')}"))
    assert [a["id"] for a in api] == [found[0]["id"]]


def test_search_input_is_bounded(site) -> None:
    server, cli = site
    assert "at most 200 characters" in page(server, f"/search?q={q('а' * 201)}", status=400)
    result = cli.run("search", "!!!", check=False)
    assert result.returncode == 2 and "type at least one word" in result.stderr


def test_trying_a_query_points_at_the_error_column(site) -> None:
    server, _ = site
    body = page(server, f"/rules?q={q('Токаев AND (Рахмон OR')}")
    assert 'column <span class="column">22</span>: expected a term' in body  # the end
    ok = page(server, f"/rules?q={q('переговоры')}")
    assert "1 of the newest 4 stored articles match" in ok
    assert "Токаев и Рахмон провели переговоры в Астане" in ok


def test_sources_page_shows_health_and_new_items_per_day(site) -> None:
    server, _ = site
    body = page(server, "/sources")
    row = re.search(r"<tr[^>]*>\s*<td>BAQ[^<]*<span class=\"id\">baq-kz</span>.*?</tr>", body, re.S)
    assert row, body
    assert "never run" in row.group()  # ingested by hand, never crawled
    today = datetime.now(UTC).date().isoformat()
    assert f"<title>{today}: 1 new</title>" in row.group()


def test_alerts_page_counts_per_rule(site) -> None:
    server, _ = site
    body = page(server, "/alerts")
    rows = dict(re.findall(r'href="/\?rule=([\w-]+)">[\w-]+</a></td>((?:<td>\d+</td>){3})', body))
    # sent, not tried yet, failed and retried: no mail server, every match failed once; the
    # leaders' two reports (ru, kk) are one event, so one delivery
    assert rows == {
        "leaders": "<td>0</td><td>0</td><td>1</td>",
        "currency": "<td>0</td><td>0</td><td>1</td>",
    }


def test_atom_feed_per_rule(site) -> None:
    server, _ = site
    code, headers, body = get(server.base + "/rules/leaders/feed.atom")
    assert code == 200 and headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.version == "atom10"
    assert [e.title for e in feed.entries] == [
        "Токаев и Рахмон провели переговоры в Астане",
        "Тоқаев пен Рахмон Астанада кездесті",
    ]
    assert feed.entries[0].link == "https://tengrinews.kz/kazakhstan_news/2001"
    assert get(server.base + "/rules/nope/feed.atom")[0] == 404


def test_json_api_gives_what_the_cli_gives(site, stories) -> None:
    server, cli = site
    assert json.loads(page(server, "/api/stories")) == stories
    assert json.loads(page(server, "/api/articles")) == cli.json_lines("articles", "list")
    status = cli.json_lines("status")
    assert json.loads(page(server, "/api/sources")) == status[:-1]  # the last line: outbox
    assert json.loads(page(server, "/api/alerts")) == cli.json_lines("alerts", "pending")
    first = stories[0]
    assert json.loads(page(server, f"/api/stories/{first['id']}")) == first
    assert json.loads(page(server, "/api/stories/999999", status=404)) == {"error": "no such story"}


def test_read_only_with_a_strict_content_security_policy(site) -> None:
    server, _ = site
    _, headers, _ = get(server.base + "/")
    assert "script-src" not in headers["content-security-policy"]
    assert headers["content-security-policy"].startswith("default-src 'none'")
    import urllib.request

    request = urllib.request.Request(server.base + "/", data=b"x=1", method="POST")
    try:
        urllib.request.urlopen(request, timeout=60)
        raise AssertionError("POST was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 405


def test_searches_are_rate_limited_per_client() -> None:
    limit = RateLimit(per_window=3, window_seconds=10)
    assert [limit.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limit.allow("b", now=3)  # another client is not slowed
    assert limit.allow("a", now=10.5)  # the first request left the window


def test_other_addresses_need_a_token(site) -> None:
    cli = Cli(site[1].config)
    refused = cli.run("web", "--host", "0.0.0.0", "--port", "1", check=False)
    assert refused.returncode == 2
    assert "refusing to listen on 0.0.0.0 without a token" in refused.stderr
    cli.env["NEWSWATCH_WEB__AUTH"] = TOKEN
    server = start_web(cli, host="0.0.0.0", token=TOKEN)
    try:
        for path in ("/", "/api/stories", "/static/style.css", "/rules/leaders/feed.atom"):
            code, headers, _ = get(server.base + path)
            assert code == 401, path
            assert "content-security-policy" in {k.lower() for k in headers}
        assert get(server.base + "/", {"Authorization": "Bearer wrong"})[0] == 401
        assert get(server.base + "/", {"Authorization": f"Bearer {TOKEN}"})[0] == 200
        code, headers, _ = get(server.base + f"/rules/leaders/feed.atom?token={TOKEN}")
        assert code == 200 and "HttpOnly" in headers["set-cookie"]
        cookie = headers["set-cookie"].split(";")[0]
        assert get(server.base + "/sources", {"Cookie": cookie})[0] == 200
    finally:
        server.stop()
