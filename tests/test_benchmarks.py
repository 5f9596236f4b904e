"""The benchmarks run end to end (their figures are read by people, never asserted here)."""

import subprocess
import sys

from conftest import ROOT


def test_speed_benchmark_runs_and_prints_its_table():
    """One round, no browser, docs untouched: every row and goal of the table is produced."""
    result = subprocess.run(
        [sys.executable, "benchmarks/speed.py", "--rounds", "1", "--no-browser", "--no-write"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for photo in ("12 MP", "1 MP"):
        for path in ("reference /remove_background", "/remove_background",
                     "/matte, the photo as is", "/matte, as the editor sends it"):  # fmt: skip
            assert f"| {photo} | {path} |" in out, out
    assert out.count("| met |") + out.count("| MISSED |") == 4, out
    assert "Cold start, process start to first answer" in out and "| load the model |" in out
