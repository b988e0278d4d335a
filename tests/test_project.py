"""The project's own promises: CI runs README's test command, and ruff is clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_ci_runs_the_test_command_readme_gives() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command.startswith("python3 -m venv .venv")
    assert f"\n{command}\n" in readme


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    result = subprocess.run([ruff, "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_contrib_example_configuration_is_valid_and_the_unit_runs_the_daemon() -> None:
    from newswatch.config.settings import load_settings

    settings = load_settings(REPO / "contrib" / "newswatch.yaml")
    assert settings.smtp.password is None  # secrets come from the environment
    assert settings.daemon.metrics_port == 9464 and settings.log_format == "json"
    assert settings.load_sources()  # the bundled sources
    unit = (REPO / "contrib" / "newswatch.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/newswatch/bin/newswatch run" in unit
    assert "ExecReload=/bin/kill -HUP $MAINPID" in unit
    assert "RestartPreventExitStatus=3" in unit  # a second daemon must not restart-loop
