"""What a report says about its happening, in any of ru, kk, tg, en: who (entities of the alias
table in every script), what kind (call, visit, summit...), when (the report's date and the
dates in its text), where (host cities) and which numbers. Pure: text in, features out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import cached_property

from newswatch.events.dates import mentioned_dates
from newswatch.events.text import tokens
from newswatch.events.vocabulary import Vocabulary, bundled_vocabulary

_SIDES = {"kazakhstan", "tajikistan"}
HEAD_WORDS = 45  # the title and the lead: what the report is about
GREETING = 4  # words between "airport" and "met"/"welcomed" in one greeting
MULTILATERAL = 3.0  # the prominence (in the head) of third-country leaders at one meeting
SUMMIT_FORMAT = 6.0  # a format named this much (twice in the head) makes a report a summit's
# A date this many days before publication can still be the day the report is about.
RECENT_DAYS = 4
# A late write-up says in its lead which day it is about: one this many days back still counts.
LATE_DAYS = 30
# Which kinds make one class of event: a visit includes its talks, signings and meetings.
CLASS_OF = {
    "call": "call",
    "message": "message",
    "summit": "summit",
    "commission": "commission",
    "ratification": "ratification",
    "forum": "bilateral",
    "visit": "bilateral",
    "talks": "bilateral",
    "signing": "bilateral",
    "parliament": "bilateral",
    "sideline": "bilateral",
    "participation": "bilateral",
    "upcoming": "bilateral",
    "none": "bilateral",
}
# In the head, the first of these that is found names the kind: a bilateral meeting "on the
# sidelines of the summit" is a meeting, a summit that "discussed a phone call" a summit.
_BODY_ORDER = ("visit", "talks", "signing", "parliament", "forum")
_CONTEXT_KINDS = ("sideline", "participation", "upcoming", "airport")  # never a report's kind


@dataclass
class Features:
    day: int  # the day the report is about (date ordinal)
    published_day: int
    kind: str
    entities: dict[str, float] = field(default_factory=dict)  # entity -> prominence
    roles: dict[str, str] = field(default_factory=dict)  # entity -> role (actors left out)
    dates: list[int] = field(default_factory=list)  # ordinals of the dates mentioned
    numbers: list[str] = field(default_factory=list)
    language: str | None = None

    head: list[str] = field(default_factory=list)  # kinds named in the title and lead

    @cached_property
    def event_class(self) -> str:
        """A meeting report whose main format is a multilateral one and that names several
        third countries or their leaders is a summit report, unless a visit or a meeting beside
        something leads it."""
        cls = CLASS_OF.get(self.kind, "bilateral")
        others = self.with_role("foreign") | self.with_role("countries") - _SIDES
        led_by_a_visit = bool({"visit", "sideline"} & set(self.head))
        if cls == "bilateral" and not led_by_a_visit and self.main_formats and len(others) >= 2:
            return "summit"
        leaders = self.with_role("foreign", MULTILATERAL - 1)  # named in the head
        if cls == "bilateral" and not led_by_a_visit and len(leaders) >= 2:
            return "summit"  # a meeting of several leaders, its format left unnamed
        if cls == "summit" and not (self.main_formats or self.with_role("foreign")):
            third = self.with_role("countries") - _SIDES
            if len(third) < 2 and len(_SIDES & self.with_role("countries")) == 2:
                return "bilateral"  # "a meeting of the heads of state" of the two sides only
        return cls

    @cached_property
    def main_formats(self) -> set[str]:
        """The most named multilateral format(s), if one is named prominently."""
        weights = {e: w for e, w in self.entities.items() if self.roles.get(e) == "formats"}
        top = max(weights.values(), default=0.0)
        return {e for e, w in weights.items() if w == top} if top >= 3 else set()

    def about_days(self) -> list[int]:
        """The day it is about; for a summit's report also the days of the last weeks that it
        names: a summit is written up days later, and the write-up names the summit's day."""
        if self.event_class != "summit":
            return [self.day]
        late = self.published_day - LATE_DAYS
        return sorted({self.day} | {d for d in self.dates if late <= d <= self.published_day})

    def with_role(self, role: str, minimum: float = 0.0) -> set[str]:
        return {
            e
            for e, w in self.entities.items()
            if self.roles.get(e, "actor") == role and w > minimum
        }

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict) -> Features:
        return cls(**data)


