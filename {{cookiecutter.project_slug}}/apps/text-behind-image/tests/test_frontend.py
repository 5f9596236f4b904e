"""What a person sees and what a JavaScript caller gets: Chromium and Node against the real app.

Chromium (Debian's, driven by Playwright) and Node must be installed; without them
these tests skip with the reason, except under CI=true, where they fail. The app
serves everything its page loads: every test's page has each request that is not to
the app refused and recorded, and fails if there was any, or any breach of the
app's Content-Security-Policy.

The stand-in model's subject is every pixel brighter than mid-grey, so the tests
know exactly where the subject is and check pixels of the exported PNG.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

import security
from tests.browser import occupy_model, open_page, wait_for_queue_position  # noqa: F401
from tests.conftest import free_port, require

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[1]
# Where package.json and node_modules are: the project root (vanilla) or frontend/ (Vite).
NODE_DIR = PROJECT / "frontend" if (PROJECT / "frontend").is_dir() else PROJECT
NODE_TEST = NODE_DIR / ("tests" if NODE_DIR != PROJECT else "tests/js") / "api-client.node.mjs"
DARK, BRIGHT, RED = (30, 35, 45), (245, 245, 240), (255, 0, 0)


def photo_bytes(size=(1200, 800), box=(600, 200, 1000, 600), exif=None) -> bytes:
    """A dark photo whose subject (for the stand-in) is one bright rectangle."""
    image = Image.new("RGB", size, DARK)
    image.paste(BRIGHT, tuple(round(v) for v in box))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, **({"exif": exif} if exif else {}))
    return out.getvalue()


def open_editor(browser, url, init_script=None, ready=True, before=None, **options):
    """The editor's page (tests/browser.py's open_page, watched as it says), loaded and
    connected (`ready`)."""
    page = open_page(browser, url, init_script=init_script, before=before, **options)
    if ready:
        wait_for_status(page, "Ready")
    return page


@pytest.fixture
def page(browser, server_url):
    page = open_editor(browser, server_url)
    yield page
    page.close()


def upload(page, data: bytes, name="photo.jpg", mime="image/jpeg"):
    page.get_by_test_id("upload").set_input_files({"name": name, "mimeType": mime, "buffer": data})


def wait_for_subject(page):
    """The cut-out is shown and the editor is done with it (its status no longer busy): the first
    text of a first photo has then gone behind the subject (layout.js), which it does after the
    cut-out shows, once its font is in. A test that styles the text before then races it."""
    page.get_by_test_id("foreground").wait_for(state="visible", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=status]').dataset.kind !== 'busy'"
    )


def export(page) -> np.ndarray:
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    return np.asarray(Image.open(download.value.path()).convert("RGB")).astype(int)


def is_red(pixels: np.ndarray) -> np.ndarray:
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (r > 200) & (g < 60) & (b < 60)


def style_text(page, text="HHHHHHHH"):
    page.get_by_test_id("text-input").fill(text)
    page.get_by_test_id("text-color").fill("#ff0000")
    page.get_by_test_id("font-size").fill("20")


# The box of the selected text's outline on the preview (canvas pixels), or null before it is
# drawn: the bounds of everything on the front layer, where nothing else is drawn in the tests
# that use it (no text in front of the subject, no brush).
OUTLINE_BOX = """(c) => {
  const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 3; i < data.length; i += 4) {
    if (!data[i]) continue;
    const x = ((i - 3) / 4) % c.width, y = Math.floor((i - 3) / 4 / c.width);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return x1 < 0 ? null : { x: (x0 + x1 + 1) / 2, y: (y0 + y1 + 1) / 2, width: c.width };
}"""


def move_text(page, to, photo_width=1200):
    """Drags the selected text until its centre is at `to` (photo pixels). The first text goes
    where the subject is (layout.js's behindSubject), so a test that needs the text elsewhere
    puts it there; its centre is the middle of its outline on the preview (a second drag
    corrects the first where the outline was cut by the photo's edge), as near as the preview's
    pixels tell (on a phone's small preview, a photo pixel or two)."""
    layer = page.get_by_test_id("front-layer")
    for _ in range(2):
        page.wait_for_function(f"(c) => ({OUTLINE_BOX})(c) !== null", arg=layer.element_handle())
        box, stage = layer.evaluate(OUTLINE_BOX), layer.bounding_box()
        css = stage["width"] / box["width"]  # CSS pixels per canvas pixel
        x, y = stage["x"] + box["x"] * css, stage["y"] + box["y"] * css
        k = stage["width"] / photo_width  # CSS pixels per photo pixel
        tx, ty = stage["x"] + to[0] * k, stage["y"] + to[1] * k
        near = max(0.5 * k, 1.5 * css)  # half a photo pixel, or what the canvas can tell apart
        if abs(tx - x) < near and abs(ty - y) < near:
            return
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(tx, ty, steps=5)
        page.mouse.up()
        moved = f"([c, x, y]) => (b => b?.x !== x || b?.y !== y)(({OUTLINE_BOX})(c))"
        page.wait_for_function(moved, arg=[layer.element_handle(), box["x"], box["y"]])


def test_page_loads_offline_without_console_errors(page):
    assert page.get_by_test_id("export").is_disabled()
    assert page.get_by_test_id("foreground").is_hidden()
    assert page.errors == []


def ink_width(page, font, text, px, weight):
    """The width of a text's ink in a font, as this page's canvas draws it."""
    return page.evaluate(
        """([font, text, px, weight]) => {
          const ctx = document.createElement("canvas").getContext("2d");
          ctx.font = `${weight} ${px}px ${font}`;
          const m = ctx.measureText(text);
          return m.actualBoundingBoxLeft + m.actualBoundingBoxRight;
        }""",
        [font, text, px, weight],
    )


def test_a_served_font_draws_and_the_page_asks_only_the_app_under_its_policy(
    browser, server_url, app_module
):
    """The editor connects, cuts out, draws a text in a font the app serves (loaded: its
    letters have that font's widths in the export, which the worker draws), exports at full
    size; every request was to the app (checked_pages), and the page, the files under ui/
    and the export's worker script came with the app's Content-Security-Policy."""
    responses = []

    def record(page):
        page.context.on("response", lambda response: responses.append(response))

    page = open_editor(browser, server_url, before=record)
    try:
        upload(page, photo_bytes(box=(1050, 600, 1150, 750)))  # subject in a corner, clear of it
        wait_for_subject(page)
        style_text(page, "Hello")  # 20% of 800 px: 160 px
        page.get_by_test_id("font-weight").select_option("400")
        page.get_by_test_id("font-family").select_option("pacifico")
        # The app's Pacifico is among the page's fonts, loaded (check() alone would also be
        # true for a family the page does not have).
        loaded = "[...document.fonts].some((f) => f.family === 'Pacifico' && f.status === 'loaded')"
        page.wait_for_function(f"() => {loaded} && document.fonts.check('400 160px Pacifico')")
        served = ink_width(page, '"Pacifico", cursive', "Hello", 160, 400)
        fallback = ink_width(page, "cursive", "Hello", 160, 400)
        assert abs(served - fallback) > 20, (served, fallback)  # so the widths tell them apart
        pixels = export(page)
        assert pixels.shape == (800, 1200, 3)  # full size
        columns = np.argwhere(is_red(pixels))[:, 1]
        assert columns.max() - columns.min() + 1 == pytest.approx(served, abs=6), (served, fallback)
    finally:
        page.close()
    print("\n".join(["Requests:", *page.requests]))  # `pytest -s` shows them
    assert page.requests and all(url.startswith(server_url) for url in page.requests)
    ours = [r for r in responses if r.url == server_url or r.url.startswith(f"{server_url}ui/")]
    assert {r.headers.get("content-security-policy") for r in ours} == {security.PAGE_CSP}
    names = [r.url for r in ours]
    assert any("export-worker" in n for n in names) and any("pacifico" in n for n in names), names


# Records every text the status line shows, in window.statuses.
STATUS_LOG = """
window.statuses = [];
new MutationObserver(() => {
  const s = document.querySelector("[data-testid=status]");
  if (s && s.textContent !== window.statuses.at(-1)) window.statuses.push(s.textContent);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def test_an_unreachable_backend_is_reported_as_such_and_try_again_sends_the_photo(
    browser, server_url
):
    """The page loads, but Gradio's routes do not answer: the status says the backend cannot
    be reached (not that a connection was lost: there was none), upload or not; once they
    answer, Try again sends the photo."""
    gradio = re.compile(re.escape(server_url) + "(config|gradio_api/)")
    page = open_editor(browser, server_url, init_script=STATUS_LOG, ready=False,
                       before=lambda p: p.route(gradio, lambda route: route.abort()))  # fmt: skip
    page.allowed_errors.append("net::ERR_FAILED")  # the refused requests
    try:
        unreachable = f"Could not reach the backend at {server_url}"
        wait_for_status(page, unreachable, "error")
        upload(page, photo_bytes())
        wait_for_status(page, "Try again sends the photo", "error")
        assert status_of(page).startswith(unreachable)
        page.unroute(gradio)
        page.get_by_test_id("retry").click()
        wait_for_subject(page)
        wait_for_status(page, "Done", "done")
        statuses = page.evaluate("window.statuses")
        assert not [s for s in statuses if "lost the connection" in s.lower()], statuses
    finally:
        page.close()


def test_subject_layer_appears_aligned_with_the_photo(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    fg, bg = page.get_by_test_id("foreground"), page.get_by_test_id("background")
    assert fg.bounding_box() == bg.bounding_box()
    # The subject layer is opaque over the bright rectangle only: sample it where
    # the photo has the rectangle (x 600..1000 of 1200, y 200..600 of 800) and outside.
    alpha = fg.evaluate(
        """(c) => [[0.67, 0.5], [0.8, 0.3], [0.25, 0.5], [0.9, 0.9]].map(([fx, fy]) => c
            .getContext('2d')
            .getImageData(Math.floor(fx * c.width), Math.floor(fy * c.height), 1, 1).data[3])"""
    )
    assert alpha[0] > 200 and alpha[1] > 200, alpha
    assert alpha[2] == 0 and alpha[3] == 0, alpha
    assert page.errors == []


@pytest.mark.quick  # the quick tier's walk through the editor
def test_export_is_full_size_with_text_behind_the_subject(page):
    """Also the contract for scripts written for one text: only the original data-testids
    (upload, foreground, text-input, text-color, font-size, export) are used. The text is where
    the editor put it: behind the subject's upper part (test_first_run.py checks the place)."""
    upload(page, photo_bytes())
    wait_for_subject(page)
    style_text(page)
    pixels = export(page)
    assert pixels.shape == (800, 1200, 3)  # the photo's full size, not the preview's
    red = is_red(pixels)
    assert red[:, :600].sum() > 2000  # visible over the background, left of the subject
    subject = pixels[205:595, 605:995]
    assert red[205:595, 605:995].sum() == 0  # hidden behind the subject where they overlap
    assert (np.abs(subject - BRIGHT) < 30).all()
    assert red[205:595, 570:600].any()  # ...and the text really reaches the subject's edge
    assert red[205:595, 1000:].any()  # and comes out on its other side


def drag_on_stage(page, dx):
    """Presses at the stage's centre (the default text's place) and drags by dx CSS pixels."""
    stage = page.get_by_test_id("foreground").bounding_box()
    x, y = stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=5)
    page.mouse.up()
    return stage


def wait_for_layers(page, n):
    """The layer list shows n items (it is redrawn on the next animation frame)."""
    items = "document.querySelectorAll('[data-testid=layer-item]')"
    page.wait_for_function(f"() => {items}.length === {n}")
    return page.get_by_test_id("layer-item")


def red_column(page) -> float:
    return np.argwhere(is_red(export(page)))[:, 1].mean()


def test_dragging_moves_the_text_in_the_export(page):
    upload(page, photo_bytes(box=(1050, 600, 1150, 750)))  # subject in a corner, clear of the text
    wait_for_subject(page)
    style_text(page, "H")
    before = np.argwhere(is_red(export(page)))[:, 1].mean()
    stage = page.get_by_test_id("foreground").bounding_box()
    x, y = stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 100, y, steps=5)
    page.mouse.up()
    after = np.argwhere(is_red(export(page)))[:, 1].mean()
    expected = -100 * 1200 / stage["width"]  # CSS pixels -> photo pixels
    assert after - before == pytest.approx(expected, abs=8)


# 3000 px: the browser decodes the JPEG at a reduced scale for the screen, the export in full;
# 1200 px: it uploads a downscaled, already upright copy; 900 px: it uploads the original
# file, EXIF and all, and the server must apply the same orientation.
@pytest.mark.parametrize("width", [3000, 1200, 900])
def test_exif_rotated_photo_exports_upright_with_the_subject_aligned(page, width):
    # Stored landscape with the subject on the left; EXIF 6 = rotate 90 degrees clockwise
    # to display, so it displays as a portrait with the subject across the top.
    k = width / 1200
    exif = Image.Exif()
    exif[0x0112] = 6
    upload(
        page,
        photo_bytes(size=(width, round(800 * k)), box=(0, 100 * k, 500 * k, 700 * k), exif=exif),
    )
    wait_for_subject(page)
    style_text(page, "H")
    move_text(page, (400 * k, 600 * k), photo_width=800 * k)  # the centre: displayed, 800k wide
    page.get_by_test_id("text-input").fill("H\nH\nH\nH\nH\nH")  # a column crossing the subject
    pixels = export(page)
    assert pixels.shape == (width, round(800 * k), 3)
    red = is_red(pixels)
    top, left, right, bottom = round(20 * k), round(120 * k), round(680 * k), round(480 * k)
    assert red[round(600 * k) :].sum() > 1000  # text over the background, below the subject
    assert red[top:bottom, left:right].sum() == 0  # but hidden behind the subject, at the top
    assert (np.abs(pixels[top:bottom, left:right] - BRIGHT) < 30).all()


# Records the size of every picture WebCodecs' ImageDecoder hands to the page.
DECODE_SPY = """
window.decodedSizes = [];
if (window.ImageDecoder) window.ImageDecoder = class extends window.ImageDecoder {
  async decode(options) {
    const result = await super.decode(options);
    window.decodedSizes.push([result.image.displayWidth, result.image.displayHeight]);
    return result;
  }
};
"""


def test_a_big_jpeg_is_decoded_small_for_the_screen_sent_at_1024_and_exported_in_full(
    browser, server_url
):
    page = open_editor(browser, server_url, init_script=DECODE_SPY)
    sent = []
    page.on(
        "request",
        lambda r: "/upload" in r.url and r.method == "POST" and sent.append(r.post_data_buffer),
    )
    try:
        upload(page, photo_bytes(size=(4000, 3000), box=(2000, 750, 3400, 2250)))
        wait_for_subject(page)
        decoded = page.evaluate("window.decodedSizes")
        assert len(decoded) == 1 and 1024 < max(decoded[0]) < 4000, decoded  # not the full 4000
        assert decoded[0][0] * 3 == decoded[0][1] * 4  # the photo's shape
        body = sent[-1]
        assert Image.open(io.BytesIO(body[body.index(b"\xff\xd8\xff") :])).size == (1024, 768)
        style_text(page)
        pixels = export(page)
        assert pixels.shape == (3000, 4000, 3)  # decoded again, in full, for the export
        red = is_red(pixels)
        assert red[:, :2000].sum() > 20000  # the text, over the background
        assert red[755:2245, 2005:3395].sum() == 0  # behind the subject
        rows = np.argwhere(red[:, :2000])[:, 0]  # left of the subject: none of it hidden
        # Where it was placed on the preview: behind the subject, a fifth of the way down it
        # (750 + 1500 / 5; capitals' ink sits a little above the middle); text placed on the
        # reduced decode but drawn unscaled would centre at half that.
        assert rows.mean() == pytest.approx(1050, abs=100)
        assert page.errors == []
    finally:
        page.close()


def test_two_layers_one_behind_and_one_in_front_of_the_subject(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    style_text(page)  # the first layer: red, behind the subject (the default)
    page.get_by_test_id("add-layer").click()  # a second one, clear of the first, selected
    items = wait_for_layers(page, 2)  # top layer first
    assert items.nth(0).get_attribute("aria-selected") == "true"
    page.get_by_test_id("text-input").fill("HHHHHHHH")
    page.get_by_test_id("text-color").fill("#00ff00")
    page.get_by_test_id("font-size").fill("20")
    page.get_by_test_id("layer-front").check()

    def green_of(pixels):
        r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
        return (g > 200) & (r < 60) & (b < 60)

    # It landed clear of the first (and of the subject): moved by the keys, 60 px a press,
    # to the subject's lower half.
    ys, xs = np.nonzero(green_of(export(page)))
    page.get_by_test_id("stage").focus()
    for keys, steps in (
        (("Right", "Left"), (800 - xs.mean()) / 60),
        (("Down", "Up"), (500 - ys.mean()) / 60),
    ):
        for _ in range(abs(round(steps))):
            page.keyboard.press(f"Shift+Arrow{keys[0] if steps > 0 else keys[1]}")
    pixels = export(page)
    red, green = is_red(pixels), green_of(pixels)
    assert red[:, :600].sum() > 2000 and red[205:595, 605:995].sum() == 0  # behind the subject
    assert green[405:595, 605:995].sum() > 2000  # in front: drawn over the subject
    # Each where it was put: the first on the subject's upper part, the second on its lower half.
    assert np.argwhere(red)[:, 0].max() < np.argwhere(green)[:, 0].min()


def test_undo_and_redo_a_drag_and_a_delete(page):
    upload(page, photo_bytes(box=(1050, 600, 1150, 750)))  # subject in a corner, clear of the text
    wait_for_subject(page)
    style_text(page, "H")
    before = red_column(page)
    stage = drag_on_stage(page, -100)
    moved = before - 100 * 1200 / stage["width"]
    page.get_by_test_id("undo").click()  # the whole drag is one step
    assert red_column(page) == pytest.approx(before, abs=2)
    page.get_by_test_id("redo").click()
    assert red_column(page) == pytest.approx(moved, abs=8)
    page.get_by_test_id("stage").focus()
    page.keyboard.press("Delete")  # with the focus on the stage
    wait_for_layers(page, 0)
    assert not is_red(export(page)).any()
    page.keyboard.press("Control+z")
    wait_for_layers(page, 1)
    assert red_column(page) == pytest.approx(moved, abs=8)
    page.keyboard.press("Control+Shift+z")
    wait_for_layers(page, 0)
    assert page.errors == []


def test_a_phone_shows_the_stage_then_the_controls_and_a_touch_drag_moves_the_text(
    browser, server_url, tmp_path
):
    page = open_editor(
        browser, server_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        upload(page, photo_bytes(box=(1050, 600, 1150, 750)))  # subject in a corner
        wait_for_subject(page)
        style_text(page, "H")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=tmp_path / "390x844.png", full_page=True)  # for a person to look at
        stage = page.get_by_test_id("stage").bounding_box()
        controls = page.locator("#controls").bounding_box()
        for box in (stage, controls):
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box  # within the width
        assert stage["y"] >= 0 and stage["y"] + stage["height"] <= 844  # whole, on the first screen
        assert controls["y"] >= stage["y"] + stage["height"]  # the controls below the stage
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
        before = np.argwhere(is_red(export(page))).mean(axis=0)
        page.evaluate("window.scrollTo(0, 0)")
        stage = page.get_by_test_id("stage").bounding_box()
        x, y = stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2
        # A finger on the text, dragged left and down: touch events, which Chromium turns
        # into pointer events; with `touch-action: none` the page does not scroll instead.
        cdp = page.context.new_cdp_session(page)
        for i in range(6):  # 60 CSS px left and 30 down, in 5 moves
            points = [{"x": x - 12 * i, "y": y + 6 * i}]
            kind = "touchMove" if i else "touchStart"
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        assert page.evaluate("window.scrollY") == 0
        after = np.argwhere(is_red(export(page))).mean(axis=0)
        scale = 1200 / stage["width"]  # CSS pixels -> photo pixels
        assert after[1] - before[1] == pytest.approx(-60 * scale, abs=8)
        assert after[0] - before[0] == pytest.approx(30 * scale, abs=8)
        assert page.errors == []
    finally:
        page.close()


AXE = NODE_DIR / "node_modules/axe-core/axe.min.js"


def serious_axe_violations(page) -> list[str]:
    """What axe-core (npm, injected from node_modules) finds at the serious or critical level."""
    require(AXE.is_file(), f"run `npm ci` in {NODE_DIR}")
    if not page.evaluate("'axe' in window"):
        page.evaluate(AXE.read_text())  # as DevTools would: a <script> would breach the CSP
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']} ({v['help']}) at {n['target']}: {n['failureSummary']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]


def test_axe_finds_nothing_serious_and_the_layers_work_from_the_keyboard(page):
    assert serious_axe_violations(page) == []  # the empty editor
    upload(page, photo_bytes())
    wait_for_subject(page)
    page.get_by_test_id("add-layer").focus()
    page.keyboard.press("Enter")  # a button, from the keyboard
    items = wait_for_layers(page, 2)  # the new layer, on top and selected
    page.get_by_test_id("layer-list").focus()
    page.keyboard.press("ArrowDown")  # the listbox picks the layer below
    page.wait_for_function(  # redrawn on the next frame
        "() => document.querySelectorAll('[data-testid=layer-item]')[1].ariaSelected === 'true'"
    )
    assert items.nth(0).get_attribute("aria-selected") == "false"
    assert serious_axe_violations(page) == []  # a photo and two layers


def test_a_png_named_like_a_jpeg_still_loads(page):
    png = io.BytesIO()
    Image.open(io.BytesIO(photo_bytes())).save(png, format="PNG")
    upload(page, png.getvalue(), name="photo.jpg", mime="image/jpeg")
    wait_for_subject(page)
    assert export(page).shape == (800, 1200, 3)
    assert page.errors == []


def test_a_non_image_file_gives_a_clear_message_and_the_editor_keeps_working(page):
    upload(page, b"just some text", name="notes.txt", mime="text/plain")
    status = page.get_by_test_id("status")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=status]').textContent.includes('not read')"
    )
    assert "image" in status.text_content()
    upload(page, photo_bytes())
    wait_for_subject(page)
    assert page.get_by_test_id("export").is_enabled()


