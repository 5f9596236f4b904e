"""Running a gr.Server app: health checks, housekeeping beside it, the guard, and launch().

Nothing here knows what the app does: app.py hands over its gr.Server and a warm-up function.
"""

import asyncio
import os
import signal
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

import gradio as gr
from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

import files
import security

SWEEP_EVERY = 600  # seconds between two sweeps of this app's old files
# How often Gradio's queue looks for work while it has none, or while every model slot is taken
# (seconds). Gradio's own, every millisecond, keeps an app that serves no one at 7-10 % of a core,
# on a machine it shares; every 10 ms, at 3-4 % (benchmarks/speed.py measures both side by
# side). A call then waits at most 10 ms more to start.
QUEUE_POLL = 0.01

# A React or Svelte frontend is built into static/ by `npm run build`. Until then the API still
# serves (`python dev.py` serves the page from Vite's dev server instead), and "/" says what is
# missing; deploy.py refuses to upload a Space without the build.
NOT_BUILT = "static/index.html is missing: see README.md to build the frontend."


def add_page(app: gr.Server, static: Path) -> None:
    """Serve static/index.html at / and every file under static/ at /ui/...

    Gradio owns /static and /assets, so the page's files live under /ui, and the page asks for
    them as "ui/..." (relative): the same page works at / and under a proxy's path prefix. A
    route, not app.mount(): behind a proxy that strips the prefix (GRADIO_ROOT_PATH set), a
    Starlette mount looks for the prefix in the path and answers 404 for every file.
    """
    files_of_the_page = StaticFiles(directory=static, check_dir=False)

    @app.get("/")
    def index() -> Response:
        if not (static / "index.html").is_file():
            return PlainTextResponse(NOT_BUILT, status_code=503)
        return FileResponse(static / "index.html")

    @app.get("/ui/{path:path}")
    async def ui(path: str, request: Request):
        return await files_of_the_page.get_response(path, request.scope)


# Health checks for orchestrators and load balancers: plain routes, outside Gradio's. The model
# loads when app.py is imported, before the server listens; so once /healthz answers, the
# weights are in memory. /readyz also waits for the warm-up (one tiny call, at start-up), so the
# first visitor does not pay for it.
ready = threading.Event()


def add_health_checks(app: gr.Server) -> None:
    @app.get("/healthz")
    def healthz() -> dict:
        """Liveness: the process serves requests."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        """Readiness: the model is loaded and warmed up."""
        if not ready.is_set():
            return JSONResponse({"status": "warming up"}, status_code=503)
        return JSONResponse({"status": "ready"})


def warm(warm_up: Callable[[], None]) -> None:
    """The app's warm-up, then ready: /readyz answers 200 from now on."""
    warm_up()
    ready.set()


def lifespan(warm_up: Callable[[], None]):
    """While the server runs, sweep old files every ten minutes; warm the model up once.

    The warm-up runs beside the server: /healthz answers, /readyz says 503, until it is done.
    At shutdown this app's folder goes, with everything Gradio wrote in it.
    """

    @asynccontextmanager
    async def run(_):
        async def sweep():
            while True:
                files.sweep()
                await asyncio.sleep(SWEEP_EVERY)

        tasks = [
            asyncio.create_task(sweep()),
            asyncio.create_task(asyncio.to_thread(warm, warm_up)),
        ]
        yield
        for task in tasks:
            task.cancel()
        files.delete_all()

    return run


def launch(app: gr.Server, warm_up: Callable[[], None], block: bool = True, **kwargs):
    """Start the server (the tests call this too, with block=False, so they run what you deploy).

    Host and port come from GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, which Spaces sets.
    ssr_mode=False: the frontend is ours, not Gradio's server-rendered one.
    The lifespan goes through app_kwargs: gr.Server(lifespan=...) would be ignored.
    """
    # Unless told otherwise, Gradio reports each launch to api.gradio.app and asks it for news.
    # The app calls out to no one (it may run where nothing outside is reachable, or allowed).
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    add_health_checks(app)
    security.protect(app)
    settings = {
        # Run history keeps each call's inputs and outputs for replay, in the visitor's browser or
        # a Hugging Face bucket, and for a request that looks local it uses the token saved on
        # this machine (HF_TOKEN). The app has no use for it: on only with GRADIO_RUN_HISTORY=True.
        "run_history": os.environ.get("GRADIO_RUN_HISTORY", "False").lower() == "true",
        "enable_monitoring": False,  # Gradio's dashboard of every call, behind a key it prints
        **kwargs,
    }
    result = app.launch(
        ssr_mode=False,
        max_file_size=security.MAX_FILE_SIZE,
        app_kwargs={"lifespan": lifespan(warm_up)},
        prevent_thread_lock=True,
        **settings,
    )
    # Server.launch() has no queue size: bound the queue it has just created; and let it idle.
    queue = app.get_blocks()._queue
    queue.max_size = security.MAX_QUEUE
    queue.sleep_when_free = QUEUE_POLL
    if block:
        # Orchestrators, Docker and systemd stop a process with SIGTERM, which would end it on
        # the spot; Gradio's Ctrl-C stops the server but not the browsers' open event streams,
        # and gives up after 5 s. Both close the app instead: the streams end, and the lifespan
        # deletes this app's files.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, lambda *_: app.get_blocks().close())
        app.get_blocks().block_thread()
    return result
