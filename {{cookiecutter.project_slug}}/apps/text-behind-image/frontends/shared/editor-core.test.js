// @ts-check
// Unit tests of the shared editor modules, run in Node by Vitest. They check
// real pixels: @napi-rs/canvas (Skia, prebuilt binaries, no browser) stands in
// for the browser's canvas, createImageBitmap, OffscreenCanvas and FontFace
// (browser-fakes.setup.js, which Vitest runs before every test file).
import { loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { CONTROLS, SECTIONS, TESTIDS, displayValue, inputValue, parseInput } from "./controls.js";
import {
  DEFAULT_STATE, clientDeltaToImage, context2d, createState, drawText, exportPng,
  fitInto, fitWithin, layerAt, makeCanvas, renderComposite, renderExport,
} from "./editor-core.js";
import { createEditor } from "./editor.js";
import { FONTS, FONT_ALIASES, fontById, fontFiles, fontPackage, fontSource, loadFace } from "./fonts.js";
import { layerBox } from "./layout.js";
import { readProject } from "./persistence.js";

/** @import { AnyCanvas, Ctx2D } from "./editor-core.js" */
/** @import { GradioMessage, GradioModule } from "./backend.js" */
/** @import { Control } from "./controls.js" */
/** @import { FontUrl } from "./fonts.js" */
/** @import { Box } from "./layout.js" */

const g = /** @type {any} */ (globalThis);
// The fonts' files, in the packages package.json pins (what the app serves): node_modules is
// two folders up from this test (tests/js/ in the vanilla project, frontend/src/lib/ in Vite's).
const NODE_MODULES = new URL("../../node_modules/", import.meta.url);
/** @type {FontUrl} */
const fontUrl = (pkg, file) => new URL(`${pkg}/files/${file}`, NODE_MODULES).href;
const backend = { fontUrl, url: "http://backend/" };

const FONT = "arimo";
const W = 400, H = 200;
const SQUARE = { x: 160, y: 60, size: 80 }; // the bright subject, centred
const DARK = [20, 30, 40];

/** @param {number} w @param {number} h @param {(ctx: Ctx2D) => void} [draw] */
function canvas(w, h, draw) {
  const c = makeCanvas(w, h);
  if (draw) draw(context2d(c));
  return c;
}
// A dark photo with a white square, and its matte at half size (as the backend
// sends a smaller matte): opaque exactly on the square, transparent elsewhere.
const photo = canvas(W, H, (ctx) => {
  ctx.fillStyle = `rgb(${DARK})`;
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#fff";
  ctx.fillRect(SQUARE.x, SQUARE.y, SQUARE.size, SQUARE.size);
});
const matte = canvas(W / 2, H / 2, (ctx) => {
  ctx.fillStyle = "#000";
  ctx.fillRect(SQUARE.x / 2, SQUARE.y / 2, SQUARE.size / 2, SQUARE.size / 2);
});
const redText = createState({ width: W, height: H }, { text: "HELLO HELLO", color: "#ff0000", fontFamily: FONT, fontSize: 20 });

/** @param {AnyCanvas} c @param {number} x @param {number} y @returns {number[]} RGBA */
const pixel = (c, x, y) => [...context2d(c).getImageData(x, y, 1, 1).data];
const isRed = (/** @type {number[]} */ [r, gr, b]) => r > 200 && gr < 60 && b < 60;

/** Bounding box of the non-transparent pixels. @param {AnyCanvas} c */
function inkBox(c) {
  const { data } = context2d(c).getImageData(0, 0, c.width, c.height);
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, count = 0;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      if (data[(y * c.width + x) * 4 + 3] > 0) {
        count++;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  return { x0, y0, x1, y1, count };
}

describe("drawing", () => {
  it("draws text (in the fallback font, when its own is not loaded)", () => {
    const c = canvas(W, H, (ctx) => drawText(ctx, redText, { width: W, height: H }, 1));
    expect(inkBox(c).count).toBeGreaterThan(500);
  });

  it("puts the text behind the subject", () => {
    const c = canvas(W, H, (ctx) => renderComposite(ctx, photo, matte, redText, 1));
    const row = H / 2;
    const left = Array.from({ length: SQUARE.x }, (_, x) => pixel(c, x, row));
    expect(left.some(isRed)).toBe(true); // text beside the subject shows
    for (let x = SQUARE.x + 4; x < SQUARE.x + SQUARE.size - 4; x += 4) {
      expect(pixel(c, x, row).slice(0, 3).every((v) => v > 240)).toBe(true); // behind it: the photo's white
    }
    expect(pixel(c, 3, 3)).toEqual([...DARK, 255]); // background: the photo
    expect(pixel(c, W - 3, H - 3)).toEqual([...DARK, 255]);
  });

  it("exports at the photo's full size", async () => {
    const c = renderExport(photo, matte, redText);
    expect([c.width, c.height]).toEqual([W, H]);
    expect(pixel(c, W / 2, H / 2).slice(0, 3).every((v) => v > 240)).toBe(true);
    const png = await exportPng(photo, matte, redText);
    const decoded = await loadImage(new Uint8Array(await png.arrayBuffer()));
    expect([decoded.width, decoded.height]).toEqual([W, H]);
  });

  it("exports text placed on a smaller decode of the photo where it was placed", () => {
    // The editor places the text on a half-size decode of a big JPEG; the export
    // draws the full photo. It must come out as if placed on the full photo.
    const state = { ...redText, strokeWidth: 5, rotation: -10 };
    const placedOnHalf = { ...state, x: state.x / 2, y: state.y / 2 };
    const expected = context2d(renderExport(photo, matte, state)).getImageData(0, 0, W, H).data;
    const got = context2d(renderExport(photo, matte, placedOnHalf, { width: W / 2, height: H / 2 })).getImageData(0, 0, W, H).data;
    expect(got.filter((v, i) => v !== expected[i]).length).toBe(0);
  });

  it("draws the preview like a downscaled export", () => {
    const state = { ...redText, strokeWidth: 5, rotation: -10, depth: 10, shadowBlur: 10, tilt: 0.3 };
    const full = canvas(W, H, (ctx) => renderComposite(ctx, photo, matte, state, 1));
    const small = canvas(W / 2, H / 2, (ctx) => renderComposite(ctx, photo, matte, state, 0.5));
    const shrunk = canvas(W / 2, H / 2, (ctx) => ctx.drawImage(/** @type {HTMLCanvasElement} */ (full), 0, 0, W / 2, H / 2));
    const a = context2d(small).getImageData(0, 0, W / 2, H / 2).data;
    const b = context2d(shrunk).getImageData(0, 0, W / 2, H / 2).data;
    let total = 0, far = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      total += d;
      if (d > 96) far++;
    }
    // Measured here: mean 0.3, no pixel far off. The text drawn 10% larger, or
    // 1.5 px aside, in the preview gives a mean of 2.3+ and ~0.8% far off.
    expect(total / a.length).toBeLessThan(1); // mean difference per channel, out of 255
    expect(far / a.length).toBeLessThan(0.002); // only antialiased edges may differ much
  });

  it("centres the default text on the photo", () => {
    const state = createState({ width: W, height: H }, { fontFamily: FONT });
    expect([state.x, state.y]).toEqual([W / 2, H / 2]);
    expect(state.text).toBe(DEFAULT_STATE.text);
    const box = inkBox(canvas(W, H, (ctx) => drawText(ctx, state, { width: W, height: H }, 1)));
    const fontPx = (state.fontSize / 100) * H;
    expect(Math.abs((box.x0 + box.x1) / 2 - W / 2)).toBeLessThan(3);
    expect(Math.abs((box.y0 + box.y1) / 2 - H / 2)).toBeLessThan(fontPx * 0.15);
  });
});

describe("layers", () => {
  const green = { ...redText, color: "#00ff00" };
  const isGreen = (/** @type {number[]} */ [r, gr, b]) => r < 60 && gr > 200 && b < 60;
  /** Counts of red and green pixels in a rectangle. @param {AnyCanvas} c @param {number} [x0] @param {number} [y0] @param {number} [w] @param {number} [h] */
  function colours(c, x0 = 0, y0 = 0, w = c.width, h = c.height) {
    const { data } = context2d(c).getImageData(x0, y0, w, h);
    let red = 0, grn = 0;
    for (let i = 0; i < data.length; i += 4) {
      const p = [data[i], data[i + 1], data[i + 2]];
      if (isRed(p)) red++;
      if (isGreen(p)) grn++;
    }
    return { red, green: grn };
  }
  const inSquare = /** @type {const} */ ([SQUARE.x + 4, SQUARE.y + 4, SQUARE.size - 8, SQUARE.size - 8]);

  it("draws later layers over earlier ones", () => {
    const redOnTop = colours(renderExport(photo, null, [green, redText]));
    const greenOnTop = colours(renderExport(photo, null, [redText, green]));
    expect(redOnTop.red).toBeGreaterThan(1000);
    expect(redOnTop.green).toBeLessThan(redOnTop.red / 20); // only the edges of the one below
    expect(greenOnTop.green).toBeGreaterThan(1000);
    expect(greenOnTop.red).toBeLessThan(greenOnTop.green / 20);
  });

  it("puts a front layer over the subject and a behind one under it", () => {
    const c = renderExport(photo, matte, [{ ...green, front: true }, redText]); // front first in the list
    const square = colours(c, ...inSquare);
    expect(square.red).toBe(0); // behind: covered by the subject
    expect(square.green).toBeGreaterThan(300); // in front: over it
    const beside = colours(c, 0, 0, SQUARE.x, H);
    expect(beside.green).toBeGreaterThan(300); // where they overlap beside the subject, front wins
    expect(beside.red).toBeLessThan(beside.green / 20);
    // Without a matte there is no subject to go behind: both show, front on top.
    expect(colours(renderExport(photo, null, [{ ...redText, front: true }, green]), ...inSquare).red).toBeGreaterThan(300);
  });

  it("finds the topmost layer under a point, rotated too", () => {
    const size = { width: W, height: H };
    const left = { ...redText, text: "AB", x: 100 }, right = { ...green, text: "AB", x: 300 };
    expect(layerAt([left, right], { x: 100, y: H / 2 }, size)).toBe(0);
    expect(layerAt([left, right], { x: 300, y: H / 2 }, size)).toBe(1);
    expect(layerAt([left, right], { x: 200, y: H / 2 }, size)).toBe(-1);
    expect(layerAt([left, right], { x: 100, y: 10 }, size)).toBe(-1);
    const both = [{ ...left, x: 200, front: true }, { ...right, x: 200 }];
    expect(layerAt(both, { x: 200, y: H / 2 }, size)).toBe(0); // the front one is on top
    const upright = { ...left, x: 200, text: "HELLO HELLO" };
    expect(layerAt([upright], { x: 200, y: H / 2 - 60 }, size)).toBe(-1);
    expect(layerAt([{ ...upright, rotation: 90 }], { x: 200, y: H / 2 - 60 }, size)).toBe(0);
  });
});

describe("geometry", () => {
  it("converts a drag on the preview to image pixels", () => {
    expect(clientDeltaToImage(10, -5, 200, 4000)).toEqual({ dx: 200, dy: -100 });
  });
  it("fits sizes", () => {
    expect(fitWithin(4000, 3000, 1024)).toEqual({ width: 1024, height: 768, scale: 0.256 });
    expect(fitWithin(800, 600, 1024)).toMatchObject({ width: 800, height: 600 }); // never upscales
    expect(fitInto({ width: 4000, height: 3000 }, 800, 800)).toEqual({ width: 800, height: 600 });
  });
});

describe("controls", () => {
  const ids = [...CONTROLS.map((c) => c.testid), ...Object.values(TESTIDS)];
  it("have every data-testid the tests and docs use, each once", () => {
    for (const id of ["upload", "text-input", "text-color", "font-size", "export", "foreground", "status",
      "font-family", "font-weight", "letter-spacing", "opacity", "rotation"]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(CONTROLS.map((c) => c.key)).size).toBe(CONTROLS.length);
    expect(SECTIONS.flatMap((s) => s.controls)).toEqual(CONTROLS);
  });

  it("round-trip State values through their inputs", () => {
    for (const control of CONTROLS) {
      const value = DEFAULT_STATE[control.key];
      expect(parseInput(control, inputValue(control, DEFAULT_STATE))).toStrictEqual(value);
      if (control.type === "range") {
        expect(value).toBeGreaterThanOrEqual(/** @type {number} */ (control.min));
        expect(value).toBeLessThanOrEqual(/** @type {number} */ (control.max));
      }
      if (control.type === "select") expect(control.options?.map((o) => o.value)).toContain(String(value));
    }
    const size = /** @type {Control} */ (CONTROLS.find((c) => c.key === "fontSize"));
    expect(parseInput(size, "25")).toBe(25);
    expect(displayValue(size, DEFAULT_STATE)).toBe("18%");
    expect(CONTROLS.find((c) => c.key === "fontFamily")?.options?.length).toBe(FONTS.length);
  });
});

describe("createEditor", () => {
  /** A PNG file of a canvas. @param {AnyCanvas} c */
  const pngFile = (c) => /** @type {Promise<Blob>} */ (/** @type {any} */ (c).convertToBlob({ type: "image/png" }));
  const matteUrl = /** @type {any} */ (matte).toDataURL("image/png");

  /**
   * A stand-in for @gradio/client: each submit plays `answer(n)` (n = 1, 2, ...).
   * @param {(n: number) => AsyncIterable<GradioMessage>} answer
   */
  function fakeGradio(answer) {
    /** @type {Blob[]} */
    const uploads = [];
    /** @type {GradioModule} */
    const mod = {
      handle_file: (/** @type {Blob} */ file) => file,
      Client: {
        connect: async () => ({
          submit: (/** @type {string} */ _endpoint, /** @type {Record<string, unknown>} */ data) => { uploads.push(/** @type {Blob} */ (data.image_path)); return answer(uploads.length); },
        }),
      },
    };
    return { uploads, loadGradio: async () => mod };
  }
  /** @param {string} url @param {Promise<void>} [wait] @returns {AsyncIterable<GradioMessage>} */
  async function* answers(url, wait) {
    yield { type: "status", stage: "pending", position: 1, size: 2 };
    await wait;
    yield { type: "status", stage: "pending", original_msg: "process_starts" };
    yield { type: "data", data: [{ url }] };
  }
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it("loads a photo, reports the queue and shows the matte", async () => {
    const gradio = fakeGradio(() => answers(matteUrl));
    const editor = createEditor({ ...gradio, ...backend });
    /** @type {string[]} */
    const seen = [];
    editor.subscribe(() => seen.push(editor.getSnapshot().status.text));
    await settle();
    expect(editor.getSnapshot().status.text).toMatch(/^Ready/);

    const before = editor.getSnapshot();
    await editor.loadFile(await pngFile(photo));
    const after = editor.getSnapshot();
    expect(after).not.toBe(before); // a new snapshot per change
    expect(after.photoSize).toEqual({ width: W, height: H });
    expect(after.matte).not.toBeNull();
    expect(after.photoName).toBe("(unnamed photo)"); // a Blob; a File gives its name
    // The text went behind the subject's upper part, centred on it (layout.js): part of it above the subject.
    const { x, y } = after.state;
    expect(x).toBe(SQUARE.x + SQUARE.size / 2);
    expect(y).toBeLessThan(SQUARE.y + SQUARE.size / 2);
    expect(seen).toContain("Waiting in queue: position 2 of 2");
    expect(seen).toContain("Cutting out the subject…");
    expect(after.status).toEqual({ kind: "done", text: "Done. Drag the text to place it, then download." });

    editor.moveBy(10, 5, W / 2); // preview shown at half size: 1 CSS px = 2 image px
    expect([editor.getSnapshot().state.x, editor.getSnapshot().state.y]).toEqual([x + 20, y + 10]);
    expect(editor.handleKey({ key: "ArrowLeft" })).toBe(true);
    expect(editor.getSnapshot().state.x).toBe(x + 20 - W * 0.01);
    expect(editor.handleKey({ key: "a" })).toBe(false);

    const layers = { photo: makeCanvas(1, 1), text: makeCanvas(1, 1), subject: makeCanvas(1, 1) };
    await editor.set("text", "HELLO HELLO");
    await editor.set("color", "#ff0000");
    await editor.set("fontFamily", FONT);
    editor.renderLayers(layers, { width: W / 4, height: H / 4 }, 2); // CSS size x devicePixelRatio
    expect([layers.text.width, layers.text.height]).toEqual([W / 2, H / 2]);
    expect(pixel(layers.photo, 2, 2)).toEqual([...DARK, 255]);
    expect(inkBox(layers.text).count).toBeGreaterThan(100);
    expect(pixel(layers.subject, W / 4, H / 4).slice(0, 3).every((v) => v > 240)).toBe(true);
    expect(pixel(layers.subject, 2, 2)[3]).toBe(0);

    const png = await editor.exportBlob();
    const decoded = await loadImage(new Uint8Array(await png.arrayBuffer()));
    expect([decoded.width, decoded.height]).toEqual([W, H]);
  });

  it("downscales big photos before upload and ignores superseded answers", async () => {
    /** @type {() => void} */
    let releaseFirst = () => {};
    const first = new Promise((r) => { releaseFirst = () => r(undefined); });
    const gradio = fakeGradio((n) => (n === 1 ? answers("data:,not-a-png", /** @type {Promise<void>} */ (first)) : answers(matteUrl)));
    const editor = createEditor({ ...gradio, ...backend });
    const big = canvas(2000, 1000, (ctx) => { ctx.fillStyle = "#888"; ctx.fillRect(0, 0, 2000, 1000); });
    const one = editor.loadFile(await pngFile(big));
    while (gradio.uploads.length < 1) await settle();
    const upload = await loadImage(new Uint8Array(await gradio.uploads[0].arrayBuffer()));
    expect([upload.width, upload.height]).toEqual([1024, 512]);
    expect(gradio.uploads[0].type).toBe("image/jpeg");

    await editor.loadFile(await pngFile(photo)); // small: uploaded as is
    expect(gradio.uploads[1].type).toBe("image/png");
    releaseFirst();
    await one; // the first answer (a broken matte) arrives late and is dropped
    expect(editor.getSnapshot().photoSize).toEqual({ width: W, height: H });
    expect(editor.getSnapshot().status.kind).toBe("done");
  });

  it("redraws the text layer when the text changes, not for a status message", async () => {
    const editor = createEditor({ ...fakeGradio(() => answers(matteUrl)), ...backend });
    await editor.loadFile(await pngFile(photo));
    const layers = { photo: makeCanvas(1, 1), text: makeCanvas(1, 1), subject: makeCanvas(1, 1) };
    editor.renderLayers(layers, { width: W, height: H });
    const mark = () => { const ctx = context2d(layers.text); ctx.fillStyle = "#00f"; ctx.fillRect(0, 0, 1, 1); };
    mark(); // a pixel no drawing of the text touches: gone once the layer is redrawn
    await editor.loadFile(new Blob(["not an image"], { type: "text/plain" })); // only the status changes
    editor.renderLayers(layers, { width: W, height: H });
    expect(pixel(layers.text, 0, 0)).toEqual([0, 0, 255, 255]);
    await editor.set("text", "HI");
    editor.renderLayers(layers, { width: W, height: H });
    expect(pixel(layers.text, 0, 0)[3]).toBe(0);
  });

  it("reports bad files and failed fonts, and keeps working", async () => {
    const editor = createEditor({ ...fakeGradio(() => answers(matteUrl)), ...backend });
    await editor.loadFile(await pngFile(photo));
    await editor.loadFile(new Blob(["not an image"], { type: "text/plain" }));
    expect(editor.getSnapshot().status).toEqual({ kind: "error", text: "Could not read this file as an image. Try a JPEG, PNG or WebP photo." });
    expect(editor.getSnapshot().photoSize).toEqual({ width: W, height: H }); // the previous photo stays

    // A font whose file cannot be loaded: reverted, and said so.
    const missing = createEditor({ ...fakeGradio(() => answers(matteUrl)), ...backend, fontUrl: (_, file) => `file:///missing/${file}` });
    await missing.set("fontFamily", "pacifico");
    expect(missing.getSnapshot().state.fontFamily).toBe(DEFAULT_STATE.fontFamily);
    expect(missing.getSnapshot().status).toEqual({ kind: "error", text: 'Could not load the font "Pacifico"; keeping the previous font.' });
  });

  it("undoes and redoes every kind of change, a drag or a typed word as one step", async () => {
    const editor = createEditor({ ...fakeGradio(() => answers(matteUrl)), ...backend });
    const snap = () => editor.getSnapshot();
    const look = () => JSON.stringify([snap().photoSize, snap().layers.map(({ id: _, ...l }) => l)]);
    expect(snap().can.undo).toBe(false);
    /** @type {string[]} */
    const steps = [look()];
    const step = async (/** @type {() => unknown} */ change) => { await change(); steps.push(look()); };

    const photoFile = await pngFile(photo);
    await step(() => editor.loadFile(photoFile));
    const first = snap().photo;
    await step(async () => { for (const t of ["H", "HE", "HEY"]) await editor.set("text", t); }); // typing
    await step(async () => { for (const v of [20, 25, 30]) await editor.set("fontSize", v); }); // a slider
    await step(() => { // a drag: one press, many moves
      expect(editor.pickAt(W / 4, H / 4, W / 2)).toBe(true); // on the text (preview at half size)
      for (let i = 0; i < 20; i++) editor.moveBy(1, 0, W / 2);
    });
    expect(snap().state.x).toBe(W / 2 + 40);
    await step(() => editor.handleKey({ key: "ArrowDown" }));
    await step(() => editor.act("addLayer"));
    await step(() => editor.set("front", true));
    await step(() => editor.act("duplicateLayer"));
    await step(() => editor.act("moveLayerDown"));
    await step(() => editor.handleKey({ key: "Delete" }));
    const other = canvas(W * 2, H, (ctx) => { ctx.fillStyle = "#222"; ctx.fillRect(0, 0, W * 2, H); });
    const otherFile = await pngFile(other);
    await step(() => editor.loadFile(otherFile));
    expect(snap().photoSize).toEqual({ width: W * 2, height: H });

    for (let i = steps.length - 2; i >= 0; i--) { // every change undone, one by one
      expect(editor.act("undo")).toBeUndefined();
      expect(look()).toBe(steps[i]);
      if (i === 1) expect([snap().photo, snap().matte]).toEqual([first, expect.anything()]); // the first photo, matte and all
    }
    expect(snap().can).toMatchObject({ undo: false, redo: true });
    for (let i = 1; i < steps.length; i++) { // and redone
      editor.act("redo");
      expect(look()).toBe(steps[i]);
    }
    expect(editor.handleShortcut({ key: "z", ctrlKey: true })).toBe(true);
    expect(snap().photoSize).toEqual({ width: W, height: H });
    expect(editor.handleShortcut({ key: "y", ctrlKey: true })).toBe(true);
    expect(snap().photoSize).toEqual({ width: W * 2, height: H });
  });

  it("draws every layer in the preview and the export, front ones over the subject", async () => {
    const editor = createEditor({ ...fakeGradio(() => answers(matteUrl)), ...backend });
    await editor.loadFile(await pngFile(photo));
    await editor.set("text", "HELLO HELLO");
    await editor.set("fontFamily", FONT);
    editor.act("duplicateLayer");
    await editor.set("color", "#ff0000");
    await editor.set("front", true);
    const layers = { photo: makeCanvas(1, 1), text: makeCanvas(1, 1), subject: makeCanvas(1, 1), front: makeCanvas(1, 1) };
    editor.renderLayers(layers, { width: W, height: H });
    expect(inkBox(layers.text).count).toBeGreaterThan(500); // the white one, behind
    expect(inkBox(layers.front).count).toBeGreaterThan(500); // the red one, in front
    const png = await editor.exportBlob();
    const decoded = await loadImage(new Uint8Array(await png.arrayBuffer()));
    const out = canvas(W, H, (ctx) => ctx.drawImage(/** @type {any} */ (decoded), 0, 0));
    const reds = Array.from({ length: SQUARE.size - 8 }, (_, i) => pixel(out, SQUARE.x + 4 + i, H / 2 + 3)).filter(isRed);
    expect(reds.length).toBeGreaterThan(3); // red over the subject
  });

  it("outlines the selected text in the preview, never in the export", async () => {
    const editor = createEditor({ ...fakeGradio(() => answers(matteUrl)), ...backend });
    await editor.loadFile(await pngFile(photo));
    await editor.set("text", "HELLO");
    await editor.set("fontFamily", FONT);
    await editor.set("fontSize", DEFAULT_STATE.fontSize); // the size the first text had before it was fitted to the photo
    await editor.set("y", 40); // above the subject, on the dark photo
    const layers = { photo: makeCanvas(1, 1), text: makeCanvas(1, 1), subject: makeCanvas(1, 1), front: makeCanvas(1, 1) };
    editor.renderLayers(layers, { width: W, height: H });
    const text = inkBox(layers.text), outline = inkBox(layers.front); // the text is behind: the front canvas has the outline only
    expect(outline.count).toBeGreaterThan(100);
    expect([outline.x0 < text.x0, outline.y0 < text.y0, outline.x1 > text.x1, outline.y1 > text.y1]).toEqual([true, true, true, true]);
    const png = await editor.exportBlob();
    const decoded = await loadImage(new Uint8Array(await png.arrayBuffer()));
    const out = canvas(W, H, (ctx) => ctx.drawImage(/** @type {any} */ (decoded), 0, 0));
    for (const [x, y] of [[outline.x0, outline.y0], [outline.x1, outline.y1], [outline.x0 + 3, outline.y0]]) {
      expect(pixel(out, x, y)).toEqual([...DARK, 255]); // the photo, not the outline
    }
    editor.act("deleteLayer"); // nothing selected: no outline
    editor.renderLayers(layers, { width: W, height: H });
    expect(inkBox(layers.front).count).toBe(0);
  });

  it("offers to try again after a full queue, and tries once by itself after a lost connection", async () => {
    /** @param {Partial<GradioMessage>} m @returns {AsyncIterable<GradioMessage>} */
    async function* failing(m) { yield { type: "status", stage: "error", ...m }; }
    const busy = { message: "This application is currently busy. Please try again. " }; // the JS client's words for HTTP 503
    const lost = { broken: true, message: "Connection errored out." };
    const noServer = { message: "Connection errored out. Failed to fetch." }; // an upload that found no server
    const script = [busy, null, lost, null, lost, noServer, null, { message: "This image is damaged or incomplete. Try saving it again." }];
    const gradio = fakeGradio((n) => (script[n - 1] ? failing(/** @type {object} */ (script[n - 1])) : answers(matteUrl)));
    const editor = createEditor({ ...gradio, ...backend });
    const file = await pngFile(photo);

    await editor.loadFile(file); // the queue is full
    expect(editor.getSnapshot().status).toEqual({ kind: "error", text: "The server is busy (its queue is full). Try again in a moment." });
    expect(editor.getSnapshot().canRetry).toBe(true);
    await editor.retry(); // the same photo, sent again, without picking it
    expect(editor.getSnapshot().matte).not.toBeNull();
    expect(editor.getSnapshot().canRetry).toBe(false);
    expect(gradio.uploads[1]).toBe(gradio.uploads[0]);

    await editor.loadFile(file); // the connection breaks once: tried again by itself
    expect(editor.getSnapshot().status.kind).toBe("done");
    expect(gradio.uploads).toHaveLength(4);

    await editor.loadFile(file); // it breaks twice: said so, with Try again
    expect(editor.getSnapshot().status.text).toBe("Could not cut out the subject: lost the connection to the backend (tried again once). You can still add text and download.");
    expect(editor.getSnapshot().canRetry).toBe(true);
    await editor.retry();
    expect(editor.getSnapshot().status.kind).toBe("done");

    await editor.loadFile(file); // the app refused the photo: trying again would not help
    expect(editor.getSnapshot().status.text).toContain("This image is damaged or incomplete.");
    expect(editor.getSnapshot().canRetry).toBe(false);
    expect(gradio.uploads).toHaveLength(8);
  });

  it("says when the Gradio client cannot be loaded, and never that a connection was lost", async () => {
    const editor = createEditor({ loadGradio: () => Promise.reject(new Error("Failed to fetch dynamically imported module")), ...backend });
    /** @type {string[]} */
    const seen = [];
    editor.subscribe(() => seen.push(editor.getSnapshot().status.text));
    await settle();
    expect(editor.getSnapshot().status).toEqual({
      kind: "error", text: "Could not load the Gradio client (Failed to fetch dynamically imported module). You can still add text and download.",
    });
    await editor.loadFile(await pngFile(photo)); // it tries once more, then says why again
    expect(editor.getSnapshot().status).toEqual({
      kind: "error", text: "Could not load the Gradio client (Failed to fetch dynamically imported module). Try again sends the photo.",
    });
    expect(editor.getSnapshot().canRetry).toBe(true);
    expect(seen.filter((t) => /lost the connection/i.test(t))).toEqual([]);
  });

  it("says when the backend cannot be reached, and sends the photo once it can", async () => {
    let up = false;
    const gradio = fakeGradio(() => answers(matteUrl));
    const connect = gradio.loadGradio;
    const loadGradio = async () => {
      const mod = await connect();
      return { ...mod, Client: { connect: async (/** @type {string} */ url) => { if (!up) throw new TypeError("Failed to fetch"); return mod.Client.connect(url); } } };
    };
    const editor = createEditor({ ...backend, loadGradio });
    /** @type {string[]} */
    const seen = [];
    editor.subscribe(() => seen.push(editor.getSnapshot().status.text));
    await settle();
    expect(editor.getSnapshot().status.text).toBe("Could not reach the backend at http://backend/ (Failed to fetch). You can still add text and download.");
    await editor.loadFile(await pngFile(photo));
    expect(editor.getSnapshot().status).toEqual({ kind: "error", text: "Could not reach the backend at http://backend/ (Failed to fetch). Try again sends the photo." });
    expect(gradio.uploads).toHaveLength(0);
    up = true; // the backend is back: Try again connects and sends the photo
    await editor.retry();
    expect(editor.getSnapshot().status.kind).toBe("done");
    expect(editor.getSnapshot().matte).not.toBeNull();
    expect(seen.filter((t) => /lost the connection/i.test(t))).toEqual([]); // there was none to lose
  });

  it("puts the first text behind the subject when the matte comes, unless it was moved meanwhile", async () => {
    /** @type {() => void} */
    let release = () => {};
    const held = new Promise((r) => { release = () => r(undefined); });
    const editor = createEditor({ ...fakeGradio(() => answers(matteUrl, /** @type {Promise<void>} */ (held))), ...backend });
    const snap = () => editor.getSnapshot();
    const loading = editor.loadFile(new File([await pngFile(photo)], "portrait.png", { type: "image/png" }));
    while (!snap().photo) await settle();
    expect([snap().state.x, snap().state.y, snap().photoName]).toEqual([W / 2, H / 2, "portrait.png"]); // centred until the matte is in
    release();
    await loading;
    const placed = snap().state;
    expect(placed.x).toBe(SQUARE.x + SQUARE.size / 2);
    expect(placed.y).not.toBe(H / 2);
    editor.act("undo"); // the photo and the placing are one step
    expect([snap().photo, snap().state.x, snap().state.y]).toEqual([null, 0, 0]);
    expect(snap().status).toEqual({ kind: "info", text: "Undid: chose the photo." });
    editor.act("redo");
    expect(snap().state).toEqual(placed);

    /** @type {() => void} */
    let later = () => {};
    const waiting = new Promise((r) => { later = () => r(undefined); });
    const moved = createEditor({ ...fakeGradio(() => answers(matteUrl, /** @type {Promise<void>} */ (waiting))), ...backend });
    const second = moved.loadFile(await pngFile(photo));
    while (!moved.getSnapshot().photo) await settle();
    moved.moveBy(-30, 0, W); // the user placed it: left there
    later();
    await second;
    expect([moved.getSnapshot().state.x, moved.getSnapshot().state.y]).toEqual([W / 2 - 30, H / 2]);
  });

  it("adds each text clear of the others, and says what an undo or a redo did", async () => {
    const editor = createEditor({ ...fakeGradio(() => answers(matteUrl)), ...backend });
    const snap = () => editor.getSnapshot();
    await editor.loadFile(await pngFile(canvas(W, H, (ctx) => { ctx.fillStyle = "#222"; ctx.fillRect(0, 0, W, H); })));
    await editor.set("fontSize", 10);
    for (let i = 0; i < 3; i++) {
      editor.act("addLayer");
      await editor.set("fontSize", 10);
    }
    const boxes = snap().layers.map((l) => /** @type {Box} */ (layerBox(l, { width: W, height: H })));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) expect(a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0).toBe(true);
    }
    editor.moveBy(10, 0, W);
    editor.act("undo");
    expect(snap().status).toEqual({ kind: "info", text: "Undid: moved HELLO." });
    editor.act("redo");
    expect(snap().status.text).toBe("Redid: moved HELLO.");
    editor.act("undo");
    editor.act("undo");
    expect(snap().status.text).toBe("Undid: changed the size of HELLO.");
    editor.act("undo");
    expect(snap().status.text).toBe("Undid: added HELLO.");
  });
});

