"""extract, ingest and feed on saved files: the same code paths as the crawler."""

from __future__ import annotations

import json
from pathlib import Path

from newswatch.fixtures import SITES_DIR
from tests.conftest import Cli, NoServer, make_cli
from tests.expectations import fixture_file, load_expected, token_f1

EXPECTED = load_expected()


def _cli(tmp_path: Path) -> Cli:
    return make_cli(tmp_path, f"sqlite:///{tmp_path / 'cli.db'}", NoServer())


def test_extract_handles_every_fixture_page_in_one_process(tmp_path: Path) -> None:
    files = [str(fixture_file(e.url)) for e in EXPECTED]
    bad = SITES_DIR / "badnews.example" / "a" / "document.pdf"
    result = _cli(tmp_path).run("extract", "--json", *files, str(bad), "/no/such/file", check=False)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(files) + 2
    assert result.returncode == 1  # some inputs failed, the others were still printed
    for expected, got in zip(EXPECTED, lines, strict=False):
        assert got["path"] == str(fixture_file(expected.url))
        assert got["title"] == expected.title
        assert got["language"] == expected.language
        assert got["published"][:10] == expected.published
        assert token_f1(got["text"], expected.text) >= 0.9
        for key in ("url", "canonical_url", "author"):
            assert key in got
    assert lines[-2]["error"] == "binary body, not an HTML page"
    assert lines[-1]["error"].startswith("cannot read")


def test_extract_reads_stdin_with_url(tmp_path: Path) -> None:
    seed = next(e for e in EXPECTED if e.seed == "002")
    body = fixture_file(seed.url).read_bytes()
    got = _cli(tmp_path).run("extract", "--json", "--url", seed.url, "-", stdin=body).stdout
    data = json.loads(got)
    assert (data["path"], data["url"], data["source"]) == ("-", seed.url, "baq-kz")
    assert data["title"] == seed.title


def test_ingest_stores_once_through_the_pipeline(tmp_path: Path) -> None:
    cli = _cli(tmp_path)
    seed = next(e for e in EXPECTED if e.seed == "000")
    path = str(fixture_file(seed.url))
    first = cli.run("ingest", "--url", seed.url, path).stdout
    assert "new" in first and "karavan-info" in first
    again = cli.run("ingest", "--url", seed.url + "?utm_source=telegram", path).stdout
    assert "duplicate" in again
    stored = cli.json_lines("articles", "list")
    assert len(stored) == 1
    assert stored[0]["title"] == seed.title
    assert stored[0]["published"][:10] == seed.published


def test_ingest_without_a_known_source_fails_clearly(tmp_path: Path) -> None:
    page = SITES_DIR / "badnews.example" / "a" / "good-1.html"
    result = _cli(tmp_path).run("ingest", str(page), check=False)
    assert result.returncode == 1
    assert "cannot tell the source from the URL; pass --source" in result.stdout


def test_feed_lists_entries_of_a_windows_1251_feed(tmp_path: Path) -> None:
    feed = SITES_DIR / "karavaninfo.tj" / "feed.xml"
    entries = _cli(tmp_path).json_lines("feed", str(feed))
    seed = next(e for e in EXPECTED if e.seed == "000")
    assert any(e["link"] == seed.url and e["published"].startswith("2025-08-27") for e in entries)
    assert all(e["title"] and "Ð" not in e["title"] for e in entries)  # no mojibake


def test_feed_explains_broken_and_non_feeds(tmp_path: Path) -> None:
    site = SITES_DIR / "badnews.example"
    cli = _cli(tmp_path)
    malformed = cli.json_lines("feed", str(site / "malformed.rss"))
    assert malformed[0]["problem"].startswith("malformed feed")
    assert any(e.get("title") == "Libraries & budget" for e in malformed[1:])
    result = cli.run("feed", "--json", str(site / "not-a-feed.html"), check=False)
    assert result.returncode == 1
    assert "not a feed" in json.loads(result.stdout.splitlines()[0])["problem"]


def test_feed_fetches_a_url_through_the_origin_map(tmp_path: Path, fixture_server) -> None:
    cli = make_cli(tmp_path, f"sqlite:///{tmp_path / 'cli.db'}", fixture_server)
    entries = cli.json_lines("feed", "https://karavaninfo.tj/feed/")
    seed = next(e for e in EXPECTED if e.seed == "000")
    assert any(e["link"] == seed.url for e in entries)
