"""The layering config ← storage ← {crawler, alerts} ← scheduler ← application is a contract."""

from __future__ import annotations

from pathlib import Path

from tests.layers import lint, stage


def test_the_layer_contracts_are_kept(tmp_path: Path) -> None:
    result = lint(stage(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_layer_contract(tmp_path: Path) -> None:
    staged = stage(tmp_path)
    module = staged / "newswatch" / "storage" / "repository.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\nfrom newswatch.scheduler import daemon  # noqa\n",
        encoding="utf-8",
    )
    result = lint(staged)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "newswatch.storage.repository -> newswatch.scheduler.daemon" in result.stdout


def test_crawler_and_alerts_do_not_import_each_other(tmp_path: Path) -> None:
    staged = stage(tmp_path)
    module = staged / "newswatch" / "alerts" / "email.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\nimport newswatch.crawler.urls  # noqa\n",
        encoding="utf-8",
    )
    result = lint(staged)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "newswatch.alerts.email -> newswatch.crawler.urls" in result.stdout
