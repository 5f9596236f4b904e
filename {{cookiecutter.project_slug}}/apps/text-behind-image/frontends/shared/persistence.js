// @ts-check
// Keeping the work: in a project file, and in this browser across reloads.
// - A project file is the whole work in one JSON file: the document (every field
//   of document.js's Doc: the layers, the adjustments, the refinements, ...), and
//   the files it needs, base64 inside: the photo as the user gave it, its matte
//   PNG, the user's fonts its layers use. Versioned; a bad one is refused with its
//   reason (FormatError). docs/reference.md has its schema.
// - The browser's copy (IndexedDB, which holds files as they are) is the undo
//   history, each step a document as in a project file, and the photos it names
//   with their mattes, and the user's fonts: a reload shows the same picture,
//   Undo goes on, and the model is not called.
// - createAutosave writes a moment after each change, and reports failed writes.
// Pure functions first (tested in Node), then IndexedDB (tested in the browser).

import { DEFAULT_ADJUST, DEFAULT_STATE } from "./editor-core.js";
import { createDoc, newLayer, withPhoto } from "./document.js";
import { fontFileId, fontFileKind, fontId, isUserFont } from "./fonts.js";
import { readStrokes } from "./refine.js";
import { LIMITS, count } from "./limits.js";
import { CONTROLS, PHOTO_SECTION } from "./controls.js";

/** @import { State, Size, Adjust } from "./editor-core.js" */
/** @import { Doc, Layer } from "./document.js" */
/** @import { UserFont } from "./fonts.js" */
/**
 * A document as read back: every field of a Doc but its photo (the editor's own
 * id): the layers (with new ids), the size of the photo their positions were
 * placed on (null: placed on no photo), the selected one, the photo's
 * adjustments, and any other field the Doc has (the refinements).
 * @typedef {Omit<Doc, "photo">} Project
 */
/** The photo file as the user gave it, and its matte PNG (null until it arrived). @typedef {{ photo: Blob, matte: Blob | null }} Images */
/**
 * A project file as read: its document, and its files (a photo is a File, with
 * the name and type it was chosen with; null in a file saved with no photo).
 * @typedef {{ project: Project, photo: File | null, matte: Blob | null, fonts: UserFont[] }} Opened
 */
/**
 * Where the work is kept: openBrowserStorage(), or anything with these methods.
 * `save` writes only the parts given: the "history" record (historyData), and
 * photos by key (null removes one). The user's fonts are kept apart: `fonts`
 * reads them all, `addFont` keeps one (until `clear`).
 * @typedef {object} Storage
 * @property {() => Promise<Work | null>} load  null when nothing is kept; throws FormatError when what is kept is damaged or from another format
 * @property {(parts: { history?: object, images?: Map<string, Images | null> }) => Promise<void>} save
 * @property {() => Promise<void>} clear
 * @property {() => Promise<UserFont[]>} fonts  throws FormatError when one is damaged
 * @property {(font: UserFont) => Promise<void>} addFont
 */

export const PROJECT_FORMAT = "text-behind-image";
export const PROJECT_VERSION = 2; // bump when a file of this version would be read wrongly
export const PROJECT_FILENAME = "text-behind-image.json";
export const MAX_PROJECT_BYTES = LIMITS.projectBytes;
const IMAGES_VERSION = 1;
const FONT_VERSION = 1;

/** A project file (or a kept copy) that cannot be read; `message` says why, for the status line. */
export class FormatError extends Error {
  name = "FormatError";
}
const damaged = (/** @type {string} */ what) => new FormatError(`This project file is damaged: ${what}.`);

/**
 * A project file, or the work kept in this browser, that holds more than the editor opens
 * (limits.js). `say` words it for its holder: "This project file", or "it" (the browser's
 * copy, as the status puts it: "…so it was cleared (it has …)").
 */
export class OutOfBounds extends FormatError {
  name = "OutOfBounds";
  /** @param {(whose: string) => string} say @param {string} [whose] */
  constructor(say, whose = "This project file") {
    super(say(whose));
    this.say = say;
  }
}
/** Refuses `n` of something where the editor opens (or keeps) at most `most`. @param {number} n @param {number} most @param {string} things */
function atMost(n, most, things, verb = "opens") {
  if (n > most) throw new OutOfBounds((w) => `${w} has ${count(n)} ${things}; the editor ${verb} at most ${count(most)}.`);
}

