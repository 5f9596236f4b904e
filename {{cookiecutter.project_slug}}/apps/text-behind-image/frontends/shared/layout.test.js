// @ts-check
// Unit tests of where things go (layout.js), in Node by Vitest: @napi-rs/canvas
// stands in for the browser's canvas (the text boxes are measured with a real font).
import { GlobalFonts, createCanvas } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { addLayer, createDoc, withPhoto } from "./document.js";
import { createState } from "./editor-core.js";
import { fontById, fontFiles, fontPackage } from "./fonts.js";
import { behindSubject, clearOfOthers, freeSpot, layerBox, spreadOut, stageRoom, subjectBox } from "./layout.js";

/** @import { Size } from "./editor-core.js" */
/** @import { Box } from "./layout.js" */

// The default text's font, from its package (as the app serves it), so the boxes are its own.
const anton = fontById("anton");
const antonFile = new URL(`../../node_modules/${fontPackage(anton)}/files/${fontFiles(anton)[0]}`, import.meta.url);
GlobalFonts.registerFromPath(decodeURIComponent(antonFile.pathname), anton.label);

const SIZE = { width: 1200, height: 800 };
/** @param {Box} a @param {Box} b */
const disjoint = (a, b) => a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;
/** @param {Box} b @param {Size} size */
const inside = (b, size) => b.x0 >= -0.5 && b.y0 >= -0.5 && b.x1 <= size.width + 0.5 && b.y1 <= size.height + 0.5;
/** A matte of `w` x `h`, opaque on a box given in fractions of it. @param {number} w @param {number} h @param {number[]} box */
function matte(w, h, [fx0, fy0, fx1, fy1]) {
  const c = createCanvas(w, h);
  c.getContext("2d").fillRect(fx0 * w, fy0 * h, (fx1 - fx0) * w, (fy1 - fy0) * h);
  return /** @type {any} */ (c);
}

describe("the subject's box", () => {
  it("is where the matte is opaque, on the photo's scale", () => {
    const box = subjectBox(matte(600, 400, [0.25, 0.3, 0.5, 1]), SIZE); // a matte at half the photo's size
    expect(box?.x0).toBeCloseTo(300, -1);
    expect(box?.y0).toBeCloseTo(240, -1);
    expect(box?.x1).toBeCloseTo(600, -1);
    expect(box?.y1).toBeCloseTo(800, -1);
    expect(subjectBox(matte(600, 400, [0, 0, 0, 0]), SIZE)).toBeNull(); // no subject
  });
});

describe("the first text", () => {
  const hello = createState(SIZE);

  it("goes behind the subject's upper part, centred on it, sized to the photo", () => {
    const subject = { x0: 300, y0: 240, x1: 500, y1: 800 }; // a slim subject, left of the centre
    const placed = { ...hello, ...behindSubject(hello, subject, SIZE) };
    const box = /** @type {Box} */ (layerBox(placed, SIZE));
    expect(placed.x).toBe(400); // centred on the subject
    expect(box.y0).toBeLessThan(subject.y0); // its top above the subject...
    expect(box.y1).toBeGreaterThan(subject.y0 + 50); // ...the rest behind it
    expect(placed.y).toBeCloseTo(subject.y0 + 0.2 * (subject.y1 - subject.y0), 5); // a fifth of the way down
    expect([box.x0 < subject.x0, box.x1 > subject.x1]).toEqual([true, true]); // wider: the letters pass behind it
    expect(box.x1 - box.x0).toBeGreaterThan(0.35 * SIZE.width); // sized to the photo
    expect(inside(box, SIZE)).toBe(true);
    // On a photo twice the size, the same share of it.
    const big = { width: 2400, height: 1600 };
    const twice = behindSubject(hello, { x0: 600, y0: 480, x1: 1000, y1: 1600 }, big);
    expect(twice).toEqual({ x: 800, y: placed.y * 2, fontSize: placed.fontSize });
  });

  it("stays inside the photo when the subject is at its edge, and never outgrows it", () => {
    const corner = { x0: 1100, y0: 700, x1: 1200, y1: 800 };
    const placed = { ...hello, ...behindSubject(hello, corner, SIZE) };
    const box = /** @type {Box} */ (layerBox(placed, SIZE));
    expect(inside(box, SIZE)).toBe(true);
    expect(box.x1).toBeGreaterThan(corner.x0); // as near the subject as it fits
    const tall = { width: 400, height: 2000 }; // a narrow photo: the width decides
    const whole = { ...hello, ...behindSubject(hello, { x0: 0, y0: 0, x1: 400, y1: 2000 }, tall) };
    expect(inside(/** @type {Box} */ (layerBox(whole, tall)), tall)).toBe(true);
    const wide = { width: 4000, height: 500 }; // a wide photo: the height decides
    expect(behindSubject(hello, { x0: 1500, y0: 100, x1: 2500, y1: 500 }, wide).fontSize).toBe(35);
  });
});

