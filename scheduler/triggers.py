"""APScheduler 3 triggers from our schedules, with crontab's meaning of weekday numbers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from newswatch.config.sources import Schedule, parse_interval

_DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _crontab_weekdays(field: str) -> str:
    """crontab counts weekdays from Sunday = 0 (or 7); APScheduler 3 from Monday = 0
    (agronholm/apscheduler#286). Numbers become names, which both read the same way."""
    return re.sub(r"\d+", lambda m: _DAY_NAMES[int(m.group()) % 8], field)


def cron_trigger(expression: str, zone: tzinfo, jitter: int | None = None) -> CronTrigger:
    minute, hour, day, month, weekday = expression.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_crontab_weekdays(weekday),
        timezone=zone,
        jitter=jitter or None,
    )


def schedule_trigger(schedule: Schedule, zone: tzinfo) -> BaseTrigger:
    if schedule.interval is not None:
        return IntervalTrigger(
            seconds=parse_interval(schedule.interval).total_seconds(),
            timezone=zone,
            jitter=schedule.jitter or None,
        )
    assert schedule.cron is not None
    return cron_trigger(schedule.cron, zone, schedule.jitter)


def usual_gap(schedule: Schedule, zone: tzinfo, now: datetime) -> timedelta:
    """The time between two runs: the interval, or the gap between the next two cron fires."""
    if schedule.interval is not None:
        return parse_interval(schedule.interval)
    trigger = cron_trigger(schedule.cron or "", zone)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    return (second - first) if first and second else timedelta(hours=1)


def missed_since(trigger: BaseTrigger, last_run: datetime, now: datetime) -> bool:
    """Did the trigger fire between last_run and now (while the daemon was down)?"""
    fire = trigger.get_next_fire_time(None, last_run + timedelta(seconds=1))
    return fire is not None and fire <= now
