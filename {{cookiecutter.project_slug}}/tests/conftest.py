"""One app per test session, served on a free port, running offline (the model's stand-in).

What these fixtures know of the app comes from tests/the_app.py (its call, its model), so the
scaffolding's tests serve any app.
"""

import ctypes
import functools
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx
import pytest
from PIL import Image

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

# Before torch is imported, here and in the apps the tests start (they inherit it): one thread for
# the model. torch takes a thread per core, which spin while they wait (OpenMP); with the cores
# busy (Chromium, the other apps the tests start, another suite beside this one) the stand-in's
# call then cost 3.5 times the CPU (0.21 s against 0.06 s, side by side) and 3 times as long.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Before anything imports Gradio (some test files do): the app's own upload folder, as app.py has.
import files  # noqa: E402

# Before anything imports huggingface_hub (gradio_client does), which reads these at import: a
# Hugging Face cache of the tests' own, offline. The model's stand-in is laid there when the app
# is first needed (app_module), by tests/the_app.py.
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="standin-hub-")
os.environ["HF_HUB_OFFLINE"] = "1"

# glibc gives each thread that allocates its own memory arena and keeps freed memory there;
# Gradio runs calls on a pool of threads, so resident memory climbs with no leak at all (the
# soak: 774 to 1057 MB over 1,000 requests; with MALLOC_ARENA_MAX=2, flat at 741-745 MB). At
# most two arenas, then, so the soak's memory bound measures our code: set here, before the
# server starts its threads (711-795 MB over the same 1,000); other C libraries have no mallopt.
M_ARENA_MAX = -8  # glibc's malloc.h
libc = ctypes.CDLL(None)
if hasattr(libc, "mallopt"):
    libc.mallopt(M_ARENA_MAX, 2)

# gradio_client opens a new httpx client for each request of a call (the upload, the queue join,
# the event stream, the download), as every httpx.get here does, and each new client builds an
# SSL context: it reads the machine's whole CA bundle, 30-60 ms of CPU, though every request of
# these tests is plain HTTP to this machine. That was a third of this process's CPU in the soak.
# In the tests' process, a context asked for with the same arguments is made once (httpx only
# reads the context it is given).
ssl.create_default_context = functools.cache(ssl.create_default_context)


# Two tiers. Plain `pytest` is the inner loop (under a minute on 2 cores): the API contract,
# errors, health, and one walk through the editor in a real browser (marked `quick`). The
# full suite, `pytest --full` (about 5 minutes), adds every other browser and JavaScript-client
# test, the proxy and the replicas, the long fuzz and the soak: CI runs it. A
# run that names its own tests (paths, -m or -k) gets exactly those, tier or not.
FULL_SUITE_ONLY = ("browser", "attack", "soak", "fuzz", "offline_start")
FULL_ONLY = pytest.StashKey[int]()  # how many tests the quick tier left out


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true", help="run the full suite (what CI runs)")


def pytest_collection_modifyitems(config, items):
    # The test that stops the deployed app (SIGTERM) comes after every other that uses it.
    items.sort(key=lambda item: item.get_closest_marker("stops_the_deployed_app") is not None)
    chosen = config.option.markexpr or config.option.keyword
    if config.getoption("--full") or chosen or config.args_source != config.ArgsSource.TESTPATHS:
        return
    rest = [
        item
        for item in items
        if any(item.get_closest_marker(m) for m in FULL_SUITE_ONLY)
        and not item.get_closest_marker("quick")
    ]
    if rest:
        config.hook.pytest_deselected(items=rest)
        items[:] = [item for item in items if item not in rest]
        config.stash[FULL_ONLY] = len(rest)


