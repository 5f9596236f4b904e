// @ts-check
// Where things go: the first text behind the subject (found from its matte), a
// new text clear of the others, and the room the preview may take on the page.
// Positions are the document's (image pixels of the photo on screen); a text's
// box is the one a press picks it by (textBox in editor-core.js).

import { context2d, fitWithin, imageSize, makeCanvas, textBox } from "./editor-core.js";
import { updateLayer } from "./document.js";

/** @import { Picture, Size, State } from "./editor-core.js" */
/** @import { Doc } from "./document.js" */
/** A box in image pixels, from its top left (x0, y0) to its bottom right. @typedef {{ x0: number, y0: number, x1: number, y1: number }} Box */

const SAMPLE = 256; // the matte is read at this long side: plenty to find a subject's box
const FIRST_WIDTH = { min: 0.35, max: 0.8 }; // the first text's width, as a share of the photo's
const FIRST_SIZE = { min: 4, max: 35 }; // and its font size, in % of the photo's height
const FIRST_DEPTH = 0.2; // its middle, as a share of the way down the subject
const GAP = 0.02; // between a new text and the others, as a share of the photo's height
const GRID = 24; // a new text's candidate places, per side of the photo

/** v, or the nearest end of lo..hi (their middle when there is no room). @param {number} v @param {number} lo @param {number} hi */
const within = (v, lo, hi) => (lo > hi ? (lo + hi) / 2 : Math.min(hi, Math.max(lo, v)));

/**
 * The subject's box on a photo of `size`: where the matte is more than half opaque
 * (the matte has the photo's shape at any size). Null when the matte holds no subject.
 * @param {Picture} matte @param {Size} size @returns {Box | null}
 */
export function subjectBox(matte, size) {
  const { width, height } = imageSize(matte);
  const fit = fitWithin(width, height, SAMPLE);
  const ctx = context2d(makeCanvas(fit.width, fit.height));
  ctx.drawImage(matte, 0, 0, fit.width, fit.height);
  const { data } = ctx.getImageData(0, 0, fit.width, fit.height);
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < fit.height; y++) {
    for (let x = 0; x < fit.width; x++) {
      if (data[(y * fit.width + x) * 4 + 3] < 128) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = y;
    }
  }
  if (x1 < 0) return null;
  const kx = size.width / fit.width, ky = size.height / fit.height;
  return { x0: x0 * kx, y0: y0 * ky, x1: (x1 + 1) * kx, y1: (y1 + 1) * ky };
}

/**
 * The first text's place and size, so that the effect shows before any drag: behind
 * the subject's upper part (its middle a fifth of the way down the subject), centred on
 * the subject, as wide as the room on either side allows (35 to 80% of the photo's
 * width, its font 4 to 35% of the photo's height: sized to the photo, wider than a slim
 * subject, so the letters pass behind it), and inside the photo.
 * @param {State} t @param {Box} subject @param {Size} size @returns {Pick<State, "x" | "y" | "fontSize">}
 */
export function behindSubject(t, subject, size) {
  const cx = (subject.x0 + subject.x1) / 2;
  const room = 1.8 * Math.min(cx, size.width - cx);
  const wanted = within(room, FIRST_WIDTH.min * size.width, FIRST_WIDTH.max * size.width);
  const now = textBox(t, size);
  const fits = now ? Math.round((t.fontSize * wanted) / (2 * now.halfW)) : t.fontSize; // the width grows with the size
  const fontSize = within(fits, FIRST_SIZE.min, FIRST_SIZE.max);
  const { halfW, halfH } = textBox({ ...t, fontSize }, size) ?? { halfW: 0, halfH: 0 };
  return {
    x: within(cx, halfW, size.width - halfW),
    y: within(subject.y0 + FIRST_DEPTH * (subject.y1 - subject.y0), halfH, size.height - halfH),
    fontSize,
  };
}

/**
 * The box a text covers on the photo (its text box turned and skewed as it is drawn),
 * or null for an empty text.
 * @param {State} t @param {Size} size @returns {Box | null}
 */
