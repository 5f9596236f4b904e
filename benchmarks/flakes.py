"""Flakes: one bake's full suite, N times, while a CPU hog competes for the cores.

    python benchmarks/flakes.py --runs 10                  # the default bake
    python benchmarks/flakes.py --runs 10 frontend=react   # answers as cookiecutter takes them
    python benchmarks/flakes.py --runs 3 --hogs 0 --pytest "-k phone"  # no hog, some tests

A test that passes on a quiet machine and fails on a busy one is a test whose waits or bounds
assume an idle machine; a user's CI runner (2 shared cores) is never idle. This bakes one
project, installs its frontend (`npm ci`, and the build for React/Svelte), starts --hogs
processes that spin on the CPU (as many as there are cores, by default), and runs
`pytest --full` in the project --runs times, each with a Gradio folder of its own. It prints
every failure with its test id and first line, then a table: how often each test failed.
Exit status 1 if any run failed. Needs what the generated suite needs (Chromium, nginx, Node).
"""

import argparse
import multiprocessing
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cookiecutter.main import cookiecutter

ROOT = Path(__file__).resolve().parents[1]
# pytest -rfE prints a line per failure, and per error in a fixture (a setup's timeout counts):
# "FAILED tests/x.py::test_y[param] - Message", "ERROR tests/x.py::test_z - Message".
FAILED = re.compile(r"^(FAILED|ERROR) (\S+)(?: - (.*))?$", re.M)


def spin() -> None:
    while True:
        pass


def bake(answers: dict, into: Path) -> Path:
    project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=str(into),
                                extra_context=answers))  # fmt: skip
    frontend = project if (project / "package.json").exists() else project / "frontend"
    npm = ["npm", "--no-audit", "--no-fund", "--prefer-offline"]
    subprocess.run([*npm, "ci"], cwd=frontend, check=True, capture_output=True)
    if frontend != project:
        subprocess.run([*npm, "run", "build"], cwd=frontend, check=True, capture_output=True)
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--hogs", type=int, default=os.cpu_count(), help="spinning processes")
    parser.add_argument("--pytest", default="", help="more arguments for pytest, one string")
    parser.add_argument("answers", nargs="*", help="key=value, as cookiecutter takes them")
    args = parser.parse_args()
    pytest_args = shlex.split(args.pytest)
    answers = dict(answer.split("=", 1) for answer in args.answers)

    work = Path(tempfile.mkdtemp(prefix="flakes-"))
    project = bake(answers, work)
    what = ", ".join(args.answers) or "the defaults"
    print(f"Baked {project} ({what}); {args.hogs} CPU hogs on {os.cpu_count()} cores; "
          f"{args.runs} runs of pytest --full {' '.join(pytest_args)}")  # fmt: skip
    hogs = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.hogs)]
    for hog in hogs:
        hog.start()
    failures: Counter[str] = Counter()
    failed_runs = 0
    try:
        for run in range(1, args.runs + 1):
            env = {**os.environ, "CI": "true", "GRADIO_TEMP_DIR": tempfile.mkdtemp(dir=work)}
            start = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "--full", "-q", "-rfE", "-p", "no:cacheprovider",
                 *pytest_args],
                cwd=project, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1].strip("= ")
            print(f"run {run}: {time.monotonic() - start:.0f} s, {summary}", flush=True)
            found = FAILED.findall(result.stdout)
            for kind, test, message in found:
                failures[test] += 1
                print(f"  {kind} {test}: {(message or '').strip()[:200]}", flush=True)
            if result.returncode != 0:
                failed_runs += 1
                if not found:  # an error outside any test (collection, a crash): show its end
                    print(result.stdout[-2000:] + result.stderr[-2000:], flush=True)
    finally:
        for hog in hogs:
            hog.terminate()
    print(f"\n{failed_runs} of {args.runs} runs failed.")
    if failures:
        print("\n| test | failures |\n|---|---|")
        for test, count in failures.most_common():
            print(f"| {test} | {count} of {args.runs} |")
    return 1 if failed_runs else 0


if __name__ == "__main__":
    sys.exit(main())
