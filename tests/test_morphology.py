"""Normalisation and word forms in Russian, Kazakh, Tajik and English, including negatives."""

from __future__ import annotations

import pytest

from newswatch.alerts.arabic_kazakh import TABLE, transliterate
from newswatch.alerts.morphology import analyses, stem, suffix_ok, term_matches
from newswatch.alerts.normalize import fold_lookalikes, normalize_text, normalize_word, tokenize

# --- normalisation -----------------------------------------------------------------------


def test_casefold_yo_and_nfkc() -> None:
    assert normalize_word("ТЁПЛЫЕ") == "теплые"
    assert normalize_word("ﬁnance") == "finance"  # NFKC unfolds the ligature
    assert normalize_word("Тәжік\u00adстан") == "тәжікстан"  # soft hyphen inside a word


def test_lookalikes_are_folded_only_inside_mixed_words() -> None:
    assert normalize_word("Kазахстан") == "казахстан"  # Latin K
    assert normalize_word("Рaхмон") == "рахмон"  # Latin a
    assert normalize_word("Astanа") == "astana"  # Cyrillic а in a Latin word
    assert fold_lookalikes("Tokayev") == "Tokayev"  # a genuine Latin word stays Latin
    assert fold_lookalikes("Токаев") == "Токаев"


def test_tokens_keep_offsets_and_phrase_breaks() -> None:
    text = "Казахстана, Таджикистана и «Достық»-казахско-таджикских"
    tokens = tokenize(text)
    assert [text[t.start : t.end] for t in tokens] == [
        "Казахстана",
        "Таджикистана",
        "и",
        "Достық",
        "казахско",
        "таджикских",
    ]
    assert [t.breaks for t in tokens] == [False, True, False, False, False, False]
    assert normalize_text("Tajikistan’s ЁЛКА") == "tajikistan s елка"


# --- word forms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Таджикистан", "Таджикистана"),
        ("Таджикистан", "Таджикистаном"),
        ("Таджикистан", "Таджикистане"),
        ("таджикский", "таджикских"),
        ("таджикский", "таджикско"),  # first half of казахско-таджикских
        ("Астана", "Астане"),
        ("Астана", "Астаной"),
        ("Токаев", "Токаевым"),
        ("Токаев", "Токаева"),
        ("визит", "визита"),
        ("переговоры", "переговорах"),
        ("договор", "договоре"),
        ("Рахмон", "Рахмоном"),
    ],
)
def test_russian_forms_match(term: str, word: str) -> None:
    assert term_matches(term, word, "ru")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("таджикский", "Таджикистан"),  # an adjective is not the country
        ("Таджикистан", "таджикский"),
        ("таджик", "таджикских"),
        ("Казахстан", "казахский"),
        ("визит", "визитка"),
        ("Астана", "Астраханью"),
    ],
)
def test_russian_negatives(term: str, word: str) -> None:
    assert not term_matches(term, word, "ru")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("Тәжікстан", "Тәжікстанның"),
        ("Тәжікстан", "Тәжікстанда"),
        ("Тәжікстан", "Тәжікстанмен"),
        ("Тәжікстан", "Тәжікстандағы"),
        ("Қазақстан", "Қазақстанмен"),
        ("Қазақстан", "Қазақстанға"),
        ("Қазақстан", "Қазақстаннан"),
        ("Қазақстан", "Қазақстанның"),
        ("сапар", "сапарының"),
        ("ел", "елдің"),
        ("ел", "елдер"),
        ("Тоқаев", "Тоқаевтың"),
        ("Рахмон", "Рахмонмен"),
        ("Қазақстан", "қазақстандықтар"),  # -лық demonym, plural
        ("Тәжікстан", "тәжікстандық"),
        ("мигрант", "мигранттары"),
        ("ынтымақтастық", "ынтымақтастығы"),  # қ voiced to ғ before a vowel
        ("ынтымақтастық", "ынтымақтастықты"),
    ],
)
def test_kazakh_suffixes(term: str, word: str) -> None:
    assert term_matches(term, word, "kk")


@pytest.mark.parametrize(
    ("term", "word"),
    [
        ("тәжік", "Тәжікстан"),  # the people are not the country
        ("ат", "ата"),  # a one-letter suffix needs a term of four letters
        ("ел", "елші"),  # ші is no inflection: елші is an ambassador
        ("су", "сурет"),
        ("ана", "анатомия"),
        ("ынтымақтастық", "ынтымақтастығ"),  # a voiced stem never stands alone
        ("ынтымақтастық", "ынтымақтастығда"),  # ... and takes only vowel-initial suffixes
    ],
)
def test_kazakh_short_words_are_not_over_stripped(term: str, word: str) -> None:
    assert not term_matches(term, word, "kk")
    assert not suffix_ok("kk", "ме", "н")  # a one-letter rest never attaches to a short word


