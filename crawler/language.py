"""Language of an article: ru, kk, tg, en, or kk-arab (Kazakh in Arabic script).

trafilatura leaves ``language`` empty (see STACK-NOTES), so we decide ourselves, cheapest
evidence first:

0. script: mostly Arabic letters with the letters only the Kazakh Arabic alphabet uses
   (ٴ ۋ ە ڭ ۇ ى) -> kk-arab (Kazakhs of China, Iran, Afghanistan); other Arabic-script text
   (Persian, Arabic, Uyghur) is none of ours -> None;
1. script: mostly Latin letters -> en (the only Latin-script language we follow);
2. letters only one of the Cyrillic languages has: ӣ ӯ ҳ ҷ -> tg, ә ң ө ұ ү һ і -> kk
   (ғ қ are shared by kk and tg and decide nothing), when they are frequent enough in
   ordinary (lower-case) words, so that quoted names like «Достық» or «Бәйтерек» in a
   Russian article do not count;
3. otherwise py3langid restricted to our four languages, with the source's declared
   languages as a prior when it is unsure.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

LANGUAGES = ("ru", "kk", "tg", "en")
ARABIC_KAZAKH = "kk-arab"  # detected from the script only; matched through Cyrillic

# Only the head of a text is read: enough evidence, and the cost stays flat for long pages.
SAMPLE_CHARS = 5000
# Fewer letters than this (e.g. "ТВ", "12:40") says nothing about the language.
MIN_LETTERS = 3

# Decisive letters (counted in lower-case words, see below) must appear at least this often,
# and make at least this share of the Cyrillic letters, before they decide alone: seed 002
# (Kazakh) has 8.4 %, a formal Tajik sentence ~8 %, while a Russian paragraph quoting a Kazakh
# proverb («бірлік бар жерде тірлік бар») has ~1 %. Below that, py3langid decides.
MIN_DECISIVE = 3
MIN_DECISIVE_SHARE = 0.02

# Weight of a declared language in the statistical step: an undeclared language must be this
# many times likelier than a declared one to win. py3langid is >0.99 sure on a real paragraph
# but often 0.6-0.9 on a short Tajik text typed without Tajik letters (Мулокоти Президенти
# Точикистон: ru 0.84 / tg 0.16); for a source declared [tg] that must come out tg.
DECLARED_PRIOR = 10.0

# Runs, not single letters: counting ~250 runs is 4x faster than ~1,500 one-letter matches.
_LATIN = re.compile(r"[A-Za-z]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]+")
_ARABIC = re.compile(r"[\u0620-\u06ff]+")
# Letters of the Kazakh Arabic alphabet that Persian and Arabic do not write (high hamza, ۋ, ە,
# ڭ, ۇ), and those of Uyghur that Kazakh does not (ې, ۈ, and ئ as a vowel carrier).
_KK_ARABIC_LETTERS = re.compile("[\u0674\u06cb\u06d5\u06ad\u06c7]")
_UYGHUR_LETTERS = re.compile("[\u06d0\u06c8\u0626]")
_TG_LETTERS = re.compile(r"[ӣӯҳҷӢӮҲҶ]")
_KK_LETTERS = re.compile(r"[әңөұүһіӘҢӨҰҮҺІ]")
_WORD = re.compile(r"[^\W\d_][\w-]*")
# Words holding a Kazakh or Tajik letter: the only ones _fold_name may have to change.
_LOCAL_LETTER = re.compile(r"[әғқңөұүһіӣӯҳҷӘҒҚҢӨҰҮҺІӢӮҲҶ]")
_LOCAL_WORD = re.compile(r"(?<![\w-])(?=[\w-]*" + _LOCAL_LETTER.pattern + r")[^\W\d_][\w-]*")
# Kazakh/Tajik letters -> the Russian letters used to spell the same names in Russian texts.
_FOLD_TO_RUSSIAN = str.maketrans(
    "әғқңөұүһіӣӯҳҷӘҒҚҢӨҰҮҺІӢӮҲҶ",
    "агкноуухииухчАГКНОУУХИИУХЧ",
)

_model_lock = threading.Lock()
_model: LanguageIdentifier | None = None


def _identifier() -> LanguageIdentifier:
    """py3langid's model restricted to our languages, loaded once on first use (~0.8 s).

    A private instance, not py3langid's module-level one, built from the model's arrays with
    only our languages' columns: ``set_languages`` would keep the full table of all 142
    languages (27 MB) alive for a later reset, and would change results for any other code
    that calls py3langid. The scores are the same: the same columns in the same order, the
    same dtypes (tests/test_language.py compares them).
    """
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = _restricted_identifier(LANGUAGES)
    return _model


def _restricted_identifier(languages: Sequence[str]) -> LanguageIdentifier:
    """What ``from_model_file(MODEL_FILE, norm_probs=True).set_languages(languages)`` computes,
    without holding the full model afterwards."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    keep = [i for i, lang in enumerate(classes) if lang in languages]
    return LanguageIdentifier(
        np.ascontiguousarray(ptc[:, keep]),  # a copy: the full table is freed on return
        np.asarray(pc)[keep],
        [classes[i] for i in keep],
        nextmove,
        output,
        norm_probs=True,
        tk_row=row,
    )


