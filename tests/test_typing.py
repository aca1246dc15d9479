"""The core (model, calendar, evaluate, rules, findings) is typed strictly: mypy runs as part of the tests (issue 12, point 7).

Which modules and how strictly is `[tool.mypy]` in pyproject.toml; mypy comes with the `test` extra.
"""
import subprocess
import sys

from .conftest import REPO


def test_core_modules_pass_mypy_strict():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (
        f"mypy --strict found problems (install it with pip install -e '.[test]'):\n{result.stdout}{result.stderr}")
    assert "Success" in result.stdout
