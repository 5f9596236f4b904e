"""An offline stand-in for the model, laid in a fake Hugging Face cache.

segmenter.py loads the real model, MODEL_ID at REVISION, through huggingface_hub's cache.
This file writes a tiny model with the same files, interface and quirks
(tests/standin_model.py) into $HF_HOME/hub/models--OWNER--NAME/snapshots/REVISION/, so
that very loading code runs unchanged with HF_HUB_OFFLINE=1 and nothing is downloaded.

Its weights are fixed, so tests can check pixels: the subject is every pixel
brighter than mid-grey.

    python -m tests.standin      # serve the app on the stand-in, no download
"""

import ast
import os
import runpy
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
STANDIN_CACHE = PROJECT / ".standin-cache"  # python -m tests.standin's Hugging Face cache


def model_ids() -> tuple[str, str]:
    """MODEL_ID and REVISION as segmenter.py declares them (read, not imported: importing loads)."""
    tree = ast.parse((PROJECT / "segmenter.py").read_text())
    consts = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
    }
    return consts["MODEL_ID"], consts["REVISION"]


def lay_fake_hub(hf_home: Path) -> Path:
    """Save the stand-in under the real repo id and pinned revision; return the snapshot dir."""
    model_id, revision = model_ids()
    repo_dir = Path(hf_home) / "hub" / f"models--{model_id.replace('/', '--')}"
    snapshot = repo_dir / "snapshots" / revision
    if (snapshot / "config.json").exists():
        return snapshot
    from .standin_model import save_standin  # imports transformers: only after use_standin's env

    save_standin(snapshot)
    (repo_dir / "refs").mkdir(exist_ok=True)
    (repo_dir / "refs" / "main").write_text(revision)
    return snapshot


def use_standin(hf_home: Path) -> None:
    """Lay the fake cache and point huggingface_hub at it, offline.

    Must run before huggingface_hub is imported: it reads these variables at import.
    """
    os.environ["HF_HOME"] = str(hf_home)
    os.environ["HF_HUB_OFFLINE"] = "1"
    lay_fake_hub(hf_home)


if __name__ == "__main__":
    use_standin(STANDIN_CACHE)
    print("Stand-in model: the subject is whatever is brighter than mid-grey.")
    sys.path.insert(0, str(PROJECT))
    runpy.run_path(str(PROJECT / "app.py"), run_name="__main__")
