"""The stand-in for a BiRefNet-family model: its own remote code, like the real repository.

The real repo ships its modelling code (birefnet.py) and loads with
trust_remote_code=True, returning a list of logit maps, coarse to fine. This
writes a tiny model with the same interface. Its weights are fixed: the logit is
steep in (mean(rgb) - 0.5), so the subject is every pixel brighter than mid-grey.
"""

import importlib.util
import sys
import tempfile
from pathlib import Path

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


def save_standin(directory: Path) -> None:
    """Write the stand-in's code, config and weights into `directory`."""
    with tempfile.TemporaryDirectory() as tmp:
        code = Path(tmp) / "modeling_standin.py"
        code.write_text(MODELING_CODE)
        spec = importlib.util.spec_from_file_location("modeling_standin", code)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # save_pretrained copies the file it finds here
        spec.loader.exec_module(module)
        module.StandInConfig.register_for_auto_class()
        module.StandInSegmenter.register_for_auto_class("AutoModelForImageSegmentation")
        module.StandInSegmenter(module.StandInConfig()).save_pretrained(directory)
