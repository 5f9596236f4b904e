"""Server memory per megapixel of a photo, on the stand-in model: where MAX_PIXELS comes from.

    python benchmarks/memory.py                     # bakes a project (ZeroGPU off); 2 minutes
    python benchmarks/memory.py --project PATH      # a project you baked
    python benchmarks/memory.py --sizes 1,2 --modes RGB   # a quick look

For each endpoint, PNG mode and size, a fresh process imports the app (stand-in model, offline),
warms it up on a tiny photo, resets its peak resident memory (Linux: /proc/self/clear_refs),
calls the endpoint's function on a flat-coloured PNG of that many megapixels (a few kilobytes on
disk, as an attacker would send it) and reports how far the peak (VmHWM) rose above the
resident memory before the call. The stand-in model costs next to nothing: the figures are what
decoding, converting, resizing, compositing and encoding cost, on top of the real model. The last
column is the slope between the smallest and the largest size: the memory each further megapixel
costs. Figures for people to read, not asserted.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, ".")
from tests.standin import use_standin
use_standin(Path(tempfile.mkdtemp()))
from PIL import Image
import app

def status(key):  # MB
    lines = Path("/proc/self/status").read_text().splitlines()
    return int(next(l for l in lines if l.startswith(key)).split()[1]) / 1024

endpoint, mode, megapixels = sys.argv[1], sys.argv[2], float(sys.argv[3])
FILL = {"RGB": (200, 200, 200), "RGBA": (200, 200, 200, 128), "I;16": 40000}
folder = Path(tempfile.mkdtemp())
small = folder / "small.png"
Image.new("RGB", (64, 64), (200, 200, 200)).save(small)
getattr(app, endpoint)({"path": str(small)})
side = int((megapixels * 1e6) ** 0.5)
photo = folder / "photo.png"
Image.new(mode, (side, side), FILL[mode]).save(photo)
Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
before = status("VmRSS")
getattr(app, endpoint)({"path": str(photo)})
kb = photo.stat().st_size / 1024
print(json.dumps({"mb": status("VmHWM") - before, "kb": kb, "mp": side * side / 1e6}))
"""


def measure(project: Path, endpoint: str, mode: str, megapixels: float) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, endpoint, mode, str(megapixels)],
        cwd=project, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, help="a baked project (default: bake one)")
    parser.add_argument("--sizes", default="10,40", help="megapixels, comma-separated")
    parser.add_argument("--modes", default="RGB,RGBA,I;16", help="PNG pixel modes (Pillow's)")
    args = parser.parse_args()
    project = args.project
    if project is None:
        from cookiecutter.main import cookiecutter

        out = tempfile.mkdtemp()
        project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=out, extra_context={"zerogpu": "no"}))  # fmt: skip # noqa: E501
    sizes = [float(size) for size in args.sizes.split(",")]
    heads = "".join(f"{f'{size:g} MP':>10}" for size in sizes)
    print(f"{'endpoint':<18} {'mode':<5}{heads}  (peak MB above the process)  MB per MP")
    for endpoint in ("matte", "remove_background"):
        for mode in args.modes.split(","):
            runs = [measure(project, endpoint, mode, size) for size in sizes]
            slope = (runs[-1]["mb"] - runs[0]["mb"]) / max(runs[-1]["mp"] - runs[0]["mp"], 1e-9)
            figures = "".join(f"{run['mb']:>10.0f}" for run in runs)
            print(f"{endpoint:<18} {mode:<5}{figures}  {'':27}  {slope:>9.1f}")


if __name__ == "__main__":
    main()
