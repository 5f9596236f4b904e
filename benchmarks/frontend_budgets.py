"""Frontend budgets: gzipped size of our own JavaScript, and first load in Chromium.

    python benchmarks/frontend_budgets.py [vanilla react svelte]

For each frontend: bake a project, `npm ci`, build (React/Svelte), sum the gzipped
size of the JavaScript the page loads, excluding @gradio/client (loaded lazily, in
its own chunk; its size is printed apart), then start the app on the stand-in
model and time the first load of the editor in Chromium: navigation to `load`,
and to "Ready" (the @gradio/client connection made); then the export of a 12 MP
photo in each format (click to download, median of 3), with the longest the main
thread went without running a 10 ms timer meanwhile (the worker keeps it free).
Needs Node/npm, Chromium at /usr/bin/chromium and the Python test dependencies.
Prints a Markdown table.
"""

import gzip
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from cookiecutter.main import cookiecutter
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
# Issue 15 (layers, effects, export); vanilla's 40 -> 50 for the fonts, then 65 and 75 for
# issue 23, unminified (frontends.md, Budgets).
BUDGET_KB = {"vanilla": 75, "svelte": 60, "react": 110}
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def npm(args, cwd):
    subprocess.run(["npm", "--no-audit", "--no-fund", "--prefer-offline", *args], cwd=cwd,
                   check=True, capture_output=True)  # fmt: skip


def gz_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024


def js_sizes(project: Path, frontend: str) -> tuple[float, float]:
    """(our code, @gradio/client) gzipped, in KB."""
    static = project / "static"
    if frontend == "vanilla":  # ES modules as written; the client is in static/vendor/ (vendor.py)
        ours = sum(gz_kb(p) for p in static.glob("*.js"))
        return ours, gz_kb(static / "vendor/@gradio/client/dist/index.min.js")
    manifest = json.loads((static / ".vite/manifest.json").read_text())
    ours = client = 0.0
    for chunk in manifest.values():
        if not chunk["file"].endswith(".js"):  # the fonts' files are entries too: not JavaScript
            continue
        size = gz_kb(static / chunk["file"])
        if "@gradio/client" in chunk.get("src", "") or "gradio" in chunk.get("name", ""):
            client += size
        else:
            ours += size
    # The export worker is an asset of the chunk that starts it (loaded at the first export).
    assets = {a for chunk in manifest.values() for a in chunk.get("assets", [])}
    workers = {a for a in assets if a.endswith(".js")}
    ours += sum(gz_kb(static / a) for a in workers)
    return ours, client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def standin_server(project: Path) -> Iterator[str]:
    """Serve a baked project on the stand-in (`python -m tests.standin`); yield its URL once up."""
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "tests.standin"], cwd=project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                if httpx.get(url).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


# A function, not an expression: Playwright evals an expression, which the page's CSP refuses.
READY = "() => document.querySelector('[data-testid=status]')?.textContent.startsWith('Ready')"


def first_load(project: Path, runs: int = 3) -> tuple[float, float]:
    """Median seconds from navigation to `load` and to the editor saying Ready."""
    from playwright.sync_api import sync_playwright  # only here: gpu_check.py needs none

    loads, readies = [], []
    with standin_server(project) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        for _ in range(runs):
            page = browser.new_page()  # a fresh page: nothing cached between runs
            start = time.perf_counter()
            page.goto(url, wait_until="load")
            loads.append(time.perf_counter() - start)
            page.wait_for_function(READY)
            readies.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return sorted(loads)[runs // 2], sorted(readies)[runs // 2]


FORMATS = ("png", "jpeg", "webp")
# Longest gap between the runs of a 10 ms timer, from now until window.stallStop is set.
STALL_PROBE = """() => {
    window.stall = 0;
    let last = performance.now();
    const id = setInterval(() => {
        const now = performance.now();
        window.stall = Math.max(window.stall, now - last);
        last = now;
    }, 10);
    window.stallStop = () => clearInterval(id);
}"""


def export_times(project: Path, runs: int = 3) -> dict[str, tuple[float, float]]:
    """Per format: median seconds from the export click to the download of a 12 MP photo, and
    the median of the longest main-thread stall (seconds) during it."""
    from playwright.sync_api import sync_playwright  # only here: gpu_check.py needs none

    image = Image.new("RGB", (4000, 3000), (30, 35, 45))
    image.paste((245, 245, 240), (2000, 750, 3400, 2250))  # the stand-in's subject: bright
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=90)
    times = {f: ([], []) for f in FORMATS}
    with standin_server(project) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(accept_downloads=True)
        page.goto(url)
        page.wait_for_function(READY)
        page.get_by_test_id("upload").set_input_files(
            {"name": "12mp.jpg", "mimeType": "image/jpeg", "buffer": jpeg.getvalue()}
        )
        page.get_by_test_id("foreground").wait_for(state="visible", timeout=120_000)
        for fmt in FORMATS:
            page.get_by_test_id("export-format").select_option(fmt)
            for _ in range(runs):
                page.evaluate(STALL_PROBE)
                start = time.perf_counter()
                with page.expect_download(timeout=120_000) as download:
                    page.get_by_test_id("export").click()
                download.value.path()
                times[fmt][0].append(time.perf_counter() - start)
                times[fmt][1].append(page.evaluate("window.stallStop(), window.stall / 1000"))
        browser.close()
    return {f: (sorted(t)[runs // 2], sorted(s)[runs // 2]) for f, (t, s) in times.items()}


def main(frontends):
    rows = ["| frontend | our JS (gzip) | budget | @gradio/client (gzip, lazy) | load | ready "
            "| 12 MP export PNG / JPEG / WebP | longest main-thread stall meanwhile |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    with tempfile.TemporaryDirectory() as out:
        for frontend in frontends:
            answers = {"frontend": frontend, "project_slug": frontend}
            project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=out,
                                        extra_context=answers))  # fmt: skip
            npm_dir = project if frontend == "vanilla" else project / "frontend"
            npm(["ci"], npm_dir)
            if frontend != "vanilla":
                npm(["run", "build", "--", "--manifest"], npm_dir)
            ours, client = js_sizes(project, frontend)
            load, ready = first_load(project)
            exports = export_times(project)
            seconds = " / ".join(f"{exports[f][0]:.2f}" for f in FORMATS)
            stalls = " / ".join(f"{exports[f][1] * 1000:.0f}" for f in FORMATS)
            verdict = "ok" if ours <= BUDGET_KB[frontend] else "OVER"
            rows.append(f"| {frontend} | {ours:.1f} KB | {BUDGET_KB[frontend]} KB ({verdict}) | "
                        f"{client:.1f} KB | {load:.2f} s | {ready:.2f} s | {seconds} s "
                        f"| {stalls} ms |")  # fmt: skip
            print(rows[-1], flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main(sys.argv[1:] or ["vanilla", "svelte", "react"])
