// @ts-check
// Unit tests of the editor's bounds (limits.js): just within each one a project file (version 2
// and 1) and the work kept in the browser are read, just beyond it they are refused with the
// reason, before anything is decoded or drawn; and the editor's own controls stay within them.
import { describe, expect, it, vi } from "vitest";
import { CONTROLS, PHOTO_SECTION } from "./controls.js";
import { createDoc, createHistory } from "./document.js";
import { DEFAULT_ADJUST, DEFAULT_STATE } from "./editor-core.js";
import { createEditor } from "./editor.js";
import { userFonts } from "./font-library.js";
import { LIMITS } from "./limits.js";
import {
  FormatError, OutOfBounds, PROJECT_FORMAT, checkPictures, documentData, readFonts, readProject, readWork,
} from "./persistence.js";
import { brushing } from "./refine.js";
import { fontFileId } from "./fonts.js";

/** @import { Stroke } from "./editor-core.js" */
/** @import { Doc } from "./document.js" */
/** @import { Storage } from "./persistence.js" */

const SIZE = { width: 400, height: 200 };
/** A layer's settings as a file holds them. @param {object} [change] */
const layer = (change = {}) => ({ ...DEFAULT_STATE, x: 200, y: 100, ...change });
/** A stroke of `points` points. @param {number} points @returns {Stroke} */
const stroke = (points) => ({ mode: "remove", size: 0.05, softness: 0.4, points: Array.from({ length: points }, (_, i) => [i / points, 0.5]) });
/** `n` strokes of `points` points in all (the first takes what does not divide). @param {number} n @param {number} points */
const strokes = (n, points) => Array.from({ length: n }, (_, i) => stroke(Math.floor(points / n) + (i ? 0 : points % n)));

/** A document as a file holds it: one layer on a 400 x 200 picture, changed by `change`. @param {object} change */
const documentWith = (change) => ({ ...documentData({ ...createDoc(), size: SIZE }), layers: [layer()], selected: 0, ...change });
// The same document, three ways the editor reads one.
/** @type {Record<string, (document: Record<string, unknown>) => unknown>} */
const READERS = {
  "a version 2 file": (document) => readProject({ format: PROJECT_FORMAT, version: 2, document, photo: null, matte: null, fonts: [] }),
  "a version 1 file": (document) => readProject({ format: PROJECT_FORMAT, version: 1, ...document }),
  "the work kept in the browser": (document) => readWork({
    history: { version: 2, at: 0, steps: [{ document, ids: /** @type {unknown[]} */ (document.layers).map((_, i) => `k${i}`), photo: null }] },
  }),
};

// Each bound of a document: a change just within it, one just beyond, and the reason given.
/** @type {[string, object, object, string][]} */
const DOCUMENT_BOUNDS = [
  ["text layers", { layers: Array.from({ length: LIMITS.layers }, () => layer()) }, { layers: Array.from({ length: LIMITS.layers + 1 }, () => layer()) },
    "has 51 text layers; the editor opens at most 50."],
  ["characters in a text", { layers: [layer(), layer({ text: "x".repeat(LIMITS.textChars) })] }, { layers: [layer(), layer({ text: "x".repeat(LIMITS.textChars + 1) })] },
    "has a text of 1,001 characters (layer 2); the editor opens texts of at most 1,000."],
  ["lines in a text (a line break is a character)", { layers: [layer({ text: "\n".repeat(LIMITS.textChars) })] }, { layers: [layer({ text: "x\n".repeat(100_000) })] },
    "has a text of 200,000 characters (layer 1); the editor opens texts of at most 1,000."],
  ["a font weight", { layers: [layer({ fontWeight: 1000 })] }, { layers: [layer({ fontWeight: 1001 })] },
    'has layer 1\'s "fontWeight" at 1001; the editor\'s range is 1 to 1000.'],
  ["brush strokes", { refine: strokes(LIMITS.strokes, LIMITS.strokes) }, { refine: strokes(LIMITS.strokes + 1, LIMITS.strokes + 1) },
    "has 201 brush strokes; the editor opens at most 200."],
  ["brush points", { refine: strokes(10, LIMITS.strokePoints) }, { refine: strokes(10, LIMITS.strokePoints + 1) },
    "has 20,001 brush points; the editor opens at most 20,000."],
  ["the picture the layers were placed on", { size: { width: 8000, height: 5000 } }, { size: { width: 8000, height: 5001 } },
    "has its layers placed on a picture of 8,000 x 5,001 pixels; the editor opens pictures of at most 40 megapixels."],
  // Each slider's range (controls.js), at both ends: a layer's settings and the photo's adjustments.
  ...CONTROLS.filter((c) => c.type === "range").flatMap(({ key, min = 0, max = 0 }) => /** @type {[string, object, object, string][]} */ ([
    [`"${key}" above its range`, { layers: [layer({ [key]: max })] }, { layers: [layer({ [key]: max + 1 })] }, `has layer 1's "${key}" at ${max + 1}; the editor's range is ${min} to ${max}.`],
    [`"${key}" below its range`, { layers: [layer({ [key]: min })] }, { layers: [layer({ [key]: min - 1 })] }, `has layer 1's "${key}" at ${min - 1}; the editor's range is ${min} to ${max}.`],
  ])),
  ...PHOTO_SECTION.controls.filter((c) => c.type === "range").flatMap(({ key, min = 0, max = 0 }) => /** @type {[string, object, object, string][]} */ ([
    [`the adjustment "${key}" above its range`, { adjust: { ...DEFAULT_ADJUST, [key]: max } }, { adjust: { [key]: max + 1 } },
      `has the photo adjustment "${key}" at ${max + 1}; the editor's range is ${min} to ${max}.`],
    [`the adjustment "${key}" below its range`, { adjust: { [key]: min } }, { adjust: { [key]: min - 1 } },
      `has the photo adjustment "${key}" at ${min - 1}; the editor's range is ${min} to ${max}.`],
  ])),
];

