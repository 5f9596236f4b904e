"""Every variant bakes into a clean, valid project whose own tests pass."""

import base64
import importlib.util
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import metadata
from pathlib import Path

import gradio
import pytest
import yaml
from conftest import (
    FULL_VARIANTS,
    OPTIONS,
    ROOT,
    VARIANTS,
    front_matter,
    frontend_key,
    npm,
    npm_dir,
    shared_folder,
    variant_id,
)
from filelock import FileLock
from huggingface_hub import SpaceHardware
from packaging.specifiers import SpecifierSet
from packaging.version import Version

SHARED_DIR = {"vanilla": "static", "react": "frontend/src/lib", "svelte": "frontend/src/lib"}
TEMPLATE = ROOT / "{{cookiecutter.project_slug}}"
SPACE_KEYS = {
    "title", "emoji", "colorFrom", "colorTo", "sdk", "sdk_version", "python_version", "app_file",
    "short_description", "license", "models", "datasets", "preload_from_hub",
    "suggested_hardware", "suggested_storage", "pinned", "tags", "hf_oauth", "fullWidth",
    "header", "disable_embedding", "startup_duration_timeout", "custom_headers",
}  # fmt: skip
SPACE_COLOURS = {"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}
# suggested_hardware's documented values (Spaces config reference). ZeroGPU's `zero-a10g` is
# not among them, though huggingface_hub's SpaceHardware has it: deploy.py asks for it instead.
HARDWARE = {
    "cpu-basic", "cpu-upgrade", "t4-small", "t4-medium", "l4x1", "l4x4", "l40sx1", "l40sx4",
    "l40sx8", "a10g-small", "a10g-large", "a10g-largex2", "a10g-largex4", "a100-large", "a100x4",
    "a100x8",
}  # fmt: skip
# What ZeroGPU runs (Hugging Face's ZeroGPU docs, August 2026): these Pythons, these PyTorches.
ZEROGPU_PYTHONS = {"3.12.12", "3.10.13"}
ZEROGPU_TORCHES = {"2.8.0", "2.9.1", "2.10.0", "2.11.0"}
# Packages BiRefNet's own code (birefnet.py on the Hub) imports; the stand-in cannot (torchvision
# does not install beside the CPU torch here), so requirements.txt must carry them.
REMOTE_CODE_IMPORTS = ("torchvision", "timm", "kornia", "einops")
RECORD = ".cookiecutter.json"  # the answers, for `cruft link`
CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # PyTorch's CPU builds (PyPI's Linux one: CUDA)

DEFAULT_NAMES = {"text-behind-image": "Text Behind Image", "minimal": "Cut Out"}
CACHES = {"__pycache__", ".pytest_cache", ".ruff_cache", ".standin-cache"}  # made by running it

variants = pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
full_variants = pytest.mark.parametrize("variant", FULL_VARIANTS, ids=variant_id)


def run(args, cwd, **kwargs):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, **kwargs)


@variants
def test_no_template_tags_survive(bake, variant):
    project = bake(variant)
    vendored = project / "static" / "vendor"  # npm's files, written by vendor.py: not rendered
    for path in project.rglob("*"):
        made = CACHES & set(path.relative_to(project).parts) or path.is_relative_to(vendored)
        if path.is_file() and not made:
            text = path.read_text(errors="replace")
            if path.name != RECORD:  # its _template may be a path or URL that says so
                assert "cookiecutter" not in text.replace(RECORD, ""), path
            assert not re.search(r"\{%-?\s|\s-?%\}", text), path


APP_FRONTENDS = list(itertools.product(OPTIONS["app"], OPTIONS["frontend"]))
# package.json and its lock carry the project's name (the hook writes it); index.html its title.
RENAMED = {"index.html", "package.json", "package-lock.json"}


