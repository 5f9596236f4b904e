// @ts-check
// Unit tests of the brush that refines the cut-out: the strokes' pixels (on @napi-rs/canvas,
// Skia: browser-fakes.setup.js), how a drag becomes a stroke, the strokes in the document
// and its undo history, and reading them back.
import { describe, expect, it } from "vitest";
import { BRUSH_MODES, REFINE_RESET, REFINE_SECTION, parseInput } from "./controls.js";
import { DEFAULT_ADJUST, context2d, createState, makeCanvas, refineMatte, renderExport } from "./editor-core.js";
import { createDoc, createHistory, layerActions, withPhoto } from "./document.js";
import { createEditor } from "./editor.js";
import { encodeJob } from "./export.js";
import { FormatError, parseProject, projectJson, readProject, withProject } from "./persistence.js";
import {
  DEFAULT_BRUSH, addStroke, continueStroke, createRefiner, drawBrushOutline, extendStroke, readStrokes, resetRefine,
  startStroke,
} from "./refine.js";

/** @import { AnyCanvas, Ctx2D, Stroke } from "./editor-core.js" */
/** @import { GradioModule } from "./backend.js" */

const W = 400, H = 200, SIZE = { width: W, height: H };
const SQUARE = { x: 160, y: 60, size: 80 }; // the subject

/** @param {number} w @param {number} h @param {(ctx: Ctx2D) => void} [draw] */
function canvas(w, h, draw) {
  const c = makeCanvas(w, h);
  if (draw) draw(context2d(c));
  return c;
}
// The model's matte, at half the photo's size (as the backend sends it): the square only.
const matte = canvas(W / 2, H / 2, (ctx) => ctx.fillRect(SQUARE.x / 2, SQUARE.y / 2, SQUARE.size / 2, SQUARE.size / 2));
const photo = canvas(W, H, (ctx) => {
  ctx.fillStyle = "rgb(20, 30, 40)";
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#fff";
  ctx.fillRect(SQUARE.x, SQUARE.y, SQUARE.size, SQUARE.size);
});

/** Every pixel's alpha. @param {AnyCanvas} c */
const alphas = (c) => context2d(c).getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 3);
/** @param {AnyCanvas} c @param {number} x @param {number} y */
const alphaAt = (c, x, y) => context2d(c).getImageData(x, y, 1, 1).data[3];

/** A horizontal stroke across the picture at height y (image pixels), `size` of the long side. @param {Partial<Stroke>} [over] @returns {Stroke} */
const across = (over = {}) => ({ mode: "remove", size: 0.1, softness: 0.5, points: [[0.2, 0.5], [0.8, 0.5]], ...over });

/** Distance (pixels of a w x h target) from (x, y) to the stroke's polyline. @param {Stroke} s @param {number} w @param {number} h @param {number} x @param {number} y */
function distance(s, w, h, x, y) {
  const p = s.points.map(([px, py]) => [px * w, py * h]);
  if (p.length === 1) return Math.hypot(x - p[0][0], y - p[0][1]);
  let best = Infinity;
  for (let i = 1; i < p.length; i++) {
    const [[ax, ay], [bx, by]] = [p[i - 1], p[i]];
    const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2 || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)));
  }
  return best;
}

