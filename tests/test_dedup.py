"""Deduplication through `newswatch ingest` (each call a fresh process, so the near-duplicate
index is read back from the database every time): URL variants, edited versions, syndicated
copies with other chrome and a changed headline."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from newswatch.storage.neardup import THRESHOLD
from tests.conftest import Cli, NoServer, make_cli
from tests.expectations import fixture_file, load_expected

SEED_003 = next(e for e in load_expected() if e.seed == "003" and e.source == "tengrinews")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return make_cli(tmp_path, f"sqlite:///{tmp_path / 'dedup.db'}", NoServer())


def _page(tmp_path: Path, name: str, edit) -> str:
    tree = lxml_html.document_fromstring(fixture_file(SEED_003.url).read_bytes())
    for element in tree.xpath('//link[@rel="canonical"] | //meta[@property="og:url"]'):
        element.drop_tree()  # so that only the URL we give identifies the page
    edit(tree)
    path = tmp_path / name
    path.write_bytes(lxml_html.tostring(tree, encoding="utf-8"))
    return str(path)


def _body_paragraphs(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The article's own paragraphs (those of the expected clean text), in page order."""
    lines = set(SEED_003.text.splitlines())
    return [p for p in tree.xpath("//p") if p.text_content().strip() in lines]


def _ingest(cli: Cli, path: str, url: str, source: str = "tengrinews") -> str:
    return cli.run("ingest", "--url", url, "--source", source, path).stdout


def test_tracking_mobile_and_amp_urls_are_one_article(cli: Cli, tmp_path: Path) -> None:
    page = _page(tmp_path, "plain.html", lambda tree: None)
    url = SEED_003.url
    assert " new " in _ingest(cli, page, url)
    host, path = url.split("/", 3)[2], url.split("/", 3)[3]
    for variant in (
        f"{url}?utm_source=telegram&utm_medium=social",
        f"https://m.{host}/{path}",
        f"https://{host}/amp/{path}",
        f"http://www.{host}/{path}?amp=1#comments",
    ):
        assert " duplicate " in _ingest(cli, page, variant), variant
    [article] = cli.json_lines("articles", "list")
    assert article["canonical_url"] == url


def test_an_edit_at_the_same_url_is_a_new_version_of_the_article(cli: Cli, tmp_path: Path) -> None:
    first = _page(tmp_path, "v1.html", lambda tree: None)

    def correct_a_figure(tree: lxml_html.HtmlElement) -> None:
        paragraph = _body_paragraphs(tree)[-1]
        paragraph.text = paragraph.text_content() + " Уточнено: визит продлится два дня."

    second = _page(tmp_path, "v2.html", correct_a_figure)
    _ingest(cli, first, SEED_003.url)
    assert " updated " in _ingest(cli, second, SEED_003.url)
    [article] = cli.json_lines("articles", "list")
    assert article["version"] == 2
    assert article["text"].endswith("Уточнено: визит продлится два дня.")
    [story] = cli.json_lines("stories", "list")
    assert [a["id"] for a in story["articles"]] == [article["id"]]


def test_syndicated_copy_with_new_headline_and_edits_joins_the_story(
    cli: Cli, tmp_path: Path
) -> None:
    original = _page(tmp_path, "original.html", lambda tree: None)

    def republish(tree: lxml_html.HtmlElement) -> None:
        for h1 in tree.xpath("//h1"):
            h1.text = "Казахстан и Таджикистан стали союзниками: подписан исторический договор"
            for child in list(h1):
                child.drop_tree()
        paragraphs = _body_paragraphs(tree)
        paragraphs[2].drop_tree()  # a paragraph cut
        added = lxml_html.fragment_fromstring(
            "<p>Напомним, что переговоры проходили в Душанбе в рамках государственного визита, "
            "а стороны также обсудили вопросы транзита и водно-энергетического сотрудничества, "
            "которые остаются приоритетом для обеих стран на ближайшие годы.</p>"
        )
        paragraphs[-1].addnext(added)  # and one added

    copy = _page(tmp_path, "copy.html", republish)
    _ingest(cli, original, SEED_003.url)
    result = _ingest(cli, copy, "https://ru24.pro/world/389000001/", source="ru24")
    assert "near copy" in result
    [story] = cli.json_lines("stories", "list")
    assert story["sources"] == ["ru24", "tengrinews"]
    copy_entry = next(a for a in story["articles"] if a["source"] == "ru24")
    assert copy_entry["dedup_reason"] == "near"
    assert THRESHOLD <= copy_entry["dedup_score"] < 1.0
    assert next(a for a in story["articles"] if a["canonical"])["source"] == "tengrinews"


def test_unrelated_article_starts_its_own_story(cli: Cli, tmp_path: Path) -> None:
    seeds = {e.seed: e for e in load_expected() if e.kind == "seed"}
    for seed in ("000", "001"):
        expected = seeds[seed]
        cli.run("ingest", "--url", expected.url, str(fixture_file(expected.url)))
    stories = cli.json_lines("stories", "list")
    assert len(stories) == 2
    assert all(len(s["articles"]) == 1 for s in stories)


def test_prune_expires_working_state_but_keeps_articles(cli: Cli, tmp_path: Path) -> None:
    import sqlite3

    page = _page(tmp_path, "plain.html", lambda tree: None)
    _ingest(cli, page, SEED_003.url)
    database = tmp_path / "dedup.db"
    assert cli.json_lines("prune")[0]["bands"] == 0  # all within the window: nothing expires
    with sqlite3.connect(database) as conn:
        assert conn.execute("select count(*) from lsh_bands").fetchone()[0] > 0
        conn.execute("update article_urls set first_seen = '2020-01-01 00:00:00'")
        conn.execute("update articles set fetched_at = '2020-01-01 00:00:00'")
        conn.execute("update event_keys set created_at = '2020-01-01 00:00:00'")
    pruned = cli.json_lines("prune")[0]
    assert pruned["urls"] >= 1 and pruned["event_keys"] >= 1 and pruned["bands"] >= 1
    with sqlite3.connect(database) as conn:
        assert conn.execute("select count(*) from article_urls").fetchone()[0] == 0
        assert conn.execute("select count(*) from lsh_bands").fetchone()[0] == 0
        assert conn.execute("select count(*) from event_keys").fetchone()[0] == 0
        assert conn.execute("select count(*) from articles").fetchone()[0] == 1
        assert conn.execute("select count(*) from event_reports").fetchone()[0] == 1
    # the article is still found under its canonical URL, and not stored twice
    assert " duplicate " in _ingest(cli, page, SEED_003.url)
    assert cli.run("articles", "show", SEED_003.url).returncode == 0