def _kind(counts: Counter, head: set[str], summit_format: bool) -> str:
    """A call, a message or a ratification in the head says it all. A summit (named in the
    head, or its format prominent) is the event, unless the head is about a meeting beside it
    ("on the sidelines", or a visit with talks) that nobody "takes part in"."""
    for kind in ("ratification", "call", "message", "commission"):
        if kind in head:
            return kind
    if "summit" in head or summit_format:
        beside = "sideline" in head or (
            "participation" not in head and ({"talks", "visit"} <= head or "upcoming" in head)
        )
        if "summit" not in head:  # only its format is named: a meeting in its setting
            beside = beside or "participation" not in head
        if beside and "upcoming" in head and "talks" not in head:
            return "visit" if "visit" in head else "talks"
        if "sideline" in head:  # met "on the sidelines" of a summit others "attended"
            return "talks" if "talks" in head else "sideline"
        return "talks" if beside and "talks" in head else "summit"
    for kind in _BODY_ORDER:
        if kind in head:
            return kind
    # Nothing in the head: what the body says most, a bilateral kind first (a visit report
    # mentions the commission that prepared it).
    bilateral = Counter({k: n for k, n in counts.items() if k in _BODY_ORDER})
    counts = bilateral or Counter({k: n for k, n in counts.items() if k not in _CONTEXT_KINDS})
    if counts:
        return counts.most_common(1)[0][0]
    return "none"


def _triggers(vocabulary: Vocabulary, words: list[str]) -> tuple[Counter, set[str]]:
    """Kinds found, and those in the head. A "встреча" inside "Консультативная встреча" is the
    summit's name, not a meeting of its own; "met" beside "airport" a greeting."""
    hits = vocabulary.triggers.find(words)
    summits = {position for kind, position in hits if kind == "summit"}
    airports = {position for kind, position in hits if kind == "airport"}
    kinds: Counter = Counter()
    head = set()
    for kind, position in hits:
        if kind == "talks" and any(abs(position - s) <= 2 for s in summits):
            continue
        if kind == "talks" and any(abs(position - a) <= GREETING for a in airports):
            continue  # "at the airport he was met by": a greeting, not talks
        kinds[kind] += 1
        if position < HEAD_WORDS:
            head.add(kind)
    return kinds, head


def _numbers(words: list[str]) -> list[str]:
    """Numbers that can tell events apart: amounts, counts; not years or days of the month."""
    found = set()
    for word in words:
        if not word.isdigit() or len(word) > 6 or (len(word) == 4 and 1990 <= int(word) <= 2100):
            continue
        if int(word) > 31:
            found.add(str(int(word)))
    return sorted(found)


def _late_day(words: list[str], published: date) -> list[date]:
    """A write-up published days after its happening, naming no recent day: the first date in
    its title and lead, if within LATE_DAYS (an older one is history, not the report's day)."""
    for day in mentioned_dates(words[:HEAD_WORDS], published):
        if published - timedelta(days=LATE_DAYS) <= day <= published:
            return [day]
    return []


def extract(
    title: str | None,
    text: str,
    published: datetime | date | None,
    language: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> Features:
    vocabulary = vocabulary or bundled_vocabulary()
    words = tokens(f"{title or ''}\n{text}")
    if isinstance(published, datetime):
        published = published.date()
    mentioned = mentioned_dates(words, published) if published else []
    published = published or (max(mentioned) if mentioned else date(1970, 1, 1))
    recent = [
        d
        for d in mentioned
        if published - timedelta(days=RECENT_DAYS) <= d <= published + timedelta(days=1)
    ]
    if not recent:
        recent = _late_day(words, published)
    prominence: Counter = Counter()
    for entity, position in vocabulary.entities.find(words):
        prominence[entity] += 3.0 if position < HEAD_WORDS else 1.0
    kinds, head_kinds = _triggers(vocabulary, words)
    summit_format = any(
        w >= SUMMIT_FORMAT and vocabulary.role_of(e) == "formats" for e, w in prominence.items()
    )
    return Features(
        day=(max(recent) if recent else published).toordinal(),
        published_day=published.toordinal(),
        kind=_kind(kinds, head_kinds, summit_format),
        entities=dict(prominence),
        roles={e: vocabulary.role_of(e) for e in prominence if vocabulary.role_of(e) != "actor"},
        dates=sorted({d.toordinal() for d in mentioned}),
        numbers=_numbers(words),
        head=sorted(head_kinds),
        language=language,
    )
