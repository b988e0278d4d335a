"""Publication dates from visible datelines, for pages where trafilatura/htmldate fail.

htmldate turns "Опубликовано: 27 августа 2025" or "2025 жылғы 27 тамыз" into YYYY-01-01 and
always drops the time of day (see STACK-NOTES), so article pages get a second look at their
short visible lines. Parsing is done with compiled regular expressions over ru/kk/tg/en month
names: deterministic and ~10-30 µs a line. dateparser is deliberately not used: its
``search_dates`` turns "Вчера, 09:15" into yesterday and "(7172)" into the year 7172, and it
has no Tajik at all (``languages=["tg"]`` raises).

A date needs day, month and a 19xx/20xx year; "27 августа" or "Август 2024" alone is not
enough. Results are naive datetimes in the publisher's local time (any UTC offset in an ISO
timestamp is dropped, the clock time kept), at midnight when no time of day is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

# A news page's publication date is neither decades old nor in the future; such a "date" is
# a misread (a glued clock, a birth year, a copyright line).
MAX_AGE = timedelta(days=30 * 365)
MAX_AHEAD = timedelta(days=2)

# Dateline candidates are short lines; body paragraphs mention other dates.
MAX_LINE_CHARS = 120
# A dateline opens its line; agencies put it at the head of the first paragraph.
DATELINE_HEAD_CHARS = 40
# Words besides the date a short line may have and still be a dateline (a byline, a label).
MAX_OTHER_WORDS = 8

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("января", "январь", "январ", "январи", "янв", "қаңтар", "january", "jan"),
    2: ("февраля", "февраль", "феврал", "феврали", "фев", "февр", "ақпан", "february", "feb"),
    3: ("марта", "март", "марти", "мар", "наурыз", "march", "mar"),
    4: ("апреля", "апрель", "апрел", "апрели", "апр", "сәуір", "april", "apr"),
    5: ("мая", "май", "майи", "мамыр", "may"),
    6: ("июня", "июнь", "июн", "июни", "маусым", "june", "jun"),
    7: ("июля", "июль", "июл", "июли", "шілде", "july", "jul"),
    8: ("августа", "август", "августи", "авг", "тамыз", "august", "aug"),
    9: (
        "сентября",
        "сентябрь",
        "сентябр",
        "сентябри",
        "сен",
        "сент",
        "қыркүйек",
        "september",
        "sep",
        "sept",
    ),
    10: ("октября", "октябрь", "октябр", "октябри", "окт", "қазан", "october", "oct"),
    11: ("ноября", "ноябрь", "ноябр", "ноябри", "ноя", "нояб", "қараша", "november", "nov"),
    12: ("декабря", "декабрь", "декабр", "декабри", "дек", "желтоқсан", "december", "dec"),
}
# Kazakh month names are often typed on a Russian keyboard (кыркуйек, желтоксан, шилде).
_RUSSIAN_KEYBOARD = str.maketrans("әғқңөұүһі", "агкноуухи")
MONTHS: dict[str, int] = {}
for _number, _names in _MONTH_NAMES.items():
    for _name in _names:
        MONTHS[_name] = _number
        MONTHS.setdefault(_name.translate(_RUSSIAN_KEYBOARD), _number)

# A whole word (not "mar" in "Omar"), longest first so that "августа" is not cut to "август";
# a Kazakh locative/attributive ending may follow (27 тамызда, 10 ақпандағы); an abbreviation
# may carry a dot (Aug., авг.).
_MONTH_WORDS = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_MONTH = (
    r"(?<![^\W\d_])(?P<month>" + _MONTH_WORDS + r")(?:да|де|та|те|дағы|дегі|тағы|тегі)?\.?(?!\w)"
)
# Not the second day of a range ("25–28 May 2026") nor part of a number.
_DAY = r"(?<![\d.,:/–—-])(?P<day>[0-3]?\d)(?!\d)"
# Ordinal endings: 27-го (ru), 27-уми (tg), 27th (en); Kazakh writes 10-ақпан.
_DAY_SUFFIX = r"(?:\s*-\s*(?:го|е|уми|ум|ми)|st|nd|rd|th)?(?:\s+of)?"
# Not the start of a clock: "28.09.19" + "12:44" glued by markup is no year 1912.
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)(?![.,:]\d)"
# A year that opens the date is followed by its own separator or жылғы.
_LEADING_YEAR = r"(?<![\d.,/-])(?P<year>(?:19|20)\d\d)"
# Words between a month and its year: "27 августи соли 2025" (tg).
_OF_YEAR = r"(?:сол(?:и)?\s+)?"

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # 27 августа 2025 | 27 тамыз 2025 | 27 августи соли 2025 | 27th of August, 2025
        _DAY + _DAY_SUFFIX + r"[\s-]*" + _MONTH + r",?\s+" + _OF_YEAR + _YEAR,
        # August 27, 2025 | Aug. 27th 2025
        _MONTH + r"\s+" + _DAY + r"(?:st|nd|rd|th)?,?\s+" + _YEAR,
        # 2025 жылғы 27 тамыз | 2026 ж. 10 ақпан (kk)
        _LEADING_YEAR + r"\s*(?:жылғы|жылы|ж\.)\s*" + _DAY + r"[\s-]*" + _MONTH,
        # 27.08.2025 | 27/08/2025 | 27-08-2025
        r"(?<![\d.,/-])(?P<day>\d{1,2})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)" + _YEAR,
        # 2025-08-26 | 2025-08-26T10:40:00+05:00 | 2025.08.26
        _LEADING_YEAR + r"(?P<sep>[-./])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
        r"(?![\d.,/]\d|\d)",
    )
)

_CLOCK = r"(?P<hour>[0-2]?\d):(?P<minute>[0-5]\d)(?::[0-5]\d)?(?:\s*(?P<ampm>[ap])\.?m\.?)?"
# Time right after the date: "…2025, 11:40", "…2025 года в 11:40", "…2025T10:40", "… | 10:40"
_TIME_AFTER = re.compile(
    r"(?:\s*(?:года|год|г\.|г|жылы|ж\.|соли|сол|y\.))?"
    r"(?:T|\s*[,|/–—-]?\s*(?:в|at|сағат|соати|соат)?\s*)" + _CLOCK + r"(?!\d)",
    re.IGNORECASE,
)
# Time right before it: "14:32, 10 ақпан 2026", "10:40 27.08.2025"
_TIME_BEFORE = re.compile(r"(?<!\d)" + _CLOCK + r"\s*[,|/–—-]?\s*$", re.IGNORECASE)

_YEAR_SEARCH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_WORDS = re.compile(r"[^\W\d_]+")


def _clock(match: re.Match[str] | None) -> time | None:
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    ampm = (match["ampm"] or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23:
        return None
    return time(hour, minute)


def _date_of(match: re.Match[str]) -> date | None:
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower()]
    day, year = int(match["day"]), int(match["year"])
    try:
        return date(year, month, day)
    except ValueError:
        # 32.13.2025, 31 февраля; a US-style 08/27/2025 is tried month-first.
        if match.groupdict().get("sep") == "/" and month_text.isdigit():
            try:
                return date(year, day, month)
            except ValueError:
                return None
        return None


def is_plausible_publication(value: date | datetime | None, today: date | None = None) -> bool:
    """False for dates decades old or in the future (beyond time-zone slack)."""
    if value is None:
        return False
    day = value.date() if isinstance(value, datetime) else value
    today = today or date.today()
    return today - MAX_AGE <= day <= today + MAX_AHEAD


def _first_date(text: str) -> tuple[int, int, datetime] | None:
    """(start, end, value) of the earliest valid date in ``text``; end excludes the time."""
    if not text or not _YEAR_SEARCH.search(text):
        return None
    best: tuple[int, int, datetime] | None = None
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[0]:
                break
            day = _date_of(match)
            if day is None or not is_plausible_publication(day):
                continue
            clock = _clock(_TIME_AFTER.match(text, match.end()))
            if clock is None:
                before = text[max(0, match.start() - 12) : match.start()]
                clock = _clock(_TIME_BEFORE.search(before))
            best = (match.start(), match.end(), datetime.combine(day, clock or time()))
            break
    return best


def parse_dateline(text: str, languages: Sequence[str] = ()) -> datetime | None:
    """First complete date (day, month, year) in ``text``, with its time of day if given.

    ``languages`` (the source's declared languages) is accepted for symmetry with the rest of
    the pipeline; month names of ru, kk, tg and en do not collide, so all are always tried.
    """
    found = _first_date(text)
    return found[2] if found else None


def find_visible_date(
    html_text_lines: Iterable[str], languages: Sequence[str] = ()
) -> datetime | None:
    """Date of the first line, in page order, that looks like a dateline.

    A line qualifies when its first date starts within DATELINE_HEAD_CHARS characters
    ("DUSHANBE, 23.09.2021 (NIAT Khovar) – Within…", "Опубликовано: 27 августа 2025, 11:40"),
    or when it is short and has few other words ("Автор: … — 27.08.2025"). A date at the end
    of a headline ("…hosts the Water Conference on 25 May 2026" in a "Read also" list) is
    someone else's news and is skipped.
    """
    if isinstance(html_text_lines, str):  # a whole text passed by mistake: not its characters
        html_text_lines = [html_text_lines]
    for chunk in html_text_lines:
        for raw in chunk.splitlines():
            line = raw.strip()
            found = _first_date(line)
            if found is None:
                continue
            start, end, value = found
            if start < DATELINE_HEAD_CHARS:
                return value
            other_words = _WORDS.findall(line[:start] + " " + line[end:])
            if len(line) < MAX_LINE_CHARS and len(other_words) <= MAX_OTHER_WORDS:
                return value
    return None


def is_low_confidence(d: date | datetime | None) -> bool:
    """True when ``d`` is missing or looks like htmldate's silent fallback (1 January, no time)."""
    if d is None:
        return True
    if isinstance(d, datetime):
        return (d.month, d.day) == (1, 1) and d.time() == time()
    return (d.month, d.day) == (1, 1)


# A date in the URL's path: /2025/08/27/, /2025-08-27-title, /20250827/.
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)([/_-]?)([01]\d)\2([0-3]\d)(?=[/_.-]|$)|/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/"
)
# Time zones and late-evening publishing put a URL's day one day off the stated time.
DAY_SLACK = timedelta(days=1)


def url_date(url: str) -> date | None:
    """The publication day that a news URL carries in its path, if any."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = path.split("://", 1)[-1].partition("/")[2]
    for match in _URL_DATE.finditer("/" + path):
        year, _, month, day, year2, month2, day2 = match.groups()
        try:
            found = date(int(year or year2), int(month or month2), int(day or day2))
        except ValueError:
            continue
        if is_plausible_publication(found):
            return found
    return None


def same_day(a: date | datetime, b: date | datetime) -> bool:
    """Within a day of each other, each read in its own stated time."""
    a = a.date() if isinstance(a, datetime) else a
    b = b.date() if isinstance(b, datetime) else b
    return abs(a - b) <= DAY_SLACK
