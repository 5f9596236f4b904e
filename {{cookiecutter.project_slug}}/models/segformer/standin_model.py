"""The stand-in for a SegFormer checkpoint: a real, tiny SegformerForSemanticSegmentation.

SegFormer is native to transformers (no remote code), so the stand-in is the real
class with hand-set weights that make the labels predictable: "Subject" wherever
mean(rgb) > 0.5, "Background" elsewhere. How: the patch embedding computes
+/-(mean(rgb) - 0.5) in two channels and its LayerNorm turns that into +/-1 (the
sign); the transformer blocks add zero (their output layers are zero, so only the
residual path remains); the decode head passes the two channels through a ReLU
and maps them to the two labels' logits, +10 or 0.
"""

from pathlib import Path

import torch
from transformers import SegformerConfig, SegformerForSemanticSegmentation

STD, MEAN = (0.229, 0.224, 0.225), (0.485, 0.456, 0.406)  # ImageNet, as the checkpoint


def save_standin(directory: Path) -> None:
    """Write the stand-in's config and weights into `directory`."""
    config = SegformerConfig(
        num_encoder_blocks=1, depths=[1], hidden_sizes=[2], num_attention_heads=[1],
        patch_sizes=[1], strides=[1],  # full resolution: sharp edges for pixel tests
        sr_ratios=[64], mlp_ratios=[1], decoder_hidden_size=2, num_labels=2,
        id2label={0: "Background", 1: "Subject"}, label2id={"Background": 0, "Subject": 1},
    )  # fmt: skip
    model = SegformerForSemanticSegmentation(config).eval()
    weights = {name: torch.zeros_like(value) for name, value in model.state_dict().items()}
    for name in weights:  # norms pass values through unchanged
        if name.endswith(("norm.weight", "norm_before.weight", "norm_after.weight", "running_var")):
            weights[name] = torch.ones_like(weights[name])
    # x = (rgb - mean) / std, so mean(rgb) - 0.5 = sum(x * std) / 3 + sum(mean) / 3 - 0.5
    w = (torch.tensor(STD) / 3).view(1, 3, 1, 1)
    b = sum(MEAN) / 3 - 0.5
    weights["segformer.stages.0.patch_embeddings.proj.weight"] = torch.cat([w, -w])
    weights["segformer.stages.0.patch_embeddings.proj.bias"] = torch.tensor([b, -b])
    eye = torch.eye(2)
    weights["decode_head.linear_projections.0.proj.weight"] = eye
    weights["decode_head.linear_fuse.weight"] = eye.view(2, 2, 1, 1)
    # channel 0 = relu(sign) (bright), channel 1 = relu(-sign) (dark)
    weights["decode_head.classifier.weight"] = (10 * eye.flip(0)).view(2, 2, 1, 1)
    model.load_state_dict(weights)
    model.save_pretrained(directory)
