"""The app, tried as an attacker would: each attack is sent, and what comes back is checked.

security.py guards every route (docs/security.md in the template says why each answer is what it
is). "Outside" servers are listeners on 127.0.0.1; where Gradio's own check that an address is
public (safehttpx) would refuse such a listener before the app is reached at all, the test lets
it through, so that what is tested is the app's refusal, never Gradio's. Nothing here patches the
app. The attacks through nginx run the app in a process of its own, with a fake Hugging Face Hub
and the operator's token, and reach nginx from this machine's own network address: a visitor's.
"""

import json
import signal
import socket
import time

import httpx
import pytest
import safehttpx
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

import files
import security
from tests import the_app
from tests.conftest import app_files, free_port, raw_call, require
from tests.deployed import PAGE, PROJECT, Outside

pytestmark = pytest.mark.attack


@pytest.fixture
def outside(monkeypatch):
    """An outside server that Gradio's public-address check lets through (in this process: the
    session's app runs here)."""
    monkeypatch.setattr(safehttpx, "is_public_ip", lambda ip: True)
    with Outside() as site:
        yield site


def upload(url: str, name: str, data: bytes) -> str:
    """Upload one file as the clients do; its path on the server."""
    answer = httpx.post(f"{url}gradio_api/upload", files={"files": (name, data)})
    assert answer.status_code == 200, answer.text
    return answer.json()[0]


# Gradio's file route: a link to it fetched any public URL and served the answer on the app's
# origin, as text/html when the URL merely ended in .png.
@pytest.mark.parametrize("scheme", ["http://", "https://", "HTTP://", "//", "http:/"])
def test_a_file_link_never_fetches_a_url(server_url, outside, scheme):
    target = f"{scheme}{outside.url.split('://')[1]}/cat.png"
    answer = httpx.get(f"{server_url}gradio_api/file={target}")
    assert answer.status_code == 404, (target, answer.status_code, answer.text[:200])
    assert "text/html" not in answer.headers["content-type"]
    assert outside.requests == []  # no request left the app


def file_endpoint() -> str:
    """The app's endpoint that takes a file (tests/the_app.py), without its slash."""
    if the_app.FILE_PARAMETER is None:
        pytest.skip("this app takes no file: nothing for Gradio to fetch or read")
    return the_app.ENDPOINT.lstrip("/")


def test_an_input_given_as_a_url_is_refused_before_anything_is_fetched(server_url, outside):
    """Gradio downloaded such an input with no size limit and kept it (50 MB here). The app takes
    uploads only, and says so; the client's own handle_file(url) gets the same answer."""
    endpoint, before = file_endpoint(), app_files()
    for url in (f"{outside.url}/big.png", f"https://127.0.0.1:{free_port()}/big.png"):
        done = raw_call(server_url, endpoint, {"path": url, "url": url})
        assert done["success"] is False and done["output"]["error"] == security.URL_REFUSED
    with pytest.raises(AppError, match="as uploads, not URLs"):
        Client(server_url, verbose=False).predict(
            **{the_app.FILE_PARAMETER: handle_file(f"{outside.url}/big.png")},
            api_name=the_app.ENDPOINT,
        )
    assert outside.requests == []
    assert app_files() == before  # nothing stored


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "app.py", "../app.py", "/proc/self/environ", "file:///etc/passwd",
     "ftp://127.0.0.1/x.png", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x.png",
     "http://0x7f000001/x.png", "http://localhost./x.png", "data:image/png;base64,AAAA"],
)  # fmt: skip
def test_inputs_naming_anything_but_an_upload_are_refused(server_url, path):
    """Held before the change, and still: local paths, other schemes, loopback, link-local and
    metadata addresses in any spelling."""
    done = raw_call(server_url, file_endpoint(), {"path": path, "url": path})
    assert done["success"] is False, done


