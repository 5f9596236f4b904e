// @ts-check
// Unit tests of the bend (text along an arc): its geometry, its pixels, the hit
// test and the selection's outline. @napi-rs/canvas (Skia) stands in for the
// browser's canvas (browser-fakes.setup.js).
import { GlobalFonts } from "@napi-rs/canvas";
import { beforeAll, describe, expect, it } from "vitest";
import { CONTROLS } from "./controls.js";
import {
  arcOf, bendPoint, context2d, createState, drawSelection, drawText, layerAt, makeCanvas, unbendPoint,
} from "./editor-core.js";

/** @import { AnyCanvas, Ctx2D, State } from "./editor-core.js" */

const W = 600, H = 400, SIZE = { width: W, height: H };
// A font with wide, solid letters, so the tests measure ink, not a fallback's quirks.
const FONT = new URL("../../node_modules/@fontsource/arimo/files/arimo-latin-700-normal.woff2", import.meta.url);
beforeAll(() => { GlobalFonts.registerFromPath(decodeURIComponent(FONT.pathname), "Arimo"); });

/** @param {number} w @param {number} h @param {(ctx: Ctx2D) => void} draw */
function canvas(w, h, draw) {
  const c = makeCanvas(w, h);
  draw(context2d(c));
  return c;
}
/** @param {Partial<State>} change */
// An odd number of letters: one sits on the middle column.
const text = (change = {}) =>
  createState(SIZE, { text: "HHHHHHHHH", color: "#ff0000", fontFamily: "arimo", fontWeight: 700, fontSize: 10, ...change });

/** Each column's mean row of ink (null where a column has none). @param {AnyCanvas} c */
function inkRows(c) {
  const { data } = context2d(c).getImageData(0, 0, c.width, c.height);
  return Array.from({ length: c.width }, (_, x) => {
    let sum = 0, n = 0;
    for (let y = 0; y < c.height; y++) if (data[(y * c.width + x) * 4 + 3] > 128) { sum += y; n++; }
    return n ? sum / n : null;
  });
}
/** The ink's columns and their mean rows. @param {AnyCanvas} c */
function inkLine(c) {
  const rows = inkRows(c);
  const xs = rows.flatMap((r, x) => (r === null ? [] : [x]));
  return { x0: xs[0], x1: xs.at(-1) ?? -1, rows, at: (/** @type {number} */ x) => /** @type {number} */ (rows[x]) };
}
/** Each column's first and last inked row, or null. @param {AnyCanvas} c @returns {([number, number] | null)[]} */
function ink(c) {
  const { data } = context2d(c).getImageData(0, 0, c.width, c.height);
  return Array.from({ length: c.width }, (_, x) => {
    let top = -1, bottom = -1;
    for (let y = 0; y < c.height; y++) if (data[(y * c.width + x) * 4 + 3] > 128) { if (top < 0) top = y; bottom = y; }
    return top < 0 ? null : [top, bottom];
  });
}
/** How wide the straight text's lines are, in pixels at scale 1 (what the arc is measured on). @param {State} t */
function textWidth(t) {
  const ctx = context2d(makeCanvas(1, 1));
  ctx.font = `${t.fontWeight} ${(t.fontSize / 100) * H}px Arimo`;
  return ctx.measureText(t.text).width;
}

