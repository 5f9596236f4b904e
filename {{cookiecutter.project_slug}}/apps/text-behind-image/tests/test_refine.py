"""The brush that refines the cut-out, in a real browser: keep paints the subject back, remove
takes it away, one stroke is one undo step, and the strokes are part of the work (kept across a
reload, cleared by Reset).

The stand-in model's subject is the bright rectangle of photo_bytes() (x 600-1000, y 200-600 of
1200 x 800) and the red text, moved to the centre, passes behind it, so each test knows where a
stroke must change the exported PNG, and checks that it changed nothing anywhere else.
"""

import numpy as np
import pytest

from tests.test_frontend import (
    export,
    is_red,
    move_text,
    open_editor,
    photo_bytes,
    style_text,
    upload,
    wait_for_status,
    wait_for_subject,
)

pytestmark = pytest.mark.browser

WIDTH = 1200  # photo_bytes()'s width: image pixels per stage width
SIZE = 8  # the brush's size in the tests: 8% of the long side, a 96 px wide brush
RADIUS = SIZE / 100 * WIDTH / 2


@pytest.fixture
def page(browser, server_url):
    page = open_editor(browser, server_url)
    yield page
    page.close()


def wait_pressed(page, mode, pressed=True):
    """The mode's button shows it is pressed (or not): the page redraws at its next frame."""
    page.wait_for_function(
        "([id, want]) => document.querySelector(`[data-testid=${id}]`)"
        ".getAttribute('aria-pressed') === want",
        arg=[f"refine-{mode}", "true" if pressed else "false"],
    )


def start(page):
    """The photo cut out, the red text behind the subject, the brush's section open and sized."""
    upload(page, photo_bytes())
    wait_for_subject(page)
    style_text(page)
    move_text(page, (600, 400))  # from behind the subject's upper part (the first run's place)
    page.get_by_text("Refine the cut-out").click()  # a closed section at first
    page.get_by_test_id("brush-size").fill(str(SIZE))


def to_page(page, x, y):
    """A point of the photo (image pixels) -> page coordinates (CSS pixels)."""
    stage = page.get_by_test_id("stage").bounding_box()
    k = stage["width"] / WIDTH
    return stage["x"] + x * k, stage["y"] + y * k


def paint(page, mode, a, b):
    """One stroke with the mouse from a to b (image pixels), `mode`'s button pressed before
    (and left on)."""
    button = page.get_by_test_id(f"refine-{mode}")
    if button.get_attribute("aria-pressed") != "true":
        button.click()
        wait_pressed(page, mode)
    page.mouse.move(*to_page(page, *a))
    page.mouse.down()
    page.mouse.move(*to_page(page, *b), steps=8)
    page.mouse.up()


def changed(before, after) -> np.ndarray:
    return (before != after).any(axis=2)


