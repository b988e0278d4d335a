"""`newswatch match` run as the real command on fixture pages, plain texts and stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.expectations import fixture_file, load_expected

NEWSWATCH = Path(sys.executable).with_name("newswatch")
REPO = Path(__file__).resolve().parents[1]
ARTICLES = [e for e in load_expected() if e.kind in ("seed", "decoy")]


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    return subprocess.run(
        [str(NEWSWATCH), "match", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=REPO,
        env=env,
    )


def _lines(result: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_fixture_pages_are_extracted_like_the_crawler_and_matched() -> None:
    pages = {str(fixture_file(e.url)): e for e in ARTICLES}
    result = _run("--json", *pages)
    assert result.returncode == 0, result.stderr
    outputs = _lines(result)
    assert [o["path"] for o in outputs] == list(pages)
    extract = subprocess.run(
        [str(NEWSWATCH), "extract", "--json", *pages], capture_output=True, text=True, cwd=REPO
    )
    extracted = {o["path"]: o for o in _lines(extract)}
    for output in outputs:
        article = pages[output["path"]]
        crawler = extracted[output["path"]]
        assert output["title"] == crawler["title"] == article.title
        assert output["language"] == article.language
        assert output["source"] == crawler["source"]  # the page's URL tells the source
        topic = [m for m in output["matches"] if m["rule"] == "tajik-kazakh"]
        assert bool(topic) == (article.kind == "seed"), output["path"]
        for match in topic:
            assert match["score"] >= 20
            assert match["explanation"].startswith("tajik-kazakh: score")
            for hit in match["terms"]:
                # offsets into the title or the text exactly as the crawler extracts them
                source = crawler["title"] if hit["field"] == "title" else crawler["text"]
                assert source[hit["start"] : hit["end"]] == hit["text"]
                assert hit["field"] in ("title", "lead", "body")


def test_plain_text_files_and_stdin(tmp_path: Path) -> None:
    seed = next(e for e in ARTICLES if e.seed == "002")
    path = tmp_path / "seed-002.txt"
    path.write_text(seed.text, encoding="utf-8")
    (output,) = _lines(_run("--json", str(path)))
    assert output["language"] == "kk" and output["title"] == ""
    assert [m["rule"] for m in output["matches"]] == ["tajik-kazakh"]
    hits = output["matches"][0]["terms"]
    assert any(h["text"] == "Тәжікстанның" for h in hits)

    decoy = next(e for e in ARTICLES if "sholc" in e.path.stem)
    (output,) = _lines(_run("--json", "-", stdin=decoy.text))
    assert output["path"] == "-" and output["matches"] == []

    page = fixture_file(seed.url).read_text(encoding="utf-8")
    (output,) = _lines(_run("--json", "-", stdin=page))
    assert output["title"] == seed.title  # HTML on stdin is recognised and extracted


def test_own_rules_file_table_output_and_unreadable_input(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - name: leaders\n    query: '@tokayev NEAR/10 @rahmon'\n"
        "    recipients: [a@example.org]\n",
        encoding="utf-8",
    )
    seed = next(e for e in ARTICLES if e.seed == "003")
    result = _run("--rules", str(rules), str(fixture_file(seed.url)), str(tmp_path / "missing"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["path", "rule", "score", "matched", "words"]
    assert "leaders" in lines[2] and "Токаев" in lines[2]
    assert "ERROR" in lines[3] and "cannot read" in lines[3]

    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - name: x\n    query: (\n    recipients: [a@example.org]\n")
    result = _run("--rules", str(bad), str(fixture_file(seed.url)))
    assert result.returncode == 2
    assert f"{bad}: rules[0] (name=x).query: column 2" in result.stderr


def test_hundreds_of_inputs_in_one_process(tmp_path: Path) -> None:
    sources = [fixture_file(e.url) for e in ARTICLES]
    paths = []
    for i in range(300):
        source = sources[i % len(sources)]
        path = tmp_path / f"{i:03d}{source.suffix or '.html'}"
        path.write_bytes(source.read_bytes())
        paths.append(str(path))
    started = time.monotonic()
    result = _run("--json", *paths)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    outputs = _lines(result)
    assert len(outputs) == 300
    seeds = sum(1 for o in outputs if o["matches"])
    expected = sum(1 for i in range(300) if ARTICLES[i % len(ARTICLES)].kind == "seed")
    assert seeds >= expected
    assert elapsed < 120


def test_title_less_leads_in_tajik_and_arabic_script_kazakh(tmp_path: Path) -> None:
    """Plain-text leads (issue 10): the JSON keeps its fields, the matched words are quoted
    from the text as written (Arabic script too) and the explanation names each part."""
    from tests.topic_texts import NEGATIVE, POSITIVE

    names = ["tg-lead-preposition-dar", "kk-arab-lead-agreement", "kk-arab-lead-kyrgyz-tajik"]
    paths = []
    for name in names:
        _, text, _ = {**POSITIVE, **NEGATIVE}[name]
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append((path, text))
    outputs = _lines(_run("--json", *(str(p) for p, _ in paths)))
    assert [sorted(o) for o in outputs] == [["language", "matches", "path", "title"]] * 3
    tajik, arabic, decoy = outputs
    assert arabic["language"] == decoy["language"] == "kk-arab"  # no longer stored without
    assert tajik["language"] == "tg" and [m["rule"] for m in tajik["matches"]] == ["tajik-kazakh"]
    (match,) = arabic["matches"]
    assert sorted(match) == ["explanation", "rule", "score", "terms"]
    text = paths[1][1]
    quoted = {hit["text"] for hit in match["terms"]}
    assert {"قازاقستان", "تاجىكستان"} <= quoted
    for hit in match["terms"]:
        assert text[hit["start"] : hit["end"]] == hit["text"]
    assert "$pair" in match["explanation"] and "قازاقستان مەن تاجىكستان" in match["explanation"]
    assert decoy["matches"] == []  # Kyrgyz-Tajik border news in Arabic script
