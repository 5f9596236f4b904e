"""The {{ cookiecutter.project_slug }} server: a gradio.Server app.

gradio.Server is a FastAPI app with Gradio's queue built in. Functions decorated
with `@app.api` are called through the queue: callers wait their turn, see their
position, and can use gradio_client (Python) or @gradio/client (browser, Node).
Plain FastAPI routes (`@app.get`) serve the frontend from the same process.
"""
{%- if cookiecutter.zerogpu == "yes" %}

# ZeroGPU: `spaces` must be imported before anything initialises CUDA, so it stays first.
import spaces  # noqa: F401

# isort: split
{%- endif %}

import asyncio
import os
import shutil
import signal
import struct
import tempfile
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

import gradio as gr
import numpy as np
from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from gradio.data_classes import FileData
from gradio.route_utils import delete_files_created_by_app
from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from segmenter import predict_matte  # importing it loads the model, once

MATTE_LONG_SIDE = 1024  # the model sees 1024x1024: a larger matte carries no more detail
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
MAX_FILE_SIZE = "20mb"  # larger uploads are answered with HTTP 413 by Gradio
MAX_QUEUE = 32  # requests waiting for the model; more are told the queue is full
KEEP_FILES_FOR = 3600  # seconds: uploads and results older than this are deleted
{%- if cookiecutter.zerogpu == "yes" %}
# On ZeroGPU each forward runs on a GPU lent from Hugging Face's pool, and @spaces.GPU itself
# waits when this Space's GPU slots are taken ("Waiting for a GPU slot on this Space"). So
# up to 8 requests run at once: their decoding, resizing and encoding overlap on the CPU
# while their forwards wait for, or run on, the pool. Off Spaces (SPACES_ZERO_GPU unset)
# the model runs on this machine's one device, one request at a time.
MODEL_CONCURRENCY = 8 if os.environ.get("SPACES_ZERO_GPU") else 1
{%- else %}
MODEL_CONCURRENCY = 1  # one device: a second forward at the same time would only compete
{%- endif %}
STATIC = Path(__file__).parent / "static"
# Results are written to OUTPUTS, a folder of this process's own; Gradio serves a copy it makes
# in its upload folder (GRADIO_TEMP_DIR), which every Gradio app on the machine shares.
OUTPUTS = Path(tempfile.mkdtemp(prefix="{{ cookiecutter.project_slug }}-"))

Image.MAX_IMAGE_PIXELS = None  # open_image checks MAX_PIXELS itself, with a clearer message
# The formats people upload. Pillow reads some 30 more, through decoders hardly anyone
# sends (EPS would even run Ghostscript): those are refused as "not an image", like any
# other unknown bytes. Every name here must be a format this Pillow opens.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
# What Pillow raises for a file it recognised but cannot decode, found by tests/test_fuzz.py:
# OSError (truncated, broken data stream), SyntaxError (a PNG chunk fails its checksum),
# ValueError, TypeError, IndexError, EOFError, struct.error (header fields that contradict
# the data or have the wrong type: Image.open itself reads the last four in a header as
# "not this format"). Its UnidentifiedImageError (not an image at all) is an OSError too.
DAMAGED = (OSError, SyntaxError, ValueError, TypeError, IndexError, EOFError, struct.error)

# Unless told otherwise, Gradio reports each launch to api.gradio.app and asks it for news. The
# app calls out to no one (it may run where nothing outside is reachable, or allowed): set
# GRADIO_ANALYTICS_ENABLED=True to let Gradio do so.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# FastAPI's /docs and /redoc pages load their scripts from a public CDN: off, for the same reason
# (the API's own description stays at /openapi.json, and gradio_client's at /gradio_api/info).
app = gr.Server(title={{ cookiecutter.project_name | quoted }}, docs_url=None, redoc_url=None)


def open_image(upload: dict, at_least: int | None = None) -> tuple[Image.Image, Image.Image | None]:
    """Decode an upload in its displayed orientation: (RGB image, its alpha or None), or gr.Error.

    `at_least` lets a JPEG decode at 1/2, 1/4 or 1/8 scale (Pillow's draft mode)
    while both sides stay >= at_least: much faster than a full decode, and the
    model never sees more than 1024 px anyway. Animated images give their first frame.
    """
    try:
        image = Image.open(upload["path"], formats=FORMATS)
        if image.width * image.height > MAX_PIXELS:
            raise gr.Error(
                f"This image is {image.width}x{image.height} pixels; "
                f"the limit is {MAX_PIXELS // 1_000_000} megapixels. Please resize it."
            )
        if at_least:
            image.draft("RGB", (at_least, at_least))
        image.load()  # decode here, so a damaged file is told apart here, not in a later resize
        ImageOps.exif_transpose(image, in_place=True)  # phones record rotation in EXIF
        return to_rgb(image)
    except gr.Error:  # gr.Error is a ValueError: let ours through before catching Pillow's
        raise
    except UnidentifiedImageError:
        raise gr.Error("This file is not an image I can read. Try a JPEG, PNG or WebP.") from None
    except DAMAGED as error:
        if any(word in str(error).lower() for word in ("unsupported", "not supported", "not avai")):
            raise gr.Error(
                "This image uses a kind of compression or colour I cannot decode. "
                "Try saving it as a JPEG or PNG."
            ) from None
        raise gr.Error("This image is damaged or incomplete. Try saving it again.") from None