def test_one_request_stores_at_most_the_limit_in_all(server_url):
    """Gradio's limit was per file, and it took up to 1,000 files a request: three files of 15 MB
    were stored (45 MB). The request's size is the limit now, before anything is stored."""
    before = app_files()
    many = [("files", (f"f{i}.jpg", b"\xff" * 15_000_000)) for i in range(3)]
    refused = httpx.post(f"{server_url}gradio_api/upload", files=many, timeout=60)
    assert refused.status_code == 413 and "maximum allowed size" in refused.json()["detail"]
    assert app_files() == before
    fits = [("files", ("one.jpg", b"\xff" * (security.MAX_FILE_SIZE - 4096)))]
    assert httpx.post(f"{server_url}gradio_api/upload", files=fits, timeout=60).status_code == 200


def raw_request(url: str, head: str, body: bytes = b"", wait: float = 0.5) -> bytes:
    """Send bytes as they are (headers the client libraries would not send), then close."""
    address = httpx.URL(url)
    with socket.create_connection((address.host, address.port)) as connection:
        connection.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        connection.settimeout(wait)
        try:
            return connection.recv(65536)
        except TimeoutError:
            return b""


MULTIPART = (
    "POST /gradio_api/upload HTTP/1.1\nHost: x\nContent-Type: multipart/form-data; boundary=b\n"
)
PART = b'--b\r\nContent-Disposition: form-data; name="files"; filename="cut.jpg"\r\n\r\n'


def test_a_body_of_unknown_length_is_refused(server_url):
    answer = raw_request(server_url, MULTIPART + "Transfer-Encoding: chunked\n", b"5\r\n--b\r\n")
    assert answer.startswith(b"HTTP/1.1 411"), answer[:200]