@pytest.mark.parametrize(("app", "frontend"), APP_FRONTENDS)
def test_frontend_sources_survive_generation_byte_for_byte(bake, app, frontend):
    """JSX braces, Svelte blocks, ${} and JSDoc {{...}} look like Jinja: none may be rendered."""
    project = bake(next(v for v in VARIANTS if (v["app"], v["frontend"]) == (app, frontend)))
    pairs, pages = [], TEMPLATE / "apps" / app / "frontends"  # the app's pages, then the common
    for own in (pages / frontend, TEMPLATE / "frontends" / frontend):
        pairs += [(s, project / s.relative_to(own)) for s in own.rglob("*")
                  if s.name not in RENAMED]  # fmt: skip
    lib = project / SHARED_DIR[frontend]
    shared = (pages / "shared").glob("*")
    tests = (".test.js", ".setup.js", ".mjs")  # beside the tests, not the modules
    skip = (*tests, ".vite.js") if frontend == "vanilla" else tests
    pairs += [(s, lib / s.name) for s in shared if not s.name.endswith(skip)]
    seen = set()
    for source, copied in pairs:
        if source.is_file():
            text = source.read_text()
            seen |= {mark for mark in ("{{", "{#", "${", "{%") if mark in text}
            assert copied.read_bytes() == source.read_bytes(), source
    # The comparison means something only if such syntax is there to be eaten.
    assert "${" in seen and ("{#" in seen) == (frontend == "svelte"), seen
    if app == "text-behind-image":
        assert "{{" in seen, seen
    package = npm_dir(project, {"frontend": frontend}) / "package.json"
    assert json.loads(package.read_text())["name"].startswith(project.name)


@pytest.mark.parametrize(("app", "frontend"), APP_FRONTENDS)
def test_the_page_loads_nothing_from_elsewhere(built, app, frontend):
    """The app serves the Gradio client (and the editor its fonts): no CDN in the page or its
    scripts."""
    project = built(next(v for v in FULL_VARIANTS if (v["app"], v["frontend"]) == (app, frontend)))
    fonts = 24 if app == "text-behind-image" else 0
    for path in (project / "static").rglob("*"):
        if path.suffix in (".html", ".js", ".css") and "vendor" not in path.parts:
            text = path.read_text()
            assert not re.search(r"cdn\.|jsdelivr|unpkg|fonts\.(googleapis|gstatic)", text), path
    if frontend == "vanilla":  # vendor.py put the pinned files there: vanilla has no build
        deps = json.loads((project / "package.json").read_text())["dependencies"]
        assert sum(name.startswith("@fontsource") for name in deps) >= fonts
        for name in deps:
            assert any((project / "static" / "vendor" / name).rglob("*.*")), name
        assert (project / "static/vendor/@gradio/client/dist/index.min.js").is_file()
        main = (project / "static/main.js").read_text()
        assert '"./vendor/@gradio/client/dist/index.min.js"' in main
    else:  # Vite copied every font file into the build, hashed
        assert len(list((project / "static" / "assets").glob("*-latin-*-normal-*.woff2"))) >= fonts


def test_vendor_py_refuses_a_tarball_that_is_not_the_pinned_one(bake, tmp_path):
    """A cached (or downloaded) tarball whose SHA-512 is not the lock's is refused, and
    static/vendor/ is left as it was."""
    project = tmp_path / "project"
    source = bake(next(v for v in VARIANTS if v["frontend"] == "vanilla"))
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("node_modules"))
    vendored = {p: p.read_bytes() for p in (project / "static/vendor").rglob("*") if p.is_file()}
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = run([sys.executable, "vendor.py"], project, env={**env, "npm_config_registry": "x"})
    assert done.returncode == 1 and "could not download" in done.stderr  # nothing cached there
    # The bakes' cache (where vendor.py keeps it here), the first package's tarball replaced.
    spec = importlib.util.spec_from_file_location("vendor", source / "vendor.py")
    vendor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor)
    cache = tmp_path / "cache" / vendor.CACHE.name
    shutil.copytree(vendor.CACHE, cache)
    lock = json.loads((project / "package-lock.json").read_text())["packages"]
    first = next(iter(json.loads((project / "package.json").read_text())["dependencies"]))
    digest = base64.b64decode(lock[f"node_modules/{first}"]["integrity"].split("-", 1)[1]).hex()
    (cache / f"{digest}.tgz").write_bytes(b"not it")
    refused = run([sys.executable, "vendor.py"], project, env=env)
    assert refused.returncode == 1, refused.stdout
    assert f"{first}@" in refused.stderr and "SHA-512 differs" in refused.stderr, refused.stderr
    after = {p: p.read_bytes() for p in (project / "static/vendor").rglob("*") if p.is_file()}
    assert after == vendored  # as it was, and no staging folder left beside it:
    assert [p.name for p in (project / "static").iterdir() if "vendor" in p.name] == ["vendor"]


