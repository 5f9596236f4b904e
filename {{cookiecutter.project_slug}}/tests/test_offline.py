"""On a company network: the model through an internal Hub mirror, then a start with no Hub at all.

README.md ("On a company network, or offline") gives one command that downloads exactly the
model's pinned files into a given HF_HOME, from the Hub or from the mirror HF_ENDPOINT names
(for an image build, or to carry to an air-gapped machine); `python app.py` then starts with
HF_HUB_OFFLINE=1. This runs that command against tests/hub_mirror.py on 127.0.0.1, which serves
the stand-in's files under the real repo id and revision beside files a real repo also holds,
then starts app.py offline from that HF_HOME and makes a call. Both run behind a proxy that
records and refuses anything leaving the machine: the mirror is all they may reach.
"""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from gradio_client import Client
from packaging.requirements import Requirement

from tests import the_app
from tests.conftest import free_port, require
from tests.hub_mirror import HubMirror
from tests.standin import PROJECT, lay_fake_hub, model_ids

# What else a real repo holds: the command must not fetch any of it.
OTHER_FILES = {
    "README.md": b"---\nlicense: mit\n---\n# A model card\n",
    ".gitattributes": b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
    "pytorch_model.bin": b"\0" * 4096,  # the same weights in another format
    "onnx/model.onnx": b"\0" * 4096,
}


def readme_command() -> list[str]:
    """README.md's `hf download ...` line, as words."""
    lines = re.findall(r"^hf download .*$", (PROJECT / "README.md").read_text(), re.MULTILINE)
    assert len(lines) == 1, f"README.md should give one `hf download` command: {lines}"
    return shlex.split(lines[0], comments=True)


@pytest.fixture(scope="module")
def mirror():
    """The stand-in's files (conftest.py laid them) and a real repo's others, on a Hub mirror
    that also records and refuses, as a proxy, whatever would leave the machine."""
    model_id, revision = model_ids()
    standin = lay_fake_hub(Path(os.environ["HF_HOME"]))
    files = {p.name: p.read_bytes() for p in standin.iterdir()}
    with HubMirror(model_id, revision, files | OTHER_FILES) as hub:
        yield hub


@pytest.fixture(scope="module")
def environment(mirror):
    """This environment without huggingface_hub's or Gradio analytics' settings, behind the
    mirror's recording proxy (NO_PROXY: the mirror itself is reached directly)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GRADIO_ANALYTICS"))}
    return env | {"HTTPS_PROXY": mirror.url, "HTTP_PROXY": mirror.url, "NO_PROXY": "127.0.0.1"}


@pytest.fixture(scope="module")
def laid_hf_home(mirror, environment, tmp_path_factory) -> Path:
    """A fresh HF_HOME, after README.md's download command ran against the mirror."""
    hf = shutil.which("hf", path=str(Path(sys.executable).parent)) or shutil.which("hf")
    require(hf is not None, "the hf command is missing (pip install huggingface_hub)")
    hf_home = tmp_path_factory.mktemp("hf-home")
    env = environment | {"HF_HOME": str(hf_home), "HF_ENDPOINT": mirror.url}
    env["HF_HUB_DISABLE_UPDATE_CHECK"] = "1"  # as README.md says: else it asks pypi.org
    done = subprocess.run([hf, *readme_command()[1:]], env=env, capture_output=True, text=True)
    print("\nhf download asked:", *mirror.requests, sep="\n  ")
    assert done.returncode == 0, done.stdout + done.stderr
    return hf_home


