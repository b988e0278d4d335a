"""Alerts to chat and webhook channels (alerts.channels), with the outbox guarantees of the
emails: one delivery per (rule, event, channel); each post composed into an alert_messages
row and committed before it is sent, so a retry after a refusal or a crash (even between the
receiver's 2xx and our commit) posts that very title, body and idempotency key again; failed
posts wait with backoff; all under the leader's fence."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping

from sqlalchemy.orm import Session, sessionmaker

from newswatch.config.settings import Settings
from newswatch.config.sources import SourceSpec
from newswatch.scheduler.alerting import (
    IMMEDIATE,
    AlertReport,
    Labels,
    SendOptions,
    delivery_hits,
    due_deliveries,
    entries,
)
from newswatch.storage import outbox
from newswatch.storage.models import AlertDelivery, AlertMessage

log = logging.getLogger("newswatch.alerts")


def deliver_channels(
    settings: Settings,
    sessions: sessionmaker[Session],
    sources: list[SourceSpec],
    report: AlertReport,
    options: SendOptions = IMMEDIATE,
    environ: Mapping[str, str] | None = None,
) -> None:
    """First the posts composed earlier and not known to be sent, as they are; then a post
    per due delivery (immediate) or per channel and rule (digest): composed and committed,
    then sent, then marked sent, each inside the fence."""
    labels = Labels.of(settings, sources)
    fence = options.fence
    with sessions() as session:
        unsent = outbox.unsent_messages(
            session, ignore_backoff=options.ignore_backoff, channels=True
        )
        for message in unsent:
            with fence():
                _post_stored(session, settings, report, message, environ)
        for deliveries in _posts(due_deliveries(session, options, channels=True)):
            with fence():
                message = _compose(session, deliveries, labels)
                session.commit()  # from here on, this post is resent as it is
                _post_stored(session, settings, report, message, environ)


def _posts(due: list[AlertDelivery]) -> Iterator[list[AlertDelivery]]:
    """Chat reads best one event a post; a digest is one post per channel and rule."""
    digests: dict[tuple[str, str], list[AlertDelivery]] = defaultdict(list)
    for delivery in due:
        if delivery.mode == "immediate":
            yield [delivery]
        else:
            digests[(delivery.recipient, delivery.rule)].append(delivery)
    yield from digests.values()


def _compose(
    session: Session,
    deliveries: list[AlertDelivery],
    labels: Labels,
) -> AlertMessage:
    from newswatch.alerts.channels import compose, post_key

    first = deliveries[0]
    title, body = compose(entries(session, delivery_hits(deliveries), labels))
    key = post_key(first.recipient, [d.id for d in deliveries])
    content = json.dumps({"title": title, "body": body}, ensure_ascii=False).encode()
    return outbox.compose(
        session, deliveries, first.recipient, title, key, content, channel=first.channel
    )


def _post_stored(
    session: Session,
    settings: Settings,
    report: AlertReport,
    message: AlertMessage,
    environ: Mapping[str, str] | None,
) -> None:
    from newswatch.alerts.channels import ChannelError, send

    content = json.loads(message.content)
    assert message.channel is not None
    try:
        send(message.channel, content["title"], content["body"], message.message_id, environ)
    except ChannelError as exc:
        outbox.message_failed(session, message, str(exc), settings.alerts.retry_first)
        session.commit()
        report.failed_posts += 1
        report.errors.append(str(exc))
        log.warning("alert post to %s not sent, will retry: %s", message.recipient, exc)
        return
    ids = outbox.message_sent(session, message)
    session.commit()
    report.sent_posts += 1  # sent_deliveries counts the emails' only
    log.info(
        "alert post to %s: %d events",
        message.recipient,
        len(ids),
        extra={
            "event": "post_sent",
            "channel": message.recipient,
            "deliveries": len(ids),
            "key": message.message_id,
            "attempt": message.attempts,
        },
    )