# The frontend's own Python: vanilla's vendoring and its tests; the tools that run Vite (dev.py,
# next to its dev server; deploy.py, which builds before it uploads).
FRONTEND_PYTHON = {"vendor.py", "tests/test_vendor.py", "tests/test_modulepreload.py", "dev.py",
                   "deploy.py"}  # fmt: skip


def backend_files(project: Path) -> dict[str, bytes]:
    """The backend and its tests, {path: content}: the Python, requirements and deploy files."""
    # Not the hidden files: .pre-commit-config.yaml runs the frontend's type check.
    names = [p for p in project.glob("[!.]*.*") if p.suffix in (".py", ".txt", ".toml", ".conf",
                                                                ".yaml")]  # fmt: skip
    names += project.glob("tests/*.py")
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in names if p.relative_to(project).as_posix() not in FRONTEND_PYTHON
    }  # fmt: skip


@pytest.mark.parametrize("model", OPTIONS["model"])
@pytest.mark.parametrize("zerogpu", OPTIONS["zerogpu"])
@pytest.mark.parametrize("app", OPTIONS["app"])
def test_the_backend_does_not_depend_on_the_frontend(bake, app, model, zerogpu):
    """Why FULL_VARIANTS suffice: one frontend's full run covers the others' backends."""
    same = [v for v in VARIANTS if (v["app"], v["model"], v["zerogpu"]) == (app, model, zerogpu)]
    reference, *others = [backend_files(bake(v)) for v in same]
    assert {"app.py", "server.py", "security.py", "tests/the_app.py"} <= set(reference)
    for files in others:
        assert set(files) == set(reference)
        for name, content in files.items():
            assert content == reference[name], name


@variants
def test_ruff_is_clean(bake, variant):
    project = bake(variant)
    for args in (["check", "."], ["format", "--check", "."]):
        result = run([sys.executable, "-m", "ruff", *args, "--no-cache"], project)
        assert result.returncode == 0, result.stdout + result.stderr


@variants
def test_front_matter_is_a_valid_space_card(bake, variant):
    project = bake(variant)
    card = front_matter(project)
    assert set(card) <= SPACE_KEYS, set(card) - SPACE_KEYS
    model = OPTIONS["_models"][variant["model"]]
    assert card["title"] == DEFAULT_NAMES[variant["app"]]
    assert card["emoji"] == variant["emoji"]
    assert card["colorFrom"] == variant["color_from"] and card["colorFrom"] in SPACE_COLOURS
    assert card["colorTo"] == variant["color_to"] and card["colorTo"] in SPACE_COLOURS
    assert card["license"] == variant["license"]
    assert card["sdk"] == "gradio"
    assert (project / card["app_file"]).is_file()
    assert 0 < len(card["short_description"]) <= 60
    assert card["models"] == [model["repo"]]
    if model["gated"]:  # the build has no token for it: the app downloads it at start
        assert "preload_from_hub" not in card
    else:
        preload = [f"{model['repo']} {model['files']} {model['revision']}"]
        assert card["preload_from_hub"] == preload
    if variant["zerogpu"] == "yes":  # deploy.py puts the Space on ZeroGPU
        assert "suggested_hardware" not in card
    else:
        assert card["suggested_hardware"] == model["hardware"] and model["hardware"] in HARDWARE
    readme = (project / "README.md").read_text()
    assert f"the model, {model['license']}" in readme  # its licence, next to the project's
    assert ("is gated" in readme) == model["gated"]  # HF_TOKEN for the model (and for deploys)
    # sdk_version (the Space), the installed gradio (tests) and the requirements pins agree.
    assert card["sdk_version"] == gradio.__version__
    assert tuple(int(p) for p in card["sdk_version"].split(".")[:2]) >= (6, 12)
    extra = "[mcp]" if variant["mcp"] == "yes" else ""
    for requirements in ("requirements.txt", "requirements-dev.txt"):
        text = (project / requirements).read_text()
        assert re.search(rf"^gradio{re.escape(extra)}=={card['sdk_version']}\b", text, re.M), text


def pin(requirements, package: str) -> str | None:
    """The version `package==X` pins in a requirements file, or None."""
    found = re.search(rf"^{package}==([\w.]+)$", requirements.read_text(), re.M)
    return found and found.group(1)


