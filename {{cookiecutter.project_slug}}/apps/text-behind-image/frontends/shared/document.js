// @ts-check
// The editor's document (which photo, the text layers, the selected one) and its
// undo history. Plain data and pure functions: every change returns a new Doc, the
// history keeps the old ones (sharing their layers). editor.js holds the pictures
// (a Doc names its photo by id).

import { DEFAULT_ADJUST, createState, layerAt } from "./editor-core.js";
import { resetRefine } from "./refine.js";

/** @import { State, Size, Adjust, Stroke } from "./editor-core.js" */
/** One text layer: its settings, and an id that stays the same through edits. @typedef {State & { id: string }} Layer */
/**
 * @typedef {object} Doc
 * @property {number} photo             the photo's id in editor.js (0: none yet)
 * @property {Size | null} size         that photo's size: the unit of the layers' positions
 * @property {readonly Layer[]} layers  bottom first, the drawing order (front/behind aside)
 * @property {string | null} selected   the layer the controls edit, or null (no layers)
 * @property {Adjust} adjust            the photo's adjustments (the background layer only)
 * @property {readonly Stroke[]} refine the brush strokes over this photo's matte, in order (refine.js)
 */
/**
 * What the layer buttons, the history's and the brush's reset do (controls.js gives each a label and a data-testid).
 * @typedef {"addLayer" | "duplicateLayer" | "deleteLayer" | "moveLayerUp" | "moveLayerDown" | "resetRefine" | "undo" | "redo"} Action
 */

let lastId = 0;
/** A new layer, centred on a photo of this size (or at 0, 0 before any photo). @param {Size | null} size @param {Partial<State>} [from] @returns {Layer} */
export const newLayer = (size, from = {}) =>
  ({ ...createState(size ?? { width: 0, height: 0 }), ...from, id: `layer-${++lastId}` });

/** The document of a fresh editor: no photo, one layer (the default text), selected. @returns {Doc} */
export function createDoc() {
  const layer = newLayer(null);
  return { photo: 0, size: null, layers: [layer], selected: layer.id, adjust: DEFAULT_ADJUST, refine: [] };
}

/** @param {Doc} doc @returns {Layer | null} */
export const selectedLayer = (doc) => doc.layers.find((l) => l.id === doc.selected) ?? null;
/** @param {Doc} doc */
const selectedIndex = (doc) => doc.layers.findIndex((l) => l.id === doc.selected);

/** @param {Doc} doc @param {string | null} id @returns {Doc} */
export const selectLayer = (doc, id) =>
  (id === doc.selected || !doc.layers.some((l) => l.id === id) ? doc : { ...doc, selected: id });

/** Changes some settings of one layer. @param {Doc} doc @param {string} id @param {Partial<State>} change @returns {Doc} */
export function updateLayer(doc, id, change) {
  const layers = doc.layers.map((l) => (l.id === id ? { ...l, ...change } : l));
  return layers.some((l, i) => l !== doc.layers[i]) ? { ...doc, layers } : doc;
}

/** Changes some of the photo's adjustments (they stay through a new photo). @param {Doc} doc @param {Partial<Adjust>} change @returns {Doc} */
export function adjustPhoto(doc, change) {
  const adjust = { ...doc.adjust, ...change };
  return Object.keys(adjust).some((k) => adjust[/** @type {keyof Adjust} */ (k)] !== doc.adjust[/** @type {keyof Adjust} */ (k)])
    ? { ...doc, adjust } : doc;
}

/** Moves one layer by dx, dy image pixels. @param {Doc} doc @param {string} id @param {number} dx @param {number} dy @returns {Doc} */
export function moveLayer(doc, id, dx, dy) {
  const layer = doc.layers.find((l) => l.id === id);
  return layer ? updateLayer(doc, id, { x: layer.x + dx, y: layer.y + dy }) : doc;
}

/** A new layer with the default style, centred, on top, selected. @param {Doc} doc @returns {Doc} */
export function addLayer(doc) {
  const layer = newLayer(doc.size);
  return { ...doc, layers: [...doc.layers, layer], selected: layer.id };
}

