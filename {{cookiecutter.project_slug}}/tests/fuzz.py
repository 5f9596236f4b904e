"""A seeded mutation fuzzer for uploads: valid images of every format Pillow writes, then broken.

Nothing here is copied from elsewhere: `seeds()` draws small images and saves them in each
format (several modes, EXIF, animation, TIFF compressions), and `mutate()` damages them the ways
real files are damaged: truncated, bytes flipped, junk inserted, ranges deleted or repeated,
header fields set to extreme values (huge declared sizes), pieces of two files spliced. Some
PNG mutations recompute the chunk checksums, so the damage reaches the decoder instead of
stopping at the first checksum. The same seed gives the same cases.

    FUZZ_SECONDS=600 FUZZ_SEED=7 pytest -s tests/test_fuzz.py   # a longer, different run
"""

import io
import random
import struct
import zlib

from PIL import Image, ImageDraw, features

EXTREMES = [0, 1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]


def picture(mode: str, size=(48, 36)) -> Image.Image:
    """A dark picture with a bright box and a gradient: something for every decoder to encode."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    ImageDraw.Draw(image).rectangle((12, 9, 36, 27), fill=(235, 230, 220))
    return image.convert(mode)


def save(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def exif(orientation: int) -> Image.Exif:
    data = Image.Exif()
    data[0x0112] = orientation  # Orientation
    data[0x010F] = "fuzz"  # Make
    return data


def seeds() -> dict[str, bytes]:
    """Valid files, by name: every format this Pillow both writes and reads, in several modes."""
    out: dict[str, bytes] = {}
    rgb, rgba = picture("RGB"), picture("RGBA")
    for mode in ("RGB", "L", "CMYK"):
        out[f"jpeg-{mode}"] = save(picture(mode), "JPEG", quality=80)
    out["jpeg-progressive-exif6"] = save(rgb, "JPEG", progressive=True, exif=exif(6))
    for mode in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16"):
        out[f"png-{mode}"] = save(picture(mode), "PNG")
    out["png-exif8"] = save(rgb, "PNG", exif=exif(8))
    out["png-transparency"] = save(picture("P"), "PNG", transparency=0)
    out["apng"] = save(rgb, "PNG", save_all=True, append_images=[rgba.convert("RGB")])
    out["gif-animated"] = save(rgb, "GIF", save_all=True, append_images=[picture("L")])
    out["gif-transparency"] = save(picture("P"), "GIF", transparency=0)
    out["bmp-RGB"] = save(rgb, "BMP")
    out["bmp-P"] = save(picture("P"), "BMP")
    for compression in ("raw", "tiff_lzw", "tiff_deflate", "packbits", "jpeg"):
        out[f"tiff-{compression}"] = save(rgb, "TIFF", compression=compression)
    out["tiff-RGBA-exif3"] = save(rgba, "TIFF", exif=exif(3))
    out["tiff-multipage"] = save(rgb, "TIFF", save_all=True, append_images=[picture("L")])
    if features.check("webp"):
        out["webp-lossy-exif6"] = save(rgb, "WEBP", quality=70, exif=exif(6))
        out["webp-lossless-RGBA"] = save(rgba, "WEBP", lossless=True)
        out["webp-animated"] = save(rgb, "WEBP", save_all=True, append_images=[picture("L")])
    if features.check("avif"):
        out["avif"] = save(rgb, "AVIF", quality=60)
    if features.check("jpg_2000"):
        out["jpeg2000"] = save(rgb, "JPEG2000")
    # Formats people rarely upload: the app may refuse them, but never with a crash.
    for fmt, mode in [("ICO", "RGBA"), ("TGA", "RGB"), ("PCX", "RGB"), ("PPM", "RGB"),
                      ("SGI", "RGB"), ("IM", "RGB"), ("QOI", "RGBA"), ("DDS", "RGBA"),
                      ("BLP", "P"), ("MSP", "1"), ("XBM", "1"), ("SPIDER", "F"),
                      ("ICNS", "RGBA")]:  # fmt: skip
        try:
            out[fmt.lower()] = save(picture(mode, (32, 32) if fmt == "ICNS" else (48, 36)), fmt)
        except (OSError, ValueError, KeyError):  # a writer this Pillow build lacks
            pass
    return out


def png_chunks(data: bytes) -> list[tuple[int, int]] | None:
    """(start, length) of each chunk of a PNG, or None if it is not one."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    chunks, pos = [], 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if pos + 12 + length > len(data):
            break
        chunks.append((pos, length))
        pos += 12 + length
    return chunks


def fix_png_crcs(data: bytearray) -> bytearray:
    """Recompute every chunk's CRC, so a mutation inside a chunk reaches the decoder."""
    for start, length in png_chunks(bytes(data)) or []:
        body = bytes(data[start + 4 : start + 8 + length])
        data[start + 8 + length : start + 12 + length] = struct.pack(">I", zlib.crc32(body))
    return data


