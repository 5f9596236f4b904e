// @ts-check
// The editor's controller: everything a frontend needs besides its markup. A
// frontend renders the controls (controls.js), forwards events and redraws on change:
//
//   const editor = createEditor({ loadGradio: () => import("@gradio/client"), fontUrl });
//   editor.subscribe(() => redraw(editor.getSnapshot()));
//
// The pattern is a small external store: every change replaces the snapshot
// object, so React can use `useSyncExternalStore(editor.subscribe,
// editor.getSnapshot)`, Svelte a `readable`, and vanilla JS a plain callback.
//
// Each concern has its module: the document and its undo history (document.js),
// the photos and their mattes (photos.js), the backend job (backend.js), the fonts
// (font-library.js), keeping the work (persistence.js) and the project file
// (project-file.js), drawing (editor-core.js). This file wires them: a
// store (the state they share, and `publish`, which every change ends in), then
// one part per concern (photoFlow, editing, exporting, keepWork), each a function
// of the store returning some of the Editor's methods.

import {
  DEFAULT_STATE, clientDeltaToImage, context2d, drawPhoto, drawSelection, drawSubject, drawTexts,
  imageSize, layersOn,
} from "./editor-core.js";
import { DEFAULT_BRUSH, brushing, createRefiner, drawBrushOutline } from "./refine.js";
import { DEFAULT_EXPORT, encodeJob, exportFileName, exportFormat } from "./export.js";
import {
  LAYER_CHANGES, createDoc, createHistory, historyShortcut, layerActions, layerAtClient, listKeyTarget,
  addLayer, moveLayer, nudge, selectLayer, selectedLayer, updateLayer, withPhoto, adjustPhoto,
} from "./document.js";
import { FormatError, createAutosave, storageError, withProject } from "./persistence.js";
import { createFontLibrary, userFonts } from "./font-library.js";
import { projectFile } from "./project-file.js";
import { CutOutError, createBackend, reason } from "./backend.js";
import { NotAnImage, createPhotos, modelInput } from "./photos.js";
import { behindSubject, clearOfOthers, spreadOut, subjectBox } from "./layout.js";
import { describeChange } from "./changes.js";
import { LIMITS, count } from "./limits.js";

/** @import { State, Picture, AnyCanvas, Size, Adjust, Stroke } from "./editor-core.js" */
/** @import { Brush } from "./refine.js" */
/** @import { Doc, Layer, Action, History } from "./document.js" */
/** @import { ExportOptions, ExportJob } from "./export.js" */
/** @import { Storage, Work } from "./persistence.js" */
/** @import { Ctx2D } from "./editor-core.js" */
/** @import { FontUrl } from "./fonts.js" */
/** @import { FontLibrary } from "./font-library.js" */
/** @import { ControlOption } from "./controls.js" */
/** @import { Backend, BackendOptions } from "./backend.js" */
/** @import { Photos } from "./photos.js" */
/**
 * The status line. `busy` while waiting for the backend, `done` once the matte
 * is in, `error` for anything the user should read (style.css colours them).
 * @typedef {{text: string, kind: "info" | "busy" | "done" | "error"}} Status
 */
/**
 * What a frontend renders. Immutable: a new object after every change.
 * @typedef {object} Snapshot
 * @property {Picture | null} photo  the photo for the screen, upright (maybe a reduced decode: decodeForScreen)
 * @property {Picture | null} matte  its matte (alpha = subject), once the backend answered
 * @property {Size | null} photoSize the size of `photo`, the unit of the text positions
 * @property {string | null} photoName  its file's name (null: no photo)
 * @property {State} state  the selected layer's settings (the controls show them)
 * @property {readonly Layer[]} layers  every text layer, bottom first
 * @property {string | null} selected  the selected layer's id; null when there are no layers
 * @property {Readonly<Record<Action, boolean>>} can  which layer and history actions are possible
 * @property {Status} status
 * @property {Adjust} adjust  the photo's adjustments (part of the document: undoable)
 * @property {ExportOptions} exportOptions  format, quality and size of the next export
 * @property {boolean} canRetry  the cut-out failed for a reason that may pass: `retry` sends it again
 * @property {readonly Stroke[]} refine  the brush strokes over the matte (part of the document)
 * @property {Brush} brush  the brush (refine.js): while its mode is on, a drag on the stage paints
 * @property {{x: number, y: number} | null} pointer  where the brush's outline is (image pixels), or null
 * @property {Menus} menus  the choices of the selects whose choices change (controls.js' optionsOf)
 */