@variants
def test_the_runtime_is_one_the_space_runs(bake, variant):
    """python_version, torch and hardware hold against what Spaces and ZeroGPU document."""
    project = bake(variant)
    card = front_matter(project)
    python = card["python_version"]
    assert isinstance(python, str), "quote python_version: YAML reads 3.10 as 3.1"
    # The pinned transformers (the one installed here, test_hooks checks) states its Pythons.
    assert Version(python) in SpecifierSet(metadata("transformers")["Requires-Python"]), python
    torch = pin(project / "requirements.txt", "torch")
    assert pin(project / "requirements-dev.txt", "torch") == torch  # tests run the Space's torch
    vision = pin(project / "requirements.txt", "torchvision")
    if vision:  # torchvision 0.N+15 is built for torch 2.N
        assert Version(vision).minor == Version(torch).minor + 15, (torch, vision)
    ci = (project / ".github" / "workflows" / "ci.yml").read_text()
    assert f"container: python:{'.'.join(python.split('.')[:2])}-bookworm" in ci
    # The CI installs as README.md says: the pinned torch's CPU build, from PyTorch's CPU index.
    install = f"pip install -r requirements-dev.txt --extra-index-url {CPU_INDEX}"
    assert f"run: {install}\n" in ci
    assert f"\n{install}\n" in (project / "README.md").read_text()
    deploy = (project / "deploy.py").read_text()
    hardware = re.search(r'^HARDWARE = "([\w-]+)"', deploy, re.M).group(1)
    assert hardware in {h.value for h in SpaceHardware}
    if variant["zerogpu"] == "yes":
        assert python in ZEROGPU_PYTHONS and torch in ZEROGPU_TORCHES, (python, torch)
        assert hardware == SpaceHardware.ZERO_A10G
    else:
        assert hardware == card["suggested_hardware"]


@variants
def test_only_the_chosen_variant_lands(bake, variant):
    project = bake(variant)
    model = OPTIONS["_models"][variant["model"]]
    for folder in ("apps", "models", "frontends"):
        assert not (project / folder).exists(), folder
    endpoints = re.findall(r'^@app\.api\(name="(\w+)"', (project / "app.py").read_text(), re.M)
    assert endpoints == APP_ENDPOINTS[variant["app"]], endpoints
    editor = SHARED_DIR[variant["frontend"]] + "/editor.js"
    assert (project / editor).is_file() == (variant["app"] == "text-behind-image"), editor
    segmenter = (project / "segmenter.py").read_text()
    remote_code = model["family"] == "birefnet"
    assert ("get_class_from_dynamic_module" in segmenter) == remote_code
    requirements = (project / "requirements.txt").read_text()
    for package in REMOTE_CODE_IMPORTS:
        assert bool(re.search(rf"^{package}\b", requirements, re.M)) == remote_code, package
    assert f'MODEL_ID = "{model["repo"]}"' in segmenter
    assert f'REVISION = "{model["revision"]}"' in segmenter
    assert re.fullmatch(r"[0-9a-f]{40}", model["revision"])
    zerogpu = variant["zerogpu"] == "yes"
    for name in ("app.py", "segmenter.py", "requirements.txt"):
        assert ("spaces" in (project / name).read_text()) == zerogpu, name
    if zerogpu:  # ZeroGPU patches torch: `import spaces` must come first
        app = (project / "app.py").read_text()
        assert app.index("import spaces") < app.index("import gradio")
        assert "@spaces.GPU" in segmenter


APP_ENDPOINTS = {
    "text-behind-image": ["matte", "remove_background"],
    "minimal": ["remove_background"],
}

LOAD = """
import json
import sys
from pathlib import Path

sys.path.insert(0, ".")
from tests.standin import use_standin

use_standin(Path(sys.argv[1]))
import segmenter

snapshot = Path(sys.argv[1], "hub").glob("models--*/snapshots/*/*")
print(type(segmenter.model).__name__, json.dumps(sorted(p.name for p in snapshot)))
"""
PUBLISHED_LOADER = (
    "model = AutoModelForImageSegmentation.from_pretrained(\n"
    "    MODEL_ID, revision=REVISION, trust_remote_code=True\n)\n"
)


