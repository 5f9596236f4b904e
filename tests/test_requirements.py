"""Every backend's requirements.txt installs on the Space it is written for, and stays installed.

A gradio-SDK Space builds in two pip steps, for the README's `python_version`, on Linux x86_64,
from PyPI: first `pip install -r requirements.txt`, then its own step (seen in Spaces' build
logs, a separate `RUN` after the first):
`pip install gradio[oauth,mcp]==<sdk_version> "uvicorn>=0.14.0" spaces`. A pin that cannot
install there (a torch without wheels for that Python, a transformers that needs a newer one,
two pins that conflict) fails the build, long after the bake. A pin that the second step moves
fails nothing: the build succeeds and the Space runs other versions than the ones we pinned.

Here pip's resolver answers first: dry runs against the public index, for the Space's Python and
platform, reading only metadata (no wheel is downloaded: the torch wheels alone are several GB).

How the second step is modelled: it is a plain `pip install` (no --upgrade) into the environment
the first step made. pip keeps each installed package that satisfies the new requirements and
replaces, without failing, any that conflicts; it warns only when another installed package
needed the old version, and requirements.txt is no package: a pin of ours moves in silence.
(A build log quoted on Hugging Face's forum, "Space force-installs old gradio", shows the second
step replacing the gradio that requirements.txt had installed by sdk_version's.) What it moves
depends on what is installed, so the model is that pip, run on that environment: the first
step's result (pip's --report) is laid out as installed packages (a `.dist-info/METADATA` per
package, the file pip reads of an installed package: name, version, requirements, extras), and
the second command runs as a dry run with only that folder (and the standard library) on pip's
path. Its report lists what it would install or replace; every line of requirements.txt must
still hold afterwards. One resolution of both steps together would be simpler, but it picks
versions that suit both at once, which the first step alone does not: it would not show what
the Space ends up running.
"""

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pip
import pytest
from conftest import OPTIONS, front_matter
from packaging.requirements import Requirement
from packaging.version import Version

# One worker of a parallel run (pytest -n) takes the module: `builds` resolves once.
pytestmark = [pytest.mark.index, pytest.mark.xdist_group("index")]

# The requirements differ by model family, ZeroGPU and MCP only: one model stands for each family.
FAMILY_MODEL = {"birefnet": "birefnet", "segformer": "segformer-clothes"}
BACKENDS = [
    {"frontend": "vanilla", "model": model, "zerogpu": zerogpu, "mcp": mcp}
    for model in FAMILY_MODEL.values()
    for zerogpu in OPTIONS["zerogpu"]
    for mcp in OPTIONS["mcp"]
]
DEFAULTS = {key: value[0] for key, value in OPTIONS.items() if isinstance(value, list)}
# The Space's own step after requirements.txt, as its build logs show it.
SPACE_STEP = ("gradio[oauth,mcp]=={sdk_version}", "uvicorn>=0.14.0", "spaces")
# A pin that requirements.txt installs and the Space's step moves: gradio's mcp extra (installed
# on every Space) needs mcp, which needs uvicorn >= 0.31.1. Without MCP, nothing else does.
MOVED_PIN = "uvicorn==0.30.0"
BIREFNET_CODE_NEEDS = {"torchvision", "timm", "kornia", "einops"}  # its remote code imports them

# Every wheel tag pip accepts on Linux x86_64 with glibc 2.36 (Debian 12, the older of the
# Spaces' images), newest first, as pip orders them there. With --platform pip adds no older
# glibc by itself, so each is named (the CUDA wheels torch needs are manylinux_2_27 only).
GLIBC_MINOR = 36
LEGACY = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
PLATFORMS = [
    *(
        f"{tag}_x86_64"
        for minor in range(GLIBC_MINOR, 4, -1)
        for tag in (f"manylinux_2_{minor}", LEGACY.get(minor))
        if tag
    ),
    "linux_x86_64",
]

