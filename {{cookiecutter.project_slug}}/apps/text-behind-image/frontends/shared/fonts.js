// @ts-check
// The fonts the editor offers, every one served by the app itself from the
// fontsource npm packages pinned in package.json: the page asks no other server,
// and a picture keeps its look. Where a file is, is each frontend's business
// (createEditor's `fontUrl`); this module says which file draws which font and
// loads it (FontFace), from a URL or from the file's bytes.

import { LIMITS } from "./limits.js";

/** @typedef {"display" | "sans" | "serif" | "script" | "mono"} FontCategory */
/**
 * A font of the menu. Its files: fontsource's `@fontsource/<id>` (a file per
 * weight) or `@fontsource-variable/<id>` (one file), latin, upright.
 * @typedef {object} Font
 * @property {string} id  its name in documents, and its package's
 * @property {string} label  the menu's name, and the family it is loaded as
 * @property {FontCategory} category
 * @property {readonly number[]} weights  a static font's weights; a variable one's [lightest, heaviest]
 * @property {boolean} [variable]
 * @property {string} family  the CSS font-family: the font, then its category's generic family
 */
/** A font file's URL, from its package and name. @typedef {(pkg: string, file: string) => string} FontUrl */
/** A face to load: plain data (the export job carries it to the worker). @typedef {{ family: string, weight: string, source: string | ArrayBuffer }} FontSource */

/** @type {Record<FontCategory, string>} drawn while (or if) the file does not load */
const GENERIC = { display: "sans-serif", sans: "sans-serif", serif: "serif", script: "cursive", mono: "monospace" };
const V = true; // variable

/** @param {string} id @param {string} label @param {FontCategory} category @param {number[]} weights @param {boolean} [variable] @returns {Font} */
const font = (id, label, category, weights, variable = false) =>
  ({ id, label, category, weights, variable, family: `"${label}", ${GENERIC[category]}` });

// The menu, in this order. The first is the fallback for an id no font has.
/** @type {readonly Font[]} */
export const FONTS = [
  font("anton", "Anton", "display", [400]),
  font("bebas-neue", "Bebas Neue", "display", [400]),
  font("oswald", "Oswald", "display", [200, 700], V),
  font("archivo-black", "Archivo Black", "display", [400]),
  font("abril-fatface", "Abril Fatface", "display", [400]),
  font("alfa-slab-one", "Alfa Slab One", "display", [400]),
  font("bangers", "Bangers", "display", [400]),
  font("bungee", "Bungee", "display", [400]),
  font("inter", "Inter", "sans", [100, 900], V),
  font("roboto", "Roboto", "sans", [100, 900], V),
  font("montserrat", "Montserrat", "sans", [100, 900], V),
  font("raleway", "Raleway", "sans", [100, 900], V),
  font("arimo", "Arimo", "sans", [400, 500, 600, 700]),
  font("playfair-display", "Playfair Display", "serif", [400, 900], V),
  font("merriweather", "Merriweather", "serif", [300, 900], V),
  font("lora", "Lora", "serif", [400, 700], V),
  font("eb-garamond", "EB Garamond", "serif", [400, 800], V),
  font("dm-serif-display", "DM Serif Display", "serif", [400]),
  font("gelasio", "Gelasio", "serif", [400, 500, 600, 700]),
  font("tinos", "Tinos", "serif", [400, 700]),
  font("pacifico", "Pacifico", "script", [400]),
  font("dancing-script", "Dancing Script", "script", [400, 700], V),
  font("caveat", "Caveat", "script", [400, 700], V),
  font("lobster", "Lobster", "script", [400]),
  font("permanent-marker", "Permanent Marker", "script", [400]),
  font("jetbrains-mono", "JetBrains Mono", "mono", [100, 800], V),
  font("roboto-mono", "Roboto Mono", "mono", [100, 700], V),
  font("courier-prime", "Courier Prime", "mono", [400, 700]),
];

// The computer's own fonts of earlier versions (named in work saved then): each is
// drawn with the served font most like it.
/** @type {Readonly<Record<string, string>>} */
export const FONT_ALIASES = {
  impact: "anton", "arial-black": "archivo-black", helvetica: "arimo", georgia: "gelasio",
  times: "tinos", courier: "courier-prime", system: "inter",
};

