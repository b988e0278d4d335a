"""Regression pages for generic extraction defects (issue 13), one short page of our own each."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.crawler.boilerplate import strip_chrome_lines
from newswatch.crawler.dates import find_visible_date, parse_dateline, same_day, url_date
from newswatch.crawler.encoding import decode_body, looks_binary
from newswatch.crawler.extraction import ExtractionError, extract_article
from newswatch.crawler.feeds import parse_feed
from newswatch.crawler.mojibake import repair_mojibake
from newswatch.crawler.urls import domain_allowed, normalize_url
from tests.conftest import NoServer, make_cli

URL = "https://news.example.kz/2025/08/27/talks"
PARAGRAPHS = (
    "Министры иностранных дел Казахстана и Таджикистана встретились в Астане и обсудили "
    "водные ресурсы региона, строительство новых гидроэлектростанций и торговлю.",
    "По итогам переговоров стороны подписали меморандум о сотрудничестве в энергетике "
    "и договорились провести следующую встречу в Душанбе осенью этого года.",
    "Эксперты отмечают, что товарооборот между странами за последние пять лет вырос почти "
    "вдвое, а число совместных предприятий превысило три сотни.",
)


def page(body: str = "", head: str = "", title: str = "Переговоры в Астане") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        f"<article><h1>{title}</h1>{body}{paragraphs}</article></body></html>"
    )


# 1. A comment inside a paragraph (React's "<!-- -->") must not drop the rest of it.
def test_comment_inside_a_paragraph_keeps_the_text_after_it() -> None:
    body = "<p>Начало абзаца <!-- --> и его продолжение после комментария React.</p>"
    article = extract_article(page(body).encode(), URL)
    assert "и его продолжение после комментария React." in article.text


# 2. An invalid outbound link never costs the page; the URL helpers do not raise on it.
@pytest.mark.parametrize("href", ["http://[ccpa-preferences]", "http://host:not-a-port/"])
def test_invalid_outbound_link_does_not_cost_the_page(href: str) -> None:
    body = f"<p>Подробнее <a href='{href}'>здесь</a> и <a href='https://other.tj/a'>там</a>.</p>"
    article = extract_article(page(body).encode(), URL)
    assert PARAGRAPHS[0] in article.text
    assert article.cited_urls == ("https://other.tj/a",)
    assert not domain_allowed(href, ["host", "ccpa-preferences"])
    with pytest.raises(ValueError, match="not a valid URL"):
        normalize_url(href)


def test_invalid_canonical_url_falls_back_to_the_page_url() -> None:
    head = "<link rel='canonical' href='http://[broken'>"
    article = extract_article(page(head=head).encode(), URL)
    assert article.canonical_url == normalize_url(URL)


# 3. A document that starts with an XML declaration naming its encoding.
def test_xml_declaration_with_encoding_is_parsed() -> None:
    text = '<?xml version="1.0" encoding="windows-1251"?>\n' + page()
    article = extract_article(text.encode("cp1251"), URL)
    assert PARAGRAPHS[1] in article.text
    assert extract_article(text, URL).text == article.text  # an already decoded string too


# 4. UTF-8 with a few stray bytes stays UTF-8; one cp1251 word does not garble the page.
def test_utf8_page_with_stray_bytes_keeps_its_declared_charset() -> None:
    body = page(body="<p>Слово в другой кодировке: ").encode() + "Душанбе".encode("cp1251")
    body += b"</p></body></html>"
    text, encoding = decode_body(body, "utf-8")
    assert encoding == "utf-8"
    assert PARAGRAPHS[2] in text
    assert "\ufffd" in text
    article = extract_article(body, URL)
    assert PARAGRAPHS[0] in article.text


def test_cp1251_page_is_still_read_as_cp1251() -> None:
    body = page().replace("utf-8", "windows-1251").encode("cp1251")
    assert decode_body(body, "utf-8") == (page().replace("utf-8", "windows-1251"), "cp1251")


# 5. UTF-16/32 without a byte-order mark: neither "binary" nor mojibake, pages and feeds.
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom_are_decoded(codec: str) -> None:
    body = page().encode(codec)
    assert not looks_binary(body)
    assert decode_body(body) == (page(), codec)
    assert PARAGRAPHS[0] in extract_article(body, URL).text
    rss = (
        '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><item>'
        "<title>Переговоры в Астане</title><link>https://news.example.kz/1</link>"
        "</item></channel></rss>"
    )
    result = parse_feed(rss.encode(codec))
    assert result.problem is None
    assert [e.title for e in result.entries] == ["Переговоры в Астане"]


def test_binary_with_nul_bytes_is_still_binary() -> None:
    assert looks_binary(bytes(range(256)) * 8)


# 6. The chrome filter keeps news that mentions a messenger and lines about unsubscribing.
def test_chrome_filter_keeps_sentences_that_mention_messengers() -> None:
    news = [
        "Министр написал в Telegram, что переговоры продолжатся.",
        "The ministry posted the video on Instagram after the meeting.",
        "Readers can unsubscribe from the newsletter at any time.",
    ]
    chrome = ["Подписывайтесь на наш Telegram-канал", "Telegram | Instagram | YouTube"]
    assert strip_chrome_lines("\n".join(news + chrome)).splitlines() == news


def test_credit_lines_and_related_headers_go_and_news_about_them_stays() -> None:
    news = [
        "Das Foto zeigt den Minister bei der Ankunft in Astana.",
        "Der Verlag hält das Copyright an dem Bild seit 2020.",
        "Weitere Artikel zum Abkommen sollen im Herbst folgen, sagte der Sprecher.",
        "Temas como el agua y la energía dominaron la reunión.",
        "Bildung ist für beide Regierungen ein Schwerpunkt.",
    ]
    chrome = [
        "© Oli Scarff/Getty Images",
        "Copyright: Jane Doe",
        "Der Minister bei der Ankunft. © AFP / JOHN DOE",
        "Fot. Jan Kowalski / Agencja Gazeta",
        "Crédits photos : Bestimage",
        "Schon gelesen?",
        "Lesen Sie auch die folgenden Beiträge:",
        "Weitere Themen",
        "Más sobre La Tercera",
        "À lire aussi",
        "Related articles",
    ]
    assert strip_chrome_lines("\n".join(news + chrome)).splitlines() == news


# 7. The stored text is NFC.
def test_text_is_nfc_normalised() -> None:
    decomposed = "Cafe\u0301 на углу и Йошкар-Ола: " + "И\u0306ошкар-Ола"
    article = extract_article(page(body=f"<p>{decomposed} — так пишут в газетах.</p>"), URL)
    assert "Café на углу и Йошкар-Ола: Йошкар-Ола" in article.text
    assert "\u0301" not in article.text and "\u0306" not in article.text


# 8. The page's own UTC offset is kept; the source's zone applies only to naive times.
def test_stated_offset_keeps_the_publication_day() -> None:
    head = "<meta property='article:published_time' content='2025-08-27T23:32:00+03:00'>"
    article = extract_article(page(head=head), URL)
    assert article.published is not None
    assert article.published.date() == date(2025, 8, 27)
    assert article.published == datetime(2025, 8, 27, 20, 32, tzinfo=UTC)


def test_naive_time_is_in_the_sources_zone() -> None:
    head = "<meta property='article:published_time' content='2025-08-27T23:32:00'>"
    article = extract_article(page(head=head), URL)
    assert article.published is not None
    assert article.published.isoformat() == "2025-08-27T23:32:00+05:00"


def test_feed_time_keeps_its_offset() -> None:
    rss = (
        "<rss version='2.0'><channel><item><title>x</title><link>https://x.kz/1</link>"
        "<pubDate>Wed, 27 Aug 2025 23:32:00 +0300</pubDate></item></channel></rss>"
    )
    [entry] = parse_feed(rss.encode()).entries
    assert entry.published is not None
    assert (entry.published.date(), entry.published.utcoffset()) == (
        date(2025, 8, 27),
        timedelta(hours=3),
    )


# 9. A dateline split over two elements is not glued into a year; implausible years go.
def test_split_dateline_is_not_read_as_an_old_year() -> None:
    body = "<div class='date'><span>28.09.19</span><span>12:44</span></div>"
    article = extract_article(page(body=body), URL)
    assert article.published is None or article.published.year >= 2000
    assert parse_dateline("28.09.1912:44") is None
    assert parse_dateline("Опубликовано 12.03.1950") is None
    assert parse_dateline("15 марта 2099") is None
    assert parse_dateline("27.08.2025 12:44") == datetime(2025, 8, 27, 12, 44)


def test_placeholder_meta_date_is_skipped_for_the_visible_dateline() -> None:
    head = "<meta property='article:published_time' content='1970-01-01T00:00:00Z'>"
    body = "<div class='date'>27.08.2025, 11:40</div>"
    article = extract_article(page(head=head, body=body), URL)
    assert article.published is not None
    assert (article.published.date(), article.date_source) == (date(2025, 8, 27), "dateline")


# 10. "Updated" is not the publication date; month names and dotted dates are day-first.
def test_published_wins_over_updated() -> None:
    body = (
        "<div class='updated-time'>Обновлено: 29.08.2025, 09:00</div>"
        "<div class='publish-date'>27.08.2025, 11:40</div>"
    )
    article = extract_article(page(body=body), URL)
    assert article.published is not None
    assert article.published.date() == date(2025, 8, 27)


def test_dotted_dates_are_day_first() -> None:
    assert find_visible_date(["Опубликовано: 05.08.2025"]) == datetime(2025, 8, 5)


# Mojibake: UTF-8 read as cp1251 is re-decoded, or refused with a reason.
def test_mojibake_text_is_redecoded() -> None:
    garbled = page().encode().decode("cp1251", errors="replace").replace("\ufffd", "")
    text = "\n".join(PARAGRAPHS)
    redecoded, codec = repair_mojibake(text.encode().decode("cp1251"))
    assert (redecoded, codec) == (text, "cp1251")
    try:
        article = extract_article(garbled, URL)
    except ExtractionError as exc:
        assert "mojibake" in str(exc)
    else:
        assert "РљР" not in article.text and "Министры" in article.text


def test_mojibake_that_does_not_reverse_is_refused() -> None:
    text = "\n".join(PARAGRAPHS).encode().decode("cp1251", errors="replace")
    text = text.replace("\ufffd", "?").replace("Р°", "Р?")  # broken beyond repair
    with pytest.raises(ExtractionError, match="mojibake"):
        extract_article(page(body=f"<p>{text}</p>").replace("".join(PARAGRAPHS), ""), URL)


def test_correct_kazakh_and_tajik_text_is_not_mojibake() -> None:
    text = "Қазақстан мен Тәжікстан бірі-біріне сенеді. Ҷумҳурии Тоҷикистон ва Қазоқистон."
    assert repair_mojibake(text) == (text, None)


# `newswatch extract` over many files: a failing file is one JSON line, the rest go on.
def test_extract_batch_reports_failures_and_goes_on(tmp_path: Path) -> None:
    files = {
        "bad-link.html": page("<p><a href='http://[ccpa-preferences]'>x</a></p>").encode(),
        "empty.html": b"   ",
        "xml.html": ('<?xml version="1.0" encoding="utf-8"?>' + page()).encode(),
        "utf16.html": page().encode("utf-16-le"),
    }
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    cli = make_cli(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", NoServer())
    paths = [str(tmp_path / name) for name in files]
    result = cli.run("extract", "--json", *paths, check=False)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["path"] for line in lines] == paths
    assert result.returncode == 1
    errors = {Path(line["path"]).name: line.get("error") for line in lines}
    assert errors == {
        "bad-link.html": None,
        "empty.html": "empty page",
        "xml.html": None,
        "utf16.html": None,
    }
    assert all(PARAGRAPHS[0] in line["text"] for line in lines if "text" in line)


# Quality: the publisher's JSON-LD articleBody fills in what trafilatura missed, when shown.
def _with_body_in_aside(article_body: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": article_body}
    ld = json.dumps(data, ensure_ascii=False)
    return (
        f"<html><head><title>Переговоры</title><script type='application/ld+json'>{ld}</script>"
        f"</head><body><article><h1>Переговоры</h1><p>{PARAGRAPHS[0]}</p>"
        f"<aside><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p></aside></article></body></html>"
    )


def test_structured_body_fills_in_what_trafilatura_missed() -> None:
    without = extract_article(_with_body_in_aside(""), URL).text
    assert PARAGRAPHS[2] not in without  # trafilatura alone drops the <aside>
    article = extract_article(_with_body_in_aside("\n".join(PARAGRAPHS)), URL)
    assert article.text.splitlines() == list(PARAGRAPHS)


def test_structured_body_that_the_page_does_not_show_is_ignored() -> None:
    other = "Совсем другая статья о футболе, которой нет на этой странице. " * 20
    article = extract_article(_with_body_in_aside(other), URL)
    assert "футболе" not in article.text
    assert PARAGRAPHS[0] in article.text


def test_a_line_that_is_only_a_link_to_another_story_is_dropped() -> None:
    teaser = "Узбекистан открыл новый пограничный переход на юге"
    body = (
        f"<p>Читайте также: <a href='/2025/08/26/border'>{teaser}</a></p>"
        "<p>Глава МИД сказал, что <a href='/mid'>министерство</a> готовит визит.</p>"
    )
    article = extract_article(page(body=body), URL)
    assert teaser not in article.text
    assert "Глава МИД сказал, что министерство готовит визит." in article.text


def test_control_characters_do_not_cost_the_page() -> None:
    body = "<p>Источники:\x07 доклад\x07 ООН (2024),\x0b стр. 12.</p>"
    article = extract_article(page(body=body), URL)
    assert "Источники: доклад ООН (2024), стр. 12." in article.text
    assert PARAGRAPHS[0] in article.text


def test_mojibake_feed_title_is_redecoded() -> None:
    title = "Переговоры министров в Астане"
    rss = (
        "<rss version='2.0'><channel><item><title>"
        + title.encode().decode("cp1251")
        + "</title><link>https://x.kz/1</link></item></channel></rss>"
    )
    [entry] = parse_feed(rss.encode()).entries
    assert entry.title == title


LEAD = (
    "Казахстан и Таджикистан договорились к осени открыть два новых пункта пропуска "
    "на границе и упростить транзит грузов."
)


def _page_with_lead(lead_html: str, description: str = LEAD) -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><meta name='description' content='{description}'>"
        f"<title>Переговоры</title></head><body><header><h1>Переговоры</h1>{lead_html}</header>"
        f"<nav><a href='/a'>Главная</a></nav><main><article>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article></main></body></html>"
    ).encode()


def test_lead_in_a_header_block_is_kept_before_the_body() -> None:
    text = extract_article(_page_with_lead(f"<div class='intro'><p>{LEAD}</p></div>"), URL).text
    assert text.splitlines()[0] == LEAD
    assert PARAGRAPHS[0] in text


def test_truncated_description_brings_the_whole_lead() -> None:
    lead = f"{LEAD} Соглашение подпишут премьер-министры."
    text = extract_article(_page_with_lead(f"<h2>{lead}</h2>", LEAD[:90] + "…"), URL).text
    assert text.splitlines()[0] == lead


def test_description_shown_only_as_a_link_is_not_a_lead() -> None:
    text = extract_article(_page_with_lead(f"<p><a href='/other'>{LEAD}</a></p>"), URL).text
    assert LEAD not in text
    assert text.splitlines()[0] == PARAGRAPHS[0]


def _json_ld_date(value: str) -> str:
    data = {"@type": "NewsArticle", "headline": "Переговоры", "datePublished": value}
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def test_json_ld_date_that_agrees_with_the_page_is_used() -> None:
    body = "<div class='date'>27.08.2025</div>"
    article = extract_article(page(head=_json_ld_date("2025-08-27T11:40:00+05:00"), body=body), URL)
    assert article.published is not None
    assert article.published.isoformat() == "2025-08-27T11:40:00+05:00"
    assert article.date_source == "meta"


def test_json_ld_date_against_the_url_date_is_not_used() -> None:
    # A site-wide block (the section's or the site's own date) is not this article's.
    article = extract_article(page(head=_json_ld_date("2024-03-02T09:00:00+05:00")), URL)
    assert article.published is not None
    assert (article.published.date(), article.date_source) == (date(2025, 8, 27), "url")


def test_json_ld_date_is_not_vetoed_by_a_later_date_shown_on_the_page() -> None:
    # Pages show their last update or other stories' dates near the headline.
    head = _json_ld_date("2025-08-20T09:00:00+05:00")
    body = "<div class='publish-date'>27.08.2025, 11:40</div>"
    article = extract_article(page(head=head, body=body), "https://news.example.kz/talks")
    assert article.published is not None
    assert article.published.isoformat() == "2025-08-20T09:00:00+05:00"


def test_json_ld_date_in_a_block_trafilatura_must_not_see_is_still_read() -> None:
    data = {"@type": "NewsArticle", "datePublished": "2025-08-27T11:40:00+05:00"}
    data["articleBody"] = "\n".join(PARAGRAPHS)
    head = f"<script type='application/ld+json'>{json.dumps(data)}</script>"
    article = extract_article(page(head=head), URL)
    assert article.published is not None
    assert article.published.isoformat() == "2025-08-27T11:40:00+05:00"


def test_json_ld_date_in_the_future_or_decades_old_is_not_used() -> None:
    url = "https://news.example.kz/talks"
    body = "<div class='publish-date'>27.08.2025, 11:40</div>"
    future = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    for value in (future, "1994-05-01T10:00:00Z"):
        article = extract_article(page(head=_json_ld_date(value), body=body), url)
        assert article.published is not None
        assert (article.published.date(), article.date_source) == (date(2025, 8, 27), "dateline")


def test_url_date_and_same_day() -> None:
    assert url_date("https://x.kz/2025/08/27/talks") == date(2025, 8, 27)
    assert url_date("https://x.kz/news/2025-08-27-talks.html") == date(2025, 8, 27)
    assert url_date("https://x.kz/20250827/a") == date(2025, 8, 27)
    assert url_date("https://x.kz/a/20250827123") is None
    assert url_date("https://x.kz/search?d=2025/08/27/") is None
    assert same_day(datetime(2025, 8, 27, 23, 30), date(2025, 8, 28))
    assert not same_day(date(2025, 8, 25), date(2025, 8, 27))


def test_newsletter_and_app_calls_go_and_news_about_signing_up_stays() -> None:
    news = [
        "Kazakhstan will sign up to the water treaty next year, the minister said.",
        "The newsletter of the ministry reported the figures on Monday.",
    ]
    chrome = [
        "Never miss the latest news by signing up to our newsletter today!",
        "Abonnieren Sie unseren Newsletter",
        "Do you want to be informed of our actions? Sign up here",
        "For breaking news download the Daily News app for iOS and Android.",
    ]
    assert strip_chrome_lines("\n".join(news + chrome)).splitlines() == news


def test_widget_labels_and_ad_disclosures_go_and_sentences_with_those_words_stay() -> None:
    news = [
        "Share prices fell 3% on Monday after the talks.",
        "Loading the first trains took three days.",
        "Die Anzeige wurde am Montag erstattet.",
        "- Werbung neuer Mitglieder",
    ]
    chrome = [
        "Share this:",
        "Teilen mit:",
        "Advertisement",
        "Реклама",
        "12 Kommentare",
        "View Comments",
        "*Werbung. Dieser Beitrag enthält Werbung für eine Marke.",
        "Bei den Verlinkungen handelt es sich um Affiliate Links",
    ]
    assert strip_chrome_lines("\n".join(news + chrome)).splitlines() == news


def test_articlebody_is_taken_out_of_json_ld_and_the_rest_stays_readable() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Переговоры в Астане",
        "author": {"@type": "Person", "name": "Айгуль Серикова"},
        "articleBody": "Текст, который страница не показывает. " * 30,
    }
    head = f"<script type='application/ld+json'>{json.dumps(data)}</script>"
    article = extract_article(page(head=head), URL)
    assert article.author == "Айгуль Серикова"
    assert "не показывает" not in article.text
