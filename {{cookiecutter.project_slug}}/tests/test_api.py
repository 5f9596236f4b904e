"""The API contract, called the way any Python user calls it: through gradio_client."""

import re
import threading
import time

import httpx
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image


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


def test_only_uploaded_files_are_read(server_url, make_photo):
    """A caller cannot make the server read a path that did not come through an upload.

    (gradio_client would upload a local path for us, so this speaks the HTTP API directly.)
    The photo is a valid image: if the server read it, the call would succeed.
    """
    outside = {"path": str(make_photo()), "meta": {"_type": "gradio.FileData"}}
    job = httpx.post(f"{server_url}gradio_api/call/matte", json={"data": [outside]}).json()
    events = httpx.get(f"{server_url}gradio_api/call/matte/{job['event_id']}", timeout=30).text
    assert events.startswith("event: error"), events


def test_uploads_over_the_size_limit_are_refused(server_url, app_module):
    limit_mb = int(app_module.MAX_FILE_SIZE.removesuffix("mb"))
    big = b"\0" * ((limit_mb + 1) * 1024 * 1024)
    response = httpx.post(f"{server_url}gradio_api/upload", files={"files": ("big.jpg", big)})
    assert response.status_code == 413


def test_model_calls_are_queued_not_run_at_once(client, make_photo, app_module, monkeypatch):
    """Both endpoints share one queue slot: a second call waits for the first to finish."""
    active, peak, lock = 0, 0, threading.Lock()
    real = app_module.predict_matte

    def slow_predict(image):
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.5)
        try:
            return real(image)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(app_module, "predict_matte", slow_predict)
    path = handle_file(str(make_photo()))
    jobs = [
        client.submit(image_path=path, api_name="/matte"),
        client.submit(image_path=path, api_name="/remove_background"),
    ]
    results = [Image.open(job.result(timeout=60)) for job in jobs]
    assert [r.size for r in results] == [(800, 600), (800, 600)]
    assert peak == 1


def test_index_serves_the_editor(server_url):
    page = httpx.get(server_url)
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="(/ui/[^"]+)"', page.text)
    assert any(a.endswith(".js") for a in assets), page.text
    for asset in assets:  # everything the page loads is served by the same app
        assert httpx.get(server_url.rstrip("/") + asset).status_code == 200, asset
