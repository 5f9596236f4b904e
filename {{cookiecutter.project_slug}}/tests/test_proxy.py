"""The app behind a real nginx, under a path prefix, with nginx-location.conf as deployed.

The app runs in its own process with GRADIO_ROOT_PATH set to the file's prefix (Gradio reads it
at launch, so the session's server, at the root, cannot be reused); nginx (Debian's package, as this
user) listens on a free loopback port with a config written here around nginx-location.conf,
whose only change is the app's port. Without nginx this test skips, saying why; under
CI=true it fails. What the test does with the app, it does through tests/the_app.py.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

import files
from tests import the_app
from tests.browser import occupy_model, open_page, wait_for_queue_position, wait_until_ready
from tests.conftest import free_port, require

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[1]
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
# The path prefix, as the file names it (/apps/<the project's name>).
PREFIX = re.search(r"^location (/\S+)/ \{", (PROJECT / "nginx-location.conf").read_text(), re.M)[1]
# Everything nginx writes stays under DIR; one process, as this user (no workers to switch to
# another user); HTTP is the project's configuration, as deployed but for its ports.
NGINX_CONF = """
daemon off;
master_process off;
pid DIR/nginx.pid;
error_log stderr warn;
events {}
http {
    access_log off;
    client_body_temp_path DIR/client_body;
    proxy_temp_path DIR/proxy;
    fastcgi_temp_path DIR/fastcgi;
    uwsgi_temp_path DIR/uwsgi;
    scgi_temp_path DIR/scgi;
HTTP
}
"""


def require_nginx() -> None:
    require(Path(NGINX).exists(), f"nginx not found at {NGINX} (apt-get install nginx)")


def start_nginx(folder: Path, http: str) -> subprocess.Popen:
    """Debian's nginx, as this user, with `http` in its http block; its files under folder."""
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.replace("DIR", str(folder)).replace("HTTP", http))
    return subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-e", "stderr"])


def start_app(port: int, **env: str) -> subprocess.Popen:
    """app.py in its own process, on `port`, under PREFIX, offline: on the model the tests laid
    in their Hugging Face cache (HF_HOME and HF_HUB_OFFLINE, which it inherits)."""
    the_app.lay_model(Path(os.environ["HF_HOME"]))  # here: apps started at once would race
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_ROOT_PATH": PREFIX, **env}
    # Gradio's folder as this process found it: the app there makes a folder of its own.
    env.setdefault("GRADIO_TEMP_DIR", str(files.SHARED))
    return subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT, env=env)


def stop(*processes: subprocess.Popen | None) -> None:
    for process in processes:
        if process:
            process.terminate()
            process.wait(timeout=30)


def wait_for_200(url: str, process: subprocess.Popen, what: str) -> None:
    """Until `url` answers 200 (a health check), while `process` runs: 2 minutes at most."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{what} did not become ready at {url}")


@pytest.fixture(scope="module")
def proxied_url(tmp_path_factory):
    """http://127.0.0.1:PORT/PREFIX/: nginx in front of the app, both stopped afterwards."""
    require_nginx()
    folder = tmp_path_factory.mktemp("nginx")
    app_port, nginx_port = free_port(), free_port()
    location = (PROJECT / "nginx-location.conf").read_text()
    assert "127.0.0.1:7860" in location
    location = location.replace("127.0.0.1:7860", f"127.0.0.1:{app_port}")
    server = "server {\n" + f"    listen 127.0.0.1:{nginx_port};\n{location}" + "}\n"
    app, nginx = start_app(app_port), None
    try:
        wait_for_200(f"http://127.0.0.1:{app_port}/healthz", app, "the app")
        nginx = start_nginx(folder, server)
        url = f"http://127.0.0.1:{nginx_port}{PREFIX}/"
        wait_for_200(f"{url}readyz", nginx, "the app, through nginx,")  # health, proxied
        yield url
    finally:
        stop(nginx, app)


def test_the_app_works_under_a_path_prefix_through_nginx(browser, proxied_url, tmp_path):
    """The page, its files, the client's connection, the queue's status and the results, all
    through PREFIX: open_page refuses every request outside it."""
    # PREFIX without its slash is sent on to the page.
    moved = httpx.get(proxied_url.rstrip("/"))
    assert moved.status_code == 301 and moved.headers["location"].endswith(f"{PREFIX}/")

    page = open_page(browser, proxied_url)
    try:
        wait_until_ready(page)  # connected through the prefix
        # The Python client through the proxy: a big call keeps the model busy for a while...
        busy = occupy_model(proxied_url, tmp_path)
        # ...so the page's call waits in the queue, and says so.
        the_app.start_on_page(page, tmp_path)
        wait_for_queue_position(page)
        the_app.finish_on_page(page)  # its result came back through the prefix
        result = busy.result(timeout=120)  # and the Python client's (an error would raise)
        if the_app.FILE_PARAMETER:  # files in, files out: the result is a file it downloaded
            assert Path(result).is_file(), result
        # A call through the proxy, checked as the app checks its results.
        client = Client(proxied_url, verbose=False, download_files=tmp_path / "downloads")
        the_app.check(client.predict(**the_app.call(tmp_path)))
    finally:
        page.close()


def test_uploads_up_to_max_file_size_pass_nginx_and_gradio_refuses_larger(proxied_url):
    """nginx lets Gradio's limit (MAX_FILE_SIZE, 20mb) decide, with its own message."""
    limit = 20 * 1024 * 1024
    upload_url = f"{proxied_url}gradio_api/upload"
    fits = httpx.post(upload_url, files={"files": ("a.bin", b"\0" * (limit - 4096))})
    assert fits.status_code == 200, fits.text
    over = httpx.post(upload_url, files={"files": ("b.bin", b"\0" * (limit + 4096))})
    assert over.status_code == 413
    assert "maximum allowed size" in over.text  # Gradio's answer, not nginx's error page
    assert "<html>" not in over.text
