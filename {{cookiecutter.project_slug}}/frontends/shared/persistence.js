// @ts-check
// Keeping the work: in a project file, and in this browser across reloads.
// - A project file is a small JSON of the layers and the photo's adjustments,
//   versioned, never the photo; a bad one is refused with its reason (FormatError).
// - The browser's copy (IndexedDB, which holds files as they are) is the undo
//   history, each step a project, and the photos it names with their mattes: a
//   reload shows the same picture, Undo goes on, and the model is not called.
// - createAutosave writes a moment after each change, and reports failed writes.
// Pure functions first (tested in Node), then IndexedDB (tested in the browser).

import { DEFAULT_ADJUST, DEFAULT_STATE } from "./editor-core.js";
import { newLayer, withPhoto } from "./document.js";
import { fontId } from "./fonts.js";
import { readStrokes } from "./refine.js";

/** @import { State, Size, Adjust, Stroke } from "./editor-core.js" */
/** @import { Doc, Layer } from "./document.js" */
/**
 * A project as read back: the layers (with new ids), the size of the photo
 * their positions were placed on (null: placed on no photo), the selected one,
 * the photo's adjustments, the brush strokes over its cut-out.
 * @typedef {{ size: Size | null, layers: Layer[], selected: string | null, adjust: Adjust, refine: Stroke[] }} Project
 */
/** The photo file as the user gave it, and its matte PNG (null until it arrived). @typedef {{ photo: Blob, matte: Blob | null }} Images */
/**
 * Where the work is kept: openBrowserStorage(), or anything with these methods.
 * `save` writes only the parts given: the "history" record (historyData), and
 * photos by key (null removes one).
 * @typedef {object} Storage
 * @property {() => Promise<Work | null>} load  null when nothing is kept; throws FormatError when what is kept is damaged or from another format
 * @property {(parts: { history?: object, images?: Map<string, Images | null> }) => Promise<void>} save
 * @property {() => Promise<void>} clear
 */

export const PROJECT_FORMAT = "text-behind-image";
export const PROJECT_VERSION = 1; // bump when a file of this version would be read wrongly
export const PROJECT_FILENAME = "text-behind-image.json";
export const MAX_PROJECT_BYTES = 1_000_000; // the layers of a picture are a few KB
const IMAGES_VERSION = 1;

/** A project file (or a kept copy) that cannot be read; `message` says why, for the status line. */
export class FormatError extends Error {
  name = "FormatError";
}

/** A document's project, as plain data (a project file, a kept step): positions in the photo's pixels, with its size. @param {Doc} doc */
export function projectData(doc) {
  const i = doc.layers.findIndex((l) => l.id === doc.selected);
  return {
    format: PROJECT_FORMAT, version: PROJECT_VERSION, size: doc.size, selected: i < 0 ? null : i,
    layers: doc.layers.map(({ id, ...state }) => state), // ids are the session's: new ones on opening
    adjust: doc.adjust, refine: doc.refine,
  };
}

/** The project file's text. @param {Doc} doc */
export const projectJson = (doc) => `${JSON.stringify(projectData(doc), null, 2)}\n`;

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/** @param {unknown} v */
const isLength = (v) => typeof v === "number" && Number.isFinite(v) && v > 0;

/**
 * Reads a project (parsed JSON): checks the format, its version and every value's
 * type, or throws FormatError. A setting missing from a layer, or from the photo's
 * adjustments (or the adjustments themselves), takes its default (a file saved
 * before that setting existed still opens); keys it does not know are ignored.
 * @param {unknown} data @returns {Project}
 */
