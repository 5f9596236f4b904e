"""The CUDA path of the generated apps, checked on a GPU in one command.

    python benchmarks/gpu_check.py              # on a machine with CUDA: prints the table
    python benchmarks/gpu_check.py --calls 20   # more calls per endpoint

Without CUDA (torch.cuda.is_available() is False) it exits at once with status 2 and says why,
before baking anything. With CUDA it bakes two projects, BiRefNet and SegFormer, both with
zerogpu=no (off Spaces a ZeroGPU bake runs the same code, the decorator being a no-op), lays
each one's stand-in model (tests/standin.py: no download), and serves each app in its own
process through bench_server.py, as speed.py does. The bake's own segmenter.py then picks
the GPU (DEVICE "cuda", HALF: autocast float16), and every call goes through the app's code:
/matte and /remove_background, called --calls times each through gradio_client with a 1 MP
photo. It prints, per model and endpoint: the first call and the median of the later ones
(client-observed seconds, and the seconds inside segmenter.forward), the process's first
forward (app.py's warm-up), the bare forward on a prepared tensor (segmenter.forward, and the
model call alone), the model's load (CUDA's start included) and the peak GPU memory
(torch.cuda.max_memory_allocated). It checks that
each app ran on the GPU and that its mattes mark the photo's bright subject (the stand-in's
rule), and exits 1 if not. The stand-ins are tiny: the figures are the app's own costs on a
GPU, not BiRefNet's forward, whose weights only the Hub has.

Needs, beside a CUDA build of torch, what a generated project and the bake need:

    pip install -r requirements-dev.txt   # in the template; on Linux, PyPI's torch is CUDA's

    python benchmarks/gpu_check.py --device cpu --calls 2

is for developing this script on a machine without a GPU: the same code on the CPU, its
table headed "CPU development run, not a GPU check" (tests/test_benchmarks.py runs it).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

NO_CUDA = 2  # the exit status without CUDA: nothing was checked
READY_WITHIN = 600  # seconds for an app to load its model and warm up


def cuda_reason() -> str | None:
    """Why this machine cannot run the check on CUDA, or None when it can."""
    import torch

    if torch.cuda.is_available():
        return None
    build = f"torch {torch.__version__}, " + (
        f"built for CUDA {torch.version.cuda}" if torch.version.cuda else "a CPU-only build"
    )
    return f"torch.cuda.is_available() is False ({build})."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10, help="calls per endpoint and model")
    parser.add_argument("--device", choices=("cuda", "cpu"), default="cuda",
                        help="cpu: a development run of this script, labelled as such")  # fmt: skip
    args = parser.parse_args()
    if args.device == "cuda" and (reason := cuda_reason()):
        print(f"No GPU check: {reason}\n"
              "On a CUDA machine this would bake a BiRefNet and a SegFormer project\n"
              "(zerogpu=no), run each stand-in on the GPU through the app's own code (autocast\n"
              "float16), call /matte and /remove_background, and print the time in each endpoint\n"
              "against the bare forward, the peak GPU memory and the first call against the\n"
              "later ones. Run it where torch sees a GPU (docs/performance.md, The GPU check).",
              file=sys.stderr)  # fmt: skip
        return NO_CUDA
    if args.device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # the servers' torch sees no GPU
    return check(args.device, args.calls)


def check(device: str, calls: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="gpu-check-"))
    os.environ["GRADIO_TEMP_DIR"] = str(work / "gradio")  # the servers' uploads: ours alone
    try:
        rows, problems = measure(work, device, calls)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(device, calls, rows)
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


def measure(work: Path, device: str, calls: int) -> tuple[list[dict], list[str]]:
    """Bake, serve and call each model's app; its rows for the table, and what went wrong."""
    import httpx
    from cookiecutter.main import cookiecutter
    from gradio_client import handle_file
    from PIL import Image

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from speed import ROOT, Server, photo

    picture = photo(1155, 866, work / "1mp.jpg")  # a bright subject on a darker background
    rows, problems = [], []
    for model in ("birefnet", "segformer-clothes"):
        answers = {"project_slug": f"gpu-{model}", "model": model, "zerogpu": "no"}
        project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=str(work),
                                    extra_context=answers))  # fmt: skip
        server = Server(project, project / "app.py", 0)  # 0: the stand-in's forward as it is
        try:
            deadline = time.monotonic() + READY_WITHIN
            while httpx.get(server.url + "readyz").status_code != 200:  # app.py's warm-up
                if time.monotonic() > deadline or server.process.poll() is not None:
                    raise RuntimeError(f"{model}: not ready within {READY_WITHIN} s")
                time.sleep(0.2)
            stats = server.stats()
            if device == "cuda" and (stats["device"] == "cpu" or not stats["half"]):
                problems.append(f"{model}: the app ran on {stats['device']}, HALF={stats['half']}")
            bare = {whole: httpx.get(server.url + "bench/bare_forward",
                                     params={"runs": 5, "whole": whole}, timeout=300).json()
                    for whole in (False, True)}  # fmt: skip
            for api in ("/matte", "/remove_background"):
                httpx.get(server.url + "bench/reset_gpu_peak")
                timed = [server.call(api, picture) for _ in range(calls)]
                out = server.client.predict(image_path=handle_file(str(picture)), api_name=api)
                if not subject_found(Image.open(out)):
                    problems.append(f"{model} {api}: its alpha misses the photo's subject")
                rows.append({"model": model, "api": api, "timed": timed, "stats": server.stats(),
                             "bare": bare, "load": server.phases["load the model"]})  # fmt: skip
        finally:
            server.stop()
    return rows, problems


def subject_found(result) -> bool:
    """The stand-in's rule: the bright ellipse in the middle is subject, the dark corner not."""
    alpha = result.getchannel("A")
    w, h = alpha.size
    return alpha.getpixel((w // 2, h // 2)) > 200 and alpha.getpixel((2, 2)) < 55


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def print_table(device: str, calls: int, rows: list[dict]) -> None:
    name = rows[0]["stats"]["device"]
    if device == "cpu":
        print(f"\nCPU development run, not a GPU check ({name}, float32): {calls} calls each.")
    else:
        print(f"\nGPU check on {name} (CUDA, autocast float16): {calls} calls each, 1 MP photo.")
    print("\n| model | endpoint | call: first | call: median of later | forward in the call: "
          "first / median of later | first forward (warm-up) | bare forward: "
          "segmenter.forward / model call | model load | peak GPU memory |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        first, later = row["timed"][0], row["timed"][1:] or row["timed"]
        late_call = statistics.median(r["seconds"] for r in later)
        late_model = statistics.median(r["model"] for r in later)
        peak = row["stats"]["gpu_peak_bytes"]
        print(f"| {row['model']} | {row['api']} | {ms(first['seconds'])} | {ms(late_call)} | "
              f"{ms(first['model'])} / {ms(late_model)} | "
              f"{ms(row['stats']['first_forward_s'])} | "
              f"{ms(row['bare'][True]['seconds'])} / {ms(row['bare'][False]['seconds'])} | "
              f"{ms(row['load'])} | "
              f"{'n/a (CPU)' if peak is None else f'{peak / 2**20:.0f} MiB'} |")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