def to_rgb(image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    """Any mode to 8-bit RGB, keeping transparency apart: (colours, alpha or None)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit greyscale: keep the top 8 bits
        image = Image.fromarray((np.asarray(image, dtype=np.uint32) >> 8).astype(np.uint8))
    if image.mode in ("P", "RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        alpha = rgba.getchannel("A")
        return rgba.convert("RGB"), (alpha if alpha.getextrema()[0] < 255 else None)
    return (image if image.mode == "RGB" else image.convert("RGB")), None  # no needless copy


def subject_alpha(image: Image.Image, alpha: Image.Image | None) -> Image.Image:
    """The model's matte at the image's size, limited by the image's own transparency."""
    if alpha is None:
        return predict_matte(image).resize(image.size, Image.Resampling.BILINEAR)
    # The model sees what is visible, on black; a transparent pixel is never subject.
    alpha = alpha.resize(image.size, Image.Resampling.BILINEAR)
    visible = Image.composite(image, Image.new("RGB", image.size), alpha)
    matte = predict_matte(visible).resize(image.size, Image.Resampling.BILINEAR)
    return ImageChops.multiply(matte, alpha)


def save_png(image: Image.Image) -> FileData:
    """Write a PNG Gradio will serve; fast compression, because encoding dominates big images."""
    with tempfile.NamedTemporaryFile(dir=OUTPUTS, suffix=".png", delete=False) as f:
        image.save(f, format="PNG", compress_level=1)
    return FileData(path=f.name)


# concurrency_id="model": both endpoints share the same MODEL_CONCURRENCY slots, so at
# most that many requests use the model at once (one, unless on ZeroGPU: see above).
# The FileData annotation tells clients to upload a file; the function receives a
# dict ({"path": ..., "orig_name": ...}) pointing into Gradio's upload cache.
# Returning FileData (at top level) makes Gradio cache and serve the result.
# The docstrings (summary, Args, Returns) are the API's documentation, and the tool
# descriptions an MCP client shows a model: written for a reader who never saw this code.
@app.api(name="matte", concurrency_id="model", concurrency_limit=MODEL_CONCURRENCY)
def matte(image_path: FileData) -> FileData:
    """The subject matte as the alpha channel of a PNG, long side at most 1024 px.

    The editor uses this one: the browser already has the photo, so only the
    matte travels back, and the browser composites the cutout itself.

    Args:
        image_path: The photo: a JPEG, PNG, WebP or GIF of at most 40 megapixels.

    Returns:
        A PNG whose alpha channel is the subject matte (255 subject, 0 background), same aspect
        ratio as the photo, long side at most 1024 px. Use remove_background for the cutout.
    """
    image, alpha = open_image(image_path, at_least=MATTE_LONG_SIDE)
    image.thumbnail((MATTE_LONG_SIDE, MATTE_LONG_SIDE))  # keeps the aspect ratio
    matte = subject_alpha(image, alpha)
    return save_png(Image.merge("LA", (matte, matte)))


@app.api(name="remove_background", concurrency_id="model", concurrency_limit=MODEL_CONCURRENCY)
def remove_background(image_path: FileData) -> FileData:
    """Remove the background of a photo: the subject cut out on a transparent background.

    Args:
        image_path: The photo: a JPEG, PNG, WebP or GIF of at most 40 megapixels.

    Returns:
        An RGBA PNG at the photo's full size (EXIF rotation applied): the subject
        (people, animals, objects in front) opaque, everything behind it transparent.
    """
    image, alpha = open_image(image_path)
    matte = subject_alpha(image, alpha)
    # Fully transparent pixels are stored as transparent black: they look the same, and a
    # background of zeros makes the PNG ~3x smaller and twice as fast to encode.
    visible = matte.point(lambda a: 255 if a else 0)
    cutout = Image.composite(image, Image.new("RGB", image.size), visible)
    cutout.putalpha(matte)
    return save_png(cutout)


# The page, and every file under /ui/ (the export's worker script too: a worker obeys the policy
# its own file comes with), may load and reach only this app: an injected script could neither
# run nor send anything elsewhere. Each directive names what the editor needs; the rest falls
# back to default-src. No frame-ancestors: Spaces shows the app in a frame on huggingface.co.
CSP = "; ".join(
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


# A React or Svelte frontend is built into static/ by `npm run build`. Until then the API
# still serves (`python dev.py` serves the page from Vite's dev server instead), and "/" says
# what is missing; deploy.py refuses to upload a Space without the build.
NOT_BUILT = "static/index.html is missing: see README.md to build the frontend."


@app.get("/")
def index() -> Response:
    if not (STATIC / "index.html").is_file():
        return PlainTextResponse(NOT_BUILT, status_code=503)
    return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": CSP})


# Gradio owns /static and /assets, so the editor's files live under /ui, and the page asks
# for them as "ui/..." (relative): the same page works at / and under a proxy's path prefix.
# A route, not app.mount(): behind a proxy that strips the prefix (GRADIO_ROOT_PATH set),
# a Starlette mount looks for the prefix in the path and answers 404 for every file.
ui_files = StaticFiles(directory=STATIC, check_dir=False)


@app.get("/ui/{path:path}")
async def ui(path: str, request: Request):
    response = await ui_files.get_response(path, request.scope)
    response.headers["Content-Security-Policy"] = CSP
    return response


# Health checks for orchestrators and load balancers: plain routes, outside Gradio's.
# The model loads when this module is imported, before the server listens; so once
# /healthz answers, the weights are in memory. /readyz also waits for one tiny forward
# pass (warm_up, at start-up), so the first real request does not pay for it.
ready = threading.Event()


@app.get("/healthz")
def healthz() -> dict:
    """Liveness: the process serves requests."""
    return {"status": "ok"}


@app.get("/readyz")
def readyz() -> JSONResponse:
    """Readiness: the model is loaded and warmed up (see warm_up)."""
    if not ready.is_set():
        return JSONResponse({"status": "warming up"}, status_code=503)
    return JSONResponse({"status": "ready"})


def warm_up() -> None:
{%- if cookiecutter.zerogpu == "yes" %}
    """On ZeroGPU a GPU is attached only while a visitor's request runs (@spaces.GPU), so
    no forward pass runs at start-up: the app is ready once the weights are loaded."""
{%- else %}
    """One forward pass on a tiny image: the first one pays for allocations and kernels."""
    predict_matte(Image.new("RGB", (64, 64)))
{%- endif %}
    ready.set()


def delete_old_files(max_age: float | None = KEEP_FILES_FOR) -> None:
    """Delete this app's uploads and results older than max_age seconds (all if None); nothing else.

    Gradio's upload folder is shared by every Gradio app on the machine, so this deletes what
    Gradio recorded writing for this app: uploads and the copies of results it serves. Gradio's
    own delete_files_created_by_app does it, as for Blocks(delete_cache=...); gr.Server has no
    delete_cache (its launch() builds the Blocks and reads it there), hence the call here.
    Gradio records each call's input file too, but a caller may name any file already in the
    shared folder instead of uploading one: another app's. Those records are dropped unused.
    """
    blocks = app.get_blocks()
    for endpoint in blocks.fns.values():
        for block in endpoint.inputs:
            block.temp_files.clear()  # an upload is in blocks.upload_file_set as well
    delete_files_created_by_app(blocks, max_age)
    for path in OUTPUTS.iterdir():
        if max_age is None or path.stat().st_mtime < time.time() - max_age:
            path.unlink(missing_ok=True)


@asynccontextmanager
async def lifespan(_):
    """While the server runs, sweep old files every ten minutes; warm the model up once.

    The sweep runs on the event loop, where Gradio adds to its records: they cannot change
    while it walks them (from a thread: "Set changed size during iteration"). It takes
    milliseconds. At shutdown every file of this app goes: a new process has no records of them.
    """

    async def sweep():
        while True:
            delete_old_files()
            await asyncio.sleep(600)

    # The warm-up runs beside the server: /healthz answers, /readyz says 503, until it is done.
    tasks = [asyncio.create_task(sweep()), asyncio.create_task(asyncio.to_thread(warm_up))]
    yield
    for task in tasks:
        task.cancel()
    delete_old_files(max_age=None)
    shutil.rmtree(OUTPUTS, ignore_errors=True)


def launch(block: bool = True, **kwargs):
    """Start the server (the tests call this too, with block=False, so they run what you deploy).

    Host and port come from GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, which Spaces sets.
    ssr_mode=False: the frontend is ours, not Gradio's server-rendered one.
    The lifespan goes through app_kwargs: gr.Server(lifespan=...) would be ignored.
    """
    result = app.launch(
        ssr_mode=False,
        max_file_size=MAX_FILE_SIZE,
        app_kwargs={"lifespan": lifespan},
{%- if cookiecutter.mcp == "yes" %}
        # Every @app.api endpoint is also an MCP tool, at /gradio_api/mcp/ (streamable HTTP)
        # and /gradio_api/mcp/sse; its docstring is the tool's description.
        mcp_server=True,
{%- endif %}
        prevent_thread_lock=True,
        **kwargs,
    )
    # Server.launch() has no queue size: bound the queue it has just created.
    app.get_blocks()._queue.max_size = MAX_QUEUE
    if block:
        # Orchestrators, Docker and systemd stop a process with SIGTERM, which would end it on
        # the spot; Gradio's Ctrl-C stops the server but not the browsers' open event streams,
        # and gives up after 5 s. Both close the app instead: the streams end, and the lifespan
        # deletes this app's files.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, lambda *_: app.get_blocks().close())
        app.get_blocks().block_thread()
    return result


if __name__ == "__main__":
    launch()