def pytest_terminal_summary(terminalreporter, config):
    if left := config.stash.get(FULL_ONLY, 0):
        terminalreporter.write_line(
            f"The quick tier ran. {left} more tests (browser, proxy, replicas, attacks, fuzz, "
            "soak, offline start) are in the full suite: pytest --full (about 5 minutes, as CI)."
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session", autouse=True)
def temp_folder_of_our_own(tmp_path_factory):
    """gradio_client 2.7.2 leaves an empty folder in the system's temp folder for every file it
    downloads (Client._download_file): this process gets a temp folder of its own, which pytest
    deletes with its others."""
    tempfile.tempdir = str(tmp_path_factory.mktemp("tmp"))
    yield
    tempfile.tempdir = None


@pytest.fixture(scope="session")
def app_module():
    from tests import the_app

    the_app.lay_model(Path(os.environ["HF_HOME"]))
    import app  # loads the stand-in through the app's real loading code

    return app


@pytest.fixture(scope="session")
def server_url(app_module):
    os.environ["GRADIO_SERVER_NAME"] = "127.0.0.1"
    os.environ["GRADIO_SERVER_PORT"] = str(free_port())
    _, url, _ = app_module.launch(block=False, quiet=True)
    assert app_module.server.ready.wait(timeout=120), "the model did not warm up"  # as /readyz
    yield url
    app_module.app.get_blocks().close()


@pytest.fixture(scope="session")
def deployed(tmp_path_factory):
    """The app as an operator deploys it, once per session (tests/deployed.py): app.py in its own
    process with HF_TOKEN set (gated models need it), online against a Hub (a fake one that
    records every request), run history turned on (the worst case), under the prefix of
    nginx-location.conf; nginx in front with that file, listening on every address. Yields
    local (nginx's URL on 127.0.0.1), url (nginx's URL at this machine's own address, as a
    visitor reaches it; None if it has none), direct (the app's own), hub, gradio_folder
    (Gradio's folder; the app's own folder inside it) and app (the process). The test marked
    stops_the_deployed_app runs after every other."""
    from tests import deployed as deploy
    from tests import the_app

    deploy.require_nginx()
    folder = tmp_path_factory.mktemp("nginx")
    gradio_folder = tmp_path_factory.mktemp("gradio-of-the-machine")
    app_port, nginx_port = free_port(), free_port()
    location = (PROJECT / "nginx-location.conf").read_text()
    assert "127.0.0.1:7860" in location
    location = location.replace("127.0.0.1:7860", f"127.0.0.1:{app_port}")
    hf_home = tmp_path_factory.mktemp("hf-home")
    the_app.lay_model(hf_home)
    with deploy.Outside() as hub:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GRADIO_"))}
        env |= {"HF_HOME": str(hf_home), "HF_ENDPOINT": hub.url, "HF_TOKEN": "hf_OPERATOR",
                "GRADIO_RUN_HISTORY": "True", "GRADIO_SERVER_PORT": str(app_port),
                "GRADIO_ROOT_PATH": deploy.PREFIX,
                "GRADIO_TEMP_DIR": str(gradio_folder)}  # fmt: skip
        app = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT, env=env)
        nginx = None
        try:
            deploy.wait_for_200(f"http://127.0.0.1:{app_port}/readyz", app, "the app")
            server = "server {\n" + f"    listen {nginx_port};\n{location}" + "}\n"
            nginx = deploy.start_nginx(folder, server)
            local = f"http://127.0.0.1:{nginx_port}{deploy.PREFIX}/"
            deploy.wait_for_200(f"{local}readyz", nginx, "the app, through nginx,")
            address = deploy.visitor_address()
            url = f"http://{address}:{nginx_port}{deploy.PREFIX}/" if address else None
            yield dict(local=local, url=url, direct=f"http://127.0.0.1:{app_port}/", hub=hub,
                       gradio_folder=gradio_folder, app=app)  # fmt: skip
        finally:
            deploy.stop(nginx, app)


@pytest.fixture(scope="session")
def client(server_url, tmp_path_factory):
    from gradio_client import Client

    # Results download into this session's own folder: by default gradio_client would use
    # Gradio's upload folder, which every Gradio process on the machine shares.
    return Client(server_url, verbose=False, download_files=tmp_path_factory.mktemp("downloads"))


def app_files() -> set[Path]:
    """The files this app has written and not yet deleted: everything in its own folder (files.py;
    never all of Gradio's, which other Gradio processes on the machine share)."""
    return {path for path in files.FOLDER.rglob("*") if path.is_file()}


def raw_call(url: str, endpoint: str, file_data: dict, session="raw", headers=None) -> dict:
    """Call an endpoint through the queue's HTTP API, as any script may, without gradio_client
    (which would upload a local path itself). Returns the job's last message ({"msg":
    "process_completed", "success": ..., "output": ...}); when the queue refuses the call, the
    refusal ({"status": 429, "text": ...})."""
    config = httpx.get(f"{url}config").json()
    fn = next(d["id"] for d in config["dependencies"] if d.get("api_name") == endpoint)
    payload = {"data": [{**file_data, "meta": {"_type": "gradio.FileData"}}], "fn_index": fn,
               "session_hash": session}  # fmt: skip
    joined = httpx.post(f"{url}gradio_api/queue/join", json=payload, headers=headers or {})
    if joined.status_code != 200:
        return {"status": joined.status_code, "text": joined.text}
    params = {"session_hash": session}
    with httpx.stream("GET", f"{url}gradio_api/queue/data", params=params, timeout=60) as events:
        for line in events.iter_lines():
            message = json.loads(line.removeprefix("data:")) if line.startswith("data:") else {}
            if message.get("msg") == "process_completed":
                return message
    raise AssertionError("the event stream ended without the job's result")


@pytest.fixture
def make_photo(tmp_path):
    """Write a dark photo with a bright rectangle (the stand-in's subject); return its path."""

    def make(size=(800, 600), box=(200, 150, 600, 450), fmt="JPEG", exif=None, name="photo.jpg"):
        image = Image.new("RGB", size, (25, 30, 35))
        image.paste((235, 230, 220), box)
        path = tmp_path / name
        image.save(path, format=fmt, **({"exif": exif} if exif else {}))
        return path

    return make


def require(available: bool, reason: str) -> None:
    """Skip a test whose tool is missing, saying why; under CI=true, fail instead."""
    if available:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: a missing dependency is a failure, not a skip)")
    pytest.skip(reason)


# The browser tests' Chromium (tests/test_frontend.py, tests/test_proxy.py): Debian's, driven
# by Playwright, which never downloads a browser here. One per session, shared by both files.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def checked_pages():
    """After each test: none of the pages it opened (tests/browser.py) tried to reach anything
    but the app, saw its Content-Security-Policy breached, or logged an unexpected error."""
    from tests import browser as pages

    pages.OPENED.clear()
    yield
    pages.check_opened_pages()


@pytest.fixture
def held_model(app_module, monkeypatch):
    """The model, kept busy: each call starts (`started` is set), then waits until the test sets
    `release` (at the latest when the test ends). Yields (started, release)."""
    from tests.the_app import MODEL

    started, release = threading.Event(), threading.Event()
    real = getattr(app_module, MODEL)

    def held(*args, **kwargs):
        started.set()
        release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, MODEL, held)
    yield started, release
    release.set()
