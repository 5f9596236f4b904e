"""A first run that flows, in Chromium against the real app (as test_frontend.py).

The first text lands behind the subject, found from its matte; a new text lands clear of the
others; the empty preview takes a click (the photo picker) or a drop; the photo and the project
each have a named button; a reload shows the photo's name; the status says what an undo or a
redo did; and a phone keeps the preview and the main actions in view, typing included.
"""

import io

import numpy as np
import pytest
from PIL import Image

from tests.test_frontend import (
    DARK,
    drag_on_stage,
    export,
    is_red,
    open_editor,
    photo_bytes,
    upload,
    wait_for_layers,
    wait_for_status,
    wait_for_subject,
    wait_until_stored,
)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
MAIN_ACTIONS = ("choose-photo", "add-layer", "export")  # photo, add text, download


def intercept_file_choosers(page):
    """Playwright asks Chromium to hand it the file choosers only once something listens for
    them, without waiting for the answer: listening from before the page loads, a click that
    opens one is never too early (expect_file_chooser alone can lose that race)."""
    page.on("filechooser", lambda chooser: None)


@pytest.fixture
def page(browser, server_url):
    """An editor page on a desktop window, as in test_frontend.py."""
    page = open_editor(browser, server_url, before=intercept_file_choosers)
    yield page
    page.close()


def dark_photo(size=(1200, 800)) -> bytes:
    """A photo with no subject at all (for the stand-in, nothing brighter than mid-grey)."""
    out = io.BytesIO()
    Image.new("RGB", size, DARK).save(out, format="JPEG", quality=95)
    return out.getvalue()


def ink_boxes(pixels: np.ndarray, colours: dict[str, tuple[int, int, int]]) -> dict:
    """Each colour's ink in the export: (x0, y0, x1, y1) of the pixels close to it."""
    boxes = {}
    for name, colour in colours.items():
        ys, xs = np.nonzero((np.abs(pixels - colour) < 60).all(axis=-1))
        assert len(xs) > 200, f"no {name} ink"
        boxes[name] = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    return boxes


def test_the_first_text_lands_behind_the_subjects_upper_part(page):
    # A slim subject left of the centre, from a third of the way down to the bottom: a person.
    x0, y0, x1, y1 = 150, 250, 550, 800
    upload(page, photo_bytes(box=(x0, y0, x1, y1)))
    wait_for_status(page, "Done", "done")
    page.get_by_test_id("text-color").fill("#ff0000")  # only its colour: the editor placed it
    red = is_red(export(page))
    ys, xs = np.nonzero(red)
    assert (xs.min() + xs.max()) / 2 == pytest.approx((x0 + x1) / 2, abs=25)  # centred on it
    assert xs.max() - xs.min() > 0.35 * 1200  # sized to the photo, wider than the subject
    assert ys.min() < y0 < ys.max()  # its top above the subject's, the rest down beside it
    assert ys.max() < y0 + 0.5 * (y1 - y0)  # by the subject's upper part
    assert red[y0:y1, x0:x1].sum() == 0  # hidden where the subject is: behind it
    assert red[y0:, :x0].sum() > 500 and red[y0:, x1:].sum() > 500  # and seen on both sides of it
    assert page.errors == []


def test_the_first_text_stays_centred_without_a_subject_and_added_texts_overlap_none(page):
    upload(page, dark_photo())
    wait_for_status(page, "Done", "done")
    colours = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255)}
    colours["yellow"] = (255, 255, 0)
    for _ in range(3):
        page.get_by_test_id("add-layer").click()
    items = wait_for_layers(page, 4)
    for i, hex_colour in enumerate(["#ffff00", "#0000ff", "#00ff00", "#ff0000"]):  # top first
        items.nth(i).click()
        page.get_by_test_id("text-color").fill(hex_colour)
    boxes = ink_boxes(export(page), colours)
    x0, y0, x1, y1 = boxes["red"]  # the first: at the centre, as there is no subject
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == pytest.approx((600, 400), abs=30)
    names = list(boxes)
    for i, a in enumerate(names):
        ax0, ay0, ax1, ay1 = boxes[a]
        assert 0 <= ax0 and 0 <= ay0 and ax1 <= 1200 and ay1 <= 800, (a, boxes[a])  # in the photo
        for b in names[i + 1 :]:
            bx0, by0, bx1, by1 = boxes[b]
            apart = ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0
            assert apart, f"{a} {boxes[a]} overlaps {b} {boxes[b]}"
    assert page.errors == []


