"""Small promises of the command line: help for every option, flags shown as flags, unknown
names refused, and plain-text output that shows what --json shows."""

from __future__ import annotations

from pathlib import Path

from newswatch.cli import command
from tests.conftest import Cli, NoServer, make_cli
from tests.expectations import fixture_file, load_expected

EXPECTED = load_expected()


def _commands(root, path=("newswatch",)):
    yield path, root
    for name, sub in getattr(root, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_every_option_and_argument_has_help() -> None:
    missing = [
        f"{' '.join(path)} {param.name}"
        for path, cmd in _commands(command())
        for param in cmd.params
        if not (getattr(param, "help", None) or "").strip()
    ]
    assert missing == []
    assert len(list(_commands(command()))) > 20  # the walk reached the subcommands


def _cli(tmp_path: Path) -> Cli:
    return make_cli(tmp_path, str(tmp_path / "news.db"), NoServer())


def test_json_is_shown_as_a_flag(tmp_path: Path) -> None:
    help_text = _cli(tmp_path).run("articles", "list", "--help").stdout
    json_line = next(line for line in help_text.splitlines() if "--json" in line)
    assert "<bool>" not in json_line and "One JSON object per article." in json_line
    assert "<bool>" not in help_text


def test_extract_without_json_shows_the_text(tmp_path: Path) -> None:
    seed = next(e for e in EXPECTED if e.kind == "seed")
    out = _cli(tmp_path).run("extract", str(fixture_file(seed.url))).stdout
    assert seed.title in out
    first_sentence = seed.text.split(". ")[0]
    assert first_sentence in out


def test_match_shows_no_words_when_nothing_matched(tmp_path: Path) -> None:
    decoy = next(e for e in EXPECTED if e.kind == "decoy")
    out = _cli(tmp_path).run("match", str(fixture_file(decoy.url))).stdout
    [row] = [line for line in out.splitlines() if line.startswith(str(fixture_file(decoy.url)))]
    assert row.split() == [str(fixture_file(decoy.url)), "-"]
    assert decoy.title not in out


def test_unknown_source_or_language_is_an_error(tmp_path: Path) -> None:
    cli = _cli(tmp_path)
    source = cli.run("articles", "list", "--source", "no-such-source", check=False)
    assert source.returncode == 2
    assert "unknown source no-such-source" in source.stderr and "baq-kz" in source.stderr
    language = cli.run("articles", "list", "--language", "de", check=False)
    assert language.returncode == 2
    assert "unknown language 'de'" in language.stderr


def test_rules_test_tries_a_disabled_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - name: dormant\n    topic: tajik-kazakh\n"
        "    recipients: [analyst@example.org]\n    enabled: false\n",
        encoding="utf-8",
    )
    cli = _cli(tmp_path)
    seed = next(e for e in EXPECTED if e.kind == "seed")
    cli.run("ingest", "--url", seed.url, str(fixture_file(seed.url)))
    result = cli.run("rules", "test", "--rules", str(rules), "dormant")
    assert "rule 'dormant' is disabled" in result.stderr
    assert "1 of 1 stored articles match rule 'dormant'" in result.stdout
    assert "dormant" not in cli.run("rules", "list", "--rules", str(rules)).stdout


def test_run_workers_must_be_one_to_sixty_four(tmp_path: Path) -> None:
    """`run --workers N` is crawl.extract_workers for this daemon; out of range, no daemon."""
    for bad in ("0", "65"):
        result = _cli(tmp_path).run("run", "--workers", bad, check=False)
        assert result.returncode == 2 and "--workers" in result.stderr