/** The changing menus: `fonts`, the font select's (the served fonts, then the user's). @typedef {{ fonts: readonly ControlOption[] }} Menus */
/**
 * @typedef {BackendOptions & {
 *   fontUrl: FontUrl, storage?: Storage | null,
 * }} EditorOptions  the backend's (backend.js: `loadGradio`, `url`, `endpoint`); `fontUrl`: where
 *   the app serves a font's file (see fonts.js); `storage`: where the work is kept across
 *   reloads (openBrowserStorage() in persistence.js), none: nothing is kept
 */
/**
 * The stacked canvases of the preview: the photo, the text layers behind the
 * subject, the subject, the text layers in front of it (without `front`, they
 * are drawn on the subject's canvas, over the subject).
 * @typedef {{photo: AnyCanvas, text: AnyCanvas, subject: AnyCanvas, front?: AnyCanvas}} Layers
 */
/** A key press, as the editor reads it. @typedef {{ key: string, shiftKey?: boolean, ctrlKey?: boolean, metaKey?: boolean, target?: EventTarget | null }} Key */
/**
 * @typedef {object} Editor
 * @property {(listener: () => void) => () => void} subscribe  returns the unsubscribe
 * @property {() => Snapshot} getSnapshot
 * @property {<K extends keyof State>(key: K, value: State[K]) => Promise<void>} set  one setting of the selected layer; resolves once applied (a font: its file loaded, or reverted)
 * @property {(file: Blob) => Promise<void>} loadFile  show a photo and fetch its matte; the first photo's
 *   first text goes behind the subject's upper part once the matte is in (layout.js)
 * @property {(xCss: number, yCss: number, displayedWidth: number) => boolean} pickAt  a press on the stage (CSS pixels from its top left): selects the text there (true), starts a drag
 * @property {(dxCss: number, dyCss: number, displayedWidth: number) => void} moveBy  move the selected text by a pointer delta
 * @property {(event: Key) => boolean} handleKey  the stage's keys (arrows move the selected text, Delete removes it): true if handled
 * @property {(event: Key) => boolean} handleShortcut  the page's keys: Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl+Y (see historyShortcut)
 * @property {(event: Key) => boolean} handleListKey  the layer list's keys: arrows, Home, End select
 * @property {(id: string) => void} selectLayer
 * @property {(action: Action) => void} act  add (clear of the other texts), duplicate, delete or reorder
 *   a layer; reset the brush's strokes; undo, redo (the status says what was undone or redone)
 * @property {<K extends keyof Brush>(key: K, value: Brush[K]) => void} setBrush  one brush setting (not an undo step)
 * @property {(mode: Stroke["mode"]) => void} toggleBrush  a mode's button: that mode on, or off again (the drag moves the text)
 * @property {(xCss: number, yCss: number, displayedWidth: number) => void} hover  the pointer moved over the stage, not pressed (the brush's outline)
 * @property {() => void} leave  the pointer left the stage
 * @property {(layers: Layers, cssSize: Size, dpr?: number) => void} renderLayers  size and draw the preview canvases
 * @property {(options?: ExportOptions) => Promise<Blob>} exportBlob  the exported file, as exportOptions (default) say
 * @property {(filename?: string) => Promise<void>} download  save it (browser only), the status saying how it goes
 * @property {<K extends keyof Adjust>(key: K, value: Adjust[K]) => void} adjustPhoto  one photo adjustment (a slider movement: one undo step)
 * @property {<K extends keyof ExportOptions>(key: K, value: ExportOptions[K]) => void} setExport  one export setting
 * @property {() => void} newWork  back to the empty editor (one undo step, kept at once)
 * @property {() => Promise<void>} saveProject  download the whole work (photo, cut-out, document, the user's fonts it uses) as a project file
 * @property {(file: Blob) => Promise<void>} openProject  a project file's work instead (one undo step), or the status says why not, and nothing changes
 * @property {(file: Blob) => Promise<void>} addFont  a font file of the user's: a font of the menu, given to the selected text; or the status says why not
 * @property {() => Promise<void>} retry  send the photo for its cut-out again (when `canRetry`)
 */
