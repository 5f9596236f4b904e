// @ts-check
// The brush that refines the cut-out: keep paints the subject back, remove takes it away.
// A drag on the stage becomes a Stroke (editor-core.js draws strokes over the matte); the
// strokes are part of the document (document.js: `refine`), so they are undone, kept across
// reloads and in the project file like the text layers. The brush itself (mode, size,
// softness) is a tool setting, like the export's: not part of the picture, not undone.

import { context2d, drawStroke, makeCanvas, refineMatte } from "./editor-core.js";

/** @import { Picture, Size, Stroke, Ctx2D, AnyCanvas } from "./editor-core.js" */
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
 * the pointer, dark under light so it shows on any photo, dashed for remove.
 * @param {Ctx2D} ctx @param {Brush} brush @param {{x: number, y: number}} at canvas pixels
 * @param {number} longSide the photo's long side, in canvas pixels @param {number} [dpr]
 */
export function drawBrushOutline(ctx, brush, at, longSide, dpr = 1) {
  const r = Math.max(2 * dpr, (brush.size / 100) * longSide / 2);
  ctx.save();
  for (const [colour, width, dash] of /** @type {const} */ ([["rgba(0, 0, 0, 0.6)", 3, []], ["#fff", 1.5, brush.mode === "remove" ? [4, 3] : []]])) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width * dpr;
    ctx.setLineDash(dash.map((d) => d * dpr));
    ctx.beginPath();
    ctx.arc(at.x, at.y, r, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.restore();
}
