"""Decoding what a visitor uploads, within limits, and writing the PNGs the app returns.

Every limit on an image lives here; a bad file becomes a gr.Error whose message a person
understands, and the server keeps serving.
"""

import struct
import tempfile

import gradio as gr
import numpy as np
from gradio.data_classes import FileData
from PIL import Image, ImageOps, UnidentifiedImageError

import files

# Refuse decompression bombs before decoding them. Decoding, converting and compositing cost about
# 14 MB of memory per megapixel on top of the model (benchmarks/memory.py, worst case an RGBA PNG
# through remove_background): a 40 MP photo, some 0.6 GB, fits the 1 GiB that kubernetes.yaml
# allows above the model. Raise it only with the memory.
MAX_PIXELS = 40_000_000
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


def save_png(image: Image.Image) -> FileData:
    """Write a PNG for Gradio to serve; fast compression, because encoding dominates big images.

    It goes straight into this app's folder (files.py), which is Gradio's upload folder: Gradio
    serves it from there without making a copy, and the sweep deletes it an hour later.
    """
    with tempfile.NamedTemporaryFile(dir=files.FOLDER, suffix=".png", delete=False) as f:
        image.save(f, format="PNG", compress_level=1)
    return FileData(path=f.name)