/**
 * A document as plain data (a project file's "document", a kept step): every field
 * of the Doc, so a field added to it is kept without a change here; but the photo
 * (the editor's id: the file is beside it), the layers' ids (the session's: new
 * ones on opening) and the selected layer as its index.
 * @param {Doc} doc
 */
export function documentData(doc) {
  const { photo, layers, selected, ...fields } = doc;
  const i = layers.findIndex((l) => l.id === selected);
  return { ...fields, selected: i < 0 ? null : i, layers: layers.map(({ id, ...state }) => state) };
}

/** How many bytes a base64 text holds, without decoding it. @param {string} text */
const base64Bytes = (text) => Math.floor((text.length * 3) / 4) - (text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0);
/** Bytes as base64, as JSON carries them (btoa reads a string of bytes, built in slices). @param {ArrayBuffer} bytes */
export function toBase64(bytes) {
  const all = new Uint8Array(bytes);
  let text = "";
  for (let i = 0; i < all.length; i += 0x8000) text += String.fromCharCode(...all.subarray(i, i + 0x8000));
  return btoa(text);
}
/** The reverse, or throws FormatError naming `what`. @param {unknown} text @param {string} what @returns {Uint8Array<ArrayBuffer>} */
function fromBase64(text, what) {
  let bytes = "";
  try {
    if (typeof text === "string") bytes = atob(text);
  } catch {
    throw damaged(`${what} is not base64`);
  }
  if (!bytes) throw damaged(`${what} is empty`);
  return Uint8Array.from(bytes, (c) => c.charCodeAt(0));
}

/**
 * The project file's text: the document, the photo and its matte (or null, before
 * any photo; a matte that has not arrived), and the user's fonts its layers use.
 * @param {Doc} doc @param {{ photo: (Blob & { name?: string }) | null, matte: Blob | null, fonts: readonly UserFont[] }} files
 */
export async function projectJson(doc, { photo, matte, fonts }) {
  const used = new Set(doc.layers.map((l) => l.fontFamily));
  /** @param {Blob} blob */
  const data = async (blob) => toBase64(await blob.arrayBuffer());
  const file = {
    format: PROJECT_FORMAT, version: PROJECT_VERSION,
    document: documentData(doc),
    photo: photo && { name: photo.name || "photo", type: photo.type, data: await data(photo) },
    matte: matte && { type: matte.type || "image/png", data: await data(matte) },
    fonts: fonts.filter((f) => used.has(f.id)).map(({ id, label, bytes }) => ({ id, label, data: toBase64(bytes) })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** @param {number} bytes */
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1).replace(/\.0$/, "")} MB`;
/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/** @param {unknown} v */
const isLength = (v) => typeof v === "number" && Number.isFinite(v) && v > 0;

/**
 * Each of the defaults' keys, checked against the default's type, and a number against its
 * range (out of it: OutOfBounds): a key missing takes the default (a file saved before that
 * setting existed still opens), a key the defaults lack is ignored.
 * @param {Record<string, unknown>} given @param {object} defaults @param {string} what
 * @param {Readonly<Record<string, readonly [number, number]>>} [ranges]
 */
function settings(given, defaults, what, ranges = {}) {
  /** @type {Record<string, unknown>} */
  const read = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = key in given ? given[key] : fallback; // null is no number: refused
    if (typeof value !== typeof fallback || (typeof value === "number" && !Number.isFinite(value))) {
      throw damaged(`${what} "${key}" is not a ${typeof fallback}`);
    }
    const [min, max] = ranges[key] ?? [-Infinity, Infinity];
    if (/** @type {number} */ (value) < min || /** @type {number} */ (value) > max) {
      throw new OutOfBounds((w) => `${w} has ${what} "${key}" at ${value}; the editor's range is ${min} to ${max}.`);
    }
    read[key] = value;
  }
  return read;
}

/**
 * The range of each setting a slider sets (controls.js): what the editor can make is what it opens.
 * @param {readonly import("./controls.js").Control<any>[]} controls @returns {Record<string, readonly [number, number]>}
 */
