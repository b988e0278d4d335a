"""`newswatch demo` works offline from an install: serves the fixtures, crawls, shows them."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import NEWSWATCH
from tests.expectations import load_expected


def test_demo_crawls_the_bundled_fixture_sites(tmp_path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("NEWSWATCH_CONFIG", None)
    result = subprocess.run(
        [str(NEWSWATCH), "demo"], capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    expected = load_expected()
    assert f"{len(expected)} articles stored" in result.stdout
    for seed in (e for e in expected if e.kind == "seed"):
        assert seed.title[:40] in result.stdout
    assert not (tmp_path / "data" / "newswatch").exists(), "demo must not touch the user's database"
    assert "stories carried by several sources" in result.stdout
    assert "alert emails received by the local SMTP server" in result.stdout
    assert "Subject: [newswatch] " in result.stdout and "Also reported by:" in result.stdout
