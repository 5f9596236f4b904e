"""Bake each variant once per session and share it between the tests that inspect it."""

import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

# Each httpx client, gradio_client's included (a new one for each request), builds an SSL context
# that reads the machine's whole CA bundle (30-60 ms of CPU), though these tests speak plain HTTP
# to this machine: made once per set of arguments here, as the generated tests/conftest.py does.
ssl.create_default_context = functools.cache(ssl.create_default_context)

ROOT = Path(__file__).resolve().parents[1]
OPTIONS = json.loads((ROOT / "cookiecutter.json").read_text())

# The options that change code: every combination is baked and checked statically.
CODE_OPTIONS = ("app", "frontend", "model", "zerogpu")
CODE_VARIANTS = [
    dict(zip(CODE_OPTIONS, values, strict=True))
    for values in itertools.product(*(OPTIONS[key] for key in CODE_OPTIONS))
]
# Text-only answers ride along, so that every licence, colour and an emoji each appear in a bake.
TEXT_ANSWERS = {
    "license": OPTIONS["license"],
    "color_from": OPTIONS["color_from"],
    "color_to": OPTIONS["color_to"],
    "emoji": ["🖼️", "🎨", "✂️"],
}


def answers(i: int, code: dict) -> dict:
    text = {key: values[i % len(values)] for key, values in TEXT_ANSWERS.items()}
    # MCP adds a launch() argument, a requirement extra and a test: it rides with the model
    # (on for every other one), so bakes that differ only in frontend still share a backend,
    # and the full runs below run the generated MCP test under both ZeroGPU answers.
    text["mcp"] = OPTIONS["mcp"][OPTIONS["model"].index(code["model"]) % len(OPTIONS["mcp"])]
    if OPTIONS["_models"][code["model"]]["license"] == "cc-by-nc-4.0":
        text["license"] = "cc-by-nc-4.0"  # the hook refuses a commercial licence for it
    return {**code, **text}


VARIANTS = [answers(i, code) for i, code in enumerate(CODE_VARIANTS)]

