"""What the wheel holds beyond pyproject.toml's metadata.

- Every package under generator/, found by setuptools' discovery and
  installed under the import name IMPORT (pyproject.toml maps IMPORT to
  generator/, and site_templates/ and hooks/ to IMPORT.site_templates and
  IMPORT.hooks, whose files it lists as package data).
- The demo ledger (ledger.yaml, mkdocs.yml, items/, inspections/), copied
  into IMPORT/demo/ for `ducha init --demo`. An editable install has no copy:
  it reads the project folder itself (generator/resources.py).

The code finds all of these with importlib.resources, never by a path
relative to the checkout; tests/test_wheel.py checks the wheel against it.
"""
import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

IMPORT = "ducha"
DATA_PACKAGES = ["site_templates", "hooks"]
DEMO_FILES = ["ledger.yaml", "mkdocs.yml"]
DEMO_FOLDERS = ["items", "inspections", "sources"]


class BuildWithDemo(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).resolve().parent
        demo = Path(self.build_lib) / IMPORT / "demo"
        shutil.rmtree(demo, ignore_errors=True)
        demo.mkdir(parents=True)
        for name in DEMO_FILES:
            shutil.copyfile(here / name, demo / name)
        for folder in DEMO_FOLDERS:
            for path in sorted((here / folder).rglob("*.yaml")):
                target = demo / path.relative_to(here)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


setup(
    packages=[IMPORT, *(f"{IMPORT}.{p}" for p in find_packages("generator")),
              *(f"{IMPORT}.{d}" for d in DATA_PACKAGES)],
    cmdclass={"build_py": BuildWithDemo},
)
