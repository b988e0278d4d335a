"""The alert outbox: deliveries are written before they are sent, (rule, event, recipient) is
unique so an event is alerted once per rule and recipient (a report that arrives after its
event was alerted adds nothing), and failed sends wait with backoff. A recipient is an email
address or an Apprise channel (its label; the delivery's `channel` holds the URL): emails and
channel posts go through the same tables, selected apart by `channels=`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from newswatch.storage.models import AlertDelivery, AlertMessage, Article, RuleMute
from newswatch.storage.repository import lock_writers
from newswatch.storage.types import utcnow

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


@dataclass(frozen=True)
class NewDelivery:
    rule: str
    story_id: int
    event_id: int
    article_id: int
    recipient: str
    mode: str
    score: float
    match: dict
    channel: str | None = None  # an Apprise URL; recipient is then its label


def unchecked_articles(session: Session, limit: int = 500) -> list[Article]:
    """Stored articles the alert rules have not seen yet, oldest first."""
    query = (
        select(Article).where(Article.alerts_checked_at.is_(None)).order_by(Article.id).limit(limit)
    )
    return list(session.scalars(query))


def mark_checked(session: Session, article_ids: Sequence[int]) -> None:
    if article_ids:
        session.execute(
            update(Article).where(Article.id.in_(article_ids)).values(alerts_checked_at=utcnow())
        )


def enqueue(session: Session, deliveries: Sequence[NewDelivery]) -> int:
    """Add deliveries that do not exist yet; returns how many were new. Under the writers'
    lock, so two workers never add the same one (the unique key is the last guard)."""
    lock_writers(session)
    added = 0
    seen: set[tuple[str, int, str]] = set()
    for new in deliveries:
        key = (new.rule, new.event_id, new.recipient)
        if key in seen:  # two reports of one event in one batch
            continue
        seen.add(key)
        exists = session.scalar(
            select(AlertDelivery.id).where(
                AlertDelivery.rule == new.rule,
                AlertDelivery.event_id == new.event_id,
                AlertDelivery.recipient == new.recipient,
            )
        )
        if exists is None:
            session.add(AlertDelivery(**new.__dict__))
            added += 1
    session.flush()
    return added


def due(
    session: Session,
    mode: str | None = "immediate",
    now: datetime | None = None,
    *,
    ignore_backoff: bool = False,
    rule: str | None = None,
    channels: bool = False,
) -> list[AlertDelivery]:
    """Pending deliveries not yet composed into an email (or a channel post: channels=True)."""
    query = (
        select(AlertDelivery)
        .options(selectinload(AlertDelivery.story), selectinload(AlertDelivery.article))
        .where(
            AlertDelivery.status == "pending",
            AlertDelivery.alert_message_id.is_(None),
            _is_channel(AlertDelivery.channel, channels),
        )
        .order_by(AlertDelivery.id)
    )
    if mode is not None:
        query = query.where(AlertDelivery.mode == mode)
    if rule is not None:
        query = query.where(AlertDelivery.rule == rule)
    if not ignore_backoff:
        query = query.where(AlertDelivery.next_attempt_at <= (now or utcnow()))
    return list(session.scalars(query))


def compose(
    session: Session,
    deliveries: Sequence[AlertDelivery],
    recipient: str,
    subject: str,
    message_id: str,
    content: bytes,
    channel: str | None = None,
) -> AlertMessage:
    """Record the email (or channel post) and tie its deliveries to it; commit this before
    sending."""
    message = AlertMessage(
        recipient=recipient,
        subject=subject,
        message_id=message_id,
        content=content,
        channel=channel,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    for delivery in deliveries:
        delivery.alert_message_id = message.id
    return message


def unsent_messages(
    session: Session,
    now: datetime | None = None,
    *,
    ignore_backoff: bool = False,
    channels: bool = False,
) -> list[AlertMessage]:
    """Emails (or channel posts) composed but not known to be sent (a crash, a refusal): due
    for a resend."""
    query = (
        select(AlertMessage)
        .where(AlertMessage.status == "pending", _is_channel(AlertMessage.channel, channels))
        .order_by(AlertMessage.id)
    )
    if not ignore_backoff:
        query = query.where(AlertMessage.next_attempt_at <= (now or utcnow()))
    return list(session.scalars(query))


def message_sent(session: Session, message: AlertMessage) -> list[int]:
    """Mark the email and its deliveries sent; returns the delivery ids."""
    message.status = "sent"
    message.sent_at = utcnow()
    message.attempts += 1
    message.last_error = None
    ids = list(
        session.scalars(
            select(AlertDelivery.id).where(AlertDelivery.alert_message_id == message.id)
        )
    )
    mark_sent(session, ids, message.message_id)
    return ids


def message_failed(
    session: Session, message: AlertMessage, error: str, first: timedelta = BACKOFF_FIRST
) -> None:
    """Keep it pending; the next attempt waits 30 s (first), 1 min, 2 min ... up to an hour."""
    message.attempts += 1
    message.next_attempt_at = utcnow() + min(first * 2 ** (message.attempts - 1), BACKOFF_MAX)
    message.last_error = error[:2000]
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.alert_message_id == message.id)
        .values(
            attempts=AlertDelivery.attempts + 1,
            next_attempt_at=message.next_attempt_at,
            last_error=error[:2000],
        )
    )


def _is_channel(column, channels: bool):
    return column.is_not(None) if channels else column.is_(None)


def mark_sent(session: Session, ids: Sequence[int], message_id: str) -> None:
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id.in_(ids), AlertDelivery.status == "pending")
        .values(
            status="sent",
            sent_at=utcnow(),
            message_id=message_id,
            attempts=AlertDelivery.attempts + 1,
            last_error=None,
        )
    )


def listing(session: Session, status: str, limit: int | None = None) -> list[AlertDelivery]:
    query = (
        select(AlertDelivery)
        .options(
            selectinload(AlertDelivery.story),
            selectinload(AlertDelivery.article),
            selectinload(AlertDelivery.alert_message),
        )
        .where(AlertDelivery.status == status)
        .order_by(AlertDelivery.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def unsent_listing(session: Session, limit: int | None = None) -> list[AlertMessage]:
    """Emails composed and not sent yet, newest first (failed ones carry their last error)."""
    query = (
        select(AlertMessage)
        .where(AlertMessage.status == "pending")
        .order_by(AlertMessage.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_unsent_messages(session: Session) -> tuple[int, int]:
    """(emails composed and not sent, of which failed at least once)."""
    unsent, failing = session.execute(
        select(
            func.count(AlertMessage.id),
            func.count(AlertMessage.last_error),
        ).where(AlertMessage.status == "pending")
    ).one()
    return unsent or 0, failing or 0


def other_reports(session: Session, event_id: int, but: int) -> list[Article]:
    """Every other report of the event: copies of the story and reports by other outlets, in
    other languages, as they are known when the email is written."""
    return list(
        session.scalars(
            select(Article)
            .where(Article.event_id == event_id, Article.id != but)
            .order_by(Article.published, Article.id)
        )
    )


def muted_rules(session: Session) -> set[str]:
    return set(session.scalars(select(RuleMute.rule)))


def set_muted(session: Session, rule: str, muted: bool) -> None:
    """Mute or unmute a rule; doing it twice changes nothing."""
    mute = session.get(RuleMute, rule)
    if muted and mute is None:
        session.add(RuleMute(rule=rule))
    elif not muted and mute is not None:
        session.delete(mute)


def retry_now(session: Session, delivery_id: int) -> bool:
    """A pending delivery (and the email it was composed into) is due now, without waiting
    for its backoff; the next send takes it. False if it is sent already or unknown."""
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is None or delivery.status != "pending":
        return False
    now = utcnow()
    delivery.next_attempt_at = now
    if delivery.alert_message_id is not None:
        session.execute(
            update(AlertMessage)
            .where(AlertMessage.id == delivery.alert_message_id, AlertMessage.status == "pending")
            .values(next_attempt_at=now)
        )
    return True