describe.each(Object.entries(READERS))("%s", (_, read) => {
  it.each(DOCUMENT_BOUNDS)("opens %s just within the bound, refuses them beyond it with the reason", (_, within, beyond, reason) => {
    expect(() => read(documentWith(within))).not.toThrow();
    const whose = read === READERS["the work kept in the browser"] ? "it" : "This project file"; // "…so it was cleared (it has …)"
    expect(() => read(documentWith(beyond))).toThrow(OutOfBounds);
    expect(() => read(documentWith(beyond))).toThrow(`${whose} ${reason}`);
  });
});

describe("the bounds of a project file's files", () => {
  const Buffer = /** @type {any} */ (globalThis).Buffer;
  /** A version 2 file with these fonts. */
  const withFonts = (/** @type {{ id: string, label: string, data: string }[]} */ fonts, document = documentWith({})) =>
    readProject({ format: PROJECT_FORMAT, version: 2, document, photo: null, matte: null, fonts });
  /** A font of `bytes` bytes as a file holds it: base64 of a WOFF2 signature, then bytes of `i`. @param {number} bytes @param {number} [i] */
  const font = (bytes, i = 0) => ({ id: `f${i}`, label: `Font ${i}`, data: Buffer.alloc(bytes, i).fill("wOF2", 0, 4).toString("base64") });

  it("opens 50 fonts, refuses 51 before decoding any", () => {
    expect(withFonts(Array.from({ length: LIMITS.fonts }, (_, i) => font(8, i))).fonts).toHaveLength(LIMITS.fonts);
    const many = Array.from({ length: LIMITS.fonts + 1 }, () => ({ id: "x", label: "x", data: "not base64!" }));
    expect(() => withFonts(many)).toThrow("This project file has 51 fonts; the editor opens at most 50.");
  });

  it("reads a font of 20 MB, refuses one a byte bigger before decoding it", () => {
    // The length of 20 MB in base64 (ending in one "="), with a first letter no base64 has: it
    // passes the bound, and is refused when decoded (20 MB of real bytes would take seconds here).
    const within = { ...font(8), data: `!${"A".repeat(Math.ceil(LIMITS.fontBytes / 3) * 4 - 2)}=` };
    expect(() => withFonts([within])).toThrow('This project file is damaged: font "Font 0" is not base64.');
    for (const over of [1, 2, 3]) { // base64 ending in no "=", in "==", in "=": its bytes counted exactly
      expect(() => withFonts([font(LIMITS.fontBytes + over)])).toThrow(
        'This project file has a font of 20 MB ("Font 0"); the editor opens fonts of at most 20 MB.');
    }
  });

  it("opens a photo and a matte of 40 megapixels, refuses a pixel more", () => {
    const photo = { width: 8000, height: 5000 }, bigger = { width: 8000, height: 5001 };
    const opened = withFonts([], documentWith({ size: photo }));
    expect(() => checkPictures(opened, photo, photo)).not.toThrow();
    expect(() => checkPictures(opened, bigger, null)).toThrow(
      "This project file's photo is 8,000 x 5,001 pixels; the editor opens photos of at most 40 megapixels.");
    expect(() => checkPictures(opened, null, bigger)).toThrow(
      "This project file's matte is 8,000 x 5,001 pixels; the editor opens mattes of at most 40 megapixels.");
  });
});

