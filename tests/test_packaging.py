"""`pip install newswatch` claims one import name and works from the wheel, beside a stranger
that owns a generic name such as `config`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

SKIP_IN_COPY = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache",
    "cache", "out", "*.db", "*.db-*",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from a clean copy of the checkout (no stale build/ to leak in)."""
    source = tmp_path_factory.mktemp("source") / "newswatch"
    shutil.copytree(REPO, source, ignore=SKIP_IN_COPY)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = out.glob("newswatch-*.whl")
    return built


def top_level_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    return {n.split("/")[0].removesuffix(".py") for n in names if ".dist-info/" not in n}


def test_the_wheel_has_one_top_level_import_name(wheel: Path) -> None:
    assert top_level_names(wheel) == {"newswatch"}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [top_level] = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        assert archive.read(top_level).decode().split() == ["newswatch"]
    for data in (
        "newswatch/config/sources.yaml",
        "newswatch/config/topics/tajik-kazakh.yaml",
        "newswatch/alerts/templates/alert.txt.j2",
        "newswatch/storage/migrations/env.py",
        "newswatch/storage/migrations/script.py.mako",
        "newswatch/storage/migrations/versions/0001_initial_schema.py",
        "newswatch/fixtures/sites/khovar.tj/eng/feed.xml",
        "newswatch/__main__.py",
        "newswatch/cli/demo.py",
    ):
        assert data in names, data


def make_unrelated_config_wheel(dest: Path) -> Path:
    """A stranger's distribution that owns the import name `config`, as several on PyPI do."""
    wheel = dest / "config-1.0-py3-none-any.whl"
    info = "config-1.0.dist-info"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("config/__init__.py", 'OWNER = "someone else"\n')
        archive.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: config\nVersion: 1.0\n")
        archive.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n",
        )
        archive.writestr(f"{info}/RECORD", "")
    return wheel


@pytest.fixture(scope="module")
def wheel_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment: first the unrelated `config`, then the newswatch wheel.

    The wheel's dependencies are taken from this test environment's site-packages through a
    .pth line (installing them again from the registry would only test the registry); this
    environment's own editable newswatch is not visible there (its finder needs its .pth)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    Path(purelib, "dependencies-from-test-env.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    unrelated = make_unrelated_config_wheel(tmp_path_factory.mktemp("unrelated"))
    for package in (unrelated, wheel):
        result = subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
             "--no-deps", "--no-index", str(package)],
            capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return venv


def test_newswatch_and_an_unrelated_config_package_both_import(wheel_venv: Path) -> None:
    code = (
        "import config, newswatch, newswatch.config, newswatch.cli, newswatch.fixtures;"
        "print(config.OWNER); print(newswatch.__file__); print(newswatch.config.BUNDLED_SOURCES)"
    )
    result = subprocess.run(
        [wheel_venv / "bin" / "python", "-P", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    owner, package, sources = result.stdout.splitlines()
    assert owner == "someone else"
    assert package.startswith(str(wheel_venv)) and sources.startswith(str(wheel_venv))


def test_newswatch_demo_runs_from_the_installed_wheel(wheel_venv: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "PYTHON"))}
    env |= {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run(
        [wheel_venv / "bin" / "newswatch", "demo"],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "cycle 1: 9 sources polled, 32 new articles, " in result.stdout
    assert "Stopped `newswatch run` with SIGTERM: exit code 0" in result.stdout
    assert "The alert about the new article, " in result.stdout
    # -m works too, and the help names the command
    help_text = subprocess.run(
        [wheel_venv / "bin" / "python", "-m", "newswatch", "--help"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert help_text.returncode == 0 and "Usage: python -m newswatch" in help_text.stdout
