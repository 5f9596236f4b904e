// @ts-check
// Unit tests of the user's own font files (fonts.js): which files are fonts (their
// signature), their ids and names, and drawing with one. In Node by Vitest, with
// @napi-rs/canvas standing in for the browser's canvas and FontFace (browser-fakes.setup.js).
import { describe, expect, it } from "vitest";
import { CONTROLS, FONT_UPLOAD, optionsOf } from "./controls.js";
import { context2d, createState, drawText, makeCanvas } from "./editor-core.js";
import {
  FontFileError, MAX_FONT_BYTES, fontFamily, fontFileId, fontFileKind, fontName, isUserFont, loadUserFont, readFontFile,
} from "./fonts.js";

/** @import { Control } from "./controls.js" */

const g = /** @type {any} */ (globalThis);
// Node's fs, reached through globalThis: this file type-checks without Node's types.
const fs = g.process.getBuiltinModule("fs");
const NODE_MODULES = new URL("../../node_modules/", import.meta.url);
/** A file of a fontsource package (what the app serves): a WOFF2 font. */
const woff2 = () => new Uint8Array(fs.readFileSync(new URL("@fontsource/lobster/files/lobster-latin-400-normal.woff2", NODE_MODULES))).buffer;
// A TrueType file of the machine's: Debian's fonts-dejavu-core, which CI installs.
const DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
const hasDejaVu = fs.existsSync(DEJAVU) || g.process.env.CI === "true"; // under CI its absence fails

/** @param {number[] | string} bytes */
const buffer = (bytes) => (typeof bytes === "string" ? new TextEncoder().encode(bytes) : new Uint8Array(bytes)).buffer;

/**
 * A minimal font file (sfnt) with only a `name` table, to read names from: the
 * given records, each [platform, nameId, text] (UTF-16 big-endian but on Mac).
 * @param {[number, number, string][]} records @param {number[]} [signature]
 */
function sfnt(records, signature = [0, 1, 0, 0]) {
  const strings = records.map(([platform, , text]) => (platform === 1
    ? [...text].map((c) => c.charCodeAt(0))
    : [...text].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 255])));
  const table = 12 + 16, size = 6 + 12 * records.length + strings.reduce((n, s) => n + s.length, 0);
  const d = new DataView(new ArrayBuffer(table + size));
  signature.forEach((b, i) => d.setUint8(i, b));
  d.setUint16(4, 1); // one table
  [..."name"].forEach((c, i) => d.setUint8(12 + i, c.charCodeAt(0)));
  d.setUint32(12 + 8, table);
  d.setUint32(12 + 12, size);
  d.setUint16(table + 2, records.length);
  d.setUint16(table + 4, 6 + 12 * records.length);
  let at = 0;
  records.forEach(([platform, nameId], i) => {
    const r = table + 6 + 12 * i;
    [platform, 0, 0, nameId, strings[i].length, at].forEach((v, k) => d.setUint16(r + 2 * k, v));
    strings[i].forEach((b, k) => d.setUint8(table + 6 + 12 * records.length + at + k, b));
    at += strings[i].length;
  });
  return d.buffer;
}

describe("a font file", () => {
  it("is known by its signature: TrueType, OpenType, WOFF or WOFF2", () => {
    expect(fontFileKind(buffer([0, 1, 0, 0, 9]))).toBe("TrueType");
    expect(fontFileKind(buffer("true...."))).toBe("TrueType"); // Apple's
    expect(fontFileKind(buffer("OTTO...."))).toBe("OpenType");
    expect(fontFileKind(buffer("wOFF...."))).toBe("WOFF");
    expect(fontFileKind(woff2())).toBe("WOFF2");
    for (const other of [[0x89, 0x50, 0x4e, 0x47, 13, 10], [0xff, 0xd8, 0xff], [], [0, 1, 0], "ttcf....", "<svg", "wOF"]) {
      expect(fontFileKind(buffer(other))).toBeNull(); // a PNG, a JPEG, nothing, a collection, ...
    }
  });

  it("has an id made from its bytes: the same file, the same font, anywhere", () => {
    const bytes = woff2(), id = fontFileId(bytes);
    expect(id).toMatch(/^file-[0-9a-f]{8}-[0-9a-z]+$/);
    expect(fontFileId(bytes.slice(0))).toBe(id);
    const changed = new Uint8Array(bytes.slice(0));
    changed[100] ^= 1;
    expect(fontFileId(changed.buffer)).not.toBe(id);
    expect(isUserFont(id)).toBe(true);
    expect(isUserFont("anton")).toBe(false);
    expect(fontFamily(id)).toBe(`"${id}", sans-serif`); // drawn by the family it is loaded as
    expect(fontFamily("anton")).toBe('"Anton", sans-serif');
  });

  it("is named after its own name table: the full name, else the family", () => {
    expect(fontName(sfnt([[3, 1, "Family"], [3, 4, "Family Bold"]]))).toBe("Family Bold");
    expect(fontName(sfnt([[3, 1, "Only A Family"]]))).toBe("Only A Family");
    expect(fontName(sfnt([[1, 4, "Mac Name"]]))).toBe("Mac Name");
    expect(fontName(sfnt([[3, 4, "Ünïcode"]]))).toBe("Ünïcode");
    expect(fontName(sfnt([[3, 2, "Bold"]]))).toBeNull(); // a style only
    expect(fontName(sfnt([[3, 4, "OpenType"]], [..."OTTO"].map((c) => c.charCodeAt(0))))).toBe("OpenType");
    expect(fontName(woff2())).toBeNull(); // compressed tables: the file's name is used
    const cut = sfnt([[3, 4, "Cut short"]]).slice(0, 40);
    expect(fontName(cut)).toBeNull(); // a table past the end of the file
  });

  it.runIf(hasDejaVu)("reads a real TrueType file's name (DejaVu, from fonts-dejavu-core)", () => {
    const bytes = new Uint8Array(fs.readFileSync(DEJAVU)).buffer;
    expect(fontFileKind(bytes)).toBe("TrueType");
    expect(fontName(bytes)).toBe("DejaVu Sans Bold");
  });
});

