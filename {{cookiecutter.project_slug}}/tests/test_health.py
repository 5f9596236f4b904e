"""The health checks an orchestrator or a load balancer polls (/healthz and /readyz), and what
the app costs it while nobody calls."""

import inspect
import threading

import httpx

import server


def test_the_server_started_warm_and_says_so(server_url):
    assert httpx.get(f"{server_url}healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server_url}readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_not_ready_until_warmed_up_but_live_meanwhile(
    app_module, server_url, monkeypatch, held_model
):
    """Start-up again, in order: the model is loaded (at import), the warm-up starts and, if it
    uses the model, is held there, then let go. Readiness flips only when it is done; liveness
    answers throughout."""
    monkeypatch.setattr(server, "ready", threading.Event())  # as just after the import
    assert httpx.get(f"{server_url}readyz").json() == {"status": "warming up"}
    started, release = held_model  # the model stays busy until release is set
    warming = threading.Thread(target=server.warm, args=[app_module.warm_up])
    warming.start()
    try:
        while warming.is_alive() and not started.wait(timeout=0.05):
            pass  # until the warm-up uses the model, or ends without it (ZeroGPU: no GPU then)
        if started.is_set():  # the warm-up's call is running...
            not_ready = httpx.get(f"{server_url}readyz")
            assert not_ready.status_code == 503 and not_ready.json() == {"status": "warming up"}
            assert httpx.get(f"{server_url}healthz").status_code == 200  # ...and the server serves
    finally:
        release.set()
        warming.join(timeout=60)
    assert httpx.get(f"{server_url}readyz").status_code == 200


def test_an_idle_queue_looks_for_work_every_10_ms_not_every_1(app_module):
    """Gradio's queue, with nothing to do, looks for work every millisecond: 7-10 % of a core for
    an app that serves no one (benchmarks/speed.py). server.launch() makes it 10 ms, and
    Gradio's loop still reads that setting: renamed, it would do nothing."""
    queue = app_module.app.get_blocks()._queue
    assert queue.sleep_when_free == server.QUEUE_POLL == 0.01
    assert "asyncio.sleep(self.sleep_when_free)" in inspect.getsource(type(queue))