describe("the bounds of the work kept in the browser", () => {
  const png = new Blob([new Uint8Array([1])], { type: "image/png" });
  const photos = new Map(["a", "b", "c", "d"].map((key) => [key, { version: 1, photo: png, matte: null }]));
  /** A history of these steps' photos (null: none), the present the last. @param {(string | null)[]} named */
  const history = (named) => ({
    version: 2, at: named.length - 1,
    steps: named.map((photo) => ({ document: documentWith({}), ids: ["k"], photo })),
  });

  it("reads 101 steps (100 undo steps and the present), refuses 102", () => {
    expect(readWork({ history: history(Array(LIMITS.undoSteps + 1).fill(null)), photos })?.steps).toHaveLength(101);
    expect(() => readWork({ history: history(Array(LIMITS.undoSteps + 2).fill(null)), photos }))
      .toThrow("it has 102 steps of undo history; the editor keeps at most 101.");
  });

  it("reads steps naming 3 photos, refuses 4", () => {
    expect(readWork({ history: history(["a", "b", null, "c", "a"]), photos })?.images.size).toBe(3);
    expect(() => readWork({ history: history(["a", "b", "c", "d"]), photos })).toThrow("it has 4 photos; the editor keeps at most 3.");
  });

  it("reads 50 of the user's fonts, refuses 51, and a font over 20 MB", () => {
    const record = (/** @type {ArrayBuffer} */ bytes) => ({ version: 1, id: fontFileId(bytes), label: "Mine", bytes });
    const fonts = Array.from({ length: LIMITS.fonts }, (_, i) => record(new Uint8Array([119, 79, 70, 50, i]).buffer));
    expect(readFonts(fonts)).toHaveLength(LIMITS.fonts);
    expect(() => readFonts([...fonts, fonts[0]])).toThrow("there are 51; the editor keeps at most 50");
    expect(() => readFonts([record(new ArrayBuffer(LIMITS.fontBytes + 1))])).toThrow('"Mine" is 20 MB; the editor keeps fonts of at most 20 MB');
  });

  it("is refused at load with the reason, cleared, and the editor starts empty", async () => {
    let cleared = false;
    /** @type {Storage} */
    const storage = {
      load: async () => readWork({ history: { version: 2, at: 0, steps: [{ document: documentWith({ layers: Array(5000).fill(layer()) }), ids: Array(5000).fill("k"), photo: null }] } }),
      save: async () => {},
      clear: async () => { cleared = true; },
      fonts: async () => [],
      addFont: async () => {},
    };
    const editor = createEditor({ loadGradio: () => new Promise(() => {}), fontUrl: () => "file:///none", storage });
    await expect.poll(() => editor.getSnapshot().status.kind).toBe("error");
    expect(editor.getSnapshot().status.text).toBe(
      "The work kept in this browser could not be restored, so it was cleared (it has 5,000 text layers; the editor opens at most 50).");
    expect(cleared).toBe(true);
    expect(editor.getSnapshot().layers).toHaveLength(1); // the empty editor's text
  });
});

