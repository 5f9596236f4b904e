"""The API contract, called the way any Python user calls it: through gradio_client."""

import os
import re
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

import files
import security
from tests.conftest import app_files, raw_call


def call(client, endpoint, path):
    return Image.open(client.predict(image_path=handle_file(str(path)), api_name=endpoint))


def alpha(image):
    return image.getchannel("A")


def test_matte_is_alpha_of_the_subject(client, make_photo):
    matte = call(client, "/matte", make_photo(size=(800, 600), box=(200, 150, 600, 450)))
    assert matte.mode in ("LA", "RGBA")
    assert matte.size == (800, 600)  # smaller than 1024: kept at the input's size
    a = alpha(matte)
    assert a.getpixel((400, 300)) > 250  # inside the bright subject
    assert a.getpixel((50, 50)) < 5  # background
    assert a.getpixel((750, 550)) < 5


def test_matte_of_a_large_photo_is_1024_on_the_long_side(client, make_photo):
    matte = call(client, "/matte", make_photo(size=(3000, 2000), box=(1000, 500, 2000, 1500)))
    assert matte.size == (1024, 683)  # same aspect ratio as the photo
    a = alpha(matte)
    assert a.getpixel((512, 341)) > 250 and a.getpixel((100, 100)) < 5


def test_remove_background_returns_full_size_cutout(client, make_photo):
    photo = make_photo(size=(2400, 1600), box=(800, 400, 1600, 1200))
    cutout = call(client, "/remove_background", photo)
    assert cutout.mode == "RGBA"
    assert cutout.size == (2400, 1600)
    r, g, b, a = cutout.getpixel((1200, 800))
    assert a == 255 and r > 200  # the subject, opaque, with its own colour
    assert cutout.getpixel((100, 100))[3] == 0  # the background, transparent


def test_cutout_keeps_colours_where_visible_and_zeros_where_transparent(client, tmp_path):
    """Partly transparent pixels keep the photo's own colour (not darkened); hidden ones are 0.

    A bright PNG that fades from transparent (left) to opaque (right): the cutout's alpha
    has 0, partial and 255 values, and wherever it is above 0 the colour is the photo's.
    """
    width, height = 512, 64
    colours = np.zeros((height, width, 3), dtype=np.uint8)
    colours[...] = (250, 240, 200)
    colours[:, ::7] = (235, 255, 215)  # some texture, so a shifted colour would show
    fade = np.tile(np.linspace(0, 255, width).astype(np.uint8), (height, 1))
    Image.fromarray(np.dstack([colours, fade]), "RGBA").save(tmp_path / "fade.png")
    cutout = np.asarray(call(client, "/remove_background", tmp_path / "fade.png"))
    a = cutout[..., 3]
    assert (a == 0).any() and ((a > 0) & (a < 255)).any() and (a > 250).any()
    visible = a > 0
    assert (cutout[..., :3][visible] == colours[visible]).all()
    assert (cutout[~visible] == 0).all()


