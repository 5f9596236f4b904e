// @ts-check
// Unit tests of the backend job (backend.js), in Node by Vitest: a stand-in for
// @gradio/client plays the messages a real job sends (queue, progress, a matte,
// the errors), and @napi-rs/canvas decodes the matte as the browser would.
import { createCanvas } from "@napi-rs/canvas";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CutOutError, createBackend, reason, statusFromMessage } from "./backend.js";

/** @import { GradioMessage, GradioModule } from "./backend.js" */
/** @import { Status } from "./editor.js" */

// The matte: a 40 x 20 PNG, opaque on its left half (a data: URL, which Node's fetch reads).
const matteCanvas = createCanvas(40, 20);
matteCanvas.getContext("2d").fillRect(0, 0, 20, 20);
const MATTE_URL = matteCanvas.toDataURL("image/png");
const INPUT = new Blob(["the model's input"], { type: "image/jpeg" });

/**
 * A stand-in for @gradio/client: `up()` says whether the backend answers a connect,
 * each submit plays `answer(n)` (n = 1, 2, ...) and is recorded.
 * @param {(n: number) => AsyncIterable<GradioMessage>} answer @param {() => boolean} [up]
 */
function fakeGradio(answer, up = () => true) {
  /** @type {{ endpoint: string, data: Record<string, unknown> }[]} */
  const submits = [];
  let connects = 0;
  /** @type {GradioModule} */
  const mod = {
    handle_file: (file) => ({ handled: file }),
    Client: {
      connect: async () => {
        connects++;
        if (!up()) throw new TypeError("Failed to fetch");
        return { submit: (endpoint, data) => { submits.push({ endpoint, data }); return answer(submits.length); } };
      },
    },
  };
  return { submits, connects: () => connects, loadGradio: async () => mod };
}
/** A job that waits in the queue, runs and answers with the matte. @param {string} [url] @returns {AsyncIterable<GradioMessage>} */
async function* answers(url = MATTE_URL) {
  yield { type: "status", stage: "pending", position: 1, size: 2 };
  yield { type: "status", stage: "pending", original_msg: "process_starts" };
  yield { type: "data", data: [{ url }] };
}
/** A job that fails with this status message. @param {Partial<GradioMessage>} m @returns {AsyncIterable<GradioMessage>} */
async function* failing(m) { yield { type: "status", stage: "error", ...m }; }
const BUSY = { message: "This application is currently busy. Please try again. " }; // the JS client's words for HTTP 503
const LOST = { broken: true, message: "Connection errored out." };
const NO_SERVER = { message: "Connection errored out. Failed to fetch." }; // an upload that found no server

/** A job's bookkeeping that records what it is told. */
function job() {
  /** @type {Status[]} */
  const told = [];
  return { told, stale: () => false, onStatus: (/** @type {Status} */ s) => { told.push(s); } };
}
/** The CutOutError a promise rejects with. @param {Promise<unknown>} p */
async function failure(p) {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(CutOutError);
  return /** @type {CutOutError} */ (err);
}

afterEach(() => { vi.useRealTimers(); });

describe("status messages", () => {
  /** @param {Partial<GradioMessage>} m */
  const status = (m) => statusFromMessage({ type: "status", ...m });
  it("map queue position, start and errors to the status line", () => {
    expect(status({ stage: "pending", position: 0, size: 3 }))
      .toEqual({ kind: "busy", text: "Waiting in queue: position 1 of 3" });
    expect(status({ stage: "pending" })).toEqual({ kind: "busy", text: "Waiting in queue…" });
    expect(status({ stage: "pending", original_msg: "process_starts" }))
      .toEqual({ kind: "busy", text: "Cutting out the subject…" });
    expect(status({ stage: "error", message: "This file is not an image I can read." })).toEqual({
      kind: "error",
      text: "Could not cut out the subject: This file is not an image I can read. You can still add text and download.",
    });
    expect(status({ stage: "error", ...BUSY })).toEqual({ kind: "error", text: "The server is busy (its queue is full). Try again in a moment." });
    expect(status({ stage: "error", message: [{ message: "one" }, "two"] })?.text).toContain("one; \"two\"");
    expect(status({ stage: "complete" })).toBeNull();
  });

  it("give an error's reason without its full stop", () => {
    expect(reason(new Error("Failed to fetch."))).toBe("Failed to fetch");
    expect(reason("offline")).toBe("offline");
    expect(reason(null)).toBe("unknown error");
  });
});

