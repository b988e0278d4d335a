"""Article extraction: page bytes -> a typed, cleaned article. The crawler, `newswatch extract`
and `newswatch ingest` all call extract_article, so they store exactly the same thing."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from newswatch.config.sources import SourceSpec
from newswatch.crawler.boilerplate import strip_chrome_lines, strip_link_lines, teaser_links
from newswatch.crawler.dates import (
    find_visible_date,
    is_low_confidence,
    is_plausible_publication,
    same_day,
    url_date,
)
from newswatch.crawler.encoding import decode_body, looks_binary
from newswatch.crawler.feeds import plain_text
from newswatch.crawler.language import detect_language
from newswatch.crawler.lead import lead_paragraph
from newswatch.crawler.mojibake import MojibakeError, repair_mojibake
from newswatch.crawler.pagemeta import (
    canonical_url,
    dateline_candidates,
    drop_structured_bodies,
    long_link_texts,
    meta_dates,
    outbound_links,
    page_metadata,
    search_date,
    shown_on_page,
    structured_body,
)
from newswatch.crawler.urls import domain_allowed, host_of, normalize_url
from newswatch.storage.textkeys import content_hash

DEFAULT_ZONE = ZoneInfo("Asia/Almaty")
log = logging.getLogger("newswatch.extraction")

# Comments and processing instructions go at parse time: trafilatura drops a comment node
# together with the text that follows it inside a paragraph (React's "<!-- -->").
_HTML_PARSER = lxml_html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
)
# lxml refuses a decoded string that declares an encoding; the text is decoded already.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Control characters (a stray BEL from a word processor) are not allowed in XML: trafilatura
# then loses the whole page when it serialises its result.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _without_control_chars(text: str) -> str:
    """The regex runs only on the rare page that has one: looking for them in bytes is
    several times faster than a regex scan of the whole page."""
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded):
        return text
    return _CONTROL_CHARS.sub("", text)


class ExtractionError(ValueError):
    """The page holds no article we can store (empty, binary, not HTML)."""


@dataclass(frozen=True)
class PageHint:
    """What a feed entry or news sitemap said about the page; used where the page says less."""

    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class ExtractionProfile:
    """Per-source knobs of extraction, built from a source's spec."""

    languages: tuple[str, ...] = ()
    zone: ZoneInfo = DEFAULT_ZONE
    drop_selectors: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()


def profile_for(source: SourceSpec) -> ExtractionProfile:
    return ExtractionProfile(
        languages=tuple(source.languages),
        zone=source.tz,
        drop_selectors=tuple(source.drop_selectors),
        allowed_domains=tuple(source.allowed_domains),
    )


@dataclass(frozen=True)
class ExtractedArticle:
    url: str
    canonical_url: str
    title: str | None
    text: str
    published: datetime | None
    date_source: str | None
    language: str | None
    author: str | None
    description: str | None
    content_hash: str
    encoding: str
    alias_urls: tuple[str, ...] = field(default=())
    cited_urls: tuple[str, ...] = field(default=())  # links to other sites (a copy's original)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["alias_urls"] = list(self.alias_urls)
        data["cited_urls"] = list(self.cited_urls)
        return data