# pip evaluates markers (python_version < "3.12", platform_system == "Linux") for the
# interpreter that runs it, even with --python-version: this runs pip with the Space's.
# With a folder named, pip sees as installed only the packages laid out there (see the
# docstring); without, it is told --ignore-installed, so this machine's packages never count.
PIP_FOR_THE_SPACE = """
import sys
from pip._vendor.packaging import markers
version, installed = sys.argv.pop(1), sys.argv.pop(1)
full = ".".join((version.split(".") + ["0", "0"])[:3])
space = {**markers.default_environment(), "implementation_name": "cpython",
         "implementation_version": full, "platform_python_implementation": "CPython",
         "python_version": ".".join(full.split(".")[:2]), "python_full_version": full,
         "os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
         "platform_machine": "x86_64"}
markers.default_environment = lambda: dict(space)
from pip._internal.cli.main import main
if installed:  # pip is imported (its own modules load through pip.__path__ from here on)
    stdlib = [p for p in sys.path if p.startswith(sys.base_prefix) and "-packages" not in p]
    sys.path[:] = [installed, *stdlib]
sys.exit(main(sys.argv[1:]))
"""
# Only what reaches the index: find-links, extra indexes and constraints set on a developer's
# machine (this one caps torch and adds local wheels) are not the Space's.
PIP_ENV_KEPT = {
    "PIP_CERT", "PIP_CLIENT_CERT", "PIP_PROXY", "PIP_DEFAULT_TIMEOUT", "PIP_RETRIES",
    "PIP_CACHE_DIR", "PIP_NO_CACHE_DIR",
}  # fmt: skip
TIMEOUT = 600


@dataclass
class Resolution:
    python: str
    returncode: int
    output: str  # pip's stdout and stderr
    report: dict  # pip's --report; empty when it failed
    seconds: float

    def installs(self) -> dict[str, str]:
        return {
            canonical(item["metadata"]["name"]): item["metadata"]["version"]
            for item in self.report.get("install", [])
        }

    def failure(self) -> str:
        return f"pip (Python {self.python}) exited {self.returncode}:\n{self.output[-4000:]}"