def test_the_model_loads_the_way_the_real_remote_code_needs(bake, tmp_path):
    """The stand-in copies BiRefNet's code's quirks: the published loading call fails on it.

    segmenter.py loads it from exactly the files the Space card preloads; put the model card's
    `AutoModelForImageSegmentation.from_pretrained(..., trust_remote_code=True)` back and the
    load fails with transformers 5's AttributeError, as it does with the real code.
    """
    variant = next(v for v in VARIANTS if v["model"] == "birefnet")
    model = OPTIONS["_models"]["birefnet"]
    project = bake(variant)
    loaded = run([sys.executable, "-c", LOAD, str(tmp_path / "hub")], project)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    name, files = loaded.stdout.split(" ", 1)
    assert name == "BiRefNet"
    assert json.loads(files) == sorted(model["files"].split(",")), files  # the card's preload list

    copy = tmp_path / "published"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("node_modules", "static"))
    segmenter = (copy / "segmenter.py").read_text()
    ours = re.search(r"^BiRefNet = get_class_from_dynamic_module.*?\n(?=model\.to)", segmenter,
                     re.M | re.S)  # fmt: skip
    assert ours, segmenter
    published = "from transformers import AutoModelForImageSegmentation\n" + PUBLISHED_LOADER
    (copy / "segmenter.py").write_text(segmenter.replace(ours.group(0), published))
    failed = run([sys.executable, "-c", LOAD, str(tmp_path / "hub2")], copy)
    assert failed.returncode != 0 and "AttributeError" in failed.stderr, failed.stderr[-3000:]


def kubernetes_documents(project):
    return [d for d in yaml.safe_load_all((project / "kubernetes.yaml").read_text()) if d]


