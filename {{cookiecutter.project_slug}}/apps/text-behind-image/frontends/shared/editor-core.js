// @ts-check
// The drawing core of the "text behind image" editor: layers in, pixels out.
//
// The picture is the photo, the texts behind the subject, the subject (the photo
// again, masked by the matte), the texts in front: a text behind seems to pass
// behind the person. Every function takes a `scale` (output pixels per image
// pixel) and text settings are in image-relative units, so the same code draws
// the on-screen preview and the full-resolution export alike. No DOM queries, no
// gradio: every frontend shares it (the document is document.js, the fonts fonts.js,
// the rest editor.js).

import { fontFamily } from "./fonts.js";

/**
 * A decoded picture the core can draw: the photo or the matte.
 * @typedef {ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas} Picture
 */
/** @typedef {HTMLCanvasElement | OffscreenCanvas} AnyCanvas */
/** @typedef {CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D} Ctx2D */
/** @typedef {{width: number, height: number}} Size */
/**
 * Everything that describes one text layer. Lengths are relative, so one State
 * draws the same picture at any resolution: fontSize in % of the image height;
 * letter spacing, stroke, shadow and depth in % of the font size; x, y in image
 * pixels. `front`: drawn in front of the subject instead of behind it.
 * `fontFamily`: a font's id (fonts.js). `fill: "gradient"`: the letters go from
 * `color` to `color2` along `gradientAngle` (degrees; 0 = left to right, 90 = top
 * to bottom, in the text's own frame). `bend` (-100..100): the arc the text
 * follows, 0 straight (see arcOf).
 * @typedef {{
 *   text: string, x: number, y: number, front: boolean,
 *   fontFamily: string, fontSize: number, fontWeight: number, letterSpacing: number,
 *   color: string, opacity: number,
 *   fill: "solid" | "gradient", color2: string, gradientAngle: number,
 *   bgEnabled: boolean, bgColor: string,
 *   strokeWidth: number, strokeColor: string,
 *   shadowBlur: number, shadowOffsetX: number, shadowOffsetY: number, shadowColor: string,
 *   depth: number, depthAngle: number, depthColor: string,
 *   rotation: number, skew: number, tilt: number, bend: number,
 *}} State
 */

// Lengths are relative: fontSize in % of image height, the other lengths in %
// of the font size, so the text keeps its look whatever the photo resolution.
/** @type {Readonly<State>} */
export const DEFAULT_STATE = {
  text: "HELLO", x: 0, y: 0, front: false, // x, y: text centre in image pixels
  fontFamily: "anton", fontSize: 18, fontWeight: 900, letterSpacing: 0,
  color: "#ffffff", opacity: 100,
  fill: "solid", color2: "#ff3d7f", gradientAngle: 0,
  bgEnabled: false, bgColor: "#000000",
  strokeWidth: 0, strokeColor: "#000000",
  shadowBlur: 0, shadowOffsetX: 0, shadowOffsetY: 0, shadowColor: "#000000",
  depth: 0, depthAngle: 45, depthColor: "#333333",
  rotation: 0, skew: 0, tilt: 0, bend: 0,
};

/** A State with the text centred on an image of this size. @param {Size} imageSize @param {Partial<State>} [overrides] @returns {State} */
export function createState(imageSize, overrides = {}) {
  return { ...DEFAULT_STATE, x: imageSize.width / 2, y: imageSize.height / 2, ...overrides };
}

/** @param {Picture} img @returns {Size} */
export const imageSize = (img) =>
  "naturalWidth" in img ? { width: img.naturalWidth, height: img.naturalHeight } : { width: img.width, height: img.height };

// Size that fits within maxSide on the long side (never upscales).
/** @param {number} width @param {number} height @param {number} maxSide @returns {Size & { scale: number}} */
export function fitWithin(width, height, maxSide) {
  const k = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)), scale: k };
}

// Size of the largest box with the image's aspect ratio inside maxWidth x
// maxHeight (CSS pixels, whole numbers): the on-screen stage size.
/** @param {Size} image @param {number} maxWidth @param {number} maxHeight @returns {Size} */
export function fitInto(image, maxWidth, maxHeight) {
  const k = Math.max(0, Math.min(maxWidth / image.width, maxHeight / image.height));
  return { width: Math.floor(image.width * k), height: Math.floor(image.height * k) };
}

