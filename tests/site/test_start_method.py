"""`ducha build` under the `spawn` start method (issue 11): Windows has no `fork`.

Run on Linux in a fresh interpreter whose multiprocessing behaves as on
Windows: the default start method is `spawn` and asking for `fork` fails.
"""
import subprocess
import sys

from ..conftest import item_yaml, write_ledger

WINDOWS_LIKE = """
import multiprocessing, sys
multiprocessing.set_start_method("spawn", force=True)
_context = multiprocessing.get_context
def get_context(method=None):
    if method == "fork":
        raise ValueError("cannot find context for 'fork'")  # what Windows says
    return _context(method)
multiprocessing.get_context = get_context
from ducha.cli import main
sys.argv = ["ducha", *sys.argv[1:]]
main()
"""


def test_build_works_under_spawn(tmp_path):
    items = {f"items/2025/2025-00{n:02d}.yaml": item_yaml(f"2025-00{n:02d}", extra="public: true\n") for n in (1, 2)}
    root = write_ledger(tmp_path / "ledger", items)
    out = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-c", WINDOWS_LIKE, "build", "--ledger", str(root), "--out", str(out),
                           "--as-of", "2025-06-01", "--no-cache"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "公开网站" in proc.stdout
    for audience in ("public", "internal"):
        assert (out / audience / "items" / "2025-0001" / "index.html").is_file()
    assert (out / "internal" / "escalations" / "index.html").is_file()
    assert not list(out.glob(".ducha-build-*"))
