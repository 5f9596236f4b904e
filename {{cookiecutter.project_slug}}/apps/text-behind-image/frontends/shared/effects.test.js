// @ts-check
// Unit tests of the photo adjustments, gradient text and the export formats, on
// real pixels: @napi-rs/canvas (Skia) stands in for the browser's canvas, its
// `filter` and its encoders (browser-fakes.setup.js).
import { loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { CONTROLS, EXPORT_SECTION, PHOTO_SECTION, TESTIDS, downloadLabel, inputValue, isShown, parseInput } from "./controls.js";
import { DEFAULT_ADJUST, DEFAULT_STATE, context2d, createState, drawText, makeCanvas, photoFilters, renderComposite } from "./editor-core.js";
import { createEditor } from "./editor.js";
import { DEFAULT_EXPORT, EXPORT_FORMATS, encodeJob, exportFileName } from "./export.js";

/** @import { Adjust, AnyCanvas, Ctx2D } from "./editor-core.js" */
/** @import { ExportFormat, ExportOptions } from "./export.js" */
/** @import { Control } from "./controls.js" */

const W = 400, H = 200;
const SQUARE = { x: 160, y: 60, size: 80 }; // the subject
const BLUE = [40, 80, 160], ORANGE = [200, 120, 60];

/** @param {number} w @param {number} h @param {(ctx: Ctx2D) => void} [draw] */
function canvas(w, h, draw) {
  const c = makeCanvas(w, h);
  if (draw) draw(context2d(c));
  return c;
}
// A blue photo with an orange subject, and its matte: opaque on the subject only.
const photo = canvas(W, H, (ctx) => {
  ctx.fillStyle = `rgb(${BLUE})`;
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = `rgb(${ORANGE})`;
  ctx.fillRect(SQUARE.x, SQUARE.y, SQUARE.size, SQUARE.size);
});
const matte = canvas(W, H, (ctx) => ctx.fillRect(SQUARE.x, SQUARE.y, SQUARE.size, SQUARE.size));
const noText = createState({ width: W, height: H }, { text: "" });

/** @param {AnyCanvas} c @param {number} x @param {number} y @returns {number[]} RGB */
const rgb = (c, x, y) => [...context2d(c).getImageData(x, y, 1, 1).data].slice(0, 3);
/** @param {Adjust} adjust @param {number} [scale] */
const composite = (adjust, scale = 1) =>
  canvas(W * scale, H * scale, (ctx) => renderComposite(ctx, photo, matte, noText, scale, undefined, adjust));

describe("photo adjustments", () => {
  it("change the background and leave the subject as shot", () => {
    const adjust = { ...DEFAULT_ADJUST, brightness: 150, contrast: 120, saturation: 50, blur: 1 };
    const c = composite(adjust);
    expect(rgb(c, 20, 20)).not.toEqual(BLUE);
    for (const [x, y] of [[SQUARE.x + 2, SQUARE.y + 2], [200, 100], [SQUARE.x + 77, SQUARE.y + 77]]) {
      expect(rgb(c, x, y)).toEqual(ORANGE); // sharp to its edge, colours unchanged
    }
    expect(rgb(composite(DEFAULT_ADJUST), 20, 20)).toEqual(BLUE); // none: the photo as is
  });

  it("greyscale makes the background grey, not the subject", () => {
    const c = composite({ ...DEFAULT_ADJUST, greyscale: 100 });
    for (const [x, y] of [[5, 5], [100, 150], [W - 5, H - 5]]) {
      const [r, gr, b] = rgb(c, x, y);
      expect(Math.max(r, gr, b) - Math.min(r, gr, b)).toBeLessThanOrEqual(2);
    }
    expect(rgb(c, 200, 100)).toEqual(ORANGE);
  });

  it("blur in proportion to the picture: the preview is the export, smaller", () => {
    expect(photoFilters({ ...DEFAULT_ADJUST, blur: 1 }, 4000)?.all).toBe("blur(40px)");
    expect(photoFilters({ ...DEFAULT_ADJUST, blur: 1 }, 1000)?.all).toBe("blur(10px)");
    expect(photoFilters(DEFAULT_ADJUST, 1000)).toBeNull();
    // A sharp edge in the background, blurred at full size and at half size: the
    // same profile, in image pixels.
    const edged = canvas(W, H, (ctx) => { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, W, H); ctx.fillStyle = "#fff"; ctx.fillRect(W / 4, 0, W, H); });
    const adjust = { ...DEFAULT_ADJUST, blur: 2 };
    /** @param {number} scale */
    const row = (scale) => {
      const c = canvas(W * scale, H * scale, (ctx) => renderComposite(ctx, edged, null, noText, scale, undefined, adjust));
      return Array.from({ length: 9 }, (_, i) => rgb(c, Math.round((W / 4 + (i - 4) * 2) * scale), Math.round(H / 2 * scale))[0]);
    };
    const full = row(1), half = row(0.5);
    expect(full[0]).toBeLessThan(60); // dark well before the edge, light well after,
    expect(full[8]).toBeGreaterThan(195);
    expect(full[3]).toBeGreaterThan(30); // and a ramp across it, not a step
    full.forEach((v, i) => expect(Math.abs(v - half[i])).toBeLessThan(40));
    // The blur does not fade out at the picture's edges: opaque there, the photo's colour.
    const c = canvas(W, H, (ctx) => renderComposite(ctx, edged, null, noText, 1, undefined, adjust));
    expect([...context2d(c).getImageData(W - 1, H - 1, 1, 1).data]).toEqual([255, 255, 255, 255]);
    expect(context2d(c).getImageData(0, 0, 1, 1).data[3]).toBe(255);
  });

  it("are one undo step per slider movement", async () => {
    const editor = createEditor({ loadGradio: () => Promise.reject(new Error("offline")), fontUrl: () => "", url: "http://backend/" });
    for (const v of [110, 120, 130]) editor.adjustPhoto("brightness", v);
    editor.adjustPhoto("greyscale", 100);
    expect(editor.getSnapshot().adjust).toMatchObject({ brightness: 130, greyscale: 100 });
    editor.act("undo");
    expect(editor.getSnapshot().adjust).toMatchObject({ brightness: 130, greyscale: 0 });
    editor.act("undo");
    expect(editor.getSnapshot().adjust).toEqual(DEFAULT_ADJUST);
    expect(editor.getSnapshot().can.undo).toBe(false);
    editor.act("redo");
    expect(editor.getSnapshot().adjust.brightness).toBe(130);
  });
});

