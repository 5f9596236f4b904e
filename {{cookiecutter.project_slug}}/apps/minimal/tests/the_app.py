"""What the scaffolding's tests know of this app: one call, its input and its check, its model.

The tests of the scaffolding (health, the proxy, the replicas, Kubernetes, the offline start,
the soak, the attack suite) reach the app through these names only. Change the app, change this
file, and they pass unchanged; the app's own tests (test_api.py, test_page.py) know it fully.
"""

from collections.abc import Callable
from pathlib import Path

from gradio_client import handle_file
from PIL import Image

from tests import fuzz
from tests.browser import wait_until_ready
from tests.standin import lay_fake_hub

ENDPOINT = "/remove_background"  # a call that runs the model
# The endpoint's file input; None for an app that takes no file (and whose results are not files).
FILE_PARAMETER = "image_path"
MODEL = "predict_matte"  # app.py's model function: tests hold it to keep the model busy


def lay_model(hf_home: Path) -> None:
    """Lay the model's offline stand-in in this Hugging Face cache (see tests/standin.py)."""
    lay_fake_hub(hf_home)


def photo(folder: Path, big: bool = False, fmt: str = "JPEG", size=(800, 600)) -> Path:
    """A dark photo with a bright box in its middle half, the stand-in's subject; big: 36 MP,
    about a second of the stand-in's time."""
    size = (6000, 6000) if big else size
    path = folder / f"{'big' if big else 'photo'}-{size[0]}x{size[1]}.{fmt.lower()}"
    if not path.exists():  # made once: calls in flight may be reading it
        image = Image.new("RGB", size, (25, 30, 35))
        w, h = size
        image.paste((235, 230, 220), (w // 4, h // 4, w * 3 // 4, h * 3 // 4))
        image.save(path, format=fmt)
    return path


def call(folder: Path, big: bool = False) -> dict:
    """The keyword arguments of one call (gradio_client's predict/submit)."""
    return {"image_path": handle_file(str(photo(folder, big))), "api_name": ENDPOINT}


def cutout_check(size: tuple[int, int]) -> Callable[[str], None]:
    def check_cutout(result: str) -> None:
        cutout = Image.open(result)
        assert cutout.mode == "RGBA" and cutout.size == size, (cutout.mode, cutout.size)
        alpha, (w, h) = cutout.getchannel("A"), size
        assert alpha.getpixel((w // 2, h // 2)) > 250 and alpha.getpixel((w // 10, h // 10)) < 5

    return check_cutout


check = cutout_check((800, 600))  # one call's result is right: photo()'s cut-out


def start_on_page(page, folder: Path) -> None:
    """In a browser page of the app, once it is ready: start one call (choose photo())."""
    wait_until_ready(page)
    page.get_by_test_id("upload").set_input_files(str(photo(folder)))


def finish_on_page(page) -> None:
    """Wait until the call started on the page has its result there (the cut-out shows)."""
    page.get_by_test_id("result").wait_for(state="visible", timeout=120_000)


def samples(folder: Path) -> list[tuple[dict, Callable[[str], None]]]:
    """Calls of several kinds (formats, sizes), each with its result's check: the soak sends them
    many times over."""
    kinds = [("JPEG", (640, 480)), ("PNG", (480, 640)), ("WEBP", (800, 600)), ("GIF", (320, 240))]
    return [
        ({"image_path": handle_file(str(photo(folder, fmt=fmt, size=size))), "api_name": ENDPOINT},
         cutout_check(size))
        for fmt, size in kinds
    ]  # fmt: skip


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
