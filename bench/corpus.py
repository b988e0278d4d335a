"""Generated benchmark corpora built from the fixture pages (real publisher chrome)."""

from __future__ import annotations

import random
from pathlib import Path

from lxml import html as lxml_html

from tests.expectations import fixture_file, load_expected

BENCH_ORIGIN = "https://bench.example"


def template_pages() -> list[bytes]:
    """Every fixture article page (the ones with an expected/*.json)."""
    pages = [fixture_file(expected.url).read_bytes() for expected in load_expected()]
    if not pages:
        raise SystemExit("no fixture pages found")
    return pages


def _vary(template: bytes, index: int, rng: random.Random) -> bytes:
    """A distinct article: own URL, title and paragraph order, same publisher chrome."""
    tree = lxml_html.document_fromstring(template)
    url = f"{BENCH_ORIGIN}/a/{index}"
    for link in tree.xpath('//link[@rel="canonical"]'):
        link.set("href", url)
    for meta in tree.xpath('//meta[@property="og:url"]'):
        meta.set("content", url)
    for h1 in tree.xpath("//h1")[:1]:
        h1.text = f"{(h1.text_content() or '').strip()} ({index})"
        for child in list(h1):
            h1.remove(child)
    paragraphs = tree.xpath("//p")
    if len(paragraphs) > 3:
        texts = [p.text_content() for p in paragraphs]
        rng.shuffle(texts)
        for p, text in zip(paragraphs, texts, strict=True):
            for child in list(p):
                p.remove(child)
            p.text = text
    return lxml_html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")


def write_corpus(directory: Path, count: int, seed: int = 7) -> list[Path]:
    """count article pages plus an RSS feed listing them, as a fixture site bench.example."""
    rng = random.Random(seed)
    templates = template_pages()
    site = directory / "bench.example"
    (site / "a").mkdir(parents=True, exist_ok=True)
    routes = {"/feed.xml": {"file": "feed.xml", "content_type": "application/rss+xml"}}
    items, files = [], []
    for index in range(count):
        path = site / "a" / f"{index}.html"
        path.write_bytes(_vary(templates[index % len(templates)], index, rng))
        files.append(path)
        routes[f"/a/{index}"] = {"file": f"a/{index}.html"}
        items.append(
            f"<item><title>Article {index}</title><link>{BENCH_ORIGIN}/a/{index}</link></item>"
        )
    (site / "feed.xml").write_text(
        f"<rss version='2.0'><channel><title>bench</title>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    import yaml

    (site / "site.yaml").write_text(
        yaml.safe_dump({"origin": BENCH_ORIGIN, "routes": routes}), encoding="utf-8"
    )
    return files
