// @ts-check
// The editor's controller: everything a frontend needs besides its markup.
//
// It owns the photo, the matte, the text State and the status line, and talks
// to the backend. A frontend only renders the controls (controls.js), forwards
// events (set, loadFile, moveBy, handleKey, download) and redraws on change:
//
//   const editor = createEditor({ loadGradio: () => import("@gradio/client") });
//   editor.subscribe(() => redraw(editor.getSnapshot()));
//
// The pattern is a small external store: every change replaces the snapshot
// object, so React can use `useSyncExternalStore(editor.subscribe,
// editor.getSnapshot)`, Svelte a `readable`, and vanilla JS a plain callback.

import {
  DEFAULT_STATE, canvasToBlob, clientDeltaToImage, context2d, createState, drawPhoto,
  drawSubject, drawText, fitWithin, fontById, imageSize, loadFont, makeCanvas, renderExport,
} from "./editor-core.js";

/** @typedef {import("./editor-core.js").State} State */
/** @typedef {import("./editor-core.js").Picture} Picture */
/** @typedef {import("./editor-core.js").AnyCanvas} AnyCanvas */
/** @typedef {import("./editor-core.js").Size} Size */
/**
 * The status line. `busy` while waiting for the backend, `done` once the matte
 * is in, `error` for anything the user should read (style.css colours them).
 * @typedef {{text: string, kind: "info" | "busy" | "done" | "error"}} Status
 */
/**
 * What a frontend renders. Immutable: a new object after every change.
 * @typedef {object} Snapshot
 * @property {Picture | null} photo  the photo for the screen, EXIF orientation applied; a big
 *                                   JPEG is decoded at a reduced size (see decodeForScreen)
 * @property {Picture | null} matte  its matte (alpha = subject), once the backend answered
 * @property {Size | null} photoSize the size of `photo`, the unit of the text position
 * @property {State} state           the text settings
 * @property {Status} status
 */
/**
 * The parts of the Gradio JS client (npm: gradio/client) the editor uses; the
 * real module fits this type.
 * @typedef {{submit(endpoint: string, data: Record<string, unknown>): AsyncIterable<GradioMessage>}} GradioClient
 * @typedef {{Client: { connect(url: string, options?: { events?: ("data" | "status")[], record_history?: boolean }): Promise<GradioClient> }, handle_file(file: Blob): unknown}} GradioModule
 */
/**
 * A message of `client.submit(...)`: `status` (queue position, running, error)
 * or `data` (the result; `data[0].url` is the matte PNG).
 * @typedef {object} GradioMessage
 * @property {string} type
 * @property {string} [stage]          "pending" | "generating" | "error" | "complete" ...
 * @property {number | null} [position] place in the queue, 0-based
 * @property {number | null} [size]     queue length
 * @property {string} [original_msg]    "process_starts" once the job runs
 * @property {unknown} [message]        the error text, for stage "error"
 * @property {unknown} [data]           the outputs, for type "data"
 */
/**
 * @typedef {object} EditorOptions
 * @property {() => Promise<GradioModule>} loadGradio  imports the Gradio JS client, lazily (see createEditor)
 * @property {string} [url]       the Gradio server; default: the page's own directory
 * @property {string} [endpoint]  default "/matte"
 */
