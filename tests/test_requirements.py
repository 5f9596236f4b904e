"""Every backend's requirements.txt installs on the Space it is written for.

A gradio-SDK Space installs requirements.txt and `gradio==<sdk_version>` for the README's
`python_version`, on Linux x86_64 from PyPI. A pin that cannot install there (a torch without
wheels for that Python, a transformers that needs a newer one, two pins that conflict) fails
the Space's build, long after the bake. Here pip's resolver answers first: a dry run against
the public index, for the Space's Python and platform, reading only metadata (no wheel is
downloaded: the torch wheels alone are several GB).
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
from packaging.version import Version

pytestmark = pytest.mark.index

# The requirements differ by model family, ZeroGPU and MCP only: one model stands for each family.
FAMILY_MODEL = {"birefnet": "birefnet", "segformer": "segformer-clothes"}
BACKENDS = [
    {"frontend": "vanilla", "model": model, "zerogpu": zerogpu, "mcp": mcp}
    for model in FAMILY_MODEL.values()
    for zerogpu in OPTIONS["zerogpu"]
    for mcp in OPTIONS["mcp"]
]
DEFAULTS = {key: value[0] for key, value in OPTIONS.items() if isinstance(value, list)}
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
PIP_FOR_THE_SPACE = """
import sys
from pip._vendor.packaging import markers
version = sys.argv.pop(1)
full = ".".join((version.split(".") + ["0", "0"])[:3])
space = {**markers.default_environment(), "implementation_name": "cpython",
         "implementation_version": full, "platform_python_implementation": "CPython",
         "python_version": ".".join(full.split(".")[:2]), "python_full_version": full,
         "os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
         "platform_machine": "x86_64"}
markers.default_environment = lambda: dict(space)
from pip._internal.cli.main import main
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


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: Path) -> dict[str, str]:
    """The `name==version` pins of a requirements file (extras and comments dropped)."""
    found = re.findall(r"^([\w.-]+)(?:\[[^\]]*\])?==([^\s;#]+)", requirements.read_text(), re.M)
    return {canonical(name): version for name, version in found}


def resolve(project: Path, python: str, report: Path) -> Resolution:
    """pip's dry run of the Space's install: requirements.txt and the README's gradio."""
    card = front_matter(project)
    command = [
        sys.executable, "-c", PIP_FOR_THE_SPACE, python,
        "install", "--dry-run", "--ignore-installed", "--report", str(report),
        "--progress-bar", "off", "--use-feature=fast-deps",  # pip's own default index
        "--python-version", python, "--implementation", "cp", "--only-binary=:all:",
        *(arg for platform in PLATFORMS for arg in ("--platform", platform)),
        "-r", str(project / "requirements.txt"), f"gradio=={card['sdk_version']}",
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


def backend_id(answers: dict) -> str:
    return f"{answers['model']}-zerogpu={answers['zerogpu']}-mcp={answers['mcp']}"


@pytest.fixture(scope="session")
def resolutions(bake, tmp_path_factory):
    """Every backend resolved once, all at the same time, and the 3.10 control beside them."""
    # pip >= 25.3 answers a dry run from metadata; older ones download every wheel they pick.
    assert Version(pip.__version__) >= Version("25.3"), (
        f"pip {pip.__version__} downloads every wheel in a dry run (GBs of torch): "
        "pip install -r requirements-dev.txt"
    )
    reports = tmp_path_factory.mktemp("pip-reports")
    # Baked one after another (cookiecutter is not thread-safe), resolved all at once.
    projects = {backend_id(a): bake(a) for a in BACKENDS}
    jobs = {name: (p, str(front_matter(p)["python_version"])) for name, p in projects.items()}
    jobs["python-3.10-control"] = (bake(DEFAULTS), "3.10")
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {
            name: pool.submit(resolve, project, python, reports / f"{name}.json")
            for name, (project, python) in jobs.items()
        }
        done = {name: future.result() for name, future in futures.items()}
    for name, res in done.items():
        outcome = f"torch {res.installs().get('torch')}, {len(res.installs())} packages"
        if res.returncode:
            outcome = f"no resolution (pip exited {res.returncode})"
        print(f"\n{name}: Python {res.python}, {outcome}, {res.seconds:.1f} s", end="")
    print(f"\nall {len(done)} resolutions: {time.monotonic() - start:.1f} s")
    return done


def test_every_model_family_has_a_backend_here():
    families = {model["family"] for model in OPTIONS["_models"].values()}
    assert families == set(FAMILY_MODEL), f"cover each family in FAMILY_MODEL: {families}"
    for family, model in FAMILY_MODEL.items():
        assert OPTIONS["_models"][model]["family"] == family, model


@pytest.mark.parametrize("answers", BACKENDS, ids=backend_id)
def test_requirements_install_on_the_space(bake, resolutions, answers):
    project = bake(answers)
    card = front_matter(project)
    res = resolutions[backend_id(answers)]
    assert isinstance(card["python_version"], str), "quote python_version: YAML reads 3.10 as 3.1"
    assert res.returncode == 0, res.failure()
    assert res.report["environment"]["python_version"] == ".".join(res.python.split(".")[:2])
    installs = res.installs()
    assert installs.get("gradio") == card["sdk_version"], installs.get("gradio")
    required = pins(project / "requirements.txt")
    assert "torch" in required, "requirements.txt must pin torch"
    assert installs.get("torch") == required["torch"], installs.get("torch")
    wrong = {name: installs.get(name) for name, v in required.items() if installs.get(name) != v}
    assert not wrong, f"resolved otherwise than requirements.txt pins: {wrong}"
    if OPTIONS["_models"][answers["model"]]["family"] == "birefnet":
        assert BIREFNET_CODE_NEEDS <= set(installs), BIREFNET_CODE_NEEDS - set(installs)
    if answers["zerogpu"] == "yes":
        assert "spaces" in installs, "ZeroGPU needs spaces"
    # Metadata only: pip names each file it downloads; a whole wheel here is GBs in CI.
    downloads = re.findall(r"Downloading (\S+)", res.output)
    assert all(name.endswith(".metadata") for name in downloads), downloads


def test_the_check_can_fail_python_3_10_cannot_install_the_default_bake(resolutions):
    """transformers 5.24 needs Python >= 3.11: pip must say so, or the check proves nothing."""
    res = resolutions["python-3.10-control"]
    assert res.returncode != 0, "Python 3.10 resolved the default bake's requirements"
    assert "No matching distribution found for transformers==" in res.output, res.failure()