/** A font id as the menu names it (an old id: its served look-alike). @param {string} id */
export const fontId = (id) => FONT_ALIASES[id] ?? id;

/** @param {string} id @returns {Font} the font, or the first one for an unknown id */
export const fontById = (id) => FONTS.find((f) => f.id === fontId(id)) ?? FONTS[0];

/** @param {Font} f */
export const fontPackage = (f) => `@fontsource${f.variable ? "-variable" : ""}/${f.id}`;

/** The file of a font that draws it at `weight`: the variable file, or the nearest static weight. @param {Font} f @param {number} weight */
function fontFile(f, weight) {
  if (f.variable) return { file: `${f.id}-latin-wght-normal.woff2`, weight: f.weights.join(" ") };
  const w = f.weights.reduce((a, b) => (Math.abs(b - weight) < Math.abs(a - weight) ? b : a));
  return { file: `${f.id}-latin-${w}-normal.woff2`, weight: String(w) };
}

/** Every file a font has (what a frontend must serve). @param {Font} f @returns {string[]} */
export const fontFiles = (f) => (f.variable ? [f.weights[0]] : f.weights).map((w) => fontFile(f, w).file);

/** What draws a font id at a weight, found through `fontUrl`. @param {string} id @param {number} weight @param {FontUrl} fontUrl @returns {FontSource} */
export function fontSource(id, weight, fontUrl) {
  const f = fontById(id), { file, weight: range } = fontFile(f, weight);
  return { family: f.label, weight: range, source: fontUrl(fontPackage(f), file) };
}

/** @type {Map<string, Promise<void>>} */
const loading = new Map();
/**
 * Loads a face (a URL once) into the fonts the page, or the worker, draws with;
 * rejects, saying which font, if it cannot (a later call tries again).
 * @param {FontSource} face @returns {Promise<void>}
 */
export function loadFace({ family, weight, source }) {
  // Loaded once: a URL; or bytes, named by their hash (a user's font, whose family is its id).
  const key = typeof source === "string" ? `${family}|${weight}|${source}` : isUserFont(family) ? `${family}|${weight}` : null;
  let done = key && loading.get(key);
  if (!done) {
    done = (async () => {
      const fonts = typeof document !== "undefined" ? document.fonts : /** @type {{ fonts: FontFaceSet }} */ (/** @type {unknown} */ (globalThis)).fonts;
      const face = new FontFace(family, typeof source === "string" ? `url(${JSON.stringify(source)})` : source, { weight });
      fonts.add(await face.load());
    })().catch((err) => { throw new Error(`could not load the font "${family}" (${err?.message ?? err})`); });
    if (key) {
      loading.set(key, done);
      done.catch(() => loading.delete(key)); // tried again next time
    }
  }
  return done;
}

// ---- The user's own font files. A TTF, OTF, WOFF or WOFF2 file becomes a font of
// the menu: loaded from its bytes (FontFace with an ArrayBuffer: no URL, so the
// page's policy, fonts from the app only, has nothing to refuse), kept in the
// browser (persistence.js) and in the project files that use it.

/**
 * A font file of the user's. `id` names it in documents and is the family it is
 * loaded as: "file-" and a hash of its bytes, so the same file is the same font
 * in every browser and project. `label`: the menu's name (the font's own name,
 * else the file's). `bytes`: the file.
 * @typedef {{ id: string, family: string, label: string, bytes: ArrayBuffer }} UserFont
 */
export const USER_FONT = "file-";
export const MAX_FONT_BYTES = LIMITS.fontBytes;
/** What the file input offers. */
export const FONT_FILES = ".ttf,.otf,.woff,.woff2,font/ttf,font/otf,font/woff,font/woff2";

/** @param {string} id */
export const isUserFont = (id) => id.startsWith(USER_FONT);

/** The CSS font-family that draws a font id: a user's font by its id (the family it is loaded as), else the menu's. @param {string} id */
export const fontFamily = (id) => (isUserFont(id) ? `"${id}", sans-serif` : fontById(id).family);

/** The first four bytes of each kind of font file (TrueType has two). */
const SIGNATURES = { "\0\x01\0\0": "TrueType", true: "TrueType", OTTO: "OpenType", wOFF: "WOFF", wOF2: "WOFF2" };
/** A font file's kind, read from its signature, or null: not a font file. @param {ArrayBuffer} bytes */
export function fontFileKind(bytes) {
  const tag = String.fromCharCode(...new Uint8Array(bytes.slice(0, 4)));
  return SIGNATURES[/** @type {keyof typeof SIGNATURES} */ (tag)] ?? null;
}

