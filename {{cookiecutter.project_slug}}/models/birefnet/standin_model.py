"""The stand-in for a BiRefNet-family model: its own remote code, quirks included.

The real repo ships its modelling code (BiRefNet_config.py and birefnet.py) and loads
with trust_remote_code=True. This writes a tiny model laid out the same way, with the
same files and the same quirks, so that segmenter.py's real loading code meets them here:

- `BiRefNet.__init__` never calls `self.post_init()`. transformers 5 sets
  `all_tied_weights_keys` there and reads it in from_pretrained: loaded the model card's
  way, it raises AttributeError, as it does with the real code (segmenter.py does not).
- `__init__(self, bb_pretrained=True, config=BiRefNetConfig())`: from_pretrained passes
  the loaded config positionally, so it lands in `bb_pretrained`, and the model is built
  from the default config.
- `self.config` is replaced by a plain settings object after `super().__init__`; it has
  no `model_type`, which transformers 5.24's from_pretrained reads (AttributeError again).
- A `torch.linspace(...)` schedule read with `.item()` in `__init__` (the Swin backbone's
  stochastic depth): it fails if the model is built on the meta device.
- Its attention adds a float32 mask to scores of the model's dtype and multiplies the result
  with values of that dtype: a model made `.half()` fails there ("expected m1 and m2 to have
  the same dtype"); half precision works through autocast, as segmenter.py does on a GPU.
- birefnet.py imports its config with a relative import, and forward returns a list of
  logit maps, coarse to fine (in eval mode).

Not copied: the real code also imports timm, kornia, einops and torchvision. They are in
requirements.txt; torchvision cannot be installed beside the CPU torch the tests use.

Its weights are fixed: the logit is steep in (mean(rgb) - 0.5), so the subject is every
pixel brighter than mid-grey.
"""

import importlib
import json
import sys
import tempfile
from pathlib import Path

CONFIG_CODE = """
from transformers import PretrainedConfig


class BiRefNetConfig(PretrainedConfig):
    model_type = "SegformerForSemanticSegmentation"  # sic, as in the real file

    def __init__(self, bb_pretrained=False, **kwargs):
        self.bb_pretrained = bb_pretrained
        super().__init__(**kwargs)
"""

MODEL_CODE = '''
import torch
from torch import nn
from transformers import PreTrainedModel

from .BiRefNet_config import BiRefNetConfig


class Config:
    """The model's own settings; the real code's Config ignores config.json too."""

    def __init__(self):
        self.steepness = 40.0
        self.drop_path_rate = 0.1
        self.depths = [2, 2, 18, 2]


class BiRefNet(PreTrainedModel):
    """Brightness decides the subject: logit = steepness * (mean(rgb) - 0.5)."""

    config_class = BiRefNetConfig

    def __init__(self, bb_pretrained=True, config=BiRefNetConfig()):
        super().__init__(config)
        bb_pretrained = config.bb_pretrained
        self.config = Config()
        rate, depths = self.config.drop_path_rate, self.config.depths
        self.drop_path = [x.item() for x in torch.linspace(0, rate, sum(depths))]
        if bb_pretrained:
            raise FileNotFoundError("the backbone's ImageNet weights are not here")
        self.conv = nn.Conv2d(3, 1, 1)  # undoes the ImageNet normalisation
        # mean(rgb) - 0.5, written in terms of the normalised input x = (rgb - mean) / std
        std, mean = (0.229, 0.224, 0.225), (0.485, 0.456, 0.406)
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor(std).view(1, 3, 1, 1) / 3)
            self.conv.bias.fill_(sum(mean) / 3 - 0.5)

    def forward(self, x):
        logits = self.conv(x) * self.config.steepness
        # As the real Swin attention: a float32 mask added to the scores, then a matmul with
        # values of the model's dtype. Fails for a model made .half(); autocast copes.
        scores = logits.new_zeros(1, 1) + torch.zeros(1, 1, device=x.device)
        logits = logits + (scores @ logits.new_zeros(1, 1)).squeeze()
        scaled_preds = [logits[:, :, ::2, ::2], logits]  # coarse to fine
        return [scaled_preds, [None]] if self.training else scaled_preds
'''

# What the real repos' config.json says: no model_type, the classes through auto_map.
CONFIG_JSON = {
    "architectures": ["BiRefNet"],
    "auto_map": {
        "AutoConfig": "BiRefNet_config.BiRefNetConfig",
        "AutoModelForImageSegmentation": "birefnet.BiRefNet",
    },
    "bb_pretrained": False,
}


def save_standin(directory: Path) -> None:
    """Write the stand-in's two code files, config.json and model.safetensors into `directory`."""
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "BiRefNet_config.py").write_text(CONFIG_CODE)
    (directory / "birefnet.py").write_text(MODEL_CODE)
    (directory / "config.json").write_text(json.dumps(CONFIG_JSON, indent=2))
    # Build it once to save its weights; the relative import needs a package around it.
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "standin_birefnet"
        package.mkdir()
        for name in ("BiRefNet_config.py", "birefnet.py"):
            (package / name).write_text((directory / name).read_text())
        sys.path.insert(0, tmp)
        try:
            module = importlib.import_module("standin_birefnet.birefnet")
            weights = module.BiRefNet().state_dict()
        finally:
            sys.path.remove(tmp)
            for name in [m for m in sys.modules if m.startswith("standin_birefnet")]:
                del sys.modules[name]
    save_file({k: v.contiguous() for k, v in weights.items()}, directory / "model.safetensors")