def test_a_waiting_upload_shows_its_queue_position(page, client, held_model, tmp_path):
    started, release = held_model  # the model stays busy until release is set
    from gradio_client import handle_file

    path = tmp_path / "first.jpg"
    path.write_bytes(photo_bytes())
    try:
        busy = client.submit(image_path=handle_file(str(path)), api_name="/matte")
        assert started.wait(timeout=30)  # the first call holds the model...
        upload(page, photo_bytes())  # ...so this one must wait in the queue
        wait_for_queue_position(page)
        release.set()
        wait_for_subject(page)
        busy.result(timeout=60)
    finally:
        release.set()


def test_a_full_queue_says_busy_and_try_again_sends_the_same_photo(
    page, client, app_module, monkeypatch, held_model, tmp_path
):
    queue = app_module.app.get_blocks()._queue
    monkeypatch.setattr(queue, "max_size", 1)  # one running and one waiting fill it
    started, release = held_model  # the model stays busy until release is set
    from gradio_client import handle_file

    path = tmp_path / "first.jpg"
    path.write_bytes(photo_bytes())
    retry = page.get_by_test_id("retry")
    assert retry.is_hidden()
    try:
        running = client.submit(image_path=handle_file(str(path)), api_name="/matte")
        assert started.wait(timeout=30)
        waiting = client.submit(image_path=handle_file(str(path)), api_name="/matte")
        time.sleep(1)  # let it join the queue
        upload(page, photo_bytes())
        wait_for_status(page, "The server is busy (its queue is full). Try again", "error")
        retry.wait_for(state="visible")
    finally:
        release.set()
    running.result(timeout=60)
    waiting.result(timeout=60)
    retry.click()  # the same photo again, not picked again
    wait_for_subject(page)
    wait_for_status(page, "Done", "done")
    assert retry.is_hidden()
    page.allowed_errors.append("status of 503")  # the full queue's 503 is logged


