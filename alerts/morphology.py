"""Word forms: when does a query term match a word of an article?

- Russian and English: the Snowball stemmers (PyStemmer). Text words are reduced to one stem.
  Snowball treats the ends of many base forms as endings (Таджикистан → таджикиста-, визит →
  виз-, Токаев → тока-) while the inflected forms keep them (Таджикистаном → таджикистан-), so a
  Russian query term is expanded into its likely paradigm first (Астана → Астане, Астаной …)
  and every stem of those forms is a key: `Таджикистан` then matches Таджикистана and
  Таджикистаном, and `таджикский` matches таджикских, but not Таджикистан.
- Kazakh and Tajik: no maintained stemmer exists, and both are agglutinative, so a word matches
  a query term (written in its dictionary form) when the word is the term plus a valid chain of
  suffixes from the tables below (Тәжікстан + ның, Тоҷикистон + ро). Short terms are protected:
  a term needs 2 letters to take suffixes and 4 to take a one-letter suffix.

Query terms may be in any language, so a Cyrillic term is prepared for Russian, Kazakh and
Tajik at once (and for Kazakh in Arabic script, "kk-arab", see arabic_kazakh.py), and a Latin
term for English. An article's words use the article's language (Latin words in any article
are English, Arabic-script words Arabic-script Kazakh).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from newswatch.alerts.arabic_kazakh import fold, matching_form
from newswatch.alerts.normalize import normalize_word, script_of

LANGUAGES = ("ru", "kk", "tg", "en")
STEMMED = ("ru", "en")  # one stem per text word
SUFFIXED = ("kk", "tg", "kk-arab")  # term + suffix chain
ARABIC_KAZAKH = "kk-arab"  # Kazakh in Arabic script, matched folded (arabic_kazakh.fold)

_STEMMERS = {"ru": Stemmer.Stemmer("russian"), "en": Stemmer.Stemmer("english")}


def _e(endings: str) -> list[str]:
    return endings.split()


def _alt(*suffixes: str) -> str:
    # Longest first, so that the regex engine tries "ның" before "н". Words are normalised
    # (ё -> е) before they meet the tables: so are the suffixes (Tajik plural -ён).
    normalised = {suffix.replace("ё", "е") for suffix in suffixes}
    return "(?:" + "|".join(sorted(normalised, key=len, reverse=True)) + ")"


# --- Kazakh -------------------------------------------------------------------------------
# A noun is stem + (-лық "of/from")? + plural? + possessive? + case? (+ -ғы/-гі "the one
# in/at" + case?), e.g. Қазақстан|ның, Қазақстан|мен, Тәжікстан|да|ғы, сапар|ы|ның,
# ел|дер|і|мен, Қазақстан|дық|тар "Kazakhstanis".
KK_DERIVATION = ("лық", "лік", "дық", "дік", "тық", "тік")
KK_PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")
KK_POSSESSIVE = (
    "ым", "ім", "м", "ың", "ің", "ң", "ыңыз", "іңіз", "ңыз", "ңіз",  # my, your
    "ы", "і", "сы", "сі",  # his/her/its
    "ымыз", "іміз", "мыз", "міз",  # our
)  # fmt: skip
KK_CASE = (
    "ның", "нің", "дың", "дің", "тың", "тің",  # genitive
    "ға", "ге", "қа", "ке", "на", "не",  # dative
    "ны", "ні", "ды", "ді", "ты", "ті",  # accusative
    "да", "де", "та", "те", "нда", "нде",  # locative
    "дан", "ден", "тан", "тен", "нан", "нен",  # ablative
    "мен", "бен", "пен", "менен", "бенен", "пенен",  # instrumental ("with", "and")
    "ша", "ше", "дай", "дей", "тай", "тей",  # equative, similative
)  # fmt: skip
KK_AFTER_POSSESSIVE = ("а", "е", "н", "нда", "нде", "нан", "нен", "на", "не", "ны", "ні")
KK_RELATIVE = ("ғы", "гі", "қы", "кі")  # Тәжікстандағы "the one in Tajikistan"


def _kk_chain(shape=lambda suffix: suffix) -> re.Pattern[str]:
    def alt(*suffixes: str) -> str:
        return _alt(*map(shape, suffixes))

    return re.compile(
        f"{alt(*KK_DERIVATION)}?{alt(*KK_PLURAL)}?"
        f"(?:{alt(*KK_POSSESSIVE)}{alt(*KK_CASE, *KK_AFTER_POSSESSIVE)}?|{alt(*KK_CASE)})?"
        f"(?:{alt(*KK_RELATIVE)}{alt(*KK_CASE, *KK_AFTER_POSSESSIVE)}?)?"
    )


_KK_CHAIN = _kk_chain()
_KK_ARABIC_CHAIN = _kk_chain(fold)  # the same suffixes as the Arabic script spells them
# A final voiceless consonant is voiced before a vowel: ынтымақтастық -> ынтымақтастығы.
KK_VOICING = {"қ": "ғ", "к": "г", "п": "б"}
KK_VOWELS = frozenset("аәеиоөұүыіуэюя")

# --- Tajik --------------------------------------------------------------------------------
# stem + adjective -ӣ? + plural? + ezafe or possessive? + object marker, "and", indefinite or
# copula?, e.g. Тоҷикистон|ро, Тоҷикистон|у, тоҷик|он, тоҷик|ӣ, Қазоқистон|и, сафар|ҳо|и,
# Тоҷикистон|и|ён "Tajikistanis". A final -ӣ is written и before a suffix: ҳамкорӣ ->
# ҳамкори|ҳо|и.
TG_ADJECTIVE = ("ӣ", "и")
TG_PLURAL = ("ҳо", "он", "ён", "гон", "вон")
TG_EZAFE_POSSESSIVE = (
    "и", "ӣ", "йи",  # ezafe, adjective -ӣ
    "ам", "ат", "аш", "амон", "атон", "ашон",  # my, your, his; our, your, their
    "ям", "ят", "яш", "ямон", "ятон", "яшон",
)  # fmt: skip
TG_ENCLITIC = (
    "ро",  # direct object
    "у", "ю", "ву",  # "and" (Тоҷикистону Қазоқистон)
    "е", "е", "ест", "аст", "ст", "анд", "ем", "ед",  # indefinite, copula
)  # fmt: skip
_TG_CHAIN = re.compile(
    f"{_alt(*TG_ADJECTIVE)}?{_alt(*TG_PLURAL)}?{_alt(*TG_EZAFE_POSSESSIVE)}?{_alt(*TG_ENCLITIC)}?"
)

CHAINS = {"kk": _KK_CHAIN, "tg": _TG_CHAIN, ARABIC_KAZAKH: _KK_ARABIC_CHAIN}
MIN_SUFFIXED_TERM = 2  # letters a term needs before it takes any suffix (ел|дің, су|ды)
MIN_TERM_FOR_ONE_LETTER = 4  # ... and before it takes a one-letter suffix (а, е, ы, і, у, ӣ)


def suffix_ok(language: str, term: str, rest: str, variant: bool = False) -> bool:
    """Is ``term + rest`` an inflected form of ``term`` in Kazakh or Tajik? ``variant``: the
    term is a stem variant (stem_variants), which never stands without a suffix, and in
    Kazakh takes only suffixes that begin with a vowel."""
    if not rest:
        return not variant
    if len(term) < MIN_SUFFIXED_TERM or (len(rest) == 1 and len(term) < MIN_TERM_FOR_ONE_LETTER):
        return False
    if variant and language != "tg" and rest[0] not in KK_VOWELS:
        return False
    return CHAINS[language].fullmatch(rest) is not None


def stem_variants(term: str, language: str) -> tuple[str, ...]:
    """Other shapes of a term before a suffix: Kazakh қ/к/п voiced (ынтымақтастығы), Tajik
    final -ӣ written и (ҳамкориҳо, тоҷикистониён)."""
    if len(term) < MIN_TERM_FOR_ONE_LETTER:
        return ()
    if language == "tg":
        return (term[:-1] + "и",) if term.endswith("ӣ") else ()
    voiced = KK_VOICING.get(term[-1])
    if voiced is None:
        return ()
    return (fold(term[:-1] + voiced),) if language == ARABIC_KAZAKH else (term[:-1] + voiced,)


def analyses(word: str, language: str) -> list[str]:
    """Every dictionary form ``word`` can be an inflection of (Kazakh, Tajik), longest first."""
    return [
        word[:cut] for cut in range(len(word), 0, -1) if suffix_ok(language, word[:cut], word[cut:])
    ]


# --- Russian query expansion ---------------------------------------------------------------
_RU_ADJECTIVE = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие")
_RU_ADJECTIVE_FORMS = _e(
    "ый ий ой ая яя ое ее ые ие ого его ому ему ым им ом ем ую юю ых их ыми ими ою ею"
)
_RU_NOUN_FORMS = {
    # last letter of the base form -> (letters to drop, endings to add)
    "а": (1, _e("а я ы и е у ю ой ей ою ам ями ами ах ях")),
    "я": (1, _e("я и е ю ей ею ям ями ях ь")),
    "ь": (1, _e("ь я ю ем ём е и ей ям ями ях ью")),
    "й": (1, _e("й я ю ем е и ев ям ями ях")),
    "о": (1, _e("о а у ом е ы ам ами ах")),
    "е": (1, _e("е я ю ем и ей ям ями ях")),
    "ы": (1, _e("ы ов ам ами ах")),
    "и": (1, _e("и ей ам ями ях ов")),
}
_RU_CONSONANT_FORMS = _e("а у ом ем е ы и ов ев ей ам ами ах ым им ой")


def russian_forms(term: str) -> set[str]:
    """Likely inflected forms of a Russian base form (over-generation is harmless: only stems
    of real article words are ever looked up)."""
    forms = {term}
    if len(term) < 3:
        return forms
    if term.endswith(_RU_ADJECTIVE):
        forms.update(term[:-2] + ending for ending in _RU_ADJECTIVE_FORMS)
    last = term[-1]
    if last in _RU_NOUN_FORMS:
        drop, endings = _RU_NOUN_FORMS[last]
        forms.update(term[:-drop] + ending for ending in endings)
    elif re.match(r"[бвгджзклмнпрстфхцчшщ]", last):
        forms.update(term + ending for ending in _RU_CONSONANT_FORMS)
    return forms


@lru_cache(maxsize=400_000)
def stem(word: str, language: str) -> str:
    """The key of an article word: the Snowball stem (ru, en), the shortest dictionary form
    the suffix tables allow (kk, tg: a coarse key for grouping words; matching checks the
    query term plus a suffix chain instead, see suffix_ok), or the word itself."""
    if language in _STEMMERS:
        return _STEMMERS[language].stemWord(word)
    if language in SUFFIXED:
        return analyses(word, language)[-1]
    return word


def base_language(language: str | None) -> str | None:
    """The language a rule's ``languages`` names for an article: Kazakh in Arabic script is
    Kazakh (a rule for [kk] gets it too)."""
    return "kk" if language == ARABIC_KAZAKH else language


def text_language(word: str, document_language: str | None) -> str | None:
    """Which language's rules apply to an article word: Latin words are English, Arabic-script
    ones Kazakh in Arabic script, Cyrillic ones follow the article (Russian when the article
    is English or unknown)."""
    script = script_of(word)
    if script == "latin":
        return "en"
    if script == "arabic":
        return ARABIC_KAZAKH
    if script == "cyrillic":
        if document_language in ("ru", "kk", "tg"):
            return document_language
        return "kk" if document_language == ARABIC_KAZAKH else "ru"
    return None


@dataclass(frozen=True)
class TermForms:
    """How one normalised query word is looked up: stems per stemmed language, and for the
    suffixing languages (Kazakh, Tajik, Arabic-script Kazakh) the shapes that take suffixes:
    (language, shape, is a stem variant)."""

    word: str
    stems: dict[str, frozenset[str]]
    suffixed: tuple[tuple[str, str, bool], ...]


@lru_cache(maxsize=100_000)
def term_forms(word: str) -> TermForms:
    """Prepare a normalised query word for every language its script can be."""
    script = script_of(word)
    if script == "latin":
        return TermForms(word, {"en": frozenset({stem(word, "en")})}, ())
    if script != "cyrillic":
        return TermForms(word, {}, ())
    base = stem(word, "ru")
    # A form's stem shorter than the base form's own stem is another word's stem, not this one's.
    keys = {base} | {
        s for s in map(lambda f: stem(f, "ru"), russian_forms(word)) if len(s) >= len(base)
    }
    shapes = []
    for language in SUFFIXED:
        base_form = fold(word) if language == ARABIC_KAZAKH else word
        shapes.append((language, base_form, False))
        shapes += [(language, v, True) for v in stem_variants(word, language)]
    return TermForms(word, {"ru": frozenset(keys)}, tuple(shapes))


def term_matches(term: str, word: str, language: str) -> bool:
    """Does query term ``term`` match the article word ``word`` in an article in ``language``?
    The reference the engine's compiled patterns agree with (used by tests)."""
    term, word = normalize_word(term), normalize_word(word)
    if term == word:
        return True
    lang = text_language(word, language)
    if lang == ARABIC_KAZAKH:
        word = matching_form(word)
    forms = term_forms(term)
    if lang in STEMMED:
        return stem(word, lang) in forms.stems.get(lang, ())
    return any(
        word.startswith(shape) and suffix_ok(lang, shape, word[len(shape) :], variant)
        for shape_lang, shape, variant in forms.suffixed
        if shape_lang == lang
    )
