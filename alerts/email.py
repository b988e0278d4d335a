"""Alert emails: multipart text + HTML from templates. Article text is escaped in HTML, and
nothing from an article can reach a header as anything but a one-line subject."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from newswatch.alerts.snippet import snippet

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
MAX_SUBJECT = 180
# Python's header folder drops the space between two RFC 2047 encoded words where it folds a
# long non-ASCII subject ("стратегиялықәріптестікті"); with lines up to RFC 5322's 998
# characters a subject of MAX_SUBJECT never folds. Long encoded words are read by every
# mail client we know of.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class OtherCopy:
    """Another report of the event: a copy, or another outlet's report in any language."""

    source: str
    url: str
    language: str | None = None


@dataclass(frozen=True)
class AlertItem:
    """One entry: a story (its original report first) and every rule that matched it."""

    rules: Sequence[str]
    title: str
    text: str
    source: str
    url: str
    published: str | None  # in the publisher's zone, with the zone
    language: str | None
    score: float
    terms: Sequence[dict]  # where the words matched, in this report's title and text
    matched: str  # the matched words, one readable line
    others: Sequence[OtherCopy] = ()
    page_url: str | None = None  # the story's web page: the full explanation


MAX_WORDS = 10
_FIELDS = {"title": 0, "lead": 1, "body": 2}


def matched_words(terms: Sequence[dict], limit: int = MAX_WORDS) -> str:
    """ "Tokayev, Rahmon, talks, visit": each matched word once, the title's first."""
    ordered = sorted(terms, key=lambda t: (_FIELDS.get(t.get("field", ""), 3), t.get("start", 0)))
    words: dict[str, str] = {}
    for term in ordered:
        text = one_line(term.get("text", ""))
        if text:
            words.setdefault(text.casefold(), text)
    shown = list(words.values())
    more = f", +{len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def one_line(value: str) -> str:
    """CR, LF and other control characters become spaces: a title cannot add headers."""
    return " ".join(_CONTROL.sub(" ", value).split())


def subject_for(items: Sequence[AlertItem]) -> str:
    rules = sorted({rule for item in items for rule in item.rules})
    head = one_line(items[0].title) or "(untitled)"
    more = f" (+{len(items) - 1} more)" if len(items) > 1 else ""
    subject = f"[newswatch] {', '.join(rules)}: {head}"
    if len(subject) + len(more) > MAX_SUBJECT:
        subject = subject[: MAX_SUBJECT - len(more) - 1] + "…"
    return subject + more


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("newswatch.alerts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _view(item: AlertItem) -> dict:
    return {
        "rules": item.rules,
        "title": one_line(item.title),
        "source": item.source,
        "url": item.url,
        "published": item.published,
        "language": item.language,
        "score": item.score,
        "matched": item.matched,
        "page_url": item.page_url,
        "others": item.others,
        "snippet": snippet(item.text, item.terms, as_html=False),
        # already escaped by snippet(); only its <mark> tags are markup
        "snippet_html": Markup(snippet(item.text, item.terms, as_html=True)),
    }


def message_id_for(delivery_ids: Sequence[int], domain: str) -> str:
    """The same deliveries always get the same Message-ID: a resend after a crash between the
    server's acceptance and our bookkeeping can be recognised by mail clients."""
    digest = hashlib.sha256(",".join(map(str, sorted(delivery_ids))).encode()).hexdigest()[:24]
    return f"<newswatch.{digest}@{domain}>"


def build_message(
    items: Sequence[AlertItem], recipient: str, sender: str, delivery_ids: Sequence[int]
) -> EmailMessage:
    views = [_view(item) for item in items]
    subject = subject_for(items)
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id_for(delivery_ids, sender.rpartition("@")[2] or "localhost")
    env = _templates()
    # nothing about the recipient in the body: everyone of one batch reads the same email
    context = {
        "items": views,
        "subject": subject,
        "rules": sorted({r for i in items for r in i.rules}),
    }
    message.set_content(env.get_template("alert.txt.j2").render(context))
    message.add_alternative(env.get_template("alert.html.j2").render(context), subtype="html")
    return message
