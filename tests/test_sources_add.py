"""`sources add` finds a site's feed and shows what it would take before writing the entry;
`sources check` dry-runs an existing one. And the walkthrough of README's "Your own sources":
a fresh database, one's own source added from the fixture server, a crawl, a new article, its
alert email on the local SMTP server."""

from __future__ import annotations

from pathlib import Path

import yaml

from newswatch.fixtures.publish import copy_sites, publish, relations_story
from newswatch.fixtures.server import FixtureServer
from tests.conftest import REPO, make_cli
from tests.expectations import load_expected
from tests.smtp_server import PASSWORD, SmtpServer

EXPECTED = load_expected()
RULES = REPO / "tests" / "data" / "rules.yaml"
RECIPIENTS = ["analyst@example.org", "desk@example.org"]


def test_add_finds_the_announced_feed_and_dry_runs_it(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    mine = tmp_path / "mine.yaml"
    page = "https://ru24.pro/world/389123456/"
    dry = cli.run("--sources", str(mine), "sources", "add", page, "--dry-run").stdout
    assert "feed: https://ru24.pro/atom/ (<link rel=alternate> on the page)" in dry
    for expected in (e for e in EXPECTED if e.source == "ru24"):
        assert expected.title[:40] in dry
    assert "(dry run: nothing written)" in dry and not mine.exists()
    assert cli.json_lines("articles", "list") == []  # a dry run stores nothing

    cli.run("--sources", str(mine), "sources", "add", page, "--id", "aggregator")
    [entry] = cli.json_lines("--sources", str(mine), "sources", "list")
    assert entry["id"] == "aggregator" and entry["discovery"] == "feed"
    assert entry["start_urls"] == ["https://ru24.pro/atom/"]
    assert entry["languages"] == ["ru"] and entry["allowed_domains"] == ["ru24.pro"]
    again = cli.run(
        "--sources", str(mine), "sources", "add", page, "--id", "aggregator", check=False
    )
    assert again.returncode == 2 and "exists already" in again.stderr


def test_add_tries_common_feed_paths(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    out = cli.run("sources", "add", "https://karavaninfo.tj/", "--dry-run").stdout
    assert "feed: https://karavaninfo.tj/feed/ (the common feed path /feed/)" in out
    assert "id: karavaninfo-tj" in out


def test_add_without_feed_or_sitemap_says_what_it_tried(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    mine = tmp_path / "mine.yaml"
    result = cli.run(
        "--sources", str(mine), "sources", "add", "https://badnews.example/a/good-1", check=False
    )
    assert result.returncode == 2 and "found no feed, no sitemap and no listing" in result.stderr
    assert "https://badnews.example/robots.txt: HTTP 404" in result.stderr
    assert not mine.exists()


def test_the_bundled_sources_file_is_not_written(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    result = cli.run("sources", "add", "https://karavaninfo.tj/feed/", check=False)
    assert result.returncode == 2 and "--sources FILE" in result.stderr


def test_check_dry_runs_a_configured_source(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    out = cli.run("sources", "check", "karavan-info").stdout
    assert "dry run of karavan-info:" in out and "(nothing stored)" in out
    for expected in (e for e in EXPECTED if e.source == "karavan-info"):
        assert expected.title[:40] in out and expected.published in out
    assert cli.json_lines("articles", "list") == []
    unknown = cli.run("sources", "check", "nope", check=False)
    assert unknown.returncode == 2 and "unknown source nope" in unknown.stderr


def test_walkthrough_own_source_to_alert_email(tmp_path: Path) -> None:
    with FixtureServer(sites_dir=copy_sites(tmp_path)) as server:
        smtp = SmtpServer().start()
        try:
            cli = make_cli(
                tmp_path,
                str(tmp_path / "fresh" / "news.db"),
                server,
                env={"NEWSWATCH_SMTP__PASSWORD": PASSWORD},
                rules_file=str(RULES),
                smtp=smtp.settings(),
                sources_file="my-sources.yaml",
            )
            cli.run("sources", "add", "https://khovar.tj/eng/feed/", "--id", "my-khovar")
            sources = yaml.safe_load((tmp_path / "my-sources.yaml").read_text("utf-8"))
            assert [s["id"] for s in sources["sources"]] == ["my-khovar"]

            first = cli.run("crawl")
            assert "stored without alerts" in first.stdout  # the backlog: no email
            assert smtp.received == []

            story = relations_story(3)
            publish(server, story)
            cli.run("crawl")
            assert sorted(r for mail in smtp.received for r in mail.recipients) == RECIPIENTS
            assert all(story.title in str(mail.message["Subject"]) for mail in smtp.received)
        finally:
            smtp.stop()


def test_add_falls_back_to_the_sitemap_robots_txt_names(tmp_path: Path) -> None:
    sites = copy_sites(tmp_path)
    site = sites / "kazpravda.kz"
    (site / "robots.txt").write_text(
        "User-agent: *\nAllow: /\nSitemap: https://kazpravda.kz/sitemap.xml\n", "utf-8"
    )
    spec = yaml.safe_load((site / "site.yaml").read_text("utf-8"))
    spec["routes"]["/robots.txt"] = {"file": "robots.txt", "content_type": "text/plain"}
    (site / "site.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    with FixtureServer(sites_dir=sites) as server:
        cli = make_cli(tmp_path, str(tmp_path / "news.db"), server)
        out = cli.run("sources", "add", "https://kazpravda.kz/", "--dry-run").stdout
    assert "sitemap: https://kazpravda.kz/sitemap.xml (Sitemap: in robots.txt)" in out
    # the articles' shape, not the whole site: the rubric pages the sitemap lists are left out
    pattern = r"^https?://(www\.)?kazpravda\.kz/n/[^/]+/?$"
    assert f"article_pattern (proposed): {pattern}" in out
    assert "takes 4 of the 7 addresses seen on the site" in out
    assert f"article_pattern: {pattern}" in out  # the entry
    for expected in (e for e in EXPECTED if e.source == "kazpravda" and e.kind == "seed"):
        assert expected.title[:40] in out


def test_add_proposes_a_listing_and_shows_the_links_its_pattern_takes(
    fixture_server, tmp_path: Path
) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    mine = tmp_path / "mine.yaml"
    out = cli.run("--sources", str(mine), "sources", "add", "https://baq.kz/news/").stdout
    assert "listing: https://baq.kz/news/ (links on the page share an article shape)" in out
    assert r"article_pattern (proposed): ^https?://(www\.)?baq\.kz/news/[^/]+/?$" in out
    assert r"next_page_pattern (proposed): ^https?://(www\.)?baq\.kz/news/\?page=\d+$" in out
    seed = next(e for e in EXPECTED if e.source == "baq-kz" and e.kind == "seed")
    assert seed.title[:40] in out
    [entry] = cli.json_lines("--sources", str(mine), "sources", "list")
    assert entry["discovery"] == "listing" and entry["start_urls"] == ["https://baq.kz/news/"]


def test_add_takes_the_operators_article_pattern(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    narrow = r"^https://baq\.kz/news/qazaqstan-men-[a-z0-9-]+$"
    out = cli.run(
        "sources",
        "add",
        "https://baq.kz/news/",
        "--id",
        "mine",
        "--listing",
        "--article-pattern",
        narrow,
        "--dry-run",
    ).stdout
    assert f"article_pattern (yours): {narrow}" in out
    assert "1 articles extracted" in out
