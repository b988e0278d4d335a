"""Visible publication dates in ru/kk/tg/en datelines."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from newswatch.crawler.dates import find_visible_date, is_low_confidence, parse_dateline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numeric
        ("27.08.2025", datetime(2025, 8, 27)),
        ("27.08.2025 10:40", datetime(2025, 8, 27, 10, 40)),
        ("23.09.2021 14:20", datetime(2021, 9, 23, 14, 20)),
        ("27.08.2025, 10:40", datetime(2025, 8, 27, 10, 40)),
        ("10:40 | 27.08.2025", datetime(2025, 8, 27, 10, 40)),
        ("DUSHANBE, 23.09.2021 (NIAT Khovar)", datetime(2021, 9, 23)),
        ("27/08/2025", datetime(2025, 8, 27)),
        ("08/27/2025", datetime(2025, 8, 27)),  # day-first impossible: month-first
        ("2025-08-26", datetime(2025, 8, 26)),
        (" date 2025-08-26 Спикер Сената встретился", datetime(2025, 8, 26)),
        ("2025-08-26T10:40:00+05:00", datetime(2025, 8, 26, 10, 40)),  # local clock kept
        ("2025.08.26 09:05", datetime(2025, 8, 26, 9, 5)),
        # Russian
        ("Опубликовано: 27 августа 2025, 11:40", datetime(2025, 8, 27, 11, 40)),
        ("27 августа 2025 года", datetime(2025, 8, 27)),
        ("22 августа 2024 года", datetime(2024, 8, 22)),
        ("Душанбе, 27 августа 2025", datetime(2025, 8, 27)),
        ("27 августа 2025 года в 11:40", datetime(2025, 8, 27, 11, 40)),
        ("1 января 2026 г., 00:05", datetime(2026, 1, 1, 0, 5)),
        ("3 МАРТА 2025", datetime(2025, 3, 3)),
        ("15 мая 2025", datetime(2025, 5, 15)),
        ("30 сент. 2025", datetime(2025, 9, 30)),
        ("5-го декабря 2024", datetime(2024, 12, 5)),
        # Kazakh
        ("2026 жылғы 10 ақпан, 14:32", datetime(2026, 2, 10, 14, 32)),
        ("10 ақпан 2026", datetime(2026, 2, 10)),
        ("27 тамыз 2025", datetime(2025, 8, 27)),
        ("2025 жылғы 27 тамыз", datetime(2025, 8, 27)),
        ("14:32, 10 Ақпан 2026", datetime(2026, 2, 10, 14, 32)),
        ("5 ҚАҢТАР 2026", datetime(2026, 1, 5)),
        ("2 наурыз 2025", datetime(2025, 3, 2)),
        ("16 сәуір 2025", datetime(2025, 4, 16)),
        ("9 мамыр 2025", datetime(2025, 5, 9)),
        ("12 маусым 2025", datetime(2025, 6, 12)),
        ("1 шілде 2025", datetime(2025, 7, 1)),
        ("27 қыркүйек 2025 ж., 09:00", datetime(2025, 9, 27, 9, 0)),
        ("25 қазан 2025", datetime(2025, 10, 25)),
        ("3 қараша 2025", datetime(2025, 11, 3)),
        ("16 желтоқсан 2025", datetime(2025, 12, 16)),
        ("16 желтоксан 2025", datetime(2025, 12, 16)),  # typed on a Russian keyboard
        ("2025 жылғы 10-ақпанда", datetime(2025, 2, 10)),
        ("2026 ж. 10 ақпан", datetime(2026, 2, 10)),
        # Tajik
        ("27 августи 2025", datetime(2025, 8, 27)),
        ("27 август 2025", datetime(2025, 8, 27)),
        ("10 феврали 2026", datetime(2026, 2, 10)),
        ("27-уми августи соли 2025", datetime(2025, 8, 27)),
        ("Душанбе, 1 январи 2026", datetime(2026, 1, 1)),
        ("4 марти 2025", datetime(2025, 3, 4)),
        ("4 апрели 2025", datetime(2025, 4, 4)),
        ("9 майи 2025", datetime(2025, 5, 9)),
        ("9 июни 2025", datetime(2025, 6, 9)),
        ("9 июли 2025", datetime(2025, 7, 9)),
        ("9 сентябри 2025", datetime(2025, 9, 9)),
        ("9 октябри 2025", datetime(2025, 10, 9)),
        ("9 ноябри 2025", datetime(2025, 11, 9)),
        ("9 декабри 2025", datetime(2025, 12, 9)),
        ("9 декабр 2025", datetime(2025, 12, 9)),
        # English
        ("August 27, 2025", datetime(2025, 8, 27)),
        ("27 August 2025", datetime(2025, 8, 27)),
        ("Aug. 27, 2025, 3:05 pm", datetime(2025, 8, 27, 15, 5)),
        ("Sept 1st, 2025", datetime(2025, 9, 1)),
        ("the 27th of August, 2025 at 10:40", datetime(2025, 8, 27, 10, 40)),
        ("12 Dec 2024", datetime(2024, 12, 12)),
        # the first valid date wins; impossible ones are skipped
        ("32.13.2025 и 27.08.2025 10:40", datetime(2025, 8, 27, 10, 40)),
        ("Обновлено: 28.08.2025; опубликовано 27 августа 2025", datetime(2025, 8, 28)),
        # Karavan Info's dateline has no year; the next full date is the event's
        (
            "Душанбе, 27 августа, — ИА «Караван Инфо». 26 августа 2025 года в Астане",
            datetime(2025, 8, 26),
        ),
    ],
)
def test_parse_dateline(text: str, expected: datetime) -> None:
    assert parse_dateline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Вчера, 09:15",
        "Сегодня в 10:40",
        "тел. 8 (7172) 74-56-78",
        "1.2 млрд",
        "1,2 млрд АҚШ долларынан асты",
        "32.13.2025",
        "31 февраля 2025",
        "29.02.2025",
        "0.08.2025",
        "27 августа",  # no year
        "Август 2024",  # no day
        "May 2025",
        "2025 жылы екі ел арасындағы өзара сауда көлемі",
        "с 2020 по 2025 год",
        "5 человек 2025",
        "27.08.20255",
        "25–28 May 2026",  # a range, not a dateline
        "версия 2.1.2025.4",
        "Omar 27, 2025 results",  # "mar" inside a word is no month
    ],
)
def test_parse_dateline_rejects(text: str) -> None:
    assert parse_dateline(text) is None
    assert parse_dateline(text, ["ru", "kk", "tg", "en"]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27.08.2025 25:61", datetime(2025, 8, 27)),  # not a time of day
        ("27.08.2025 13:05 pm", datetime(2025, 8, 27)),
        ("Aug 27, 2025 12:10 am", datetime(2025, 8, 27, 0, 10)),
        ("Aug 27, 2025 12:10 PM", datetime(2025, 8, 27, 12, 10)),
    ],
)
def test_time_of_day_is_validated(text: str, expected: datetime) -> None:
    assert parse_dateline(text) == expected


def test_find_visible_date_skips_body_and_related_headlines() -> None:
    lines = [
        "Главная / Политика",
        "Спикер Сената встретился с главой Маджлиси милли",
        "Маулен Ашимбаев отметил, что в 2024 году товарооборот вырос, а 12 сентября 2024 года "
        "стороны подписали дорожную карту межпарламентского сотрудничества на 2025-2027 годы.",
        "Читайте также: форум в Душанбе пройдёт с участием делегаций 25 мая 2026",
        "Опубликовано: 27 августа 2025, 11:40",
        "Обновлено: 28 августа 2025, 09:00",
    ]
    assert find_visible_date(lines) == datetime(2025, 8, 27, 11, 40)


def test_find_visible_date_reads_the_head_of_a_dateline_paragraph() -> None:
    # Seed 004 (NIAT Khovar, English): the dateline opens the first paragraph, and the
    # "Read also" list below mentions other dates.
    lines = [
        "Speaker of the National Assembly Rustam Emomali Meets with Speaker of the Senate of "
        "the Parliament of Kazakhstan",
        "Read also",
        "DUSHANBE, 23.09.2021 (NIAT Khovar) – Within the framework of his official visit to "
        "Nursultan, Speaker of the National Assembly Rustam Emomali met with the Speaker of "
        "the Senate of the Kazakh Parliament.",
        "Uniting the World for Water: Dushanbe hosts the 4th High-Level Conference on Water "
        "Action Decade on 25–28 May 2026",
        "Full confidence in China’s economy in 2026",
    ]
    assert find_visible_date(lines) == datetime(2021, 9, 23)
    assert find_visible_date(lines[3:]) is None


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [
                " date 2025-08-26 Спикер Сената встретился с главой Маджлиси милли Маджлиси Оли "
                "Таджикистана"
            ],
            datetime(2025, 8, 26),
        ),
        (
            ["БАҚ.KZ", "2026 жылғы 10 ақпан, 14:32", "Қазақстан мен Тәжікстан"],
            datetime(2026, 2, 10, 14, 32),
        ),
        (["Ховар", "Душанбе, 27 августи 2025"], datetime(2025, 8, 27)),
        # the multi-line text of one page element is split into lines
        (["ru24.pro\nWorld News\nАвгуст\n2024\n\n“Исторический документ“"], None),
        ([], None),
    ],
)
def test_find_visible_date(lines: list[str], expected: datetime | None) -> None:
    assert find_visible_date(lines, ["ru"]) == expected


def test_find_visible_date_accepts_a_generator_and_a_plain_string() -> None:
    text = "Главная\nАвтор: Айгерим Сейткали, отдел политики — 27.08.2025 10:40\nТекст"
    assert find_visible_date(line for line in text.splitlines()) == datetime(2025, 8, 27, 10, 40)
    assert find_visible_date(text) == datetime(2025, 8, 27, 10, 40)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        (date(2025, 1, 1), True),
        (datetime(2025, 1, 1), True),
        (datetime(2025, 1, 1, 0, 5), False),  # a real time: a real New Year item
        (date(2025, 8, 27), False),
        (datetime(2025, 8, 27), False),
        (datetime(2025, 1, 2), False),
    ],
)
def test_is_low_confidence(value: date | datetime | None, expected: bool) -> None:
    assert is_low_confidence(value) is expected
