"""{{ cookiecutter._models[cookiecutter.model].name }}, loaded once: turns a photo into a subject matte.

Everything model-specific lives here, so app.py never changes when the model does.
SegFormer labels every pixel with a class (hair, face, upper clothes, ...); the
matte is the probability that a pixel is *not* "Background", so every part of a
person counts as subject. It sees people only: other subjects become background.
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
import torch.nn.functional as F
from PIL import Image
from transformers import AutoModelForSemanticSegmentation

MODEL_ID = "{{ cookiecutter._models[cookiecutter.model].repo }}"
# Pin the exact commit, so a new push to the repo cannot change what this app runs.
REVISION = "{{ cookiecutter._models[cookiecutter.model].revision }}"
INPUT_SIZE = 512  # what this checkpoint's image processor resizes to
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)  # ImageNet statistics
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
{%- if cookiecutter.zerogpu == "yes" %}

# On ZeroGPU `spaces` makes CUDA look available at start-up and attaches a real
# GPU only while a @spaces.GPU function runs. Off Spaces this is plain CUDA or CPU.
{%- endif %}
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
HALF = DEVICE == "cuda"  # half precision on a GPU, through autocast (softmax stays float32)

# Loaded once, when the app starts: every request reuses it.
model = AutoModelForSemanticSegmentation.from_pretrained(MODEL_ID, revision=REVISION)
model.to(DEVICE).eval()
BACKGROUND = model.config.label2id["Background"]


def preprocess(image: Image.Image) -> torch.Tensor:
    """RGB photo -> normalised 1x3x512x512 tensor (Pillow and numpy, no torchvision)."""
    # Resize first: the photo may be 12 MP, and converting it first would copy all of it.
    small = image.resize((INPUT_SIZE, INPUT_SIZE), Image.Resampling.BILINEAR).convert("RGB")
    x = np.asarray(small, dtype=np.float32)
    x -= 255 * MEAN  # (rgb / 255 - mean) / std, in place: no full-size temporaries
    x /= 255 * STD
    return torch.from_numpy(x.transpose(2, 0, 1)).unsqueeze(0)

{% if cookiecutter.zerogpu == "yes" %}
# duration: the most one call may hold the GPU. ZeroGPU refuses a call when the visitor has less
# quota left than that, charges the time the call really took, and serves shorter requests
# first: ask for what a call needs, with room to spare. Every call gets one 512x512 tensor,
# so the cost does not depend on the photo: a number, not a function of the input. A warm
# forward takes milliseconds; a GPU worker's first call also starts CUDA and copies the
# ~0.1 GB of weights to the GPU, a second or two: 5 s covers that about three times.
# (On ZeroGPU's RTX Pro 6000 cards, `spaces` asks the quota for 1.5 x duration: 8 s.)
@spaces.GPU(duration=5)
{%- endif %}
@torch.inference_mode()
def forward(x: torch.Tensor) -> torch.Tensor:
    """The model's forward pass: the only work that needs the GPU."""
    with torch.autocast("cuda", dtype=torch.float16, enabled=HALF):
        logits = model(pixel_values=x.to(DEVICE)).logits  # a quarter of the input's size
    logits = F.interpolate(logits.float(), size=x.shape[-2:], mode="bilinear", align_corners=False)
    return 1 - logits.softmax(dim=1)[:, BACKGROUND].cpu()


def predict_matte(image: Image.Image) -> Image.Image:
    """Subject matte of `image` as a 512x512 greyscale image (255 = subject)."""
    probs = forward(preprocess(image))[0].numpy()
    return Image.fromarray(np.round(probs * 255).astype(np.uint8))  # 2-D uint8 -> mode "L"
