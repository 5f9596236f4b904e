"""Develop with one command: the app restarts whenever its Python code changes
{%- if cookiecutter.frontend != "vanilla" %}, next to
Vite's dev server, which reloads the page whenever the frontend changes.

    python dev.py --standin    # on the stand-in model (no download); open http://127.0.0.1:5173
    python dev.py              # on the real model
{%- else %}.
static/ is served straight from disk: reload the page to see a frontend change.

    python dev.py --standin    # on the stand-in model (no download); open http://127.0.0.1:7860
    python dev.py              # on the real model
{%- endif %}

Gradio's own reload mode (`gradio app.py`) re-runs the module inside a running
server, which does not fit a gr.Server app: restarting the process is simpler and
always right. The model loads again on each restart (seconds on the stand-in).
"""

import argparse
import os
import shlex
{%- if cookiecutter.frontend != "vanilla" %}
import signal
import subprocess
{%- endif %}
import sys
{%- if cookiecutter.frontend != "vanilla" %}
import time
{%- endif %}
from pathlib import Path

from watchfiles import PythonFilter, run_process

PROJECT = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--standin", action="store_true", help="the tests' stand-in model")
{%- if cookiecutter.frontend != "vanilla" %}
    parser.add_argument("--port", type=int, default=5173, help="Vite's port (default 5173)")
{%- endif %}
    args = parser.parse_args()

    app = ["-m", "tests.standin"] if args.standin else ["app.py"]
{%- if cookiecutter.frontend != "vanilla" %}
    # Vite forwards the API calls to the app (frontend/vite.config.ts reads BACKEND_URL).
    port = os.environ.get("GRADIO_SERVER_PORT", "7860")
    env = {**os.environ, "BACKEND_URL": f"http://127.0.0.1:{port}"}
    # npm runs Vite as its grandchild, and stopping npm alone can leave Vite serving. So Vite
    # gets a process group of its own, stopped whole below: on Ctrl-C and on SIGTERM (which
    # watchfiles turns into KeyboardInterrupt), after the app has stopped.
    vite = subprocess.Popen(
        ["npm", "--prefix", "frontend", "run", "dev", "--", "--port", str(args.port)],
        cwd=PROJECT,
        env=env,
        start_new_session=True,
    )
    try:
        restart_on_change(app)
    finally:
        stop_group(vite)
{%- else %}
    restart_on_change(app)
{%- endif %}


{% if cookiecutter.frontend != "vanilla" -%}
def stop_group(process: subprocess.Popen) -> None:
    """Stop a process and everything it started (its group): SIGTERM, then SIGKILL for the rest."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.5)  # npm can exit before Vite has
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # the group is gone: everything in it has stopped
        pass


{% endif -%}
def restart_on_change(app: list[str]) -> None:
    """Run `python <app>`; restart it when a .py file beside this one changes."""
    os.chdir(PROJECT)
    command = shlex.join([sys.executable, *app])
    # Not recursive: app.py and segmenter.py are at the top, and node_modules is huge.
    run_process(
        PROJECT, target=command, target_type="command", watch_filter=PythonFilter(), recursive=False
    )


if __name__ == "__main__":
    main()