/** A copy of the selected layer just above it, a little down and right so it shows, selected. @param {Doc} doc @returns {Doc} */
export function duplicateLayer(doc) {
  const i = selectedIndex(doc);
  if (i < 0) return doc;
  const step = 0.03 * (doc.size?.width ?? 0);
  const source = doc.layers[i];
  const copy = newLayer(doc.size, { ...source, x: source.x + step, y: source.y + step }); // a new id
  return { ...doc, layers: doc.layers.toSpliced(i + 1, 0, copy), selected: copy.id };
}

/** Removes the selected layer; the one below it (else above) is selected next. @param {Doc} doc @returns {Doc} */
export function deleteLayer(doc) {
  const i = selectedIndex(doc);
  if (i < 0) return doc;
  const layers = doc.layers.toSpliced(i, 1);
  return { ...doc, layers, selected: (layers[Math.max(0, i - 1)] ?? null)?.id ?? null };
}

/** Moves the selected layer one place up (+1: drawn later, over its neighbour) or down (-1). @param {Doc} doc @param {1 | -1} by @returns {Doc} */
export function reorderLayer(doc, by) {
  const i = selectedIndex(doc), j = i + by;
  if (i < 0 || j < 0 || j >= doc.layers.length) return doc;
  const layers = [...doc.layers];
  [layers[i], layers[j]] = [layers[j], layers[i]];
  return { ...doc, layers };
}

/**
 * The document on a new photo: the layers keep their place relative to the
 * picture (a centred text stays centred), and are centred if there was no photo.
 * The brush strokes were painted on the old photo's cut-out: they go.
 * @param {Doc} doc @param {number} photo @param {Size} size @returns {Doc}
 */
export function withPhoto(doc, photo, size) {
  const from = doc.size;
  /** @param {Layer} l */
  const place = (l) => (from
    ? { x: (l.x * size.width) / from.width, y: (l.y * size.height) / from.height }
    : { x: size.width / 2, y: size.height / 2 });
  const refine = photo === doc.photo ? doc.refine : [];
  return { ...doc, photo, size, refine, layers: doc.layers.map((l) => ({ ...l, ...place(l) })) };
}

/**
 * The id of the topmost layer under a point of the preview (CSS pixels from its
 * top left, the preview shown `displayedWidth` wide), or null.
 * @param {Doc} doc @param {number} xCss @param {number} yCss @param {number} displayedWidth @returns {string | null}
 */
export function layerAtClient(doc, xCss, yCss, displayedWidth) {
  if (!doc.size || !displayedWidth) return null;
  const k = doc.size.width / displayedWidth;
  return doc.layers[layerAt(doc.layers, { x: xCss * k, y: yCss * k }, doc.size)]?.id ?? null;
}

/** What each layer button (and the brush's reset) does to the document. @type {Readonly<Record<Exclude<Action, "undo" | "redo">, (doc: Doc) => Doc>>} */
export const LAYER_CHANGES = {
  addLayer, duplicateLayer, deleteLayer,
  moveLayerUp: (doc) => reorderLayer(doc, 1), moveLayerDown: (doc) => reorderLayer(doc, -1),
  resetRefine,
};

/** @type {Record<string, [number, number]>} */
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
/**
 * How far an arrow key moves a text, in image pixels: 1% of the photo's width a
 * press, 5% with Shift; null for other keys, or before there is a photo.
 * @param {Doc} doc @param {string} key @param {boolean} [shiftKey] @returns {{dx: number, dy: number} | null}
 */
export function nudge(doc, key, shiftKey) {
  const dir = ARROWS[key];
  if (!dir || !doc.size) return null;
  const step = (shiftKey ? 0.05 : 0.01) * doc.size.width;
  return { dx: dir[0] * step, dy: dir[1] * step };
}

/** Which actions make sense now (undo/redo are the history's). @param {Doc} doc @returns {Record<Exclude<Action, "undo" | "redo">, boolean>} */
export function layerActions(doc) {
  const i = selectedIndex(doc);
  return {
    addLayer: true, duplicateLayer: i >= 0, deleteLayer: i >= 0,
    moveLayerUp: i >= 0 && i < doc.layers.length - 1, moveLayerDown: i > 0,
    resetRefine: doc.refine.length > 0,
  };
}

/**
 * The layer to select for a key pressed on the layer list, or null. The list
 * shows the top layer first (as image editors do), so ArrowDown goes one layer
 * down the stack; Home and End jump to the top and the bottom.
 * @param {Doc} doc @param {string} key @returns {string | null}
 */
