"""The app as deployed, for the tests: app.py in a process of its own, nginx in front of it.

nginx is Debian's package, started by the tests as this user: one process, its configuration
written around the project's own nginx file (only ports and paths changed), everything it writes
in a temporary folder. Without nginx the tests that need it skip, saying why; under CI=true they
fail. The `deployed` fixture (tests/conftest.py) runs the app this way once per session, for the
tests through nginx (tests/test_proxy.py, tests/test_security.py); tests/test_replicas.py starts
two replicas with these helpers.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

import files
from tests import the_app
from tests.conftest import require

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


def visitor_address() -> str | None:
    """This machine's own address on its network (no packet is sent): a visitor's, not loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only the route is looked up
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


PAGE = b"<html><script>document.title = 'pwned'</script>a cat</html>"


class Outside:
    """A server on 127.0.0.1 standing for any host on the internet, or the Hub: it records every
    request, and answers /cat.png with an attacker's HTML page, /big.png with 50 MB, anything
    else with {}. `with Outside() as site:` serves it at site.url."""

    def __init__(self):
        self.requests: list[tuple[str, str, str | None]] = []  # method, path, Authorization
        outside = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_):
                pass

            def do_GET(self):
                outside.requests.append((self.command, self.path, self.headers["Authorization"]))
                if self.path.startswith("/cat.png"):
                    kind, body = "text/html", PAGE
                elif self.path.startswith("/big.png"):
                    kind, body = "image/png", b"\0" * 50_000_000
                else:
                    kind, body = "application/json", b"{}"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_):
        self.server.shutdown()
        self.server.server_close()
