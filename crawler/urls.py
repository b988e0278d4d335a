"""URL normalisation for the seen-URL index, and the domain rules of the crawler."""

from __future__ import annotations

import functools
import re
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

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


def split_url(url: str) -> SplitResult | None:
    """urlsplit, or None for what no browser would fetch: a bracketed host that is no IPv6
    address (`http://[ccpa-preferences]`), a port that is not a number."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - validates the port
    except ValueError:
        return None
    return parts


def join_url(base: str, href: str) -> str | None:
    """urljoin that gives None for an invalid link instead of raising."""
    try:
        joined = urljoin(base, href.strip())
    except ValueError:
        return None
    return joined if split_url(joined) is not None else None


def is_valid_url(url: str) -> bool:
    return split_url(url) is not None


@functools.lru_cache(maxsize=8192)  # a site's chrome links repeat on every one of its pages
def normalize_url(url: str) -> str:
    """A stable key for an article URL: lower-case host, no tracking parameters, no fragment,
    sorted query, no default port, one form for http/https, www/mobile/AMP/print editions.

    Raises ValueError for an invalid URL; see is_valid_url."""
    url = url.strip()
    parts = split_url(url)
    if parts is None:
        raise ValueError(f"not a valid URL: {url!r}")
    if parts.query:
        kept = [
            p
            for p in parts.query.split("&")
            if p and not _TRACKING.match(p.split("=", 1)[0]) and not _is_variant_param(p)
        ]
        url = urlunsplit(parts._replace(query="&".join(kept)))
    try:
        url = canonicalize_url(url, keep_fragments=False)  # may refuse a host (IDNA)
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a valid URL: {url!r}") from exc
    host = _VARIANT_HOST.sub("", (parts.hostname or "").lower())
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    return urlunsplit(("https", host, _strip_variant_path(parts.path or "/"), parts.query, ""))


def host_of(url: str) -> str:
    parts = split_url(url)
    return (parts.hostname or "").lower() if parts else ""


def domain_allowed(url: str, allowed_domains: list[str] | tuple[str, ...]) -> bool:
    """Only valid http(s) URLs on one of the configured domains (or their subdomains)."""
    parts = split_url(url)
    if parts is None or parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def map_url(url: str, mapping: dict[str, str]) -> str | None:
    for origin, target in mapping.items():
        if url == origin or url.startswith(origin + "/"):
            return target + url[len(origin) :]
    return None