def test_the_readme_command_fetches_exactly_the_pinned_files(mirror, laid_hf_home):
    model_id, revision = model_ids()
    command = readme_command()
    assert command[:3] == ["hf", "download", model_id], command
    assert command[-2:] == ["--revision", revision], command  # segmenter.py's REVISION
    pinned = command[3:-2]
    card = yaml.safe_load((PROJECT / "README.md").read_text().split("---")[1])
    for preload in card.get("preload_from_hub", []):  # what the Space preloads (not if gated)
        assert preload.split() == [model_id, ",".join(pinned), revision]
    snapshot = laid_hf_home / "hub" / f"models--{model_id.replace('/', '--')}" / "snapshots"
    arrived = {p.relative_to(snapshot / revision).as_posix(): p.read_bytes()
               for p in (snapshot / revision).rglob("*") if p.is_file()}  # fmt: skip
    assert arrived == {name: mirror.files[name] for name in pinned}
    asked = " ".join(path for *_, path, _ in mirror.requests)
    assert not [name for name in OTHER_FILES if name in asked], asked
    assert not [r for r in mirror.requests if r[1] == "outside"], mirror.requests


@pytest.mark.offline_start
def test_the_app_starts_offline_from_there(mirror, environment, laid_hf_home, tmp_path):
    """app.py with HF_HUB_OFFLINE=1 and that HF_HOME answers a call, asking no one anything:
    not the mirror, which stays up and records, nor anything beyond (the proxy)."""
    mirror.requests.clear()
    port = free_port()
    env = environment | {"HF_HOME": str(laid_hf_home), "HF_ENDPOINT": mirror.url}
    env |= {"HF_HUB_OFFLINE": "1", "GRADIO_SERVER_NAME": "127.0.0.1"}
    env |= {"GRADIO_SERVER_PORT": str(port)}
    log = (tmp_path / "app.log").open("w+")
    app = subprocess.Popen(
        [sys.executable, "app.py"], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 180  # a hang (a download attempt, say) fails, not waits
        while app.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        log.seek(0)
        assert app.poll() is None, log.read()
        assert httpx.get(f"{url}readyz").status_code == 200, log.read()
        client = Client(url, verbose=False, download_files=tmp_path / "downloads")
        the_app.check(client.predict(**the_app.call(tmp_path)))
    finally:
        app.send_signal(signal.SIGTERM)  # as an orchestrator stops it
        app.wait(timeout=60)
    assert not mirror.requests, mirror.requests


def test_installs_use_the_registries_you_configure(tmp_path):
    """A company sets PIP_INDEX_URL and npm_config_registry (or pip.conf and .npmrc): nothing in
    the project overrides them. No requirement names a URL or an index of its own; the lockfile
    records no registry address, and npm ci asks the configured registry, and nothing else."""
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (PROJECT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            assert not line.startswith("-"), f"{name}: `{line}` overrides the configured index"
            assert not line or Requirement(line).url is None, f"{name}: `{line}` is a URL"
    folder = PROJECT if (PROJECT / "package.json").exists() else PROJECT / "frontend"
    lock = json.loads((folder / "package-lock.json").read_text())
    pinned = {k: v for k, v in lock["packages"].items() if k}
    assert not [k for k, v in pinned.items() if "resolved" in v], "the lockfile names registries"
    require(shutil.which("npm") is not None, "npm is missing (Node.js 20.19 or newer)")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(folder / name, tmp_path / name)
    with HubMirror("none/none", "0" * 40, {}) as registry:  # holds nothing, records every ask
        env = os.environ | {
            "npm_config_registry": f"{registry.url}/", "npm_config_cache": str(tmp_path / "cache"),
            "HTTPS_PROXY": registry.url, "HTTP_PROXY": registry.url, "NO_PROXY": "127.0.0.1",
            "npm_config_fetch_retries": "0", "npm_config_audit": "false",
            "npm_config_fund": "false", "npm_config_update_notifier": "false",
        }  # fmt: skip
        done = subprocess.run(
            ["npm", "ci", "--ignore-scripts"], cwd=tmp_path, env=env, capture_output=True, text=True
        )
    assert done.returncode != 0  # the registry has nothing: it was asked, it said 404
    asked = {path for _, origin, path, _ in registry.requests if origin == "hub"}
    names = {key.rpartition("node_modules/")[2] for key in pinned}  # @scope/name or name
    packages = {path.strip("/").replace("%2f", "/").split("/-/")[0] for path in asked}
    assert asked and packages <= names, asked  # packuments (/name) or tarballs (/name/-/...)
    assert not [r for r in registry.requests if r[1] == "outside"], registry.requests