def _statistical(sample: str, declared: Sequence[str]) -> str:
    """Best Cyrillic language by py3langid, weighted by the declared-language prior."""
    probs = {lang: p for lang, p in _identifier().rank(sample) if lang != "en"}
    declared_set = set(declared)

    def score(lang: str) -> float:
        return probs.get(lang, 0.0) * (DECLARED_PRIOR if lang in declared_set else 1.0)

    # Ties (e.g. featureless text) go to the first declared language, then to ru.
    order = [*declared, *(lang for lang in ("ru", "kk", "tg") if lang not in declared_set)]
    return max(order, key=score)


def _arabic_script(sample: str) -> str | None:
    """kk-arab when the Arabic-script letters are Kazakh ones, else None (not our language)."""
    kazakh = len(_KK_ARABIC_LETTERS.findall(sample))
    uyghur = len(_UYGHUR_LETTERS.findall(sample))
    return ARABIC_KAZAKH if kazakh >= MIN_DECISIVE and kazakh > 4 * uyghur else None


def detect_language(text: str, declared: Sequence[str] = ()) -> str | None:
    """Return "ru", "kk", "tg", "en" or "kk-arab" for ``text``; None when it has (almost) no
    letters of ours.

    ``declared`` are the languages the source says it publishes in; they only tip the
    statistical step, never override decisive letters or the script. With no usable text
    the caller should fall back to the source's own default.
    """
    if not text:
        return None
    # NFC folds a decomposed и + U+0304 back into ӣ (some CMSs store NFD).
    sample = unicodedata.normalize("NFC", text[:SAMPLE_CHARS])
    prior = [lang for lang in dict.fromkeys(declared) if lang in LANGUAGES]

    latin = sum(map(len, _LATIN.findall(sample)))
    cyrillic = sum(map(len, _CYRILLIC.findall(sample)))
    arabic = sum(map(len, _ARABIC.findall(sample)))
    if arabic > latin + cyrillic:
        return _arabic_script(sample)
    if latin + cyrillic < MIN_LETTERS:
        return None
    if latin >= cyrillic:
        return "en"

    # Decisive letters count only in words that start lower-case: proper names («Достық»,
    # Әлихан, Раҳмон) quoted in a Russian text are no evidence, while the ordinary words of a
    # Kazakh or Tajik text (мен, әріптестік, ҳамкорӣ) are. (An all-capitals text has no such
    # words and goes to py3langid as it is.)
    common = " ".join(w for w in _WORD.findall(sample) if w[0].islower())
    if common:
        needed = max(MIN_DECISIVE, MIN_DECISIVE_SHARE * cyrillic)
        tg_ok = len(_TG_LETTERS.findall(common)) >= needed
        kk_ok = len(_KK_LETTERS.findall(common)) >= needed
        if tg_ok != kk_ok:  # both: a mixed text, let py3langid weigh it
            return "tg" if tg_ok else "kk"
        # Spell capitalised names the Russian way (Бәйтерек -> Байтерек) so that py3langid,
        # which weighs every letter, is not swayed by them either.
        if _LOCAL_LETTER.search(sample):
            sample = _LOCAL_WORD.sub(_fold_name, sample)
    return _statistical(sample, [lang for lang in prior if lang != "en"])


def _fold_name(match: re.Match[str]) -> str:
    word = match.group()
    return word.translate(_FOLD_TO_RUSSIAN) if word[0].isupper() else word
