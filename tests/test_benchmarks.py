"""The benchmarks run end to end (their figures are read by people, never asserted here)."""

import os
import re
import subprocess
import sys

from conftest import ROOT


def test_speed_benchmark_runs_and_prints_its_table():
    """One round, no browser, a short idle, docs untouched: every row and goal of the table."""
    result = subprocess.run(
        [sys.executable, "benchmarks/speed.py", "--rounds", "1", "--no-browser", "--no-write",
         "--idle", "3"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for photo in ("12 MP", "1 MP"):
        for path in ("reference /remove_background", "/remove_background",
                     "/matte, the photo as is", "/matte, as the editor sends it"):  # fmt: skip
            assert f"| {photo} | {path} |" in out, out
    assert out.count("| met |") + out.count("| MISSED |") == 5, out
    assert re.search(r"While nobody calls \(3 s, .*: the app's process uses [0-9.]+ % of a core, "
                     r"the reference's [0-9.]+ %", out), out  # fmt: skip
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


def gpu_check(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "benchmarks/gpu_check.py", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, **env},
    )  # fmt: skip


def test_gpu_check_without_cuda_exits_at_once_with_the_reason():
    """No CUDA: status 2, why, and what it would have done; nothing baked, no table."""
    result = gpu_check(CUDA_VISIBLE_DEVICES="")  # no GPU, even on a machine that has one
    assert result.returncode == 2, result.stdout[-3000:] + result.stderr[-3000:]
    assert "No GPU check: torch.cuda.is_available() is False" in result.stderr, result.stderr
    assert "would bake a BiRefNet and a SegFormer project" in result.stderr, result.stderr
    assert result.stdout == "", result.stdout  # cookiecutter's next steps would print here


def test_gpu_check_runs_up_to_the_device_on_the_cpu_labelled_as_such():
    """--device cpu (for developing it): the same code, every row, headed as no GPU check."""
    result = gpu_check("--device", "cpu", "--calls", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "CPU development run, not a GPU check (cpu, float32)" in out, out
    assert "GPU check on" not in out and "FAILED" not in out, out
    for model in ("birefnet", "segformer-clothes"):
        for api in ("/matte", "/remove_background"):
            row = next(line for line in out.splitlines() if line.startswith(f"| {model} | {api} |"))
            assert row.endswith("| n/a (CPU) |"), row  # no GPU memory was read


def test_flakes_benchmark_reports_each_failure_with_its_test_id():
    """One run, one hog, two tests: one passes, one fails (its Chromium is made to be missing,
    which CI=true turns into a failure), and the failure is printed with its id and counted."""
    import os

    pytest_args = "-k 'test_index_serves_the_editor or test_page_loads_offline'"
    result = subprocess.run(
        [sys.executable, "benchmarks/flakes.py", "--runs", "1", "--hogs", "1",
         "--pytest", pytest_args, "model=segformer-clothes", "zerogpu=no"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
        env={**os.environ, "CHROMIUM": "/nonexistent/chromium"},
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 1, out[-3000:] + result.stderr[-3000:]
    assert "1 CPU hogs" in out and "run 1: " in out and "1 passed" in out, out
    failed = "tests/test_frontend.py::test_page_loads_offline_without_console_errors"
    # The browser fixture fails in its setup: pytest calls that an error, the test's all the same.
    assert f"  ERROR {failed}: Failed: Chromium not found" in out, out
    assert f"| {failed} | 1 of 1 |" in out and "1 of 1 runs failed." in out, out


def test_memory_benchmark_runs_and_prints_its_table():
    """Two small sizes, one mode: each endpoint's row, with a figure for each size and a slope."""
    result = subprocess.run(
        [sys.executable, "benchmarks/memory.py", "--sizes", "1,2", "--modes", "RGB"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = [
        line.split() for line in result.stdout.splitlines() if line.endswith(tuple("0123456789"))
    ]
    assert [row[:2] for row in rows[-2:]] == [["matte", "RGB"], ["remove_background", "RGB"]]
    assert all(len(row) == 5 for row in rows[-2:]), rows
