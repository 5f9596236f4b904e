// @ts-check
// The brush that refines the cut-out: keep paints the subject back, remove takes it away.
// A drag on the stage becomes a Stroke (editor-core.js draws strokes over the matte); the
// strokes are part of the document (document.js: `refine`), so they are undone, kept across
// reloads and in the project file like the text layers. The brush itself (mode, size,
// softness) is a tool setting, like the export's: not part of the picture, not undone.

import { context2d, drawStroke, makeCanvas, refineMatte } from "./editor-core.js";
import { LIMITS, count } from "./limits.js";

/** @import { Picture, Size, Stroke, Ctx2D, AnyCanvas } from "./editor-core.js" */
/** @import { Doc, History } from "./document.js" */
/**
 * The brush. `mode`: what a drag on the stage does, null = it moves the text; `size`: the
 * diameter in % of the photo's long side; `softness`: the fading share of the radius, in %.
 * @typedef {{ mode: Stroke["mode"] | null, size: number, softness: number }} Brush
 */

/** @type {Readonly<Brush>} */
export const DEFAULT_BRUSH = { mode: null, size: 6, softness: 40 };

/**
 * Image pixels -> a stroke's point: fractions of the width and the height, rounded (1/20000
 * of a side: well under a pixel) to keep the stored strokes small, within -1..2 (a drag may
 * go on past the stage; farther out than that, the brush no longer reaches the photo).
 * @param {{x: number, y: number}} point @param {Size} size @returns {[number, number]}
 */
const relative = ({ x, y }, size) => /** @type {[number, number]} */ (
  [x / size.width, y / size.height].map((v) => Math.min(2, Math.max(-1, Math.round(v * 20_000) / 20_000))));

/**
 * A new stroke of this brush, at a point of the photo (image pixels).
 * @param {Brush} brush @param {{x: number, y: number}} point @param {Size} size the photo's size @returns {Stroke}
 */
export function startStroke(brush, point, size) {
  const mode = brush.mode ?? "keep";
  return { mode, size: brush.size / 100, softness: brush.softness / 100, points: [relative(point, size)] };
}

/**
 * The stroke with one more point (image pixels), or the same stroke when the point is
 * closer to the last one than a tenth of the brush's radius: a round brush's line hardly
 * changes, and a long drag stays a few hundred points, not thousands.
 * @param {Stroke} stroke @param {{x: number, y: number}} point @param {Size} size @returns {Stroke}
 */
export function extendStroke(stroke, point, size) {
  const [lx, ly] = stroke.points[stroke.points.length - 1];
  const gap = Math.hypot(point.x - lx * size.width, point.y - ly * size.height);
  if (gap < (stroke.size * Math.max(size.width, size.height)) / 20) return stroke;
  return { ...stroke, points: [...stroke.points, relative(point, size)] };
}

// ---- The strokes in the document (document.js's Doc: `refine`)

/** A new stroke, over the others. @param {Doc} doc @param {Stroke} stroke @returns {Doc} */
export const addStroke = (doc, stroke) => ({ ...doc, refine: [...doc.refine, stroke] });

/** The last stroke, on to one more point of the photo (image pixels). @param {Doc} doc @param {{x: number, y: number}} point @returns {Doc} */
export function continueStroke(doc, point) {
  const last = doc.refine.at(-1);
  const next = last && doc.size && extendStroke(last, point, doc.size);
  return next && next !== last ? { ...doc, refine: doc.refine.with(-1, next) } : doc;
}

/** No strokes: the model's cut-out as it came. @param {Doc} doc @returns {Doc} */
export const resetRefine = (doc) => (doc.refine.length ? { ...doc, refine: [] } : doc);

/** @param {unknown} v @param {number} min @param {number} max */
const within = (v, min, max) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max;

/**
 * Strokes read back (a project file, the work kept in the browser): checked and copied, or a
 * plain Error saying what is wrong (persistence.js turns it into its FormatError). Missing
 * (a file from before the brush): no strokes.
 * @param {unknown} value @returns {Stroke[]}
 */