describe("createBackend", () => {
  it("connects at once, sends the input to /matte and returns the decoded matte with its PNG", async () => {
    const gradio = fakeGradio(() => answers());
    const backend = createBackend({ ...gradio, url: "http://backend/" });
    await backend.ready;
    expect(gradio.connects()).toBe(1); // before any photo
    const j = job();
    const matte = await backend.cutOut(Promise.resolve(INPUT), j);
    expect(gradio.submits).toEqual([{ endpoint: "/matte", data: { image_path: { handled: INPUT } } }]);
    expect(j.told).toEqual([
      { kind: "busy", text: "Waiting in queue: position 2 of 2" },
      { kind: "busy", text: "Cutting out the subject…" },
    ]);
    expect(matte && [matte.picture.width, matte.picture.height]).toEqual([40, 20]);
    expect(matte?.file.type).toBe("image/png");
    expect(gradio.connects()).toBe(1); // one connection for every job
  });

  it("sends nothing, and answers null, for a photo replaced while connecting or waiting", async () => {
    const gradio = fakeGradio(() => answers());
    const backend = createBackend({ ...gradio, endpoint: "/other" });
    expect(await backend.cutOut(Promise.resolve(INPUT), { ...job(), stale: () => true })).toBeNull();
    expect(gradio.submits).toHaveLength(0);
    let replaced = false; // replaced once the job has started: its answer is dropped
    const j = { ...job(), stale: () => replaced, onStatus: () => { replaced = true; } };
    expect(await backend.cutOut(Promise.resolve(INPUT), j)).toBeNull();
    expect(gradio.submits.map((s) => s.endpoint)).toEqual(["/other"]);
  });

  it("refuses a photo the app refused, or an answer without a matte, with no Try again", async () => {
    const script = [failing({ message: "This image is damaged or incomplete. Try saving it again." }), answers("")];
    const backend = createBackend(fakeGradio((n) => script[n - 1]));
    const refused = await failure(backend.cutOut(Promise.resolve(INPUT), job()));
    expect(refused.status).toEqual({
      kind: "error", text: "Could not cut out the subject: This image is damaged or incomplete. Try saving it again. You can still add text and download.",
    });
    expect(refused.retryable).toBe(false);
    const empty = await failure(backend.cutOut(Promise.resolve(INPUT), job()));
    expect([empty.status.text, empty.retryable]).toEqual(["Could not cut out the subject: The backend returned no matte. You can still add text and download.", false]);
  });

  it("offers Try again after a full queue", async () => {
    const backend = createBackend(fakeGradio(() => failing(BUSY)));
    const err = await failure(backend.cutOut(Promise.resolve(INPUT), job()));
    expect([err.status.text, err.retryable]).toEqual(["The server is busy (its queue is full). Try again in a moment.", true]);
  });

  it("after a lost connection reconnects and sends the photo once more, by itself", async () => {
    const script = [failing(LOST), answers(), failing(NO_SERVER), failing(LOST)];
    const gradio = fakeGradio((n) => script[n - 1]);
    const backend = createBackend(gradio);
    const j = job();
    const matte = await backend.cutOut(Promise.resolve(INPUT), j);
    expect(matte).not.toBeNull();
    expect(j.told[0]).toEqual({ kind: "busy", text: "Lost the connection to the backend: reconnecting…" });
    expect(gradio.submits).toHaveLength(2);
    expect(gradio.connects()).toBe(2); // a new connection for the second try

    const twice = job(); // lost again on the second try: said so, with Try again
    const err = await failure(backend.cutOut(Promise.resolve(INPUT), twice));
    expect(err.status.text).toBe("Could not cut out the subject: lost the connection to the backend (tried again once). You can still add text and download.");
    expect(err.retryable).toBe(true);
    expect(gradio.submits).toHaveLength(4);
  });

  it("waits for a lost backend for 20 s, then gives up with Try again", async () => {
    vi.useFakeTimers();
    let up = true;
    const gradio = fakeGradio(() => { up = false; return failing(LOST); }, () => up); // gone after the upload
    const backend = createBackend(gradio);
    const cut = failure(backend.cutOut(Promise.resolve(INPUT), job()));
    await vi.advanceTimersByTimeAsync(19_000);
    const tries = gradio.connects();
    expect(tries).toBeGreaterThan(10); // about one a second
    await vi.advanceTimersByTimeAsync(3_000);
    const err = await cut;
    expect([err.status.text, err.retryable]).toEqual(["Could not cut out the subject: lost the connection to the backend. You can still add text and download.", true]);
    expect(gradio.submits).toHaveLength(1);
  });

  it("says why no connection could be made, never that one was lost, and connects again for the next photo", async () => {
    const noClient = createBackend({ loadGradio: () => Promise.reject(new Error("Failed to fetch dynamically imported module")) });
    await expect(noClient.ready).rejects.toThrow("Could not load the Gradio client (Failed to fetch dynamically imported module)");
    const j = job();
    const err = await failure(noClient.cutOut(Promise.resolve(INPUT), j));
    expect([err.status.text, err.retryable]).toEqual(["Could not load the Gradio client (Failed to fetch dynamically imported module). Try again sends the photo.", true]);
    expect(j.told).toEqual([]); // nothing was lost

    let up = false;
    const gradio = fakeGradio(() => answers(), () => up);
    const backend = createBackend({ ...gradio, url: "http://backend/" });
    await expect(backend.ready).rejects.toThrow("Could not reach the backend at http://backend/ (Failed to fetch)");
    const down = await failure(backend.cutOut(Promise.resolve(INPUT), job()));
    expect(down.status).toEqual({ kind: "error", text: "Could not reach the backend at http://backend/ (Failed to fetch). Try again sends the photo." });
    expect(gradio.submits).toHaveLength(0);
    up = true; // the backend is back: the next cut-out connects and sends
    expect(await backend.cutOut(Promise.resolve(INPUT), job())).not.toBeNull();
    expect(gradio.submits).toHaveLength(1);
  });
});
