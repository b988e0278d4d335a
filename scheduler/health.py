"""Source health: a source that failed N times in a row, went stale (nothing new for many
times its usual gap) or whose extracted text collapsed (a layout change) is reported once by
email to `daemon.health.recipients`, and the notice closes when the source recovers."""

from __future__ import annotations

import itertools
import logging
import statistics
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy.orm import Session, sessionmaker

from newswatch.config.settings import HealthSettings, Settings
from newswatch.scheduler.alerting import NO_FENCE, Fence
from newswatch.storage import health
from newswatch.storage.models import HealthNotice
from newswatch.storage.types import utcnow

log = logging.getLogger("newswatch.health")
MIN_GAPS = 4  # new-item gaps needed before "stale" means anything
RECENT_ARTICLES = 5
BASELINE_ARTICLES = 30


def problems(session: Session, source_id: str, rules: HealthSettings) -> dict[str, str]:
    """kind -> what is wrong, for the kinds that are wrong now."""
    found: dict[str, str] = {}
    statuses = health.recent_statuses(session, source_id, rules.failures_in_a_row)
    if len(statuses) == rules.failures_in_a_row and all(s == "failed" for s in statuses):
        found["failing"] = f"the last {len(statuses)} crawls failed"
    if stale := _stale(session, source_id, rules):
        found["stale"] = stale
    if collapsed := _collapsed(session, source_id, rules):
        found["collapsed"] = collapsed
    return found


def _stale(session: Session, source_id: str, rules: HealthSettings) -> str | None:
    times = health.times_with_new_items(session, source_id)
    if len(times) < MIN_GAPS + 1:
        return None
    gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(times)]
    usual = statistics.median(gaps)
    limit = max(usual * rules.stale_factor, rules.stale_min_hours * 3600)
    quiet = (utcnow() - times[0]).total_seconds()
    last_crawl = health.last_crawl_at(session, source_id)
    crawled_since = last_crawl is not None and last_crawl > times[0] + timedelta(seconds=limit)
    if quiet > limit and crawled_since:
        return (
            f"no new item for {quiet / 3600:.1f} h; it usually has one every {usual / 3600:.1f} h"
        )
    return None


def _collapsed(session: Session, source_id: str, rules: HealthSettings) -> str | None:
    lengths = health.text_lengths(session, source_id, RECENT_ARTICLES + BASELINE_ARTICLES)
    recent, baseline = lengths[:RECENT_ARTICLES], lengths[RECENT_ARTICLES:]
    if len(recent) < RECENT_ARTICLES or len(baseline) < BASELINE_ARTICLES // 2:
        return None
    now, usual = statistics.median(recent), statistics.median(baseline)
    if usual > 0 and now < usual * rules.collapse_ratio:
        return (
            f"the text of its {len(recent)} newest articles has a median of {now:.0f} "
            f"characters, against {usual:.0f} before: the page layout may have changed"
        )
    return None


def check_source(settings: Settings, sessions: sessionmaker[Session], source_id: str) -> None:
    """Open a notice for each new problem, close the ones that are over."""
    rules = settings.daemon.health
    with sessions.begin() as session:
        current = problems(session, source_id, rules)
        for kind in ("failing", "stale", "collapsed"):
            notice = health.open_notice(session, source_id, kind)
            if kind in current and notice is None:
                status = "pending" if rules.recipients else "quiet"
                session.add(
                    HealthNotice(
                        source_id=source_id,
                        kind=kind,
                        detail=current[kind],
                        status=status,
                        attempts=0,
                        next_attempt_at=utcnow(),
                    )
                )
                log.warning("source %s is %s: %s", source_id, kind, current[kind])
            elif kind not in current and notice is not None:
                notice.closed_at = utcnow()
                log.info("source %s is no longer %s", source_id, kind)


def _message(notice: HealthNotice, settings: Settings) -> EmailMessage:
    from newswatch.alerts.email import MAIL_POLICY, one_line

    sender = settings.smtp.from_address
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = one_line(f"[newswatch] source {notice.source_id} is {notice.kind}")
    message["From"] = sender
    message["To"] = ", ".join(settings.daemon.health.recipients)
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<newswatch.health.{notice.id}@{domain}>"
    message.set_content(
        f"Source: {notice.source_id}\nProblem: {notice.kind}\n"
        f"Since: {notice.opened_at:%Y-%m-%d %H:%M} UTC\n\n{notice.detail}\n\n"
        "`newswatch status` shows its last runs and errors. This notice is sent once; "
        "it closes by itself when the source recovers.\n"
    )
    return message


def send_notices(
    settings: Settings, sessions: sessionmaker[Session], fence: Fence = NO_FENCE
) -> int:
    """Send the due notices; a failure waits and is retried, like alert emails. Each is sent
    inside the daemon's fence."""
    if not settings.smtp.host or not settings.daemon.health.recipients:
        return 0
    sent = 0
    with sessions() as session:
        for notice in health.due_notices(session):
            with fence():
                sent += _send_notice(session, settings, notice)
    return sent


def _send_notice(session: Session, settings: Settings, notice: HealthNotice) -> int:
    """1 if sent; a failure is recorded for a later retry."""
    from newswatch.alerts.smtp import SendError, send

    message = _message(notice, settings)
    try:
        send(message, settings.smtp)
    except SendError as exc:
        health.notice_failed(notice, str(exc))
        session.commit()
        log.warning("health notice for %s not sent, will retry: %s", notice.source_id, exc)
        return 0
    health.notice_sent(notice, message["Message-ID"])
    session.commit()
    return 1