@dataclass
class SpaceBuild:
    """The Space's two pip steps; the second runs only when the first resolved."""

    file: Path  # the requirements.txt
    requirements: Resolution  # pip install -r requirements.txt
    space_step: Resolution | None  # then SPACE_STEP, on what the first installed

    def environment(self) -> dict[str, str]:
        """What the Space runs: the first step's packages, replaced or added by the second."""
        second = self.space_step.installs() if self.space_step else {}
        return self.requirements.installs() | second

    def unmet(self) -> dict[str, str | None]:
        """The lines of requirements.txt the Space's environment does not satisfy."""
        return unmet(self.file, self.environment())

    def moved(self) -> dict[str, str]:
        """The packages of the first step that the second replaces: {name: 'old -> new'}."""
        first, final = self.requirements.installs(), self.environment()
        return {name: f"{v} -> {final[name]}" for name, v in first.items() if final[name] != v}

    def outputs(self) -> str:
        return self.requirements.output + (self.space_step.output if self.space_step else "")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(requirements: Path) -> list[Requirement]:
    lines = (line.split("#")[0].strip() for line in requirements.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def pins(requirements: Path) -> dict[str, str]:
    """The `name==version` pins of a requirements file (extras and comments dropped)."""
    return {
        canonical(req.name): str(spec.version)
        for req in requirement_lines(requirements)
        for spec in req.specifier
        if spec.operator == "=="
    }


def unmet(requirements: Path, environment: dict[str, str]) -> dict[str, str | None]:
    """The requirements an environment does not satisfy: {line: the version it has, or None}."""
    return {
        str(req): environment.get(canonical(req.name))
        for req in requirement_lines(requirements)
        if environment.get(canonical(req.name)) is None
        or not req.specifier.contains(environment[canonical(req.name)], prereleases=True)
    }


def lay_out_installed(report: dict, folder: Path) -> Path:
    """The packages of a pip report as an installed environment, as pip reads one: METADATA."""
    for item in report["install"]:
        meta = item["metadata"]
        dist_info = folder / f"{re.sub(r'[-.]+', '_', meta['name'])}-{meta['version']}.dist-info"
        dist_info.mkdir(parents=True)
        lines = [
            "Metadata-Version: 2.1", f"Name: {meta['name']}", f"Version: {meta['version']}",
            *(f"Requires-Dist: {req}" for req in meta.get("requires_dist", [])),
            *(f"Provides-Extra: {extra}" for extra in meta.get("provides_extra", [])),
            *([f"Requires-Python: {meta['requires_python']}"] if "requires_python" in meta else []),
        ]  # fmt: skip
        (dist_info / "METADATA").write_text("\n".join(lines) + "\n")
    return folder


def pip_dry_run(python: str, requirements: list[str], work: Path, installed: Path | None = None):
    """pip install --dry-run of `requirements` for the Space's Python and platform."""
    report = work / f"report-{'space-step' if installed else 'requirements'}.json"
    command = [
        sys.executable, "-c", PIP_FOR_THE_SPACE, python, str(installed or ""),
        "install", "--dry-run", *([] if installed else ["--ignore-installed"]),
        "--report", str(report), "--progress-bar", "off",
        "--use-feature=fast-deps",  # pip's own default index
        "--python-version", python, "--implementation", "cp", "--only-binary=:all:",
        *(arg for platform in PLATFORMS for arg in ("--platform", platform)),
        *requirements,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k in PIP_ENV_KEPT}
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    start = time.monotonic()
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False
        )
        returncode, output = result.returncode, result.stdout + result.stderr
    except subprocess.TimeoutExpired as timeout:
        returncode, output = -1, f"no answer from the index in {TIMEOUT} s: {timeout}"
    seconds = time.monotonic() - start
    done = returncode == 0 and report.is_file()
    return Resolution(python, returncode, output, json.loads(report.read_text()) if done else {},
                      seconds)  # fmt: skip


def build(requirements: Path, python: str, sdk_version: str, work: Path) -> SpaceBuild:
    """The Space's install, as dry runs: requirements.txt, then its own step on top."""
    work.mkdir()
    first = pip_dry_run(python, ["-r", str(requirements)], work)
    if first.returncode:
        return SpaceBuild(requirements, first, None)
    installed = lay_out_installed(first.report, work / "installed")
    step = [req.format(sdk_version=sdk_version) for req in SPACE_STEP]
    return SpaceBuild(requirements, first, pip_dry_run(python, step, work, installed))


def backend_id(answers: dict) -> str:
    return f"{answers['model']}-zerogpu={answers['zerogpu']}-mcp={answers['mcp']}"


@pytest.fixture(scope="session")
def builds(bake, tmp_path_factory):
    """Every backend's Space install, all at the same time, and the two controls beside them."""
    # pip >= 25.3 answers a dry run from metadata; older ones download every wheel they pick.
    assert Version(pip.__version__) >= Version("25.3"), (
        f"pip {pip.__version__} downloads every wheel in a dry run (GBs of torch): "
        "pip install -r requirements-dev.txt"
    )
    work = tmp_path_factory.mktemp("space-builds")
    # Baked one after another (cookiecutter is not thread-safe), resolved all at once.
    jobs = {}
    for answers in BACKENDS:
        project = bake(answers)
        card = front_matter(project)
        jobs[backend_id(answers)] = (project / "requirements.txt", str(card["python_version"]),
                                     card["sdk_version"])  # fmt: skip
    default = bake(DEFAULTS)
    card = front_matter(default)
    jobs["python-3.10-control"] = (default / "requirements.txt", "3.10", card["sdk_version"])
    moved_pin = work / "moved-pin-requirements.txt"
    moved_pin.write_text((default / "requirements.txt").read_text() + MOVED_PIN + "\n")
    jobs["moved-pin-control"] = (moved_pin, str(card["python_version"]), card["sdk_version"])
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {name: pool.submit(build, *job, work / name) for name, job in jobs.items()}
        done = {name: future.result() for name, future in futures.items()}
    for name, res in done.items():
        first, step = res.requirements, res.space_step
        outcome = f"no resolution (pip exited {first.returncode}), {first.seconds:.1f} s"
        if step:
            moved = ", ".join(f"{n} {v}" for n, v in res.moved().items()) or "nothing"
            outcome = (
                f"torch {first.installs().get('torch')}, {len(first.installs())} packages,"
                f" {first.seconds:.1f} s; the Space's step: pip exited {step.returncode},"
                f" installs {len(step.installs())}, moves {moved}, {step.seconds:.1f} s"
            )
        print(f"\n{name}: Python {first.python}, {outcome}", end="")
    print(f"\nall {len(done)} builds: {time.monotonic() - start:.1f} s")
    return done


