"""Throughput of a ZeroGPU bake with its ZeroGPU concurrency against one request at a time.

    python benchmarks/concurrency.py            # about 2 minutes; prints the table
    python benchmarks/concurrency.py --calls 2  # a quick look

It bakes a ZeroGPU project (vanilla, BiRefNet) and starts it twice, each in its own
process (concurrency_server.py): once as on a ZeroGPU Space, once as anywhere else (one
request at a time). The forward pass is a stand-in that waits --forward-ms like a forward
on a remote GPU and does no CPU work, so what is measured is everything around it: the
upload, queue, decode, resize, matte encode and download, which on ZeroGPU can overlap.
For 1, 4 and 16 concurrent callers (each its own gradio_client, each making --calls calls
of /matte with a 1 MP photo, one after another), both servers are measured in turn, round
after round, and the throughput ratio is printed: figures for people to read, not asserted.
"""

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from cookiecutter.main import cookiecutter
from gradio_client import Client, handle_file
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from frontend_budgets import free_port  # noqa: E402

SETTINGS = ("zerogpu", "one-at-a-time")


class Server:
    def __init__(self, project: Path, forward_ms: float, setting: str):
        self.url = f"http://127.0.0.1:{free_port()}/"
        port = self.url.rsplit(":", 1)[1].strip("/")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "concurrency_server.py"), str(project), port,
             str(forward_ms), setting],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip

    def wait_ready(self):
        for line in self.process.stdout:
            if line.startswith("BENCH-READY"):
                return self
        raise RuntimeError(f"the server at {self.url} did not start")

    def stats(self) -> dict:
        return httpx.get(self.url + "bench/stats").json()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def throughput(clients: list[Client], photo: Path, calls: int) -> float:
    """Calls per second with every client calling `calls` times, one call after another."""
    errors = []

    def caller(client):
        try:
            for _ in range(calls):
                client.predict(image_path=handle_file(str(photo)), api_name="/matte")
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=caller, args=(c,)) for c in clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} callers failed: {errors[0]}")
    return len(clients) * calls / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forward-ms", type=float, default=300,
                        help="the remote forward's wait (a ZeroGPU call: ~0.1 s of GPU plus "
                        "the pool's hand-over)")  # fmt: skip
    parser.add_argument("--calls", type=int, default=6, help="calls per caller and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (the median is shown)")
    parser.add_argument("--callers", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="concurrency-"))
    answers = {"project_slug": "bench", "zerogpu": "yes"}
    project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=str(work),
                                extra_context=answers))  # fmt: skip
    photo = work / "1mp.jpg"
    image = Image.new("RGB", (1155, 866), (25, 30, 35))
    ImageDraw.Draw(image).ellipse((300, 150, 850, 750), fill=(235, 230, 220))
    image.save(photo, quality=90)

    servers = {s: Server(project, args.forward_ms, s) for s in SETTINGS}  # start side by side
    try:
        for server in servers.values():
            server.wait_ready()
        limits = {s: server.stats()["concurrency"] for s, server in servers.items()}
        zero, one = limits["zerogpu"], limits["one-at-a-time"]
        print(f"Forward pass: a {args.forward_ms:.0f} ms wait, no CPU work. Concurrency: {zero} "
              f"with the ZeroGPU setting, {one} otherwise. {args.calls} calls per caller; "
              f"median of {args.rounds} rounds.")  # fmt: skip
        rows = []
        for n in args.callers:
            clients = {s: [Client(srv.url, verbose=False) for _ in range(n)]
                       for s, srv in servers.items()}  # fmt: skip
            for s in SETTINGS:  # warm up: first calls import lazily
                throughput(clients[s][:1], photo, 1)
            runs = {s: [] for s in SETTINGS}
            for _ in range(args.rounds):
                for s in SETTINGS:
                    runs[s].append(throughput(clients[s], photo, args.calls))
            med = {s: sorted(v)[len(v) // 2] for s, v in runs.items()}
            rows.append((n, med["zerogpu"], med["one-at-a-time"]))
            print(f"  {n} callers done", flush=True)
        most = {s: server.stats()["most_forwards_at_once"] for s, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    print("\n| concurrent callers | ZeroGPU setting | one at a time | ratio |")
    print("| --- | --- | --- | --- |")
    for n, zero, one in rows:
        print(f"| {n} | {zero:.2f} calls/s | {one:.2f} calls/s | {zero / one:.2f} |")
    print(f"\nMost forwards waiting at once: {most['zerogpu']} (ZeroGPU setting), "
          f"{most['one-at-a-time']} (one at a time).")  # fmt: skip


if __name__ == "__main__":
    main()