describe("a brush stroke over the matte", () => {
  it("changes the matte where it is painted, and only there", () => {
    const stroke = across(), r = (stroke.size * W) / 2; // 20 px
    const before = alphas(refineMatte(matte, [], W, H)), after = alphas(refineMatte(matte, [stroke], W, H));
    let changed = 0;
    for (let i = 0; i < before.length; i++) {
      const [x, y] = [(i % W) + 0.5, Math.floor(i / W) + 0.5];
      if (before[i] === after[i]) continue;
      changed++;
      expect(distance(stroke, W, H, x, y)).toBeLessThan(r + 1.5); // within the brush's radius
    }
    expect(changed).toBeGreaterThan(1000); // the square's part under the brush
    const mid = refineMatte(matte, [stroke], W, H);
    expect(alphaAt(mid, 200, 100)).toBe(0); // the band's core: taken away
    expect(alphaAt(mid, 200, 70)).toBe(255); // the square above the band: as the model cut it
    expect(alphaAt(mid, 100, 100)).toBe(0); // outside the square: nothing to take
  });

  it("keep paints the subject back, remove takes it away; softness feathers the edge", () => {
    const keep = refineMatte(matte, [across({ mode: "keep", softness: 0 })], W, H);
    expect(alphaAt(keep, 100, 100)).toBe(255); // the background under the brush: now subject
    expect(alphaAt(keep, 100, 85)).toBe(255); // 15 px from the line: inside the 20 px radius
    expect(alphaAt(keep, 100, 75)).toBe(0); // 25 px: outside, as the model left it
    const soft = refineMatte(matte, [across({ mode: "keep", softness: 1 })], W, H);
    const edge = [100, 90, 85, 80].map((y) => alphaAt(soft, 100, y)); // 0, 10, 15, 20 px from the line
    expect(edge[0]).toBe(255);
    expect(edge[1]).toBeGreaterThan(100); // the fade: half way at r/2
    expect(edge[1]).toBeLessThan(160);
    expect(edge[2]).toBeGreaterThan(0);
    expect(edge[2]).toBeLessThan(edge[1]);
    expect(edge[3]).toBeLessThan(3); // nothing left at the radius
    // Remove is keep's mirror image: 1 - alpha, on a full matte.
    const full = canvas(W, H, (ctx) => ctx.fillRect(0, 0, W, H));
    const removed = refineMatte(full, [across({ softness: 1 })], W, H);
    expect([100, 90, 85, 80].map((y) => 255 - alphaAt(removed, 100, y))).toEqual(edge.map((a) => expect.closeTo(a, 0)));
  });

  it("draws the strokes in order: remove then keep differs from keep then remove", () => {
    const keep = across({ mode: "keep", softness: 0 }), remove = across({ softness: 0, size: 0.05 });
    expect(alphaAt(refineMatte(matte, [keep, remove], W, H), 100, 100)).toBe(0);
    expect(alphaAt(refineMatte(matte, [remove, keep], W, H), 100, 100)).toBe(255);
  });

  it("a tap paints one dot of the brush's size", () => {
    const dot = refineMatte(matte, [{ mode: "keep", size: 0.1, softness: 0, points: [[0.25, 0.5]] }], W, H);
    expect(alphaAt(dot, 100, 100)).toBe(255);
    expect(alphaAt(dot, 100 + 17, 100)).toBe(255);
    expect(alphaAt(dot, 100 + 23, 100)).toBe(0);
  });

  it("gives the same picture at two scales, up to resampling", () => {
    const zigzag = [[0.1, 0.1], [0.3, 0.8], [0.35, 0.2]];
    for (const [strokes, worst] of /** @type {[Stroke[], number][]} */ ([
      [[across({ softness: 0.6 }), { mode: "keep", size: 0.07, softness: 0.5, points: zigzag }], 24], // soft: within a tenth everywhere
      [[across({ softness: 0 }), { mode: "keep", size: 0.07, softness: 0, points: zigzag }], 255], // hard: edge pixels differ
    ])) {
      const small = refineMatte(matte, strokes, W, H), big = refineMatte(matte, strokes, 3 * W, 3 * H);
      const shrunk = canvas(W, H, (ctx) => ctx.drawImage(/** @type {HTMLCanvasElement} */ (big), 0, 0, W, H));
      const [a, b] = [alphas(small), alphas(shrunk)];
      const diffs = a.map((v, i) => Math.abs(v - b[i]));
      expect(diffs.reduce((s, d) => s + d, 0) / diffs.length).toBeLessThan(0.5); // under half a level, on average
      expect(Math.max(...diffs)).toBeLessThanOrEqual(worst);
      const area = (/** @type {Uint8ClampedArray} */ x) => x.reduce((s, v) => s + v, 0);
      expect(area(b) / area(a)).toBeCloseTo(1, 2); // the same amount of subject
    }
  });
});

