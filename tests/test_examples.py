"""The examples run: the Python API walk-through on the bundled example site."""
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_api_example_runs(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(EXAMPLES / "api.py"), str(tmp_path / "g")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("27 files,") and "events: 12" in lines
    assert any("speaker Open Council Data Forum 2024" in line for line in lines)
    assert (tmp_path / "g" / "graph.nq").is_file()
