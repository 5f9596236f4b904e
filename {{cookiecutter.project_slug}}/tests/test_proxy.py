"""The app behind a real nginx, under a path prefix, with nginx-location.conf as deployed.

The app runs in its own process with GRADIO_ROOT_PATH set to the file's prefix (Gradio reads it
at launch, so the session's server, at the root, cannot be reused), as an operator runs it; nginx
(Debian's package, as this user) in front, with a config written around nginx-location.conf
whose only change is the app's port: the `deployed` fixture (tests/conftest.py, tests/deployed.py),
which the attacks through nginx (tests/test_security.py) share. Without nginx this test skips,
saying why; under CI=true it fails. What the test does with the app, it does through
tests/the_app.py.
"""

from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests import the_app
from tests.browser import occupy_model, open_page, wait_for_queue_position, wait_until_ready
from tests.deployed import PREFIX

pytestmark = pytest.mark.browser


@pytest.fixture
def proxied_url(deployed):
    """http://127.0.0.1:PORT/PREFIX/: nginx in front of the app."""
    return deployed["local"]


def test_the_app_works_under_a_path_prefix_through_nginx(browser, proxied_url, tmp_path):
    """The page, its files, the client's connection, the queue's status and the results, all
    through PREFIX: open_page refuses every request outside it."""
    # PREFIX without its slash is sent on to the page.
    moved = httpx.get(proxied_url.rstrip("/"))
    assert moved.status_code == 301 and moved.headers["location"].endswith(f"{PREFIX}/")

    page = open_page(browser, proxied_url)
    try:
        wait_until_ready(page)  # connected through the prefix
        # The Python client through the proxy: a big call keeps the model busy for a while...
        busy = occupy_model(proxied_url, tmp_path)
        # ...so the page's call waits in the queue, and says so.
        the_app.start_on_page(page, tmp_path)
        wait_for_queue_position(page)
        the_app.finish_on_page(page)  # its result came back through the prefix
        result = busy.result(timeout=120)  # and the Python client's (an error would raise)
        if the_app.FILE_PARAMETER:  # files in, files out: the result is a file it downloaded
            assert Path(result).is_file(), result
        # A call through the proxy, checked as the app checks its results.
        client = Client(proxied_url, verbose=False, download_files=tmp_path / "downloads")
        the_app.check(client.predict(**the_app.call(tmp_path)))
    finally:
        page.close()


def test_uploads_up_to_max_file_size_pass_nginx_and_gradio_refuses_larger(proxied_url):
    """nginx lets Gradio's limit (MAX_FILE_SIZE, 20mb) decide, with its own message."""
    limit = 20 * 1024 * 1024
    upload_url = f"{proxied_url}gradio_api/upload"
    fits = httpx.post(upload_url, files={"files": ("a.bin", b"\0" * (limit - 4096))})
    assert fits.status_code == 200, fits.text
    over = httpx.post(upload_url, files={"files": ("b.bin", b"\0" * (limit + 4096))})
    assert over.status_code == 413
    assert "maximum allowed size" in over.text  # Gradio's answer, not nginx's error page
    assert "<html>" not in over.text