// Drag maths: a pointer delta in CSS pixels -> the same delta in image pixels.
/** @param {number} dx @param {number} dy @param {number} displayedWidth @param {number} imageWidth @returns {{dx: number, dy: number}} */
export function clientDeltaToImage(dx, dy, displayedWidth, imageWidth) {
  const k = imageWidth / displayedWidth;
  return { dx: dx * k, dy: dy * k };
}

// A canvas of at least 1x1: a DOM canvas in the browser, else an OffscreenCanvas
// (workers; Node tests provide one).
/** @param {number} width @param {number} height @returns {AnyCanvas} */
export function makeCanvas(width, height) {
  /** @type {AnyCanvas} */
  const c = typeof document !== "undefined" ? document.createElement("canvas") : new OffscreenCanvas(1, 1);
  c.width = Math.max(1, Math.ceil(width));
  c.height = Math.max(1, Math.ceil(height));
  return c;
}

// The 2D context of either kind of canvas (throws if the browser refuses one).
/** @param {AnyCanvas} canvas @returns {Ctx2D} */
export function context2d(canvas) {
  const ctx = /** @type {HTMLCanvasElement} */ (canvas).getContext("2d");
  if (!ctx) throw new Error("This browser cannot draw on a canvas.");
  return ctx;
}

// ---- Photo adjustments: the background layer only (the subject is drawn from
// the unadjusted photo, so it stays sharp and true: that is the effect).
/**
 * In %, 100 = unchanged, except blur (radius in % of the photo's long side, so it
 * looks the same at any scale) and greyscale (0 = unchanged, 100 = grey).
 * @typedef {{ brightness: number, contrast: number, saturation: number, blur: number, greyscale: number }} Adjust
 */
/** @type {Readonly<Adjust>} */
export const DEFAULT_ADJUST = { brightness: 100, contrast: 100, saturation: 100, blur: 0, greyscale: 0 };

/**
 * The canvas filters for these adjustments on a picture whose long side is
 * `longSide` output pixels: `colour` without the blur, `all` with it; null when
 * nothing changes. (A browser without canvas `filter` support ignores them:
 * the photo is then drawn unadjusted, preview and export alike.)
 * @param {Adjust | undefined} adjust @param {number} longSide @returns {{ colour: string, all: string, blur: boolean } | null}
 */
export function photoFilters(adjust, longSide) {
  const a = { ...DEFAULT_ADJUST, ...adjust };
  const parts = [];
  if (a.brightness !== 100) parts.push(`brightness(${a.brightness / 100})`);
  if (a.contrast !== 100) parts.push(`contrast(${a.contrast / 100})`);
  if (a.saturation !== 100) parts.push(`saturate(${a.saturation / 100})`);
  if (a.greyscale) parts.push(`grayscale(${a.greyscale / 100})`);
  const blurPx = (a.blur / 100) * longSide;
  const blur = blurPx >= 0.05;
  if (!parts.length && !blur) return null;
  const colour = parts.join(" ") || "none";
  return { colour, all: blur ? `${parts.join(" ")} blur(${blurPx}px)`.trim() : colour, blur };
}

/** The photo, with its adjustments. @param {Ctx2D} ctx @param {Picture} photo @param {number} scale @param {Adjust} [adjust] */
export function drawPhoto(ctx, photo, scale, adjust) {
  const { width, height } = imageSize(photo);
  const w = width * scale, h = height * scale;
  const filters = photoFilters(adjust, Math.max(w, h));
  if (!filters) return ctx.drawImage(photo, 0, 0, w, h);
  ctx.save();
  // A blur fades to transparent at the edges (it reads outside the picture):
  // the same photo, adjusted but not blurred, goes underneath.
  if (filters.blur) { ctx.filter = filters.colour; ctx.drawImage(photo, 0, 0, w, h); }
  ctx.filter = filters.all;
  ctx.drawImage(photo, 0, 0, w, h);
  ctx.restore();
}

// The subject layer: the photo, kept only where the matte is opaque. The matte
// comes from the model at a smaller size (long side <= 1024) but with the same
// aspect ratio, so stretching it over the photo lines it up exactly.
/** @param {Ctx2D} ctx @param {Picture} photo @param {Picture} matte @param {number} scale */
export function drawSubject(ctx, photo, matte, scale) {
  const { width, height } = imageSize(photo);
  const off = makeCanvas(width * scale, height * scale);
  const o = context2d(off);
  o.drawImage(photo, 0, 0, off.width, off.height);
  o.globalCompositeOperation = "destination-in"; // keep photo pixels where matte alpha > 0
  o.drawImage(matte, 0, 0, off.width, off.height);
  ctx.drawImage(off, 0, 0);
}

