"""The project file is the work, the user's own fonts, text along a curve: Chromium against the
real app (the helpers, and the checks every page gets, are tests/test_frontend.py's).

- A saved project opened in a fresh browser profile (a new browser context: no IndexedDB)
  exports the same pixels as the original; a damaged or foreign file is refused with its
  reason and nothing changes; a version 1 file still opens.
- A file beyond the editor's bounds (limits.js: 5,000 layers, a text of 200,000 lines) is
  refused with the bound within seconds, changing nothing, and so is such work kept in the
  browser at load; the text field takes no more than a text's bound.
- A font file of the user's (a TrueType file of the machine's: Debian's fonts-dejavu-core, which
  CI installs; a WOFF2 of the fontsource packages) draws in the export, survives a reload and
  travels in the project file; a file that is not a font is refused with a sentence.
- A bent text exports along its arc, is picked by a click on a curved letter, is outlined along
  it, and the preview draws what the export does.
"""

import base64
import io
import json
import math
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests import test_frontend
from tests.conftest import require
from tests.test_frontend import (
    BRIGHT,
    NODE_DIR,
    export,
    ink_width,
    is_red,
    layer_labels,
    move_text,
    open_editor,
    photo_bytes,
    status_of,
    style_text,
    upload,
    wait_for_labels,
    wait_for_layers,
    wait_for_status,
    wait_for_subject,
    wait_until_stored,
)
from tests.test_refine import paint

pytestmark = pytest.mark.browser

# test_frontend.py's fixture `page`, used here too (conftest's `checked_pages` checks every page
# a test opens: nothing asked off the app, no policy breached, no unexpected error logged).
page = test_frontend.page

# A TrueType font of the machine's: a serif, so its letters are not the fallback's (sans-serif).
DEJAVU_SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")
# A WOFF2 file from the fontsource packages the frontend installs (not one the menu loads).
PACIFICO = NODE_DIR / "node_modules/@fontsource/pacifico/files"
PACIFICO_WOFF2 = PACIFICO / "pacifico-latin-ext-400-normal.woff2"


def dejavu() -> bytes:
    require(DEJAVU_SERIF.exists(), f"{DEJAVU_SERIF} is missing (apt-get install fonts-dejavu-core)")
    return DEJAVU_SERIF.read_bytes()


def add_font(page, data: bytes, name: str, mime="font/ttf"):
    file = {"name": name, "mimeType": mime, "buffer": data}
    page.get_by_test_id("font-upload").set_input_files(file)


def font_menu(page) -> list[tuple[str, str]]:
    """The font select's choices: (value, label)."""
    options = page.eval_on_selector_all(
        "[data-testid=font-family] option", "(os) => os.map((o) => [o.value, o.textContent])"
    )
    return [tuple(option) for option in options]


def save_project(page) -> tuple[str, dict]:
    """Clicks Save project: the file's name and its content."""
    with page.expect_download() as download:
        page.get_by_test_id("save-project").click()
    path = download.value.path()
    return download.value.suggested_filename, json.loads(Path(path).read_text())


def open_project(page, data: dict | bytes, name="project.json"):
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    page.get_by_test_id("open-project").set_input_files(
        {"name": name, "mimeType": "application/json", "buffer": content}
    )


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def show_transform(page):
    """Opens the Transform section (closed at first), where the bend is."""
    bend = page.get_by_test_id("bend")
    if not bend.is_visible():
        page.get_by_text("Transform", exact=True).click()
    bend.wait_for(state="visible")