# A slug may start with a digit, hold "_" and run to 96 characters; a Kubernetes name may not.
@pytest.mark.parametrize("slug", ["3d_model", "x" * 62 + "_tail", "a-" + "b" * 94])
def test_kubernetes_names_are_valid_whatever_the_slug(bake, slug):
    project = bake({**VARIANTS[0], "project_slug": slug})
    (name,) = {document["metadata"]["name"] for document in kubernetes_documents(project)}
    assert re.fullmatch(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?", name), name  # an RFC 1035 label


def gib(quantity: str) -> float:
    assert quantity.endswith("Gi"), quantity
    return float(quantity.removesuffix("Gi"))


@pytest.mark.parametrize("model", OPTIONS["model"])
def test_pods_get_the_models_memory_plus_a_big_photos(bake, model):
    """`memory` in _models: the resident memory `cpu` states, plus 1 to 2 GiB (a 40 MP photo's
    /remove_background takes about 550 MB above the idle app, measured on the stand-in)."""
    facts = OPTIONS["_models"][model]
    resident = float(re.search(r"(\d+(?:\.\d+)?) GB of memory", facts["cpu"]).group(1)) * 1e9
    assert resident / 2**30 + 1 <= gib(facts["memory"]) <= resident / 2**30 + 2, facts
    project = bake(next(v for v in VARIANTS if v["model"] == model))
    (deployment,) = (d for d in kubernetes_documents(project) if d["kind"] == "Deployment")
    resources = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert resources["requests"]["memory"] == resources["limits"]["memory"] == facts["memory"]


def test_the_template_holds_no_installed_or_built_files():
    roots = [TEMPLATE / "frontends", *TEMPLATE.glob("apps/*/frontends")]
    for name in ("node_modules", "static"):
        found = [p for r in roots for p in r.rglob(name) if p.parent.name != "vanilla"]
        assert not found, f"{found}: remove them, or every bake copies them"


@full_variants
def test_frontend_type_checks_and_unit_tests_pass(built, variant, tmp_path_factory):
    project = built(variant)
    if variant["frontend"] != "vanilla":  # the build wrote static/, which app.py serves
        index = (project / "static" / "index.html").read_text()
        # Relative, so the same build works at the root and under a proxy's path prefix.
        assert re.search(r'src="ui/assets/[^"]+\.js"', index), index
        assert '"/' not in index, index
    # The type check and the unit tests read the frontend's files and node_modules only: a bake
    # whose files are byte for byte a tested one's (the same key, as `built` shares installs)
    # has its answer already, from this run. The first of them runs `npm test`, and its output
    # is kept for the others; if it failed, nothing is kept, and each of them runs it again.
    key = frontend_key(project, variant["frontend"])
    tested = shared_folder(tmp_path_factory) / "npm" / f"{key}.test"
    with FileLock(f"{tested}.lock"):
        if not tested.exists():
            tested.write_text(npm(["test"], npm_dir(project, variant)).stdout)
    output = tested.read_text()
    assert re.search(r"Tests\s+\d+ passed", output), output[-2000:]


# Browser tests run in one bake per (app, frontend): the model and ZeroGPU answers change nothing
# the browser sees (the stand-in model is the same, and ZeroGPU is off the Space), so the
# other bakes run every generated test but those and the slow soak and replicas tests (which
# exercise app.py, Gradio's queue and nginx, the same in every bake of an app; they run in its
# first bake; docs/testing.md says why).
BROWSER_BAKES = [next(v for v in FULL_VARIANTS if (v["app"], v["frontend"]) == pair)
                 for pair in APP_FRONTENDS]  # fmt: skip
FIRST_OF_APP = [next(v for v in FULL_VARIANTS if v["app"] == app) for app in OPTIONS["app"]]
# The offline start (app.py in a process of its own, from an HF_HOME laid by the README's
# download command; marker offline_start) runs once per model family, with ZeroGPU on in one and
# off in the other: the loading code is the family's. Every bake runs the download itself.
FAMILY = {model: answers["family"] for model, answers in OPTIONS["_models"].items()}
OFFLINE_START_BAKES = [
    next(v for v in FULL_VARIANTS if FAMILY[v["model"]] == family and v["zerogpu"] == zerogpu)
    for family, zerogpu in zip(dict.fromkeys(FAMILY.values()), itertools.cycle(OPTIONS["zerogpu"]))
]


def plant_foreign_files(folder: Path) -> dict[Path, tuple[bytes, float]]:
    """Another program's files in Gradio's folder, laid out as Gradio lays out its own: one
    dated three days back, one fresh. Returns {path: (content, mtime)}."""
    planted = {}
    for name, age in (("old.jpg", 3 * 24 * 3600), ("fresh.jpg", 0)):
        path = folder / f"another-program-{age}" / name
        path.parent.mkdir(parents=True)
        path.write_bytes(b"\xff\xd8 not ours " + name.encode())
        os.utime(path, (time.time() - age, time.time() - age))
        planted[path] = (path.read_bytes(), path.stat().st_mtime)
    return planted


@full_variants
def test_generated_tests_pass(built, variant):
    project = built(variant)
    first = variant in FIRST_OF_APP  # the soak and replicas: app.py, Gradio, nginx
    left_out = (
        set() if first else {"soak"} if variant in BROWSER_BAKES else {"browser", "soak"}
    ) | ({"offline_start"} if variant not in OFFLINE_START_BAKES else set())  # fmt: skip
    only = [
        "--full",
        *(["-m", " and ".join(f"not {m}" for m in sorted(left_out))] if left_out else []),
        # The replicas (two more app processes, nginx's affinity: ~25 s) once an app, like the
        # soak: the frontends differ under nginx in their paths, which the proxy test covers.
        *(["--deselect", "tests/test_replicas.py"] if not first else []),
    ]
    # The fuzz runs its 20 s once (open_image is the same in every bake); the others fuzz for
    # 2 s, so a bake whose decoding broke still fails.
    env = {**os.environ, "FUZZ_SECONDS": "20" if variant == FULL_VARIANTS[0] else "2"}
    # Gradio's upload folder is shared by every Gradio process on the machine: the suite runs
    # beside another program's files there and must leave them as they were. Every other bake
    # names the folder with GRADIO_TEMP_DIR; the rest use Gradio's default, `gradio` in the
    # system temp folder (TMPDIR makes that one private too; short: Chromium's sockets go in it).
    machine_tmp = Path(tempfile.mkdtemp(prefix="tbi-"))
    if FULL_VARIANTS.index(variant) % 2:
        env["GRADIO_TEMP_DIR"] = str(gradio_folder := machine_tmp / "gradio-of-the-machine")
    else:
        env.pop("GRADIO_TEMP_DIR", None)
        env["TMPDIR"], gradio_folder = str(machine_tmp), machine_tmp / "gradio"
    planted = plant_foreign_files(gradio_folder)
    try:
        result = run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *only], project,
            env=env,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-500:]
        for path, (content, mtime) in planted.items():
            assert path.is_file(), f"the app or its tests deleted another program's {path}"
            assert (path.read_bytes(), path.stat().st_mtime) == (content, mtime), path
    finally:
        shutil.rmtree(machine_tmp, ignore_errors=True)
