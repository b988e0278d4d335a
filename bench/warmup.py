"""One-time loads that a long-running daemon pays once, done before any timing so that
neither side of a comparison pays them inside its figure."""

from __future__ import annotations

import htmldate.extractors
import trafilatura.external

from newswatch.crawler.language import detect_language


def warm_one_time_loads() -> None:
    """py3langid's model (~0.8 s, loaded by the first Cyrillic text), the union of jusText's
    stoplists (~3 s, built by whichever extractor first needs trafilatura's jusText fallback:
    the other one would look faster by that much) and dateparser's locales (~4 s, loaded by
    the first page whose date htmldate's extensive search sends to dateparser; an unknown word
    loads them all)."""
    detect_language("Переговоры министров иностранных дел прошли в Астане")
    trafilatura.external.jt_stoplist_init()
    htmldate.extractors.get_external_parser().get_date_data("12 Qqqqxyz 2020")