def test_every_model_family_has_a_backend_here():
    families = {model["family"] for model in OPTIONS["_models"].values()}
    assert families == set(FAMILY_MODEL), f"cover each family in FAMILY_MODEL: {families}"
    for family, model in FAMILY_MODEL.items():
        assert OPTIONS["_models"][model]["family"] == family, model


@pytest.mark.parametrize("answers", BACKENDS, ids=backend_id)
def test_requirements_install_on_the_space(bake, builds, answers):
    project = bake(answers)
    card = front_matter(project)
    res = builds[backend_id(answers)]
    assert isinstance(card["python_version"], str), "quote python_version: YAML reads 3.10 as 3.1"
    first = res.requirements
    assert first.returncode == 0, first.failure()
    assert first.report["environment"]["python_version"] == ".".join(first.python.split(".")[:2])
    assert res.space_step.returncode == 0, "the Space's own step: " + res.space_step.failure()
    installs = res.environment()
    assert installs.get("gradio") == card["sdk_version"], installs.get("gradio")
    required = pins(project / "requirements.txt")
    assert "torch" in required, "requirements.txt must pin torch"
    assert installs.get("torch") == required["torch"], installs.get("torch")
    wrong = res.unmet()
    assert not wrong, f"the Space runs other versions than requirements.txt asks for: {wrong}"
    if OPTIONS["_models"][answers["model"]]["family"] == "birefnet":
        assert BIREFNET_CODE_NEEDS <= set(installs), BIREFNET_CODE_NEEDS - set(installs)
    if answers["zerogpu"] == "yes":
        assert "spaces" in first.installs(), "ZeroGPU needs spaces, from requirements.txt"
    # Metadata only: pip names each file it downloads; a whole wheel here is GBs in CI.
    downloads = re.findall(r"Downloading (\S+)", res.outputs())
    assert all(name.endswith(".metadata") for name in downloads), downloads


def test_the_check_can_fail_python_3_10_cannot_install_the_default_bake(builds):
    """transformers 5.24 needs Python >= 3.11: pip must say so, or the check proves nothing."""
    res = builds["python-3.10-control"].requirements
    assert res.returncode != 0, "Python 3.10 resolved the default bake's requirements"
    assert "No matching distribution found for transformers==" in res.output, res.failure()


def test_the_check_can_fail_the_spaces_own_step_moves_a_pin(builds):
    """The default bake plus MOVED_PIN installs alone, and the Space's step moves that pin.

    pip does not fail there (it replaces the package and warns), so neither step's exit code
    shows it: only comparing what the Space ends up with against requirements.txt does.
    """
    res = builds["moved-pin-control"]
    assert res.requirements.returncode == 0, res.requirements.failure()  # the first step is fine
    assert res.space_step.returncode == 0, res.space_step.failure()
    name, version = MOVED_PIN.split("==")
    assert res.requirements.installs()[name] == version
    assert name in res.moved(), f"the Space's step kept {MOVED_PIN}: {res.moved()}"
    assert set(res.unmet()) == {MOVED_PIN}, res.unmet()  # what the backends' test asserts empty
