"""URL normalisation for the seen-URL index, and the domain rules of the crawler."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Parameters that only track the reader; the same article with or without them is one URL.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|yclid|ysclid|msclkid|mc_cid|mc_eid|_ga|igshid|ref|ref_src|"
    r"from|share|amp;utm_\w+)$",
    re.IGNORECASE,
)


# Variants of one page: AMP, mobile and print editions share the article's key.
_VARIANT_HOST = re.compile(r"^(www|m|mobile|amp|pda)\.", re.IGNORECASE)
_VARIANT_PARAM = re.compile(r"^(amp|outputtype|output|print|view|format|mode)$", re.IGNORECASE)
_VARIANT_VALUE = re.compile(r"^(1|true|amp|print|printable|mobile)?$", re.IGNORECASE)
_VARIANT_SEGMENT = re.compile(r"^(amp|print|mobile)$", re.IGNORECASE)


def _is_variant_param(pair: str) -> bool:
    name, _, value = pair.partition("=")
    return bool(_VARIANT_PARAM.match(name) and _VARIANT_VALUE.match(value))


def _strip_variant_path(path: str) -> str:
    """/amp/news/x, /news/x/amp/, /news/x/print -> /news/x"""
    trailing = path.endswith("/")
    segments = [s for s in path.split("/") if s]
    if segments and _VARIANT_SEGMENT.match(segments[0]):
        segments = segments[1:]
    if segments and _VARIANT_SEGMENT.match(segments[-1]):
        segments = segments[:-1]
    if segments and segments[-1].lower().endswith(".amp.html"):
        segments[-1] = segments[-1][: -len(".amp.html")] + ".html"
    return "/" + "/".join(segments) + ("/" if trailing and segments else "")


def normalize_url(url: str) -> str:
    """A stable key for an article URL: lower-case host, no tracking parameters, no fragment,
    sorted query, no default port, one form for http/https, www/mobile/AMP/print editions."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.query:
        kept = [
            p
            for p in parts.query.split("&")
            if p and not _TRACKING.match(p.split("=", 1)[0]) and not _is_variant_param(p)
        ]
        url = urlunsplit(parts._replace(query="&".join(kept)))
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    host = _VARIANT_HOST.sub("", (parts.hostname or "").lower())
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return urlunsplit(("https", host, _strip_variant_path(parts.path or "/"), parts.query, ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def domain_allowed(url: str, allowed_domains: list[str] | tuple[str, ...]) -> bool:
    """Only http(s) URLs on one of the configured domains (or their subdomains)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    host = host_of(url)
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def map_url(url: str, mapping: dict[str, str]) -> str | None:
    for origin, target in mapping.items():
        if url == origin or url.startswith(origin + "/"):
            return target + url[len(origin) :]
    return None
