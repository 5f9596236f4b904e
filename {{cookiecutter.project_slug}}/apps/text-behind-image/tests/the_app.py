"""What the scaffolding's tests know of this app: one call, its input and its check, its model.

The tests of the scaffolding (health, the proxy, the replicas, Kubernetes, the offline start,
the soak, the attack suite) reach the app through these names only. Change the app, change this
file, and they pass unchanged; the app's own tests (test_api.py, the page's) know it fully.
"""

from collections.abc import Callable
from pathlib import Path

from gradio_client import handle_file
from PIL import Image

from tests import fuzz
from tests.browser import wait_until_ready
from tests.standin import lay_fake_hub

ENDPOINT = "/matte"  # a call that runs the model
# The endpoint's file input; None for an app that takes no file (and whose results are not files).
FILE_PARAMETER = "image_path"
MODEL = "predict_matte"  # app.py's model function: tests hold it to keep the model busy


def lay_model(hf_home: Path) -> None:
    """Lay the model's offline stand-in in this Hugging Face cache (see tests/standin.py)."""
    lay_fake_hub(hf_home)


def photo(folder: Path, big: bool = False) -> Path:
    """A dark photo with a bright box, the stand-in's subject; big: 36 MP, about a second of the
    stand-in's time through /remove_background."""
    path = folder / ("big.jpg" if big else "photo.jpg")
    if not path.exists():  # made once: calls in flight may be reading it
        size = (6000, 6000) if big else (800, 600)
        image = Image.new("RGB", size, (25, 30, 35))
        w, h = size
        image.paste((235, 230, 220), (w // 4, h // 4, w * 3 // 4, h * 3 // 4))
        image.save(path, quality=90)
    return path


def call(folder: Path, big: bool = False) -> dict:
    """The keyword arguments of one call (gradio_client's predict/submit): ENDPOINT unless big,
    which asks for the full-size cut-out of a 36 MP photo, to keep the model busy."""
    endpoint = "/remove_background" if big else ENDPOINT
    return {"image_path": handle_file(str(photo(folder, big))), "api_name": endpoint}


def check(result: str) -> None:
    """One call's result is right: the matte of photo(), subject inside, background outside."""
    alpha = Image.open(result).getchannel("A")
    assert alpha.size == (800, 600), alpha.size
    assert alpha.getpixel((400, 300)) > 250 and alpha.getpixel((20, 20)) < 5


def start_on_page(page, folder: Path) -> None:
    """In a browser page of the app, once it is ready: start one call (choose photo())."""
    wait_until_ready(page)
    page.get_by_test_id("upload").set_input_files(str(photo(folder)))


def finish_on_page(page) -> None:
    """Wait until the call started on the page has its result there (the cut-out shows)."""
    page.get_by_test_id("foreground").wait_for(state="visible", timeout=120_000)


def samples(folder: Path) -> list[tuple[dict, Callable[[str], None]]]:
    """Calls of several kinds (formats, sizes, an EXIF rotation), each with its result's check:
    the soak sends them many times over."""
    made = []
    for i, (fmt, size) in enumerate([("JPEG", (640, 480)), ("PNG", (480, 640)),
                                     ("WEBP", (800, 600)), ("GIF", (320, 240)),
                                     ("JPEG", (1600, 1200))]):  # fmt: skip
        image = Image.new("RGB", size, (25, 30, 35))
        w, h = size
        image.paste((235, 230, 220), (w // 4, h // 4, w * 3 // 4, h * 3 // 4))
        path = folder / f"good-{i}.{fmt.lower()}"
        image.save(path, format=fmt)
        scale = min(1, 1024 / max(size))  # /matte's long side is at most 1024
        inside, outside = (w * scale // 2, h * scale // 2), (w * scale // 10, h * scale // 10)
        made.append((path, inside, outside))
    exif = Image.Exif()
    exif[0x0112] = 6  # displayed rotated: 300x400, the subject in the top third
    image = Image.new("RGB", (400, 300), (25, 30, 35))
    image.paste((235, 230, 220), (0, 0, 130, 300))
    image.save(folder / "rotated.jpg", exif=exif)
    made.append((folder / "rotated.jpg", (150, 60), (150, 350)))

    def checker(inside, outside):
        def check_matte(result: str) -> None:
            alpha = Image.open(result).getchannel("A")
            assert alpha.getpixel(inside) > 250 and alpha.getpixel(outside) < 5, "wrong matte"

        return check_matte

    return [({"image_path": handle_file(str(path)), "api_name": ENDPOINT}, checker(i, o))
            for path, i, o in made]  # fmt: skip


def refusals(folder: Path) -> list[tuple[dict, str]]:
    """Calls the app refuses, each with a word of the message it answers with."""
    (folder / "notes.jpg").write_bytes(b"not a photo at all")
    whole = photo(folder).read_bytes()
    (folder / "cut.jpg").write_bytes(whole[: len(whole) // 3])
    name, data, _, message = fuzz.regressions()[0]  # the broken PNG the fuzz once found
    (folder / name).write_bytes(data)
    refused = [("notes.jpg", "not an image"), ("cut.jpg", "damaged"), (name, message)]
    return [({"image_path": handle_file(str(folder / f)), "api_name": ENDPOINT}, word)
            for f, word in refused]  # fmt: skip
