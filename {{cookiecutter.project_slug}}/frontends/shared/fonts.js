// @ts-check
// The fonts the editor offers, every one served by the app itself from the
// fontsource npm packages pinned in package.json: the page asks no other server,
// and a picture keeps its look. Where a file is, is each frontend's business
// (createEditor's `fontUrl`); this module says which file draws which font and
// loads it (FontFace), from a URL or from the file's bytes.

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
  const key = typeof source === "string" ? `${family}|${weight}|${source}` : null; // bytes: loaded each time
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
