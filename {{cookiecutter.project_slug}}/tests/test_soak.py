"""A soak: many requests from 8 concurrent callers against one server, and nothing leaks.

The app's calls of several kinds and a few it refuses (tests/the_app.py: for this app, mixed
photos and bad files), in a fixed shuffled order. Every result gets its own check, every
refusal must carry its words. Resident memory and open file descriptors are sampled as it
goes, between rounds (nothing in flight); after the warm-up (the first quarter: allocator
pools, Gradio's caches, lazy imports such as matplotlib at the first call) both must stay
flat, and Python's own allocations (tracemalloc: exact, whatever the C allocator does) may
grow by at most 15 KB a request: Gradio keeps ~120 bytes of analytics per event and the path
of every file it recorded until the sweep, and that is all (a leak of 20 KB a request fails).
The resident size is the coarser measure: the process runs with two malloc arenas
(tests/conftest.py): with glibc's default, one per thread that allocates, resident memory
climbs by ~300 MB over 1,000 requests with no leak, which would hide a real one. Uploads
and results pile up on disk until the sweep, which must then delete every one of them (this
app's own: other Gradio apps on the machine share Gradio's folder, and keep their files).
SOAK_REQUESTS sets the length (240 by default, under a minute on 2 cores):

    SOAK_REQUESTS=1000 pytest -m soak -s
"""

import gc
import os
import random
import threading
import tracemalloc
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

import files
from tests import the_app
from tests.conftest import app_files, libc

REQUESTS = int(os.environ.get("SOAK_REQUESTS", "240"))
CALLERS = 8
# After the warm-up, the later half of the samples may peak at most this much above the
# earlier half: a leak of 0.4 MB a request shows in 240 requests, 0.1 MB in 1,000.
RSS_BOUND_MB = 40
PYTHON_BOUND_KB = 15  # Python's allocations after the warm-up, per request
FD_BOUND = 2  # descriptors between rounds, when nothing is in flight: measured flat


def status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status on this system")


def trim() -> None:
    """Hand glibc's free pages back to the system (malloc_trim): what the process still holds is
    then what it uses. Without it, one round that happens to free a big photo's buffers in the
    middle of an arena leaves them resident, and the soak's RSS steps by 30-40 MB with no leak."""
    if hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.soak
def test_a_soak_of_mixed_requests_leaks_nothing(server_url, app_module, tmp_path):
    rng = random.Random(16)
    good, bad = the_app.samples(tmp_path), the_app.refusals(tmp_path)
    plan = [("good", rng.choice(good)) for _ in range(REQUESTS * 19 // 20)]
    plan += [("bad", rng.choice(bad)) for _ in range(REQUESTS - len(plan))]
    rng.shuffle(plan)
    files.sweep(max_age=0)
    downloads = tmp_path / "downloads"  # not gradio_client's default: Gradio's shared folder
    clients = [Client(server_url, verbose=False, download_files=downloads) for _ in range(CALLERS)]
    wrong, samples = [], []

    def caller(client: Client, share: list):
        for kind, (call, expected) in share:
            try:
                out = client.predict(**call)
                if kind == "bad":
                    wrong.append(f"{call} was accepted")
                else:
                    expected(out)  # the result's check
            except AssertionError as error:
                wrong.append(f"{call}: {error}")
            except AppError as error:
                if kind == "good" or expected not in str(error):
                    wrong.append(f"{call}: {error}")

    # Ten rounds; between rounds nothing is in flight, so what memory holds then is what stays.
    step = max(CALLERS, REQUESTS // 10)
    traced = 0  # requests since tracemalloc started, once warm
    for start in range(0, REQUESTS, step):
        if start >= REQUESTS // 4 and not tracemalloc.is_tracing():
            gc.collect()
            tracemalloc.start()
            python_before = tracemalloc.get_traced_memory()[0]
        batch = plan[start : start + step]
        threads = [threading.Thread(target=caller, args=(c, batch[i::CALLERS]))
                   for i, c in enumerate(clients)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        gc.collect()
        trim()
        samples.append((start + len(batch), status("VmRSS"), open_fds()))
        traced += len(batch) if tracemalloc.is_tracing() else 0
    python_growth = (tracemalloc.get_traced_memory()[0] - python_before) / 1e3 / traced
    tracemalloc.stop()
    done = [samples[-1][0]]
    written = app_files()  # the app's own folder only: other Gradio apps may share Gradio's
    files.sweep(max_age=0)  # what the sweep does an hour later
    left = sorted(p for p in written | app_files() if p.exists())
    warm = [s for s in samples if s[0] >= REQUESTS // 4]
    rss = [s[1] for s in warm]
    fds = [s[2] for s in warm]
    print(
        f"\nsoak: {done[0]} requests from {CALLERS} callers "
        f"({sum(k == 'bad' for k, _ in plan)} bad), {len(wrong)} wrong; "
        f"{len(written)} files of ours on disk before the sweep, {len(left)} after"
    )
    print("requests, RSS MB, open fds: "
          + ", ".join(f"{n}: {r:.0f} MB/{f}" for n, r, f in samples))  # fmt: skip
    print(f"after the warm-up: RSS {min(rss):.0f}-{max(rss):.0f} MB, fds {min(fds)}-{max(fds)}, "
          f"Python's allocations +{python_growth:.1f} KB/request ({traced} requests)")  # fmt: skip
    assert done[0] == REQUESTS and not wrong, wrong[:10]
    assert python_growth < PYTHON_BOUND_KB, f"Python's allocations: +{python_growth:.1f} KB/request"
    half = len(rss) // 2
    assert max(rss[half:]) - max(rss[:half]) < RSS_BOUND_MB, samples
    assert max(fds) - min(fds) <= FD_BOUND, samples
    if the_app.FILE_PARAMETER:  # files in, files out: each good call left its result
        assert len(written) >= sum(kind == "good" for kind, _ in plan), len(written)
    assert not left, left