const rangesOf = (controls) => Object.fromEntries(controls.flatMap((c) => (c.type === "range" ? [[c.key, [Number(c.min), Number(c.max)]]] : [])));
/** @type {Readonly<Record<string, readonly [number, number]>>} a layer's (the weight: any CSS font weight) */
const LAYER_RANGES = { ...rangesOf(CONTROLS), fontWeight: [1, 1000] };
const ADJUST_RANGES = rangesOf(PHOTO_SECTION.controls);

/**
 * How each field of a document is read (checked, with its default when missing);
 * `selected` is read once the layers are. A field of the Doc not named here is
 * read as its value in createDoc() is: of the same type, else refused.
 * @type {Record<string, (value: unknown, read: Record<string, unknown>) => unknown>}
 */
const FIELDS = {
  size: (size = null) => {
    if (size !== null && !(isObject(size) && isLength(size.width) && isLength(size.height))) {
      throw damaged('"size" is not a width and a height');
    }
    if (size && Number(size.width) * Number(size.height) > LIMITS.photoPixels) {
      throw new OutOfBounds((w) => `${w} has its layers placed on a picture of ${count(Number(size.width))} x ${count(Number(size.height))} pixels; the editor opens pictures of at most ${LIMITS.photoPixels / 1e6} megapixels.`);
    }
    return size && { width: Number(size.width), height: Number(size.height) };
  },
  layers: (layers) => {
    if (!Array.isArray(layers)) throw damaged('"layers" is not a list');
    atMost(layers.length, LIMITS.layers, "text layers"); // before any is read
    return layers.map((layer, i) => {
      if (!isObject(layer)) throw damaged(`layer ${i + 1} is not a set of settings`);
      const { text } = layer, chars = typeof text === "string" ? text.length : 0;
      if (chars > LIMITS.textChars) {
        throw new OutOfBounds((w) => `${w} has a text of ${count(chars)} characters (layer ${i + 1}); the editor opens texts of at most ${count(LIMITS.textChars)}.`);
      }
      const read = /** @type {State} */ (settings(layer, DEFAULT_STATE, `layer ${i + 1}'s`, LAYER_RANGES));
      return newLayer(null, { ...read, fontFamily: fontId(read.fontFamily) }); // an old font: its served look-alike
    });
  },
  selected: (selected = null, { layers }) => {
    const list = /** @type {Layer[]} */ (layers);
    if (selected !== null && !(Number.isInteger(selected) && list[Number(selected)])) throw damaged('"selected" is not one of the layers');
    return selected === null ? null : list[Number(selected)].id;
  },
  adjust: (adjust = {}) => {
    if (!isObject(adjust)) throw damaged('"adjust" is not a set of photo adjustments');
    return /** @type {Adjust} */ (settings(adjust, DEFAULT_ADJUST, "the photo adjustment", ADJUST_RANGES));
  },
  // The cut-out's refinements: brush strokes, relative to the picture (refine.js checks them), counted first.
  refine: (strokes) => {
    if (Array.isArray(strokes)) {
      atMost(strokes.length, LIMITS.strokes, "brush strokes");
      atMost(strokes.reduce((n, s) => n + (Array.isArray(s?.points) ? s.points.length : 0), 0), LIMITS.strokePoints, "brush points");
    }
    try {
      return readStrokes(strokes);
    } catch (err) {
      throw damaged(/** @type {Error} */ (err).message);
    }
  },
};

/**
 * Reads a document (a project file's "document", a kept step, or a version 1
 * file's top level), or throws FormatError. Every field is checked; a setting
 * missing from a layer or from the adjustments, or a missing field, takes its
 * default; keys it does not know are ignored.
 * @param {unknown} data @param {readonly string[]} [keys] the fields to read (a version 1 file has only some) @returns {Project}
 */
export function readDocument(data, keys) {
  if (!isObject(data)) throw damaged('"document" is not a document');
  const { photo, ...fresh } = createDoc();
  /** @type {Record<string, unknown>} */
  const read = {};
  for (const key of keys ?? new Set([...Object.keys(FIELDS), ...Object.keys(fresh)])) {
    if (key === "selected") continue;
    const fallback = /** @type {Record<string, unknown>} */ (fresh)[key];
    read[key] = FIELDS[key] ? FIELDS[key](data[key], read) : settings({ [key]: data[key] ?? fallback }, { [key]: fallback }, "the field")[key];
  }
  read.selected = FIELDS.selected(data.selected, read);
  return /** @type {Project} */ (read);
}