def test_a_cut_off_upload_is_deleted_by_the_sweep(server_url):
    """An upload that stops halfway left its part on disk, for good. It lands in the app's own
    folder, and the sweep deletes it like any other file of the app."""
    before = app_files()
    head = MULTIPART + f"Content-Length: {10_000_000}\n"
    raw_request(server_url, head, PART + b"\xff" * 5_000_000, wait=1)
    deadline = time.monotonic() + 10
    while not (app_files() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    partial = app_files() - before
    assert partial and all(p.is_relative_to(files.FOLDER) for p in partial)
    time.sleep(0.5)  # the server notices the disconnect
    files.sweep(max_age=0)
    assert not any(p.exists() for p in partial)


def test_no_uploaded_file_runs_as_a_page_or_a_script(server_url, browser):
    """An uploaded .js came back as octet-stream without nosniff, and a script element of this
    origin ran it. Opened, an uploaded page (whatever its name says) renders sandboxed, as data,
    or is downloaded: no script of it runs as the app."""
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>document.title = 'pwned'</script></svg>"
    paths = {
        name: upload(server_url, name, data)
        for name, data in [("evil.js", b"window.pwned = true;"), ("evil.html", PAGE),
                           ("evil.svg", svg), ("evil.png", PAGE), ("evil", PAGE)]
    }  # fmt: skip
    for path in paths.values():
        served = httpx.get(f"{server_url}gradio_api/file={path}")
        assert served.status_code == 200
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["content-security-policy"] == security.API_CSP  # sandbox, no script
    context = browser.new_context()
    page = context.new_page()
    try:
        for name in ("evil.html", "evil.svg", "evil.png", "evil"):
            try:
                page.goto(f"{server_url}gradio_api/file={paths[name]}")
            except Exception as error:  # noqa: BLE001 (Playwright says only "Error")
                assert "Download is starting" in str(error), (name, error)  # saved, not shown
                continue
            assert page.evaluate("document.title") != "pwned", name
        page.goto(server_url)  # the editor's own page, whose policy allows this origin's scripts
        with pytest.raises(Exception):  # noqa: B017 (Playwright says only "Error")
            page.add_script_tag(url=f"{server_url}gradio_api/file={paths['evil.js']}")
        assert page.evaluate("window.pwned") is None
    finally:
        context.close()


# Every route Gradio 6.31's launch() adds in this app (MCP's only with launch(mcp_server=True)).
# An upgrade that adds one fails test_every_route_has_a_decided_fate: decide it, in security.py
# and in the template's docs/security.md.
GRADIO_ROUTES = {  # the template's docs/security.md lists each, with its fate
    "/assets/{path:path}", "/config", "/config/", "/favicon.ico", "/gradio_api/api/{api_name}",
    "/gradio_api/api/{api_name}/", "/gradio_api/app_id", "/gradio_api/app_id/",
    "/gradio_api/call/v2/{api_name}", "/gradio_api/call/v2/{api_name}/",
    "/gradio_api/call/v2/{api_name}/{event_id}", "/gradio_api/call/{api_name}",
    "/gradio_api/call/{api_name}/", "/gradio_api/call/{api_name}/{event_id}", "/gradio_api/cancel",
    "/gradio_api/component_server", "/gradio_api/component_server/",
    "/gradio_api/custom_component/{id}/{environment}/{type}/{file_name}", "/gradio_api/deep_link",
    "/gradio_api/dev/reload", "/gradio_api/file/{path:path}",
    "/gradio_api/file={path_or_url:path}", "/gradio_api/heartbeat/{session_hash}",
    "/gradio_api/info", "/gradio_api/info/", "/gradio_api/login_check", "/gradio_api/login_check/",
    "/gradio_api/mcp", "/gradio_api/openapi.json", "/gradio_api/process_recording",
    "/gradio_api/proxy={url_path:path}", "/gradio_api/queue/data", "/gradio_api/queue/join",
    "/gradio_api/queue/status", "/gradio_api/reset", "/gradio_api/reset/",
    "/gradio_api/run/{api_name}", "/gradio_api/run/{api_name}/", "/gradio_api/runs",
    "/gradio_api/runs/", "/gradio_api/startup-events", "/gradio_api/stream/{event_id}",
    "/gradio_api/stream/{event_id}/close",
    "/gradio_api/stream/{session_hash}/{run}/{component_id}/playlist-file",
    "/gradio_api/stream/{session_hash}/{run}/{component_id}/playlist.m3u8",
    "/gradio_api/stream/{session_hash}/{run}/{component_id}/{segment_id}.{ext}",
    "/gradio_api/theme.css", "/gradio_api/token", "/gradio_api/token/",
    "/gradio_api/undo-vibe-edit", "/gradio_api/undo-vibe-edit/", "/gradio_api/upload",
    "/gradio_api/upload_progress", "/gradio_api/user", "/gradio_api/user/",
    "/gradio_api/vibe-code", "/gradio_api/vibe-code/", "/gradio_api/vibe-edit",
    "/gradio_api/vibe-edit/", "/gradio_api/vibe-starter-queries",
    "/gradio_api/vibe-starter-queries/", "/login", "/login/", "/logout", "/manifest.json",
    "/monitoring", "/monitoring/summary", "/monitoring/{key}", "/pwa_icon", "/pwa_icon/{size}",
    "/robots.txt", "/static/{path:path}", "/svelte/{path:path}", "/theme.css",
    # Only with run history on (GRADIO_RUN_HISTORY=True):
    "/gradio_api/run-history/connect", "/gradio_api/run-history/buckets",
    "/gradio_api/run-history/records",
    "/gradio_api/run-history/records/{endpoint}/{record_id}/assets/{asset_id}",
}  # fmt: skip
APP_ROUTES = {"/", "/ui/{path:path}", "/healthz", "/readyz", "/openapi.json"}


def route_paths(routes, prefix=""):
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's included router (Gradio's /gradio_api)
            yield from route_paths(route.original_router.routes, prefix)
        else:
            yield prefix + route.path


def test_every_route_has_a_decided_fate(app_module):
    served = set(route_paths(app_module.app.routes))
    new = served - GRADIO_ROUTES - APP_ROUTES
    assert not new, f"routes nobody decided on: {sorted(new)}"
    for path in served - APP_ROUTES:
        assert security.GRADIO.fullmatch(path.split("{")[0].rstrip("/=") or "/"), path