describe("gradient text", () => {
  const size = { width: W, height: H };
  /** @param {number} angle */
  function ends(angle) {
    const state = createState(size, {
      text: "HHHH\nHHHH", fontFamily: "arimo", fontSize: 40, fill: "gradient", color: "#ff0000", color2: "#0000ff", gradientAngle: angle,
    });
    const c = canvas(W, H, (ctx) => drawText(ctx, state, size, 1));
    const { data } = context2d(c).getImageData(0, 0, W, H);
    /** @type {number[][]} */
    const ink = [];
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      if (data[i + 3] === 255) ink.push([x, y, data[i], data[i + 2]]);
    }
    // The ink at each end of the direction: the 3% of opaque pixels furthest along it, and against it.
    const a = (angle * Math.PI) / 180;
    ink.sort((p, q) => (p[0] * Math.cos(a) + p[1] * Math.sin(a)) - (q[0] * Math.cos(a) + q[1] * Math.sin(a)));
    const n = Math.ceil(ink.length * 0.03);
    /** @param {number[][]} px */
    const mean = (px) => [0, 1].map((k) => px.reduce((s, p) => s + p[2 + k], 0) / px.length);
    return { start: mean(ink.slice(0, n)), end: mean(ink.slice(-n)) };
  }

  it.each([0, 90, 180, 45])("goes from the first colour to the second at %i°", (angle) => {
    const { start: [r0, b0], end: [r1, b1] } = ends(angle);
    expect(r0).toBeGreaterThan(170); // red where it starts
    expect(b0).toBeLessThan(85);
    expect(b1).toBeGreaterThan(170); // blue where it ends
    expect(r1).toBeLessThan(85);
  });

  it("is flat colour with fill solid", () => {
    const state = createState(size, { text: "HH", fontFamily: "arimo", fontSize: 40, color: "#ff0000", color2: "#0000ff" });
    const { data } = context2d(canvas(W, H, (ctx) => drawText(ctx, state, size, 1))).getImageData(0, 0, W, H);
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] === 255) expect(data[i + 2]).toBe(0);
  });
});