export function readProject(data) {
  if (!isObject(data) || data.format !== PROJECT_FORMAT) {
    throw new FormatError("This is not a Text Behind Image project file.");
  }
  const { version, size, layers, selected, adjust = {}, refine } = data;
  if (typeof version === "number" && Number.isInteger(version) && version > PROJECT_VERSION) {
    throw new FormatError(`This project file is format version ${version}, from a newer editor; this one reads version ${PROJECT_VERSION}.`);
  }
  if (version !== PROJECT_VERSION) {
    throw new FormatError(`This project file has an unknown format version (${JSON.stringify(version)}); this editor reads version ${PROJECT_VERSION}.`);
  }
  const damaged = (/** @type {string} */ what) => new FormatError(`This project file is damaged: ${what}.`);
  if (size !== null && !(isObject(size) && isLength(size.width) && isLength(size.height))) {
    throw damaged('"size" is not a width and a height');
  }
  if (!Array.isArray(layers)) throw damaged('"layers" is not a list');
  /** Each of the defaults' keys, checked against the default's type. @param {Record<string, unknown>} given @param {object} defaults @param {string} what */
  const settings = (given, defaults, what) => {
    /** @type {Record<string, unknown>} */
    const read = {};
    for (const [key, fallback] of Object.entries(defaults)) {
      const value = key in given ? given[key] : fallback; // null is no number: refused
      if (typeof value !== typeof fallback || (typeof value === "number" && !Number.isFinite(value))) {
        throw damaged(`${what} "${key}" is not a ${typeof fallback}`);
      }
      read[key] = value;
    }
    return read;
  };
  const read = layers.map((layer, i) => {
    if (!isObject(layer)) throw damaged(`layer ${i + 1} is not a set of settings`);
    const read = /** @type {State} */ (settings(layer, DEFAULT_STATE, `layer ${i + 1}'s`));
    return newLayer(null, { ...read, fontFamily: fontId(read.fontFamily) }); // an old font: its served look-alike
  });
  if (!isObject(adjust)) throw damaged('"adjust" is not a set of photo adjustments');
  const adjusted = /** @type {Adjust} */ (settings(adjust, DEFAULT_ADJUST, "the photo adjustment"));
  if (selected !== null && !(Number.isInteger(selected) && read[Number(selected)])) {
    throw damaged('"selected" is not one of the layers');
  }
  /** @type {Stroke[]} */
  let strokes;
  try {
    strokes = readStrokes(refine);
  } catch (err) {
    throw damaged(String(/** @type {Error} */ (err).message));
  }
  return {
    size: size === null ? null : { width: Number(size.width), height: Number(size.height) },
    layers: read, selected: selected === null ? null : read[Number(selected)].id, adjust: adjusted, refine: strokes,
  };
}

/**
 * Reads a project file's text, or throws FormatError (not JSON, not a project,
 * another version, a wrong shape).
 * @param {string} text @returns {Project}
 */
export function parseProject(text) {
  /** @type {unknown} */
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FormatError("This file is not a project file: it is not JSON.");
  }
  return readProject(data);
}

/**
 * Reads a project file (a File from an <input type="file">, or any Blob).
 * @param {Blob} file @returns {Promise<Project>}
 */
export async function readProjectFile(file) {
  if (file.size > MAX_PROJECT_BYTES) {
    throw new FormatError(`This file is too big for a project file (over ${MAX_PROJECT_BYTES / 1e6} MB).`);
  }
  return parseProject(await file.text());
}

/**
 * The document with a project's layers and adjustments in place of its own, on its own photo:
 * the layers keep their place relative to the picture they were placed on (as
 * with a new photo). Without a photo the document keeps the project's size, so
 * the photo chosen next places them the same way.
 * @param {Doc} doc @param {Project} project @returns {Doc}
 */
export function withProject(doc, { size, layers, selected, adjust, refine }) {
  const opened = { ...doc, size, layers, selected, adjust, refine };
  return doc.size ? withPhoto(opened, doc.photo, doc.size) : opened;
}

// ---- The browser's copy: the undo history, and the photos it names.

/** One step as read back. @typedef {{ project: Project, photo: string | null }} Step */
/**
 * What the browser kept: the steps, which one is the present, and the photos they name, by key;
 * `legacy` when read from the records of the version that kept no history (rewritten on the first save).
 * @typedef {{ steps: Step[], at: number, images: Map<string, Images>, legacy: boolean }} Work
 */
/** A photo of the editor, as the autosave needs it: a key that never changes, its files. @typedef {Images & { key: string }} KeptPhoto */

const HISTORY_VERSION = 1;
// The photos are the big part (a phone's photo is a few MB): the browser keeps the steps
// around the present that name at most this many, so a long session cannot fill its storage.
export const MAX_KEPT_PHOTOS = 3;

/**
 * The steps of a history worth keeping: from the present outwards (the undo steps
 * first), as long as they name at most `maxPhotos` photos (a step with none is free).
 * @template {{ photo: number }} T
 * @param {readonly T[]} entries oldest first @param {number} at the present's index
 * @returns {{ steps: T[], at: number }}
 */
export function keptSteps(entries, at, maxPhotos = MAX_KEPT_PHOTOS) {
  const named = new Set([entries[at].photo]);
  /** @param {T} e */
  const fits = (e) => !e.photo || named.has(e.photo) || (named.size < maxPhotos && !!named.add(e.photo));
  let from = at, to = at + 1;
  while (from > 0 && fits(entries[from - 1])) from--;
  while (to < entries.length && fits(entries[to])) to++;
  return { steps: entries.slice(from, to), at: at - from };
}

/**
 * The "history" record: per step its project, its layers' ids (a layer stays the
 * same layer from step to step) and its photo's key.
 * @param {readonly Doc[]} steps @param {number} at @param {(photo: number) => string | null} keyOf
 */
