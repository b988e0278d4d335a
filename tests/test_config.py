"""Broken configuration gets an error that names the file, the key and why."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from newswatch.config import BUNDLED_SOURCES, ConfigError, load_settings, load_sources
from tests.conftest import NEWSWATCH


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_sources_are_valid_and_cover_the_required_publishers() -> None:
    ids = {s.id for s in load_sources(BUNDLED_SOURCES)}
    assert {
        "khovar-en",
        "khovar-ru",
        "kazpravda",
        "baq-kz",
        "tengrinews",
        "karavan-info",
        "akorda",
    } <= ids


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "article_pattern: '(unclosed'",
            "sources[0] (id=x).article_pattern: invalid regular expression",
        ),
        (
            "discovery: rss",
            "sources[0] (id=x).discovery: Input should be 'feed', 'sitemap' or 'listing'",
        ),
        (
            "languages: [de]",
            "sources[0] (id=x).languages[0]: Input should be 'ru', 'kk', 'tg' or 'en'",
        ),
        ("schedule: {interval: soon}", "sources[0] (id=x).schedule: interval 'soon' is not like"),
        ("timezone: Mars/Olympus", "sources[0] (id=x).timezone: unknown time zone 'Mars/Olympus'"),
        (
            "start_urls: ['ftp://x.kz/feed']",
            "sources[0] (id=x).start_urls: 'ftp://x.kz/feed' is not an absolute http(s) URL",
        ),
        ("colour: blue", "sources[0] (id=x).colour: Extra inputs are not permitted"),
    ],
)
def test_bad_source_entry_names_file_key_and_reason(
    tmp_path: Path, entry: str, message: str
) -> None:
    base = {
        "id": "x",
        "name": "X",
        "languages": "[ru]",
        "discovery": "feed",
        "start_urls": "['https://x.kz/feed']",
        "allowed_domains": "[x.kz]",
    }
    key = entry.split(":", 1)[0]
    base[key] = entry.split(":", 1)[1].strip()
    body = "sources:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in base.items()) + "\n"
    path = _write(tmp_path, "sources.yaml", body)
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert f"{path}: {message}" in str(error.value)


def test_yaml_syntax_error_gives_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "sources.yaml", "sources:\n  - id: x\n    name: [unclosed\n")
    with pytest.raises(ConfigError, match=rf"{path}: line \d+, column \d+: invalid YAML"):
        load_sources(path)


def test_duplicate_source_ids_are_refused(tmp_path: Path) -> None:
    entry = (
        "  - {id: a, name: A, languages: [ru], discovery: feed, "
        "start_urls: ['https://a.kz/f'], allowed_domains: [a.kz]}\n"
    )
    path = _write(tmp_path, "sources.yaml", "sources:\n" + entry + entry)
    with pytest.raises(ConfigError, match="source id 'a' appears twice"):
        load_sources(path)


def test_settings_file_errors_name_the_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "newswatch.yaml", "crawl:\n  timeout: -3\n")
    with pytest.raises(
        ConfigError, match=rf"{path}: crawl.timeout: Input should be greater than 0"
    ):
        load_settings(path)


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "newswatch.yaml", "database_url: sqlite:///from-file.db\n")
    monkeypatch.setenv("NEWSWATCH_DATABASE_URL", "sqlite:///from-env.db")
    monkeypatch.setenv("NEWSWATCH_CRAWL__TIMEOUT", "7.5")
    settings = load_settings(path)
    assert settings.database_url == "sqlite:///from-env.db"
    assert settings.crawl.timeout == 7.5


def test_cli_reports_config_errors_with_exit_status_2(tmp_path: Path) -> None:
    path = _write(tmp_path, "sources.yaml", "sources:\n  - id: Bad Id\n")
    result = subprocess.run(
        [str(NEWSWATCH), "--sources", str(path), "sources", "list"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert f"{path}: sources[0] (id=Bad Id).id: String should match pattern" in result.stderr
    assert "Traceback" not in result.stderr


def test_pages_are_attributed_to_their_edition() -> None:
    from newswatch.config.sources import source_for_url

    sources = load_sources(BUNDLED_SOURCES)
    expected = {
        "https://khovar.tj/eng/2021/09/some-news/": "khovar-en",
        "https://khovar.tj/rus/2021/09/some-news/": "khovar-ru",
        "https://khovar.tj/2021/09/some-news/": "khovar-tj",
        "https://www.akorda.kz/ru/some-event-123": "akorda",
        "https://baq.kz/news/some-news-1": "baq-kz",
    }
    for url, source_id in expected.items():
        assert source_for_url(sources, url).id == source_id, url
    assert source_for_url(sources, "https://unknown.example/x") is None
