"""The {{ cookiecutter.project_slug }} server: a gradio.Server app, at its smallest.

gradio.Server is a FastAPI app with Gradio's queue built in. A function decorated with
`@app.api` is called through the queue: callers wait their turn, see their position, and can
use gradio_client (Python) or @gradio/client (the page here, Node). Plain FastAPI routes serve
the page from the same process. The rest (limits, the guard, health checks, housekeeping) is
in server.py, security.py, files.py and images.py, the same for any app.
"""

# First, before Gradio is imported: this process gets an upload folder of its own (files.py).
import files  # noqa: F401

# isort: split
{%- if cookiecutter.zerogpu == "yes" %}

# ZeroGPU: `spaces` must be imported before anything initialises CUDA.
import spaces  # noqa: F401

# isort: split
{%- endif %}

from pathlib import Path

import gradio as gr
from gradio.data_classes import FileData
from PIL import Image, ImageChops

import server
from images import open_image, save_png
from segmenter import predict_matte  # importing it loads the model, once

app = gr.Server(title={{ cookiecutter.project_name | quoted }}, docs_url=None, redoc_url=None)


# The FileData annotation tells clients to upload a file; the function receives a dict
# ({"path": ..., "orig_name": ...}) pointing into the app's upload folder. Returning FileData
# makes Gradio serve the result. The docstring is the API's documentation, and the description
# an MCP client shows a model. One call uses the model at a time (Gradio's default).
@app.api(name="remove_background")
def remove_background(image_path: FileData) -> FileData:
    """Remove the background of a photo: the subject cut out on a transparent background.

    Args:
        image_path: The photo, sent as a file (an upload or a data: URI; a URL is refused): a
            JPEG, PNG, WebP or GIF of at most 40 megapixels.

    Returns:
        An RGBA PNG at the photo's full size (EXIF rotation applied): the subject opaque,
        everything behind it transparent.
    """
    image, alpha = open_image(image_path)
    matte = predict_matte(image).resize(image.size, Image.Resampling.BILINEAR)
    if alpha is not None:  # a pixel transparent in the photo stays transparent
        matte = ImageChops.multiply(matte, alpha)
    image.putalpha(matte)
    return save_png(image)


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
    # The endpoint is also an MCP tool, at /gradio_api/mcp/; its docstring is the description.
    kwargs.setdefault("mcp_server", True)
{%- endif %}
    return server.launch(app, warm_up, block=block, **kwargs)


if __name__ == "__main__":
    launch()
