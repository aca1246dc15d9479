"""ruff (pyflakes, pycodestyle, import sorting, bugbear; line length in pyproject.toml) passes on the whole repository."""
import subprocess
import sys

from .conftest import REPO


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"ruff check found problems (ruff check --fix . sorts imports):\n{result.stdout}{result.stderr}"
