"""After a crawl: match new articles against the alert rules, write deliveries to the outbox,
send what is due. Each step is idempotent, so a crash anywhere loses and repeats nothing."""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from newswatch.config.settings import AlertSettings, Settings
from newswatch.config.sources import SourceSpec
from newswatch.storage import outbox
from newswatch.storage.backlog import backlog_reasons
from newswatch.storage.events import original_report
from newswatch.storage.models import AlertDelivery, AlertMessage, Article
from newswatch.storage.outbox import NewDelivery

if TYPE_CHECKING:
    from email.message import EmailMessage

    from newswatch.alerts.email import AlertItem
    from newswatch.alerts.engine import Matcher
    from newswatch.alerts.rules import Rule

log = logging.getLogger("newswatch.alerts")
BATCH = 200
# The daemon's leader-only writes run inside its fence (storage.leader.Leadership.fenced);
# one-shot commands have none.
Fence = Callable[[], AbstractContextManager[None]]
NO_FENCE: Fence = contextlib.nullcontext


@dataclass(frozen=True)
class SendOptions:
    """Which due alerts one sending pass takes; the same for every channel."""

    mode: str | None = "immediate"  # "digest" for a digest's pass; None: every mode
    ignore_backoff: bool = False  # `alerts send --now`: retry failed ones at once
    rule: str | None = None  # a digest is sent per rule
    fence: Fence = NO_FENCE


IMMEDIATE = SendOptions()  # what is due now, backoff respected, outside any fence


@dataclass
class AlertReport:
    checked: int = 0
    queued: int = 0
    queued_emails: int = 0  # of queued: to email recipients (the rest to channels)
    sent_messages: int = 0
    sent_deliveries: int = 0
    failed_messages: int = 0
    sent_posts: int = 0  # channel posts (alerts.channels)
    failed_posts: int = 0
    errors: list[str] = field(default_factory=list)
    backlog: int = 0  # stored articles not alerted: the backlog (storage/backlog.py)


def load_matcher(settings: Settings, sources: list[SourceSpec]) -> Matcher:
    from newswatch.alerts.engine import Matcher
    from newswatch.alerts.rules import load_rules

    rules = load_rules(settings.rules_file, source_ids=[s.id for s in sources])
    return Matcher.from_rules(rules)


def _event_of(session: Session, article: Article) -> int:
    """Articles stored by the crawler are linked already; one stored by another path is now."""
    if article.event_id is not None:
        return article.event_id
    from newswatch.events.linking import link_stored

    return link_stored(session, article)


def _deliveries_for(
    session: Session, matcher: Matcher, article: Article, muted: set[str]
) -> list[NewDelivery]:
    from newswatch.alerts.channels import label

    document = _document(article)
    rules = {rule.name: rule for rule in matcher.rules}
    deliveries = []
    matches = [m for m in matcher.match(document) if m.rule not in muted]
    event_id = _event_of(session, article) if matches else 0
    for match in matches:
        rule = rules[match.rule]
        targets = [(r, None) for r in rule.recipients] + [(label(c), c) for c in rule.channels]
        for recipient, channel in targets:
            deliveries.append(
                NewDelivery(
                    rule=rule.name,
                    story_id=article.story_id or 0,
                    event_id=event_id,
                    article_id=article.id,
                    recipient=recipient,
                    mode=rule.delivery.mode,
                    score=match.score,
                    match=match.to_json(),
                    channel=channel,
                )
            )
    return deliveries


def evaluate_new(
    sessions: sessionmaker[Session],
    matcher: Matcher,
    report: AlertReport,
    settings: Settings | None = None,
    fence: Fence = NO_FENCE,
) -> None:
    """Deliveries and the 'checked' mark are written in one transaction per batch. The backlog
    is checked without deliveries unless settings.alerts.alert_backlog."""
    policy = settings.alerts if settings else AlertSettings()
    while True:
        with fence(), sessions.begin() as session:
            articles = outbox.unchecked_articles(session, BATCH)
            if not articles:
                return
            if not policy.alert_backlog:
                backlog = backlog_reasons(session, articles, policy.max_age_delta)
                _log_backlog(articles, backlog)
                report.backlog += len(backlog)
                articles_due = [a for a in articles if a.id not in backlog]
            else:
                articles_due = articles
            muted = outbox.muted_rules(session)  # muted from the web view: nothing queued
            deliveries = [
                d for a in articles_due for d in _deliveries_for(session, matcher, a, muted)
            ]
            emails = outbox.enqueue(session, [d for d in deliveries if d.channel is None])
            posts = outbox.enqueue(session, [d for d in deliveries if d.channel is not None])
            report.queued += emails + posts
            report.queued_emails += emails
            outbox.mark_checked(session, [a.id for a in articles])
            report.checked += len(articles)


