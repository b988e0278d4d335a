"""Dates a report mentions ("22 августа 2024", "тамыздың 22-сі", "Jan. 24", "24.01.2024",
"вчера"), resolved against its publication date when the year is left out."""

from __future__ import annotations

from datetime import date, timedelta

from newswatch.events.text import stem

# Month stems after folding, in ru, kk, tg and en.
_MONTHS = {
    1: ["январ", "кантар", "jan"],
    2: ["феврал", "акпан", "feb"],
    3: ["март", "наурыз", "mar"],
    4: ["апрел", "сауир", "apr"],
    5: ["мая", "маи", "май", "мамыр", "may"],
    6: ["июн", "маусым", "jun"],
    7: ["июл", "шилде", "jul"],
    8: ["август", "тамыз", "aug"],
    9: ["сентябр", "кыркуиек", "sep"],
    10: ["октябр", "казан", "oct"],
    11: ["ноябр", "караша", "nov"],
    12: ["декабр", "желтоксан", "dec"],
}
_RELATIVE = {"вчера": -1, "кеше": -1, "дируз": -1, "yesterday": -1,
             "сегодня": 0, "бугин": 0, "имруз": 0, "today": 0}  # fmt: skip


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    for number, stems in _MONTHS.items():
        for month in stems:
            # "мая"/"май" whole; otherwise a stem plus an ending (августа, тамыздың, January)
            if word == month or (len(month) >= 4 and word.startswith(month)):
                return number
            if month.isascii() and len(month) == 3 and word.startswith(month) and len(word) <= 9:
                return number
    return None


def _year_near(words: list[str], start: int) -> int | None:
    for word in words[start : start + 2]:
        if word.isdigit() and len(word) == 4 and 1990 <= int(word) <= 2100:
            return int(word)
    return None


def _resolve(day: int, month: int, year: int | None, published: date) -> date | None:
    if year is None:  # the latest such date not far after publication
        year = published.year + (1 if month == 1 and published.month == 12 else 0)
        if (month, day) > (published.month, published.day + 7) and year == published.year:
            year -= 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def mentioned_dates(words: list[str], published: date) -> list[date]:
    """Every date found in the (folded) words."""
    found: list[date | None] = []
    for i, word in enumerate(words):
        if word in _RELATIVE:
            found.append(published + timedelta(days=_RELATIVE[word]))
            continue
        if not word.isdigit() or len(word) > 4:
            continue
        value = int(word)
        if (
            len(word) == 4
            and i + 2 < len(words)
            and words[i + 1].isdigit()
            and words[i + 2].isdigit()
        ):
            parts = (value, int(words[i + 1]), int(words[i + 2]))  # 2024-08-22
            if 1990 <= parts[0] <= 2100 and 1 <= parts[1] <= 12:
                found.append(_resolve(parts[2], parts[1], parts[0], published))
            continue
        if not 1 <= value <= 31:
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i > 0 else ""
        if after.isdigit() and 1 <= int(after) <= 12 and i + 2 < len(words):
            year = words[i + 2]
            if year.isdigit() and len(year) == 4:  # 22.08.2024
                found.append(_resolve(value, int(after), int(year), published))
            continue
        month = _month(stem(after)) if after else None
        year_at = i + 2
        if month is None and before:
            month, year_at = _month(before), i + 1  # Aug. 22, 2024 / тамыздың 22-сі
        if month is not None:
            found.append(_resolve(value, month, _year_near(words, year_at), published))
    return [d for d in found if d is not None]
