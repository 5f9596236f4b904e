"""An offline stand-in for the model, laid in a fake Hugging Face cache.

segmenter.py loads the real model with `from_pretrained(MODEL_ID, revision=REVISION,
trust_remote_code=True)`. This file writes a tiny model with the same interface
(its own remote code; returns a list of logit maps, the last one finest) into
$HF_HOME/hub/models--OWNER--NAME/snapshots/REVISION/, so that very call runs
unchanged with HF_HUB_OFFLINE=1 and nothing is downloaded.

Its weights are fixed, so tests can check pixels: the subject is every pixel
brighter than mid-grey.

    python -m tests.standin      # serve the app on the stand-in, no download
"""

import ast
import importlib.util
import os
import runpy
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

# The remote code the stand-in ships, as the real repo ships its own modelling code.
MODELING_CODE = '''
import torch
from transformers import PretrainedConfig, PreTrainedModel


class StandInConfig(PretrainedConfig):
    model_type = "standin_segmenter"

    def __init__(self, steepness=40.0, **kwargs):
        self.steepness = steepness
        super().__init__(**kwargs)


class StandInSegmenter(PreTrainedModel):
    """Brightness decides the subject: logit = steepness * (mean(rgb) - 0.5)."""

    config_class = StandInConfig

    def __init__(self, config):
        super().__init__(config)
        self.conv = torch.nn.Conv2d(3, 1, 1)  # undoes the ImageNet normalisation
        self.post_init()
        # mean(rgb) - 0.5, written in terms of the normalised input x = (rgb - mean) / std
        std, mean = (0.229, 0.224, 0.225), (0.485, 0.456, 0.406)
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor(std).view(1, 3, 1, 1) / 3)
            self.conv.bias.fill_(sum(mean) / 3 - 0.5)

    def forward(self, x):
        logits = self.conv(x) * self.config.steepness
        return [logits[:, :, ::2, ::2], logits]  # coarse to fine, like BiRefNet
'''


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
    with tempfile.TemporaryDirectory() as tmp:
        code = Path(tmp) / "modeling_standin.py"
        code.write_text(MODELING_CODE)
        spec = importlib.util.spec_from_file_location("modeling_standin", code)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # save_pretrained copies the file it finds here
        spec.loader.exec_module(module)
        module.StandInConfig.register_for_auto_class()
        module.StandInSegmenter.register_for_auto_class("AutoModelForImageSegmentation")
        module.StandInSegmenter(module.StandInConfig()).save_pretrained(snapshot)
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
    use_standin(PROJECT / ".standin-cache")
    print("Stand-in model: the subject is whatever is brighter than mid-grey.")
    sys.path.insert(0, str(PROJECT))
    runpy.run_path(str(PROJECT / "app.py"), run_name="__main__")
