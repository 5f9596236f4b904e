"""Any bytes give a result or a clear gr.Error: a seeded mutation fuzz of the upload path.

`open_image` is what both endpoints decode with, and it decodes in full, so what it returns
the rest of the endpoint can use. The fuzz runs for FUZZ_SECONDS (20 by default), from
FUZZ_SEED (16 by default: the same cases on every run); -s prints what it found.

    FUZZ_SECONDS=600 FUZZ_SEED=7 pytest -s tests/test_fuzz.py
"""

import collections
import os
import random
import signal
import time
from pathlib import Path

import gradio as gr
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError

import images
from tests import fuzz, the_app

SECONDS = float(os.environ.get("FUZZ_SECONDS", "20"))
DRAFT = 1024  # a reduced-scale decode's least side (open_image's at_least), as a matte asks
SEED = int(os.environ.get("FUZZ_SEED", "16"))
CASE_TIMEOUT = 5  # seconds: a decode that takes longer counts as a hang
MEMORY_BOUND_MB = 600  # 40 MP of RGBA decoded and converted is ~400 MB: the worst honest case
MESSAGES = ("not an image", "damaged or incomplete", "megapixels", "cannot decode")


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status on this system")


def reset_peak_rss() -> bool:
    try:  # Linux: writing 5 resets the peak resident size to the current one
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Hang(Exception):
    pass


def on_alarm(signum, frame):
    raise Hang


@pytest.mark.fuzz
def test_any_bytes_give_a_result_or_a_clear_error(tmp_path):
    rng = random.Random(SEED)
    seeds = fuzz.seeds()
    names, others = sorted(seeds), list(seeds.values())
    cases = [(name, data, "as saved") for name, data in seeds.items()]
    cases += [(name, data, "regression") for name, data, _, _ in fuzz.regressions()]
    upload = tmp_path / "upload"
    outcomes, failures = collections.Counter(), []
    reset = reset_peak_rss()
    before = peak_rss_mb()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    started, count = time.monotonic(), 0
    try:
        while cases or time.monotonic() - started < SECONDS:
            if cases:
                name, data, how = cases.pop()
            else:
                name = rng.choice(names)
                data, how = fuzz.mutate(seeds[name], rng, others)
            count += 1
            upload.write_bytes(data)
            signal.alarm(CASE_TIMEOUT)
            at_least = DRAFT if count % 2 else None  # a decode at reduced scale, or in full
            try:
                image, alpha = images.open_image({"path": str(upload)}, at_least)
                assert image.mode == "RGB" and image.width * image.height > 0
                assert alpha is None or (alpha.mode == "L" and alpha.size == image.size)
                outcomes["decoded"] += 1
            except gr.Error as error:
                message = str(error)
                assert any(m in message for m in MESSAGES), message
                outcomes[next(m for m in MESSAGES if m in message)] += 1
            except (Exception, Hang) as error:  # the caller would see an opaque error
                kept = tmp_path / f"failure-{len(failures)}-{name}"
                kept.write_bytes(data)
                failures.append(f"{name} ({how}): {type(error).__name__}: {error} -> {kept}")
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    grown = peak_rss_mb() - before
    print(f"\nfuzz: {count} cases in {time.monotonic() - started:.0f} s (seed {SEED}, "
          f"{len(seeds)} valid files to start from): {dict(outcomes)}; "
          f"peak memory +{grown:.0f} MB{'' if reset else ' (peak not resettable here)'}; "
          f"{len(failures)} escaped")  # fmt: skip
    assert not failures, "\n".join(failures[:20])
    assert grown < MEMORY_BOUND_MB, f"decoding grew the peak resident size by {grown:.0f} MB"


REGRESSIONS = fuzz.regressions()


@pytest.mark.parametrize("name, data, bare, message", REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_files_that_once_failed_are_refused_clearly(client, tmp_path, name, data, bare, message):
    """Each regression file still breaks Pillow on its own (so the case still means something),
    gets its sentence over HTTP, and the server keeps serving."""
    from PIL import Image

    path = tmp_path / name
    path.write_bytes(data)
    if bare is not type(None):
        with pytest.raises(bare):
            Image.open(path).load()
    if the_app.FILE_PARAMETER is None:
        pytest.skip("this app takes no file")
    upload = {the_app.FILE_PARAMETER: handle_file(str(path))}
    with pytest.raises(AppError, match=message):
        client.predict(**upload, api_name=the_app.ENDPOINT)
    the_app.check(client.predict(**the_app.call(tmp_path)))  # and the server keeps serving