/**
 * The state the editor's parts share. Every change ends in `publish`: a new snapshot,
 * the listeners called, the work kept.
 * @typedef {object} Store
 * @property {History<Doc>} history  the document and its undo steps
 * @property {Photos} photos  the pictures of every photo the history names
 * @property {Status} status
 * @property {ExportOptions} exportOptions  format, quality and size of the next export
 * @property {Menus} menus
 * @property {Brush} brush  the brush's settings (refine.js)
 * @property {{x: number, y: number} | null} pointer  where its outline is (image pixels)
 * @property {number} fonts  bumps when a font file has loaded: the text layers are redrawn
 * @property {{ id: number, input: Promise<Blob> } | null} retryable  the photo whose cut-out
 *   failed for a reason that may pass, and its model input
 * @property {ReturnType<typeof createAutosave> | null} autosave  once the browser's copy is restored
 * @property {Snapshot} snapshot  what the frontends render
 * @property {Editor["subscribe"]} subscribe
 * @property {(next?: Status) => void} publish  a new snapshot (and status), to every listener
 * @property {(kind: Status["kind"], text: string) => void} setStatus
 * @property {(change: (doc: Doc) => Doc, group?: string, within?: number) => void} edit  one change of
 *   the document, as an undo step (see History.commit for `group`)
 */
/** Font files: loaded on first use, the text layers redrawn once one has. @typedef {ReturnType<typeof fontLoader>} Fonts */

const READY = "Ready. Choose a photo to start.";
/** @type {Status} */
const CONNECTING = { kind: "info", text: "Connecting…" };
const MERGE_MS = 1000; // edits of one control this close together are one undo step (typing, a slider)

/** @param {EditorOptions} options @returns {Editor} */
export function createEditor({ loadGradio, fontUrl, url, endpoint, storage = null }) {
  const library = createFontLibrary(fontUrl);
  const store = createStore(library.menu());
  const backend = createBackend({ loadGradio, url, endpoint }); // connects now
  backend.ready.then(
    () => { if (store.status === CONNECTING) store.setStatus("info", READY); }, // not over an upload's or a restore's message
    (err) => store.setStatus("error", `${reason(err)}. You can still add text and download.`),
  );
  const fonts = fontLoader(store, library);
  fonts.loadAll(store.history.present.layers); // the default text's font
  const { addFont, restored } = userFonts(store, library, storage); // the user's own font files
  const work = keepWork(store, storage, fonts, restored); // restores the browser's copy, then keeps it
  const preview = createPreview();
  return {
    subscribe: store.subscribe,
    getSnapshot: () => store.snapshot,
    ...photoFlow(store, backend, fonts),
    ...editing(store, fonts),
    ...exporting(store, library),
    ...work, addFont,
    ...projectFile(store, library, storage, fonts, saveBlob),
    renderLayers: (layers, cssSize, dpr) => preview(layers, store.snapshot, store.fonts, cssSize, dpr),
  };
}

/** @param {Menus["fonts"]} fontMenu @returns {Store} */
function createStore(fontMenu) {
  const history = createHistory(createDoc(), { limit: LIMITS.undoSteps });
  const photos = createPhotos();
  /** @type {Set<() => void>} */
  const listeners = new Set();
  /** @type {Store} */
  const store = {
    history, photos, status: CONNECTING, exportOptions: DEFAULT_EXPORT, menus: { fonts: fontMenu }, fonts: 0,
    retryable: null, autosave: null, brush: DEFAULT_BRUSH, pointer: null,
    snapshot: view({
      history, photos, status: CONNECTING, exportOptions: DEFAULT_EXPORT, retryable: null, menus: { fonts: fontMenu },
      brush: DEFAULT_BRUSH, pointer: null,
    }),
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    publish(next = store.status) {
      store.status = next;
      const entries = history.entries();
      photos.keepOnly(new Set(entries.map((d) => d.photo))); // forget the pictures no step names any more
      store.autosave?.update(entries, history.at, photos.kept);
      store.snapshot = view(store);
      for (const listener of [...listeners]) listener();
    },
    setStatus: (kind, text) => store.publish({ kind, text }),
    edit(change, group, within) {
      const next = change(history.present);
      if (next === history.present) return;
      history.commit(next, group, within);
      store.publish();
    },
  };
  return store;
}