/** The three stacked layer canvases of the preview. @typedef {{photo: AnyCanvas, text: AnyCanvas, subject: AnyCanvas}} Layers */
/**
 * @typedef {object} Editor
 * @property {(listener: () => void) => () => void} subscribe  returns the unsubscribe function
 * @property {() => Snapshot} getSnapshot
 * @property {<K extends keyof State>(key: K, value: State[K]) => Promise<void>} set  change one setting; resolves once applied (web fonts: once loaded, or reverted)
 * @property {(file: Blob) => Promise<void>} loadFile  show a photo and fetch its matte
 * @property {(dxCss: number, dyCss: number, displayedWidth: number) => void} moveBy  move the text by a pointer delta
 * @property {(event: { key: string, shiftKey?: boolean }) => boolean} handleKey  arrow keys move the text; true if handled (then preventDefault)
 * @property {(layers: Layers, cssSize: Size, dpr?: number) => void} renderLayers  size and draw the preview canvases
 * @property {() => Promise<Blob>} exportBlob  the full-resolution PNG
 * @property {(filename?: string) => Promise<void>} download  save it (browser only); errors go to the status
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
  if (msg.stage === "error") return matteError(errorText(msg.message));
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

/** @param {unknown} message */
function errorText(message) {
  if (Array.isArray(message)) {
    return message.map((m) => (m && typeof m === "object" && "message" in m ? String(m.message) : JSON.stringify(m))).join("; ");
  }
  return message ? String(message) : "Unknown error";
}