NAME = the_app.ENDPOINT.lstrip("/")
CLOSED = [
    # The queue's way round: these ran the function at once, past the queue and its bounds.
    ("POST", f"gradio_api/run/{NAME}"), ("POST", f"gradio_api/api/{NAME}"),
    ("POST", f"gradio_api/call/{NAME}"), ("POST", f"gradio_api/call/v2/{NAME}"),
    # Run history (off) and its page; Gradio's monitoring dashboard; Gradio's own UI.
    ("GET", "gradio_api/runs"), ("GET", "gradio_api/run-history/buckets"),
    ("GET", "monitoring"), ("GET", "monitoring/summary"), ("GET", "assets/index.js"),
    ("GET", "static/img/logo.svg"), ("GET", "svelte/x.js"), ("GET", "theme.css"),
    ("GET", "gradio_api/theme.css"), ("GET", "manifest.json"), ("GET", "pwa_icon"),
    ("GET", "robots.txt"), ("GET", "favicon.ico"), ("POST", "login"), ("GET", "logout"),
    ("GET", "gradio_api/user"), ("GET", "gradio_api/token"), ("GET", "gradio_api/app_id"),
    ("GET", "gradio_api/login_check"), ("GET", "gradio_api/deep_link?session_hash=x"),
    ("GET", "gradio_api/dev/reload"), ("GET", "gradio_api/openapi.json"),
    ("GET", "gradio_api/queue/status"), ("GET", "gradio_api/proxy=http://127.0.0.1/x"),
    ("GET", "gradio_api/file/app.py"), ("POST", "gradio_api/reset"),
    ("POST", "gradio_api/component_server"), ("POST", "gradio_api/process_recording"),
    ("POST", "gradio_api/vibe-edit"), ("GET", "gradio_api/vibe-code"),
    ("POST", "gradio_api/stream/x"), ("GET", "gradio_api/custom_component/1/dev/js/x.js"),
]  # fmt: skip


@pytest.mark.parametrize("method, path", CLOSED)
def test_gradio_routes_the_app_does_not_use_answer_404(server_url, method, path):
    answer = httpx.request(method, server_url + path, json={"data": []})
    assert answer.status_code == 404, (path, answer.status_code, answer.text[:200])


def test_every_response_says_nosniff_and_carries_a_policy(server_url, tmp_path):
    result = Client(server_url, verbose=False, download_files=False).predict(
        **the_app.call(tmp_path)
    )  # where the app's result is, for a file: on the server
    served = [f"gradio_api/file={result['path']}"] if isinstance(result, dict) else []
    ours = ["", "healthz", "readyz", "openapi.json", "no-such-page"]
    gradios = ["config", "gradio_api/info", "gradio_api/no-such-route", "gradio_api/runs", *served]
    for path in ours + gradios:
        answer = httpx.get(server_url + path)
        assert answer.headers.get("x-content-type-options") == "nosniff", path
        policy = security.PAGE_CSP if path in ours else security.API_CSP
        assert answer.headers.get("content-security-policy") == policy, path


def test_one_session_holds_at_most_a_quarter_of_the_queue(server_url, held_model, tmp_path):
    """One caller filled the whole queue (33 calls accepted, every other visitor turned away).
    Now a session has at most MAX_JOBS_PER_SESSION calls waiting or running; others get in."""
    started, release = held_model
    config = httpx.get(f"{server_url}config").json()
    fn = next(d["id"] for d in config["dependencies"] if d.get("api_name") == NAME)

    def join(session):  # whatever the data: the call waits behind the held one all the same
        body = {"data": [None], "fn_index": fn, "session_hash": session}
        return httpx.post(f"{server_url}gradio_api/queue/join", json=body)

    running = Client(server_url, verbose=False, download_files=tmp_path).submit(
        **the_app.call(tmp_path)
    )  # the model is held while it runs: the calls below wait
    try:
        assert started.wait(timeout=30)
        joined = [join("greedy").status_code for _ in range(security.MAX_JOBS_PER_SESSION)]
        assert joined == [200] * security.MAX_JOBS_PER_SESSION
        refused = join("greedy")
        assert refused.status_code == 429, refused.text
        assert refused.json()["detail"] == security.BUSY_SESSION
        assert join("someone-else").status_code == 200
    finally:
        release.set()
    running.result(timeout=60)
    # Its calls done, the session may call again.
    deadline = time.monotonic() + 60
    while join("greedy").status_code == 429 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert time.monotonic() < deadline


