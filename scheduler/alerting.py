"""After a crawl: match new articles against the alert rules, write deliveries to the outbox,
send what is due. Each step is idempotent, so a crash anywhere loses and repeats nothing."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from newswatch.config.settings import Settings
from newswatch.config.sources import SourceSpec
from newswatch.storage import outbox
from newswatch.storage.models import AlertDelivery, Article
from newswatch.storage.outbox import NewDelivery

if TYPE_CHECKING:
    from newswatch.alerts.engine import Matcher

log = logging.getLogger("newswatch.alerts")
BATCH = 200


@dataclass
class AlertReport:
    checked: int = 0
    queued: int = 0
    sent_messages: int = 0
    sent_deliveries: int = 0
    failed_messages: int = 0
    errors: list[str] = field(default_factory=list)


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


def _deliveries_for(session: Session, matcher: Matcher, article: Article) -> list[NewDelivery]:
    from newswatch.alerts.document import Document

    document = Document(article.title or "", article.text, article.language, article.source_id)
    rules = {rule.name: rule for rule in matcher.rules}
    deliveries = []
    matches = matcher.match(document)
    event_id = _event_of(session, article) if matches else 0
    for match in matches:
        rule = rules[match.rule]
        for recipient in rule.recipients:
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
                )
            )
    return deliveries


def evaluate_new(sessions: sessionmaker[Session], matcher: Matcher, report: AlertReport) -> None:
    """Deliveries and the 'checked' mark are written in one transaction per batch."""
    while True:
        with sessions.begin() as session:
            articles = outbox.unchecked_articles(session, BATCH)
            if not articles:
                return
            deliveries = [d for a in articles for d in _deliveries_for(session, matcher, a)]
            report.queued += outbox.enqueue(session, deliveries)
            outbox.mark_checked(session, [a.id for a in articles])
            report.checked += len(articles)


def _item(session: Session, delivery: AlertDelivery, names: dict[str, str], zones: dict):
    from newswatch.alerts.email import AlertItem, OtherCopy

    article = delivery.article
    zone = zones.get(article.source_id)
    published = article.published.astimezone(zone) if article.published and zone else None
    others = [
        OtherCopy(names.get(o.source_id, o.source_id), o.url, o.language)
        for o in outbox.other_reports(session, delivery.event_id, article.id)
    ]
    return AlertItem(
        rule=delivery.rule,
        title=article.title or "",
        text=article.text,
        source=names.get(article.source_id, article.source_id),
        url=article.url,
        published=published.strftime("%Y-%m-%d %H:%M") if published else None,
        language=article.language,
        score=delivery.score,
        terms=delivery.match.get("terms", []),
        explanation=delivery.match.get("explanation", ""),
        others=others,
    )


def deliver(
    settings: Settings,
    sessions: sessionmaker[Session],
    sources: list[SourceSpec],
    report: AlertReport,
    *,
    mode: str | None = "immediate",
    ignore_backoff: bool = False,
    rule: str | None = None,
) -> None:
    """One email per recipient with all its due events; sent, then marked sent."""
    from newswatch.alerts.email import build_message
    from newswatch.alerts.smtp import SendError, send

    names = {s.id: s.name for s in sources}
    zones: dict[str, tzinfo] = {s.id: s.tz for s in sources}
    with sessions() as session:
        due = outbox.due(session, mode, ignore_backoff=ignore_backoff, rule=rule)
        # immediate: one email per recipient; digest: one per recipient and rule
        groups: dict[tuple[str, str | None], list[AlertDelivery]] = defaultdict(list)
        for delivery in due:
            rule = None if delivery.mode == "immediate" else delivery.rule
            groups[(delivery.recipient, rule)].append(delivery)
        for (recipient, _), deliveries in groups.items():
            ids = [d.id for d in deliveries]
            items = [_item(session, d, names, zones) for d in deliveries]
            message = build_message(items, recipient, settings.smtp.from_address, ids)
            try:
                send(message, settings.smtp)
            except SendError as exc:
                outbox.mark_failed(session, deliveries, str(exc))
                session.commit()
                report.failed_messages += 1
                report.errors.append(f"{recipient}: {exc}")
                log.warning("alert email to %s not sent, will retry: %s", recipient, exc)
                continue
            outbox.mark_sent(session, ids, message["Message-ID"])
            session.commit()
            report.sent_messages += 1
            report.sent_deliveries += len(ids)
            log.info(
                "alert email to %s: %d events",
                recipient,
                len(ids),
                extra={"event": "email_sent", "recipient": recipient, "deliveries": len(ids)},
            )


def run_alerts(
    settings: Settings,
    sources: list[SourceSpec],
    sessions: sessionmaker[Session],
    matcher: Matcher | None = None,
) -> AlertReport:
    """Match what is new, queue it, send what is due. The daemon passes the matcher it loaded
    (reloaded on SIGHUP); one-shot commands read the rules file."""
    report = AlertReport()
    evaluate_new(sessions, matcher or load_matcher(settings, sources), report)
    if settings.smtp.host:
        deliver(settings, sessions, sources, report)
    return report