/** @param {EditorOptions} options @returns {Editor} */
export function createEditor({ loadGradio, url, endpoint = "/matte" }) {
  /** @type {Snapshot} */
  let snapshot = Object.freeze({
    photo: null, matte: null, photoSize: null,
    state: { ...DEFAULT_STATE }, status: { kind: "info", text: "Connecting…" },
  });
  /** @type {Set<() => void>} */
  const listeners = new Set();
  let latestUpload = 0; // bumps on each file: a slower, older decode is dropped
  let shownPhoto = 0; // the upload whose photo is shown: only its matte is accepted
  /** @type {(() => Promise<Picture>) | null} */
  let shownInFull = null; // its full-size picture, for the export (see decodeForScreen)

  /** @param {Partial<Snapshot>} change */
  function update(change) {
    snapshot = Object.freeze({ ...snapshot, ...change });
    for (const listener of [...listeners]) listener();
  }
  /** @param {Status["kind"]} kind @param {string} text */
  const setStatus = (kind, text) => update({ status: { kind, text } });

  // Connect once, at creation. The client is imported lazily: the vanilla page
  // gets it from a CDN and the bundled frontends get their own chunk, so the
  // editor is usable at once, and still works (without cut-outs) if the import
  // or the backend fails. Going through @gradio/client, rather than fetch, is
  // what makes ZeroGPU Spaces work: it joins Gradio's queue and forwards the
  // Hugging Face headers that bill GPU time to the visitor, not to the Space.
  const connection = loadGradio().then(async (gradio) => {
    const base = url ?? (typeof location !== "undefined" ? new URL("./", location.href).href : "");
    // record_history: false, as the client would otherwise keep every call in localStorage.
    const client = await gradio.Client.connect(base, { events: ["data", "status"], record_history: false });
    return { client, handle_file: gradio.handle_file };
  });
  connection.then(
    () => { if (!latestUpload) setStatus("info", READY); },
    (err) => setStatus("error", `Could not connect to the backend: ${reason(err)}. You can still add text and download.`),
  );

  /** @type {Editor["set"]} */
  async function set(key, value) {
    const before = snapshot.state;
    update({ state: { ...before, [key]: value } });
    if (key !== "fontFamily" && key !== "fontWeight") return;
    // Web fonts download on first use. Until then the canvas draws the
    // fallback; once loaded, a new snapshot makes the frontend redraw.
    const { fontFamily, fontWeight } = snapshot.state;
    try {
      await loadFont(fontFamily, fontWeight);
      update({ state: { ...snapshot.state } }); // a new state object: the text layer is redrawn
    } catch {
      const now = snapshot.state;
      if (now.fontFamily !== fontFamily || now.fontWeight !== fontWeight) return; // changed again meanwhile
      update({
        state: { ...now, fontFamily: before.fontFamily, fontWeight: before.fontWeight },
        status: { kind: "error", text: `Could not load the font "${fontById(fontFamily).label}"; keeping the previous font.` },
      });
    }
  }

  /** @type {Editor["loadFile"]} */
  async function loadFile(file) {
    const id = ++latestUpload;
    /** @type {ImageBitmap} */
    let photo;
    /** @type {() => Promise<Picture>} */
    let inFull;
    try {
      ({ photo, inFull } = await decodeForScreen(file));
    } catch {
      setStatus("error", "Could not read this file as an image. Try a JPEG, PNG or WebP photo.");
      return; // the previous photo, if any, stays editable
    }
    // The model's input first (a JPEG of 1024 px, tens of milliseconds), then the
    // preview: the upload is under way while the main thread draws the photo.
    const input = modelInput(file, photo);
    await input.catch(() => {}); // a failure is reported below, where it is awaited
    if (id !== latestUpload) return;
    shownPhoto = id;
    shownInFull = inFull;
    /** @type {Promise<AsyncIterable<GradioMessage> | null>} */
    const job = input.then(async (blob) => {
      const { client, handle_file } = await connection;
      if (id !== shownPhoto) return null; // a newer photo came while connecting: send nothing
      return client.submit(endpoint, { image_path: handle_file(blob) });
    });
    job.catch(() => {});
    const size = imageSize(photo);
    // Keep the text settings, centre the text on the new photo.
    const { x, y } = createState(size);
    update({
      photo, matte: null, photoSize: size, state: { ...snapshot.state, x, y },
      status: { kind: "busy", text: "Uploading…" },
    });
    try {
      const messages = await job;
      if (!messages || id !== shownPhoto) return;
      /** @type {unknown} */
      let result = null;
      for await (const msg of messages) {
        if (id !== shownPhoto) return; // a newer photo replaced this one
        if (msg.type === "data") {
          result = Array.isArray(msg.data) ? msg.data[0] : null;
          break;
        }
        if (msg.type !== "status") continue;
        const status = statusFromMessage(msg);
        if (status) update({ status });
        if (status?.kind === "error") return;
      }
      const matteUrl = result && typeof result === "object" && "url" in result ? String(result.url) : "";
      if (!matteUrl) throw new Error("The backend returned no matte");
      const response = await fetch(matteUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status} fetching the matte`);
      const matte = await createImageBitmap(await response.blob());
      if (id !== shownPhoto) return;
      update({ matte, status: { kind: "done", text: "Done. Drag the text to place it, then download." } });
    } catch (err) {
      if (id === shownPhoto) update({ status: matteError(err) });
    }
  }

  /** @type {Editor["moveBy"]} */
  function moveBy(dxCss, dyCss, displayedWidth) {
    const { photoSize, state } = snapshot;
    if (!photoSize || !displayedWidth) return;
    const d = clientDeltaToImage(dxCss, dyCss, displayedWidth, photoSize.width);
    update({ state: { ...state, x: state.x + d.dx, y: state.y + d.dy } });
  }

  /** @type {Record<string, [number, number]>} */
  const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  /** @type {Editor["handleKey"]} */
  function handleKey({ key, shiftKey }) {
    const { photoSize, state } = snapshot;
    const dir = ARROWS[key];
    if (!photoSize || !dir) return false;
    const step = (shiftKey ? 0.05 : 0.01) * photoSize.width; // 1% (or 5%) of the photo per press
    update({ state: { ...state, x: state.x + dir[0] * step, y: state.y + dir[1] * step } });
    return true;
  }

  // The preview is three stacked canvases: photo, text, subject. Each is redrawn
  // only when what it shows, or the canvas size, changes: editing the text
  // redraws only the middle one, a status message none.
  /** @type {WeakMap<AnyCanvas, { picture: Picture | null, extra: unknown }>} */
  const drawn = new WeakMap();
  /** @type {Editor["renderLayers"]} */
  function renderLayers(layers, cssSize, dpr = 1) {
    const { photo, matte, state, photoSize } = snapshot;
    const width = Math.max(1, Math.round(cssSize.width * dpr)); // backing store = CSS size x DPR: sharp on HiDPI
    const height = Math.max(1, Math.round(cssSize.height * dpr));
    const scale = photoSize ? width / photoSize.width : 1; // canvas pixels per image pixel
    /** @param {AnyCanvas} canvas @param {unknown} extra @param {(ctx: import("./editor-core.js").Ctx2D) => void} draw */
    const layer = (canvas, extra, draw) => {
      const resized = canvas.width !== width || canvas.height !== height;
      const last = drawn.get(canvas);
      if (!resized && last && last.picture === photo && last.extra === extra) return;
      if (resized) { canvas.width = width; canvas.height = height; } // also clears it
      const ctx = context2d(canvas);
      ctx.clearRect(0, 0, width, height);
      if (photo) draw(ctx);
      drawn.set(canvas, { picture: photo, extra });
    };
    layer(layers.photo, null, (ctx) => drawPhoto(ctx, /** @type {Picture} */ (photo), scale));
    layer(layers.text, state, (ctx) => drawText(ctx, state, /** @type {Size} */ (photoSize), scale));
    // The matte is smaller than the photo (long side <= 1024) with the same
    // aspect ratio, so drawSubject stretches it over the photo at any scale.
    layer(layers.subject, matte, (ctx) => { if (matte) drawSubject(ctx, /** @type {Picture} */ (photo), matte, scale); });
  }

  /** @type {Editor["exportBlob"]} */
  async function exportBlob() {
    const { photoSize, matte, state } = snapshot;
    if (!shownInFull || !photoSize) throw new Error("No photo yet");
    // The text was placed on the screen's photo, which may be a reduced decode.
    return canvasToBlob(renderExport(await shownInFull(), matte, state, photoSize), "image/png");
  }

  /** @type {Editor["download"]} */
  async function download(filename = "text-behind-image.png") {
    try {
      const href = URL.createObjectURL(await exportBlob());
      const a = Object.assign(document.createElement("a"), { href, download: filename });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (err) {
      setStatus("error", `Export failed: ${reason(err)}.`);
    }
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    getSnapshot: () => snapshot,
    set, loadFile, moveBy, handleKey, renderLayers, exportBlob, download,
  };
}

/**
 * Decodes a photo for the screen, upright (EXIF orientation applied, as the
 * backend does). Decoding a 12 MP JPEG in full takes ~150 ms here, but a JPEG
 * can also be decoded at 1/8 ... 7/8 of its size, for much less: WebCodecs'
 * ImageDecoder does that when asked for a smaller size, picking the largest
 * scale that fits the box. The box is no smaller than twice the model's size, so
 * the picture is still bigger than what the model needs, and no bigger than the
 * screen can show; `inFull` decodes the file in full, for the export. Other
 * formats, and browsers without ImageDecoder, are decoded in full at once.
 * @param {Blob} file @returns {Promise<{photo: ImageBitmap, inFull: () => Promise<Picture>}>}
 */
export async function decodeForScreen(file) {
  if (file.type === "image/jpeg" && typeof ImageDecoder !== "undefined") {
    const box = Math.max(2 * MODEL_MAX_SIDE, Math.ceil(Math.max(screen.width, screen.height) * devicePixelRatio));
    const decoder = new ImageDecoder({ data: file.stream(), type: file.type, desiredWidth: box, desiredHeight: box });
    try {
      const { image } = await decoder.decode();
      try {
        const photo = await createImageBitmap(image); // upright: the frame carries the EXIF orientation
        return { photo, inFull: () => createImageBitmap(file, { imageOrientation: "from-image" }) };
      } finally {
        image.close();
      }
    } catch {
      // Not a JPEG after all (the type comes from the file name): decoded below.
    } finally {
      decoder.close();
    }
  }
  const photo = await createImageBitmap(file, { imageOrientation: "from-image" });
  return { photo, inFull: async () => photo };
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