export function historyData(steps, at, keyOf) {
  return {
    version: HISTORY_VERSION, at,
    steps: steps.map((doc) => ({ project: projectData(doc), ids: doc.layers.map((l) => l.id), photo: doc.photo ? keyOf(doc.photo) : null })),
  };
}

/**
 * Reads what the browser kept (`photos`: the photo records by key), or throws
 * FormatError; null when nothing is kept. The version before the history kept
 * "layers" and "images": read as a history of one step.
 * @param {{ history?: unknown, photos?: Map<string, unknown>, layers?: unknown, images?: unknown }} records
 * @returns {Work | null}
 */
export function readWork({ history, photos = new Map(), layers, images }) {
  /** @param {unknown} record */
  const readImages = (record) => {
    if (!isObject(record) || record.version !== IMAGES_VERSION || !(record.photo instanceof Blob)
        || !(record.matte === null || record.matte instanceof Blob)) {
      throw new FormatError("the photo kept in this browser is damaged or from another version");
    }
    return { photo: record.photo, matte: record.matte };
  };
  if (history === undefined) {
    if (layers === undefined && images === undefined) return null;
    const kept = images === undefined || images === null ? null : readImages(images);
    const steps = [{ project: readProject(layers), photo: kept && "kept" }];
    return { steps, at: 0, images: new Map(kept ? [["kept", kept]] : []), legacy: true };
  }
  const damaged = new FormatError("the undo history kept in this browser is damaged or from another version");
  if (!isObject(history) || history.version !== HISTORY_VERSION || !Array.isArray(history.steps)
      || !Number.isInteger(history.at) || !history.steps[Number(history.at)]) throw damaged;
  /** @type {Map<string, Images>} */
  const read = new Map();
  /** @type {Map<string, string>} */
  const ids = new Map(); // a kept id -> this session's id, the same in every step
  const steps = history.steps.map((/** @type {unknown} */ step) => {
    const kept = isObject(step) ? step.ids : null;
    if (!isObject(step) || !Array.isArray(kept) || !(step.photo === null || typeof step.photo === "string")) throw damaged;
    const project = readProject(step.project);
    if (kept.length !== project.layers.length || !kept.every((id) => typeof id === "string")) throw damaged;
    const layers = project.layers.map((layer, i) => {
      const id = ids.get(kept[i]) ?? layer.id;
      ids.set(kept[i], id);
      return { ...layer, id };
    });
    const selected = project.selected && layers[project.layers.findIndex((l) => l.id === project.selected)].id;
    if (step.photo !== null && !read.has(step.photo)) {
      if (!photos.has(step.photo)) throw damaged; // a step whose photo is gone
      read.set(step.photo, readImages(photos.get(step.photo)));
    }
    return { project: { ...project, layers, selected }, photo: step.photo };
  });
  return { steps, at: Number(history.at), images: read, legacy: false };
}

/**
 * Saves the work a moment after it changes (one write for a burst of edits):
 * `update(entries, at, photoOf)` after each change (the steps oldest first, the
 * present's index, a photo's files), `flush()` to write now, `stored(...)` for what
 * the storage already holds (a restore). The kept steps are rewritten, a photo only
 * when its files changed, and removed once no kept step names it. A failed write
 * goes to `onError`; the next change writes everything again.
 * @param {Storage} storage
 * @param {{ delay?: number, onError?: (err: unknown) => void }} [options]
 */
