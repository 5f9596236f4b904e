"""The health checks an orchestrator or a load balancer polls: /healthz and /readyz."""

import threading

import httpx

import server
from tests.the_app import MODEL


def test_the_server_started_warm_and_says_so(server_url):
    assert httpx.get(f"{server_url}healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server_url}readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_not_ready_until_warmed_up_but_live_meanwhile(
    app_module, server_url, monkeypatch, held_model
):
    """Start-up again, in order: the model is loaded (at import), the warm-up starts and is held
    here, then let go. Readiness flips only when it is done; liveness answers throughout."""
    monkeypatch.setattr(server, "ready", threading.Event())  # as just after the import
{%- if cookiecutter.zerogpu == "yes" %}
    # ZeroGPU: no forward pass at start-up (no GPU is attached outside a visitor's request).
    calls = []
    monkeypatch.setattr(app_module, MODEL, lambda *args: calls.append(args))
    assert httpx.get(f"{server_url}readyz").status_code == 503
    server.warm(app_module.warm_up)
    assert calls == []
{%- else %}
    started, release = held_model  # the model stays busy until release is set
    warming = threading.Thread(target=server.warm, args=[app_module.warm_up])
    warming.start()
    try:
        assert started.wait(timeout=30)  # the warm-up's forward pass is running...
        not_ready = httpx.get(f"{server_url}readyz")
        assert not_ready.status_code == 503 and not_ready.json() == {"status": "warming up"}
        assert httpx.get(f"{server_url}healthz").status_code == 200  # ...and the server serves
    finally:
        release.set()
        warming.join(timeout=60)
{%- endif %}
    assert httpx.get(f"{server_url}readyz").status_code == 200