def test_a_saved_project_opens_in_a_fresh_browser_and_exports_the_same_pixels(browser, server_url):
    """The whole work, in one file: a photo with its cut-out, refined with the brush, two layers
    (one in the user's own font, one bent), the photo's adjustments."""
    page = open_editor(browser, server_url)
    try:
        upload(page, photo_bytes(), name="holiday.jpg")
        wait_for_subject(page)
        style_text(page, "BENT")
        move_text(page, (600, 400))  # at the centre, from the first run's place
        show_transform(page)
        page.get_by_test_id("bend").fill("50")
        page.get_by_test_id("add-layer").click()
        wait_for_layers(page, 2)
        page.get_by_test_id("text-input").fill("Serif")
        add_font(page, dejavu(), "DejaVuSerif-Bold.ttf")
        wait_for_status(page, 'Added your font "DejaVu Serif Bold"', "done")
        page.get_by_text("Photo adjustments").click()
        page.get_by_test_id("brightness").fill("130")
        page.get_by_text("Refine the cut-out").click()  # a band taken out of the subject
        page.get_by_test_id("brush-size").fill("5")
        paint(page, "remove", (700, 300), (900, 300))
        page.get_by_test_id("refine-remove").click()  # the brush off again
        original = export(page)
        name, saved = save_project(page)
        wait_for_status(page, "to open in any browser", "done")
    finally:
        page.close()

    assert name == "text-behind-image.json"
    assert (saved["format"], saved["version"]) == ("text-behind-image", 2)
    assert saved["photo"]["name"] == "holiday.jpg" and saved["photo"]["type"] == "image/jpeg"
    assert base64.b64decode(saved["photo"]["data"]) == photo_bytes()  # the file as given
    matte = Image.open(io.BytesIO(base64.b64decode(saved["matte"]["data"])))
    assert matte.format == "PNG" and matte.size == (1024, 683)  # the backend's, as it came
    assert [f["label"] for f in saved["fonts"]] == ["DejaVu Serif Bold"]
    assert base64.b64decode(saved["fonts"][0]["data"]) == dejavu()
    document = saved["document"]
    assert [layer["text"] for layer in document["layers"]] == ["BENT", "Serif"]
    assert document["layers"][0]["bend"] == 50
    assert document["layers"][1]["fontFamily"] == saved["fonts"][0]["id"]
    assert document["adjust"]["brightness"] == 130
    assert [stroke["mode"] for stroke in document["refine"]] == ["remove"]

    fresh = open_editor(browser, server_url)  # a new context: its own, empty, IndexedDB
    try:
        assert [label for _, label in font_menu(fresh)].count("DejaVu Serif Bold") == 0
        open_project(fresh, saved)
        wait_for_status(fresh, "Opened the project: its photo and 2 text layers.", "done")
        wait_for_subject(fresh)
        assert layer_labels(fresh, 2) == ["Serif", "BENT"]
        assert "DejaVu Serif Bold" in [label for _, label in font_menu(fresh)]
        assert (export(fresh) == original).all()  # pixel for pixel
    finally:
        fresh.close()

    # The stroke took a band out of the subject: the photo shows there, adjusted (130% of its
    # bright rectangle: white), while the rest of the subject is as shot.
    assert (original[295:305, 730:870] >= 254).all()
    assert (np.abs(original[450:550, 700:900] - BRIGHT) <= 3).all()


def python_project(**changes) -> dict:
    """A version 2 project made without the editor (as another tool would): the stand-in's
    photo and its matte (opaque where the photo is bright), one layer."""
    photo = photo_bytes(box=(700, 200, 1100, 600))
    matte = Image.new("LA", (1024, 683), (0, 0))
    matte.paste((0, 255), (597, 171, 939, 512))
    project = {
        "format": "text-behind-image",
        "version": 2,
        "document": {
            "size": {"width": 1200, "height": 800},
            "selected": 0,
            "layers": [
                {"text": "FROM PYTHON", "x": 350, "y": 400, "color": "#ff0000", "fontSize": 12}
            ],
        },
        "photo": {"name": "made.jpg", "type": "image/jpeg", "data": b64(photo)},
        "matte": {"type": "image/png", "data": b64(png(matte))},
        "fonts": [],
    }
    return {**project, **changes}


