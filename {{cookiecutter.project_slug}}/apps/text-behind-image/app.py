"""The {{ cookiecutter.project_slug }} server: a gradio.Server app.

gradio.Server is a FastAPI app with Gradio's queue built in. Functions decorated
with `@app.api` are called through the queue: callers wait their turn, see their
position, and can use gradio_client (Python) or @gradio/client (browser, Node).
Plain FastAPI routes (`@app.get`) serve the frontend from the same process.
"""

# First, before Gradio is imported: this process gets an upload folder of its own (files.py).
import files  # noqa: F401

# isort: split
{%- if cookiecutter.zerogpu == "yes" %}

# ZeroGPU: `spaces` must be imported before anything initialises CUDA.
import spaces  # noqa: F401

# isort: split
{%- endif %}

{%- if cookiecutter.zerogpu == "yes" %}
import os
{%- endif %}
from pathlib import Path

import gradio as gr
from gradio.data_classes import FileData
from PIL import Image, ImageChops

import server
from images import open_image, save_png
from segmenter import predict_matte  # importing it loads the model, once

MATTE_LONG_SIDE = 1024  # the model sees 1024x1024: a larger matte carries no more detail
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

# FastAPI's /docs and /redoc pages load their scripts from a public CDN: off (the app calls out
# to no one; the API's description stays at /openapi.json, and gradio_client's at
# /gradio_api/info).
app = gr.Server(title={{ cookiecutter.project_name | quoted }}, docs_url=None, redoc_url=None)


def subject_alpha(image: Image.Image, alpha: Image.Image | None) -> Image.Image:
    """The model's matte at the image's size, limited by the image's own transparency."""
    if alpha is None:
        return predict_matte(image).resize(image.size, Image.Resampling.BILINEAR)
    # The model sees what is visible, on black; a transparent pixel is never subject.
    alpha = alpha.resize(image.size, Image.Resampling.BILINEAR)
    visible = Image.composite(image, Image.new("RGB", image.size), alpha)
    matte = predict_matte(visible).resize(image.size, Image.Resampling.BILINEAR)
    return ImageChops.multiply(matte, alpha)


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
        image_path: The photo, sent as a file (an upload or a data: URI; a URL is refused): a
            JPEG, PNG, WebP or GIF of at most 40 megapixels.

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
        image_path: The photo, sent as a file (an upload or a data: URI; a URL is refused): a
            JPEG, PNG, WebP or GIF of at most 40 megapixels.

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


# The page: static/index.html at /, its files under /ui/ (server.add_page says why there).
server.add_page(app, Path(__file__).parent / "static")


def warm_up() -> None:
{%- if cookiecutter.zerogpu == "yes" %}
    """On ZeroGPU a GPU is attached only while a visitor's request runs (@spaces.GPU), so
    no forward pass runs at start-up: the app is ready once the weights are loaded."""
{%- else %}
    """One forward pass on a tiny image: the first one pays for allocations and kernels."""
    predict_matte(Image.new("RGB", (64, 64)))
{%- endif %}


def launch(block: bool = True, **kwargs):
    """Start the app: server.launch() adds the health checks, the guard and the housekeeping."""
{%- if cookiecutter.mcp == "yes" %}
    # Every @app.api endpoint is also an MCP tool, at /gradio_api/mcp/ (streamable HTTP)
    # and /gradio_api/mcp/sse; its docstring is the tool's description.
    kwargs.setdefault("mcp_server", True)
{%- endif %}
    return server.launch(app, warm_up, block=block, **kwargs)


if __name__ == "__main__":
    launch()
