// @ts-check
// The editor's controller: everything a frontend needs besides its markup. It
// owns the photos, their mattes, the status line and the backend calls, and the
// document with its undo history (document.js). A frontend renders the controls
// (controls.js), forwards events and redraws on change:
//
//   const editor = createEditor({ loadGradio: () => import("@gradio/client"), fontUrl });
//   editor.subscribe(() => redraw(editor.getSnapshot()));
//
// The pattern is a small external store: every change replaces the snapshot
// object, so React can use `useSyncExternalStore(editor.subscribe,
// editor.getSnapshot)`, Svelte a `readable`, and vanilla JS a plain callback.

import {
  DEFAULT_STATE, canvasToBlob, clientDeltaToImage, context2d, drawPhoto, drawSelection, drawSubject, drawTexts,
  fitWithin, imageSize, layersOn, makeCanvas,
} from "./editor-core.js";
import { fontById, fontSource, loadFace } from "./fonts.js";
import { DEFAULT_EXPORT, encodeJob, exportFileName, exportFormat } from "./export.js";
import {
  LAYER_CHANGES, createDoc, createHistory, historyShortcut, layerActions, layerAtClient, listKeyTarget,
  moveLayer, nudge, selectLayer, selectedLayer, updateLayer, withPhoto, adjustPhoto,
} from "./document.js";
import {
  FormatError, PROJECT_FILENAME, createAutosave, projectJson, readProjectFile, storageError, withProject,
} from "./persistence.js";

/** @import { State, Picture, AnyCanvas, Size, Adjust } from "./editor-core.js" */
/** @import { Doc, Layer, Action } from "./document.js" */
/** @import { ExportOptions, ExportJob } from "./export.js" */
/** @import { Images, Storage, Work } from "./persistence.js" */
/** @import { Ctx2D } from "./editor-core.js" */
/** @import { FontUrl } from "./fonts.js" */
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
 * @property {State} state  the selected layer's settings (the controls show them)
 * @property {readonly Layer[]} layers  every text layer, bottom first
 * @property {string | null} selected  the selected layer's id; null when there are no layers
 * @property {Readonly<Record<Action, boolean>>} can  which layer and history actions are possible
 * @property {Status} status
 * @property {Adjust} adjust  the photo's adjustments (part of the document: undoable)
 * @property {ExportOptions} exportOptions  format, quality and size of the next export
 * @property {boolean} canRetry  the cut-out failed for a reason that may pass: `retry` sends it again
 */
/**
 * The parts of the Gradio JS client (npm: gradio/client) the editor uses; the
 * real module fits this type.
 * @typedef {{submit(endpoint: string, data: Record<string, unknown>): AsyncIterable<GradioMessage>}} GradioClient
 * @typedef {{Client: { connect(url: string, options?: { events?: ("data" | "status")[], record_history?: boolean }): Promise<GradioClient> }, handle_file(file: Blob): unknown}} GradioModule
 */
/**
 * A message of `client.submit(...)`: `status` (queue `position` 0-based of `size`,
 * `stage` "pending" | "generating" | "error" ..., `original_msg` "process_starts"
 * once it runs, `message` and `broken` for an error) or `data` (`data[0].url`: the matte PNG).
 * @typedef {{ type: string, stage?: string, position?: number | null, size?: number | null,
 *   original_msg?: string, message?: unknown, broken?: boolean, data?: unknown }} GradioMessage
 */
