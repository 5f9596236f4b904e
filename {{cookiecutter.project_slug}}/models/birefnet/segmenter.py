"""{{ cookiecutter._models[cookiecutter.model].name }}, loaded once: turns a photo into a subject matte.

Everything model-specific lives here, so app.py never changes when the model does.
{%- if cookiecutter.zerogpu == "yes" %}

ZeroGPU: only `forward` holds a GPU. Decoding, resizing and PNG encoding stay
outside @spaces.GPU, because every second inside it is taken from the user's quota.
{%- endif %}
"""
{%- if cookiecutter.zerogpu == "yes" %}

import spaces  # ZeroGPU patches torch: import it before torch touches CUDA

# isort: split
{%- endif %}

import numpy as np
import torch
from huggingface_hub import hf_hub_download
from PIL import Image
from safetensors.torch import load_file
from transformers.dynamic_module_utils import get_class_from_dynamic_module

MODEL_ID = "{{ cookiecutter._models[cookiecutter.model].repo }}"
# The model is Python code from its Hub repo (birefnet.py, the code trust_remote_code
# runs), so pin the exact commit: a new push to the repo cannot change what this app runs.
REVISION = "{{ cookiecutter._models[cookiecutter.model].revision }}"
{%- if cookiecutter._models[cookiecutter.model].gated %}
# A gated model: accept its terms on its Hub page, then give the app a token with
# read access in the HF_TOKEN environment variable (a Space secret on Spaces).
# huggingface_hub reads HF_TOKEN by itself.
{%- endif %}
INPUT_SIZE = 1024  # the BiRefNet architecture is trained on 1024x1024 inputs
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)  # ImageNet statistics
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
{%- if cookiecutter.zerogpu == "yes" %}

# On ZeroGPU `spaces` makes CUDA look available at start-up and attaches a real
# GPU only while a @spaces.GPU function runs. Off Spaces this is plain CUDA or CPU.
{%- endif %}
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
# Half precision on a GPU, through autocast: BiRefNet's attention adds a float32 mask, so a
# model converted with .half() fails in its matmul; autocast casts each operation's inputs.
HALF = DEVICE == "cuda"

# Loaded once, when the app starts: every request reuses it.
# BiRefNet's code predates transformers 5, whose from_pretrained trips over it: the code
# never calls post_init() (no `all_tied_weights_keys`) and swaps self.config for a plain
# settings object (no `model_type`). Underneath it is a plain torch model, so build it
# from that code and load the pinned weights into it: load_state_dict checks every name
# and shape. BiRefNet() uses its default config, as from_pretrained does (no backbone download).
BiRefNet = get_class_from_dynamic_module("birefnet.BiRefNet", MODEL_ID, revision=REVISION)
model = BiRefNet()
model.load_state_dict(load_file(hf_hub_download(MODEL_ID, "model.safetensors", revision=REVISION)))
model.to(DEVICE).eval()


def preprocess(image: Image.Image) -> torch.Tensor:
    """RGB photo -> normalised 1x3x1024x1024 tensor (Pillow and numpy, no torchvision)."""
    # Resize first: the photo may be 12 MP, and converting it first would copy all of it.
    small = image.resize((INPUT_SIZE, INPUT_SIZE), Image.Resampling.BILINEAR).convert("RGB")
    x = np.asarray(small, dtype=np.float32)
    x -= 255 * MEAN  # (rgb / 255 - mean) / std, in place: no full-size temporaries
    x /= 255 * STD
    return torch.from_numpy(x.transpose(2, 0, 1)).unsqueeze(0)

{% if cookiecutter.zerogpu == "yes" %}
# duration: the most one call may hold the GPU. ZeroGPU refuses a call when the visitor has less
# quota left than that, charges the time the call really took, and serves shorter requests
# first: ask for what a call needs, with room to spare. Every call gets one 1024x1024 tensor,
# so the cost does not depend on the photo: a number, not a function of the input. A warm
# forward takes a fraction of a second; a GPU worker's first call also starts CUDA and copies
# the weights (up to ~0.9 GB) to the GPU, a few seconds: 10 s covers that about three times.
# (On ZeroGPU's RTX Pro 6000 cards, `spaces` asks the quota for 1.5 x duration: 15 s.)
@spaces.GPU(duration=10)
{%- endif %}
@torch.inference_mode()
def forward(x: torch.Tensor) -> torch.Tensor:
    """The model's forward pass: the only work that needs the GPU."""
    with torch.autocast("cuda", dtype=torch.float16, enabled=HALF):
        # BiRefNet returns one logit map per scale, coarse to fine: the last is the finest.
        logits = model(x.to(DEVICE))[-1]
    return logits.sigmoid().float().cpu()


def predict_matte(image: Image.Image) -> Image.Image:
    """Subject matte of `image` as a 1024x1024 greyscale image (255 = subject)."""
    probs = forward(preprocess(image))[0, 0].numpy()
    return Image.fromarray(np.round(probs * 255).astype(np.uint8))  # 2-D uint8 -> mode "L"
