"""What the storing process would otherwise compute from an article's text, made where the page
was extracted (an extraction worker process): the near-duplicate sketch and the event features.
The storing process is one per crawl; the workers are many."""

from __future__ import annotations

from dataclasses import dataclass

from newswatch.crawler.extraction import ExtractedArticle
from newswatch.events.features import Features, extract
from newswatch.storage.neardup import Sketch, sketch


@dataclass(frozen=True)
class Prepared:
    sketch: Sketch | None  # None: the text is too short to compare
    # None for an undated article: its features are worked out from the time it is stored
    features: Features | None


def prepare(article: ExtractedArticle) -> Prepared:
    signature = sketch(article.text)  # with its band keys, pickled along
    features = None
    if article.published is not None:  # as link_article works them out for a dated report
        features = extract(article.title, article.text, article.published, article.language)
    return Prepared(signature, features)