export function createAutosave(storage, { delay = 300, onError = () => {} } = {}) {
  /** @typedef {{ steps: readonly Doc[], at: number, images: Map<string, Images>, keys: Map<number, string> }} Kept */
  /** @type {Kept} */ let saved = { steps: [], at: -1, images: new Map(), keys: new Map() }; // what the storage holds
  /** @type {Kept} */ let latest = saved; // what it should hold
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {Promise<void>} */
  let writing = Promise.resolve();
  /** @param {Images | undefined} a @param {Images | undefined} b */
  const same = (a, b) => a?.photo === b?.photo && a?.matte === b?.matte;
  /** @param {Kept} a @param {Kept} b */
  const sameSteps = (a, b) => a.at === b.at && a.steps.length === b.steps.length && a.steps.every((d, i) => d === b.steps[i]);
  /** @param {Kept} a @param {Kept} b */
  const sameImages = (a, b) => a.images.size === b.images.size && [...a.images].every(([k, v]) => same(v, b.images.get(k)));

  async function write() {
    const next = latest;
    /** @type {Parameters<Storage["save"]>[0]} */
    const parts = {};
    if (!sameSteps(next, saved)) parts.history = historyData(next.steps, next.at, (photo) => next.keys.get(photo) ?? null);
    /** @type {Map<string, Images | null>} */
    const images = new Map();
    for (const [key, v] of next.images) if (!same(v, saved.images.get(key))) images.set(key, v);
    for (const key of saved.images.keys()) if (!next.images.has(key)) images.set(key, null);
    if (images.size) parts.images = images;
    if (!parts.history && !parts.images) return;
    try {
      await storage.save(parts);
      saved = next;
    } catch (err) {
      onError(err);
      // Unknown now: everything is written again next time (what was kept is removed then).
      const unknown = { photo: new Blob(), matte: null };
      const keys = [...saved.images.keys(), ...next.images.keys()];
      saved = { steps: [], at: -1, images: new Map(keys.map((k) => [k, unknown])), keys: new Map() };
    }
  }
  const flush = () => {
    clearTimeout(timer);
    writing = writing.then(write); // one write at a time, in order
    return writing;
  };
  /** @param {readonly Doc[]} entries @param {number} at @param {(photo: number) => KeptPhoto | null} photoOf @returns {Kept} */
  function keep(entries, at, photoOf) {
    const { steps, at: i } = keptSteps(entries, at);
    /** @type {Kept} */
    const next = { steps, at: i, images: new Map(), keys: new Map() };
    for (const { photo } of steps) {
      const kept = photo && !next.keys.has(photo) ? photoOf(photo) : null;
      if (!kept) continue;
      next.keys.set(photo, kept.key);
      next.images.set(kept.key, { photo: kept.photo, matte: kept.matte });
    }
    return next;
  }
  return {
    /** @type {(...args: Parameters<typeof keep>) => void} */
    update(...args) {
      const next = keep(...args);
      if (sameSteps(next, latest) && sameImages(next, latest)) return;
      latest = next;
      clearTimeout(timer);
      timer = setTimeout(flush, delay);
    },
    /** @type {(...args: Parameters<typeof keep>) => void} */
    stored(...args) { saved = latest = keep(...args); },
    flush,
  };
}

/** The sentence shown when the browser refused to keep the work. @param {unknown} err */
export function storageError(err) {
  const name = err instanceof Error && err.name !== "Error" ? err.name : "";
  const why = name === "QuotaExceededError" ? "its storage is full" : String((err instanceof Error && err.message) || err || name);
  return `This browser could not keep your work (${why.replace(/\.$/, "")}): it will be lost on reload. `
    + "Save project keeps the layers in a file.";
}

// ---- IndexedDB

const STORE = "work";
const PHOTO = "photo:"; // a photo's record: its key follows

/** @template T @param {IDBRequest<T>} request @returns {Promise<T>} */
const requested = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});
/** @param {IDBTransaction} tx @returns {Promise<void>} */
const finished = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onerror = tx.onabort = () => reject(tx.error ?? new Error("the write was aborted"));
});

/**
 * The work, kept in this browser's IndexedDB (one database per page origin). It
 * opens on first use: where the browser has no IndexedDB, or refuses it, every
 * method rejects with the reason.
 * @param {string} [name] the database's name @returns {Storage}
 */
export function openBrowserStorage(name = "text-behind-image") {
  /** @type {Promise<IDBDatabase> | null} */
  let db = null;
  const open = () => (db ??= (async () => {
    if (typeof indexedDB === "undefined") throw new Error("this browser has no IndexedDB");
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => { request.result.createObjectStore(STORE); };
    return requested(request);
  })().catch((err) => { db = null; throw err; })); // may work next time
  /** @param {IDBTransactionMode} mode @param {(store: IDBObjectStore) => void} body */
  async function transact(mode, body) {
    const tx = (await open()).transaction(STORE, mode);
    body(tx.objectStore(STORE)); // every request at once: a transaction ends when it waits
    await finished(tx);
  }
  return {
    async load() {
      const photos = IDBKeyRange.bound(PHOTO, `${PHOTO}\uffff`);
      /** @type {IDBRequest[]} */ const got = [];
      await transact("readonly", (s) => {
        got.push(s.get("history"), s.getAllKeys(photos), s.getAll(photos), s.get("layers"), s.get("images"));
      });
      const [history, keys, values, layers, images] = got.map((r) => r.result);
      const byKey = new Map(keys.map((/** @type {string} */ k, /** @type {number} */ i) => [k.slice(PHOTO.length), values[i]]));
      return readWork({ history, photos: byKey, layers, images });
    },
    save: ({ history, images }) => transact("readwrite", (s) => {
      if (history) {
        s.put(history, "history");
        s.delete("layers"); // the records of the version that kept no history
        s.delete("images");
      }
      for (const [key, kept] of images ?? []) {
        if (kept) s.put({ version: IMAGES_VERSION, ...kept }, PHOTO + key);
        else s.delete(PHOTO + key);
      }
    }),
    clear: () => transact("readwrite", (s) => { s.clear(); }),
  };
}