describe("the export with strokes", () => {
  const texts = [createState(SIZE, { text: "" })];
  /** @param {AnyCanvas} c */
  const rgba = (c) => context2d(c).getImageData(0, 0, c.width, c.height).data;

  it("differs from the export without them inside the stroke only, at any long side", () => {
    const stroke = across({ points: [[0.3, 0.5], [0.5, 0.5]] });
    const adjust = { ...DEFAULT_ADJUST, brightness: 50 }; // the background darker than the subject
    for (const longSide of [0, 200]) {
      const before = renderExport(photo, matte, texts, SIZE, { longSide, adjust });
      const after = renderExport(photo, matte, texts, SIZE, { longSide, adjust, refine: [stroke] });
      const [a, b, w] = [rgba(before), rgba(after), before.width];
      const r = (stroke.size * w) / 2;
      let changed = 0;
      for (let i = 0; i < a.length; i += 4) {
        if (a[i] === b[i] && a[i + 1] === b[i + 1] && a[i + 2] === b[i + 2]) continue;
        changed++;
        const [x, y] = [((i / 4) % w) + 0.5, Math.floor(i / 4 / w) + 0.5];
        expect(distance(stroke, w, before.height, x, y)).toBeLessThan(r + 1.5);
      }
      expect(changed).toBeGreaterThan(longSide ? 100 : 400); // the subject's part under the brush: the photo there now
    }
  });

  it("the export job carries the strokes (what the worker draws)", async () => {
    const job = { photo, matte, layers: texts, placedOn: SIZE, adjust: undefined, fonts: [], options: { format: /** @type {const} */ ("png"), quality: 92, longSide: 0 } };
    const keep = across({ mode: "keep", softness: 0, points: [[0.1, 0.1], [0.2, 0.1]] });
    const decode = async (/** @type {Blob} */ b) => {
      const img = await createImageBitmap(b);
      return canvas(W, H, (ctx) => ctx.drawImage(img, 0, 0));
    };
    const box = createState(SIZE, { text: "H", color: "#ff0000", bgEnabled: true, bgColor: "#ff0000", fontSize: 30, x: 60, y: 20 });
    const withText = { ...job, layers: [box] }; // a red box behind the subject, at the stroke
    const [t0, t1] = [await decode(await encodeJob(/** @type {any} */ (withText))), await decode(await encodeJob(/** @type {any} */ ({ ...withText, refine: [keep] })))];
    const at = (/** @type {AnyCanvas} */ c) => [...context2d(c).getImageData(60, 20, 1, 1).data].slice(0, 3);
    expect(at(t0)).toEqual([255, 0, 0]); // the box, over the background
    expect(at(t1)).toEqual([20, 30, 40]); // kept: the photo covers the box there
  });
});