def _log_backlog(articles: list[Article], backlog: dict[int, str]) -> None:
    by_reason: dict[tuple[str, str], int] = defaultdict(int)
    for article in articles:
        if article.id in backlog:
            by_reason[(article.source_id, backlog[article.id])] += 1
    for (source_id, reason), count in sorted(by_reason.items()):
        log.info("%s: %d articles stored without alerts (%s)", source_id, count, reason)


@dataclass(frozen=True)
class _Hit:
    """A rule's match of one report: from a delivery, or from a preview's own matching."""

    rule: str
    score: float
    match: dict
    article: Article


@dataclass(frozen=True)
class Labels:
    """How an email names things: sources' names and zones, the web view's address."""

    names: dict[str, str]
    zones: dict[str, tzinfo]
    base_url: str | None

    @classmethod
    def of(cls, settings: Settings, sources: list[SourceSpec]) -> Labels:
        base = settings.web.base_url
        return cls(
            {s.id: s.name for s in sources},
            {s.id: s.tz for s in sources},
            base.rstrip("/") if base else None,
        )


def local_time(value: datetime | None, zone: tzinfo | None) -> str | None:
    """'2024-08-22 13:05 +05:00': the publisher's clock, with its offset from UTC."""
    if value is None:
        return None
    local = value.astimezone(zone or UTC)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:5]}"