/** @param {Pick<Store, "history" | "photos" | "status" | "exportOptions" | "retryable" | "menus" | "brush" | "pointer">} store @returns {Snapshot} */
function view({ history, photos, status, exportOptions, retryable, menus, brush, pointer }) {
  const doc = history.present, photo = photos.get(doc.photo);
  return Object.freeze({
    photo: photo?.picture ?? null, matte: photo?.matte ?? null, photoSize: doc.size,
    photoName: photo ? ("name" in photo.file && String(photo.file.name)) || "(unnamed photo)" : null,
    state: selectedLayer(doc) ?? DEFAULT_STATE, layers: doc.layers, selected: doc.selected,
    can: Object.freeze({ ...layerActions(doc), undo: history.canUndo, redo: history.canRedo }),
    status, adjust: doc.adjust, exportOptions, canRetry: retryable?.id === doc.photo, menus,
    refine: doc.refine, brush, pointer,
  });
}

/** @param {Store} store @param {FontLibrary} library */
function fontLoader(store, library) {
  const { load, label } = library; // the file that draws a font id at a weight, loaded once
  const loaded = () => { store.fonts++; store.publish(); };
  return {
    label,
    /** Resolves once a layer's font is loaded, or could not be (texts are measured in it). @param {Layer} l */
    ready: (l) => load(l.fontFamily, l.fontWeight).catch(() => {}),
    /** Loads a font, then redraws; rejects when its file cannot be loaded. @param {string} id @param {number} weight */
    load: (id, weight) => load(id, weight).then(loaded),
    /**
     * The fonts of layers that arrived at once (the default text, a restore, a project file):
     * drawn once loaded, in the fallback font where one fails. @param {readonly Layer[]} layers
     */
    loadAll(layers) {
      Promise.all(layers.map((l) => load(l.fontFamily, l.fontWeight).catch(() => {}))).then(loaded);
    },
  };
}

/**
 * A photo, from the file to its cut-out: decoded and shown at once, sent to the backend,
 * the matte shown when it arrives (or why it did not, with Try again where that may help).
 * @param {Store} store @param {Backend} backend @param {Fonts} fonts
 */
function photoFlow(store, backend, fonts) {
  const { history, photos } = store;
  let sending = 0; // the photo whose cut-out is awaited: an older one's answer is dropped
  /** @type {{ photo: number, layer: Layer } | null} */
  let first = null; // the first photo's first text, as placed at the centre: behind the subject once its matte is in

  /** @type {Editor["loadFile"]} */
  async function loadFile(file) {
    let opened;
    try {
      opened = await photos.open(file);
    } catch (err) {
      if (!(err instanceof NotAnImage || err instanceof FormatError)) throw err; // FormatError: too many pixels
      return store.setStatus("error", err.message); // the previous photo, if any, stays editable
    }
    if (!opened) return; // a newer file came meanwhile
    const { id, picture, input } = opened;
    sending = id;
    const cutting = cutOut(id, input); // the upload starts now, while the photo is drawn
    photos.add(id, picture, file);
    store.status = { kind: "busy", text: "Uploading…" };
    // One undo step; the layers keep their place on the picture, or on a first photo spread out.
    const wasEmpty = !history.present.size;
    store.edit((doc) => (doc.size ? withPhoto(doc, id, imageSize(picture)) : spreadOut(withPhoto(doc, id, imageSize(picture)))));
    first = wasEmpty && history.present.layers[0] ? { photo: id, layer: history.present.layers[0] } : null;
    await cutting;
  }

  /** Waits for a photo's matte, and shows it, or why it did not come. @param {number} id @param {Promise<Blob>} input */
  async function cutOut(id, input) {
    const stale = () => id !== sending;
    const shown = () => !stale() && history.present.photo === id;
    store.retryable = null;
    try {
      const matte = await backend.cutOut(input, { stale, onStatus: (next) => { if (shown()) store.publish(next); } });
      if (!matte || !photos.setMatte(id, matte)) return; // also set when an undo went back to an earlier photo: a redo shows it
      if (first?.photo === id) {
        await fonts.ready(first.layer); // measured in its own font (loading since the page opened)
        if (shown()) placeBehindSubject(first.layer, matte.picture);
      }
      store.publish(shown() ? { kind: "done", text: "Done. Drag the text to place it, then download." } : store.status);
    } catch (err) {
      if (!(err instanceof CutOutError)) throw err;
      if (stale()) return;
      if (err.retryable) store.retryable = { id, input };
      store.publish(shown() ? err.status : store.status);
    }
  }

  /**
   * The first text behind the subject's upper part (layout.js), the effect showing before any
   * drag; part of the photo's step (Undo takes both away). Not if the text was moved or resized
   * while the matte was on its way: the user has placed it.
   * @param {Layer} placed @param {Picture} matte
   */
  function placeBehindSubject(placed, matte) {
    first = null;
    const doc = history.present, layer = doc.layers.find((l) => l.id === placed.id);
    const box = doc.size && subjectBox(matte, doc.size);
    if (!layer || !box || !doc.size || /** @type {const} */ (["x", "y", "fontSize"]).some((k) => layer[k] !== placed[k])) return;
    history.replace(updateLayer(doc, layer.id, behindSubject(layer, box, doc.size)));
  }

  /** @type {Editor["retry"]} */
  async function retry() {
    const failed = store.retryable;
    if (!failed || failed.id !== history.present.photo) return;
    sending = failed.id;
    store.publish({ kind: "busy", text: "Uploading…" });
    await cutOut(failed.id, failed.input);
  }

  return { loadFile, retry };
}