def test_javascript_client_calls_both_endpoints(server_url, tmp_path):
    node = shutil.which("node")
    require(node is not None, "Node.js is not installed")
    require((NODE_DIR / "node_modules/@gradio/client").is_dir(), f"run `npm ci` in {NODE_DIR}")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_bytes(size=(640, 480), box=(320, 120, 560, 360)))
    env = {
        **os.environ,
        "GRADIO_URL": server_url,
        "TEST_PHOTO": str(photo),
        "OUT_DIR": str(tmp_path),
    }
    result = subprocess.run([node, "--test", NODE_TEST], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass 2" in result.stdout, result.stdout
    cutout = np.asarray(Image.open(tmp_path / "remove_background.png"))
    assert cutout[240, 440, 3] == 255 and cutout[240, 100, 3] == 0  # subject opaque, rest clear
    matte = np.asarray(Image.open(tmp_path / "matte.png").convert("LA"))
    assert matte[240, 440, 1] > 250 and matte[240, 100, 1] < 5


# How long the editor waits for a lost backend, as backend.js says.
SOURCES = (PROJECT / "static", PROJECT / "frontend" / "src" / "lib")  # vanilla's; Vite's
BACKEND_JS = next(folder / "backend.js" for folder in SOURCES if (folder / "backend.js").exists())
RECONNECT_FOR_MS = int(re.search(r"RECONNECT_FOR = ([0-9_]+);", BACKEND_JS.read_text())[1])


def start_server(port: int) -> subprocess.Popen:
    """The app in its own process (`python -m tests.standin`), so the test can stop it."""
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "tests.standin"], cwd=PROJECT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.kill()
    pytest.fail("the app did not start")