describe("a drag becomes a stroke", () => {
  const brush = { ...DEFAULT_BRUSH, mode: /** @type {const} */ ("remove"), size: 10, softness: 20 };

  it("in the photo's relative units, with the brush's size and softness as fractions", () => {
    const s = startStroke(brush, { x: 100, y: 50 }, SIZE);
    expect(s).toEqual({ mode: "remove", size: 0.1, softness: 0.2, points: [[0.25, 0.25]] });
    const on = extendStroke(s, { x: 200, y: 150 }, SIZE);
    expect(on.points).toEqual([[0.25, 0.25], [0.5, 0.75]]);
    expect(s.points).toHaveLength(1); // strokes are values: the old one is unchanged
  });

  it("skips points closer than a tenth of the radius, and keeps far ones within -1..2", () => {
    const s = startStroke(brush, { x: 100, y: 50 }, SIZE); // radius 20 px: a point every 2 px
    expect(extendStroke(s, { x: 101.5, y: 50 }, SIZE)).toBe(s);
    expect(extendStroke(s, { x: 102.5, y: 50 }, SIZE).points).toHaveLength(2);
    expect(extendStroke(s, { x: 5000, y: -900 }, SIZE).points[1]).toEqual([2, -1]);
  });

  it("reads back what it wrote, and refuses strokes that are not", () => {
    const strokes = [across(), startStroke(brush, { x: 1, y: 2 }, SIZE)];
    expect(readStrokes(JSON.parse(JSON.stringify(strokes)))).toEqual(strokes);
    expect(readStrokes(undefined)).toEqual([]); // a file from before the brush
    for (const [bad, why] of /** @type {[unknown, string][]} */ ([
      [{}, '"refine" is not a list'],
      [[null], "brush stroke 1 is not a stroke"],
      [[across({ mode: /** @type {any} */ ("paint") })], 'brush stroke 1\'s "mode"'],
      [[across(), across({ size: 0 })], 'brush stroke 2\'s "size"'],
      [[across({ softness: 2 })], '"softness"'],
      [[across({ points: [] })], '"points"'],
      [[across({ points: /** @type {any} */ ([[0.1, "x"]]) })], '"points"'],
    ])) expect(() => readStrokes(bad)).toThrow(why);
  });
});

describe("the strokes in the document", () => {
  const onPhoto = () => withPhoto(createDoc(), 1, SIZE);
  const brush = { ...DEFAULT_BRUSH, mode: /** @type {const} */ ("keep") };

  it("one drag is one undo step, a reset another; undo brings each back", () => {
    const history = createHistory(onPhoto());
    const paint = (/** @type {number} */ gesture, /** @type {number} */ y) => {
      history.commit(addStroke(history.present, startStroke(brush, { x: 10, y }, SIZE)), `paint:${gesture}`);
      for (let x = 20; x <= 200; x += 10) history.commit(continueStroke(history.present, { x, y }), `paint:${gesture}`);
    };
    paint(1, 50);
    paint(2, 150);
    expect(history.present.refine).toHaveLength(2);
    expect(history.present.refine[1].points).toHaveLength(20);
    const painted = history.present;
    expect(layerActions(painted).resetRefine).toBe(true);
    history.commit(resetRefine(history.present));
    expect(history.present.refine).toEqual([]);
    expect(layerActions(history.present).resetRefine).toBe(false);
    expect(resetRefine(history.present)).toBe(history.present); // nothing to reset: no step
    history.undo();
    expect(history.present).toBe(painted);
    history.undo(); // the second stroke, whole
    expect(history.present.refine).toHaveLength(1);
    history.undo();
    expect(history.present.refine).toEqual([]);
    expect(history.canUndo).toBe(false);
  });

  it("a point too close to the last one changes nothing; with no stroke, nothing either", () => {
    const doc = addStroke(onPhoto(), startStroke(brush, { x: 10, y: 10 }, SIZE));
    expect(continueStroke(doc, { x: 10.5, y: 10 })).toBe(doc);
    expect(continueStroke(onPhoto(), { x: 100, y: 10 }).refine).toEqual([]);
  });

  it("belong to their photo: a new photo starts without them, the same photo keeps them", () => {
    const doc = addStroke(onPhoto(), across());
    expect(withPhoto(doc, 1, SIZE).refine).toHaveLength(1);
    expect(withPhoto(doc, 2, { width: 300, height: 300 }).refine).toEqual([]);
  });

  it("go into the project and come back from it; a damaged stroke is refused with its reason", async () => {
    const doc = addStroke(addStroke(onPhoto(), across()), across({ mode: "keep" }));
    const files = { photo: null, matte: null, fonts: [] };
    const { project } = parseProject(await projectJson(doc, files));
    expect(project.refine).toEqual(doc.refine);
    expect(withProject(onPhoto(), project).refine).toEqual(doc.refine);
    const data = JSON.parse(await projectJson(doc, files));
    expect(readProject({ ...data, document: { ...data.document, refine: undefined } }).project.refine).toEqual([]); // saved before the brush
    data.document.refine[1].points = "everywhere";
    expect(() => readProject(data)).toThrow(FormatError);
    expect(() => readProject(data)).toThrow('This project file is damaged: brush stroke 2\'s "points"');
  });
});

