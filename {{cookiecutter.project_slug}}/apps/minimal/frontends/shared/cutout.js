// @ts-check
// What the page asks of the app, and what it tells the person: sends a photo to the
// /remove_background endpoint through the Gradio client, turns the client's status messages
// into the status line, and names the download. No page in here, so `npm test` tests it.

/**
 * The status line: its text, and its kind (the element's data-kind, which the style colours).
 * @typedef {{ kind: "busy" | "done" | "error", text: string }} Status
 */
/**
 * A message of `client.submit(...)`: a "status" (`stage` "pending", "generating", "error" ...;
 * `position`, 0-based, of `size` while queued; `original_msg` "process_starts" once it runs;
 * `message` for an error) or the "data" (`data[0]`: the result file, with its `url`).
 * @typedef {{ type: string, stage?: string, position?: number | null, size?: number | null,
 *   original_msg?: string, message?: unknown, data?: unknown }} Message
 */
/**
 * The part of the Gradio JS client (npm: @gradio/client) used here; its Client fits this type.
 * `config` is the app's, as the client read it when it connected.
 * @typedef {{ config?: { max_file_size?: number | null },
 *   submit(endpoint: string, data: Record<string, unknown>): AsyncIterable<Message> }} GradioClient
 */

/** @type {Status} */ export const CONNECTING = { kind: "busy", text: "Connecting…" };
/** @type {Status} */ export const READY = { kind: "done", text: "Ready: choose a photo." };
/** @type {Status} */ export const SENDING = { kind: "busy", text: "Sending the photo…" };
/** @type {Status} */ export const DONE = { kind: "done", text: "Done: download the PNG, or choose another photo." };

/**
 * The address of the app that served the page: the page's own folder, so that behind a proxy's
 * path prefix (/apps/x/) the client talks to /apps/x/gradio_api/..., not to /gradio_api/...
 * @param {string} pageUrl  location.href
 */
export const appUrl = (pageUrl) => new URL("./", pageUrl).href;

/**
 * A connection that failed, said for the person: `Client.connect(...).catch(unreachable)`.
 * @param {unknown} error @returns {never}
 */
export function unreachable(error) {
  const why = error instanceof Error ? error.message : String(error);
  throw new Error(`Could not reach the app (${why}). Reload the page to try again.`);
}

/** The status line for a status message of the client, or null when it says nothing new. @param {Message} msg @returns {Status | null} */
export function statusOf(msg) {
  if (msg.stage === "error") return failed(msg.message);
  // "process_starts" comes with stage "pending": the call has left the queue and runs.
  if (msg.stage === "generating" || msg.original_msg === "process_starts") return { kind: "busy", text: "Cutting out…" };
  if (msg.stage === "pending" && msg.position != null && msg.size) {
    return { kind: "busy", text: `Waiting in queue: position ${msg.position + 1} of ${msg.size}` };
  }
  return null;
}

/** An error as the status line says it: the server's own message (a gr.Error's). @param {unknown} error @returns {Status} */
export function failed(error) {
  const text = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  return { kind: "error", text: text || "Something went wrong: choose the photo again." };
}

/** The download's name: the photo's, its extension replaced. @param {string} photoName */
export const downloadName = (photoName) => `${photoName.replace(/\.[^.]*$/, "") || "photo"}-cutout.png`;

/** @param {number} bytes */
const megabytes = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/**
 * Sends a photo to /remove_background and follows it through the app's queue: `onStatus`
 * hears where it is. Returns the URL of the cut-out (a PNG the app serves, at the photo's full
 * size); throws an Error with the server's message when the call fails.
 * @param {GradioClient} client  connected with events ["data", "status"], or no statuses come
 * @param {(file: Blob) => unknown} handleFile  the client's handle_file (it uploads the file)
 * @param {Blob} photo
 * @param {(status: Status) => void} onStatus
 * @returns {Promise<string>}
 */
export async function cutOut(client, handleFile, photo, onStatus) {
  // The app refuses a bigger upload (HTTP 413), and the client then reports only "An error
  // occurred": so the page says it first, with the app's own limit.
  const limit = client.config?.max_file_size;
  if (limit && photo.size > limit) {
    throw new Error(`This photo is ${megabytes(photo.size)}; the app takes photos of up to ${megabytes(limit)}. Choose a smaller one.`);
  }
  onStatus(SENDING);
  for await (const msg of client.submit("/remove_background", { image_path: handleFile(photo) })) {
    if (msg.type === "data") {
      const [file] = /** @type {{ url?: string }[]} */ (msg.data);
      if (file?.url) return file.url;
      throw new Error("The app answered without a picture.");
    }
    const status = msg.type === "status" ? statusOf(msg) : null;
    if (status?.kind === "error") throw new Error(status.text);
    if (status) onStatus(status);
  }
  throw new Error("The connection to the app ended before its answer: choose the photo again.");
}

/**
 * Downloads the cut-out as `name`. The app serves its file under a temporary name (in its
 * Content-Disposition header), which would win over a link's `download` attribute: so the page
 * fetches the PNG and hands it to the browser from memory, named after the photo.
 * @param {string} url  the cut-out's, as cutOut returned it
 * @param {string} name
 */
export async function savePng(url, name) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`Could not download the cut-out (HTTP ${response.status}): choose the photo again.`);
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href)); // the download has its copy by then
}