def test_a_project_another_tool_wrote_opens_and_a_bad_one_is_refused_and_changes_nothing(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    style_text(page, "KEEP")
    menu = font_menu(page)
    good = python_project()
    doc = good["document"]
    not_an_image = {**good["photo"], "data": b64(b"\xff\xd8\xff not really a JPEG")}
    square = {"type": "image/png", "data": b64(png(Image.new("LA", (512, 512), (0, 255))))}
    fake_font = [{"id": "file-x", "label": "Fake", "data": b64(b"<html>no font</html>")}]
    bad = [
        (b"\x89PNG\r\n\x1a\n not a project", "not JSON"),
        ({"format": "photoshop", "version": 2}, "not a Text Behind Image project file"),
        ({**good, "version": 3}, "format version 3, from a newer editor"),
        ({k: v for k, v in good.items() if k != "photo"}, 'damaged: "photo" is missing'),
        ({**good, "photo": {**good["photo"], "data": "%%%"}}, "damaged: the photo is not base64"),
        ({**good, "photo": not_an_image}, "damaged: its photo cannot be read as an image"),
        ({**good, "matte": {**good["matte"], "data": b64(b"garbage")}}, "its matte cannot be read"),
        ({**good, "matte": square}, "its matte (512 x 512) does not fit its photo (1200 x 800)"),
        ({**good, "document": {**doc, "size": {"width": 800, "height": 800}}}, "were placed on"),
        ({**good, "fonts": fake_font}, 'damaged: font "Fake" is not a font file'),
    ]
    for content, reason in bad:
        open_project(page, content)
        try:
            wait_for_status(page, reason, "error")
        except Exception as timeout:
            raise AssertionError(f"{reason!r}: the status says {status_of(page)!r}") from timeout
        assert layer_labels(page, 1) == ["KEEP"]  # nothing changed: the layers, the font menu
        assert page.get_by_test_id("text-input").input_value() == "KEEP"
        assert font_menu(page) == menu
    page.get_by_test_id("undo").click()  # no refusal was a step: Undo undoes the last edit
    page.wait_for_function("() => document.querySelector('[data-testid=font-size]').value !== '20'")
    assert page.get_by_test_id("text-input").input_value() == "KEEP"

    open_project(page, good)  # the control: the same file, unspoilt, opens
    wait_for_status(page, "Opened the project: its photo and 1 text layer.", "done")
    assert layer_labels(page, 1) == ["FROM PYTHON"]
    pixels = export(page)
    assert pixels.shape == (800, 1200, 3)
    assert is_red(pixels)[:, :700].sum() > 2000  # the text, over the background
    assert (np.abs(pixels[210:590, 710:1090] - BRIGHT) < 30).all()  # the file's matte: the subject


def test_a_version_1_project_still_opens_on_the_current_photo(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    v1 = {
        "format": "text-behind-image",
        "version": 1,
        "size": {"width": 600, "height": 400},
        "selected": 0,
        "layers": [
            {"text": "OLD FILE", "x": 150, "y": 200, "color": "#ff0000", "fontFamily": "impact"}
        ],
        "adjust": {"greyscale": 100},
    }
    open_project(page, v1)
    wait_for_status(page, "Opened a project of 1 text layer.")
    assert layer_labels(page, 1) == ["OLD FILE"]
    assert page.get_by_test_id("font-family").input_value() == "anton"  # impact's look-alike
    pixels = export(page)
    red = np.argwhere(is_red(pixels))
    assert 250 < red[:, 1].mean() < 350  # placed at the same place on this (bigger) photo


# A crafted project file froze the editor for 20 to 30 s, and again at every reload (the work kept
# in the browser was restored, and drawn): now each is refused with its bound, before anything is
# drawn or kept. The bound on time is generous: the point is that it is seconds, not half a minute.
REFUSED_WITHIN_MS = 10_000


def test_a_project_file_beyond_the_editors_bounds_is_refused_in_seconds_and_changes_nothing(page):
    upload(page, photo_bytes())
    wait_for_subject(page)
    style_text(page, "KEEP")
    wait_until_stored(page, ["KEEP"], photo=True, matte=True)
    many = python_project()  # a version 2 file: its photo, its matte, 5,000 layers
    many["document"] = {**many["document"], "layers": many["document"]["layers"] * 5000}
    lines = {  # a version 1 file: one text of 200,000 lines
        "format": "text-behind-image",
        "version": 1,
        "size": {"width": 1200, "height": 800},
        "selected": 0,
        "layers": [{"text": "\n".join(["line"] * 200_000)}],
    }
    for crafted, reason in [
        (many, "This project file has 5,000 text layers; the editor opens at most 50."),
        (lines, "a text of 999,999 characters (layer 1); the editor opens texts of at most 1,000."),
    ]:
        started = time.monotonic()
        open_project(page, crafted)
        wait_for_status(page, reason, "error", timeout=REFUSED_WITHIN_MS)
        print(f"refused in {time.monotonic() - started:.1f} s: {status_of(page)}")
        assert layer_labels(page, 1) == ["KEEP"]  # nothing changed, and nothing was kept
        assert page.get_by_test_id("text-input").input_value() == "KEEP"
    page.reload()
    wait_for_status(page, "Restored your last picture.", "done", timeout=REFUSED_WITHIN_MS)
    assert layer_labels(page, 1) == ["KEEP"]

    # The editor's own text field stops at the bound, so what it saves opens again.
    page.get_by_test_id("text-input").fill("x" * 1_001)
    assert len(page.get_by_test_id("text-input").input_value()) == 1_000
    wait_until_stored(page, ["x" * 1_000], photo=True, matte=True)


# Keeps, in the page's IndexedDB, a picture whose step has 5,000 layers on a photo (what the editor
# before these bounds kept after opening such a file).
KEEP_TOO_MANY = """async () => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("text-behind-image", 1);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const c = Object.assign(document.createElement("canvas"), { width: 1200, height: 800 });
  c.getContext("2d").fillRect(0, 0, 1200, 800);
  const photo = await new Promise((ok) => c.toBlob(ok, "image/png"));
  const layers = Array.from({ length: 5000 }, (_, i) => ({ text: `L${i}`, x: 600, y: 400 }));
  const step = { size: { width: 1200, height: 800 }, selected: 0, layers };
  const tx = db.transaction("work", "readwrite");
  tx.objectStore("work").put({ version: 2, at: 0, steps: [{ document: step,
    ids: layers.map((_, i) => `k${i}`), photo: "big" }] }, "history");
  tx.objectStore("work").put({ version: 1, photo, matte: null }, "photo:big");
  await new Promise((ok, ko) => { tx.oncomplete = ok; tx.onerror = () => ko(tx.error); });
  db.close();
}"""


def test_work_kept_beyond_the_editors_bounds_is_refused_at_load_in_seconds(page):
    # Once the page has kept its start (else it could write it again as the page unloads):
    wait_until_stored(page, ["HELLO"], photo=False, matte=False)
    page.evaluate(KEEP_TOO_MANY)
    started = time.monotonic()
    page.reload()
    reason = "could not be restored, so it was cleared (it has 5,000 text layers; the editor opens"
    wait_for_status(page, reason, "error", timeout=REFUSED_WITHIN_MS)
    print(f"refused in {time.monotonic() - started:.1f} s: {status_of(page)}")
    assert layer_labels(page, 1) == ["HELLO"]  # the empty editor
    wait_until_stored(page, ["HELLO"], photo=False, matte=False)  # kept again, from a clean start
    page.reload()
    wait_for_status(page, "Ready")
    assert layer_labels(page, 1) == ["HELLO"]


def test_an_uploaded_font_draws_in_the_export_survives_a_reload_and_a_non_font_is_refused(page):
    upload(page, photo_bytes(box=(1050, 600, 1150, 750)))  # subject in a corner, clear of the text
    wait_for_subject(page)
    style_text(page, "Serif")  # 20% of 800 px: 160 px
    move_text(page, (600, 400))  # at the centre, from the subject's corner (the first run's place)
    menu = font_menu(page)

    # Not a font: refused with a sentence, nothing else changes.
    not_a_font = '"photo.ttf" is not a font file: choose a TTF, OTF, WOFF or WOFF2 file.'
    for data, name, reason in [
        (photo_bytes(), "photo.ttf", not_a_font),
        (b"wOF2" + bytes(200), "broken.woff2", '"broken" has a font\'s signature, but this'),
    ]:
        add_font(page, data, name)
        wait_for_status(page, reason, "error")
        assert "Nothing was changed." in status_of(page)
        assert font_menu(page) == menu
        assert page.get_by_test_id("font-family").input_value() == "anton"

    add_font(page, dejavu(), "DejaVuSerif-Bold.ttf")
    wait_for_status(page, 'Added your font "DejaVu Serif Bold" to the selected text.', "done")
    font = page.get_by_test_id("font-family").input_value()
    assert font.startswith("file-") and (font, "DejaVu Serif Bold") in font_menu(page)
    weight = page.get_by_test_id("font-weight").input_value()
    served = ink_width(page, f'"{font}"', "Serif", 160, weight)
    fallback = ink_width(page, "sans-serif", "Serif", 160, weight)
    assert abs(served - fallback) > 20, (served, fallback)  # so the widths tell them apart
    before = export(page)  # drawn by the worker, which loads the font from its bytes
    columns = np.argwhere(is_red(before))[:, 1]
    assert columns.max() - columns.min() + 1 == pytest.approx(served, abs=6), (served, fallback)

    wait_until_stored(page, ["Serif"], photo=True, matte=True)
    page.reload()
    wait_for_status(page, "Restored", "done")
    assert page.get_by_test_id("font-family").input_value() == font  # kept in this browser
    assert (font, "DejaVu Serif Bold") in font_menu(page)
    assert (export(page) == before).all()

    # A WOFF2 file: its name table is compressed, so it is named after its file.
    add_font(page, PACIFICO_WOFF2.read_bytes(), "Pacifico Latin Ext.woff2", "font/woff2")
    wait_for_status(page, 'Added your font "Pacifico Latin Ext"', "done")
    mine = [label for _, label in font_menu(page)][-2:]
    assert mine == ["DejaVu Serif Bold", "Pacifico Latin Ext"]
    page.get_by_test_id("undo").click()  # the font given to the text was one step
    chosen = "() => document.querySelector('[data-testid=font-family]').value === FONT"
    page.wait_for_function(chosen.replace("FONT", json.dumps(font)))


# The red ink of a canvas of the page: rows and columns of its red pixels, and its size.
CANVAS_RED = """(c) => {
  const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
  const red = [];
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] > 200 && data[i + 1] < 60 && data[i + 2] < 60 && data[i + 3] > 200) red.push(i / 4);
  }
  return { width: c.width, height: c.height, red };
}"""


def red_rows(mask: np.ndarray) -> dict[int, float]:
    """Each column's mean row of red."""
    rows, cols = np.nonzero(mask)
    return {int(c): float(rows[cols == c].mean()) for c in np.unique(cols)}


def test_a_bent_text_exports_along_its_arc_is_picked_on_a_curved_letter_and_the_preview_agrees(
    page,
):
    upload(page, photo_bytes(box=(1100, 700, 1150, 750)))  # subject in a corner, clear of the text
    wait_for_subject(page)
    style_text(page, "——————")  # em dashes: one thin bar, whose rows the arc moves
    page.get_by_test_id("font-size").fill("10")
    move_text(page, (600, 400))  # at the centre, its ends far from the photo's edges
    straight = export(page)
    bar = np.argwhere(is_red(straight))
    x0, x1, row = bar[:, 1].min(), bar[:, 1].max(), bar[:, 0].mean()
    centre = (x0 + x1) / 2  # the text's centre column (its row: the bar's, give or take its height)
    show_transform(page)
    page.get_by_test_id("bend").fill("60")
    bent = export(page)
    rows = red_rows(is_red(bent))
    # The bar on the arc: radius r = its length / 60% of a half circle, through the text's
    # centre, with the circle's centre below it (an arch). Its middle stays where it was.
    r, a = (x1 - x0 + 1) / (0.6 * math.pi), 0.3 * math.pi
    middle = [y for x, y in rows.items() if abs(x - centre) < 4]
    assert middle and np.mean(middle) == pytest.approx(row, abs=1.5)
    for x, y in rows.items():
        dx = x + 0.5 - centre - 0.5
        if abs(dx) > 0.95 * r * math.sin(a):
            continue  # the bar's ends, cut square, are not the line
        expected = row + r - math.sqrt(r * r - dx * dx)
        assert abs(y - expected) < 3 + 0.04 * r, (x, y, expected)  # the bar's length is its ink's
    ends = [y for x, y in rows.items() if abs(x - centre) > 0.8 * r * math.sin(a)]
    assert min(ends) - row > 0.5 * r * (1 - math.cos(a)), (ends, row, r)  # the ends came down

    # The preview draws what the export does (at its own scale).
    canvas = page.get_by_test_id("text-layer")
    preview = canvas.evaluate(CANVAS_RED)
    k = 1200 / preview["width"]
    red = np.zeros((preview["height"], preview["width"]), bool)
    red.flat[preview["red"]] = True
    counts = red.sum(axis=0)
    whole = 0.7 * np.median(counts[counts > 0])
    for x, y in red_rows(red).items():
        column = round((x + 0.5) * k - 0.5)
        if abs(column - centre) > 0.95 * r * math.sin(a) or counts[x] < whole:
            continue  # a column through a dash's sloping end (the bar's, or where two dashes meet)
        full = rows.get(column)
        if full is not None:
            assert abs((y + 0.5) * k - 0.5 - full) < 2.5 * k, (x, y, full)

    # A click on a curved letter (the left end, far below the text's centre) picks the layer; a
    # click where the straight text was, at that column, does not.
    page.get_by_test_id("text-input").fill("HHHHHHHH")
    page.get_by_test_id("font-size").fill("20")
    page.get_by_test_id("add-layer").click()
    wait_for_layers(page, 2)
    page.get_by_test_id("text-input").fill("OTHER")
    page.get_by_test_id("font-size").fill("5")
    box = canvas.bounding_box()
    letters = np.zeros_like(red)
    letters.flat[canvas.evaluate(CANVAS_RED)["red"]] = True
    left = red_rows(letters)
    x0 = min(left) + 4
    dpr = preview["width"] / box["width"]
    straight_row = box["y"] + row / 1200 * box["width"]  # CSS pixels
    page.mouse.click(box["x"] + (x0 + 0.5) / dpr, straight_row)
    assert layer_labels(page, 2) == ["OTHER", "HHHHHHHH"]
    assert page.get_by_test_id("text-input").input_value() == "OTHER"  # missed: still OTHER
    page.mouse.click(box["x"] + (x0 + 0.5) / dpr, box["y"] + (left[x0] + 0.5) / dpr)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=text-input]').value === 'HHHHHHHH'"
    )
    # Selected, it is outlined along its arc: the outline's ends are lower than its middle.
    outline = page.get_by_test_id("front-layer").evaluate(
        """(c) => {
          const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
          const top = (x) => {
            for (let y = 0; y < c.height; y++) if (data[(y * c.width + x) * 4 + 3]) return y;
          };
          let x0 = 0, x1 = c.width - 1;
          while (x0 < c.width && top(x0) === undefined) x0++;
          while (x1 > 0 && top(x1) === undefined) x1--;
          return { left: top(x0 + 2), middle: top(Math.round((x0 + x1) / 2)), right: top(x1 - 2) };
        }"""
    )
    low = min(outline["left"], outline["right"]) - outline["middle"]
    assert low > 20, outline
    assert page.errors == []
    wait_for_labels(page, ["OTHER", "HHHHHHHH"])