export function listKeyTarget(doc, key) {
  const n = doc.layers.length, i = selectedIndex(doc);
  const j = { ArrowDown: i - 1, ArrowUp: i + 1, Home: n - 1, End: 0 }[key];
  if (j === undefined || !n) return null;
  return doc.layers[Math.min(n - 1, Math.max(0, i < 0 ? n - 1 : j))].id;
}

// ---- History

/**
 * @template T
 * @typedef {object} History
 * @property {T} present
 * @property {boolean} canUndo
 * @property {boolean} canRedo
 * @property {(next: T, group?: string, within?: number) => void} commit  a new step; or, when
 *   `group` is the last step's group (and, with `within`, that step changed less than `within`
 *   ms ago), the last step is extended instead: a drag, or a slider moved, is one step
 * @property {(next: T) => void} replace  change the present without a step (a selection)
 * @property {() => void} seal  the next commit starts a new step, whatever its group
 * @property {() => boolean} undo  false when there is nothing to undo
 * @property {() => boolean} redo
 * @property {() => T[]} entries  every state the history holds, oldest first (past, present, future)
 * @property {number} at  the present's index in entries()
 * @property {(entries: readonly T[], at: number) => void} reset  a whole history at once (read back after a reload)
 */

/**
 * An undo/redo stack of immutable states, at most `limit` undo steps deep
 * (the oldest are forgotten).
 * @template T
 * @param {T} initial @param {{ limit?: number, now?: () => number }} [options]
 * @returns {History<T>}
 */
export function createHistory(initial, { limit = 100, now = () => Date.now() } = {}) {
  /** @type {T[]} */ const past = [];
  /** @type {T[]} */ let future = [];
  let present = initial;
  /** @type {{ group: string | null, at: number }} */
  let last = { group: null, at: 0 };
  /** An undo (past to future) or a redo. @param {T[]} from @param {T[]} to */
  const step = (from, to) => {
    if (!from.length) return false;
    to.push(present);
    present = /** @type {T} */ (from.pop());
    last = { group: null, at: 0 };
    return true;
  };
  return {
    get present() { return present; },
    get canUndo() { return past.length > 0; },
    get canRedo() { return future.length > 0; },
    commit(next, group, within) {
      const t = now();
      const extend = group != null && group === last.group && (within == null || t - last.at <= within);
      if (!extend) {
        past.push(present);
        if (past.length > limit) past.shift();
      }
      present = next;
      future = [];
      last = { group: group ?? null, at: t };
    },
    replace(next) { present = next; },
    seal() { last = { group: null, at: 0 }; },
    undo: () => step(past, future),
    redo: () => step(future, past),
    entries: () => [...past, present, ...future.toReversed()], // future: the next redo last
    get at() { return past.length; },
    reset(entries, at) {
      past.splice(0, past.length, ...entries.slice(Math.max(0, at - limit), at));
      present = entries[at];
      future = entries.slice(at + 1).reverse();
      last = { group: null, at: 0 };
    },
  };
}

const TEXT_INPUTS = new Set(["text", "search", "url", "email", "tel", "password", "number"]);

/**
 * The history action of a key press, or null: Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z
 * and Ctrl+Y redo. Not while typing in a text field: there the browser's own
 * undo edits the text, as a user expects from a text box (each such edit is
 * then a change like any other, and the Undo button still undoes it).
 * @param {{ key: string, ctrlKey?: boolean, metaKey?: boolean, shiftKey?: boolean, target?: EventTarget | null }} event
 * @returns {"undo" | "redo" | null}
 */
export function historyShortcut({ key, ctrlKey, metaKey, shiftKey, target }) {
  const el = /** @type {{ tagName?: string, type?: string, isContentEditable?: boolean } | null} */ (target ?? null);
  const typing = el && (el.tagName === "TEXTAREA" || el.isContentEditable
    || (el.tagName === "INPUT" && TEXT_INPUTS.has(String(el.type))));
  if (!(ctrlKey || metaKey) || typing) return null;
  const k = key.toLowerCase();
  if (k === "z") return shiftKey ? "redo" : "undo";
  return k === "y" && ctrlKey ? "redo" : null;
}
