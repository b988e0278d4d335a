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


def normalize_url(url: str) -> str:
    """A stable key for an article URL: lower-case host, no tracking parameters, no fragment,
    sorted query, no default port, and a scheme-independent form (http and https are one page)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.query:
        kept = [p for p in parts.query.split("&") if p and not _TRACKING.match(p.split("=", 1)[0])]
        url = urlunsplit(parts._replace(query="&".join(kept)))
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return urlunsplit(("https", host, parts.path or "/", parts.query, ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def domain_allowed(url: str, allowed_domains: list[str] | tuple[str, ...]) -> bool:
    """Only http(s) URLs on one of the configured domains (or their subdomains)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    host = host_of(url)
    return any(host == d or host.endswith("." + d) for d in allowed_domains)