/**
 * Editing the document: the selected layer's settings, selecting, dragging and the keys,
 * the layer and history actions, the photo's adjustments, the brush (refine.js: while its
 * mode is on, it takes the stage's presses and drags). Each change is an undo step.
 * @param {Store} store @param {Fonts} fonts
 */
function editing(store, fonts) {
  const { history, photos, edit } = store;
  let gesture = 0; // bumps on each press on the stage: one drag is one undo step
  const brush = brushing(store, () => Boolean(store.photos.get(history.present.photo)?.matte));
  /** The subject's box on the document's photo, once its matte is in. @param {Doc} doc */
  const subjectOf = (doc) => {
    const matte = photos.get(doc.photo)?.matte;
    return matte && doc.size ? subjectBox(matte, doc.size) : null;
  };

  /** @type {Editor["set"]} */
  async function set(key, value) {
    const before = selectedLayer(history.present);
    if (!before) return;
    const id = before.id, text = key === "text" ? String(value).slice(0, LIMITS.textChars) : null; // the field's maxlength
    edit((doc) => updateLayer(doc, id, { [key]: text ?? value }), `set:${key}:${id}`, MERGE_MS);
    if (key !== "fontFamily" && key !== "fontWeight") return;
    // A font file downloads on first use (from the app). Until then the canvas draws the
    // fallback; once loaded, the text layers are redrawn.
    const { fontFamily, fontWeight } = /** @type {Layer} */ (selectedLayer(history.present));
    try {
      await fonts.load(fontFamily, fontWeight);
    } catch {
      const now = history.present.layers.find((l) => l.id === id);
      if (!now || now.fontFamily !== fontFamily || now.fontWeight !== fontWeight) return; // changed again meanwhile
      history.replace(updateLayer(history.present, id, { fontFamily: before.fontFamily, fontWeight: before.fontWeight }));
      store.setStatus("error", `Could not load the font "${fonts.label(fontFamily)}"; keeping the previous font.`);
    }
  }

  /** Selecting is not an undo step: it changes what the controls edit, not the picture. @param {string} id */
  function selectLayerById(id) {
    const next = selectLayer(history.present, id);
    if (next === history.present) return;
    history.replace(next);
    history.seal();
    store.publish();
  }

  /** @type {Editor["act"]} */
  function act(action) {
    if (action === "undo" || action === "redo") {
      const was = history.present;
      if (!history[action]()) return;
      const [older, newer] = action === "undo" ? [history.present, was] : [was, history.present];
      store.setStatus("info", `${action === "undo" ? "Undid" : "Redid"}: ${describeChange(older, newer)}.`);
    } else if ((action === "addLayer" || action === "duplicateLayer") && history.present.layers.length >= LIMITS.layers) {
      store.setStatus("error", `A picture holds at most ${count(LIMITS.layers)} text layers: delete one to add another.`);
    } else {
      edit(action === "addLayer" ? (doc) => clearOfOthers(addLayer(doc), subjectOf(doc)) : LAYER_CHANGES[action]);
    }
  }

  return {
    set, act,
    selectLayer: selectLayerById,
    setBrush: brush.setBrush, toggleBrush: brush.toggleBrush, hover: brush.hover, leave: brush.leave,
    /** @type {Editor["pickAt"]} */
    pickAt(xCss, yCss, displayedWidth) {
      gesture++;
      if (brush.press(xCss, yCss, displayedWidth)) return false;
      const id = layerAtClient(history.present, xCss, yCss, displayedWidth);
      if (id) selectLayerById(id);
      return id !== null; // a miss keeps the selection: dragging anywhere moves the selected text
    },
    /** @type {Editor["moveBy"]} */
    moveBy(dxCss, dyCss, displayedWidth) {
      if (brush.drag(dxCss, dyCss, displayedWidth)) return;
      const { size, selected } = history.present;
      if (!size || !displayedWidth || !selected) return;
      const d = clientDeltaToImage(dxCss, dyCss, displayedWidth, size.width);
      edit((doc) => moveLayer(doc, selected, d.dx, d.dy), `drag:${gesture}`);
    },
    /** @type {Editor["handleKey"]} */
    handleKey({ key, shiftKey }) {
      const { selected } = history.present;
      if (selected && (key === "Delete" || key === "Backspace")) return act("deleteLayer"), true;
      const d = nudge(history.present, key, shiftKey);
      if (!selected || !d) return false;
      edit((doc) => moveLayer(doc, selected, d.dx, d.dy), `nudge:${selected}`, MERGE_MS);
      return true;
    },
    /** @type {Editor["handleShortcut"]} */
    handleShortcut(event) {
      const action = historyShortcut(event);
      if (action) act(action);
      return action !== null;
    },
    /** @type {Editor["handleListKey"]} */
    handleListKey({ key }) {
      const id = listKeyTarget(history.present, key);
      if (id) selectLayerById(id);
      return id !== null;
    },
    /** @type {Editor["adjustPhoto"]} */
    adjustPhoto(key, value) {
      edit((doc) => adjustPhoto(doc, { [key]: value }), `adjust:${key}`, MERGE_MS);
    },
  };
}