describe("the arc", () => {
  it("is straight at 0, a half circle at 100, either way up", () => {
    expect(arcOf(0, 300, 40)).toBeNull();
    expect(arcOf(100, 300, 40)).toEqual({ s: 1, r: 300 / Math.PI });
    expect(arcOf(-50, 300, 40)).toEqual({ s: -1, r: 600 / Math.PI });
    expect(arcOf(100, 60, 40)).toEqual({ s: 1, r: 40 }); // a short word: never round its own centre
  });

  it("takes the middle line onto a circle through the centre, and back", () => {
    const arch = { s: /** @type {const} */ (1), r: 100 };
    expect(bendPoint(arch, 0, 0)).toEqual({ x: 0, y: 0 }); // the middle stays
    const end = bendPoint(arch, (Math.PI / 2) * 100, 0); // a quarter circle along: level with the centre
    expect(end.x).toBeCloseTo(100);
    expect(end.y).toBeCloseTo(100); // an arch: the ends come down (y grows downwards)
    const smile = bendPoint({ s: -1, r: 100 }, (Math.PI / 2) * 100, 0);
    expect(smile.y).toBeCloseTo(-100); // a smile: they go up
    for (const arc of [arch, { s: /** @type {const} */ (-1), r: 80 }]) {
      for (const [u, v] of [[30, -10], [-120, 25], [0, 7]]) {
        const p = bendPoint(arc, u, v), back = unbendPoint(arc, p.x, p.y);
        expect(back.u).toBeCloseTo(u);
        expect(back.v).toBeCloseTo(v);
      }
    }
    // Above the middle line is further from an arch's centre: a taller letter's top spreads out.
    expect(bendPoint(arch, 50, -20).x).toBeGreaterThan(bendPoint(arch, 50, 0).x);
  });

  it("is a range control of every frontend, straight by default", () => {
    const control = CONTROLS.find((c) => c.key === "bend");
    expect(control).toMatchObject({ type: "range", min: -100, max: 100, testid: "bend" });
    expect(text().bend).toBe(0);
  });
});

