"""The app's page in Chromium, watched: what every browser test needs, whatever the app.

open_page() refuses and records every request that is not to the app, and records console
errors and Content-Security-Policy breaches; the `checked_pages` fixture (tests/conftest.py,
autouse) fails a test whose pages did any of that. The queue helpers use only what every page
of this template shows: a status line (data-testid="status") that says "Ready" once the page is
connected, "position N" while a call waits, and data-kind="error" when one failed.
"""

import re
import time
from pathlib import Path

# Reports every Content-Security-Policy breach the page sees (the console reports them too).
CSP_SPY = """
addEventListener("securitypolicyviolation", (e) =>
  window.cspViolation(`${e.violatedDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
"""
OPENED = []  # the pages the running test opened: checked when it ends


def open_page(browser, url, init_script=None, before=None, **options):
    """The app's page at `url`, loaded. Every request that is not to the app (under `url`) is
    refused and recorded in page.off_origin; every request in page.requests, console errors in
    page.errors (page.allowed_errors: patterns the test expects), CSP breaches in
    page.csp_violations. `before(page)` runs before the page loads; `options` go to new_page (a
    phone's viewport, touch); a desktop window by default."""
    options = {"viewport": {"width": 1280, "height": 800}, **options}
    page = browser.new_page(accept_downloads=True, **options)
    page.errors, page.csp_violations, page.off_origin, page.requests = [], [], [], []
    page.allowed_errors = []
    page.expose_function("cspViolation", lambda text: page.csp_violations.append(text))
    page.add_init_script(CSP_SPY)
    if init_script:
        page.add_init_script(init_script)

    def console(message):
        if message.type == "error":  # with its source: for a failed load, the request's URL
            page.errors.append(f"{message.text} ({message.location.get('url')})")
        if "Content Security Policy" in message.text:
            page.csp_violations.append(message.text)

    def refuse(route):
        page.off_origin.append(route.request.url)
        route.abort()

    page.on("console", console)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.context.on("request", lambda r: page.requests.append(r.url))
    # On the context: a page's workers ask through it too. A pattern, not a Python function:
    # Playwright then matches requests itself, and stops only those; with a function, every
    # request of the page waited for this process to answer (0.4 CPU-seconds a page, and a
    # request made while the test was busy elsewhere, starting a server say, hung until then).
    page.context.route(re.compile(f"^(?!{re.escape(url)})"), refuse)
    if before:
        before(page)
    page.goto(url)
    OPENED.append(page)
    return page


def check_opened_pages() -> None:
    """None of the pages opened since the last check reached anything but the app, saw its
    Content-Security-Policy breached, or logged an error its test did not expect."""
    pages = list(OPENED)
    OPENED.clear()
    for page in pages:
        assert page.off_origin == [], f"requests not to the app: {page.off_origin}"
        assert page.csp_violations == [], page.csp_violations
        expected = re.compile("|".join(page.allowed_errors) or "$^")
        unexpected = [e for e in page.errors if not expected.search(e)]
        assert unexpected == [], f"console errors: {unexpected}"  # pytest explains no assert here


def big_calls(url: str, folder: Path, jobs: int, **httpx_kwargs) -> list:
    """Submits `jobs` big calls (tests/the_app.py) from one Python client; returns the jobs."""
    from gradio_client import Client

    from tests import the_app  # here: the_app's page helpers import this module

    # A queue join may wait some seconds while the app reads a big call (httpx's default: 5 s).
    client = Client(url, verbose=False, download_files=folder / "downloads",
                    httpx_kwargs={**httpx_kwargs, "timeout": 60})  # fmt: skip
    return [client.submit(**the_app.call(folder, big=True)) for _ in range(jobs)]


def occupy_model(url: str, folder: Path):
    """Two big calls of a Python client, one running and one waiting once this returns: a call
    made now waits in the queue for both, a margin a machine busy with other work needs (one
    alone has ended before Chromium's call joined). Returns the later job."""
    from gradio_client.utils import Status

    jobs = big_calls(url, folder, 2)
    deadline = time.monotonic() + 60
    while set(codes := [job.status().code for job in jobs]) != {Status.PROCESSING, Status.IN_QUEUE}:
        assert time.monotonic() < deadline, codes
        time.sleep(0.05)
    return jobs[codes.index(Status.IN_QUEUE)]  # read once: the queued one may start right after


def wait_until_ready(page) -> None:
    """The status line says the page is connected to the app, and ready."""
    page.wait_for_function(
        "() => /Ready/.test(document.querySelector('[data-testid=status]').textContent)"
    )


def wait_for_queue_position(page) -> None:
    """The status line shows the page's call waiting in the queue."""
    page.wait_for_function(  # a function: the page's CSP refuses eval'd strings
        "() => /position [0-9]+/.test(document.querySelector('[data-testid=status]').textContent)"
    )


def wait_for_error(page, timeout: float = 60_000) -> str:
    """The status line's error, once the page's call failed."""
    error = page.locator("[data-testid=status][data-kind=error]")
    error.wait_for(timeout=timeout)
    return error.text_content()