// ---- Refining the cut-out: brush strokes over the matte (refine.js turns the pointer into
// strokes; a Doc keeps them in `refine`).
/**
 * One brush stroke, in image-relative units so that it fits any size: `size` is the brush's
 * diameter as a fraction of the image's long side, `softness` (0..1) the share of its radius
 * that fades out, `points` the polyline, each [x, y] a fraction of the width and the height.
 * @typedef {{ mode: "keep" | "remove", size: number, softness: number, points: readonly (readonly [number, number])[] }} Stroke
 */

/**
 * Draws one stroke onto a matte of width x height pixels (alpha = subject). Its coverage c
 * (0..1) is the band within r(1 - softness/2) of the polyline (r: the brush's radius), round
 * at the ends and the corners, blurred by a Gaussian of sigma r·softness/6: the edge fades
 * from the band to nothing at r (3 sigma out), the outline the preview shows. Keep raises
 * alpha: a + c(1 - a) (opaque white, "source-over"); remove lowers it: a(1 - c)
 * ("destination-out"). Every length is a fraction of the long side, so a target k times
 * bigger gets the same picture k times bigger: the preview and the export agree up to
 * resampling. (A browser without canvas `filter` draws hard edges, preview and export alike.)
 * @param {Ctx2D} ctx @param {Stroke} stroke @param {number} width @param {number} height
 */