def test_exif_orientation_is_applied(client, make_photo):
    # Stored landscape 600x400 with the subject on the left; EXIF 6 = "rotate 90 degrees
    # clockwise to display", so the photo displays as 400x600 with the subject at the top.
    exif = Image.Exif()
    exif[0x0112] = 6
    path = make_photo(size=(600, 400), box=(0, 0, 200, 400), exif=exif)
    for endpoint in ("/matte", "/remove_background"):
        result = call(client, endpoint, path)
        assert result.size == (400, 600), endpoint
        a = alpha(result)
        assert a.getpixel((200, 100)) > 250, endpoint  # subject at the top
        assert a.getpixel((200, 500)) < 5, endpoint  # background at the bottom


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is a text file, not a photo", "not an image"),
        (b"", "not an image"),
        ("truncated", "damaged or incomplete"),
        ("too-many-pixels", "megapixels"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/matte", "/remove_background"])
def test_bad_input_gives_a_clear_error(client, make_photo, tmp_path, endpoint, content, message):
    path = tmp_path / "upload.jpg"
    if content == "truncated":
        whole = make_photo(size=(1200, 900)).read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    elif content == "too-many-pixels":
        Image.new("L", (8000, 6000)).save(path, format="PNG")  # 48 MP, a few KB on disk
    else:
        path.write_bytes(content)
    with pytest.raises(AppError, match=message):
        client.predict(image_path=handle_file(str(path)), api_name=endpoint)
    # ... and the server keeps serving.
    assert call(client, endpoint, make_photo()).size == (800, 600)


def saved(tmp_path, image, fmt, name, **options):
    path = tmp_path / name
    image.save(path, format=fmt, **options)
    return path


def scene(mode="RGB", size=(400, 300), dark=(25, 30, 35), bright=(235, 230, 220)):
    image = Image.new(mode, size, dark)
    image.paste(bright, (100, 75, 300, 225))  # the subject: the middle half
    return image


def cmyk_jpeg(tmp_path):
    return saved(tmp_path, scene("CMYK", dark=(0, 0, 0, 230), bright=(0, 0, 0, 0)), "JPEG", "a.jpg")


def grey16_png(tmp_path):  # 16-bit greyscale: Pillow's plain convert("RGB") makes it all white
    levels = np.full((300, 400), 4000, dtype=np.uint16)
    levels[75:225, 100:300] = 60000
    return saved(tmp_path, Image.fromarray(levels), "PNG", "a.png")


def palette_png(tmp_path):
    return saved(tmp_path, scene().convert("P", palette=Image.Palette.ADAPTIVE), "PNG", "a.png")


def greyscale_png(tmp_path):
    return saved(tmp_path, scene("L", dark=30, bright=230), "PNG", "a.png")


def webp(tmp_path):
    return saved(tmp_path, scene(), "WEBP", "a.webp", quality=95)


def animated_gif(tmp_path):  # the first frame counts: the second has no subject
    frames = [scene(), Image.new("RGB", (400, 300), (25, 30, 35))]
    return saved(tmp_path, frames[0], "GIF", "a.gif", save_all=True, append_images=frames[1:])


FORMATS = [cmyk_jpeg, grey16_png, palette_png, greyscale_png, webp, animated_gif]


@pytest.mark.parametrize("make", FORMATS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("endpoint", ["/matte", "/remove_background"])
def test_images_people_upload_give_a_correct_result(client, tmp_path, make, endpoint):
    result = call(client, endpoint, make(tmp_path))
    assert result.size == (400, 300)
    a = alpha(result)
    assert a.getpixel((200, 150)) > 250  # the subject
    assert a.getpixel((30, 30)) < 5 and a.getpixel((370, 270)) < 5  # the background


def test_transparent_pixels_are_never_subject(client, tmp_path):
    image = scene().convert("RGBA")
    image.paste((240, 240, 240, 0), (320, 20, 390, 80))  # bright but fully transparent
    path = saved(tmp_path, image, "PNG", "a.png")
    for endpoint in ("/matte", "/remove_background"):
        a = alpha(call(client, endpoint, path))
        assert a.getpixel((200, 150)) > 250, endpoint
        assert a.getpixel((355, 50)) < 5, endpoint


@pytest.mark.parametrize("size", [(1, 1), (3000, 20), (20, 3000)])
def test_tiny_images_and_long_strips(client, tmp_path, size):
    path = saved(tmp_path, Image.new("RGB", size, (240, 240, 240)), "PNG", "a.png")
    cutout = call(client, "/remove_background", path)
    assert cutout.size == size and alpha(cutout).getextrema()[0] > 250
    matte = call(client, "/matte", path)
    scale = min(1, 1024 / max(size))
    assert matte.size == tuple(max(1, round(side * scale)) for side in size)


def test_only_uploaded_files_are_read(server_url, make_photo):
    """A caller cannot make the server read a file that did not come through an upload,
    outside the working directory or inside it (Gradio refuses both before the function
    runs). The photos are valid images: read, they would give a result."""
    outside = make_photo()
    assert raw_call(server_url, "matte", {"path": str(outside)})["success"] is False
    inside = Path.cwd() / "inside-the-app.jpg"
    inside.write_bytes(outside.read_bytes())
    try:
        assert raw_call(server_url, "matte", {"path": inside.name})["success"] is False
    finally:
        inside.unlink()


def test_the_queue_is_bounded(client, make_photo, app_module, monkeypatch, held_model):
    """A full queue answers "full" at once instead of growing without limit."""
    queue = app_module.app.get_blocks()._queue
    assert queue.max_size == security.MAX_QUEUE
    monkeypatch.setattr(queue, "max_size", 1)
    started, release = held_model  # the model stays busy until release is set
    path = handle_file(str(make_photo()))
    try:
        running = client.submit(image_path=path, api_name="/matte")
        assert started.wait(timeout=30)
        waiting = client.submit(image_path=path, api_name="/matte")
        time.sleep(1)  # let it join the queue
        with pytest.raises(Exception, match="(?i)queue is full"):
            client.predict(image_path=path, api_name="/matte")
    finally:
        release.set()
    assert Image.open(running.result(timeout=60)).size == (800, 600)
    assert Image.open(waiting.result(timeout=60)).size == (800, 600)


def test_old_uploads_and_results_are_deleted(client, make_photo):
    # A photo no other test sends: Gradio stores an upload by its content and name, so a
    # photo sent before would land on the file that upload left (if not swept yet).
    photo = make_photo(size=(640, 480), box=(11, 22, 333, 444), name="sweep.jpg")
    before = app_files()
    result = client.predict(image_path=handle_file(str(photo)), api_name="/matte")
    new = app_files() - before
    assert any(p.name == "sweep.jpg" for p in new), new  # the upload, in the app's own folder
    # The result, served from where save_png wrote it (no copy of it: Gradio serves it there).
    assert [p for p in new if p.suffix == ".png"] and len(new) == 2, new
    assert Path(result).read_bytes() == next(p for p in new if p.suffix == ".png").read_bytes()
    files.sweep(max_age=3600)
    assert all(p.exists() for p in new)  # younger than an hour: kept
    files.sweep(max_age=0)  # what the sweep does an hour later
    assert not any(p.exists() for p in new)
    files.sweep(max_age=0)  # the upload's folder, emptied by the last sweep, goes at the next
    assert not any(p.parent.exists() for p in new if p.parent != files.FOLDER)


def plant_foreign_files(folder: Path) -> dict[Path, tuple[bytes, float]]:
    """Another program's files in Gradio's shared folder, laid out as Gradio lays out its own:
    a photo dated three days back and a fresh one. Returns {path: (content, mtime)}."""
    planted = {}
    for name, age in (("old-photo.jpg", 3 * 24 * 3600), ("fresh-photo.jpg", 0)):
        path = folder / f"another-app-{os.getpid()}-{age}" / name
        path.parent.mkdir(parents=True)
        Image.new("RGB", (64, 48), (240, 240, 240)).save(path)
        when = time.time() - age
        os.utime(path, (when, when))
        planted[path] = (path.read_bytes(), path.stat().st_mtime)
    return planted


def test_the_app_keeps_to_its_own_folder(client, server_url, make_photo, app_module):
    """Gradio's folder is shared by every Gradio process on the machine. The app writes in a
    folder of its own inside it (files.py), refuses another program's file named as an input,
    and its sweep leaves everything outside its folder alone, old or fresh."""
    assert Path(app_module.app.uploaded_file_dir) == files.FOLDER
    assert files.FOLDER.parent == files.SHARED
    planted = plant_foreign_files(files.SHARED)
    old = next(iter(planted))
    try:
        before = app_files()
        photo = make_photo(size=(640, 480), box=(33, 22, 111, 444), name="ours.jpg")  # a new one
        client.predict(image_path=handle_file(str(photo)), api_name="/matte")
        refused = raw_call(server_url, "matte", {"path": str(old)})
        assert refused["success"] is False  # not this app's, so not an input
        ours = app_files() - before
        assert ours and not ours & set(planted)
        files.sweep()  # the sweep, as the app runs it every ten minutes
        files.sweep(max_age=0)  # and an hour later
        assert not any(p.exists() for p in ours)  # our upload and results are gone...
        for path, (content, mtime) in planted.items():  # ...and theirs untouched
            assert path.is_file(), f"the sweep deleted another program's {path.name}"
            assert (path.read_bytes(), path.stat().st_mtime) == (content, mtime)
    finally:
        for path in planted:
            path.unlink(missing_ok=True)
            path.parent.rmdir()


def test_sixteen_concurrent_callers_each_get_their_own_result(server_url, make_photo, tmp_path):
    """Sixteen callers, each with a client (a session) of its own: one session may have at most
    MAX_JOBS_PER_SESSION calls waiting (tests/test_security.py)."""
    boxes = [(30 * i, 100, 30 * i + 200, 400) for i in range(16)]  # right edge <= 650
    paths = [make_photo(size=(800, 600), box=box, name=f"p{i}.jpg") for i, box in enumerate(boxes)]
    callers = [Client(server_url, verbose=False, download_files=tmp_path) for _ in paths]
    jobs = [
        c.submit(image_path=handle_file(str(p)), api_name="/matte")
        for c, p in zip(callers, paths, strict=True)
    ]
    for job, (left, _, right, _) in zip(jobs, boxes, strict=True):
        a = alpha(Image.open(job.result(timeout=120)))
        assert a.getpixel(((left + right) // 2, 250)) > 250  # its own subject...
        assert a.getpixel((right + 20, 250)) < 5  # ...and not another caller's


def test_index_serves_the_editor(server_url):
    page = httpx.get(server_url)
    assert page.status_code == 200
    # Relative URLs (ui/...): the same page works at the root and under a proxy's path prefix.
    assets = re.findall(r'(?:src|href)="(ui/[^"]+)"', page.text)
    assert any(a.endswith(".js") for a in assets), page.text
    for asset in assets:  # everything the page loads is served by the same app
        assert httpx.get(server_url + asset).status_code == 200, asset


def test_no_page_of_the_app_loads_scripts_from_elsewhere(server_url):
    """FastAPI's /docs and /redoc would load Swagger UI and ReDoc from a public CDN: they are off
    (app.py); the API's description is still there, as JSON."""
    for path in ("docs", "redoc"):
        assert httpx.get(server_url + path).status_code == 404, path
    assert httpx.get(server_url + "openapi.json").json()["info"]["title"]


def test_the_warm_up(app_module, monkeypatch):
{%- if cookiecutter.zerogpu == "yes" %}
    """On ZeroGPU a GPU is attached only while a call runs: no forward pass at start-up."""
{%- else %}
    """One forward pass on a tiny image at start-up: the first visitor does not pay for it."""
{%- endif %}
    calls = []
    monkeypatch.setattr(app_module, "predict_matte", lambda image: calls.append(image.size))
    app_module.warm_up()
    assert calls == {{ "[]" if cookiecutter.zerogpu == "yes" else "[(64, 64)]" }}