describe("a new text", () => {
  it("lands clear of every other text, inside the photo, nearest the centre", () => {
    let doc = withPhoto(createDoc(), 1, SIZE);
    expect([doc.layers[0].x, doc.layers[0].y]).toEqual([600, 400]);
    for (let i = 0; i < 5; i++) doc = clearOfOthers(addLayer(doc));
    const boxes = doc.layers.map((l) => /** @type {Box} */ (layerBox(l, SIZE)));
    for (const [i, a] of boxes.entries()) {
      expect(inside(a, SIZE)).toBe(true);
      for (const b of boxes.slice(i + 1)) expect(disjoint(a, b)).toBe(true);
    }
    // The second one right above or below the first: the nearest clear place to the centre.
    expect(doc.layers[1].x).toBe(600);
  });

  it("shows where it can: out of the subject's way, if not far from the centre", () => {
    const subject = { x0: 400, y0: 300, x1: 800, y1: 800 }; // a subject in the middle, down to the bottom
    const spot = freeSpot([], createState(SIZE), SIZE, subject);
    const box = /** @type {Box} */ (layerBox({ ...createState(SIZE), ...spot }, SIZE));
    expect(disjoint(box, subject)).toBe(true);
    expect(freeSpot([], createState(SIZE), SIZE)).toEqual({ x: 600, y: 400 }); // no subject: the centre
  });

  it("keeps clear of a turned text's whole box", () => {
    const turned = { ...createState(SIZE), text: "A LONG TURNED LINE", rotation: 90 };
    const box = /** @type {Box} */ (layerBox(turned, SIZE));
    expect(box.y1 - box.y0).toBeGreaterThan(box.x1 - box.x0); // upright now
    const spot = freeSpot([turned], createState(SIZE), SIZE);
    expect(disjoint(box, /** @type {Box} */ (layerBox({ ...createState(SIZE), ...spot }, SIZE)))).toBe(true);
  });

  it("overlaps the others least when no place is clear", () => {
    const huge = { ...createState(SIZE), fontSize: 60, text: "WIDE WIDE" };
    const spot = freeSpot([huge, { ...huge, y: 100 }, { ...huge, y: 700 }], createState(SIZE), SIZE);
    expect(spot.x).toBeGreaterThanOrEqual(0);
    expect(spot.y).toBeGreaterThanOrEqual(0);
  });

  it("added before the first photo: spread out when it comes", () => {
    let doc = addLayer(addLayer(createDoc()));
    doc = spreadOut(withPhoto(doc, 1, SIZE));
    const boxes = doc.layers.map((l) => /** @type {Box} */ (layerBox(l, SIZE)));
    expect([doc.layers[0].x, doc.layers[0].y]).toEqual([600, 400]); // the first stays centred
    expect(disjoint(boxes[0], boxes[1]) && disjoint(boxes[0], boxes[2]) && disjoint(boxes[1], boxes[2])).toBe(true);
    const fresh = createDoc();
    expect(spreadOut(fresh)).toBe(fresh); // no photo yet: nothing to spread over
  });
});

describe("the preview's room", () => {
  it("is the area's width, and less than half a phone's height", () => {
    expect(stageRoom(1000, 800, false)).toEqual({ width: 976, height: 600 });
    expect(stageRoom(366, 844, true)).toEqual({ width: 342, height: 844 * 0.45 - 24 });
    expect(stageRoom(366, 300, true).height).toBe(160); // a phone's keyboard up: still something to see
  });
});