describe("the preview's refiner", () => {
  it("draws what refineMatte draws, through a drag, an undo and a new size", () => {
    const refine = createRefiner();
    /** @type {Stroke[]} */
    let strokes = [];
    const same = (/** @type {number} */ w, /** @type {number} */ h) =>
      expect(alphas(refine(matte, strokes, w, h))).toEqual(alphas(refineMatte(matte, strokes, w, h)));
    same(W, H);
    strokes = [across()];
    same(W, H);
    strokes = [...strokes, across({ mode: "keep", points: [[0.1, 0.1]] })];
    same(W, H);
    strokes = strokes.with(-1, { ...strokes[1], points: [[0.1, 0.1], [0.5, 0.9]] }); // the drag goes on
    same(W, H);
    strokes = [...strokes, across({ points: [[0.6, 0.2], [0.9, 0.2]] })];
    same(W, H);
    strokes = strokes.slice(0, 1); // undo, twice
    same(W, H);
    same(W / 2, H / 2);
  });
});

describe("the brush's controls", () => {
  it("are the section's fields, the mode buttons and the reset, with their test ids", () => {
    expect(REFINE_SECTION.controls.map((c) => c.testid)).toEqual(["brush-size", "brush-softness"]);
    expect(REFINE_SECTION.controls.map((c) => parseInput(c, "12"))).toEqual([12, 12]);
    expect(BRUSH_MODES.map((m) => [m.mode, m.testid])).toEqual([["keep", "refine-keep"], ["remove", "refine-remove"]]);
    expect(REFINE_RESET).toMatchObject({ id: "resetRefine", testid: "refine-reset" });
  });

  it("the outline is a ring of the brush's radius", () => {
    const c = canvas(W, H, (ctx) => drawBrushOutline(ctx, { ...DEFAULT_BRUSH, size: 10 }, { x: 200, y: 100 }, W));
    expect(alphaAt(c, 200 + 20, 100)).toBeGreaterThan(100);
    expect(alphaAt(c, 200, 100)).toBe(0);
    expect(alphaAt(c, 200 + 30, 100)).toBe(0);
  });
});

