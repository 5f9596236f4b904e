"""What a person sees, and what a JavaScript caller gets: Chromium and Node against the real app.

Chromium (Debian's, driven by Playwright) and Node must be installed; without them these tests
skip with the reason, except under CI=true, where they fail. The app serves everything its page
loads: on every page a test opens, each request that is not to the app is refused and recorded,
and the test fails if there was any, or a console error, or a breach of the app's
Content-Security-Policy (checked_pages).

The stand-in model's subject is every pixel brighter than mid-grey, so the tests know where the
subject is and check the pixels of the downloaded PNG.
"""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import security
from tests.browser import open_page as browser_page
from tests.conftest import require

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[1]
# Where package.json and node_modules are: the project root (vanilla) or frontend/ (Vite).
NODE_DIR = PROJECT / "frontend" if (PROJECT / "frontend").is_dir() else PROJECT
NODE_TEST = NODE_DIR / ("tests" if NODE_DIR != PROJECT else "tests/js") / "api-client.node.mjs"
AXE = NODE_DIR / "node_modules/axe-core/axe.min.js"
SQUARES = {(208, 215, 222), (255, 255, 255)}  # the checkerboard's colours (style.css)

# Before the page's own scripts: every text the status line shows is kept in window.statuses.
STATUS_SPY = """
window.statuses = [];
new MutationObserver(() => {
  const s = document.querySelector("[data-testid=status]");
  if (s && s.textContent !== window.statuses.at(-1)) window.statuses.push(s.textContent);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def open_page(browser, url, before=None, connected=True):
    """The page (tests/browser.py: requests not to the app refused, errors and breaches of the
    policy recorded and checked when the test ends), loaded and, if `connected`, ready.
    `before(page)` runs before the page loads."""
    page = browser_page(browser, url, init_script=STATUS_SPY, before=before)
    if connected:
        wait_for_status(page, "Ready", "done")
    return page


@pytest.fixture
def page(browser, server_url):
    return open_page(browser, server_url)


def photo_bytes(size=(1200, 800), box=(600, 200, 1000, 600)) -> bytes:
    """A dark JPEG whose subject (for the stand-in) is one bright rectangle."""
    image = Image.new("RGB", size, (30, 35, 45))
    image.paste((245, 245, 240), box)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def choose(page, data: bytes, name="holiday.jpg", mime="image/jpeg"):
    page.get_by_test_id("upload").set_input_files({"name": name, "mimeType": mime, "buffer": data})


def wait_for_status(page, text, kind):
    """Until the status line says `text` (a part of it) with data-kind `kind`."""
    page.wait_for_function(
        """([text, kind]) => {
          const status = document.querySelector("[data-testid=status]");
          return status?.textContent.includes(text) && status.dataset.kind === kind;
        }""",
        arg=[text, kind],
        timeout=30_000,
    )


@pytest.mark.quick  # the quick tier's walk through the page
def test_choose_a_photo_see_the_cutout_on_a_checkerboard_and_download_it(page):
    choose(page, photo_bytes(), name="holiday.jpg")
    wait_for_status(page, "Done", "done")
    assert "Cutting out…" in page.evaluate("window.statuses")

    result = page.get_by_test_id("result")
    assert result.is_visible()
    size = result.evaluate("(img) => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert size == [True, 1200, 800]
    # Where the cut-out is transparent (the photo's dark surround), the checkerboard shows.
    shot = Image.open(io.BytesIO(result.screenshot())).convert("RGB")
    corner = shot.crop((0, 0, shot.width * 4 // 10, shot.height // 5))
    assert {colour for _, colour in corner.getcolors(maxcolors=4096)} >= SQUARES

    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    assert download.value.suggested_filename == "holiday-cutout.png"
    cutout = Image.open(download.value.path())
    assert cutout.format == "PNG" and cutout.mode == "RGBA"
    assert cutout.size == (1200, 800)  # the photo's full size
    alpha = np.asarray(cutout)[..., 3]
    assert (alpha[210:590, 610:990] == 255).all()  # the subject, opaque (its edges are soft)
    assert (alpha[:, :590] == 0).all() and (alpha[:190] == 0).all()  # the rest, transparent


def test_a_waiting_photo_shows_its_place_in_the_queue(page, client, held_model, tmp_path):
    from gradio_client import handle_file

    started, release = held_model  # the model stays busy until release is set
    first = tmp_path / "first.jpg"
    first.write_bytes(photo_bytes())
    try:
        busy = client.submit(image_path=handle_file(str(first)), api_name="/remove_background")
        assert started.wait(timeout=30)  # the first call holds the model...
        choose(page, photo_bytes())  # ...so this one waits in the queue
        wait_for_status(page, "Waiting in queue: position 1 of 1", "busy")
        release.set()
        wait_for_status(page, "Done", "done")
        busy.result(timeout=60)
    finally:
        release.set()
    statuses = page.evaluate("window.statuses")
    assert statuses.index("Cutting out…") > statuses.index("Waiting in queue: position 1 of 1")


def test_a_file_that_is_not_an_image_gets_the_apps_message_and_the_page_keeps_working(page):
    choose(page, b"just some text", name="notes.txt", mime="text/plain")
    wait_for_status(page, "This file is not an image I can read", "error")
    assert page.get_by_test_id("result").is_hidden()
    assert page.get_by_test_id("download").is_hidden()
    choose(page, photo_bytes(), name="photo.jpg")  # another photo: the page works on
    wait_for_status(page, "Done", "done")
    assert page.get_by_test_id("result").is_visible()


def test_a_photo_over_the_upload_limit_is_refused_with_the_limit_and_nothing_sent(page, tmp_path):
    uploads = []
    page.on("request", lambda r: "gradio_api/upload" in r.url and uploads.append(r.url))
    too_big = tmp_path / "holiday.jpg"  # a file: as bytes, Playwright would send all 21 MB to
    too_big.write_bytes(os.urandom(security.MAX_FILE_SIZE + 2**20))  # Chromium as text (14 s)
    page.get_by_test_id("upload").set_input_files(too_big)
    wait_for_status(page, "This photo is 21.0 MB; the app takes photos of up to 20.0 MB", "error")
    assert uploads == []
    choose(page, photo_bytes())
    wait_for_status(page, "Done", "done")


def test_an_app_that_cannot_be_reached_is_said_so(browser, server_url):
    """The page loads, but Gradio's routes do not answer: the status says so."""
    gradio = re.compile(re.escape(server_url) + "(config|gradio_api/)")
    page = open_page(browser, server_url, connected=False,
                     before=lambda p: p.route(gradio, lambda route: route.abort()))  # fmt: skip
    wait_for_status(page, "Could not reach the app", "error")
    assert page.get_by_test_id("status").text_content().endswith("Reload the page to try again.")
    assert page.errors and all("net::ERR_FAILED" in e for e in page.errors), page.errors
    page.errors.clear()  # the refused requests, logged