/** The export: its settings, the file, the download. @param {Store} store @param {FontLibrary} library */
function exporting(store, library) {
  /** @type {Editor["exportBlob"]} */
  async function exportBlob(options = store.exportOptions) {
    const { photo, size, layers, adjust, refine } = store.history.present, shot = store.photos.get(photo);
    if (!shot || !size) throw new Error("No photo yet");
    // The text was placed on the screen's photo, which may be a reduced decode: the export
    // decodes the file in full.
    const fonts = [...new Map(layers.map((l) => {
      const face = library.source(l.fontFamily, l.fontWeight); // a URL, or a user's file's bytes
      return [`${face.family}|${face.weight}`, face];
    })).values()];
    return encodeExport({ photo: shot.file, matte: shot.matte, layers, placedOn: size, adjust, refine, options, fonts });
  }

  return {
    exportBlob,
    /** @type {Editor["download"]} */
    async download(filename) {
      const options = store.exportOptions, { label } = exportFormat(options.format);
      store.setStatus("busy", `Encoding ${label}…`);
      try {
        const name = filename ?? exportFileName(options);
        saveBlob(await exportBlob(options), name);
        store.setStatus("done", `Saved ${name}.`);
      } catch (err) {
        store.setStatus("error", `Export failed: ${reason(err)}.`);
      }
    },
    /** @type {Editor["setExport"]} */
    setExport(key, value) {
      if (store.exportOptions[key] === value) return;
      store.exportOptions = { ...store.exportOptions, [key]: value };
      store.publish();
    },
  };
}

/**
 * Keeping the work (the formats and IndexedDB are persistence.js's): the browser's copy,
 * restored once, at creation, then saved a moment after each change (publish calls
 * autosave.update); New.
 * @param {Store} store @param {Storage | null} storage @param {Fonts} fonts
 * @param {Promise<void>} fontsRestored  the user's fonts kept: restored first (texts may use them)
 */