def test_a_click_or_a_drop_on_the_empty_preview_takes_the_photo(page):
    empty = page.get_by_test_id("empty-stage")
    box = empty.bounding_box()
    assert box["width"] > 300 and box["height"] > 300  # the whole preview's area
    with page.expect_file_chooser() as chooser:
        page.mouse.click(box["x"] + 20, box["y"] + box["height"] - 20)  # anywhere on it
    assert chooser.value.element.get_attribute("data-testid") == "upload"  # the photo's input
    photo = {"name": "clicked.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    chooser.value.set_files(photo)
    wait_for_subject(page)
    assert page.get_by_test_id("photo-name").text_content() == "clicked.jpg"
    assert empty.is_hidden()

    page.get_by_test_id("new").click()  # the empty preview again
    empty.wait_for(state="visible")
    data = page.evaluate_handle(
        """(bytes) => {
          const files = new DataTransfer();
          files.items.add(new File([new Uint8Array(bytes)], "dropped.jpg", { type: "image/jpeg" }));
          return files;
        }""",
        list(photo_bytes(box=(100, 100, 500, 500))),
    )
    empty.dispatch_event("dragover", {"dataTransfer": data})
    empty.dispatch_event("drop", {"dataTransfer": data})
    wait_for_subject(page)
    assert page.get_by_test_id("photo-name").text_content() == "dropped.jpg"
    assert page.errors == []


def test_photo_and_project_are_two_clearly_named_buttons(page):
    assert page.locator("input[type=file]:visible").count() == 0  # no bare "Choose File" inputs
    for name, opens in (("Choose photo", "upload"), ("Open project", "open-project")):
        button = page.get_by_role("button", name=name, exact=True)
        with page.expect_file_chooser() as chooser:
            button.click()
        assert chooser.value.element.get_attribute("data-testid") == opens
    for name in ("Add text", "Download PNG"):  # the other main actions, by their names
        assert page.get_by_role("button", name=name, exact=True).count() == 1
    assert page.get_by_role("button", name="Choose a photo, or drop one here").is_visible()
    assert page.errors == []


def test_a_reload_shows_the_restored_photos_name(page):
    assert page.get_by_test_id("photo-name").text_content() == ""  # no photo yet
    upload(page, photo_bytes(), name="beach day.jpg")
    wait_for_subject(page)
    assert page.get_by_test_id("photo-name").text_content() == "beach day.jpg"
    wait_until_stored(page, ["HELLO"], photo=True, matte=True)
    page.reload()
    wait_for_status(page, "Restored", "done")
    wait_for_subject(page)
    assert page.get_by_test_id("photo-name").text_content() == "beach day.jpg"
    assert page.errors == []


def test_the_status_says_what_an_undo_or_a_redo_did(page):
    upload(page, photo_bytes())
    wait_for_status(page, "Done", "done")
    drag_on_stage(page, -60)  # the selected text moves, wherever the press
    page.get_by_test_id("text-input").fill("HEY")
    page.get_by_test_id("undo").click()
    wait_for_status(page, "Undid: typed HEY.", "info")
    page.get_by_test_id("undo").click()
    wait_for_status(page, "Undid: moved HELLO.", "info")
    page.get_by_test_id("redo").click()
    wait_for_status(page, "Redid: moved HELLO.", "info")
    page.get_by_test_id("stage").focus()
    page.keyboard.press("Control+z")  # the keys say it too
    wait_for_status(page, "Undid: moved HELLO.", "info")
    page.keyboard.press("Control+z")
    wait_for_status(page, "Undid: chose the photo.", "info")
    assert page.get_by_test_id("foreground").is_hidden()
    assert page.errors == []


def in_view(page, testid):
    """The element's box, asserting it lies whole within the phone's screen, and that nothing
    covers it (what the page shows at its middle is the element)."""
    element = page.get_by_test_id(testid)
    box = element.bounding_box()
    assert box is not None, f"{testid} is not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (testid, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, (testid, box)
    on_top = """(e) => { const r = e.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return e === hit || e.contains(hit); }"""
    assert element.evaluate(on_top), f"{testid} is covered"
    return box


def test_a_phone_keeps_the_preview_and_the_main_actions_in_view(browser, server_url):
    page = open_editor(browser, server_url, **PHONE)
    try:
        in_view(page, "empty-stage")  # at load: a preview to tap, and the actions
        for testid in MAIN_ACTIONS:
            in_view(page, testid)
        upload(page, photo_bytes(size=(900, 1200), box=(250, 300, 650, 1200)))  # a portrait
        wait_for_status(page, "Done", "done")
        stage = in_view(page, "stage")
        assert stage["height"] > 250  # a preview worth the name
        for testid in MAIN_ACTIONS:
            in_view(page, testid)
        # Typing: the text field comes into view, the preview and the actions stay.
        field = page.get_by_test_id("text-input")
        field.focus()
        page.keyboard.press("End")
        page.keyboard.type(" WORLD")
        in_view(page, "text-input")
        in_view(page, "stage")
        for testid in MAIN_ACTIONS:
            in_view(page, testid)
        assert field.input_value() == "HELLO WORLD"
        # Down to the last control: the preview is never scrolled away.
        page.get_by_test_id("export-size").scroll_into_view_if_needed()
        assert page.evaluate("window.scrollY") > 0  # the page did scroll
        in_view(page, "export-size")
        in_view(page, "stage")
        for testid in MAIN_ACTIONS:
            in_view(page, testid)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
        assert page.errors == []
    finally:
        page.close()
