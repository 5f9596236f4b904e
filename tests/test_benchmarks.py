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


def test_concurrency_benchmark_runs_and_prints_its_ratios():
    """One call per caller: both settings start, serve 1, 4 and 16 callers, and print a ratio."""
    result = subprocess.run(
        [sys.executable, "benchmarks/concurrency.py", "--calls", "1", "--rounds", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "Concurrency: 8 with the ZeroGPU setting, 1 otherwise" in out, out
    for n in (1, 4, 16):
        assert f"\n| {n} | " in out, out