export function readStrokes(value = []) {
  if (!Array.isArray(value)) throw new Error('"refine" is not a list of brush strokes');
  return value.map((s, i) => {
    const what = `brush stroke ${i + 1}`;
    if (typeof s !== "object" || s === null) throw new Error(`${what} is not a stroke`);
    if (s.mode !== "keep" && s.mode !== "remove") throw new Error(`${what}'s "mode" is not "keep" or "remove"`);
    if (!within(s.size, 0, 1) || !s.size) throw new Error(`${what}'s "size" is not a number above 0, at most 1`);
    if (!within(s.softness, 0, 1)) throw new Error(`${what}'s "softness" is not a number from 0 to 1`);
    /** @type {unknown[]} */
    const points = Array.isArray(s.points) ? s.points : [];
    if (!points.length || !points.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => within(v, -1, 2)))) {
      throw new Error(`${what}'s "points" is not a list of [x, y] fractions of the photo`);
    }
    return { mode: s.mode, size: s.size, softness: s.softness, points: /** @type {[number, number][]} */ (points).map(([x, y]) => [x, y]) };
  });
}

/**
 * The preview's refined matte, drawn fast while a drag paints: the matte with every stroke
 * but the last is kept, so each move draws one stroke, not all of them. Undo, a new matte
 * or a resize starts again from the matte. (The export draws all its strokes once: refineMatte.)
 * @returns {(matte: Picture, strokes: readonly Stroke[], width: number, height: number) => AnyCanvas}
 */
export function createRefiner() {
  /** @type {{ matte: Picture, width: number, height: number, strokes: readonly Stroke[], canvas: AnyCanvas } | null} */
  let kept = null;
  return (matte, strokes, width, height) => {
    const settled = strokes.slice(0, -1), last = strokes.at(-1);
    if (!kept || kept.matte !== matte || kept.width !== width || kept.height !== height
        || kept.strokes.length > settled.length || kept.strokes.some((s, i) => s !== settled[i])) {
      kept = { matte, width, height, strokes: [], canvas: refineMatte(matte, [], width, height) };
    }
    const { canvas } = kept;
    for (const s of settled.slice(kept.strokes.length)) drawStroke(context2d(canvas), s, canvas.width, canvas.height);
    kept.strokes = settled;
    if (!last) return canvas;
    const out = makeCanvas(canvas.width, canvas.height), ctx = context2d(out);
    ctx.drawImage(canvas, 0, 0);
    drawStroke(ctx, last, out.width, out.height);
    return out;
  };
}

/**
 * The brush's outline on the preview (never in the export): a circle of its radius around
 * the pointer, white on a dark halo so it shows on any photo (solid: a dashed one got lost
 * on a bright subject).
 * @param {Ctx2D} ctx @param {Brush} brush @param {{x: number, y: number}} at canvas pixels
 * @param {number} longSide the photo's long side, in canvas pixels @param {number} [dpr]
 */