/**
 * @typedef {object} EditorOptions
 * @property {() => Promise<GradioModule>} loadGradio  imports the Gradio JS client, lazily (see createEditor)
 * @property {FontUrl} fontUrl  where the app serves a font's file (see fonts.js)
 * @property {string} [url]       the Gradio server; default: the page's own directory
 * @property {string} [endpoint]  default "/matte"
 * @property {Storage | null} [storage]  where the work is kept across
 *   reloads (openBrowserStorage() in persistence.js); none: nothing is kept
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
 * @property {(file: Blob) => Promise<void>} loadFile  show a photo and fetch its matte
 * @property {(xCss: number, yCss: number, displayedWidth: number) => boolean} pickAt  a press on the stage (CSS pixels from its top left): selects the text there (true), starts a drag
 * @property {(dxCss: number, dyCss: number, displayedWidth: number) => void} moveBy  move the selected text by a pointer delta
 * @property {(event: Key) => boolean} handleKey  the stage's keys (arrows move the selected text, Delete removes it): true if handled
 * @property {(event: Key) => boolean} handleShortcut  the page's keys: Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl+Y (see historyShortcut)
 * @property {(event: Key) => boolean} handleListKey  the layer list's keys: arrows, Home, End select
 * @property {(id: string) => void} selectLayer
 * @property {(action: Action) => void} act  add, duplicate, delete or reorder a layer; undo, redo
 * @property {(layers: Layers, cssSize: Size, dpr?: number) => void} renderLayers  size and draw the preview canvases
 * @property {(options?: ExportOptions) => Promise<Blob>} exportBlob  the exported file, as exportOptions (default) say
 * @property {(filename?: string) => Promise<void>} download  save it (browser only), the status saying how it goes
 * @property {<K extends keyof Adjust>(key: K, value: Adjust[K]) => void} adjustPhoto  one photo adjustment (a slider movement: one undo step)
 * @property {<K extends keyof ExportOptions>(key: K, value: ExportOptions[K]) => void} setExport  one export setting
 * @property {() => void} newWork  back to the empty editor (one undo step, kept at once)
 * @property {() => void} saveProject  download the layers and adjustments as a project file
 * @property {(file: Blob) => Promise<void>} openProject  a project file's layers and adjustments instead (one undo step), or the status says why not
 * @property {() => Promise<void>} retry  send the photo for its cut-out again (when `canRetry`)
 */

const MODEL_MAX_SIDE = 1024; // the backend's matte is <= 1024 px: a bigger upload only costs time
const READY = "Ready. Upload a photo to start.";

/** @param {unknown} err */
const reason = (err) => String((err instanceof Error && err.message) || err || "unknown error").replace(/\.$/, "");

/** The sentence shown when the backend fails. @param {unknown} err @returns {Status} */
export const matteError = (err) =>
  ({ kind: "error", text: `Could not cut out the subject: ${reason(err)}. You can still add text and download.` });

/**
 * Maps a `status` message of the Gradio JS client to the status line, or null when it
 * says nothing new. Queue positions are 0-based on the wire, 1-based here.
 * @param {GradioMessage} msg @returns {Status | null}
 */
export function statusFromMessage(msg) {
  if (msg.stage === "error") return isBusy(msg) ? BUSY : matteError(errorText(msg.message));
  // "process_starts" arrives with stage "pending": the job has left the queue.
  if (msg.stage === "generating" || msg.original_msg === "process_starts") {
    return { kind: "busy", text: "Cutting out the subject…" };
  }
  if (msg.stage === "pending") {
    if (msg.position != null && msg.size) {
      return { kind: "busy", text: `Waiting in queue: position ${msg.position + 1} of ${msg.size}` };
    }
    return { kind: "busy", text: "Waiting in queue…" };
  }
  return null;
}

// A full queue: the Gradio JS client turns the server's HTTP 503 into this message.
/** @param {GradioMessage} msg */
const isBusy = (msg) => /currently busy/i.test(errorText(msg.message));
/** @type {Status} */
const BUSY = { kind: "error", text: "The server is busy (its queue is full). Try again in a moment." };

/** The backend answered, but not with a matte. */
class WrongAnswer extends Error {}

/** A job the backend reported failed: its status line, and whether the connection broke. */
class JobError extends Error {
  /** @param {GradioMessage} msg */
  constructor(msg) {
    super(errorText(msg.message));
    this.status = /** @type {Status} */ (statusFromMessage(msg)); // an error stage: never null
    this.busy = this.status === BUSY;
    // The JS client flags a stream that broke; an upload or a join that found no server
    // comes with its "Connection errored out." message only.
    this.broken = Boolean(msg.broken) || /^Connection errored out/i.test(this.message);
  }
}