@pytest.mark.parametrize(
    ("term", "word", "expected"),
    [
        ("Тоҷикистон", "Тоҷикистонро", True),
        ("Тоҷикистон", "Тоҷикистону", True),
        ("Қазоқистон", "Қазоқистонро", True),
        ("Қазоқистон", "Қазоқистони", True),
        ("тоҷик", "тоҷикон", True),
        ("тоҷик", "тоҷикӣ", True),
        ("сафар", "сафарҳои", True),
        ("ҳамкорӣ", "ҳамкориҳои", True),  # final -ӣ is written и before a suffix
        ("ҳамкорӣ", "ҳамкории", True),
        ("Тоҷикистон", "тоҷикистониён", True),  # adjective -ӣ + plural: Tajikistanis
        ("Қазоқистон", "Қазоқистониён", True),
        ("қазоқ", "қазоқҳо", True),
        ("ҳамкорӣ", "ҳамкори", False),  # the и shape needs a suffix
        ("тоҷик", "Тоҷикистон", False),
        ("об", "обод", False),
    ],
)
def test_tajik_suffixes(term: str, word: str, expected: bool) -> None:
    assert term_matches(term, word, "tg") is expected


def test_tajik_hyphenated_and_is_a_separate_word() -> None:
    tokens = [t.norm for t in tokenize("Қазоқистон-у Тоҷикистон")]
    assert tokens == ["қазоқистон", "у", "тоҷикистон"]


@pytest.mark.parametrize(
    ("term", "word", "expected"),
    [
        ("visit", "visits", True),
        ("visit", "visited", True),
        ("agreement", "agreements", True),
        ("Kazakhstan", "KAZAKHSTAN", True),
        ("Tajik", "Tajikistan", False),
        ("Kazakh", "Kazakhstan", False),
    ],
)
def test_english(term: str, word: str, expected: bool) -> None:
    assert term_matches(term, word, "en") is expected


def test_latin_words_in_a_russian_text_are_english() -> None:
    assert term_matches("Kazakhstan", "Kazakhstan", "ru")
    assert term_matches("talks", "talk", "kk")


def test_stem_keys_per_language() -> None:
    assert stem("таджикистаном", "ru") == "таджикистан"
    assert stem("talks", "en") == "talk"
    assert stem("тәжікстанның", "kk") == "тәжікстан"
    assert "тәжікстан" in analyses("тәжікстандағы", "kk")
    assert "тоҷикистон" in analyses("тоҷикистонро", "tg")


# --- Kazakh in Arabic script ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("arabic", "cyrillic"),
    [
        ("قازاقستان", "қазақстан"),  # a back-vowel word
        ("ءبىلىم", "білім"),  # the hamza marks a front-vowel word
        ("كەلىسىم", "келісім"),  # so do е, к, г
        ("ىنتىماقتاستىق", "ынтымақтастық"),
        ("ۋنيۆەرسيتەت", "университет"),  # ي between consonants is и
        ("ايماق", "аймақ"),  # ... and й beside a vowel
        ("رەسەي", "ресей"),
        ("شەكارا", "шекәрә"),  # mixed loans come out front: matching folds them
        ("ﻗﺎﺯﺍﻗﺴﺘﺎﻥ", "қазақстан"),  # presentation forms, after NFKC
    ],
)
def test_arabic_script_kazakh_transliterates_to_cyrillic(arabic: str, cyrillic: str) -> None:
    assert transliterate(normalize_word(arabic)) == cyrillic


@pytest.mark.parametrize(
    ("term", "word", "expected"),
    [
        ("Тәжікстан", "تاجىكستان", True),
        ("Тәжікстан", "تاجىكستاننىڭ", True),  # folded genitive -нің
        ("Тәжікстан", "تاجىكستانداعى", True),
        ("Қазақстан", "قازاقستانمەن", True),
        ("Душанбе", "دۋشانبە", True),
        ("Тоқаев", "توقاەۆ", True),
        ("ынтымақтастық", "ىنتىماقتاستىعى", True),
        ("Тәжікстан", "قىرعىزستان", False),
        ("тәжік", "تاجىكستان", False),  # the people are not the country, here too
    ],
)
def test_arabic_script_kazakh_matches_cyrillic_terms(term: str, word: str, expected: bool) -> None:
    assert term_matches(term, word, "kk") is expected
    assert term_matches(term, word, None) is expected  # whatever the article's language


def test_every_letter_of_the_table_has_a_cyrillic_reading() -> None:
    assert len(TABLE) >= 33
    assert all(back and front for back, front in TABLE.values())
    assert {"ا", "ە", "ى", "ۇ", "و", "ڭ", "ع", "ق", "ۋ"} <= set(TABLE)