def entries(session: Session, hits: list[_Hit], labels: Labels) -> list[AlertItem]:
    """One entry per event however many rules (and reports) matched it, in first-hit order."""
    groups: dict[int, list[_Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.article.event_id or -hit.article.id, []).append(hit)
    return [_entry(session, group, labels) for group in groups.values()]


def _entry(session: Session, group: list[_Hit], labels: Labels) -> AlertItem:
    """The event's original report leads (not whichever copy matched first); the others
    follow under "Also reported by"."""
    from newswatch.alerts.email import AlertItem, OtherCopy, matched_words
    from newswatch.alerts.snippet import locate

    best = max(group, key=lambda h: h.score)
    lead = original_report(session, best.article)
    terms = best.match.get("terms", [])
    if lead.id != best.article.id:
        terms = locate(terms, lead.title or "", lead.text)
    others = [
        OtherCopy(labels.names.get(o.source_id, o.source_id), o.url, o.language)
        for o in (outbox.other_reports(session, lead.event_id, lead.id) if lead.event_id else [])
    ]
    page = (
        f"{labels.base_url}/stories/{lead.story_id}" if labels.base_url and lead.story_id else None
    )
    return AlertItem(
        rules=sorted({h.rule for h in group}),
        title=lead.title or "",
        text=lead.text,
        source=labels.names.get(lead.source_id, lead.source_id),
        url=lead.url,
        published=local_time(lead.published, labels.zones.get(lead.source_id)),
        language=lead.language,
        score=best.score,
        terms=terms,
        matched=matched_words([t for h in group for t in h.match.get("terms", [])]),
        others=others,
        page_url=page,
    )


def delivery_hits(deliveries: list[AlertDelivery]) -> list[_Hit]:
    return [_Hit(d.rule, d.score, d.match, d.article) for d in deliveries]


def deliver(
    settings: Settings,
    sessions: sessionmaker[Session],
    sources: list[SourceSpec],
    report: AlertReport,
    options: SendOptions = IMMEDIATE,
) -> None:
    """First the emails composed earlier and not known to be sent, byte for byte; then one
    new email per recipient with its due events (per recipient and rule for digests): composed
    and committed, then sent, then marked sent. Each inside the fence: a deposed leader sends
    nothing more."""
    labels = Labels.of(settings, sources)
    fence = options.fence
    with sessions() as session:
        for message in outbox.unsent_messages(session, ignore_backoff=options.ignore_backoff):
            with fence():
                _send_stored(session, settings, report, message)
        due = due_deliveries(session, options)
        groups: dict[tuple[str, str | None], list[AlertDelivery]] = defaultdict(list)
        for delivery in due:
            rule = None if delivery.mode == "immediate" else delivery.rule
            groups[(delivery.recipient, rule)].append(delivery)
        for (recipient, _), deliveries in groups.items():
            with fence():
                message = _compose(session, settings, recipient, deliveries, labels)
                session.commit()  # from here on, this email is resent as it is
                _send_stored(session, settings, report, message)


def _compose(
    session: Session,
    settings: Settings,
    recipient: str,
    deliveries: list[AlertDelivery],
    labels: Labels,
) -> AlertMessage:
    from newswatch.alerts.email import MAIL_POLICY, build_message

    ids = [d.id for d in deliveries]
    items = entries(session, delivery_hits(deliveries), labels)
    email = build_message(items, recipient, settings.smtp.from_address, ids)
    return outbox.compose(
        session,
        deliveries,
        recipient,
        str(email["Subject"]),
        str(email["Message-ID"]),
        email.as_bytes(policy=MAIL_POLICY),
    )


def _send_stored(
    session: Session, settings: Settings, report: AlertReport, message: AlertMessage
) -> None:
    from newswatch.alerts.smtp import SendError, send_stored

    smtp = settings.smtp
    try:
        send_stored(message.content, smtp.from_address, message.recipient, smtp)
    except SendError as exc:
        outbox.message_failed(session, message, str(exc), settings.alerts.retry_first)
        session.commit()
        report.failed_messages += 1
        report.errors.append(f"{message.recipient}: {exc}")
        log.warning("alert email to %s not sent, will retry: %s", message.recipient, exc)
        return
    ids = outbox.message_sent(session, message)
    session.commit()
    report.sent_messages += 1
    report.sent_deliveries += len(ids)
    log.info(
        "alert email to %s: %d events",
        message.recipient,
        len(ids),
        extra={
            "event": "email_sent",
            "recipient": message.recipient,
            "deliveries": len(ids),
            "message_id": message.message_id,
            "attempt": message.attempts,
        },
    )


def run_alerts(
    settings: Settings,
    sources: list[SourceSpec],
    sessions: sessionmaker[Session],
    matcher: Matcher | None = None,
    fence: Fence = NO_FENCE,
) -> AlertReport:
    """Match what is new, queue it, send what is due. The daemon passes the matcher it loaded
    (reloaded on SIGHUP); one-shot commands read the rules file."""
    report = AlertReport()
    evaluate_new(sessions, matcher or load_matcher(settings, sources), report, settings, fence)
    send_due(settings, sessions, sources, report, SendOptions(fence=fence))
    return report


def send_due(
    settings: Settings,
    sessions: sessionmaker[Session],
    sources: list[SourceSpec],
    report: AlertReport,
    options: SendOptions = IMMEDIATE,
) -> None:
    """Every channel's due alerts: the emails (when an SMTP server is configured), then the
    chat and webhook posts."""
    from newswatch.scheduler.channel_posts import deliver_channels

    if settings.smtp.host:
        deliver(settings, sessions, sources, report, options)
    deliver_channels(settings, sessions, sources, report, options)


def due_deliveries(
    session: Session, options: SendOptions, *, channels: bool = False
) -> list[AlertDelivery]:
    """The deliveries this pass sends (emails, or channel posts); a muted rule's wait."""
    muted = outbox.muted_rules(session)
    due = outbox.due(
        session,
        options.mode,
        ignore_backoff=options.ignore_backoff,
        rule=options.rule,
        channels=channels,
    )
    return [d for d in due if d.rule not in muted]


def preview(
    settings: Settings,
    sessions: sessionmaker[Session],
    sources: list[SourceSpec],
    rule: Rule,
    limit: int = 20,
) -> tuple[EmailMessage | None, str]:
    """The email `rule` would send now, and what it holds: its pending deliveries (to its
    first recipient), else its matches among the newest stored articles. Nothing is sent
    or marked."""
    from newswatch.alerts.email import build_message
    from newswatch.alerts.engine import Matcher
    from newswatch.storage import repository

    recipient = rule.recipients[0] if rule.recipients else "nobody@example.invalid"
    labels = Labels.of(settings, sources)
    with sessions() as session:
        pending = [
            d
            for d in outbox.due(session, None, ignore_backoff=True, rule=rule.name)
            if d.recipient == recipient
        ]
        if pending:
            items = entries(session, delivery_hits(pending), labels)
            ids = [d.id for d in pending]
            what = f"{len(pending)} pending deliveries to {recipient} ({len(items)} stories)"
        else:
            matcher = Matcher.from_rules([rule])
            hits = [
                _Hit(rule.name, match.score, match.to_json(), article)
                for article in repository.list_articles(session, limit=limit)
                for match in matcher.match(_document(article))
            ]
            items, ids = entries(session, hits, labels), [h.article.id for h in hits]
            what = (
                f"nothing pending; {len(hits)} of the newest {limit} stored articles match"
                f" ({len(items)} stories)"
            )
    if not items:
        return None, what
    return build_message(items, recipient, settings.smtp.from_address, ids), what


def _document(article: Article):
    from newswatch.alerts.document import Document

    return Document(article.title or "", article.text, article.language, article.source_id)
