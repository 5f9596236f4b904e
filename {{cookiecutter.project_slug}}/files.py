"""This app's files: a folder of its own, swept while the app runs, deleted when it stops.

Gradio keeps uploads, the files it serves, and anything it writes for a call in one upload folder
(GRADIO_TEMP_DIR; by default `gradio` in the system's temp folder) that every Gradio app on the
machine shares. Imported before Gradio (app.py imports it first), this module gives the process a
folder of its own inside that one and points GRADIO_TEMP_DIR at it. Gradio then writes only here
(uploads whole or cut off, results, files an MCP client sends inline), takes as input and serves
only what is here, and the app may delete everything in it without touching another program's
files.
"""

import os
import shutil
import tempfile
import time
from pathlib import Path

KEEP_FILES_FOR = 3600  # seconds: a visitor's uploads and results are deleted after an hour

SHARED = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")
SHARED.mkdir(parents=True, exist_ok=True)
FOLDER = Path(tempfile.mkdtemp(prefix="{{ cookiecutter.project_slug }}-", dir=SHARED)).resolve()
# Gradio reads it when it is imported (some of its modules keep it) and again at launch().
os.environ["GRADIO_TEMP_DIR"] = str(FOLDER)


def sweep(max_age: float = KEEP_FILES_FOR) -> None:
    """Delete this app's files (and emptied folders) older than max_age seconds.

    Gradio files an upload under a folder named after its hash, creating the folder just before
    it moves the file in: a folder is deleted only once it is both empty and as old as max_age.
    """
    cutoff = time.time() - max_age
    for folder, _, names in os.walk(FOLDER, topdown=False):  # a folder's files before it
        for name in names:
            _delete_if_older(Path(folder, name), cutoff)
        if Path(folder) != FOLDER:
            _delete_if_older(Path(folder), cutoff)


def _delete_if_older(path: Path, cutoff: float) -> None:
    try:
        if path.lstat().st_mtime >= cutoff:
            return
        if path.is_dir() and not path.is_symlink():
            path.rmdir()  # only when empty (OSError otherwise): its files are younger
        else:
            path.unlink()
    except OSError:  # gone already, or a folder that is not empty
        pass


def delete_all() -> None:
    """At shutdown: the whole folder goes (a new process makes a new one)."""
    shutil.rmtree(FOLDER, ignore_errors=True)