describe("fonts", () => {
  it("offer at least 24 served fonts, of every kind, each file in its pinned package", async () => {
    expect(FONTS.length).toBeGreaterThanOrEqual(24);
    expect(new Set(FONTS.map((f) => f.category))).toEqual(new Set(["display", "sans", "serif", "script", "mono"]));
    expect(new Set(FONTS.map((f) => f.id)).size).toBe(FONTS.length);
    for (const font of FONTS) {
      // The weights are the package's own: each static weight has its file, a variable font its range.
      const { default: meta } = await import(new URL(`${fontPackage(font)}/metadata.json`, NODE_MODULES).href);
      expect(font.weights).toEqual(font.variable ? [Number(meta.variable.wght.min), Number(meta.variable.wght.max)] : meta.weights);
      expect(fontFiles(font)).toHaveLength(font.variable ? 1 : font.weights.length);
      for (const weight of font.weights) await loadFace(fontSource(font.id, weight, fontUrl)); // each file is there, and a font
    }
  });

  it("pick the file for a weight: the variable one, or the nearest static weight", () => {
    const url = (/** @type {string} */ pkg, /** @type {string} */ file) => `${pkg}/${file}`;
    expect(fontSource("inter", 900, url)).toEqual({ family: "Inter", weight: "100 900", source: "@fontsource-variable/inter/inter-latin-wght-normal.woff2" });
    expect(fontSource("tinos", 900, url)).toEqual({ family: "Tinos", weight: "700", source: "@fontsource/tinos/tinos-latin-700-normal.woff2" });
    expect(fontSource("arimo", 400, url).weight).toBe("400");
  });

  it("draw old documents' system fonts with a served look-alike", () => {
    for (const [old, served] of Object.entries(FONT_ALIASES)) expect(fontById(old).id).toBe(served);
    expect(Object.keys(FONT_ALIASES).sort()).toEqual(["arial-black", "courier", "georgia", "helvetica", "impact", "system", "times"]);
    const { project } = readProject({ format: "text-behind-image", version: 1, size: null, selected: 0, layers: [{ text: "OLD", fontFamily: "impact" }, { fontFamily: "georgia" }] });
    expect(project.layers.map((l) => l.fontFamily)).toEqual(["anton", "gelasio"]); // the menu shows them
  });

  it("load a file once and draw with it, from a URL or from the file's bytes", async () => {
    const width = (/** @type {string} */ family) => {
      const ctx = context2d(makeCanvas(1, 1));
      ctx.font = `100px ${family}`;
      return ctx.measureText("Hello").width;
    };
    const fallback = width("cursive");
    const face = fontSource("pacifico", 400, fontUrl);
    await loadFace(face);
    expect(loadFace(face)).toBe(loadFace(face)); // once
    expect(Math.abs(width(fontById("pacifico").family) - fallback)).toBeGreaterThan(5);
    // A file's bytes, as a user's own font would come (Node's fs, reached through globalThis:
    // this file type-checks without Node's types).
    const file = new URL("@fontsource/lobster/files/lobster-latin-400-normal.woff2", NODE_MODULES);
    const bytes = g.process.getBuiltinModule("fs").readFileSync(file);
    await loadFace({ family: "My Lobster", weight: "400", source: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) });
    expect(Math.abs(width('"My Lobster"') - fallback)).toBeGreaterThan(5);
    await expect(loadFace({ family: "Nowhere", weight: "400", source: "file:///missing.woff2" })).rejects.toThrow('could not load the font "Nowhere"');
  });
});
