"""What a visitor can reach, and what one request may cost: one guard in front of every route.

gr.Server serves Gradio's own routes beside the app's (launch() adds about ninety). A few of them
are the API the clients use; the others serve Gradio's own UI, features this app does not use, or
do what an app on the internet must not: fetch any URL for anyone, run a request past the queue,
act with the operator's Hugging Face token. The guard lets through the app's own routes and the
API, answers 404 for the rest of Gradio's, bounds every request body, limits each session's jobs,
and puts a Content-Security-Policy and nosniff on every response. It knows nothing of what the app
does: it guards whatever gr.Server it is given. docs/security.md lists every route and its fate.
"""

import json
import re
from pathlib import Path

import gradio as gr
from gradio import processing_utils
from starlette.datastructures import MutableHeaders

import files

MAX_FILE_SIZE = 20 * 1024 * 1024  # bytes of files in one upload request, all of them together
MAX_REQUEST_BYTES = MAX_FILE_SIZE + 64 * 1024  # any request's body: the files and their form
MAX_QUEUE = 32  # calls waiting for the model; more are told the queue is full (HTTP 503)
# Calls of one session (a page, a gradio_client Client) waiting or running: no caller holds more
# than a quarter of the queue (HTTP 429). A script that opens new sessions to get round it is
# held by MAX_QUEUE, and by its address at the proxy (docs/security.md).
MAX_JOBS_PER_SESSION = MAX_QUEUE // 4

# Gradio's routes (gradio 6.31; tests/test_security.py fails when an upgrade adds one elsewhere).
GRADIO = re.compile(
    r"/(gradio_api|config|assets|static|svelte|login|logout|monitoring|theme\.css|robots\.txt"
    r"|manifest\.json|pwa_icon|favicon\.ico)([/=].*)?"
)
# Those the clients use: the browser's @gradio/client, gradio_client, MCP clients (and
# startup-events, which launch() itself calls once, and which then does nothing). Run history
# answers only when launch() turns it on (server.py; off by default), MCP only with mcp_server.
OPEN = re.compile(
    r"/config/?|/gradio_api/(info/?|upload|queue/join|queue/data|cancel"
    r"|heartbeat/[^/]+|file=.+|startup-events|mcp(/.*)?|run-history/.+)"
)

# The page and every file under /ui/ (the export's worker too: a worker obeys the policy its own
# file comes with) may load and reach only this app: an injected script could neither run nor
# send anything elsewhere. No frame-ancestors: Spaces shows the app in a frame on huggingface.co.
PAGE_CSP = "; ".join(
    [
        "default-src 'self'",  # anything not named below: this app only
        "script-src 'self'",  # our modules and the Gradio client, as files: no inline code, no eval
        "style-src 'self'",  # the stylesheet file; sizes set by scripts (the CSSOM) are allowed
        "font-src 'self'",  # the fonts' files (fontsource, served under ui/)
        "connect-src 'self'",  # the Gradio API: its queue, uploads and the mattes
        "worker-src 'self'",  # the export's worker
        "object-src 'none'",  # no plugins
        "base-uri 'self'",  # no <base> that would send the relative URLs elsewhere
        "form-action 'self'",  # no form posts elsewhere
    ]
)
# Gradio's answers are data (JSON, event streams, files), never pages: a file a visitor uploaded
# and then opened, an HTML page or an SVG, renders sandboxed, with no script and no requests.
API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; sandbox"

TOO_BIG = (
    f"This request is over the maximum allowed size: {MAX_FILE_SIZE} bytes of files in one request."
)
BUSY_SESSION = (
    f"This session has {MAX_JOBS_PER_SESSION} calls waiting or running already: "
    "send the next when one has finished."
)
URL_REFUSED = (
    "This app takes images as uploads, not URLs: download the image and send the file "
    "(gradio_client: handle_file('photo.jpg'); MCP: a data: URI)."
)


async def refuse_url(url: str, cache_dir: str) -> str:
    """Gradio would download an input given as a URL: from any public address, of any size, kept
    on disk. Every input Gradio downloads goes through this function, which it replaces."""
    raise gr.Error(URL_REFUSED)


def protect(app: gr.Server) -> None:
    """Put the guard in front of every route of `app`; call it before launch()."""
    processing_utils.async_ssrf_protected_download = refuse_url
    app.add_middleware(Guard, server=app)


def route_path(scope) -> str:
    """The path the routes see: behind a proxy's prefix (GRADIO_ROOT_PATH) the path without it."""
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


def own_file(target: str) -> bool:
    """Whether /gradio_api/file=<target> names a file in this app's folder (no URL, no other)."""
    try:
        return Path(target).resolve().is_relative_to(files.FOLDER)
    except (OSError, ValueError):
        return False


class Guard:
    """An ASGI middleware: pure ASGI, so event streams pass through as they are sent."""

    def __init__(self, app, server: gr.Server):
        self.app, self.server = app, server

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = route_path(scope)
        gradio = GRADIO.fullmatch(path)
        if gradio and not OPEN.fullmatch(path):
            return await answer(send, 404, "Not Found")
        file = path.removeprefix("/gradio_api/file=")
        if file != path and not own_file(file):
            return await answer(send, 404, "Not Found: this app serves its own files only.")
        headers = dict(scope["headers"])
        chunked = b"transfer-encoding" in headers  # a body of any size: its length is unknown
        length = headers.get(b"content-length", b"" if chunked else b"0")
        if not length.isdigit():
            return await answer(send, 411, "Send the request with a Content-Length.")
        if int(length) > MAX_REQUEST_BYTES:
            return await answer(send, 413, TOO_BIG)
        if path == "/gradio_api/queue/join":
            body, receive = await read_body(receive)
            if self.jobs_of(session_of(body)) >= MAX_JOBS_PER_SESSION:
                return await answer(send, 429, BUSY_SESSION)
        policy = API_CSP if gradio else PAGE_CSP

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                response = MutableHeaders(scope=message)
                response.setdefault("X-Content-Type-Options", "nosniff")
                response.setdefault("Content-Security-Policy", policy)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def jobs_of(self, session: str | None) -> int:
        """Calls of this session in the queue, waiting or running (Gradio drops them when done)."""
        events = self.server.get_blocks()._queue.event_ids_to_events.values()
        return sum(1 for event in events if session and event.session_hash == session)


def session_of(body: bytes) -> str | None:
    try:
        session = json.loads(body).get("session_hash")
    except (ValueError, AttributeError):
        return None  # Gradio answers a malformed body itself
    return session if isinstance(session, str) else None


async def read_body(receive):
    """The whole request body (at most MAX_REQUEST_BYTES: checked before), and a `receive` that
    hands it to the app as if it had not been read."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return await receive()  # after the body: the client's disconnect, when it comes
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay


async def answer(send, status: int, text: str) -> None:
    """An answer sent before the request reaches any route, shaped as FastAPI's own errors
    ({"detail": ...}): the JavaScript client shows the detail as the call's error."""
    body = json.dumps({"detail": text}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"content-security-policy", API_CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
