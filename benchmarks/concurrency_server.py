"""Serve a ZeroGPU bake on a stand-in forward that waits like a remote GPU, for concurrency.py.

    python concurrency_server.py PROJECT PORT FORWARD_MS zerogpu|one-at-a-time

The forward pass is replaced by a wait of FORWARD_MS that does no CPU work and returns the
stand-in's answer computed once at start: what the app sees of a forward on ZeroGPU's pool,
where the GPU is another machine's. "zerogpu" starts the app as a ZeroGPU Space would
(SPACES_ZERO_GPU set, so app.py takes its ZeroGPU concurrency), "one-at-a-time" as it runs
anywhere else. `spaces` is imported first, with SPACES_ZERO_GPU unset, so @spaces.GPU stays
the no-op it is off Spaces (with it set, it would call Hugging Face's device API).
"""

import os
import sys
import time
from pathlib import Path

project, port, forward_ms, setting = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
sys.path.insert(0, str(project))
os.chdir(project)
os.environ.update(
    GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=port, GRADIO_ANALYTICS_ENABLED="False"
)
os.environ.pop("SPACES_ZERO_GPU", None)

from tests.standin import use_standin  # noqa: E402

use_standin(project / ".standin-cache")
# spaces reads SPACES_ZERO_GPU when imported: unset here, so @spaces.GPU is a no-op.
import spaces  # noqa: E402, F401, I001
import segmenter  # noqa: E402
from PIL import Image  # noqa: E402

answer = segmenter.forward(segmenter.preprocess(Image.new("RGB", (64, 64), "grey")))
delay = float(forward_ms) / 1000
busy = {"now": 0, "most": 0}


def remote_forward(x):
    """A forward on someone else's GPU: this process only waits for it."""
    busy["now"] += 1
    busy["most"] = max(busy["most"], busy["now"])
    time.sleep(delay)
    busy["now"] -= 1
    return answer.clone()


segmenter.forward = remote_forward  # predict_matte looks it up at call time
if setting == "zerogpu":
    os.environ["SPACES_ZERO_GPU"] = "true"  # what a ZeroGPU Space sets; app.py reads it
import app  # noqa: E402


@app.app.get("/bench/stats")
def bench_stats() -> dict:
    """The model slots as Gradio's queue was given them, and the most forwards seen at once."""
    fns = app.app.get_blocks().fns.values()
    limits = {fn.concurrency_limit for fn in fns if fn.concurrency_id == "model"}
    return {"concurrency": min(limits), "most_forwards_at_once": busy["most"]}


app.launch(block=False, quiet=True)
print("BENCH-READY", flush=True)
app.app.get_blocks().block_thread()