describe("export formats", () => {
  const job = { photo, matte, layers: [noText], placedOn: { width: W, height: H }, adjust: DEFAULT_ADJUST, fonts: [] };

  it.each(/** @type {ExportFormat[]} */ (["png", "jpeg", "webp"]))("encodes %s at full size, or a chosen long side", async (format) => {
    const blob = await encodeJob({ ...job, options: { ...DEFAULT_EXPORT, format } });
    expect(blob.type).toBe(`image/${format}`);
    const decoded = await loadImage(new Uint8Array(await blob.arrayBuffer()));
    expect([decoded.width, decoded.height]).toEqual([W, H]);
    const small = await encodeJob({ ...job, options: { ...DEFAULT_EXPORT, format, longSide: 100 } });
    const d2 = await loadImage(new Uint8Array(await small.arrayBuffer()));
    expect([d2.width, d2.height]).toEqual([100, 50]);
    expect(exportFileName({ ...DEFAULT_EXPORT, format })).toBe(`text-behind-image.${{ png: "png", jpeg: "jpg", webp: "webp" }[format]}`);
  });

  it("applies the quality to the lossy formats", async () => {
    const noisy = canvas(W, H, (ctx) => {
      for (let i = 0; i < 2000; i++) { ctx.fillStyle = `hsl(${(i * 47) % 360} 80% 50%)`; ctx.fillRect((i * 37) % W, (i * 53) % H, 6, 6); }
    });
    const sizeAt = async (/** @type {number} */ quality) =>
      (await encodeJob({ ...job, photo: noisy, matte: null, options: { format: "jpeg", quality, longSide: 0 } })).size;
    expect(await sizeAt(30)).toBeLessThan(await sizeAt(95));
  });

  it("have their controls, labels and data-testids", () => {
    const ids = [...CONTROLS, ...PHOTO_SECTION.controls, ...EXPORT_SECTION.controls].map((c) => c.testid);
    ids.push(...Object.values(TESTIDS));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ["export-format", "export-quality", "export-size", "brightness", "contrast", "saturation", "blur", "greyscale", "text-fill", "text-color-2", "gradient-angle"]) {
      expect(ids).toContain(id);
    }
    const format = /** @type {Control<ExportOptions>} */ (EXPORT_SECTION.controls[0]);
    expect(format.options?.map((o) => o.value)).toEqual(["png", "jpeg", "webp"]);
    expect(EXPORT_FORMATS.map((f) => f.value)).toEqual(["png", "jpeg", "webp"]);
    for (const [section, defaults] of /** @type {const} */ ([[PHOTO_SECTION, DEFAULT_ADJUST], [EXPORT_SECTION, DEFAULT_EXPORT]])) {
      for (const control of /** @type {Control<any>[]} */ (section.controls)) {
        const value = /** @type {any} */ (defaults)[control.key];
        expect(parseInput(control, inputValue(control, defaults))).toStrictEqual(value);
        if (control.type === "range") expect(value).toBeGreaterThanOrEqual(/** @type {number} */ (control.min));
        if (control.type === "select") expect(control.options?.map((o) => o.value)).toContain(String(value));
      }
    }
    expect(downloadLabel({ ...DEFAULT_EXPORT, format: "webp" })).toBe("Download WebP");
  });

  it("show the gradient's colour and angle with a gradient fill only, the quality for lossy formats only", () => {
    const shown = (/** @type {object} */ values, /** @type {readonly Control<any>[]} */ controls) =>
      controls.filter((c) => isShown(c, values)).map((c) => c.testid);
    const solid = shown(DEFAULT_STATE, CONTROLS);
    expect(solid).not.toContain("text-color-2");
    expect(solid).not.toContain("gradient-angle");
    expect(solid).toContain("text-color");
    expect(shown({ ...DEFAULT_STATE, fill: "gradient" }, CONTROLS)).toEqual(CONTROLS.map((c) => c.testid)); // every one
    expect(shown(DEFAULT_EXPORT, EXPORT_SECTION.controls)).toEqual(["export-format", "export-size"]); // PNG
    for (const format of ["jpeg", "webp"]) {
      expect(shown({ ...DEFAULT_EXPORT, format }, EXPORT_SECTION.controls)).toContain("export-quality");
    }
  });
});