export function drawStroke(ctx, { mode, size, softness, points }, width, height) {
  const r = (size * Math.max(width, height)) / 2, sigma = (r * softness) / 6;
  const xy = points.map(([x, y]) => [x * width, y * height]);
  ctx.save();
  ctx.globalCompositeOperation = mode === "keep" ? "source-over" : "destination-out";
  ctx.fillStyle = ctx.strokeStyle = "#fff";
  if (sigma >= 0.05) ctx.filter = `blur(${sigma}px)`;
  ctx.lineWidth = 2 * r * (1 - softness / 2);
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.beginPath();
  if (xy.length === 1) { // a tap: one dot (a line of no length draws nothing everywhere)
    ctx.arc(xy[0][0], xy[0][1], ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
  } else {
    xy.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke(); // one shape: where the line crosses itself it does not paint twice
  }
  ctx.restore();
}

/** The matte, stretched to width x height, with the strokes drawn on it in order. @param {Picture} matte @param {readonly Stroke[]} strokes @param {number} width @param {number} height @returns {AnyCanvas} */
export function refineMatte(matte, strokes, width, height) {
  const c = makeCanvas(width, height), ctx = context2d(c);
  ctx.drawImage(matte, 0, 0, c.width, c.height);
  for (const s of strokes) drawStroke(ctx, s, c.width, c.height);
  return c;
}

// Letter spacing: native ctx.letterSpacing where supported, else char by char.
/** @param {Ctx2D} ctx */
const hasLetterSpacing = (ctx) => "letterSpacing" in ctx;

/** @param {Ctx2D} ctx @param {string} line @param {number} spacing */
function lineWidth(ctx, line, spacing) {
  if (hasLetterSpacing(ctx)) return ctx.measureText(line).width;
  return [...line].reduce((w, ch) => w + ctx.measureText(ch).width + spacing, 0);
}

/** @param {Ctx2D} ctx @param {string} line @param {number} x @param {number} y @param {number} spacing @param {boolean} stroke */
function drawLine(ctx, line, x, y, spacing, stroke) {
  /** @param {string} s @param {number} px */
  const paint = (s, px) => (stroke ? ctx.strokeText(s, px, y) : ctx.fillText(s, px, y));
  if (hasLetterSpacing(ctx)) return paint(line, x);
  for (const ch of line) { paint(ch, x); x += ctx.measureText(ch).width + spacing; }
}

// The size of a text block's lines, in output pixels (before any transform).
/** @param {number} fontPx @param {(c: Ctx2D) => void} setup @param {string[]} lines @param {number} spacing */
function measureBlock(fontPx, setup, lines, spacing) {
  const measure = context2d(makeCanvas(1, 1));
  setup(measure);
  const widths = lines.map((l) => lineWidth(measure, l, spacing));
  const lineH = fontPx * 1.15;
  return { widths, textW: Math.max(1, ...widths), textH: lineH * lines.length, lineH };
}

/** The CSS font and letter-spacing setup of a text block. @param {State} state @param {number} fontPx */
function blockFont(state, fontPx) {
  const spacing = (state.letterSpacing / 100) * fontPx;
  const font = `${state.fontWeight} ${fontPx}px ${fontFamily(state.fontFamily)}`;
  /** @param {Ctx2D} c */
  const setup = (c) => {
    c.font = font;
    c.textBaseline = "middle";
    if (hasLetterSpacing(c)) c.letterSpacing = `${spacing}px`;
  };
  return { spacing, setup };
}

// Renders the flat text block (box, extrusion, stroke, face) into its own
// canvas, in output pixels, with the text centre at the canvas centre; and the
// size of its lines (what the bend's arc is measured on).
/** @param {State} state @param {number} fontPx @returns {{ block: AnyCanvas, textW: number, textH: number }} */
function renderTextBlock(state, fontPx) {
  const lines = String(state.text).split("\n");
  /** @param {number} v */
  const rel = (v) => (v / 100) * fontPx; // "% of font size" -> output pixels
  const { spacing, setup } = blockFont(state, fontPx);
  const { widths, textW, textH, lineH } = measureBlock(fontPx, setup, lines, spacing);
  const boxPad = fontPx * 0.25, depth = rel(state.depth);
  const pad = boxPad + depth + rel(state.strokeWidth) + fontPx * 0.3;
  const c = makeCanvas(textW + 2 * pad, textH + 2 * pad);
  const ctx = context2d(c);
  setup(ctx);
  const cx = c.width / 2, top = c.height / 2 - textH / 2;
  /** @param {(line: string, x: number, y: number) => void} fn */
  const eachLine = (fn) => lines.forEach((l, i) => fn(l, cx - widths[i] / 2, top + lineH * (i + 0.5)));

  if (state.bgEnabled) {
    ctx.fillStyle = state.bgColor;
    ctx.beginPath();
    const [bx, by, bw, bh] = [cx - textW / 2 - boxPad, top - boxPad, textW + 2 * boxPad, textH + 2 * boxPad];
    if (ctx.roundRect) ctx.roundRect(bx, by, bw, bh, fontPx * 0.12); else ctx.rect(bx, by, bw, bh);
    ctx.fill();
  }
  if (depth > 0) { // 3D extrusion: copies stepped back along the angle, far to near
    const a = (state.depthAngle * Math.PI) / 180, steps = Math.min(200, Math.ceil(depth));
    ctx.fillStyle = state.depthColor;
    for (let i = steps; i >= 1; i--) {
      const d = (depth * i) / steps;
      eachLine((l, x, y) => drawLine(ctx, l, x + Math.cos(a) * d, y + Math.sin(a) * d, spacing, false));
    }
  }
  if (state.strokeWidth > 0) { // stroke under the face so it grows outwards
    ctx.strokeStyle = state.strokeColor;
    ctx.lineWidth = rel(state.strokeWidth) * 2;
    ctx.lineJoin = "round";
    eachLine((l, x, y) => drawLine(ctx, l, x, y, spacing, true));
  }
  ctx.fillStyle = state.fill === "gradient" ? textGradient(ctx, state, cx, c.height / 2, textW, textH) : state.color;
  eachLine((l, x, y) => drawLine(ctx, l, x, y, spacing, false));
  return { block: c, textW, textH };
}

// Gradient text: `color` at one end of the text box, `color2` at the other,
// along gradientAngle; the line through the box's centre, long enough that the
// box's corners are its two ends (any angle keeps both colours in the letters).
/** @param {Ctx2D} ctx @param {State} state @param {number} cx @param {number} cy @param {number} w @param {number} h */
export function textGradient(ctx, state, cx, cy, w, h) {
  const a = (state.gradientAngle * Math.PI) / 180, dx = Math.cos(a), dy = Math.sin(a);
  const half = (Math.abs(dx) * w + Math.abs(dy) * h) / 2;
  const g = ctx.createLinearGradient(cx - dx * half, cy - dy * half, cx + dx * half, cy + dy * half);
  g.addColorStop(0, state.color);
  g.addColorStop(1, state.color2);
  return g;
}

// Perspective tilt: copy the block in 1px horizontal slices whose width changes
// linearly from top to bottom, which turns the rectangle into a trapezoid.
/** @param {AnyCanvas} src @param {number} tilt @returns {AnyCanvas} */
function taper(src, tilt) {
  const out = makeCanvas(src.width, src.height);
  const ctx = context2d(out);
  const k = 0.7 * Math.abs(tilt);
  const topW = tilt > 0 ? 1 - k : 1, bottomW = tilt < 0 ? 1 - k : 1;
  for (let y = 0; y < src.height; y++) {
    const w = src.width * (topW + ((bottomW - topW) * (y + 0.5)) / src.height);
    ctx.drawImage(src, 0, y, src.width, 1, (src.width - w) / 2, y, w, 1);
  }
  return out;
}

// ---- Bend: the text along an arc of a circle. The flat block's middle line
// (its vertical centre) becomes an arc of the same length, through the text's
// centre: `bend` 100 makes it a half circle bulging up (an arch), -100 one
// bulging down (a smile), so the middle of the text stays where it is and its
// ends come down (or go up). Every point of the block keeps its distance from
// that line, along the circle's radius: the letters, box, outline and all fan
// out along the arc. A point (u, v) of the flat block, from its centre, goes to
// bendPoint(arc, u, v); the hit test takes a point back with unbendPoint.
/** The arc of a bend, in the units of the text's size: its side (1: centre below, an arch; -1: above) and radius. @typedef {{ s: 1 | -1, r: number }} Arc */

/**
 * The arc a text of this width and height follows, or null when straight. Its
 * angle is |bend| % of a half circle; its radius is at least the text's height,
 * so a short word does not wrap round the circle's centre.
 * @param {number} bend @param {number} textW @param {number} textH @returns {Arc | null}
 */
export function arcOf(bend, textW, textH) {
  if (!bend) return null;
  const angle = (Math.min(100, Math.abs(bend)) / 100) * Math.PI;
  return { s: bend > 0 ? 1 : -1, r: Math.max(textW / angle, textH) };
}

/** Where the flat block's point (u, v) lands on the arc (both from the text's centre). @param {Arc} arc @param {number} u @param {number} v */
export function bendPoint({ s, r }, u, v) {
  const rho = r - s * v, phi = u / r; // the distance from the circle's centre; the angle from the middle
  return { x: rho * Math.sin(phi), y: s * (r - rho * Math.cos(phi)) };
}

/** The reverse: the flat block's point that lands on (x, y). @param {Arc} arc @param {number} x @param {number} y */
export function unbendPoint({ s, r }, x, y) {
  const dy = s * r - y; // from the circle's centre, towards the text's middle
  return { u: Math.atan2(x, s * dy) * r, v: s * (r - Math.hypot(x, dy)) };
}

// The bent block: each one-pixel column of the flat block, turned about the
// circle's centre to its place on the arc. A column is drawn as wide as its
// outer end needs (the arc is longer outside the middle line than inside), so
// no gaps open between neighbours; the centre stays at the canvas centre.
/** @param {AnyCanvas} src @param {Arc} arc @returns {AnyCanvas} */
function bendBlock(src, arc) {
  const { s, r } = arc, w = src.width, h = src.height;
  let halfW = 0, halfH = 0;
  for (let i = 0; i <= 32; i++) { // the bent outline's extent, from points along its edges
    for (const v of [-h / 2, h / 2]) {
      const p = bendPoint(arc, (i / 32 - 0.5) * w, v);
      halfW = Math.max(halfW, Math.abs(p.x));
      halfH = Math.max(halfH, Math.abs(p.y));
    }
  }
  const out = makeCanvas(2 * halfW + 4, 2 * halfH + 4);
  const ctx = context2d(out);
  const wide = Math.max(1, (r + h / 2) / r) + 0.5;
  for (let x = 0; x < w; x++) {
    ctx.setTransform(1, 0, 0, 1, out.width / 2, out.height / 2 + s * r); // the circle's centre
    ctx.rotate((s * (x + 0.5 - w / 2)) / r);
    ctx.drawImage(src, x, 0, 1, h, -wide / 2, -s * r - h / 2, wide, h);
  }
  return out;
}

// Draws the text layer. imageSize is the photo size in image pixels (the font
// size is relative to its height); scale maps image pixels to ctx pixels.
/** @param {Ctx2D} ctx @param {State} state @param {Size} imageSize @param {number} scale */
export function drawText(ctx, state, imageSize, scale) {
  if (!String(state.text).trim()) return;
  const fontPx = (state.fontSize / 100) * imageSize.height * scale;
  let { block, textW, textH } = renderTextBlock(state, fontPx);
  if (state.tilt) block = taper(block, state.tilt);
  const arc = arcOf(state.bend, textW, textH);
  if (arc) block = bendBlock(block, arc);
  ctx.save();
  ctx.translate(state.x * scale, state.y * scale);
  ctx.rotate((state.rotation * Math.PI) / 180);
  ctx.transform(1, 0, Math.tan((state.skew * Math.PI) / 180), 1, 0, 0);
  ctx.globalAlpha = state.opacity / 100;
  if (state.shadowBlur || state.shadowOffsetX || state.shadowOffsetY) {
    // Shadow values ignore the canvas transform: they are in ctx pixels already
    // (derived from fontPx, which includes scale), and stay unrotated.
    ctx.shadowColor = state.shadowColor;
    ctx.shadowBlur = (state.shadowBlur / 100) * fontPx;
    ctx.shadowOffsetX = (state.shadowOffsetX / 100) * fontPx;
    ctx.shadowOffsetY = (state.shadowOffsetY / 100) * fontPx;
  }
  ctx.drawImage(block, -block.width / 2, -block.height / 2);
  ctx.restore();
}

/** One layer or several (bottom first): a single State is a one-layer document. @typedef {State | readonly State[]} Texts */
/** @param {Texts} texts @returns {readonly State[]} */
const asList = (texts) => (Array.isArray(texts) ? texts : [/** @type {State} */ (texts)]);

// The layers behind the subject, or in front of it, in drawing order (bottom first).
/** @param {Texts} texts @param {boolean} front @returns {State[]} */
export const layersOn = (texts, front) => asList(texts).filter((t) => Boolean(t.front) === front);

/** Several text layers, bottom first. @param {Ctx2D} ctx @param {readonly State[]} texts @param {Size} imageSize @param {number} scale */
export function drawTexts(ctx, texts, imageSize, scale) {
  for (const t of texts) drawText(ctx, t, imageSize, scale);
}

// Whole picture into one context: the photo, the layers behind the subject, the
// subject (if any), the layers in front. `placedOn` is the size of the picture
// the text was placed on, when that was a smaller decode of this photo (the
// editor's preview): the text scales with it. `adjust`: the photo's adjustments;
// `refine`: the brush strokes over the matte.
/** @param {Ctx2D} ctx @param {Picture} photo @param {Picture | null} matte @param {Texts} texts @param {number} scale @param {Size} [placedOn] @param {Adjust} [adjust] @param {readonly Stroke[]} [refine] */
export function renderComposite(ctx, photo, matte, texts, scale, placedOn = imageSize(photo), adjust, refine = []) {
  const { width, height } = imageSize(photo);
  const textScale = (scale * width) / placedOn.width;
  drawPhoto(ctx, photo, scale, adjust);
  drawTexts(ctx, layersOn(texts, false), placedOn, textScale);
  if (matte) drawSubject(ctx, photo, refine.length ? refineMatte(matte, refine, width * scale, height * scale) : matte, scale);
  drawTexts(ctx, layersOn(texts, true), placedOn, textScale);
}

// Full-resolution export: the same drawing functions at scale 1, so the file
// is the preview, only sharper; or, with `longSide`, at that long side (never
// more than the photo's own).
/**
 * @param {Picture} photo @param {Picture | null} matte @param {Texts} texts @param {Size} [placedOn]
 * @param {{ adjust?: Adjust, longSide?: number, refine?: readonly Stroke[] }} [options] @returns {AnyCanvas}
 */
export function renderExport(photo, matte, texts, placedOn, { adjust, longSide, refine } = {}) {
  const { width, height } = imageSize(photo);
  const fit = fitWithin(width, height, longSide || Infinity);
  const c = makeCanvas(fit.width, fit.height);
  renderComposite(context2d(c), photo, matte, texts, fit.scale, placedOn, adjust, refine);
  return c;
}

// A layer's text box: the half width and half height of its lines (before stroke
// and effects), in image pixels, with a little room around the letters; in the
// layer's own frame (centred on x, y, then rotated and skewed), where it is an
// upright rectangle, bent along `arc` when the text is. Null for an empty text.
/** @param {State} t @param {Size} imageSize @returns {{ halfW: number, halfH: number, arc: Arc | null } | null} */
export function textBox(t, imageSize) {
  if (!String(t.text).trim()) return null;
  const fontPx = (t.fontSize / 100) * imageSize.height;
  const { spacing, setup } = blockFont(t, fontPx);
  const { textW, textH } = measureBlock(fontPx, setup, String(t.text).split("\n"), spacing);
  const slack = fontPx * 0.1;
  return { halfW: textW / 2 + slack, halfH: textH / 2 + slack, arc: arcOf(t.bend, textW, textH) };
}

// Which layer is under a point (image pixels): the index, in `texts`, of the
// topmost one whose text box holds the point, or -1. The point is taken into
// the layer's own frame (undoing its rotation and skew, then its bend).
/** @param {readonly State[]} texts @param {{x: number, y: number}} point @param {Size} imageSize @returns {number} */
export function layerAt(texts, point, imageSize) {
  const order = [...layersOn(texts, false), ...layersOn(texts, true)].reverse(); // topmost first
  const hit = order.find((t) => {
    const box = textBox(t, imageSize);
    if (!box) return false;
    const a = (-t.rotation * Math.PI) / 180;
    const dx = point.x - t.x, dy = point.y - t.y;
    const ry = dx * Math.sin(a) + dy * Math.cos(a);
    const rx = dx * Math.cos(a) - dy * Math.sin(a) - Math.tan((t.skew * Math.PI) / 180) * ry;
    const { u, v } = box.arc ? unbendPoint(box.arc, rx, ry) : { u: rx, v: ry };
    return Math.abs(u) <= box.halfW && Math.abs(v) <= box.halfH;
  });
  return hit ? texts.indexOf(hit) : -1;
}

// The preview's mark on the selected layer: a dashed outline of its text box
// (the area a press picks it by; a bent text's is the band along its arc), dark
// under light so it shows on any photo.
// Drawn on the preview only, never in the export; `dpr`: canvas pixels per CSS pixel.
/** @param {Ctx2D} ctx @param {State} t @param {Size} imageSize @param {number} scale @param {number} [dpr] */
export function drawSelection(ctx, t, imageSize, scale, dpr = 1) {
  const box = textBox(t, imageSize);
  if (!box) return;
  ctx.save();
  ctx.translate(t.x * scale, t.y * scale);
  ctx.rotate((t.rotation * Math.PI) / 180);
  ctx.transform(1, 0, Math.tan((t.skew * Math.PI) / 180), 1, 0, 0);
  const [w, h] = [box.halfW * scale, box.halfH * scale];
  ctx.beginPath();
  if (box.arc) { // the two arcs a half height out and in from the middle line, and the ends between
    const s = box.arc.s, r = box.arc.r * scale, a = w / r, mid = -s * Math.PI / 2; // the middle's direction
    ctx.arc(0, s * r, r + h, mid - s * a, mid + s * a, s < 0);
    ctx.arc(0, s * r, Math.max(0, r - h), mid + s * a, mid - s * a, s > 0);
    ctx.closePath();
  } else {
    ctx.rect(-w, -h, 2 * w, 2 * h);
  }
  for (const [colour, width, dash] of /** @type {const} */ ([["rgba(0, 0, 0, 0.6)", 3, []], ["#fff", 1.5, [6, 4]]])) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width * dpr;
    ctx.setLineDash(dash.map((d) => d * dpr));
    ctx.stroke();
  }
  ctx.restore();
}

/** Encodes either kind of canvas. @param {AnyCanvas} c @param {string} [type] @param {number} [quality] @returns {Promise<Blob>} */
export function canvasToBlob(c, type = "image/png", quality) {
  if ("convertToBlob" in c) return c.convertToBlob({ type, quality });
  return new Promise((resolve, reject) =>
    c.toBlob((b) => (b ? resolve(b) : reject(new Error(`${type} encoding failed`))), type, quality));
}

/** @param {Picture} photo @param {Picture | null} matte @param {Texts} texts @returns {Promise<Blob>} */
export const exportPng = (photo, matte, texts) => canvasToBlob(renderExport(photo, matte, texts));