# Full runs (npm ci, build, type check, unit tests, the generated pytest): every backend,
# i.e. every (model, ZeroGPU) pair, once, with the frontends taking turns and the apps taking
# turns by threes, so each (app, frontend) pair runs twice. The backend files do not depend on
# the frontend, nor the frontend files on the backend (tests check both), so these runs exercise
# every distinct piece of generated code.
FULL_VARIANTS = [
    next(v for v in VARIANTS if (v["app"], v["frontend"], v["model"], v["zerogpu"]) == (
        OPTIONS["app"][j // len(OPTIONS["frontend"]) % len(OPTIONS["app"])],
        OPTIONS["frontend"][j % len(OPTIONS["frontend"])], model, zerogpu))
    for j, (model, zerogpu) in enumerate(itertools.product(OPTIONS["model"], OPTIONS["zerogpu"]))
]  # fmt: skip


def front_matter(project: Path) -> dict:
    """The Spaces card: the YAML between the --- lines at the top of README.md."""
    match = re.match(r"---\n(.*?)\n---\n", (project / "README.md").read_text(), re.DOTALL)
    assert match, "README.md must start with Spaces front matter"
    return yaml.safe_load(match.group(1))


def variant_id(variant):
    return "-".join(variant[key] for key in CODE_OPTIONS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def visitor_address() -> str | None:
    """This machine's own address on its network (no packet is sent): a visitor's, not loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only the route is looked up
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def npm(args, cwd):
    """Run npm. Every bake shares npm's cache (~/.npm): installs after the first stay local."""
    result = subprocess.run(
        ["npm", "--no-audit", "--no-fund", "--prefer-offline", *args],
        cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},  # plain output to match on
    )  # fmt: skip
    assert result.returncode == 0, (
        f"npm {' '.join(args)} in {cwd}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    )
    return result


def npm_dir(project: Path, variant: dict) -> Path:
    """Where the generated project keeps package.json."""
    return project if variant["frontend"] == "vanilla" else project / "frontend"


# What `npm ci` and the Vite build read: a bake's frontend, outside node_modules and the build.
FRONTEND_PATHS = {
    "vanilla": ["package.json", "package-lock.json", "tsconfig.json", "vitest.config.js",
                "static", "tests/js"],
    "react": ["frontend"], "svelte": ["frontend"],
}  # fmt: skip


def frontend_files(project: Path, frontend: str) -> dict[str, bytes]:
    """The frontend's own files, {relative path: content}: two bakes with equal ones install and
    build alike."""
    found = {}
    for name in FRONTEND_PATHS[frontend]:
        root = project / name
        for path in [root] if root.is_file() else root.rglob("*"):
            relative = path.relative_to(project)
            if path.is_file() and not {"node_modules", "vendor"} & set(relative.parts):
                found[relative.as_posix()] = path.read_bytes()
    return found


def frontend_key(project: Path, frontend: str) -> str:
    """A name for the bake's frontend files: bakes with the same key install, build and test
    alike."""
    files = frontend_files(project, frontend)
    return hashlib.sha256(json.dumps(
        [frontend, sorted((name, hashlib.sha256(content).hexdigest())
                          for name, content in files.items())]
    ).encode()).hexdigest()[:16]  # fmt: skip


WRITTEN_BY_TOOLS = {".tmp", ".vite", ".vitest", ".cache"}  # in node_modules


def shared_folder(tmp_path_factory) -> Path:
    """A folder every worker of this run shares (pytest -n: xdist's workers each have a basetemp
    under one parent), the run's own: what one worker installed, the others use."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def built(bake, tmp_path_factory):
    """built(answers) -> the baked project after `npm ci` (and `npm run build` for Vite).

    A bake whose frontend files are byte for byte those of a bake already built, by this worker
    or another, shares its install (node_modules, its packages linked) and its build (static/,
    copied) instead of making its own: the same files in, the same files out, and some 45 s
    saved a bake. Its generated tests still run in it (`npm test` runs once a key:
    test_bake.test_frontend_type_checks_and_unit_tests_pass).

    The project is a copy of the bake: what the install, the build and the generated suite write
    there (node_modules, static/, caches) never reaches the bake, which the static tests read as
    cookiecutter made it, whichever runs first."""
    shared = shared_folder(tmp_path_factory) / "npm"
    shared.mkdir(exist_ok=True)
    copies = tmp_path_factory.mktemp("built")

    def _built(answers):
        baked = bake(answers)
        project = copies / baked.parent.name / baked.name
        if (npm_dir(project, answers) / "node_modules").exists():
            return project
        if not project.exists():
            shutil.copytree(baked, project, symlinks=True)
        assert shutil.which("npm"), "Node.js and npm are required to test the frontends"
        key = frontend_key(project, answers["frontend"])
        with FileLock(shared / f"{key}.lock"):  # a twin being built elsewhere: wait for it
            record = shared / f"{key}.json"
            twin = Path(json.loads(record.read_text())) if record.exists() else None
            if twin is None:
                npm(["ci"], npm_dir(project, answers))
                if answers["frontend"] != "vanilla":
                    npm(["run", "build"], npm_dir(project, answers))
                record.write_text(json.dumps(str(project)))
                return project
        # Each package linked, as pnpm lays them; the folders tools write to stay the project's
        # own (tsc -b's build info, Vite's and Vitest's caches): twins test at the same time.
        mine = npm_dir(project, answers) / "node_modules"
        mine.mkdir()
        for entry in (npm_dir(twin, answers) / "node_modules").iterdir():
            if entry.name not in WRITTEN_BY_TOOLS:
                (mine / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
        if answers["frontend"] != "vanilla":
            shutil.copytree(twin / "static", project / "static", dirs_exist_ok=True)
        return project

    return _built


@pytest.fixture(scope="session")
def bake(cookies_session, tmp_path_factory):
    """bake(answers) -> path of the generated project; each distinct answer set is baked once a
    run. A worker (pytest -n) that needs a bake another worker made takes a copy of it (tens of
    milliseconds against a second or two of baking) from a store of untouched bakes. Tests only
    read a bake; `built` installs and runs in a copy of it."""
    baked = {}
    store = shared_folder(tmp_path_factory) / "bakes"  # untouched bakes, as cookiecutter made them
    store.mkdir(exist_ok=True)
    copies = tmp_path_factory.mktemp("copied-bakes")

    def _bake(answers):
        key = json.dumps(answers, sort_keys=True)
        if key not in baked:
            name = hashlib.sha256(key.encode()).hexdigest()[:16]
            with FileLock(store / f"{name}.lock"):
                made = next((store / name).glob("*"), None)
                if made is None:
                    result = cookies_session.bake(extra_context=answers)
                    assert result.exit_code == 0, result.exception
                    baked[key] = Path(result.project_path)
                    shutil.copytree(baked[key], store / name / baked[key].name, symlinks=True)
                else:
                    baked[key] = copies / name / made.name
                    shutil.copytree(made, baked[key], symlinks=True)
        return baked[key]

    return _bake


# ---- The order the tests are dealt out in -----------------------------------------------------
# pytest -n 2 deals the tests out in the order collected (--no-loadscope-reorder: pyproject.toml),
# a few ahead to each worker. Longest first: the run then ends on short tests with both workers
# busy, not on a two-minute test with the other worker idle; and the tests that mostly wait (the
# image builds, the package index, the dev server, the benchmarks' servers) run beside suites
# that keep a core busy, not together at the end, when a core idles. The figures are seconds a
# test took in a full run here (two workers on two cores, December 2026), by test function: a
# test not named counts as short. They set the order only, never a result.
SECONDS = {
    "test_container.py": 330,  # the whole module: xdist_group("container") keeps it on one worker
    "test_the_converted_project_passes_its_full_suite": 140,
    "test_requirements.py": 110,  # the whole module, xdist_group("index"): mostly the network
    "test_memory_benchmark_runs_and_prints_its_table": 100,
    "test_speed_benchmark_runs_and_prints_its_table": 80,
    "test_the_next_steps_run_as_printed": 75,
    "test_dev_command_serves_restarts_on_change_and_stops_everything": 60,
    "test_concurrency_benchmark_runs_and_prints_its_ratios": 55,
    "test_gpu_check_runs_up_to_the_device_on_the_cpu_labelled_as_such": 55,
    "test_flakes_benchmark_reports_each_failure_with_its_test_id": 50,
    "test_frontend_type_checks_and_unit_tests_pass": 30,
    "test_pre_commit_runs_ruff_and_the_frontend_type_check": 25,
    "test_the_model_loads_the_way_the_real_remote_code_needs": 25,
    "test_cruft_bakes_and_pulls_a_later_template_change": 20,
}


def expected_seconds(item) -> float:
    if item.originalname == "test_generated_tests_pass":  # a bake's full suite: what it runs
        variant, bake = item.callspec.params["variant"], item.module
        browser = variant in bake.BROWSER_BAKES
        editor = variant["app"] == OPTIONS["app"][0]
        first = variant in bake.FIRST_OF_APP  # the soak and the replicas too
        return 100 + browser * (300 if editor else 30) + first * (200 if editor else 100)
    return SECONDS.get(item.originalname, SECONDS.get(item.path.name, 0))


def pytest_collection_modifyitems(items):
    items.sort(key=expected_seconds, reverse=True)  # stable: collection order among equals