def mutate(data: bytes, rng: random.Random, others: list[bytes]) -> tuple[bytes, str]:
    """One to three random damages to `data`; returns the new bytes and what was done."""
    out, done = bytearray(data), []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        kind = rng.choice(
            ["truncate", "flip", "flip", "junk", "delete", "repeat", "field", "field", "splice"]
        )
        n = len(out)
        if n < 2:
            break
        at = rng.randrange(n)
        if kind == "truncate":
            out = out[: rng.randrange(1, n)]
        elif kind == "flip":
            for _ in range(rng.randint(1, 8)):
                out[rng.randrange(n)] ^= 1 << rng.randrange(8)
        elif kind == "junk":
            junk = rng.choice([rng.randbytes(rng.randint(1, 64)), b"\x00" * 512, b"\xff" * 64])
            out[at:at] = junk
        elif kind == "delete":
            del out[at : at + rng.randint(1, 64)]
        elif kind == "repeat":
            out[at:at] = out[at : at + rng.randint(1, 256)]
        elif kind == "field":  # a size, offset or count in the header set to an extreme
            at = rng.randrange(min(n, 64)) if rng.random() < 0.8 else at
            width, order = rng.choice([(2, "<H"), (2, ">H"), (4, "<I"), (4, ">I")])
            value = rng.choice(EXTREMES) & (0xFFFF if width == 2 else 0xFFFFFFFF)
            out[at : at + width] = struct.pack(order, value)
        elif kind == "splice":
            other = rng.choice(others)
            out = out[:at] + other[rng.randrange(len(other)) :]
        done.append(kind)
    if png_chunks(bytes(out)) and rng.random() < 0.5:
        out = fix_png_crcs(out)
        done.append("crc-fixed")
    return bytes(out), "+".join(done)


def huge_declared_size(data: bytes) -> bytes | None:
    """A PNG whose header claims 65535x65535 pixels (a bomb that costs nothing to send)."""
    chunks = png_chunks(data)
    if not chunks:
        return None
    out = bytearray(data)
    start = chunks[0][0]  # IHDR: width and height come first
    out[start + 8 : start + 16] = struct.pack(">II", 0xFFFF, 0xFFFF)
    return bytes(fix_png_crcs(out))


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def tiff(width_type: int = 3, strip_offset_type: int = 4) -> bytes:
    """A 16x4 greyscale TIFF written field by field (little-endian, one strip).

    Field types: 3 SHORT, 4 LONG, 5 RATIONAL. A RATIONAL width or strip offset (a fraction
    where a whole number belongs) is what a flipped type byte makes of a real file.
    """
    width, height = 16, 4
    pixels = bytes(range(0, 256, 4))
    entries = [  # (tag, type, value)
        (256, width_type, width), (257, 3, height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
        (273, strip_offset_type, None), (277, 3, 1), (278, 3, height), (279, 4, len(pixels)),
    ]  # fmt: skip
    rational_at = 8 + 2 + 12 * len(entries) + 4  # a RATIONAL does not fit in its entry
    data_at = rational_at + 8
    ifd, rational = struct.pack("<H", len(entries)), b""
    for tag, kind, value in entries:
        value = data_at if tag == 273 else value
        ifd += struct.pack("<HHI", tag, kind, 1)
        if kind == 5:
            rational = struct.pack("<II", value * 3 + 1, 3)  # value + 1/3
            ifd += struct.pack("<I", rational_at)
        else:
            ifd += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 4 + rational.ljust(8) + pixels


def regressions() -> list[tuple[str, bytes, type[BaseException], str]]:
    """Files that once got past the app's error handling, rebuilt from scratch by this code.

    Each is (name, bytes, what Pillow alone raises for it, what the app must say instead).
    Found by this fuzzer; before the fix their callers saw "the upstream Gradio app has
    raised an exception" instead of a sentence.
    """
    png = save(picture("RGB"), "PNG")
    start, length = png_chunks(png)[1]  # IDAT
    pixels = png[start + 8 : start + 8 + length]
    half = len(pixels) // 2
    # The second of two IDAT chunks has a garbage chunk type: SyntaxError("broken PNG file").
    broken_png = (
        png[:start]
        + png_chunk(b"IDAT", pixels[:half])
        + struct.pack(">I", length - half) + b"\xf1\x11\x89\x00" + pixels[half:] + b"\x00" * 4
        + png_chunk(b"IEND", b"")
    )  # fmt: skip
    bomb = huge_declared_size(png)
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 48 36\nshowpage\n%%EOF\n"
    return [
        ("broken-png.png", broken_png, SyntaxError, "damaged or incomplete"),
        ("tiff-fractional-strip-offset.tif", tiff(strip_offset_type=5), TypeError,
         "damaged or incomplete"),
        ("tiff-fractional-width.tif", tiff(width_type=5), ValueError, "damaged or incomplete"),
        ("png-declares-65535x65535.png", bomb, type(None), "megapixels"),
        # Pillow would hand this to Ghostscript (or fail without it): not a format we take.
        ("postscript.eps", eps, type(None), "not an image"),
    ]  # fmt: skip