export function layerBox(t, size) {
  const box = textBox(t, size);
  if (!box) return null;
  const a = (t.rotation * Math.PI) / 180, k = Math.tan((t.skew * Math.PI) / 180);
  const xs = [], ys = [];
  for (const [x, y] of [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([i, j]) => [i * box.halfW, j * box.halfH])) {
    const sx = x + k * y; // skewed, then turned: the order drawText applies them in
    xs.push(t.x + sx * Math.cos(a) - y * Math.sin(a));
    ys.push(t.y + sx * Math.sin(a) + y * Math.cos(a));
  }
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** @param {Box} a @param {Box} b */
const overlap = (a, b) => Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));

/**
 * Where a new text goes: inside the photo and clear of the other texts' boxes (when no
 * place is, where it overlaps them least); of those places, the one nearest the photo's
 * centre, weighed against how much of the text the subject would hide (a new text is
 * behind the subject, and should show).
 * @param {readonly State[]} others @param {State} t @param {Size} size @param {Box | null} [subject]
 * @returns {{ x: number, y: number }}
 */
export function freeSpot(others, t, size, subject = null) {
  const own = textBox(t, size);
  if (!own) return { x: size.width / 2, y: size.height / 2 };
  const gap = GAP * size.height;
  const boxes = others.map((o) => layerBox(o, size)).filter((b) => b !== null);
  /** @param {number} half @param {number} side @param {number} i */
  const at = (half, side, i) => within(side / 2 + ((i - GRID / 2) * (side - 2 * half)) / GRID, half, side - half); // from the centre out
  const area = 4 * own.halfW * own.halfH, diagonal = Math.hypot(size.width, size.height);
  let best = { x: size.width / 2, y: size.height / 2, covered: Infinity, cost: Infinity };
  for (let i = 0; i <= GRID; i++) {
    for (let j = 0; j <= GRID; j++) {
      const x = at(own.halfW, size.width, i), y = at(own.halfH, size.height, j);
      const mine = { x0: x - own.halfW - gap, y0: y - own.halfH - gap, x1: x + own.halfW + gap, y1: y + own.halfH + gap };
      const covered = boxes.reduce((sum, b) => sum + overlap(mine, b), 0);
      const hidden = subject ? overlap({ x0: x - own.halfW, y0: y - own.halfH, x1: x + own.halfW, y1: y + own.halfH }, subject) / area : 0;
      const cost = hidden + Math.hypot(x - size.width / 2, y - size.height / 2) / diagonal;
      if (covered < best.covered || (covered === best.covered && cost < best.cost)) best = { x, y, covered, cost };
    }
  }
  return { x: best.x, y: best.y };
}

/**
 * The document with its selected layer (one just added) moved clear of the others, and of
 * the subject where it can.
 * @param {Doc} doc @param {Box | null} [subject] @returns {Doc}
 */
export function clearOfOthers(doc, subject) {
  const layer = doc.layers.find((l) => l.id === doc.selected);
  if (!layer || !doc.size) return doc;
  return updateLayer(doc, layer.id, freeSpot(doc.layers.filter((l) => l !== layer), layer, doc.size, subject));
}

/**
 * The document's layers spread out: the first where it is, each next one clear of those
 * before it (texts added before the first photo were all put at its centre).
 * @param {Doc} doc @returns {Doc}
 */
export function spreadOut(doc) {
  const { size } = doc;
  if (!size) return doc;
  return doc.layers.slice(1).reduce((d, layer, i) =>
    updateLayer(d, layer.id, freeSpot(d.layers.slice(0, i + 1), layer, size)), doc);
}

// ---- The page

/** The stacked phone layout's media query (style.css has the same width). */
export const NARROW = "(max-width: 800px)";

/**
 * The room the preview may take, in CSS pixels: the width of its area (less a margin),
 * and a share of the window's height. Stacked on a phone, less than half of it, so the
 * main actions below and a control or two stay in view.
 * @param {number} areaWidth @param {number} windowHeight @param {boolean} narrow @returns {Size}
 */
export function stageRoom(areaWidth, windowHeight, narrow) {
  const height = narrow ? windowHeight * 0.45 - 24 : windowHeight - 200;
  return { width: Math.max(0, areaWidth - 24), height: Math.max(narrow ? 160 : 240, height) };
}