/** @param {unknown} message */
function errorText(message) {
  if (Array.isArray(message)) {
    return message.map((m) => (m && typeof m === "object" && "message" in m ? String(m.message) : JSON.stringify(m))).join("; ");
  }
  return message ? String(message) : "Unknown error";
}

/** No connection was made: the client could not be loaded, or the backend not reached (the message says which). */
class ConnectError extends Error {}

/**
 * Connects to the backend. The client is imported lazily (a file the app serves
 * for vanilla, a chunk of its own when bundled): the editor works at once, and
 * without cut-outs if the import or the backend fails. @gradio/client, not fetch,
 * is what makes ZeroGPU work: it joins Gradio's queue and forwards the Hugging
 * Face headers that bill GPU time to the visitor, not to the Space.
 * @param {EditorOptions["loadGradio"]} loadGradio @param {string} [url]
 */
async function connect(loadGradio, url) {
  const base = url ?? (typeof location !== "undefined" ? new URL("./", location.href).href : "");
  /** @type {GradioModule} */
  let gradio;
  try {
    gradio = await loadGradio();
  } catch (err) {
    throw new ConnectError(`Could not load the Gradio client (${reason(err)})`);
  }
  try {
    // record_history: false, as the client would otherwise keep every call in localStorage.
    const client = await gradio.Client.connect(base, { events: ["data", "status"], record_history: false });
    return { client, handle_file: gradio.handle_file };
  } catch (err) {
    throw new ConnectError(`Could not reach the backend at ${base} (${reason(err)})`);
  }
}

const HISTORY_LIMIT = 100; // undo steps kept; the oldest are forgotten
const RECONNECT_FOR = 20_000; // ms: how long a lost backend is waited for (a restart takes seconds)
const MERGE_MS = 1000; // edits of one control this close together are one undo step (typing, a slider)