def _localize(moment: datetime | date | None, zone: ZoneInfo) -> datetime | None:
    """Aware datetime. A stated UTC offset is kept as stated: converting 23:32+03:00 to the
    source's zone would move the publication to the next day. A naive value is the
    publisher's local time, in the source's zone."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment


def _parse_tree(text: str) -> lxml_html.HtmlElement:
    try:
        text = _without_control_chars(_XML_DECLARATION.sub("", text, count=1))
        return lxml_html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"unparseable HTML: {exc}") from exc


def _url_keys(urls: Iterable[str]) -> list[str]:
    """Normalised URLs, skipping any that cannot be normalised: one bad link never costs
    the page."""
    keys = []
    for url in urls:
        try:
            keys.append(normalize_url(url))
        except ValueError:
            continue
    return keys


def _clean_text(text: str, url: str) -> str:
    """NFC, and mojibake re-decoded (or refused): the stored text is what readers search."""
    try:
        repaired, codec = repair_mojibake(text)
    except MojibakeError as exc:
        raise ExtractionError(str(exc)) from exc
    if codec:
        log.warning("%s: re-decoded text that was UTF-8 read as %s", url, codec)
    return unicodedata.normalize("NFC", repaired)


def _drop(tree: lxml_html.HtmlElement, selectors: tuple[str, ...]) -> None:
    for selector in selectors:
        for element in tree.cssselect(selector):
            element.drop_tree()


def _choose_canonical(tree: lxml_html.HtmlElement, url: str, profile: ExtractionProfile) -> str:
    """The page's canonical URL, unless it points off the publisher's site (copies must not
    claim another site's URL)."""
    declared = canonical_url(tree, url)
    domains = profile.allowed_domains or (host_of(url),)
    if declared and domain_allowed(declared, list(domains)):
        return declared
    return url


def _without_title_line(text: str, title: str | None) -> str:
    """trafilatura keeps an <h1> that sits inside the article element, sometimes after a rubric
    label ("Саясат"): drop the title line and the short labels before it."""
    if not title:
        return text
    lines = text.split("\n")
    wanted = " ".join(title.split())
    for index, line in enumerate(lines[:3]):
        if " ".join(line.split()) == wanted:
            if all(len(label.split()) <= 3 for label in lines[:index]):
                return "\n".join(lines[index + 1 :])
            break
    return text


# trafilatura's text shorter than this share of the publisher's own articleBody has lost
# part of the article (a paywall teaser, paragraphs in unusual markup).
SHORT_SHARE = 0.7


def _prefer_structured_body(text: str, body: str | None, tree: lxml_html.HtmlElement) -> str:
    """The publisher's JSON-LD articleBody, shown on the page, when trafilatura got much less."""
    if body and len(text) < SHORT_SHARE * len(body) and shown_on_page(body, tree):
        return body
    return text


def extract_article(
    body: bytes | str,
    url: str,
    *,
    profile: ExtractionProfile | None = None,
    hint: PageHint | None = None,
    http_charset: str | None = None,
    aliases: Sequence[str] = (),
) -> ExtractedArticle:
    """aliases: other URLs that led to this page (redirects), remembered as known."""
    profile = profile or ExtractionProfile()
    if isinstance(body, bytes):
        if looks_binary(body):
            raise ExtractionError("binary body, not an HTML page")
        html_text, encoding = decode_body(body, http_charset)
    else:
        html_text, encoding = body, "unicode"
    if not html_text.strip():
        raise ExtractionError("empty page")
    tree = _parse_tree(html_text)
    _drop(tree, profile.drop_selectors)
    canonical = _choose_canonical(tree, url, profile)
    stated_dates = list(meta_dates(tree))
    body = structured_body(tree)
    drop_structured_bodies(tree)  # trafilatura's baseline would take one unchecked
    meta = page_metadata(tree)
    # with_metadata=False: the metadata comes from page_metadata on the same tree, and
    # htmldate runs only when the page states no date (it is the slowest step).
    document = trafilatura.bare_extraction(
        tree, url=canonical, with_metadata=False, include_comments=False, include_tables=True
    )
    title = meta.title or (hint.title if hint else None)
    text = _without_title_line(strip_chrome_lines(document.text or ""), title) if document else ""
    text = strip_link_lines(text, teaser_links(long_link_texts(tree)))
    text = _prefer_structured_body(text, body, tree)
    if lead := lead_paragraph(tree, meta.description, text):
        text = f"{lead}\n{text}"
    if hint and hint.summary and len(text) < len(hint.summary):
        text = hint.summary  # the page gave less than the feed did
    if not text.strip():
        raise ExtractionError("no article text found on the page")
    text = _clean_text(text, url)
    title = _clean_text(title, url) if title else None
    published, date_source = _published_from(stated_dates, tree, url, text, hint, profile)
    try:
        canonical_key = normalize_url(canonical)
    except ValueError as exc:
        raise ExtractionError(str(exc)) from exc
    return ExtractedArticle(
        url=url,
        canonical_url=canonical_key,
        title=plain_text(title),
        text=text,
        published=published,
        date_source=date_source,
        language=detect_language(f"{title or ''}\n{text}", profile.languages),
        author=meta.author or (hint.author if hint else None),
        description=meta.description,
        content_hash=content_hash(text),
        encoding=encoding,
        alias_urls=tuple(sorted(set(_url_keys((url, *aliases))) - {canonical_key})),
        cited_urls=tuple(_url_keys(outbound_links(tree, canonical))),
    )


def _consistent_meta_date(stated: list[datetime], url: str) -> datetime | None:
    """The first machine-readable date that agrees (within a day) with the URL's date when
    the URL has one: a site-wide JSON-LD block or a stale copy carries other dates. Not
    vetoed by the visible dateline: on fundus's pages, where the two disagree, the visible
    date is the last update or another story's (3 of 3 pages)."""
    in_url = url_date(url)
    for value in stated:
        if in_url is None or same_day(value, in_url):
            return value
    return None


def _published_from(
    stated: list[datetime],
    tree: lxml_html.HtmlElement,
    url: str,
    text: str,
    hint: PageHint | None,
    profile: ExtractionProfile,
) -> tuple[datetime | None, str | None]:
    """Publisher's meta time consistent with the page, then the feed's, then a visible
    dateline, then the URL's date, then htmldate's search unless it gives its silent
    January-1st fallback (htmldate would also read back a JSON-LD date refused above).
    Decades-old or future values are misreadings and skipped."""
    if meta_date := _consistent_meta_date(stated, url):
        return _localize(meta_date, profile.zone), "meta"
    if hint and hint.published and is_plausible_publication(hint.published):
        return _localize(hint.published, profile.zone), "feed"
    candidates = dateline_candidates(tree) + text.splitlines()[:3]
    if found := find_visible_date(candidates, profile.languages):
        return _localize(found, profile.zone), "dateline"
    if in_url := url_date(url):
        return _localize(in_url, profile.zone), "url"
    if searched := search_date(tree):
        parsed = date.fromisoformat(searched)
        if not is_low_confidence(parsed) and is_plausible_publication(parsed):
            return _localize(parsed, profile.zone), "htmldate"
    return None, None
