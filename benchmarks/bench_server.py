"""Serve an app of a baked project on the stand-in model, instrumented for the benchmark.

    python bench_server.py PROJECT APP_FILE PORT FORWARD_MS

Run by speed.py and gpu_check.py, one process per app. It times the start-up phases, makes
the stand-in's forward pass take FORWARD_MS (a stand-in for a real GPU forward; 0: as it is),
times every call of segmenter.forward (the part @spaces.GPU holds on ZeroGPU) and serves the
counters at GET /bench/stats, with the device the app chose and, on CUDA, its peak memory.
"""

import time

START = time.time()

import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

project, app_file, port, forward_ms = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
sys.path.insert(0, str(project))
os.chdir(project)
os.environ.update(
    GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=port, GRADIO_ANALYTICS_ENABLED="False"
)
phases = {}


def phase(name, since=[START]):  # noqa: B006 (a deliberate running clock)
    now = time.time()
    phases[name] = now - since[0]
    since[0] = now


from tests.standin import use_standin  # noqa: E402

use_standin(project / ".standin-cache")
phase("lay stand-in cache")
import gradio  # noqa: E402, F401
import torch  # noqa: E402
import transformers  # noqa: E402, F401

phase("import torch, transformers, gradio")
import segmenter  # noqa: E402

phase("load the model")

delay = float(forward_ms) / 1000
model_forward = segmenter.model.forward


def slow_forward(*args, **kwargs):
    """The stand-in's forward pass, padded to take FORWARD_MS, as a real model's would."""
    start = time.perf_counter()
    out = model_forward(*args, **kwargs)
    time.sleep(max(0.0, delay - (time.perf_counter() - start)))
    return out


segmenter.model.forward = slow_forward
stats = {"calls": 0, "model_s": 0.0, "model_cpu_s": 0.0}
timed_forward = segmenter.forward
CUDA = segmenter.DEVICE == "cuda"


def forward(x):
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        return timed_forward(x)  # it returns a CPU tensor: the GPU's work is done by then
    finally:
        seconds = time.perf_counter() - wall
        stats.setdefault("first_forward_s", seconds)  # the process's first: app.py's warm-up
        stats["calls"] += 1
        stats["model_s"] += seconds
        stats["model_cpu_s"] += time.process_time() - cpu


segmenter.forward = forward  # predict_matte looks it up at call time

spec = importlib.util.spec_from_file_location("app_under_test", app_file)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
phase("build the app")


@module.app.get("/bench/stats")
def bench_stats() -> dict:
    device = torch.cuda.get_device_name() if CUDA else "cpu"
    peak = torch.cuda.max_memory_allocated() if CUDA else None
    return {**stats, "cpu_s": time.process_time(), "device": device, "half": segmenter.HALF,
            "gpu_peak_bytes": peak}  # fmt: skip


@module.app.get("/bench/reset_gpu_peak")
def reset_gpu_peak() -> dict:
    if CUDA:
        torch.cuda.reset_peak_memory_stats()
    return {"reset": CUDA}


@module.app.get("/bench/bare_forward")
def bare_forward(runs: int = 5, whole: bool = False) -> dict:
    """Median seconds of the bare model call on a ready tensor: what the GPU must do.

    whole=true times segmenter.forward instead, on the prepared CPU tensor: the model call
    plus its copies to and from the device and the sigmoid, without the endpoint around it.
    """
    from PIL import Image

    x = segmenter.preprocess(Image.new("RGB", (1024, 1024), "grey"))
    times = []
    if whole:
        for _ in range(runs):
            t = time.perf_counter()
            timed_forward(x)  # ends on the CPU: synchronised
            times.append(time.perf_counter() - t)
        return {"seconds": sorted(times)[runs // 2]}
    x = x.to(segmenter.DEVICE)
    half = torch.autocast("cuda", dtype=torch.float16, enabled=segmenter.HALF)  # as forward()
    with torch.inference_mode(), half:
        for _ in range(runs):
            t = time.perf_counter()
            segmenter.model(x)
            if CUDA:
                torch.cuda.synchronize()  # CUDA runs asynchronously: wait for the kernels
            times.append(time.perf_counter() - t)
    return {"seconds": sorted(times)[runs // 2]}


module.launch(block=False, quiet=True)
phase("launch the server")
print("BENCH-READY " + json.dumps(phases), flush=True)
module.app.get_blocks().block_thread()