def test_no_path_leads_out_of_the_app(server_url):
    """Held before the change, and still: traversal on every route, raw and encoded."""
    link = files.FOLDER / "link-to-passwd"
    link.symlink_to("/etc/passwd")
    try:
        for path in ["ui/../app.py", "ui/%2e%2e/app.py", "ui/..%2fapp.py", "ui/%2e%2e%2fapp.py",
                     "gradio_api/file=/etc/passwd", f"gradio_api/file={files.FOLDER}/../x",
                     f"gradio_api/file={link}", "gradio_api/file=app.py", "../app.py"]:  # fmt: skip
            answer = httpx.get(server_url + path)
            assert answer.status_code in (403, 404), (path, answer.status_code)
            assert "root:" not in answer.text and "gr.Server" not in answer.text, path
    finally:
        link.unlink()


def test_no_foreign_origin_is_granted_cors(server_url):
    for path in ("config", "gradio_api/info"):
        answer = httpx.get(server_url + path, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in answer.headers, path


# Through nginx: the app in its own process, as an operator deploys it (the `deployed` fixture).


def test_no_visitor_is_taken_for_the_operator(deployed):
    """Behind nginx every request came from 127.0.0.1; with Host: localhost Gradio took a visitor
    for the operator's own browser and used HF_TOKEN for run history (it listed the operator's
    buckets on the Hub). nginx now passes the visitor's address, which the app trusts from the
    proxy only: Gradio sees the visitor, and no call to the Hub carries the token."""
    url, hub = deployed["url"], deployed["hub"]  # a visitor's: this machine's own address
    require(url is not None, "this machine has no network address besides loopback")
    forged = {"Host": "localhost", "X-Forwarded-For": "127.0.0.1"}
    listed = httpx.get(f"{url}gradio_api/run-history/buckets", headers=forged)
    assert listed.status_code == 401, listed.text  # "sign in to use run history"
    connect = {"bucket_id": "attacker/bucket"}
    made = httpx.post(f"{url}gradio_api/run-history/connect", headers=forged, json=connect)
    assert made.status_code == 401, made.text
    assert not [r for r in hub.requests if r[2]], hub.requests  # no Authorization sent anywhere


@pytest.mark.stops_the_deployed_app
def test_after_sigterm_nothing_of_the_app_is_left(deployed):
    """A URL input (50 MB) and a cut-off upload stayed in Gradio's folder after the app stopped:
    65 MB in one try. Now the app's folder goes, whole, when it stops; nothing else was written."""
    direct, gradio_folder, app = deployed["direct"], deployed["gradio_folder"], deployed["app"]
    upload(direct, "photo.jpg", b"\xff" * 1000)
    raw_request(direct, MULTIPART + "Content-Length: 10000000\n", PART + b"\xff" * 3_000_000)
    (ours,) = list(gradio_folder.iterdir())  # one folder: the app's
    assert len([p for p in ours.rglob("*") if p.is_file()]) >= 2  # the photo, the cut-off part
    app.send_signal(signal.SIGTERM)
    assert app.wait(timeout=30) == 0
    assert list(gradio_folder.iterdir()) == []


def test_the_proxy_files_pass_the_visitors_address():
    for name in ("nginx-location.conf", "nginx-replicas.conf"):
        text = (PROJECT / name).read_text()
        assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text, name


def test_the_run_history_switch_is_off_by_default(app_module, server_url):
    assert app_module.app.get_blocks().run_history is False
    assert app_module.app.get_blocks().enable_monitoring is False
    assert json.loads(httpx.get(f"{server_url}config").text)["mode"] == "server"