/**
 * Reads a project file's content (parsed JSON), version 2 or 1: checks the format,
 * its version and every value, or throws FormatError. The files are decoded here;
 * whether the pictures decode, and fit each other, is checkPictures' to say.
 * @param {unknown} data @returns {Opened}
 */
export function readProject(data) {
  if (!isObject(data) || data.format !== PROJECT_FORMAT) {
    throw new FormatError("This is not a Text Behind Image project file.");
  }
  const { version } = data;
  if (typeof version === "number" && Number.isInteger(version) && version > PROJECT_VERSION) {
    throw new FormatError(`This project file is format version ${version}, from a newer editor; this one reads versions 1 to ${PROJECT_VERSION}.`);
  }
  // Version 1: the layers and adjustments at the top level, no photo (and, saved between the brush
  // and version 2, the refinements).
  if (version === 1) {
    const keys = ["size", "layers", "adjust", ...("refine" in data ? ["refine"] : [])];
    return { project: readDocument(data, keys), photo: null, matte: null, fonts: [] };
  }
  if (version !== PROJECT_VERSION) {
    throw new FormatError(`This project file has an unknown format version (${JSON.stringify(version)}); this editor reads versions 1 to ${PROJECT_VERSION}.`);
  }
  for (const key of ["document", "photo", "matte", "fonts"]) if (!(key in data)) throw damaged(`"${key}" is missing`);
  const project = readDocument(data.document);
  /** @param {unknown} file @param {string} what @returns {Record<string, unknown> | null} */
  const fileOf = (file, what) => {
    if (file !== null && !(isObject(file) && typeof file.type === "string")) throw damaged(`${what} is not a file`);
    return file;
  };
  const photo = fileOf(data.photo, "the photo"), matte = fileOf(data.matte, "the matte");
  if (photo && !/^image\//.test(String(photo.type))) throw damaged(`the photo is of type "${photo.type}", not an image`);
  if (photo && !project.size) throw damaged('the photo has no "size" for its layers');
  if (matte && !photo) throw damaged("it has a matte but no photo");
  if (!Array.isArray(data.fonts)) throw damaged('"fonts" is not a list');
  atMost(data.fonts.length, LIMITS.fonts, "fonts");
  /** @type {Map<string, string>} */
  const ids = new Map(); // a font's id in the file -> its id here (from its bytes)
  const fonts = data.fonts.map((font, i) => {
    if (!isObject(font) || typeof font.id !== "string" || typeof font.label !== "string") throw damaged(`font ${i + 1} is not a font`);
    const { label, data: text } = font, size = typeof text === "string" ? base64Bytes(text) : 0; // before decoding it
    if (size > LIMITS.fontBytes) {
      throw new OutOfBounds((w) => `${w} has a font of ${megabytes(size)} ("${label}"); the editor opens fonts of at most ${megabytes(LIMITS.fontBytes)}.`);
    }
    const bytes = fromBase64(font.data, `font "${font.label}"`).buffer;
    if (!fontFileKind(bytes)) throw damaged(`font "${font.label}" is not a font file`);
    const id = fontFileId(bytes);
    ids.set(font.id, id);
    return { id, family: id, label: font.label, bytes };
  });
  project.layers.forEach((layer, i) => {
    const id = ids.get(layer.fontFamily) ?? layer.fontFamily;
    if (isUserFont(id) && !fonts.some((f) => f.id === id)) throw damaged(`layer ${i + 1}'s font is not in it`);
    layer.fontFamily = id;
  });
  return {
    project, fonts,
    photo: photo && new File([fromBase64(photo.data, "the photo")], String(photo.name || "photo"), { type: String(photo.type) }),
    matte: matte && new Blob([fromBase64(matte.data, "the matte")], { type: String(matte.type) }),
  };
}

/**
 * Reads a project file's text, or throws FormatError (not JSON, not a project,
 * another version, a wrong shape, a file in it that is no file).
 * @param {string} text @returns {Opened}
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
 * @param {Blob} file @returns {Promise<Opened>}
 */
export async function readProjectFile(file) {
  if (file.size > MAX_PROJECT_BYTES) {
    throw new OutOfBounds(() => `This file is too big for a project file (over ${megabytes(MAX_PROJECT_BYTES)}).`);
  }
  return parseProject(await file.text());
}

/**
 * Refuses a picture (its size as decoded) of more pixels than the editor opens: a project
 * file's, one chosen (`whose` "The"), one kept in the browser ("its").
 * @param {Size} size @param {"photo" | "matte"} what @param {string} [whose]
 */
export function checkPixels({ width, height }, what, whose = "This project file's") {
  if (width * height <= LIMITS.photoPixels) return;
  throw new OutOfBounds((w) => `${w} ${what} is ${count(width)} x ${count(height)} pixels; the editor opens ${what}s of at most ${LIMITS.photoPixels / 1e6} megapixels.`, whose);
}

/**
 * Checks a project file's pictures, as decoded (their sizes; null: it could not
 * be decoded), or throws FormatError: a photo or matte that is no picture, a
 * matte, or layers, placed on a picture of another shape.
 * @param {Opened} opened @param {Size | null} photo @param {Size | null} matte
 */
export function checkPictures({ project, photo: photoFile, matte: matteFile }, photo, matte) {
  if (photoFile && !photo) throw damaged("its photo cannot be read as an image");
  if (matteFile && !matte) throw damaged("its matte cannot be read as an image");
  for (const [picture, what] of /** @type {const} */ ([[photo, "photo"], [matte, "matte"]])) {
    if (picture) checkPixels(picture, what);
  }
  /** Within a pixel of the photo's shape (a smaller copy's sides are rounded). @param {Size} a @param {Size} b */
  const fits = (a, b) => Math.abs(a.height - (a.width * b.height) / b.width) <= 1 || Math.abs(a.width - (a.height * b.width) / b.height) <= 1;
  if (photo && matte && !fits(matte, photo)) {
    throw damaged(`its matte (${matte.width} x ${matte.height}) does not fit its photo (${photo.width} x ${photo.height})`);
  }
  if (photo && project.size && !fits(project.size, photo)) {
    throw damaged(`its layers were placed on a picture of ${project.size.width} x ${project.size.height}, not on its photo (${photo.width} x ${photo.height})`);
  }
}

/**
 * The document with a project's fields (layers, adjustments, ...) in place of its own, on its own photo:
 * the layers keep their place relative to the picture they were placed on (as
 * with a new photo). Without a photo the document keeps the project's size, so
 * the photo chosen next places them the same way.
 * @param {Doc} doc @param {Partial<Project>} project @returns {Doc}
 */
export function withProject(doc, project) {
  const opened = { ...doc, ...project };
  return doc.size ? withPhoto(opened, doc.photo, doc.size) : opened;
}

// ---- The browser's copy: the undo history, the photos it names, the user's fonts.

/** One step as read back. @typedef {{ project: Project, photo: string | null }} Step */
/**
 * What the browser kept: the steps, which one is the present, and the photos they name, by key;
 * `legacy` when read from the records of the version that kept no history (rewritten on the first save).
 * @typedef {{ steps: Step[], at: number, images: Map<string, Images>, legacy: boolean }} Work
 */
/** A photo of the editor, as the autosave needs it: a key that never changes, its files. @typedef {Images & { key: string }} KeptPhoto */

const HISTORY_VERSION = 2; // 1: each step's document was a version 1 project
// The photos are the big part (a phone's photo is a few MB): the browser keeps the steps
// around the present that name at most this many, so a long session cannot fill its storage.
export const MAX_KEPT_PHOTOS = LIMITS.keptPhotos;

/**
 * The steps of a history worth keeping: from the present outwards (the undo steps
 * first), as long as they name at most `maxPhotos` photos (a step with none is free).
 * @template {{ photo: number }} T
 * @param {readonly T[]} entries oldest first @param {number} at the present's index @param {number} [maxPhotos]
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
 * The "history" record: per step its document (as in a project file), its layers'
 * ids (a layer stays the same layer from step to step) and its photo's key.
 * @param {readonly Doc[]} steps @param {number} at @param {(photo: number) => string | null} keyOf
 */
export function historyData(steps, at, keyOf) {
  return {
    version: HISTORY_VERSION, at,
    steps: steps.map((doc) => ({ document: documentData(doc), ids: doc.layers.map((l) => l.id), photo: doc.photo ? keyOf(doc.photo) : null })),
  };
}

/**
 * Reads what the browser kept (`photos`: the photo records by key), or throws
 * FormatError; null when nothing is kept. The version before the history kept
 * "layers" and "images": read as a history of one step. Every step's document is
 * checked as a project file's is (limits.js), and the steps and photos are counted.
 * @param {{ history?: unknown, photos?: Map<string, unknown>, layers?: unknown, images?: unknown }} records
 * @returns {Work | null}
 */
export function readWork(records) {
  try {
    return readKept(records);
  } catch (err) {
    throw err instanceof OutOfBounds ? new OutOfBounds(err.say, "it") : err; // "…so it was cleared (it has …)"
  }
}

/** @param {Parameters<typeof readWork>[0]} records @returns {Work | null} */
function readKept({ history, photos = new Map(), layers, images }) {
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
    const steps = [{ project: readProject(layers).project, photo: kept && "kept" }];
    return { steps, at: 0, images: new Map(kept ? [["kept", kept]] : []), legacy: true };
  }
  const spoilt = new FormatError("the undo history kept in this browser is damaged or from another version");
  if (!isObject(history) || !(history.version === HISTORY_VERSION || history.version === 1) || !Array.isArray(history.steps)
      || !Number.isInteger(history.at) || !history.steps[Number(history.at)]) throw spoilt;
  atMost(history.steps.length, LIMITS.undoSteps + 1, "steps of undo history", "keeps");
  const named = new Set(history.steps.map((/** @type {unknown} */ step) => isObject(step) && step.photo).filter((p) => typeof p === "string"));
  atMost(named.size, LIMITS.keptPhotos, "photos", "keeps");
  /** @type {Map<string, Images>} */
  const read = new Map();
  /** @type {Map<string, string>} */
  const ids = new Map(); // a kept id -> this session's id, the same in every step
  const steps = history.steps.map((/** @type {unknown} */ step) => {
    const kept = isObject(step) ? step.ids : null;
    if (!isObject(step) || !Array.isArray(kept) || !(step.photo === null || typeof step.photo === "string")) throw spoilt;
    const project = history.version === 1 ? readProject(step.project).project : readDocument(step.document);
    if (kept.length !== project.layers.length || !kept.every((id) => typeof id === "string")) throw spoilt;
    const layers = project.layers.map((layer, i) => {
      const id = ids.get(kept[i]) ?? layer.id;
      ids.set(kept[i], id);
      return { ...layer, id };
    });
    const selected = project.selected && layers[project.layers.findIndex((l) => l.id === project.selected)].id;
    if (step.photo !== null && !read.has(step.photo)) {
      if (!photos.has(step.photo)) throw spoilt; // a step whose photo is gone
      read.set(step.photo, readImages(photos.get(step.photo)));
    }
    return { project: { ...project, layers, selected }, photo: step.photo };
  });
  return { steps, at: Number(history.at), images: read, legacy: false };
}