describe("bent text", () => {
  const draw = (/** @type {State} */ t, scale = 1) =>
    canvas(W * scale, H * scale, (ctx) => drawText(ctx, t, SIZE, scale));

  it("follows the arc: a line of dashes becomes the circle's arc, its middle unmoved", () => {
    // Em dashes draw one thin bar: each column's mean row of ink is where the bar passes.
    const bar = (/** @type {number} */ bend) => text({ text: "——————", bend });
    const flat = inkLine(draw(bar(0)));
    const v = flat.at(W / 2) + 0.5 - H / 2; // the bar's height, from the text's centre
    for (const bend of [60, -60, 100]) {
      const t = bar(bend), bent = inkLine(draw(t));
      const arc = /** @type {NonNullable<ReturnType<typeof arcOf>>} */ (arcOf(bend, textWidth(t), 1));
      let columns = 0;
      for (let x = bent.x0 + 3; x <= bent.x1 - 3; x++) {
        // Taken back onto the flat text, each point of the bent bar is at the bar's height.
        const back = unbendPoint(arc, x + 0.5 - W / 2, bent.at(x) + 0.5 - H / 2);
        expect(Math.abs(back.v - v)).toBeLessThan(1);
        columns++;
      }
      expect(columns).toBeGreaterThan(100);
      expect(bent.at(W / 2)).toBeCloseTo(flat.at(W / 2), 0); // the middle has not moved
      const drop = bent.at(bent.x0 + 3) - bent.at(W / 2);
      expect(Math.sign(drop)).toBe(Math.sign(bend)); // an arch's ends are lower, a smile's higher
      expect(Math.abs(drop)).toBeGreaterThan(30);
      expect(bent.x1 - bent.x0).toBeLessThan(flat.x1 - flat.x0); // an arc is shorter across
    }
  });

  it("draws the preview like a downscaled export", () => {
    const t = text({ bend: 70, strokeWidth: 5, rotation: -10, bgEnabled: true, bgColor: "#0000ff" });
    const full = draw(t), small = draw(t, 0.5);
    const shrunk = canvas(W / 2, H / 2, (ctx) => ctx.drawImage(/** @type {HTMLCanvasElement} */ (full), 0, 0, W / 2, H / 2));
    const a = context2d(small).getImageData(0, 0, W / 2, H / 2).data;
    const b = context2d(shrunk).getImageData(0, 0, W / 2, H / 2).data;
    let total = 0;
    for (let i = 0; i < a.length; i++) total += Math.abs(a[i] - b[i]);
    expect(total / a.length).toBeLessThan(1.5); // mean difference per channel, out of 255
  });

  it("leaves no gaps between its columns (a box stays solid along the arc)", () => {
    const t = text({ bend: 100, bgEnabled: true, bgColor: "#0000ff", color: "#0000ff" });
    const c = draw(t), { data } = context2d(c).getImageData(0, 0, W, H);
    // Along the middle line's arc, every pixel is the box's blue, opaque.
    const arc = /** @type {NonNullable<ReturnType<typeof arcOf>>} */ (arcOf(100, textWidth(t), 1));
    const t0 = text();
    for (let u = -textWidth(t0) / 2 + 4; u < textWidth(t0) / 2 - 4; u += 1) {
      const p = bendPoint(arc, u, 0), x = Math.round(W / 2 + p.x), y = Math.round(H / 2 + p.y);
      expect(data[(y * W + x) * 4 + 3]).toBeGreaterThan(250); // a gap would let the white through
    }
  });

  it("is picked by a press on a curved letter, not where the straight text was", () => {
    const t = text({ bend: 100 }), straight = text();
    const bent = inkLine(draw(t));
    const x = bent.x0 + 5, y = bent.at(x); // on the leftmost letter, far below the middle's row
    expect(layerAt([t], { x, y }, SIZE)).toBe(0);
    expect(layerAt([straight], { x, y }, SIZE)).toBe(-1);
    expect(layerAt([t], { x: bent.x0 + 5, y: H / 2 }, SIZE)).toBe(-1); // where the straight one was
    expect(layerAt([straight], { x: bent.x0 + 5, y: H / 2 }, SIZE)).toBe(0);
    expect(layerAt([{ ...t, bend: -100 }], { x, y }, SIZE)).toBe(-1); // the other way up: not there
    // Rotated: the press is taken back through the rotation, then the bend.
    const turned = { ...t, rotation: 90 }, ink = draw(turned);
    const rows = inkRows(canvas(H, W, (ctx) => { ctx.rotate(-Math.PI / 2); ctx.drawImage(/** @type {HTMLCanvasElement} */ (ink), -W, 0); }));
    expect(rows.filter((r) => r !== null).length).toBeGreaterThan(100); // drawn, turned
    const p = bendPoint(/** @type {NonNullable<ReturnType<typeof arcOf>>} */ (arcOf(100, textWidth(t), 1)), -textWidth(t) / 2 + 10, 0);
    expect(layerAt([turned], { x: W / 2 - p.y, y: H / 2 + p.x }, SIZE)).toBe(0);
    expect(layerAt([turned], { x: W / 2 + p.y, y: H / 2 + p.x }, SIZE)).toBe(-1);
  });

  it("is outlined along its arc when selected", () => {
    const t = text({ bend: 100 }), straight = text();
    const outline = (/** @type {State} */ s) => canvas(W, H, (ctx) => drawSelection(ctx, s, SIZE, 1));
    const bent = inkLine(outline(t)), flat = inkLine(outline(straight));
    expect(bent.at(bent.x0 + 1)).toBeGreaterThan(bent.at(W / 2) + 40); // its ends come down with the letters
    expect(Math.abs(flat.at(flat.x0 + 1) - flat.at(W / 2))).toBeLessThan(2); // a rectangle's do not
    // The outline encloses the letters: in every column, the letters' ink lies between its edges.
    const letters = ink(draw(t)), band = ink(outline(t));
    let columns = 0;
    for (let x = 0; x < W; x++) {
      const l = letters[x];
      if (!l) continue;
      columns++;
      expect(band[x]?.[0]).toBeLessThan(l[0]);
      expect(band[x]?.[1]).toBeGreaterThan(l[1]);
    }
    expect(columns).toBeGreaterThan(150);
  });
});
