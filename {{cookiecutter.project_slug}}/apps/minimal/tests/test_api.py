"""The API contract, called the way any Python user calls it: through gradio_client.

The stand-in model's subject is every pixel brighter than mid-grey (tests/standin.py), so each
test knows where the subject is and checks the cut-out's pixels.
"""

import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image


def cut_out(client, path) -> Image.Image:
    return Image.open(
        client.predict(image_path=handle_file(str(path)), api_name="/remove_background")
    )


def test_the_app_has_one_endpoint_taking_a_file(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/remove_background"}
    (parameter,) = api["named_endpoints"]["/remove_background"]["parameters"]
    assert parameter["parameter_name"] == "image_path"


def test_the_cutout_is_the_photo_at_full_size_on_a_transparent_background(client, make_photo):
    cutout = cut_out(client, make_photo(size=(2400, 1600), box=(800, 400, 1600, 1200)))
    assert cutout.format == "PNG" and cutout.mode == "RGBA"
    assert cutout.size == (2400, 1600)  # the photo's size: no model-sized copy
    r, g, b, a = cutout.getpixel((1200, 800))
    assert a == 255 and (r, g, b) > (200, 200, 200)  # the subject, opaque, in its own colours
    for corner in [(10, 10), (2390, 10), (10, 1590), (2390, 1590)]:
        assert cutout.getpixel(corner)[3] == 0, corner  # the background, transparent


def test_exif_rotation_is_applied(client, make_photo):
    # Stored landscape 600x400 with the subject on the left; EXIF 6 = "rotate 90 degrees
    # clockwise to display", so the photo displays as 400x600 with the subject at the top.
    exif = Image.Exif()
    exif[0x0112] = 6
    cutout = cut_out(client, make_photo(size=(600, 400), box=(0, 0, 200, 400), exif=exif))
    assert cutout.size == (400, 600)
    assert cutout.getpixel((200, 100))[3] == 255  # the subject, at the top
    assert cutout.getpixel((200, 500))[3] == 0  # the background, at the bottom


def test_what_is_transparent_in_the_photo_stays_transparent(client, tmp_path):
    photo = Image.new("RGBA", (400, 300), (25, 30, 35, 255))
    photo.paste((235, 230, 220, 255), (100, 75, 300, 225))  # the subject
    photo.paste((240, 240, 240, 0), (320, 20, 390, 80))  # bright, but transparent
    photo.save(tmp_path / "photo.png")
    cutout = cut_out(client, tmp_path / "photo.png")
    assert cutout.getpixel((200, 150))[3] == 255
    assert cutout.getpixel((355, 50))[3] == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is a text file, not a photo", "not an image"),
        (b"", "not an image"),
        ("truncated", "damaged or incomplete"),
        ("too-many-pixels", "megapixels"),
    ],
)
def test_bad_input_gets_a_message_a_person_understands(
    client, make_photo, tmp_path, content, message
):
    path = tmp_path / "upload.jpg"
    if content == "truncated":
        whole = make_photo(size=(1200, 900)).read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    elif content == "too-many-pixels":
        Image.new("L", (8000, 6000)).save(path, format="PNG")  # 48 MP, a few KB on disk
    else:
        path.write_bytes(content)
    with pytest.raises(AppError, match=message):
        client.predict(image_path=handle_file(str(path)), api_name="/remove_background")
    assert cut_out(client, make_photo()).size == (800, 600)  # ... and the server keeps serving


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
