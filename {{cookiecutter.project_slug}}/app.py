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

import tempfile
from pathlib import Path

import gradio as gr
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from gradio.data_classes import FileData
from PIL import Image, ImageOps, UnidentifiedImageError

from segmenter import predict_matte  # importing it loads the model, once

MATTE_LONG_SIDE = 1024  # the model sees 1024x1024: a larger matte carries no more detail
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
MAX_FILE_SIZE = "20mb"  # larger uploads are answered with HTTP 413 by Gradio
STATIC = Path(__file__).parent / "static"
OUTPUTS = Path(tempfile.mkdtemp(prefix="{{ cookiecutter.project_slug }}-"))

Image.MAX_IMAGE_PIXELS = None  # open_image checks MAX_PIXELS itself, with a clearer message

app = gr.Server(title={{ cookiecutter.project_name | quoted }})


def open_image(upload: dict, at_least: int | None = None) -> Image.Image:
    """Decode an uploaded file as RGB in its displayed orientation, or raise gr.Error.

    `at_least` lets a JPEG decode at 1/2, 1/4 or 1/8 scale (Pillow's draft mode)
    while both sides stay >= at_least: much faster than a full decode, and the
    model never sees more than 1024 px anyway.
    """
    try:
        image = Image.open(upload["path"])
        if image.width * image.height > MAX_PIXELS:
            raise gr.Error(
                f"This image is {image.width}x{image.height} pixels; "
                f"the limit is {MAX_PIXELS // 1_000_000} megapixels. Please resize it."
            )
        if at_least:
            image.draft("RGB", (at_least, at_least))
        image = ImageOps.exif_transpose(image)  # phones record rotation in EXIF
        return image.convert("RGB")
    except UnidentifiedImageError:
        raise gr.Error("This file is not an image I can read. Try a JPEG, PNG or WebP.") from None
    except OSError:
        raise gr.Error("This image is damaged or incomplete. Try saving it again.") from None


def save_png(image: Image.Image) -> FileData:
    """Write a PNG Gradio will serve; fast compression, because encoding dominates big images."""
    with tempfile.NamedTemporaryFile(dir=OUTPUTS, suffix=".png", delete=False) as f:
        image.save(f, format="PNG", compress_level=1)
    return FileData(path=f.name)


# concurrency_id="model": both endpoints share one queue slot, so two requests
# never run the model at the same time (one GPU, or a CPU already busy with one).
# The FileData annotation tells clients to upload a file; the function receives a
# dict ({"path": ..., "orig_name": ...}) pointing into Gradio's upload cache.
# Returning FileData (at top level) makes Gradio cache and serve the result.
@app.api(name="matte", concurrency_id="model")
def matte(image_path: FileData) -> FileData:
    """The subject matte as the alpha channel of a PNG, long side at most 1024 px.

    The editor uses this one: the browser already has the photo, so only the
    matte travels back, and the browser composites the cutout itself.
    """
    image = open_image(image_path, at_least=MATTE_LONG_SIDE)
    image.thumbnail((MATTE_LONG_SIDE, MATTE_LONG_SIDE))  # keeps the aspect ratio
    alpha = predict_matte(image).resize(image.size, Image.Resampling.BILINEAR)
    return save_png(Image.merge("LA", (alpha, alpha)))


@app.api(name="remove_background", concurrency_id="model")
def remove_background(image_path: FileData) -> FileData:
    """The subject cut out: an RGBA PNG at the photo's full displayed size."""
    image = open_image(image_path)
    alpha = predict_matte(image).resize(image.size, Image.Resampling.BILINEAR)
    image.putalpha(alpha)
    return save_png(image)


@app.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html")


# Gradio owns /static and /assets, so the editor's files live under /ui.
if not (STATIC / "index.html").is_file():
    raise SystemExit(f"{STATIC / 'index.html'} is missing: see README.md to build the frontend.")
app.mount("/ui", StaticFiles(directory=STATIC), name="ui")


def launch(**kwargs):
    """Start the server (the tests call this too, so they run what you deploy).

    Host and port come from GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, which Spaces sets.
    ssr_mode=False: the frontend is ours, not Gradio's server-rendered one.
    """
    return app.launch(ssr_mode=False, max_file_size=MAX_FILE_SIZE, **kwargs)


if __name__ == "__main__":
    launch()