describe("the editor's own controls stay within the bounds", () => {
  /** An editor with no backend (none is needed to edit texts). */
  const editor = () => createEditor({ loadGradio: () => new Promise(() => {}), fontUrl: () => "file:///none" });

  it("gives the text field the text's bound as its maxlength, and keeps a longer text to it", async () => {
    expect(CONTROLS.find((c) => c.key === "text")?.maxLength).toBe(LIMITS.textChars);
    const e = editor();
    await e.set("text", "y".repeat(LIMITS.textChars + 5));
    expect(e.getSnapshot().state.text).toBe("y".repeat(LIMITS.textChars));
  });

  it("refuses to add or duplicate a text layer beyond the bound, saying so", () => {
    const e = editor();
    while (e.getSnapshot().layers.length < LIMITS.layers) e.act("addLayer");
    for (const action of /** @type {const} */ (["addLayer", "duplicateLayer"])) {
      e.act(action);
      expect(e.getSnapshot().layers).toHaveLength(LIMITS.layers);
      expect(e.getSnapshot().status).toEqual({ kind: "error", text: "A picture holds at most 50 text layers: delete one to add another." });
    }
    e.act("deleteLayer");
    e.act("duplicateLayer"); // room again
    expect(e.getSnapshot().layers).toHaveLength(LIMITS.layers);
  });

  it("lets the brush paint no stroke, nor point, beyond the bounds, saying so", () => {
    /** A brush over a document holding these strokes; its host's last status. @param {Stroke[]} refine */
    const brushOver = (refine) => {
      const host = {
        history: createHistory(/** @type {Doc} */ ({ ...createDoc(), size: SIZE, refine })), brush: { mode: /** @type {const} */ ("remove"), size: 6, softness: 40 },
        pointer: null, status: "",
        edit(/** @type {(doc: any) => any} */ change) { this.history.commit(change(this.history.present)); },
        publish() {},
        setStatus(/** @type {string} */ _, /** @type {string} */ text) { this.status = text; },
      };
      return { host, brush: brushing(host, () => true) };
    };
    const FULL = "A cut-out holds at most 200 brush strokes, of 20,000 points in all: undo some, or Reset cut-out, to paint more.";
    const room = brushOver(strokes(LIMITS.strokes - 1, 100)); // room for one more
    room.brush.press(10, 10, 400);
    expect([room.host.history.present.refine.length, room.host.status]).toEqual([LIMITS.strokes, ""]);
    room.brush.press(10, 10, 400);
    expect([room.host.history.present.refine.length, room.host.status]).toEqual([LIMITS.strokes, FULL]);

    const points = brushOver(strokes(1, LIMITS.strokePoints - 2)); // room for two more points
    points.brush.press(0, 100, 400); // a new stroke: one
    for (let i = 0; i < 10; i++) points.brush.drag(40, 0, 400); // each far enough to be a point: one more, then no more
    const refine = points.host.history.present.refine;
    expect(refine.reduce((n, s) => n + s.points.length, 0)).toBe(LIMITS.strokePoints);
    expect(points.host.status).toBe(FULL);
  });

  it("refuses a photo over 40 megapixels as it is chosen, and one kept in the browser at load", async () => {
    // Decoded as a picture of this size (a real one would take seconds to make here).
    const size = { width: 8000, height: 5001 };
    vi.stubGlobal("createImageBitmap", async () => size);
    try {
      const e = editor();
      await e.loadFile(new File([new Uint8Array(8)], "huge.png", { type: "image/png" }));
      expect(e.getSnapshot().status).toEqual({ kind: "error", text: "The photo is 8,000 x 5,001 pixels; the editor opens photos of at most 40 megapixels." });
      expect(e.getSnapshot().photo).toBeNull();
      const kept = { steps: [{ project: { ...documentWith({}), layers: [], selected: null }, photo: "k" }], at: 0, legacy: false,
        images: new Map([["k", { photo: new Blob([new Uint8Array(8)], { type: "image/png" }), matte: null }]]) };
      const storage = { load: async () => kept, save: async () => {}, clear: async () => {}, fonts: async () => [], addFont: async () => {} };
      const restored = createEditor({ loadGradio: () => new Promise(() => {}), fontUrl: () => "file:///none", storage: /** @type {any} */ (storage) });
      await expect.poll(() => restored.getSnapshot().status.kind).toBe("error");
      expect(restored.getSnapshot().status.text).toBe("The work kept in this browser could not be restored, so it was cleared "
        + "(its photo is 8,000 x 5,001 pixels; the editor opens photos of at most 40 megapixels).");
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("refuses a font of the user's beyond the bound, saying so, and takes one it has again", async () => {
    const woff2 = (/** @type {number} */ i) => new Uint8Array([119, 79, 70, 50, i]); // a WOFF2 signature
    const mine = Array.from({ length: LIMITS.fonts }, (_, i) => ({ id: fontFileId(woff2(i).buffer), label: `F${i}` }));
    const library = { mine: () => mine, add: async () => {}, menu: () => [] }; // its fonts load
    /** @type {any} */
    const store = { history: createHistory(createDoc()), menus: {}, fonts: 0, edit() {}, setStatus(/** @type {string} */ kind, /** @type {string} */ text) { store.status = { kind, text }; } };
    const { addFont, restored } = userFonts(store, /** @type {any} */ (library), null);
    await restored;
    await addFont(new File([woff2(LIMITS.fonts)], "one-more.woff2"));
    expect(store.status).toEqual({ kind: "error", text: "You have 50 fonts of your own, the most this editor keeps. Nothing was changed." });
    await addFont(new File([woff2(3)], "again.woff2"));
    expect(store.status.kind).toBe("done");
  });
});

it("refuses with a FormatError, the kind of refusal every reader already reports", () => {
  expect(new OutOfBounds((w) => `${w} has too much.`)).toBeInstanceOf(FormatError);
});
