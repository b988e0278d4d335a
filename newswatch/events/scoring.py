"""Is a new report about the same happening as a stored one? A score with its reasons.

Gates first (what can never be one event): another class of event (a call is not a visit, a
summit not the bilateral meeting beside it), too many days apart for its class, different
multilateral formats, different leaders of third countries, no host city in common. Then
evidence adds up: the actors they share, the same day, the same format or host city, numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from newswatch.events.features import LATE_DAYS, Features

# Days between the days two reports are about: a visit lasts a few days, the rest one.
MAX_GAP = {"bilateral": 3, "summit": 2, "call": 1, "message": 1, "commission": 1, "ratification": 2}
THRESHOLD = 5.0
PROMINENT = 3.0  # in the head, or named three times


@dataclass
class Verdict:
    score: float
    reasons: list[str] = field(default_factory=list)
    gate: str | None = None  # why it can never be one event

    @property
    def linked(self) -> bool:
        return self.gate is None and self.score >= THRESHOLD


def _names(values: set[str]) -> str:
    return ", ".join(sorted(values))


def _actors(features: Features) -> set[str]:
    return {e for e in features.entities if features.roles.get(e, "actor") == "actor"}


def _principals(features: Features) -> set[str]:
    """The two most named actors (and any tied with the second): whom the report is about."""
    weights = sorted((features.entities[e] for e in _actors(features)), reverse=True)
    if not weights:
        return set()
    cut = weights[min(1, len(weights) - 1)]
    return {e for e in _actors(features) if features.entities[e] >= max(cut, PROMINENT)}


def old_dates(features: Features) -> set[int]:
    """Days named long before publication: the date of a document a later step is about."""
    return {d for d in features.dates if d < features.published_day - LATE_DAYS}


def _in_common(new: Features, old: Features) -> bool:
    """Someone or something both are about: an actor, a format, a treaty, or, for a summit
    (whose report may name neither of the two sides), a third-country leader there; for a
    ratification (whose report names no person), the parliament or the treaty's date."""
    if _actors(new) & _actors(old) or new.with_role("formats", 2) & old.with_role("formats", 2):
        return True
    if new.with_role("documents") & old.with_role("documents"):
        return True
    if new.event_class == "ratification":
        return bool(new.with_role("bodies") & old.with_role("bodies") or _dated_alike(new, old))
    return new.event_class == "summit" and bool(new.with_role("foreign") & old.with_role("foreign"))


def _dated_alike(new: Features, old: Features) -> set[int]:
    return old_dates(new) & old_dates(old)


def same_numbered(new: Features, old: Features) -> set[str]:
    """Formats both number alike ("the 7th Consultative Meeting")."""
    return {f for f, n in new.ordinals.items() if old.ordinals.get(f) == n}


def _gap(new: Features, old: Features) -> int:
    """Days between what the two are about (a summit's late write-up: the day it names)."""
    return min(abs(day - old.day) for day in new.about_days())


def _gate(new: Features, old: Features) -> str | None:
    if new.event_class != old.event_class:
        return f"{new.kind} vs {old.kind}"
    numbered = {f for f in new.ordinals if f in old.ordinals} - same_numbered(new, old)
    if numbered:
        return f"another meeting of {_names(numbered)}"
    gap = _gap(new, old)
    late = LATE_DAYS if same_numbered(new, old) else 0  # a late write-up names its number
    if gap > max(MAX_GAP.get(new.event_class, 1), late):
        return f"{gap} days apart"
    formats_new, formats_old = new.main_formats, old.main_formats
    if formats_new and formats_old and not formats_new & formats_old:
        return f"formats {_names(formats_new)} vs {_names(formats_old)}"
    if new.event_class != "summit":
        foreign_new, foreign_old = new.with_role("foreign", 2), old.with_role("foreign", 2)
        if foreign_new ^ foreign_old:
            return f"other leaders: {_names(foreign_new ^ foreign_old)}"
    if not _in_common(new, old):
        return "no actor or format in common"
    # Host cities: named prominently by both and none of one's named at all by the other
    # (a dateline or a mention of the next venue alone does not set two reports apart).
    places_new = new.with_role("places", PROMINENT - 1)
    places_old = old.with_role("places", PROMINENT - 1)
    if (
        places_new
        and places_old
        and not places_new & old.with_role("places")
        and not places_old & new.with_role("places")
    ):
        return f"places {_names(places_new)} vs {_names(places_old)}"
    return None


def score(new: Features, old: Features) -> Verdict:
    if (gate := _gate(new, old)) is not None:
        return Verdict(0.0, [gate], gate)
    verdict = Verdict(0.0)

    def add(points: float, reason: str) -> None:
        verdict.score += points
        verdict.reasons.append(f"{points:+g} {reason}")

    actors_new, actors_old = _actors(new), _actors(old)
    shared = actors_new & actors_old
    if shared:
        add(min(2.0 * len(shared), 6.0), f"actors {_names(shared)}")
    lead_new, lead_old = _principals(new), _principals(old)
    if lead_new and lead_old and not lead_new & lead_old and new.event_class != "summit":
        add(-3.0, f"main actors differ: {_names(lead_new)} vs {_names(lead_old)}")
    gap = _gap(new, old)
    add({0: 2.0, 1: 1.0}.get(gap, 0.0), f"day {date.fromordinal(old.day)}, {gap} apart")
    if new.kind == old.kind:
        add(1.0, f"both {new.kind}")
    if new.event_class == "summit" and (
        leaders := new.with_role("foreign") & old.with_role("foreign")
    ):
        add(min(1.0 * len(leaders), 2.0), f"leaders there {_names(leaders)}")
    formats = new.with_role("formats", 2) & old.with_role("formats", 2)
    if formats:
        add(3.0, f"format {_names(formats)}")
    if numbered := same_numbered(new, old):
        add(3.0, f"the same meeting of {_names(numbered)}, number {new.ordinals[min(numbered)]}")
    if documents := new.with_role("documents") & old.with_role("documents"):
        add(2.0, f"treaty {_names(documents)}")
    if new.event_class == "ratification":
        if bodies := new.with_role("bodies") & old.with_role("bodies"):
            add(1.0, f"by {_names(bodies)}")
        if dated := _dated_alike(new, old):
            add(2.0, f"document of {date.fromordinal(min(dated))}")
    places = new.with_role("places") & old.with_role("places")
    if places:
        add(1.0, f"place {_names(places)}")
    numbers = set(new.numbers) & set(old.numbers)
    if numbers:
        add(min(0.5 * len(numbers), 2.0), f"numbers {_names(numbers)}")
    return verdict