def test_a_restarted_backend_is_reported_and_the_editor_recovers(browser, tmp_path):
    """The server goes away mid-request and comes back: the editor says so and sends the
    photo again by itself. Gone for longer, the page says so and Try again sends the photo
    once it is back. The user's text and style stay, with no reload.

    The page's clock is Playwright's (it runs as the real one until told otherwise): it stands
    still while the server restarts, however long a busy machine takes to start it, and jumps
    over the editor's wait (RECONNECT_FOR in backend.js) instead of sitting through it.

    The server is killed and started again once, mid-request. For the longer absence the page's
    requests are refused as a stopped server's are (ERR_CONNECTION_REFUSED, by Playwright): what
    the editor sees is the same, and a third start of the app would cost some 15 CPU-seconds."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(port)
    page = open_editor(browser, url, before=lambda p: p.clock.install())
    # What the browser and the Gradio client log while the server is gone. A request the server
    # had been sent but not yet read when it died is reset, not refused (the kernel answers the
    # unread data with a reset): rare mid-request, so the longer absence below makes one.
    page.allowed_errors += ["ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET",
                            "ERR_INCOMPLETE_CHUNKED_ENCODING", "network error",
                            "Connection errored out"]  # fmt: skip
    lost = "Lost the connection to the backend: reconnecting"
    try:
        style_text(page, "KEEP ME")
        occupy_model(url, tmp_path)
        upload(page, photo_bytes())
        wait_for_queue_position(page)  # the page's photo waits behind the busy model
        server.kill()  # mid-request
        server.wait(timeout=30)
        wait_for_status(page, lost, "busy")
        # A second ahead (the clock runs until then; a time it has passed is refused), in
        # seconds: Playwright's Python clock takes seconds, Date.now() gives milliseconds (given
        # as they are, the clock jumped a thousandfold ahead, past the editor's wait).
        page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)
        server = start_server(port)
        page.clock.resume()
        wait_for_subject(page)  # tried again by itself
        wait_for_status(page, "Done", "done")

        # Gone for longer than the editor waits: the server dies while the upload reaches it
        # (reset), and every request after it finds no server (refused).
        refused = []

        def refuse(route):
            refused.append(route.request.url)
            route.abort("connectionreset" if len(refused) == 1 else "connectionrefused")

        gone = re.compile(f"^{re.escape(url)}")
        page.route(gone, refuse)
        upload(page, photo_bytes(box=(100, 100, 500, 500)))
        wait_for_status(page, lost, "busy")
        page.clock.fast_forward(RECONNECT_FOR_MS + 2_000)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=status]').dataset.kind === 'error'",
            timeout=60_000,
        )
        assert "lost the connection" in page.get_by_test_id("status").text_content()
        assert [e for e in page.errors if "ERR_CONNECTION_RESET" in e], page.errors
        assert any("/config" in r for r in refused), refused  # it tried to connect again
        page.unroute(gone)  # back
        page.get_by_test_id("retry").click()
        wait_for_status(page, "Done", "done")
        assert page.get_by_test_id("text-input").input_value() == "KEEP ME"
        assert page.get_by_test_id("text-color").input_value() == "#ff0000"
        assert is_red(export(page)).sum() > 2000  # the text, still styled, in the export
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=30)


# ---- Export formats and photo adjustments

# Counts the workers the page starts: the export runs in one (export-worker.js).
WORKER_SPY = """
window.workers = 0;
window.Worker = class extends window.Worker {
  constructor(...args) { super(...args); window.workers++; }
};
"""
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def export_file(page) -> tuple[str, Image.Image]:
    """Clicks export: the file's suggested name and the decoded image."""
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    return download.value.suggested_filename, Image.open(download.value.path())


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_each_export_format_decodes_at_the_photos_size(browser, server_url, fmt):
    page = open_editor(browser, server_url, init_script=WORKER_SPY)
    try:
        upload(page, photo_bytes())
        wait_for_subject(page)
        style_text(page)
        page.get_by_test_id("export-format").select_option(fmt)
        name, image = export_file(page)
        assert image.format == PIL_FORMATS[fmt] and image.size == (1200, 800)
        assert name == f"text-behind-image.{'jpg' if fmt == 'jpeg' else fmt}"
        assert is_red(np.asarray(image.convert("RGB")).astype(int))[:, :600].sum() > 2000
        page.wait_for_function(
            f"() => document.querySelector('[data-testid=status]').textContent === 'Saved {name}.'"
        )
        assert page.evaluate("window.workers") == 1  # encoded off the main thread
        assert page.errors == []
    finally:
        page.close()


