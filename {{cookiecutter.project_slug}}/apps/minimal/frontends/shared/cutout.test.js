// @ts-check
// `npm test`: what the page shows and sends, against a stand-in for the Gradio client.
import { afterEach, describe, expect, test, vi } from "vitest";
import { SENDING, appUrl, cutOut, downloadName, failed, savePng, statusOf, unreachable } from "./cutout.js";

/** @import { Message } from "./cutout.js" */

describe("statusOf", () => {
  test("a queued call says its place, counted from 1", () => {
    expect(statusOf({ type: "status", stage: "pending", position: 0, size: 3 }))
      .toEqual({ kind: "busy", text: "Waiting in queue: position 1 of 3" });
  });
  test("a running call says so", () => {
    expect(statusOf({ type: "status", stage: "pending", original_msg: "process_starts" })?.text).toBe("Cutting out…");
    expect(statusOf({ type: "status", stage: "generating" })?.text).toBe("Cutting out…");
  });
  test("an error says the server's message", () => {
    expect(statusOf({ type: "status", stage: "error", message: "This file is not an image I can read." }))
      .toEqual({ kind: "error", text: "This file is not an image I can read." });
  });
  test("a message with nothing new changes nothing", () => {
    expect(statusOf({ type: "status", stage: "pending" })).toBeNull();
    expect(statusOf({ type: "status", stage: "complete" })).toBeNull();
  });
});

test("failed: an Error's message, a string, or a sentence when there is neither", () => {
  expect(failed(new Error("Lost the connection."))).toEqual({ kind: "error", text: "Lost the connection." });
  expect(failed("Too big.").text).toBe("Too big.");
  expect(failed(undefined).text).toMatch(/went wrong/);
});

test("unreachable: a failed connection says so, and what to do", async () => {
  await expect(Promise.reject(new Error("Could not resolve app config")).catch(unreachable))
    .rejects.toThrow("Could not reach the app (Could not resolve app config). Reload the page to try again.");
});

test("downloadName: the photo's name, its extension replaced", () => {
  expect(downloadName("holiday.jpg")).toBe("holiday-cutout.png");
  expect(downloadName("IMG_0001.HEIC.jpeg")).toBe("IMG_0001.HEIC-cutout.png");
  expect(downloadName("scan")).toBe("scan-cutout.png");
  expect(downloadName(".jpg")).toBe("photo-cutout.png");
});

test("appUrl: the page's folder, so a proxy's path prefix is kept", () => {
  expect(appUrl("http://127.0.0.1:7860/")).toBe("http://127.0.0.1:7860/");
  expect(appUrl("https://example.com/apps/x/?photo=1#top")).toBe("https://example.com/apps/x/");
  expect(appUrl("https://example.com/apps/x/index.html")).toBe("https://example.com/apps/x/");
});

/**
 * A stand-in for the Gradio client: its submit() records the call and plays `messages`.
 * @param {Message[]} messages
 */
function fakeClient(messages) {
  /** @type {{ endpoint: string, data: Record<string, unknown> }[]} */
  const calls = [];
  return {
    calls,
    /** @param {string} endpoint @param {Record<string, unknown>} data */
    async *submit(endpoint, data) {
      calls.push({ endpoint, data });
      yield* messages;
    },
  };
}
const handleFile = (/** @type {Blob} */ file) => ({ uploaded: file });

describe("cutOut", () => {
  const photo = new Blob(["a photo"]);

  test("sends the photo, reports the queue and the run, returns the cut-out's URL", async () => {
    const client = fakeClient([
      { type: "status", stage: "pending" },
      { type: "status", stage: "pending", position: 1, size: 2 },
      { type: "status", stage: "pending", position: 0, size: 1 },
      { type: "status", stage: "pending", original_msg: "process_starts" },
      { type: "data", data: [{ url: "http://app/gradio_api/file=/tmp/cutout.png" }] },
    ]);
    /** @type {string[]} */
    const seen = [];
    const url = await cutOut(client, handleFile, photo, (status) => seen.push(status.text));
    expect(url).toBe("http://app/gradio_api/file=/tmp/cutout.png");
    expect(client.calls).toEqual([{ endpoint: "/remove_background", data: { image_path: { uploaded: photo } } }]);
    expect(seen).toEqual([
      SENDING.text, "Waiting in queue: position 2 of 2", "Waiting in queue: position 1 of 1", "Cutting out…",
    ]);
  });

  test("a failed call throws the server's message", async () => {
    const client = fakeClient([
      { type: "status", stage: "pending", original_msg: "process_starts" },
      { type: "status", stage: "error", message: "This image is damaged or incomplete. Try saving it again." },
    ]);
    await expect(cutOut(client, handleFile, photo, () => {})).rejects.toThrow("This image is damaged or incomplete.");
  });

  test("a photo over the app's upload limit is refused before it is sent", async () => {
    const client = { ...fakeClient([]), config: { max_file_size: 20 * 2 ** 20 } };
    const big = new Blob([new Uint8Array(25 * 2 ** 20)]);
    await expect(cutOut(client, handleFile, big, () => {}))
      .rejects.toThrow("This photo is 25.0 MB; the app takes photos of up to 20.0 MB. Choose a smaller one.");
    expect(client.calls).toEqual([]); // nothing was sent
  });

  test("an answer without a file, or none at all, is an error too", async () => {
    await expect(cutOut(fakeClient([{ type: "data", data: [null] }]), handleFile, photo, () => {}))
      .rejects.toThrow("without a picture");
    await expect(cutOut(fakeClient([]), handleFile, photo, () => {})).rejects.toThrow("ended before its answer");
  });
});

describe("savePng", () => {
  afterEach(() => vi.unstubAllGlobals());

  test("hands the browser the PNG under the name it is given", async () => {
    const png = new Blob(["png"], { type: "image/png" });
    vi.stubGlobal("fetch", vi.fn(async () => new Response(png)));
    const link = { href: "", download: "", click: vi.fn() };
    vi.stubGlobal("document", { createElement: () => link });
    await savePng("http://app/gradio_api/file=/tmp/tmp1234.png", "holiday-cutout.png");
    expect(fetch).toHaveBeenCalledWith("http://app/gradio_api/file=/tmp/tmp1234.png");
    expect(link.download).toBe("holiday-cutout.png");
    expect(link.href).toMatch(/^blob:/);
    expect(link.click).toHaveBeenCalledOnce();
  });

  test("a file that is gone says what to do", async () => {
    vi.stubGlobal("fetch", async () => new Response("Not Found", { status: 404 }));
    await expect(savePng("http://app/gradio_api/file=/tmp/old.png", "x-cutout.png"))
      .rejects.toThrow("HTTP 404): choose the photo again");
  });
});
