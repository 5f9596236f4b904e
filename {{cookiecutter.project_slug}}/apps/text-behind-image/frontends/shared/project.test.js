// @ts-check
// Unit tests of the project file, version 2 (persistence.js): one JSON file that is
// the whole work (the document, the photo, its matte, the user's fonts), its
// refusals, and the checks of its pictures. Version 1 files: persistence.test.js.
import { loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { addLayer, adjustPhoto, createDoc, updateLayer, withPhoto } from "./document.js";
import { DEFAULT_STATE, context2d, makeCanvas } from "./editor-core.js";
import { createEditor } from "./editor.js";
import { fontFileId } from "./fonts.js";
import {
  FormatError, PROJECT_FORMAT, PROJECT_VERSION, checkPictures, documentData, historyData, parseProject, projectJson,
  readFonts, readWork, toBase64, withProject,
} from "./persistence.js";

/** @import { UserFont } from "./fonts.js" */
/** @import { Opened } from "./persistence.js" */
/** @import { Size, Ctx2D, Stroke } from "./editor-core.js" */
/** @import { FontUrl } from "./fonts.js" */
/** @import { Editor } from "./editor.js" */

const g = /** @type {any} */ (globalThis);
const fs = g.process.getBuiltinModule("fs"); // Node's, through globalThis: no Node types needed
const NODE_MODULES = new URL("../../node_modules/", import.meta.url);
const fontBytes = new Uint8Array(fs.readFileSync(new URL("@fontsource/lobster/files/lobster-latin-400-normal.woff2", NODE_MODULES))).buffer;
/** @type {UserFont} */
const FONT = { id: fontFileId(fontBytes), family: fontFileId(fontBytes), label: "Lobster, mine", bytes: fontBytes };
const OTHER = { ...FONT, id: "file-00000000-1", family: "file-00000000-1", label: "Unused" };

const SIZE = { width: 400, height: 200 };
// Files as a browser has them: bytes with a type (a photo also with its name). Not real
// pictures: the format carries bytes; whether they decode is checkPictures' business.
const PHOTO = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 250])], "holiday.jpg", { type: "image/jpeg" });
const MATTE = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 8, 7])], { type: "image/png" });
/** @type {Stroke} */
const STROKE = { mode: "remove", size: 0.05, softness: 0.4, points: [[0.25, 0.5], [0.3, 0.55]] };

/** The whole work: two layers on a photo (one in the user's font, bent), adjustments, a refinement. */
function work() {
  let doc = withPhoto(createDoc(), 1, SIZE);
  doc = updateLayer(doc, doc.layers[0].id, { text: "ONE", color: "#ff0000", x: 100, y: 50, fontFamily: FONT.id, bend: 40 });
  doc = addLayer(doc);
  doc = updateLayer(doc, /** @type {string} */ (doc.selected), { text: "TWO", front: true, fontFamily: "lobster", rotation: 12 });
  doc = adjustPhoto(doc, { brightness: 130, blur: 1.5 });
  return { ...doc, refine: [STROKE] };
}
/** @type {Parameters<typeof projectJson>[1]} */
const FILES = { photo: PHOTO, matte: MATTE, fonts: [FONT, OTHER] };
const save = (doc = work(), files = FILES) => projectJson(doc, files);
/** @param {Blob} blob */
const bytesOf = async (blob) => new Uint8Array(await blob.arrayBuffer());
/** A saved file, changed by `spoil`, as text. @param {(data: any) => void} spoil */
const spoiled = async (spoil) => { const data = JSON.parse(await save()); spoil(data); return JSON.stringify(data); };