def test_the_page_and_its_files_come_with_the_apps_policy(browser, server_url):
    responses = []
    page = open_page(
        browser, server_url, before=lambda p: p.on("response", lambda r: responses.append(r))
    )
    choose(page, photo_bytes())
    wait_for_status(page, "Done", "done")
    assert page.requests and all(url.startswith(server_url) for url in page.requests)
    ours = [r for r in responses if r.url == server_url or r.url.startswith(f"{server_url}ui/")]
    assert len(ours) > 2, [r.url for r in responses]  # the page, its script and its style at least
    assert {r.headers.get("content-security-policy") for r in ours} == {security.PAGE_CSP}


def serious_axe_violations(page) -> list[str]:
    """What axe-core (npm, injected from node_modules) finds at the serious or critical level."""
    require(AXE.is_file(), f"run `npm ci` in {NODE_DIR}")
    if not page.evaluate("'axe' in window"):
        page.evaluate(AXE.read_text())  # as DevTools would: a <script> would breach the policy
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']} ({v['help']}) at {n['target']}: {n['failureSummary']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]


def test_axe_finds_nothing_serious_and_the_keyboard_reaches_the_photo_input(page):
    assert serious_axe_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "upload"
    choose(page, photo_bytes())
    wait_for_status(page, "Done", "done")
    assert serious_axe_violations(page) == []  # with the cut-out and its download


def test_the_javascript_client_calls_the_endpoint(server_url, tmp_path):
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
    cutout = np.asarray(Image.open(tmp_path / "cutout.png"))
    assert cutout[240, 440, 3] == 255 and cutout[240, 100, 3] == 0  # subject opaque, rest clear