function keepWork(store, storage, fonts, fontsRestored) {
  const { history, photos } = store;

  /** The browser's copy is unusable: cleared, so the next reload starts clean. @param {unknown} err */
  function discard(err) {
    storage?.clear().catch(() => {});
    store.setStatus("error", `The work kept in this browser could not be restored, so it was cleared (${reason(err)}).`);
  }

  /** Reads the browser's copy back, then starts saving. */
  async function restore() {
    if (!storage) return;
    /** @type {Work | null} */
    let work = null, restored = false;
    try {
      await fontsRestored;
      work = await storage.load();
      restored = work !== null && await reopen(work);
      if (work && !restored) await storage.clear(); // the user started meanwhile: theirs is kept
    } catch (err) {
      if (!(err instanceof FormatError)) return store.setStatus("error", storageError(err)); // no IndexedDB here (some private modes): nothing is kept
      discard(err); // damaged, or an older format
    }
    const autosave = createAutosave(storage, { onError: (err) => store.setStatus("error", storageError(err)) });
    store.autosave = autosave;
    // What was just read back is what the storage holds: not written again.
    if (restored && !work?.legacy) autosave.stored(history.entries(), history.at, photos.kept);
    if (typeof addEventListener === "function") addEventListener("pagehide", () => autosave.flush());
    store.publish(); // saves what changed meanwhile
  }

  /**
   * Shows the work kept, with its undo history, unless the user has started meanwhile (false).
   * @param {Work} work
   */
  async function reopen({ steps, at, images }) {
    /** @type {Map<string, number> | null} */
    let ids;
    try {
      ids = await photos.restore(images, () => !history.canUndo);
    } catch (err) {
      throw err instanceof FormatError ? err : new FormatError("a photo could not be read"); // FormatError: too many pixels
    }
    if (!ids) return false;
    // Each step on its photo as decoded now (the layers keep their place on the picture).
    const docs = steps.map(({ project, photo }) => {
      const id = photo === null ? 0 : /** @type {number} */ (ids.get(photo));
      const shot = photos.get(id);
      return withProject({ ...createDoc(), photo: id, size: shot ? imageSize(shot.picture) : null }, project);
    });
    history.reset(docs, at);
    fonts.loadAll(docs.flatMap((d) => d.layers));
    const shot = photos.get(history.present.photo);
    if (!shot) store.publish();
    else if (shot.matte) store.publish({ kind: "done", text: "Restored your last picture." });
    else {
      store.retryable = { id: history.present.photo, input: modelInput(shot.file, shot.picture) };
      store.publish({ kind: "info", text: "Restored your last picture, but not its cut-out (it had not arrived): Try again sends the photo." });
    }
    return true;
  }
  restore();

  return {
    /**
     * New asks nothing and is one undo step, like any other change: Undo brings the
     * last picture back within this session. The browser's copy is emptied at once
     * (not a moment later), so a reload right after New shows the empty editor.
     * @type {Editor["newWork"]}
     */
    newWork() {
      store.edit(() => createDoc());
      store.setStatus("info", "New picture. Choose a photo to start (Undo brings the last one back).");
      store.autosave?.flush();
    },
  };
}