/**
 * Reads the user's fonts the browser kept (their records), or throws FormatError.
 * @param {readonly unknown[]} records @returns {UserFont[]}
 */
export function readFonts(records) {
  if (records.length > LIMITS.fonts) throw new OutOfBounds(() => `there are ${count(records.length)}; the editor keeps at most ${count(LIMITS.fonts)}`);
  const spoilt = () => new FormatError("a font kept in this browser is damaged or from another version");
  return records.map((record) => {
    if (!isObject(record) || record.version !== FONT_VERSION || typeof record.label !== "string"
        || !(record.bytes instanceof ArrayBuffer)) throw spoilt();
    const label = String(record.label), bytes = record.bytes;
    if (bytes.byteLength > LIMITS.fontBytes) { // before hashing it
      throw new OutOfBounds(() => `"${label}" is ${megabytes(bytes.byteLength)}; the editor keeps fonts of at most ${megabytes(LIMITS.fontBytes)}`);
    }
    const id = fontFileId(bytes);
    if (record.id !== id) throw spoilt();
    return { id, family: id, label, bytes };
  });
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
const FONT = "font:"; // a user's font: its id follows

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
    async fonts() {
      /** @type {IDBRequest[]} */ const got = [];
      await transact("readonly", (s) => { got.push(s.getAll(IDBKeyRange.bound(FONT, `${FONT}\uffff`))); });
      return readFonts(got[0].result);
    },
    addFont: ({ id, label, bytes }) => transact("readwrite", (s) => { s.put({ version: FONT_VERSION, id, label, bytes }, FONT + id); }),
  };
}
