"""Small pure functions: URL keys, decoding, feed and sitemap parsing, chrome lines, origin map."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from newswatch.crawler.boilerplate import is_chrome_line
from newswatch.crawler.encoding import decode_body, looks_binary
from newswatch.crawler.feeds import parse_feed
from newswatch.crawler.sitemaps import parse_sitemap
from newswatch.crawler.urls import domain_allowed, map_url, normalize_url


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://kazpravda.kz/n/x/?utm_source=tg&utm_medium=social", "https://kazpravda.kz/n/x/"),
        ("http://KAZPRAVDA.kz:80/n/x/#comments", "https://kazpravda.kz/n/x/"),
        ("https://tengrinews.kz/a/?fbclid=IwAR0&id=5", "https://tengrinews.kz/a/?id=5"),
        ("https://x.kz/a?b=2&a=1", "https://x.kz/a?a=1&b=2"),
    ],
)
def test_same_article_urls_share_one_key(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)


def test_different_articles_keep_different_keys() -> None:
    assert normalize_url("https://x.kz/a?id=1") != normalize_url("https://x.kz/a?id=2")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://khovar.tj/eng/x", True),
        ("https://www.khovar.tj/x", True),
        ("https://evilkhovar.tj/x", False),
        ("https://khovar.tj.evil.example/x", False),
        ("ftp://khovar.tj/x", False),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_http_urls_of_configured_domains(url: str, allowed: bool) -> None:
    assert domain_allowed(url, ["khovar.tj"]) is allowed


def test_decoding_trusts_bytes_over_wrong_labels() -> None:
    text = "Таджикистан и Казахстан"
    assert decode_body(text.encode("cp1251"), "utf-8") == (text, "cp1251")
    assert decode_body(text.encode("utf-8"), "windows-1251") == (text, "utf-8")
    page = f'<html><head><meta charset="windows-1251"></head><body>{text}</body></html>'
    assert decode_body(page.encode("cp1251"), None)[0] == page


def test_binary_bodies_are_recognised() -> None:
    assert looks_binary(b"%PDF-1.7 ...")
    assert looks_binary(b"\x89PNG\r\n\x1a\n")
    assert not looks_binary("<html>Қазақстан</html>".encode())


def test_feed_with_undeclared_cp1251_is_read_right() -> None:
    rss = (
        "<rss version='2.0'><channel><title>Лента</title><item><title>Душанбе &amp; Астана</title>"
        "<link>https://karavaninfo.tj/a/1</link><pubDate>Wed, 27 Aug 2025 11:40:00 +0500</pubDate>"
        "</item></channel></rss>"
    ).encode("cp1251")
    result = parse_feed(rss)
    assert result.problem is None
    [entry] = result.entries
    assert entry.title == "Душанбе & Астана"
    assert entry.published == datetime(2025, 8, 27, 6, 40, tzinfo=UTC)


def test_feed_titles_lose_markup_and_entities() -> None:
    rss = (
        b"<rss version='2.0'><channel><item><title>&lt;b&gt;Tokayev&lt;/b&gt; &amp;quot;"
        b"visit&amp;quot;</title><link>https://x.kz/1</link></item></channel></rss>"
    )
    assert parse_feed(rss).entries[0].title == 'Tokayev "visit"'


def test_google_news_sitemap_gives_titles_and_times() -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://kazpravda.kz/n/a/</loc><news:news>
    <news:publication><news:name>Kazpravda</news:name><news:language>ru</news:language></news:publication>
    <news:publication_date>2025-08-26T15:12:00+05:00</news:publication_date>
    <news:title>Спикер Сената</news:title></news:news></url>
</urlset>""".encode()
    result = parse_sitemap(xml)
    assert result.kind == "urlset"
    [entry] = result.entries
    assert (entry.loc, entry.title) == ("https://kazpravda.kz/n/a/", "Спикер Сената")
    assert entry.published.isoformat() == "2025-08-26T15:12:00+05:00"


def test_sitemap_problems_are_explained() -> None:
    assert parse_sitemap(b"<html><body>hi</body></html>").problem.startswith("not a sitemap")
    assert parse_sitemap(b"").problem


def test_sitemap_entities_are_not_expanded() -> None:
    xml = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e;</loc></url></urlset>"""
    assert all("root:" not in e.loc for e in parse_sitemap(xml).entries)


@pytest.mark.parametrize(
    "line",
    [
        "Фото: пресс-служба Сената",
        "ФОТО: Официальный сайт Президента Республики Казахстан",
        "Read also",
        "Наши новости теперь в WhatsApp! Подписывайтесь на наш канал в самом популярном "
        "мессенджере",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Фотовыставка открылась в Душанбе и продлится до конца месяца.",
        "Маулен Ашимбаев подчеркнул, что Таджикистан является важным стратегическим "
        "партнером Казахстана и надежным союзником, а в Telegram-канале Сената опубликованы "
        "подробности встречи и фотографии с переговоров, которые прошли в Астане в рамках "
        "официального визита делегации.",
    ],
)
def test_text_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


def test_origin_map_keeps_paths_and_queries() -> None:
    mapping = {"https://baq.kz": "http://127.0.0.1:9/baq.kz"}
    assert (
        map_url("https://baq.kz/news/?page=2", mapping) == "http://127.0.0.1:9/baq.kz/news/?page=2"
    )
    assert map_url("https://baq.kz.evil/x", mapping) is None


REMOTE_CONTROL_CHECK = """
import sys
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.conf import build_component_list
from newswatch.config.settings import Settings
from newswatch.crawler.scrapy_settings import scrapy_settings

values = ScrapySettings(scrapy_settings(Settings()))
# What Scrapy's ExtensionManager does with the settings, importing every key on its way.
names = build_component_list(values.get_component_priority_dict_with_base("EXTENSIONS"))
assert "scrapy.extensions.corestats.CoreStats" in names, names
assert not [n for n in names if "remote_control" in n], names
assert not {"aiohttp", "scrapy.extensions.remote_control"} & set(sys.modules)
"""


def test_remote_control_extension_is_not_even_imported() -> None:
    """Disabled is not enough: importing its module costs ~10 MB of daemon RSS (aiohttp).
    A fresh interpreter, as this one may have imported it elsewhere."""
    result = subprocess.run(
        [sys.executable, "-c", REMOTE_CONTROL_CHECK], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
