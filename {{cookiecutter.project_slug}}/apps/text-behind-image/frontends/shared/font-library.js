// @ts-check
// The fonts the editor draws with: the menu's, served by the app (fonts.js), and the
// user's own files, added with the font-upload input, kept in this browser
// (persistence.js) and carried in the project files that use them. A text names its
// font by id either way; this module says what draws an id (a served file's URL, or a
// user's file's bytes) for the page and for the export's worker alike.

import { FONTS, FontFileError, fontById, fontSource, isUserFont, loadFace, loadUserFont, readFontFile, userFontSource } from "./fonts.js";
import { selectedLayer, updateLayer } from "./document.js";
import { storageError } from "./persistence.js";
import { LIMITS, count } from "./limits.js";

/** @import { FontUrl, FontSource, UserFont } from "./fonts.js" */
/** @import { ControlOption } from "./controls.js" */
/** @import { Storage } from "./persistence.js" */
/** @import { Store } from "./editor.js" */

/** @param {FontUrl} fontUrl */
export function createFontLibrary(fontUrl) {
  /** @type {Map<string, UserFont>} */
  const mine = new Map();
  /** What draws a font id at a weight; throws for a user's font this browser does not have. @param {string} id @param {number} weight @returns {FontSource} */
  function source(id, weight) {
    if (!isUserFont(id)) return fontSource(id, weight, fontUrl);
    const font = mine.get(id);
    if (!font) throw new Error("this text's font file is not in this browser");
    return userFontSource(font);
  }
  return {
    source,
    /** Loads (once) what draws a font id at a weight. @param {string} id @param {number} weight */
    load: async (id, weight) => loadFace(source(id, weight)),
    /** @param {string} id */
    label: (id) => mine.get(id)?.label ?? fontById(id).label,
    /** The user's fonts, in the order they were added. */
    mine: () => [...mine.values()],
    /** The font menu: the served fonts, then the user's. @returns {ControlOption[]} */
    menu: () => [...FONTS, ...mine.values()].map((f) => ({ value: f.id, label: f.label })),
    /** Makes a user's font drawable and one of the menu's, or throws FontFileError (the browser cannot read it). @param {UserFont} font */
    async add(font) {
      await loadUserFont(font);
      mine.set(font.id, font);
    },
  };
}
/** @typedef {ReturnType<typeof createFontLibrary>} FontLibrary */

/**
 * The user's font files: `addFont` (the font-upload input) makes one a font of the
 * menu and gives it to the selected text (one undo step); the fonts the browser kept
 * are added back at once (`restored`, which the work's restore waits for: its texts
 * may use them).
 * @param {Store} store @param {FontLibrary} library @param {Storage | null} storage
 */
export function userFonts(store, library, storage) {
  const { history } = store;
  /** The menu has changed: the frontends show the new one. */
  const listed = () => { store.menus = { ...store.menus, fonts: library.menu() }; };

  const restored = (async () => {
    try {
      for (const font of await storage?.fonts() ?? []) await library.add(font);
    } catch (err) {
      store.setStatus("error", `Your fonts kept in this browser could not be read (${String(err instanceof Error ? err.message : err).replace(/\.$/, "")}).`);
    }
    listed();
  })();

  /** @param {Blob & { name?: string }} file */
  async function addFont(file) {
    /** @type {UserFont} */
    let font;
    try {
      font = await readFontFile(file);
      const mine = library.mine();
      if (mine.length >= LIMITS.fonts && !mine.some((f) => f.id === font.id)) {
        throw new FontFileError(`You have ${count(mine.length)} fonts of your own, the most this editor keeps.`);
      }
      await library.add(font);
    } catch (err) {
      if (!(err instanceof FontFileError)) throw err;
      return store.setStatus("error", `${err.message} Nothing was changed.`);
    }
    storage?.addFont(font).catch((err) => store.setStatus("error", storageError(err)));
    listed();
    const layer = selectedLayer(history.present);
    if (layer) store.edit((doc) => updateLayer(doc, layer.id, { fontFamily: font.id }));
    store.fonts++; // drawn in it now
    store.setStatus("done", `Added your font "${font.label}"${layer ? " to the selected text" : " to the font menu"}.`);
  }

  return { addFont, restored };
}