def distance_to(a, b) -> np.ndarray:
    """Every pixel's distance (image pixels, from its centre) to the segment a-b."""
    ys, xs = np.mgrid[0:800, 0:WIDTH] + 0.5
    (ax, ay), (bx, by) = a, b
    t = np.clip(
        ((xs - ax) * (bx - ax) + (ys - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2), 0, 1
    )
    return np.hypot(xs - ax - t * (bx - ax), ys - ay - t * (by - ay))


def assert_only_in_band(before, after, a, b):
    """The export changed, and only within the brush's radius of the stroke (plus a pixel or two
    for the CSS-to-image rounding and anti-aliasing)."""
    diff = changed(before, after)
    assert diff.sum() > 1000, "the stroke changed nothing"
    far = distance_to(a, b) > RADIUS + 3
    assert not (diff & far).any(), f"{(diff & far).sum()} pixels changed outside the stroke"


def test_a_remove_stroke_shows_the_text_there_and_changes_nothing_else(page):
    start(page)
    before = export(page)
    assert not is_red(before)[350:450, 650:900].any()  # the text is behind the subject there
    a, b = (650, 400), (900, 400)
    paint(page, "remove", a, b)
    after = export(page)
    assert_only_in_band(before, after, a, b)
    assert is_red(after)[360:440, 650:900].sum() > 1000  # the subject taken away: the text shows
    # The preview's subject layer, too: gone in the middle of the stroke, there above it.
    alpha = page.get_by_test_id("foreground").evaluate(
        """(c, points) => points.map(([fx, fy]) => c.getContext('2d')
            .getImageData(Math.floor(fx * c.width), Math.floor(fy * c.height), 1, 1).data[3])""",
        [[775 / WIDTH, 400 / 800], [775 / WIDTH, 250 / 800]],
    )
    assert alpha == [0, 255]
    assert page.errors == []


def test_a_keep_stroke_makes_the_photo_cover_the_text_there(page):
    start(page)
    before = export(page)
    a, b = (300, 400), (500, 400)  # over the text, left of the subject: background
    assert is_red(before)[370:430, 310:490].sum() > 1000
    paint(page, "keep", a, b)
    after = export(page)
    assert_only_in_band(before, after, a, b)
    # The brush's core (its radius less the soft edge): the photo, opaque, over the text.
    assert not is_red(after)[370:430, 310:490].any()
    assert page.errors == []


def test_one_stroke_is_one_undo_step_and_reset_another(page):
    start(page)
    before = export(page)
    paint(page, "remove", (650, 400), (900, 400))
    one = export(page)
    paint(page, "keep", (300, 380), (500, 420))
    two = export(page)
    assert changed(one, two).any()
    page.get_by_test_id("undo").click()  # the whole second stroke
    assert (export(page) == one).all()
    page.get_by_test_id("redo").click()
    assert (export(page) == two).all()
    page.get_by_test_id("refine-reset").click()  # every stroke: one step
    assert (export(page) == before).all()
    assert page.get_by_test_id("refine-reset").is_disabled()  # nothing left to reset
    page.get_by_test_id("undo").click()
    assert (export(page) == two).all()
    page.get_by_test_id("undo").click()
    page.get_by_test_id("undo").click()
    assert (export(page) == before).all()
    assert page.errors == []


# The strokes of the present step, as the page kept them in IndexedDB (persistence.js).
KEPT_STROKES = """async () => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("text-behind-image", 1);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const history = await new Promise((ok, ko) => {
    const r = db.transaction("work").objectStore("work").get("history");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  db.close();
  return history ? history.steps[history.at].document.refine.length : -1;
}"""


def test_the_strokes_survive_a_reload(page):
    start(page)
    paint(page, "remove", (650, 400), (900, 400))
    painted = export(page)
    # Each poll starts a read and checks the last one that finished (no promise is awaited).
    poll = """() => {
      (READ)().then((n) => { window.keptStrokes = n; });
      return window.keptStrokes === 1;
    }""".replace("READ", KEPT_STROKES)
    page.wait_for_function(poll, polling=100)
    page.reload()
    wait_for_status(page, "Restored", "done")
    wait_for_subject(page)
    assert (export(page) == painted).all()
    page.get_by_test_id("undo").click()  # the stroke, still one step after the reload
    assert not (export(page) == painted).all()
    assert page.errors == []


def test_pressing_the_active_mode_again_moves_the_text_again(page):
    upload(page, photo_bytes(box=(1050, 600, 1150, 750)))  # subject in a corner, clear of the text
    wait_for_subject(page)
    style_text(page, "H")
    before = export(page)
    page.get_by_text("Refine the cut-out").click()
    keep, remove = page.get_by_test_id("refine-keep"), page.get_by_test_id("refine-remove")

    def pressed(keep_pressed, remove_pressed):
        wait_pressed(page, "keep", keep_pressed)
        wait_pressed(page, "remove", remove_pressed)

    keep.click()
    pressed(True, False)
    remove.click()  # the other mode: switches
    pressed(False, True)
    remove.click()  # the active one again: back to moving the text
    pressed(False, False)
    x, y = to_page(page, 600, 400)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 100, y, steps=5)
    page.mouse.up()
    stage = page.get_by_test_id("stage").bounding_box()
    after = export(page)
    moved = np.argwhere(is_red(after))[:, 1].mean() - np.argwhere(is_red(before))[:, 1].mean()
    assert moved == pytest.approx(-100 * WIDTH / stage["width"], abs=8)
    page.get_by_test_id("undo").click()  # the drag was the only change: no stroke was painted
    assert (export(page) == before).all()
    assert page.errors == []


def test_the_brush_outline_follows_the_pointer_while_a_mode_is_on(page):
    start(page)
    page.get_by_test_id("refine-keep").click()
    x, y = to_page(page, 300, 200)  # over the background, away from the text
    page.mouse.move(x, y)
    ring = """([fx, fy, r]) => {
      const c = document.querySelector('[data-testid=front-layer]');
      const at = (dx) => c.getContext('2d').getImageData(
        Math.round(fx * c.width + dx), Math.round(fy * c.height), 1, 1).data[3];
      return [at(0), at(-r), at(r)];
    }"""
    stage = page.get_by_test_id("stage").bounding_box()
    r_canvas = page.evaluate(
        "r => r * document.querySelector('[data-testid=front-layer]').width", RADIUS / WIDTH
    )
    where = [300 / WIDTH, 200 / 800, r_canvas]
    page.wait_for_function(f"(a) => ({ring})(a)[2] > 100", arg=where)
    centre, left, right = page.evaluate(ring, where)
    assert centre == 0 and left > 100 and right > 100  # a ring, not a disc
    page.mouse.move(stage["x"] + stage["width"] + 50, y)  # off the stage: no outline
    page.wait_for_function(f"(a) => ({ring})(a)[2] === 0", arg=where)
    page.get_by_test_id("refine-keep").click()  # moving the text again: no outline either
    page.mouse.move(x, y)
    page.wait_for_timeout(100)  # a frame or two: nothing should appear
    assert page.evaluate(ring, where) == [0, 0, 0]
    assert page.errors == []


def test_touch_paints_on_a_phone(browser, server_url):
    page = open_editor(
        browser, server_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        start(page)
        before = export(page)
        page.get_by_test_id("refine-remove").tap()
        page.evaluate("window.scrollTo(0, 0)")
        a, b = (650, 400), (900, 400)
        cdp = page.context.new_cdp_session(page)
        for i in range(9):  # a finger across the subject, in 8 moves
            x, y = to_page(page, a[0] + (b[0] - a[0]) * i / 8, a[1])
            kind = "touchMove" if i else "touchStart"
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        assert page.evaluate("window.scrollY") == 0  # the finger painted; the page did not scroll
        after = export(page)
        assert_only_in_band(before, after, a, b)
        assert is_red(after)[360:440, 650:900].sum() > 1000
        assert page.errors == []
    finally:
        page.close()
