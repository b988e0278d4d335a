"""The layer contract, checked by import-linter on the package as it installs.

In a checkout the layers live in top-level folders that setuptools maps into `newswatch`, so
import-linter (which reads folders, not the import system) is run on a staged copy laid out as
the wheel lays it out. `python -m tests.layers` prints its report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def package_dirs(repo: Path = REPO) -> dict[str, Path]:
    """`newswatch.x` → its folder in the checkout, from pyproject's setuptools mapping."""
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = pyproject["tool"]["setuptools"]["package-dir"]
    return {name: repo / folder for name, folder in mapping.items()}


def stage(dest: Path, repo: Path = REPO) -> Path:
    """Copy every module to where the wheel installs it; `dest` becomes a sys.path entry."""
    for name, folder in sorted(package_dirs(repo).items()):
        target = dest.joinpath(*name.split("."))
        for source in folder.rglob("*.py"):
            relative = source.relative_to(folder)
            if relative.parts[0] == "sites":  # fixture pages, not code
                continue
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / relative)
    return dest


def lint(staged: Path, repo: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(staged)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(repo / "pyproject.toml"), "--no-cache"],
        cwd=staged,
        env=env,
        capture_output=True,
        text=True,
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="newswatch-layers-") as tmp:
        result = lint(stage(Path(tmp)))
    print(result.stdout, result.stderr, sep="", end="")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