describe("reading a user's font file", () => {
  /** @param {ArrayBuffer} bytes @param {string} name */
  const file = (bytes, name) => new File([bytes], name);

  it("makes it a font named after itself, or its file", async () => {
    const font = await readFontFile(file(woff2(), "My Lobster.woff2"));
    expect(font).toMatchObject({ id: fontFileId(woff2()), label: "My Lobster" });
    expect(font.family).toBe(font.id);
    expect(new Uint8Array(font.bytes)).toEqual(new Uint8Array(woff2()));
    expect((await readFontFile(file(sfnt([[3, 4, "Named Inside"]]), "x.ttf"))).label).toBe("Named Inside");
  });

  it("refuses a file that is not a font, or too big, with a sentence", async () => {
    const png = buffer([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]);
    await expect(readFontFile(file(png, "photo.png"))).rejects.toThrow(FontFileError);
    await expect(readFontFile(file(png, "photo.png"))).rejects.toThrow('"photo.png" is not a font file: choose a TTF, OTF, WOFF or WOFF2 file.');
    await expect(readFontFile(file(buffer(""), "empty.ttf"))).rejects.toThrow(/not a font file/);
    const big = { size: MAX_FONT_BYTES + 1, name: "huge.ttf", arrayBuffer: async () => new ArrayBuffer(0) };
    await expect(readFontFile(/** @type {File} */ (/** @type {unknown} */ (big)))).rejects.toThrow('"huge.ttf" is too big for a font file (over 20 MB).');
  });

  it("refuses, on loading, a file with a font's signature that is no font", async () => {
    const fake = await readFontFile(file(buffer("wOF2 and then anything at all"), "fake.woff2"));
    await expect(loadUserFont(fake)).rejects.toThrow(FontFileError);
    await expect(loadUserFont(fake)).rejects.toThrow('"fake" has a font\'s signature, but this browser cannot read it as a font (a damaged file?).');
  });

  it("draws a text in it once loaded: other letters than the fallback's", async () => {
    const font = await readFontFile(file(woff2(), "lobster.woff2"));
    const W = 400, H = 200, size = { width: W, height: H };
    const ink = (/** @type {string} */ fontFamilyId) => {
      const c = makeCanvas(W, H);
      drawText(context2d(c), createState(size, { text: "Hello", color: "#000", fontFamily: fontFamilyId, fontSize: 30 }), size, 1);
      return context2d(c).getImageData(0, 0, W, H).data;
    };
    const before = ink(font.id); // not loaded yet: the fallback
    await loadUserFont(font);
    const after = ink(font.id);
    let differ = 0;
    for (let i = 3; i < after.length; i += 4) if ((after[i] > 128) !== (before[i] > 128)) differ++;
    expect(differ).toBeGreaterThan(500);
  });
});

describe("the font menu's controls", () => {
  it("offer a file input for a font of one's own, and a menu that grows", () => {
    const font = /** @type {Control} */ (CONTROLS.find((c) => c.key === "fontFamily"));
    expect(font.upload).toBe(FONT_UPLOAD);
    expect(FONT_UPLOAD).toMatchObject({ action: "addFont", button: "choose-font", testid: "font-upload", label: "Add your own font…" });
    for (const type of [".ttf", ".otf", ".woff", ".woff2"]) expect(FONT_UPLOAD.accept.split(",")).toContain(type);
    expect(optionsOf(font)).toBe(font.options); // before any menu: the served fonts
    const menu = [...(font.options ?? []), { value: "file-0-1", label: "Mine" }];
    expect(optionsOf(font, { fonts: menu })).toBe(menu);
    const weight = /** @type {Control} */ (CONTROLS.find((c) => c.key === "fontWeight"));
    expect(optionsOf(weight, { fonts: menu })).toBe(weight.options); // a fixed menu stays
  });
});
