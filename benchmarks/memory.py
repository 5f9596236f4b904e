"""Server memory per megapixel of a photo, on the stand-in model: where MAX_PIXELS comes from.

    python benchmarks/memory.py                     # bakes the default project; about a minute
    python benchmarks/memory.py --project PATH      # a project you baked

For each size, a fresh process imports the app (stand-in model, offline), warms it up on a tiny
photo, then calls one endpoint's function on a flat-coloured PNG of that many megapixels (a few
kilobytes on disk, as an attacker would send) and prints how far its peak resident memory
(VmHWM) rose above the peak before the call. The model's own cost is the stand-in's, i.e. close
to nothing: the figures are what decoding, converting, resizing, compositing and encoding cost,
which the real model adds to. Figures for people to read, not asserted.
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

def peak():
    # peak resident memory (MB) since the last reset_peak()
    status = Path("/proc/self/status").read_text()
    return int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) / 1024

def reset_peak():
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak starts again from now


endpoint, mode, megapixels = sys.argv[1], sys.argv[2], float(sys.argv[3])
folder = Path(tempfile.mkdtemp())
small = folder / "small.png"
Image.new("RGB", (64, 64), (200, 200, 200)).save(small)
getattr(app, endpoint)({"path": str(small)})
FILL = {"RGB": (200, 200, 200), "RGBA": (200, 200, 200, 128), "I;16": 40000, "L": 200}
side = int((megapixels * 1e6) ** 0.5)
photo = folder / "photo.png"
Image.new(mode, (side, side), FILL[mode]).save(photo)
reset_peak()
before = peak()
getattr(app, endpoint)({"path": str(photo)})
kb = photo.stat().st_size / 1024
print(json.dumps({"mb": peak() - before, "file_kb": kb, "mp": side * side / 1e6}))
"""


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
        project = cookiecutter(str(ROOT), no_input=True, output_dir=out, extra_context={"zerogpu": "no"})
        project = Path(project)
    print(f"{'endpoint':<18} {'mode':<5} {'MP':>5} {'file KB':>8} {'peak +MB':>9} {'MB/MP':>6}")
    for endpoint in ("matte", "remove_background"):
        for mode in args.modes.split(","):
            for size in (float(s) for s in args.sizes.split(",")):
                result = subprocess.run(
                    [sys.executable, "-c", CHILD, endpoint, mode, str(size)],
                    cwd=project, capture_output=True, text=True, check=True,
                )  # fmt: skip
                r = json.loads(result.stdout.strip().splitlines()[-1])
                figures = f"{r['mp']:>5.1f} {r['file_kb']:>8.0f} {r['mb']:>9.0f}"
                print(f"{endpoint:<18} {mode:<5} {figures} {r['mb'] / r['mp']:>6.1f}")


if __name__ == "__main__":
    main()