/** The id of a font file: a hash of its bytes (FNV-1a, 32 bits) and its length. @param {ArrayBuffer} bytes */
export function fontFileId(bytes) {
  let h = 0x811c9dc5;
  for (const b of new Uint8Array(bytes)) h = Math.imul(h ^ b, 0x01000193);
  return `${USER_FONT}${(h >>> 0).toString(16).padStart(8, "0")}-${bytes.byteLength.toString(36)}`;
}

/**
 * The font's own name, from its `name` table: the full name ("DejaVu Sans Bold"),
 * else the family; null where there is none to read (WOFF2 and most WOFF files
 * compress their tables: the file's name is used instead).
 * @param {ArrayBuffer} bytes @returns {string | null}
 */
export function fontName(bytes) {
  try {
    const d = new DataView(bytes), woff = fontFileKind(bytes) === "WOFF";
    for (let i = 0, n = d.getUint16(woff ? 12 : 4); i < n; i++) {
      const entry = woff ? 44 + i * 20 : 12 + i * 16; // the table directory
      if (d.getUint32(entry) !== 0x6e616d65) continue; // "name"
      const table = d.getUint32(entry + (woff ? 4 : 8));
      if (woff && d.getUint32(entry + 8) !== d.getUint32(entry + 12)) return null; // compressed
      const strings = table + d.getUint16(table + 4), found = new Map();
      for (let j = 0; j < d.getUint16(table + 2); j++) {
        const [platform, , , nameId, length, at] = [0, 2, 4, 6, 8, 10].map((k) => d.getUint16(table + 6 + j * 12 + k));
        const raw = new Uint8Array(bytes, strings + at, length);
        // Windows and Unicode names are UTF-16 (big-endian), Mac ones one byte a letter.
        const text = platform === 1 ? String.fromCharCode(...raw)
          : String.fromCharCode(...raw.filter((_, k) => k % 2).map((lo, k) => (raw[2 * k] << 8) | lo));
        if ((nameId === 4 || nameId === 1) && !found.has(nameId)) found.set(nameId, text.replace(/[\0-\x1f]/g, "").trim());
      }
      return (found.get(4) || found.get(1) || "").slice(0, 60) || null;
    }
  } catch { /* a table that runs past the file's end: no name */ }
  return null;
}

/** A file's name without its extension ("my-font.woff2": "my-font"). @param {string} name */
const stem = (name) => name.replace(/\.[^.]*$/, "") || name;

/** A font file that cannot be used; `message` says why, for the status line. */
export class FontFileError extends Error {
  name = "FontFileError";
}

/**
 * Reads a font file of the user's, or throws FontFileError: too big, or not a
 * TrueType, OpenType, WOFF or WOFF2 file (by its signature). Whether the browser
 * can draw it is loadUserFont's to find out.
 * @param {Blob & { name?: string }} file @returns {Promise<UserFont>}
 */
export async function readFontFile(file) {
  const name = file.name || "font";
  if (file.size > MAX_FONT_BYTES) throw new FontFileError(`"${name}" is too big for a font file (over ${MAX_FONT_BYTES / 1e6} MB).`);
  const bytes = await file.arrayBuffer();
  if (!fontFileKind(bytes)) throw new FontFileError(`"${name}" is not a font file: choose a TTF, OTF, WOFF or WOFF2 file.`);
  const id = fontFileId(bytes);
  return { id, family: id, label: fontName(bytes) ?? stem(name), bytes };
}

/** What draws a user's font: its bytes, at every weight (the file is one weight, or variable). @param {UserFont} font @returns {FontSource} */
export const userFontSource = ({ family, bytes }) => ({ family, weight: "1 1000", source: bytes });

/**
 * Loads a user's font for drawing, or throws FontFileError when the browser
 * cannot read it (a damaged file with a font's signature).
 * @param {UserFont} font
 */
export async function loadUserFont(font) {
  try {
    await loadFace(userFontSource(font));
  } catch { // the browser's reason ("A network error occurred.") would mislead
    throw new FontFileError(`"${font.label}" has a font's signature, but this browser cannot read it as a font (a damaged file?).`);
  }
}
