"""A faithful re-implementation of the published gradio.Server example's backend.

The reference the benchmark measures against: decode the photo at full size,
resize it to 1024x1024 for the model, run the model, resize the mask back to
full size, `putalpha`, save a PNG at Pillow's default compression and return it.
It uses the baked project's own segmenter.py (same model, same pre-processing),
so the only differences from the generated app are the ones the template made.
"""

import tempfile

import gradio as gr
from gradio.data_classes import FileData
from PIL import Image
from segmenter import predict_matte

app = gr.Server()


@app.api(name="remove_background")
def remove_background(image_path: FileData) -> FileData:
    image = Image.open(image_path["path"]).convert("RGB")  # full-size decode
    mask = predict_matte(image).resize(image.size)  # 1024 resize inside, mask back to full size
    image.putalpha(mask)
    out = tempfile.NamedTemporaryFile(suffix=".png", delete=False)
    image.save(out.name)  # PNG, default compression
    return FileData(path=out.name)


def launch(block: bool = True, **kwargs):
    result = app.launch(ssr_mode=False, prevent_thread_lock=True, **kwargs)
    if block:
        app.get_blocks().block_thread()
    return result