describe("project file, version 2", () => {
  it("round-trips the whole work: the document, the photo, its matte and the fonts its layers use", async () => {
    const doc = work(), opened = parseProject(await save(doc));
    expect(documentData({ ...opened.project, photo: 0 })).toEqual(documentData(doc)); // every field of the Doc
    expect(opened.project.refine).toEqual([STROKE]);
    expect(opened.project.layers.map((l) => [l.text, l.bend, l.fontFamily])).toEqual([["ONE", 40, FONT.id], ["TWO", 0, "lobster"]]);
    expect(opened.project.selected).toBe(opened.project.layers[1].id);
    const photo = /** @type {File} */ (opened.photo);
    expect([photo.name, photo.type]).toEqual(["holiday.jpg", "image/jpeg"]);
    expect(await bytesOf(photo)).toEqual(await bytesOf(PHOTO)); // the file as the user gave it
    expect(await bytesOf(/** @type {Blob} */ (opened.matte))).toEqual(await bytesOf(MATTE));
    expect(opened.matte?.type).toBe("image/png");
    expect(opened.fonts.map((f) => [f.id, f.family, f.label])).toEqual([[FONT.id, FONT.id, "Lobster, mine"]]); // not the unused one
    expect(new Uint8Array(opened.fonts[0].bytes)).toEqual(new Uint8Array(fontBytes));
  });

  it("is JSON another tool reads: a format name, a version, the files in base64", async () => {
    const data = JSON.parse(await save());
    expect(Object.keys(data)).toEqual(["format", "version", "document", "photo", "matte", "fonts"]);
    expect([data.format, data.version]).toEqual([PROJECT_FORMAT, 2]);
    expect(Object.keys(data.document).sort()).toEqual(["adjust", "layers", "refine", "selected", "size"]);
    expect(data.document.layers[0]).toEqual({ ...DEFAULT_STATE, text: "ONE", color: "#ff0000", x: 100, y: 50, fontFamily: FONT.id, bend: 40 });
    expect(data.photo).toEqual({ name: "holiday.jpg", type: "image/jpeg", data: g.Buffer.from(await bytesOf(PHOTO)).toString("base64") });
    expect(g.Buffer.from(data.fonts[0].data, "base64").equals(g.Buffer.from(fontBytes))).toBe(true);
    expect(toBase64(new Uint8Array(100_000).fill(7).buffer)).toBe(g.Buffer.alloc(100_000, 7).toString("base64")); // in slices
  });

  it("holds a work with no photo yet: its layers only", async () => {
    const opened = parseProject(await projectJson(createDoc(), { photo: null, matte: null, fonts: [] }));
    expect([opened.photo, opened.matte, opened.fonts, opened.project.size]).toEqual([null, null, [], null]);
    const noMatte = parseProject(await save(work(), { ...FILES, matte: null })); // the cut-out had not arrived
    expect([noMatte.photo?.name, noMatte.matte]).toEqual(["holiday.jpg", null]);
  });

  it("opens, on the photo it brings, as the document it was", async () => {
    const { project } = parseProject(await save());
    // The editor gives the file's photo an id, decodes it (here at half size), and opens onto it.
    const opened = withProject({ ...createDoc(), photo: 9, size: { width: 200, height: 100 } }, project);
    expect(opened.photo).toBe(9);
    expect(opened.layers.map((l) => [l.x, l.y])).toEqual([[50, 25], [100, 50]]); // the same place on the picture
    expect(opened.refine).toEqual([STROKE]);
    expect(opened.adjust).toEqual(work().adjust);
  });

  it("re-keys a font whose id is not its bytes' (a file another tool wrote)", async () => {
    const text = await spoiled((d) => { d.fonts[0].id = "my-font"; d.document.layers[0].fontFamily = "my-font"; });
    const { project, fonts } = parseProject(text);
    expect(fonts[0].id).toBe(FONT.id);
    expect(project.layers[0].fontFamily).toBe(FONT.id);
  });

  /** @type {[string, (data: any) => void, RegExp][]} */
  const BAD = [
    ["a newer version", (d) => { d.version = PROJECT_VERSION + 1; }, /version 3, from a newer editor; this one reads versions 1 to 2/],
    ["another format", (d) => { d.format = "psd"; }, /not a Text Behind Image project file/],
    ["no photo at all", (d) => { delete d.photo; }, /damaged: "photo" is missing/],
    ["no document", (d) => { delete d.document; }, /damaged: "document" is missing/],
    ["a photo that is not base64", (d) => { d.photo.data = "not base64!"; }, /damaged: the photo is not base64/],
    ["an empty photo", (d) => { d.photo.data = ""; }, /damaged: the photo is empty/],
    ["a photo that is no file", (d) => { d.photo = "holiday.jpg"; }, /damaged: the photo is not a file/],
    ["a photo that is no image", (d) => { d.photo.type = "text/html"; }, /damaged: the photo is of type "text\/html", not an image/],
    ["a matte but no photo", (d) => { d.photo = null; }, /damaged: it has a matte but no photo/],
    ["a photo but no size", (d) => { d.document.size = null; }, /damaged: the photo has no "size"/],
    ["a matte that is not base64", (d) => { d.matte.data = "%%%"; }, /damaged: the matte is not base64/],
    ["a font that is no font", (d) => { d.fonts[0].data = btoa("<html>"); }, /damaged: font "Lobster, mine" is not a font file/],
    ["fonts not a list", (d) => { d.fonts = {}; }, /damaged: "fonts" is not a list/],
    ["a layer's font missing", (d) => { d.fonts = []; }, /damaged: layer 1's font is not in it/],
    ["a layer of the wrong shape", (d) => { d.document.layers[1].bend = "much"; }, /damaged: layer 2's "bend" is not a number/],
    ["a refinement that is no stroke", (d) => { d.document.refine = [{ mode: "erase" }]; }, /damaged: .*(stroke|refine)/],
    ["a document that is not one", (d) => { d.document = [1]; }, /damaged: "document" is not a document/],
  ];
  it.each(BAD)("refuses %s with its reason", async (_, spoil, message) => {
    const text = await spoiled(spoil);
    expect(() => parseProject(text)).toThrow(FormatError);
    expect(() => parseProject(text)).toThrow(message);
  });

  it("checks its pictures once decoded: they must be pictures, and of one shape", async () => {
    const opened = parseProject(await save());
    const photo = { width: 1201, height: 600 }, half = { width: 600, height: 300 }; // the layers' 400 x 200, bigger
    expect(() => checkPictures(opened, photo, { width: 1024, height: 512 })).not.toThrow(); // a smaller copy's sides are rounded
    /** @type {[Opened, Size | null, Size | null, RegExp][]} */
    const bad = [
      [opened, null, half, /damaged: its photo cannot be read as an image/],
      [opened, photo, null, /damaged: its matte cannot be read as an image/],
      [opened, photo, { width: 1024, height: 1024 }, /its matte \(1024 x 1024\) does not fit its photo \(1201 x 600\)/],
      [opened, { width: 600, height: 1201 }, { width: 512, height: 1024 }, /layers were placed on a picture of 400 x 200, not on its photo \(600 x 1201\)/],
    ];
    for (const [o, p, m, message] of bad) expect(() => checkPictures(o, p, m)).toThrow(message);
    const noMatte = { ...opened, matte: null };
    expect(() => checkPictures(noMatte, { width: 400, height: 200 }, null)).not.toThrow();
  });
});

describe("the browser's copy, as project files are", () => {
  it("keeps each step's whole document, refinements and bends too", () => {
    const doc = work(), data = structuredClone(historyData([doc], 0, () => "k"));
    expect(data.steps[0].document).toEqual(documentData(doc));
    const png = new Blob([new Uint8Array([1])], { type: "image/png" });
    const kept = readWork({ history: data, photos: new Map([["k", { version: 1, photo: png, matte: null }]]) });
    expect(kept?.steps[0].project.refine).toEqual([STROKE]);
    expect(kept?.steps[0].project.layers.map((l) => l.bend)).toEqual([40, 0]);
  });

  it("keeps the user's fonts, and refuses a damaged one", () => {
    const record = { version: 1, id: FONT.id, label: FONT.label, bytes: fontBytes };
    expect(readFonts([record])).toEqual([FONT]);
    expect(() => readFonts([{ ...record, id: "file-0-0" }])).toThrow(/font kept in this browser is damaged/);
    expect(() => readFonts([{ ...record, bytes: "x" }])).toThrow(FormatError);
    expect(() => readFonts([{ ...record, version: 2 }])).toThrow(FormatError);
  });
});

describe("Save project and Open project, in the editor", () => {
  const W = 400, H = 200;
  /** @type {FontUrl} */
  const fontUrl = (pkg, file) => new URL(`${pkg}/files/${file}`, NODE_MODULES).href;
  /** A stand-in for @gradio/client whose every job answers with this matte (a data: URL). @param {string} matteUrl */
  const gradio = (matteUrl) => {
    const job = async function* () { yield { type: "data", data: [{ url: matteUrl }] }; };
    const mod = { handle_file: (/** @type {Blob} */ f) => f, Client: { connect: async () => ({ submit: () => job() }) } };
    return { loadGradio: async () => /** @type {any} */ (mod), fontUrl, url: "http://backend/" };
  };
  /** @param {(ctx: Ctx2D) => void} draw @param {number} [w] @param {number} [h] */
  const picture = (draw, w = W, h = H) => { const c = makeCanvas(w, h); draw(context2d(c)); return c; };
  const photo = picture((ctx) => { ctx.fillStyle = "#234"; ctx.fillRect(0, 0, W, H); ctx.fillStyle = "#fff"; ctx.fillRect(150, 50, 100, 100); });
  const matte = picture((ctx) => ctx.fillRect(75, 25, 50, 50), W / 2, H / 2);
  const png = async (/** @type {any} */ c) => new File([await c.encode("png")], "photo.png", { type: "image/png" });
  /** The project file an editor saves: its download, caught (a stand-in link; no page here). @param {Editor} editor */
  async function saved(editor) {
    /** @type {Blob | null} */
    let blob = null;
    const { createObjectURL } = URL;
    URL.createObjectURL = (/** @type {Blob} */ b) => { blob = b; return "blob:project"; };
    g.document = { createElement: () => ({ click() {}, remove() {} }), body: { append() {} } };
    try {
      await editor.saveProject();
    } finally {
      URL.createObjectURL = createObjectURL;
      delete g.document;
    }
    return /** @type {Blob} */ (/** @type {unknown} */ (blob));
  }
  /** @param {Blob} blob */
  const pixels = async (blob) => {
    const image = await loadImage(new Uint8Array(await blob.arrayBuffer()));
    return context2d(picture((ctx) => ctx.drawImage(/** @type {any} */ (image), 0, 0))).getImageData(0, 0, W, H).data;
  };

  it("opens in another editor, with nothing kept, as the same picture", async () => {
    const one = createEditor(gradio(/** @type {any} */ (matte).toDataURL("image/png")));
    await one.loadFile(await png(photo));
    await one.set("text", "ARCH");
    await one.set("color", "#ff0000");
    await one.set("bend", 70);
    one.act("addLayer");
    await one.set("text", "Mine");
    await one.addFont(new File([fontBytes], "lobster.woff2"));
    expect(one.getSnapshot().status.text).toBe('Added your font "lobster" to the selected text.');
    expect(one.getSnapshot().menus.fonts.at(-1)).toEqual({ value: FONT.id, label: "lobster" });
    one.adjustPhoto("contrast", 140);
    const file = await saved(one);
    expect(one.getSnapshot().status.text).toMatch(/^Saved text-behind-image.json: the photo, its cut-out, the layers and your fonts/);

    const other = createEditor(gradio("data:,never-asked"));
    const before = other.getSnapshot();
    await other.openProject(new File(["{ not json"], "x.json"));
    expect(other.getSnapshot().status).toEqual({ kind: "error", text: "This file is not a project file: it is not JSON." });
    expect(other.getSnapshot().layers).toBe(before.layers);
    await other.openProject(file);
    const opened = other.getSnapshot();
    expect(opened.status).toEqual({ kind: "done", text: "Opened the project: its photo and 2 text layers." });
    expect(opened.layers.map((l) => [l.text, l.bend, l.fontFamily])).toEqual([["ARCH", 70, "anton"], ["Mine", 0, FONT.id]]);
    expect(opened.menus.fonts.at(-1)).toEqual({ value: FONT.id, label: "lobster" });
    expect(opened.matte).not.toBeNull(); // the file's: the backend was not asked
    expect(await pixels(await other.exportBlob())).toEqual(await pixels(await one.exportBlob()));
    other.act("undo"); // opening was one step
    expect(other.getSnapshot().photo).toBeNull();
  });

  it("refuses a file whose matte does not fit its photo, changing nothing", async () => {
    const one = createEditor(gradio(/** @type {any} */ (picture((ctx) => ctx.fillRect(0, 0, 10, 10), 50, 50)).toDataURL("image/png")));
    await one.loadFile(await png(photo)); // the backend answers with a square matte
    const file = await saved(one);
    const other = createEditor(gradio("data:,never-asked"));
    await other.set("text", "KEEP");
    await other.openProject(file);
    expect(other.getSnapshot().status).toEqual({ kind: "error", text: "This project file is damaged: its matte (50 x 50) does not fit its photo (400 x 200)." });
    expect([other.getSnapshot().photo, other.getSnapshot().state.text]).toEqual([null, "KEEP"]);
  });
});