/** @param {EditorOptions} options @returns {Editor} */
export function createEditor({ loadGradio, fontUrl, url, endpoint = "/matte", storage = null }) {
  const history = createHistory(createDoc(), { limit: HISTORY_LIMIT });
  // The pictures of every photo a Doc in the history names (a Doc holds only the id),
  // with the files they came from (the photo as given, the matte PNG): what the browser keeps.
  // `key` names the photo in the browser's copy, across reloads.
  /** @type {Map<number, { key: string, picture: Picture, matte: Picture | null, file: Blob, matteFile: Blob | null }>} */
  const photos = new Map();
  /** A photo's files, for the browser's copy. @param {number} id */
  const keptPhoto = (id) => {
    const shot = photos.get(id);
    return shot ? { key: shot.key, photo: shot.file, matte: shot.matteFile } : null;
  };
  /** @type {Status} */
  const connecting = { kind: "info", text: "Connecting…" };
  let status = connecting;
  let fonts = 0; // bumps when a font file has loaded: the text layers are redrawn
  /** @type {Set<() => void>} */
  const listeners = new Set();
  let latestUpload = 0; // bumps on each file: a slower, older decode is dropped
  let sending = 0; // the photo whose cut-out is awaited: an older one's answer is dropped
  /** @type {{ id: number, input: Promise<Blob> } | null} */
  let retryable = null; // the photo whose cut-out failed for a reason that may pass, and its model input
  let gesture = 0; // bumps on each press on the stage: one drag is one undo step
  const preview = createPreview();
  /** @type {ExportOptions} */
  let exportOptions = DEFAULT_EXPORT;
  /** @type {ReturnType<typeof createAutosave> | null} */
  let autosave = null; // once the browser's copy is restored (see restore)

  /** @returns {Snapshot} */
  function view() {
    const doc = history.present, shot = photos.get(doc.photo);
    return Object.freeze({
      photo: shot?.picture ?? null, matte: shot?.matte ?? null, photoSize: doc.size,
      state: selectedLayer(doc) ?? DEFAULT_STATE, layers: doc.layers, selected: doc.selected,
      can: Object.freeze({ ...layerActions(doc), undo: history.canUndo, redo: history.canRedo }),
      status, adjust: doc.adjust, exportOptions, canRetry: retryable?.id === doc.photo,
    });
  }
  let snapshot = view();
  /** @param {Status} [next] */
  function publish(next = status) {
    status = next;
    // Forget the pictures no Doc in the history names any more.
    const entries = history.entries();
    const named = new Set(entries.map((d) => d.photo));
    for (const id of photos.keys()) if (!named.has(id)) photos.delete(id);
    autosave?.update(entries, history.at, keptPhoto);
    snapshot = view();
    for (const listener of [...listeners]) listener();
  }
  /** @param {Status["kind"]} kind @param {string} text */
  const setStatus = (kind, text) => publish({ kind, text });

  /**
   * One change of the document, as an undo step (see History.commit for `group`).
   * @param {(doc: Doc) => Doc} change @param {string} [group] @param {number} [within]
   */
  function edit(change, group, within) {
    const next = change(history.present);
    if (next === history.present) return;
    history.commit(next, group, within);
    publish();
  }

  let connection = connect(loadGradio, url); // at creation, and again after a lost connection
  connection.then(
    () => { if (status === connecting) setStatus("info", READY); }, // not over an upload's or a restore's message
    (err) => setStatus("error", `${reason(err)}. You can still add text and download.`),
  );
  /** The connection; if the last try failed, a new one (the backend may be up by now). */
  const connected = () => (connection = connection.catch(() => connect(loadGradio, url)));

  /** Loads (once) the file that draws a font id at a weight. @param {string} id @param {number} weight */
  const loadFont = async (id, weight) => loadFace(fontSource(id, weight, fontUrl));

  /** @type {Editor["set"]} */
  async function set(key, value) {
    const before = selectedLayer(history.present);
    if (!before) return;
    const id = before.id;
    edit((doc) => updateLayer(doc, id, { [key]: value }), `set:${key}:${id}`, MERGE_MS);
    if (key !== "fontFamily" && key !== "fontWeight") return;
    // A font file downloads on first use (from the app). Until then the canvas draws the
    // fallback; once loaded, the text layers are redrawn.
    const { fontFamily, fontWeight } = /** @type {Layer} */ (selectedLayer(history.present));
    try {
      await loadFont(fontFamily, fontWeight);
      fonts++;
      publish();
    } catch {
      const now = history.present.layers.find((l) => l.id === id);
      if (!now || now.fontFamily !== fontFamily || now.fontWeight !== fontWeight) return; // changed again meanwhile
      history.replace(updateLayer(history.present, id, { fontFamily: before.fontFamily, fontWeight: before.fontWeight }));
      setStatus("error", `Could not load the font "${fontById(fontFamily).label}"; keeping the previous font.`);
    }
  }

  /** @type {Editor["loadFile"]} */
  async function loadFile(file) {
    const id = ++latestUpload;
    /** @type {ImageBitmap} */
    let photo;
    try {
      photo = await decodeForScreen(file);
    } catch {
      setStatus("error", "Could not read this file as an image. Try a JPEG, PNG or WebP photo.");
      return; // the previous photo, if any, stays editable
    }
    // The model's input first (a JPEG of 1024 px, tens of milliseconds), then the
    // preview: the upload is under way while the main thread draws the photo.
    const input = modelInput(file, photo);
    await input.catch(() => {}); // a failure is reported below, where it is awaited
    if (id !== latestUpload) return;
    sending = id;
    const job = submit(id, input); // the upload starts now, while the photo is drawn
    // A new photo is one undo step; the layers keep their place on the picture.
    photos.set(id, { key: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, picture: photo, matte: null, file, matteFile: null });
    status = { kind: "busy", text: "Uploading…" };
    edit((doc) => withPhoto(doc, id, imageSize(photo)));
    await cutOut(id, input, job);
  }

  /** Sends a photo's model input to the backend: the job's messages, or null when another photo came first. @param {number} id @param {Promise<Blob>} input */
  function submit(id, input) {
    const job = input.then(async (blob) => {
      const { client, handle_file } = await connected();
      if (id !== sending) return null; // another photo came while connecting: send nothing
      return client.submit(endpoint, { image_path: handle_file(blob) });
    });
    job.catch(() => {}); // awaited in cutOut
    return job;
  }

  /**
   * Waits for a photo's matte, and shows it. A lost connection (a backend restarting, say)
   * is tried again once, as soon as the backend answers; a full queue, or a connection
   * still lost, offers Try again (the same photo).
   * @param {number} id @param {Promise<Blob>} input @param {ReturnType<typeof submit>} job
   * @param {boolean} [again] this is the second try
   */
  async function cutOut(id, input, job, again = false) {
    const stale = () => id !== sending;
    const shown = () => !stale() && history.present.photo === id;
    retryable = null;
    try {
      const messages = await job;
      if (!messages || stale()) return;
      const matte = await receiveMatte(messages, (next) => { if (shown()) publish(next); }, stale);
      const shot = photos.get(id);
      if (!matte || !shot) return;
      [shot.matte, shot.matteFile] = [matte.picture, matte.file]; // also when an undo went back to an earlier photo: a redo shows it
      publish(shown() ? { kind: "done", text: "Done. Drag the text to place it, then download." } : status);
    } catch (err) {
      if (stale()) return;
      // No answer at all on a connection that was made (the upload or the stream failed): lost.
      // No connection made (ConnectError): the status says why, with Try again, and nothing was lost.
      const unreachable = err instanceof ConnectError;
      const lost = err instanceof JobError ? err.broken : !(err instanceof WrongAnswer) && !unreachable;
      if (lost && !again) {
        if (shown()) publish({ kind: "busy", text: "Lost the connection to the backend: reconnecting…" });
        if (await reconnect(stale)) return cutOut(id, input, submit(id, input), true);
      }
      if (stale()) return;
      if (lost || unreachable || (err instanceof JobError && err.busy)) retryable = { id, input };
      /** @type {Status} */
      const why = err instanceof JobError && !lost ? err.status
        : unreachable ? { kind: "error", text: `${reason(err)}. Try again sends the photo.` }
        : matteError(lost ? `lost the connection to the backend${again ? " (tried again once)" : ""}` : err);
      publish(shown() ? why : status);
    }
  }

  /** Connects again until the backend answers, for up to RECONNECT_FOR ms: false if it did not (or `stale()`). @param {() => boolean} stale */
  async function reconnect(stale) {
    const until = Date.now() + RECONNECT_FOR;
    while (!stale()) {
      connection = connect(loadGradio, url);
      try {
        await connection;
        return true;
      } catch {
        if (Date.now() > until) return false;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    return false;
  }

  /** @type {Editor["retry"]} */
  async function retry() {
    const failed = retryable;
    if (!failed || failed.id !== history.present.photo) return;
    sending = failed.id;
    publish({ kind: "busy", text: "Uploading…" });
    await cutOut(failed.id, failed.input, submit(failed.id, failed.input));
  }

  /** @type {Editor["pickAt"]} */
  function pickAt(xCss, yCss, displayedWidth) {
    gesture++;
    const id = layerAtClient(history.present, xCss, yCss, displayedWidth);
    if (id) selectLayerById(id);
    return id !== null; // a miss keeps the selection: dragging anywhere moves the selected text
  }

  /** @type {Editor["moveBy"]} */
  function moveBy(dxCss, dyCss, displayedWidth) {
    const { size, selected } = history.present;
    if (!size || !displayedWidth || !selected) return;
    const d = clientDeltaToImage(dxCss, dyCss, displayedWidth, size.width);
    edit((doc) => moveLayer(doc, selected, d.dx, d.dy), `drag:${gesture}`);
  }

  /** @type {Editor["handleKey"]} */
  function handleKey({ key, shiftKey }) {
    const { selected } = history.present;
    if (selected && (key === "Delete" || key === "Backspace")) return act("deleteLayer"), true;
    const d = nudge(history.present, key, shiftKey);
    if (!selected || !d) return false;
    edit((doc) => moveLayer(doc, selected, d.dx, d.dy), `nudge:${selected}`, MERGE_MS);
    return true;
  }

  /** Selecting is not an undo step: it changes what the controls edit, not the picture. @param {string} id */
  function selectLayerById(id) {
    const next = selectLayer(history.present, id);
    if (next === history.present) return;
    history.replace(next);
    history.seal();
    publish();
  }

  /** @type {Editor["act"]} */
  function act(action) {
    if (action === "undo" || action === "redo") {
      if (history[action]()) publish();
    } else {
      edit(LAYER_CHANGES[action]);
    }
  }

  /** @type {Editor["exportBlob"]} */
  async function exportBlob(options = exportOptions) {
    const { photo, size, layers, adjust } = history.present, shot = photos.get(photo);
    if (!shot || !size) throw new Error("No photo yet");
    // The text was placed on the screen's photo, which may be a reduced decode: the export
    // decodes the file in full.
    const fonts = [...new Map(layers.map((l) => {
      const face = fontSource(l.fontFamily, l.fontWeight, fontUrl);
      return [`${face.family}|${face.weight}`, face];
    })).values()];
    return encodeExport({ photo: shot.file, matte: shot.matte, layers, placedOn: size, adjust, options, fonts });
  }

  /** @type {Editor["download"]} */
  async function download(filename) {
    const options = exportOptions, { label } = exportFormat(options.format);
    setStatus("busy", `Encoding ${label}…`);
    try {
      const name = filename ?? exportFileName(options);
      saveBlob(await exportBlob(options), name);
      setStatus("done", `Saved ${name}.`);
    } catch (err) {
      setStatus("error", `Export failed: ${reason(err)}.`);
    }
  }

  /** @type {Editor["adjustPhoto"]} */
  function adjustPhotoSetting(key, value) {
    edit((doc) => adjustPhoto(doc, { [key]: value }), `adjust:${key}`, MERGE_MS);
  }

  /** @type {Editor["setExport"]} */
  function setExport(key, value) {
    if (exportOptions[key] === value) return;
    exportOptions = { ...exportOptions, [key]: value };
    publish();
  }

  // ---- Keeping the work (the formats and IndexedDB are persistence.js's): restored once,
  // at creation, then saved a moment after each change (publish calls autosave.update).

  /** The fonts of layers that arrived at once (the default text, a restore, a project file): drawn once loaded. @param {readonly Layer[]} layers */
  function loadFonts(layers) {
    const loads = layers.map((l) => loadFont(l.fontFamily, l.fontWeight).catch(() => {})); // else the fallback font
    Promise.all(loads).then(() => { fonts++; publish(); });
  }
  /** The browser's copy is unusable: cleared, so the next reload starts clean. @param {unknown} err */
  function discard(err) {
    storage?.clear().catch(() => {});
    setStatus("error", `The work kept in this browser could not be restored, so it was cleared (${reason(err)}).`);
  }
  /** Reads the browser's copy back, then starts saving. */
  async function restore() {
    if (!storage) return;
    /** @type {Work | null} */
    let work = null, restored = false;
    try {
      work = await storage.load();
      restored = work !== null && await reopen(work);
      if (work && !restored) await storage.clear(); // the user started meanwhile: theirs is kept
    } catch (err) {
      if (!(err instanceof FormatError)) return setStatus("error", storageError(err)); // no IndexedDB here (some private modes): nothing is kept
      discard(err); // damaged, or an older format
    }
    autosave = createAutosave(storage, { onError: (err) => setStatus("error", storageError(err)) });
    // What was just read back is what the storage holds: not written again.
    if (restored && !work?.legacy) autosave.stored(history.entries(), history.at, keptPhoto);
    if (typeof addEventListener === "function") addEventListener("pagehide", () => autosave?.flush());
    publish(); // saves what changed meanwhile
  }
  /**
   * Shows the work kept, with its undo history, unless the user has started meanwhile (false).
   * @param {Work} work
   */
  async function reopen({ steps, at, images }) {
    const untouched = () => !latestUpload && !history.canUndo;
    /** @type {[string, ImageBitmap, ImageBitmap | null, Images][]} */
    let decoded;
    try {
      decoded = await Promise.all([...images].map(async ([key, files]) => /** @type {const} */ (
        [key, await decodeForScreen(files.photo), files.matte && await createImageBitmap(files.matte), files])));
    } catch {
      throw new FormatError("a photo could not be read");
    }
    if (!untouched()) return false;
    /** @type {Map<string, number>} */
    const ids = new Map();
    for (const [key, picture, matte, { photo: file, matte: matteFile }] of decoded) {
      ids.set(key, ++latestUpload);
      photos.set(latestUpload, { key, picture, matte, file, matteFile });
    }
    // Each step on its photo as decoded now (the layers keep their place on the picture).
    const docs = steps.map(({ project, photo }) => {
      const id = photo === null ? 0 : /** @type {number} */ (ids.get(photo));
      const shot = photos.get(id);
      return withProject({ ...createDoc(), photo: id, size: shot ? imageSize(shot.picture) : null }, project);
    });
    history.reset(docs, at);
    loadFonts(docs.flatMap((d) => d.layers));
    const shot = photos.get(history.present.photo);
    if (!shot) publish();
    else if (shot.matte) publish({ kind: "done", text: "Restored your last picture." });
    else {
      retryable = { id: history.present.photo, input: modelInput(shot.file, shot.picture) };
      publish({ kind: "info", text: "Restored your last picture, but not its cut-out (it had not arrived): Try again sends the photo." });
    }
    return true;
  }
  loadFonts(history.present.layers); // the default text's font
  restore();

  /**
   * New asks nothing and is one undo step, like any other change: Undo brings the
   * last picture back within this session. The browser's copy is emptied at once
   * (not a moment later), so a reload right after New shows the empty editor.
   * @type {Editor["newWork"]}
   */
  function newWork() {
    edit(() => createDoc());
    setStatus("info", "New picture. Upload a photo to start (Undo brings the last one back).");
    autosave?.flush();
  }

  /** @type {Editor["saveProject"]} */
  function saveProject() {
    saveBlob(new Blob([projectJson(history.present)], { type: "application/json" }), PROJECT_FILENAME);
    setStatus("info", `Saved the layers and the photo adjustments to ${PROJECT_FILENAME} (the photo is not in it).`);
  }

  /** @type {Editor["openProject"]} */
  async function openProject(file) {
    try {
      const project = await readProjectFile(file);
      edit((doc) => withProject(doc, project));
      loadFonts(project.layers);
      const n = project.layers.length;
      setStatus("info", `Opened a project of ${n} text layer${n === 1 ? "" : "s"}.`);
    } catch (err) {
      setStatus("error", err instanceof FormatError ? err.message : `Could not read this file: ${reason(err)}.`);
    }
  }

  /** @param {Action | null} action */
  const run = (action) => (action ? (act(action), true) : false);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    getSnapshot: () => snapshot,
    set, loadFile, pickAt, moveBy, handleKey, act, exportBlob, download, retry,
    adjustPhoto: adjustPhotoSetting, setExport,
    newWork, saveProject, openProject,
    selectLayer: selectLayerById,
    handleShortcut: (event) => run(historyShortcut(event)),
    handleListKey: ({ key }) => {
      const id = listKeyTarget(history.present, key);
      if (id) selectLayerById(id);
      return id !== null;
    },
    renderLayers: (layers, cssSize, dpr) => preview(layers, snapshot, fonts, cssSize, dpr),
  };
}

/**
 * Reads the answer of a /matte job: passes its status messages on, then fetches
 * and decodes the matte. Null when `stale()` turns true (a newer photo replaced
 * this one); throws JobError when the backend reported an error, WrongAnswer when
 * the matte is missing, and the fetch's own error when the connection failed.
 * The PNG comes too, for the browser's copy of the work.
 * @param {AsyncIterable<GradioMessage>} messages @param {(status: Status) => void} onStatus
 * @param {() => boolean} stale @returns {Promise<{ picture: Picture, file: Blob } | null>}
 */
async function receiveMatte(messages, onStatus, stale) {
  /** @type {unknown} */
  let result = null;
  for await (const msg of messages) {
    if (stale()) return null; // a newer photo replaced this one
    if (msg.type === "data") {
      result = Array.isArray(msg.data) ? msg.data[0] : null;
      break;
    }
    if (msg.type !== "status") continue;
    if (msg.stage === "error") throw new JobError(msg);
    const next = statusFromMessage(msg);
    if (next) onStatus(next);
  }
  const matteUrl = result && typeof result === "object" && "url" in result ? String(result.url) : "";
  if (!matteUrl) throw new WrongAnswer("The backend returned no matte");
  const response = await fetch(matteUrl);
  if (!response.ok) throw new WrongAnswer(`HTTP ${response.status} fetching the matte`);
  const file = await response.blob();
  const picture = await createImageBitmap(file);
  return stale() ? null : { picture, file };
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
 * subject, the subject, the texts in front and the selected one's outline), each redrawn only when what it
 * shows, or the canvas size, changes: editing a text redraws only the text
 * canvases, a status message none.
 */
function createPreview() {
  /** @type {WeakMap<AnyCanvas, unknown[]>} */
  const drawn = new WeakMap();
  /** @param {Layers} canvases @param {Snapshot} snapshot @param {number} fonts @param {Size} cssSize @param {number} [dpr] */
  return (canvases, { photo, matte, layers, selected, photoSize, adjust }, fonts, cssSize, dpr = 1) => {
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
    // The texts in front, then the outline of the selected one (the preview's alone).
    const chosen = layers.find((l) => l.id === selected);
    const front = (/** @type {Ctx2D} */ ctx) => {
      drawTexts(ctx, layersOn(layers, true), size, scale);
      if (chosen) drawSelection(ctx, chosen, size, scale, dpr);
    };
    const { front: frontCanvas } = canvases;
    paint(canvases.subject, frontCanvas ? [photo, matte] : [photo, matte, layers, selected, fonts], (ctx) => {
      if (matte) drawSubject(ctx, pic, matte, scale);
      if (!frontCanvas) front(ctx);
    });
    if (frontCanvas) paint(frontCanvas, [photo, layers, selected, fonts], front);
  };
}

/**
 * Decodes a photo for the screen, upright (EXIF applied, as the backend does). A
 * 12 MP JPEG takes ~150 ms in full, much less at 1/8 ... 7/8 of its size, which
 * WebCodecs' ImageDecoder picks when asked for a smaller box: at least twice the
 * model's size, at most what the screen shows (the export decodes the file in
 * full, in its worker). Other formats, or no ImageDecoder: decoded in full.
 * @param {Blob} file @returns {Promise<ImageBitmap>}
 */
export async function decodeForScreen(file) {
  if (file.type === "image/jpeg" && typeof ImageDecoder !== "undefined") {
    const box = Math.max(2 * MODEL_MAX_SIDE, Math.ceil(Math.max(screen.width, screen.height) * devicePixelRatio));
    const decoder = new ImageDecoder({ data: file.stream(), type: file.type, desiredWidth: box, desiredHeight: box });
    try {
      const { image } = await decoder.decode();
      try {
        return await createImageBitmap(image); // upright: the frame carries the EXIF orientation
      } finally {
        image.close();
      }
    } catch {
      // Not a JPEG after all (the type comes from the file name): decoded below.
    } finally {
      decoder.close();
    }
  }
  return createImageBitmap(file, { imageOrientation: "from-image" });
}

/**
 * What goes to the backend: the file itself, or a JPEG downscaled to the
 * model's size when the photo is bigger (a 12 MP photo would be ~5 MB).
 * @param {Blob} file @param {Picture} photo its decoded pixels (a reduced decode of a
 * bigger photo is still bigger than the model's size) @returns {Promise<Blob>}
 */
export async function modelInput(file, photo) {
  const { width, height } = imageSize(photo);
  if (Math.max(width, height) <= MODEL_MAX_SIDE) return file;
  const fit = fitWithin(width, height, MODEL_MAX_SIDE);
  const c = makeCanvas(fit.width, fit.height);
  context2d(c).drawImage(photo, 0, 0, fit.width, fit.height);
  const blob = await canvasToBlob(c, "image/jpeg", 0.92);
  return typeof File === "undefined" ? blob : new File([blob], "photo.jpg", { type: "image/jpeg" });
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