def test_gradient_and_quality_controls_show_only_where_they_apply(page):
    ids = ("text-color-2", "gradient-angle", "export-quality")
    colour2, angle, quality = (page.get_by_test_id(t) for t in ids)
    assert colour2.is_hidden() and angle.is_hidden() and quality.is_hidden()  # solid colour; PNG
    page.get_by_test_id("text-fill").select_option("gradient")
    colour2.wait_for(state="visible")
    assert angle.is_visible() and page.get_by_label("Gradient colour").count() == 1
    page.get_by_test_id("export-format").select_option("webp")
    quality.wait_for(state="visible")
    page.get_by_test_id("undo").click()  # the fill: back to solid, the gradient's controls go
    colour2.wait_for(state="hidden")
    assert quality.is_visible()  # the export's settings are not undone


def test_export_at_a_chosen_long_side(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    page.get_by_test_id("export-format").select_option("jpeg")
    page.get_by_test_id("export-quality").fill("80")
    page.get_by_test_id("export-size").select_option("720")
    name, image = export_file(page)
    assert (name, image.format, image.size) == ("text-behind-image.jpg", "JPEG", (720, 480))


def test_adjustments_change_the_background_but_not_the_subject(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    page.get_by_test_id("text-input").fill("")  # no text: only the photo and the subject
    before = np.asarray(export_file(page)[1].convert("RGB")).astype(int)
    page.get_by_text("Photo adjustments").click()  # a closed section at first
    page.get_by_test_id("brightness").fill("200")
    page.get_by_test_id("greyscale").fill("100")
    after = np.asarray(export_file(page)[1].convert("RGB")).astype(int)
    background, subject = (slice(50, 150), slice(50, 550)), (slice(205, 595), slice(605, 995))
    assert (np.abs(before[background] - DARK) <= 3).all()
    r, g, b = (after[background][..., i] for i in range(3))
    assert (np.abs(r - b) <= 3).all() and (np.abs(r - g) <= 3).all()  # grey
    assert r.mean() > 55  # and brighter
    assert np.abs(after[subject] - before[subject]).max() <= 1  # the subject as shot
    page.get_by_test_id("undo").click()  # the two sliders, undone one by one
    page.get_by_test_id("undo").click()
    assert (np.abs(np.asarray(export_file(page)[1].convert("RGB")).astype(int) - before) <= 1).all()


# ---- Nothing lost on reload; New; project files. Each test has its own browser context, so its
# own IndexedDB: a reload keeps the work, the next test starts empty.

# What the page keeps in IndexedDB (persistence.js): the present's texts, whether its photo and
# matte are there, and how many undo steps are kept; null before anything was kept.
STORED = """async () => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("text-behind-image", 1);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const get = (key) => new Promise((ok, ko) => {
    const r = db.transaction("work").objectStore("work").get(key);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const history = await get("history");
  if (!history) return db.close(), null;
  const step = history.steps[history.at];
  const images = step.photo && await get("photo:" + step.photo);
  db.close();
  return { texts: step.document.layers.map((l) => l.text), photo: Boolean(images?.photo),
           matte: Boolean(images?.matte), undo: history.at };
}"""


def wait_until_stored(page, texts, photo, matte, undo=None):
    """The page has written this work to IndexedDB (a moment after the last change), with `undo`
    steps before it (when given). Each poll starts a read and checks the last one that finished
    (wait_for_function takes no promise)."""
    want = {"texts": texts, "photo": photo, "matte": matte}
    if undo is not None:
        want["undo"] = undo
    poll = """() => {
      (READ)().then((s) => { window.storedWork = s && JSON.stringify(KEYS.map((k) => s[k])); });
      return window.storedWork === WANT;
    }"""
    values = json.dumps(list(want.values()), separators=(",", ":"))
    poll = poll.replace("READ", STORED).replace("KEYS", json.dumps(list(want)))
    poll = poll.replace("WANT", json.dumps(values))
    try:
        page.wait_for_function(poll, polling=100)
    except Exception as timeout:  # say what was kept instead
        kept = page.evaluate("window.storedWork")
        raise AssertionError(f"kept {kept}, not {want}; status: {status_of(page)}") from timeout


def status_of(page):
    return page.get_by_test_id("status").text_content()


def wait_for_status(page, text, kind=None, timeout=None):
    """The status line says `text` (of this `kind`), within `timeout` ms (Playwright's default)."""
    check = f"s.textContent.includes({json.dumps(text)})"
    if kind:
        check += f" && s.dataset.kind === {json.dumps(kind)}"
    status = "document.querySelector('[data-testid=status]')"
    page.wait_for_function(f"() => (s => {check})({status})", timeout=timeout)


def layer_labels(page, n):
    return [item.text_content() for item in wait_for_layers(page, n).all()]


def wait_for_labels(page, labels):
    """The layer list shows these labels, top first (the page redraws at the next frame)."""
    texts = "[...document.querySelectorAll('[data-testid=layer-item]')].map((e) => e.textContent)"
    try:
        same = f"want => JSON.stringify({texts}) === JSON.stringify(want)"
        page.wait_for_function(same, arg=labels)
    except Exception as timeout:
        raise AssertionError(f"the layers are {page.evaluate(texts)}, not {labels}") from timeout


def test_a_reload_restores_the_picture_without_calling_the_model_again(
    page, app_module, monkeypatch
):
    calls = []
    real = app_module.predict_matte
    monkeypatch.setattr(app_module, "predict_matte", lambda image: calls.append(1) or real(image))
    uploads = []
    page.on("request", lambda r: "/upload" in r.url and r.method == "POST" and uploads.append(r))
    upload(page, photo_bytes())
    wait_for_subject(page)
    page.get_by_text("Photo adjustments").click()  # a closed section at first
    page.get_by_test_id("brightness").fill("150")  # before the texts: the last write holds it
    style_text(page)
    page.get_by_test_id("add-layer").click()
    wait_for_layers(page, 2)  # the controls show the new layer: typing goes to it
    page.get_by_test_id("text-input").fill("SECOND")
    page.get_by_test_id("layer-front").check()
    wait_until_stored(page, ["HHHHHHHH", "SECOND"], photo=True, matte=True)
    before = export(page)
    page.reload()
    wait_for_status(page, "Restored", "done")
    wait_for_subject(page)
    assert layer_labels(page, 2) == ["SECOND · in front", "HHHHHHHH"]
    assert page.get_by_test_id("text-input").input_value() == "SECOND"  # still selected
    assert page.get_by_test_id("brightness").input_value() == "150"  # the adjustment too
    assert (export(page) == before).all()  # the same picture, pixel for pixel
    assert len(calls) == 1 and len(uploads) == 1  # the model ran once, before the reload
    assert page.errors == []


def test_a_reload_keeps_the_undo_history_across_two_photos(page, app_module, monkeypatch):
    calls = []
    real = app_module.predict_matte
    monkeypatch.setattr(app_module, "predict_matte", lambda image: calls.append(1) or real(image))
    upload(page, photo_bytes())
    wait_for_status(page, "Done", "done")
    first = export(page)
    upload(page, photo_bytes(box=(100, 100, 500, 500)), name="second.jpg")
    wait_for_status(page, "Done", "done")
    page.get_by_test_id("text-input").fill("ONE")
    for n, text in ((2, "TWO"), (3, "THREE")):
        page.get_by_test_id("add-layer").click()
        wait_for_layers(page, n)  # the controls show the new layer: typing goes to it
        page.get_by_test_id("text-input").fill(text)
    page.get_by_test_id("layer-front").check()
    wait_until_stored(page, ["ONE", "TWO", "THREE"], photo=True, matte=True)
    page.reload()
    wait_for_status(page, "Restored", "done")
    wait_for_labels(page, ["THREE · in front", "TWO", "ONE"])
    page.get_by_test_id("undo").click()  # the front checkbox
    wait_for_labels(page, ["THREE", "TWO", "ONE"])
    page.get_by_test_id("undo").click()  # the typing of THREE
    wait_for_labels(page, ["HELLO", "TWO", "ONE"])
    page.get_by_test_id("redo").click()
    wait_for_labels(page, ["THREE", "TWO", "ONE"])
    # Back past the second photo, to the start: the redone THREE, the added layer, TWO, the
    # added layer, ONE, the second photo, the first photo.
    for _ in range(7):
        page.get_by_test_id("undo").click()
    page.wait_for_function("() => document.querySelector('[data-testid=undo]').disabled")
    assert page.get_by_test_id("export").is_disabled()
    page.get_by_test_id("redo").click()  # the first photo, with its cut-out, kept too
    wait_for_subject(page)
    assert (export(page) == first).all()
    assert len(calls) == 2  # once per photo, before the reload
    assert page.errors == []


def test_new_clears_the_work_and_a_reload_then_shows_the_empty_editor(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    style_text(page, "OLD")
    wait_until_stored(page, ["OLD"], photo=True, matte=True)
    page.get_by_test_id("new").click()
    page.wait_for_function("() => document.querySelector('[data-testid=export]').disabled")
    assert layer_labels(page, 1) == ["HELLO"]
    assert page.get_by_test_id("text-input").input_value() == "HELLO"
    wait_until_stored(page, ["HELLO"], photo=False, matte=False)
    page.get_by_test_id("undo").click()  # within the session, New is one undo step
    wait_for_subject(page)
    assert page.get_by_test_id("text-input").input_value() == "OLD"
    page.get_by_test_id("redo").click()
    page.get_by_test_id("foreground").wait_for(state="hidden")
    wait_until_stored(page, ["HELLO"], photo=False, matte=False)
    page.reload()
    wait_for_status(page, "Ready")
    assert page.get_by_test_id("export").is_disabled()
    assert page.get_by_test_id("foreground").is_hidden()
    assert layer_labels(page, 1) == ["HELLO"]
    assert page.errors == []


def test_a_saved_project_file_opens_again_and_brings_the_layers_back(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    style_text(page)
    page.get_by_test_id("add-layer").click()
    wait_for_layers(page, 2)  # the controls show the new layer: typing goes to it
    page.get_by_test_id("text-input").fill("FRONT")
    page.get_by_test_id("layer-front").check()
    with page.expect_download() as download:
        page.get_by_test_id("save-project").click()
    path = download.value.path()
    saved = json.loads(Path(path).read_text())
    assert (saved["format"], saved["version"]) == ("text-behind-image", 2)
    assert [layer["text"] for layer in saved["document"]["layers"]] == ["HHHHHHHH", "FRONT"]
    assert saved["photo"]["type"] == "image/jpeg"  # the whole work: test_project_and_fonts.py
    before = export(page)
    for _ in range(2):
        page.get_by_test_id("delete-layer").click()
    wait_for_layers(page, 0)
    page.get_by_test_id("open-project").set_input_files(path)
    assert layer_labels(page, 2) == ["FRONT · in front", "HHHHHHHH"]
    assert (export(page) == before).all()
    page.get_by_test_id("undo").click()  # opening is one undo step
    wait_for_layers(page, 0)
    assert page.errors == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG not a project", "not JSON"),
        (json.dumps({"format": "text-behind-image", "version": 99, "layers": []}), "newer"),
        (json.dumps({"format": "text-behind-image", "version": 1, "size": None, "selected": None,
                     "layers": [{"text": "X", "fontSize": "big"}]}), '"fontSize" is not a number'),
    ],
    ids=["not-json", "newer-version", "wrong-shape"],
)  # fmt: skip
def test_a_bad_project_file_is_refused_with_a_message_and_changes_nothing(page, content, message):
    style_text(page, "KEEP")
    data = content.encode() if isinstance(content, str) else content
    page.get_by_test_id("open-project").set_input_files(
        {"name": "project.json", "mimeType": "application/json", "buffer": data}
    )
    wait_for_status(page, message, "error")
    assert layer_labels(page, 1) == ["KEEP"]
    assert page.get_by_test_id("text-input").input_value() == "KEEP"
    page.get_by_test_id("undo").click()  # the refusal was no step: Undo undoes the last edit
    page.wait_for_function("() => document.querySelector('[data-testid=font-size]').value !== '20'")
    assert page.get_by_test_id("text-input").input_value() == "KEEP"


# Replaces what the page kept in IndexedDB with layers that read well and a "photo" that is no
# image (the records of the version before the undo history).
DAMAGE = """async () => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("text-behind-image", 1);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const tx = db.transaction("work", "readwrite");
  tx.objectStore("work").delete("history");
  tx.objectStore("work").put({ format: "text-behind-image", version: 1, size: null, selected: 0,
                               layers: [{ text: "LOST" }] }, "layers");
  tx.objectStore("work").put({ version: 1, photo: new Blob(["garbage"], { type: "image/jpeg" }),
                               matte: null }, "images");
  await new Promise((ok, ko) => { tx.oncomplete = ok; tx.onerror = () => ko(tx.error); });
  db.close();
}"""


def test_damaged_stored_work_is_cleared_with_a_message_and_the_editor_works(page):
    # Once the page has kept its start (else it could write it again as the page unloads):
    wait_until_stored(page, ["HELLO"], photo=False, matte=False)
    page.evaluate(DAMAGE)
    page.reload()
    wait_for_status(page, "could not be restored, so it was cleared", "error")
    assert layer_labels(page, 1) == ["HELLO"]  # the empty editor
    upload(page, photo_bytes())
    wait_for_subject(page)
    wait_until_stored(page, ["HELLO"], photo=True, matte=True)  # kept again, from a clean start


# A browser whose storage is full: every write to IndexedDB fails.
FULL_STORAGE = """
IDBObjectStore.prototype.put = function () {
  throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
};
"""


def test_a_failed_save_is_shown_and_the_editor_keeps_working(browser, server_url):
    # Not waiting for "Ready": the first failed write may say so before the client connects.
    page = open_editor(browser, server_url, init_script=FULL_STORAGE, ready=False)
    try:
        style_text(page)
        wait_for_status(page, "could not keep your work (its storage is full)", "error")
        upload(page, photo_bytes())
        wait_for_subject(page)
        assert is_red(export(page))[:, :600].sum() > 2000
    finally:
        page.close()