describe("the brush in the editor", () => {
  /** An editor whose stand-in backend answers every photo with `matte`, and the photo loaded. */
  async function editorWithPhoto() {
    const matteUrl = /** @type {any} */ (matte).toDataURL("image/png");
    /** @type {GradioModule} */
    const gradio = {
      handle_file: (/** @type {Blob} */ file) => file,
      Client: {
        connect: async () => ({
          async* submit() { yield { type: "data", data: [{ url: matteUrl }] }; },
        }),
      },
    };
    const editor = createEditor({ loadGradio: async () => gradio, fontUrl: () => "file:///none", url: "http://backend/" });
    const press = editor.pickAt(W / 2, H / 2, W); // no photo yet: nothing to paint, or to move
    await editor.loadFile(await /** @type {any} */ (photo).convertToBlob({ type: "image/png" }));
    expect(editor.getSnapshot().matte).not.toBeNull();
    return { editor, press };
  }
  /** A drag on the stage shown at the photo's size (CSS pixels = image pixels). @param {ReturnType<typeof createEditor>} editor */
  const drag = (editor, [x, y] = [120, 100], [dx, dy] = [10, 0], steps = 10) => {
    const picked = editor.pickAt(x, y, W);
    for (let i = 0; i < steps; i++) editor.moveBy(dx, dy, W);
    return picked;
  };

  it("paints while a mode is on, one undo step a stroke; pressing the mode again moves the text", async () => {
    const { editor } = await editorWithPhoto();
    const text = () => [editor.getSnapshot().state.x, editor.getSnapshot().state.y];
    const placed = text();
    editor.toggleBrush("remove");
    expect(editor.getSnapshot().brush.mode).toBe("remove");
    expect(editor.getSnapshot().status.text).toMatch(/^Remove: drag over the picture/);
    expect(drag(editor)).toBe(false);
    drag(editor, [150, 50], [0, 10]);
    const { refine } = editor.getSnapshot();
    expect(refine.map((s) => [s.mode, s.points.length])).toEqual([["remove", 11], ["remove", 11]]);
    expect(refine[0].points.at(-1)).toEqual([220 / W, 100 / H]); // the pointer's way, in fractions of the photo
    expect(text()).toEqual(placed); // the text stayed
    expect(editor.getSnapshot().can.resetRefine).toBe(true);
    editor.act("undo"); // the second stroke, whole
    expect(editor.getSnapshot().refine).toHaveLength(1);
    editor.act("resetRefine");
    expect(editor.getSnapshot().refine).toEqual([]);
    editor.act("undo");
    expect(editor.getSnapshot().refine).toHaveLength(1);
    editor.toggleBrush("keep"); // the other mode: switches
    expect(editor.getSnapshot().brush.mode).toBe("keep");
    editor.toggleBrush("keep"); // the same again: off
    expect(editor.getSnapshot().brush.mode).toBeNull();
    drag(editor, [W / 2, H / 2], [-5, 0], 4);
    expect(text()).toEqual([placed[0] - 20, placed[1]]); // a drag moves the text again
    expect(editor.getSnapshot().refine).toHaveLength(1);
  });

  it("does nothing before there is a photo", async () => {
    const { editor, press } = await editorWithPhoto();
    expect(press).toBe(false);
    expect(editor.getSnapshot().refine).toEqual([]);
  });

  it("draws the strokes in the preview and the export, and the outline in the preview only", async () => {
    const { editor } = await editorWithPhoto();
    editor.setBrush("size", 10);
    editor.setBrush("softness", 0);
    editor.toggleBrush("remove");
    drag(editor, [170, 100], [6, 0]); // across the square's left part
    editor.hover(300, 40, W);
    expect(editor.getSnapshot().pointer).toEqual({ x: 300, y: 40 });
    const layers = { photo: makeCanvas(1, 1), text: makeCanvas(1, 1), subject: makeCanvas(1, 1), front: makeCanvas(1, 1) };
    editor.renderLayers(layers, { width: W, height: H });
    expect(alphaAt(layers.subject, 200, 100)).toBe(0); // taken away
    expect(alphaAt(layers.subject, 200, 70)).toBe(255); // the rest of the square stays
    expect(alphaAt(layers.front, 300, 40)).toBe(0); // a ring, not a disc
    expect(alphaAt(layers.front, 320, 40)).toBeGreaterThan(100); // the ring, 20 px out: the brush's radius
    editor.leave();
    editor.renderLayers(layers, { width: W, height: H });
    expect(alphaAt(layers.front, 320, 40)).toBe(0);

    // The export: no text (no font to load here), the background darkened, the subject not.
    editor.act("deleteLayer");
    editor.adjustPhoto("brightness", 50);
    const bitmap = await createImageBitmap(await editor.exportBlob());
    const out = canvas(W, H, (ctx) => ctx.drawImage(/** @type {any} */ (bitmap), 0, 0));
    const grey = (/** @type {number} */ x, /** @type {number} */ y) => context2d(out).getImageData(x, y, 1, 1).data[0];
    expect(grey(200, 70)).toBe(255); // the subject, as the model cut it
    expect(grey(200, 100)).toBeLessThan(160); // taken away: the darkened background shows
  });
});