export function drawBrushOutline(ctx, brush, at, longSide, dpr = 1) {
  const r = Math.max(2 * dpr, (brush.size / 100) * longSide / 2);
  ctx.save();
  for (const [colour, width] of /** @type {const} */ ([["rgba(0, 0, 0, 0.55)", 4], ["#fff", 2]])) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width * dpr;
    ctx.beginPath();
    ctx.arc(at.x, at.y, r, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.restore();
}

// ---- The brush on the stage (editor.js hands it the stage's pointer first)

/**
 * The editor's store, as far as the brush is concerned (editor.js's Store is one).
 * @typedef {object} BrushHost
 * @property {History<Doc>} history
 * @property {Brush} brush
 * @property {{x: number, y: number} | null} pointer  where the outline is drawn (image pixels); null: nowhere
 * @property {(change: (doc: Doc) => Doc, group?: string) => void} edit  one change, as an undo step
 * @property {() => void} publish
 * @property {(kind: "info" | "error", text: string) => void} setStatus
 */

/** What the status line says when a mode is turned on. */
const MODE_STATUS = {
  keep: "Keep: drag over the picture to paint the subject back. Press Keep again to move the text.",
  remove: "Remove: drag over the picture to take the subject away. Press Remove again to move the text.",
};

const NO_MATTE = "The brush refines the cut-out: it paints once the cut-out has arrived.";
const FULL = `A cut-out holds at most ${count(LIMITS.strokes)} brush strokes, of ${count(LIMITS.strokePoints)} points in all: `
  + "undo some, or Reset cut-out, to paint more.";
/** Whether these strokes hold as many points as a cut-out may (limits.js). @param {readonly Stroke[]} strokes */
const allPoints = (strokes) => strokes.reduce((n, s) => n + s.points.length, 0) >= LIMITS.strokePoints;

/**
 * The brush's side of the stage. While a mode is on, a press starts a stroke and the drag
 * that follows continues it, one undo step (a text drag is one too); the outline follows the
 * pointer, hovering or painting. Otherwise `press` and `drag` answer false: the text moves.
 * @param {BrushHost} host @param {() => boolean} hasMatte  no matte yet: nothing to refine
 */
export function brushing(host, hasMatte) {
  const { history } = host;
  /** @type {{ x: number, y: number, group: string } | null} */
  let pen = null; // the stroke being painted: the pointer (CSS pixels from the stage's corner), its undo group
  let strokes = 0;
  /** A point of the stage (CSS pixels, the stage `width` wide) in image pixels, or null (no photo). @param {number} x @param {number} y @param {number} width */
  const onPhoto = (x, y, width) => {
    const { size } = history.present;
    return size && width ? { x: (x * size.width) / width, y: (y * size.width) / width } : null;
  };
  return {
    /** @template {keyof Brush} K @param {K} key @param {Brush[K]} value */
    setBrush(key, value) {
      host.brush = { ...host.brush, [key]: value };
      host.publish();
    },
    /** Presses a mode's button: on, or off again (the text moves). @param {Stroke["mode"]} mode */
    toggleBrush(mode) {
      const on = host.brush.mode !== mode;
      host.brush = { ...host.brush, mode: on ? mode : null };
      pen = host.pointer = null;
      // Never refused (nor its button disabled): a mode turned on before the cut-out arrived, or
      // with none coming, can always be turned off again.
      host.setStatus("info", !on ? "Drag the text to move it." : hasMatte() ? MODE_STATUS[mode] : NO_MATTE);
    },
    /** A press on the stage: true when the brush takes it. @param {number} x @param {number} y @param {number} width */
    press(x, y, width) {
      pen = null;
      if (!host.brush.mode) return false;
      const at = host.pointer = onPhoto(x, y, width);
      if (!at || !hasMatte()) return true;
      const { refine } = history.present;
      if (refine.length >= LIMITS.strokes || allPoints(refine)) return host.setStatus("error", FULL), true;
      pen = { x, y, group: `paint:${++strokes}` };
      host.edit((doc) => addStroke(doc, startStroke(host.brush, at, /** @type {Size} */ (doc.size))), pen.group);
      return true;
    },
    /** The pressed pointer moved by dx, dy CSS pixels: true when the brush takes it. @param {number} dx @param {number} dy @param {number} width */
    drag(dx, dy, width) {
      if (!host.brush.mode) return false;
      if (!pen) return true;
      if (allPoints(history.present.refine)) { // the stroke ends here
        pen = null;
        host.setStatus("error", FULL);
        return true;
      }
      pen = { ...pen, x: pen.x + dx, y: pen.y + dy };
      const at = host.pointer = onPhoto(pen.x, pen.y, width), before = history.present;
      if (at) host.edit((doc) => continueStroke(doc, at), pen.group);
      if (history.present === before) host.publish(); // the outline moved all the same
      return true;
    },
    /** The pointer moved over the stage, not pressed (the outline follows it). @param {number} x @param {number} y @param {number} width */
    hover(x, y, width) {
      if (!host.brush.mode) return;
      host.pointer = onPhoto(x, y, width);
      host.publish();
    },
    /** The pointer left the stage: no outline. */
    leave() {
      if (!host.pointer) return;
      host.pointer = null;
      host.publish();
    },
  };
}
