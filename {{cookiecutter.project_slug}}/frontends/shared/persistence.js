// @ts-check
// Keeping the work: in this browser across reloads, and in a project file.
//
// - The project file (Save project / Open project) is a small JSON of the text
//   layers and the photo's adjustments, with a format name and version; never
//   the photo, which stays the user's. Reading one checks everything and refuses a bad file with a message
//   a person understands (FormatError).
// - The browser's copy (IndexedDB, the browser's own database, which holds
//   files as they are) is two records: "layers", the same object as a project
//   file, rewritten after each change; and "images", the photo file as the user
//   gave it and its matte PNG, rewritten only when the photo or the matte change.
//   A reload reads both back: the same picture, and no new call to the model.
// - createAutosave writes the present document a moment after each change (one
//   write for a burst of edits), and reports each failed write (storage full,
//   private mode) through onError: the editor shows it and keeps working.
//
// Pure functions first (tested in Node), then the IndexedDB parts (tested in
// the browser). editor.js wires them in.

import { DEFAULT_ADJUST, DEFAULT_STATE } from "./editor-core.js";
import { newLayer, withPhoto } from "./document.js";

/** @typedef {import("./editor-core.js").State} State */
/** @typedef {import("./editor-core.js").Size} Size */
/** @typedef {import("./editor-core.js").Adjust} Adjust */
/** @typedef {import("./document.js").Doc} Doc */
/** @typedef {import("./document.js").Layer} Layer */
/**
 * A project as read back: the layers (with new ids), the size of the photo
 * their positions were placed on (null: placed on no photo), the selected one,
 * the photo's adjustments.
 * @typedef {{ size: Size | null, layers: Layer[], selected: string | null, adjust: Adjust }} Project
 */
/** The photo file as the user gave it, and its matte PNG (null until it arrived). @typedef {{ photo: Blob, matte: Blob | null }} Images */
/** What the browser kept: the layers, and the images if there was a photo. @typedef {{ project: Project, images: Images | null }} Work */
/**
 * Where the work is kept: openBrowserStorage(), or anything with these methods.
 * `save` writes only the parts given (`images: null` removes the images).
 * @typedef {object} Storage
 * @property {() => Promise<Work | null>} load  null when nothing is kept; throws FormatError when what is kept is damaged or from another format
 * @property {(parts: { project?: object, images?: Images | null }) => Promise<void>} save
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

/**
 * The project of a document, as plain data: what a project file holds (and the
 * browser's "layers" record). Positions stay in the photo's pixels, with that size.
 * @param {Doc} doc
 */
export function projectData(doc) {
  const i = doc.layers.findIndex((l) => l.id === doc.selected);
  return {
    format: PROJECT_FORMAT, version: PROJECT_VERSION, size: doc.size, selected: i < 0 ? null : i,
    layers: doc.layers.map(({ id, ...state }) => state), // ids are the session's: new ones on opening
    adjust: doc.adjust,
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
  const { version, size, layers, selected, adjust = {} } = data;
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
    return newLayer(null, /** @type {Partial<State>} */ (settings(layer, DEFAULT_STATE, `layer ${i + 1}'s`)));
  });
  if (!isObject(adjust)) throw damaged('"adjust" is not a set of photo adjustments');
  const adjusted = /** @type {Adjust} */ (settings(adjust, DEFAULT_ADJUST, "the photo adjustment"));
  if (selected !== null && !(Number.isInteger(selected) && read[Number(selected)])) {
    throw damaged('"selected" is not one of the layers');
  }
  return {
    size: size === null ? null : { width: Number(size.width), height: Number(size.height) },
    layers: read, selected: selected === null ? null : read[Number(selected)].id, adjust: adjusted,
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
export function withProject(doc, { size, layers, selected, adjust }) {
  const opened = { ...doc, size, layers, selected, adjust };
  return doc.size ? withPhoto(opened, doc.photo, doc.size) : opened;
}

/**
 * Reads what the browser kept (the two records, as stored), or throws FormatError.
 * @param {unknown} layers @param {unknown} images @returns {Work}
 */
export function readWork(layers, images) {
  const project = readProject(layers);
  if (images === undefined || images === null) return { project, images: null };
  if (!isObject(images) || images.version !== IMAGES_VERSION || !(images.photo instanceof Blob)
      || !(images.matte === null || images.matte instanceof Blob)) {
    throw new FormatError("the photo kept in this browser is damaged or from another version");
  }
  return { project, images: { photo: images.photo, matte: images.matte } };
}

/**
 * Saves the work a moment after it changes: `update(doc, images)` after every
 * change (an unchanged document and the same images cost nothing), `flush()` to
 * write now. The layers are rewritten on each change of the document, the images
 * only when the photo or its matte changed. Each failed write is reported
 * (`onError`: the status line keeps saying so); the next change tries again.
 * @param {Storage} storage
 * @param {{ delay?: number, onError?: (err: unknown) => void }} [options]
 */
export function createAutosave(storage, { delay = 300, onError = () => {} } = {}) {
  /** @typedef {{ doc: Doc | null, images: Images | null }} Kept */
  /** @type {Kept} */ let saved = { doc: null, images: null }; // what the storage holds
  /** @type {Kept} */ let latest = saved; // what it should hold
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {Promise<void>} */
  let writing = Promise.resolve();
  /** @param {Images | null} a @param {Images | null} b */
  const same = (a, b) => a?.photo === b?.photo && a?.matte === b?.matte;

  async function write() {
    const next = latest;
    if (next.doc === saved.doc && same(next.images, saved.images)) return;
    /** @type {Parameters<Storage["save"]>[0]} */
    const parts = {};
    if (next.doc && next.doc !== saved.doc) parts.project = projectData(next.doc);
    if (!same(next.images, saved.images)) parts.images = next.images;
    try {
      await storage.save(parts);
      saved = next;
    } catch (err) {
      onError(err);
      saved = { doc: null, images: { photo: new Blob(), matte: null } }; // unknown now: rewrite all next time
    }
  }
  const flush = () => {
    clearTimeout(timer);
    writing = writing.then(write); // one write at a time, in order
    return writing;
  };
  return {
    /** @param {Doc} doc @param {Images | null} images */
    update(doc, images) {
      if (doc === latest.doc && same(images, latest.images)) return;
      latest = { doc, images };
      clearTimeout(timer);
      timer = setTimeout(flush, delay);
    },
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
      /** @type {IDBRequest[]} */ const got = [];
      await transact("readonly", (s) => { got.push(s.get("layers"), s.get("images")); });
      const [layers, images] = got.map((r) => r.result);
      return layers === undefined && images === undefined ? null : readWork(layers, images);
    },
    save: ({ project, images }) => transact("readwrite", (s) => {
      if (project) s.put(project, "layers");
      if (images) s.put({ version: IMAGES_VERSION, ...images }, "images");
      else if (images === null) s.delete("images");
    }),
    clear: () => transact("readwrite", (s) => { s.clear(); }),
  };
}