/** Saves a file through a temporary link (browser only). @param {Blob} blob @param {string} filename */
function saveBlob(blob, filename) {
  const href = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement("a"), { href, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/**
 * The preview's painter: four stacked canvases (photo, the texts behind the
 * subject, the subject, the texts in front and the selected one's outline, or the
 * brush's), each redrawn only when what it
 * shows, or the canvas size, changes: editing a text redraws only the text
 * canvases, a status message none.
 */
function createPreview() {
  /** @type {WeakMap<AnyCanvas, unknown[]>} */
  const drawn = new WeakMap();
  const refiner = createRefiner(); // the matte with the brush strokes, redrawn fast while a drag paints
  /** @param {Layers} canvases @param {Snapshot} snapshot @param {number} fonts @param {Size} cssSize @param {number} [dpr] */
  return (canvases, { photo, matte, layers, selected, photoSize, adjust, refine, brush, pointer }, fonts, cssSize, dpr = 1) => {
    const width = Math.max(1, Math.round(cssSize.width * dpr)); // backing store = CSS size x DPR: sharp on HiDPI
    const height = Math.max(1, Math.round(cssSize.height * dpr));
    const scale = photoSize ? width / photoSize.width : 1; // canvas pixels per image pixel
    /** @param {AnyCanvas} canvas @param {unknown[]} key what it shows @param {(ctx: Ctx2D) => void} draw */
    const paint = (canvas, key, draw) => {
      const resized = canvas.width !== width || canvas.height !== height;
      const last = drawn.get(canvas);
      if (!resized && last && key.every((v, i) => v === last[i])) return;
      if (resized) { canvas.width = width; canvas.height = height; } // also clears it
      const ctx = context2d(canvas);
      ctx.clearRect(0, 0, width, height);
      if (photo && photoSize) draw(ctx);
      drawn.set(canvas, key);
    };
    const pic = /** @type {Picture} */ (photo), size = /** @type {Size} */ (photoSize);
    paint(canvases.photo, [photo, adjust], (ctx) => drawPhoto(ctx, pic, scale, adjust));
    paint(canvases.text, [photo, layers, fonts], (ctx) => drawTexts(ctx, layersOn(layers, false), size, scale));
    // The matte is smaller than the photo (long side <= 1024) with the same
    // aspect ratio, so drawSubject stretches it over the photo at any scale.
    // The texts in front, then the outline of the selected one, or the brush's while
    // it paints (the preview's alone).
    const chosen = layers.find((l) => l.id === selected);
    const front = (/** @type {Ctx2D} */ ctx) => {
      drawTexts(ctx, layersOn(layers, true), size, scale);
      if (brush.mode && pointer) {
        drawBrushOutline(ctx, brush, { x: pointer.x * scale, y: pointer.y * scale }, Math.max(width, height), dpr);
      } else if (chosen && !brush.mode) drawSelection(ctx, chosen, size, scale, dpr);
    };
    const { front: frontCanvas } = canvases;
    const onTop = [layers, selected, fonts, brush, pointer]; // what the front canvas shows
    paint(canvases.subject, frontCanvas ? [photo, matte, refine] : [photo, matte, refine, ...onTop], (ctx) => {
      if (matte) drawSubject(ctx, pic, refine.length ? refiner(matte, refine, width, height) : matte, scale);
      if (!frontCanvas) front(ctx);
    });
    if (frontCanvas) paint(frontCanvas, [photo, ...onTop], front);
  };
}

// ---- The export worker (export-worker.js): one, started on first use and kept.

class WorkerUnavailable extends Error {}
/** @type {Worker | null} */
let worker = null;
let workerBroken = typeof Worker === "undefined" || typeof OffscreenCanvas === "undefined";
let lastJob = 0;
/** @type {Map<number, { resolve: (b: Blob) => void, reject: (e: Error) => void }>} */
const pending = new Map();

/** @returns {Worker} */
function exportWorker() {
  if (worker) return worker;
  // This exact form is the one Vite recognises (it bundles the worker's imports);
  // unbundled, the browser loads export-worker.js beside this file.
  const w = new Worker(new URL("./export-worker.js", import.meta.url), { type: "module" });
  w.addEventListener("message", ({ data }) => {
    const p = pending.get(data.id);
    pending.delete(data.id);
    if (data.error) p?.reject(new Error(data.error));
    else p?.resolve(data.blob);
  });
  // The script could not load or run (no module workers): export on the main thread.
  w.addEventListener("error", (e) => {
    e.preventDefault();
    workerBroken = true;
    worker = null;
    w.terminate();
    for (const p of pending.values()) p.reject(new WorkerUnavailable(e.message));
    pending.clear();
  });
  return (worker = w);
}

/** @param {ExportJob} job @returns {Promise<Blob>} */
function inWorker(job) {
  return new Promise((resolve, reject) => {
    const id = ++lastJob;
    pending.set(id, { resolve, reject });
    try {
      exportWorker().postMessage({ id, job }); // the photo's file and the matte, copied
    } catch (err) { // a picture that cannot be sent, or no worker at all
      pending.delete(id);
      reject(new WorkerUnavailable(String(err)));
    }
  });
}

/**
 * The exported file (see export.js): in a worker where the browser has OffscreenCanvas
 * and module workers (Chromium, Firefox, Safari 17+); else (older browsers, Node's unit
 * tests) on the main thread, which waits while the picture is drawn.
 * @param {ExportJob} job @returns {Promise<Blob>}
 */
export async function encodeExport(job) {
  if (!workerBroken) {
    try {
      return await inWorker(job);
    } catch (err) {
      if (!(err instanceof WorkerUnavailable)) throw err;
    }
  }
  return encodeJob(job);
}
