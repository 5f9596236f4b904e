// @ts-check
// The backend job: connecting to the Gradio app, sending a photo to its /matte
// endpoint, following the job in the queue and fetching the matte; and what
// happens when that fails. The editor (editor.js) decides what the page shows;
// this module only talks to the backend:
//
//   const backend = createBackend({ loadGradio: () => import("@gradio/client") });
//   const matte = await backend.cutOut(input, { stale, onStatus }); // or throws CutOutError
//
// Failures are of four kinds, each with its own answer: the app refused the
// photo (said so; trying again would not help), its queue is full, the backend
// cannot be reached (both: Try again, the same photo), and a connection lost
// midway (tried again once by itself, as soon as the backend answers again).

/** @import { Picture } from "./editor-core.js" */
/** @import { Status } from "./editor.js" */
/**
 * The parts of the Gradio JS client (npm: @gradio/client) the editor uses; the
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
 * @typedef {object} BackendOptions
 * @property {() => Promise<GradioModule>} loadGradio  imports the Gradio JS client, lazily (see connect)
 * @property {string} [url]       the Gradio server; default: the page's own directory
 * @property {string} [endpoint]  default "/matte"
 */
/**
 * One job's bookkeeping, from the editor: `stale()` turns true once a newer photo replaced
 * this one (its answer is dropped), `onStatus` hears the queue position and progress.
 * @typedef {{ stale: () => boolean, onStatus: (status: Status) => void }} Job
 */
/** A matte as it arrived: decoded, and its PNG (for the browser's copy of the work). @typedef {{ picture: Picture, file: Blob }} Matte */

const RECONNECT_FOR = 20_000; // ms: how long a lost backend is waited for (a restart takes seconds)

/** An error's message, without its full stop (a sentence goes around it). @param {unknown} err */
export const reason = (err) => String((err instanceof Error && err.message) || err || "unknown error").replace(/\.$/, "");

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

/** @param {unknown} message */
function errorText(message) {
  if (Array.isArray(message)) {
    return message.map((m) => (m && typeof m === "object" && "message" in m ? String(m.message) : JSON.stringify(m))).join("; ");
  }
  return message ? String(message) : "Unknown error";
}

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

/** No connection was made: the client could not be loaded, or the backend not reached (the message says which). */
class ConnectError extends Error {}

/** A cut-out that failed: the status line that says why, and whether Try again may help. */
export class CutOutError extends Error {
  /** @param {Status} status @param {boolean} retryable */
  constructor(status, retryable) {
    super(status.text);
    this.status = status;
    this.retryable = retryable;
  }
}

/**
 * Connects to the backend. The client is imported lazily (a file the app serves
 * for vanilla, a chunk of its own when bundled): the editor works at once, and
 * without cut-outs if the import or the backend fails. @gradio/client, not fetch,
 * is what makes ZeroGPU work: it joins Gradio's queue and forwards the Hugging
 * Face headers that bill GPU time to the visitor, not to the Space.
 * @param {BackendOptions["loadGradio"]} loadGradio @param {string} [url]
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

/**
 * The backend, connected at once (the connection is made while the user picks a photo).
 * `ready` settles with the first connection: the editor's status line says how it went.
 * @param {BackendOptions} options
 */
export function createBackend({ loadGradio, url, endpoint = "/matte" }) {
  let connection = connect(loadGradio, url); // now, and again after a lost connection
  const ready = connection.then(() => {});
  /** The connection; if the last try failed, a new one (the backend may be up by now). */
  const connected = () => (connection = connection.catch(() => connect(loadGradio, url)));

  /** Sends a photo: the job's messages, or null when another photo came first. @param {Promise<Blob>} input @param {Job["stale"]} stale */
  function submit(input, stale) {
    const job = input.then(async (blob) => {
      const { client, handle_file } = await connected();
      if (stale()) return null; // another photo came while connecting: send nothing
      return client.submit(endpoint, { image_path: handle_file(blob) });
    });
    job.catch(() => {}); // awaited in cutOut
    return job;
  }

  /** Connects again until the backend answers, for up to RECONNECT_FOR ms: false if it did not (or `stale()`). @param {Job["stale"]} stale */
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

  /**
   * A photo's matte: sends the model's input (the upload starts at once) and waits for the
   * answer. Null once `stale()`; a CutOutError when it failed. A lost connection (a backend
   * restarting, say) is tried again once, as soon as the backend answers.
   * @param {Promise<Blob>} input @param {Job} job @returns {Promise<Matte | null>}
   */
  async function cutOut(input, { stale, onStatus }, again = false) {
    try {
      const messages = await submit(input, stale);
      if (!messages || stale()) return null;
      return await receiveMatte(messages, onStatus, stale);
    } catch (err) {
      if (stale()) return null;
      // No answer at all on a connection that was made (the upload or the stream failed): lost.
      // No connection made (ConnectError): the status says why, with Try again, and nothing was lost.
      const unreachable = err instanceof ConnectError;
      const lost = err instanceof JobError ? err.broken : !(err instanceof WrongAnswer) && !unreachable;
      if (lost && !again) {
        onStatus({ kind: "busy", text: "Lost the connection to the backend: reconnecting…" });
        if (await reconnect(stale)) return cutOut(input, { stale, onStatus }, true);
      }
      if (stale()) return null;
      /** @type {Status} */
      const why = err instanceof JobError && !lost ? err.status
        : unreachable ? { kind: "error", text: `${reason(err)}. Try again sends the photo.` }
        : matteError(lost ? `lost the connection to the backend${again ? " (tried again once)" : ""}` : err);
      throw new CutOutError(why, lost || unreachable || (err instanceof JobError && err.busy));
    }
  }

  return { ready, cutOut };
}

/** @typedef {ReturnType<typeof createBackend>} Backend */

/**
 * Reads the answer of a /matte job: passes its status messages on, then fetches
 * and decodes the matte. Null when `stale()` turns true (a newer photo replaced
 * this one); throws JobError when the backend reported an error, WrongAnswer when
 * the matte is missing, and the fetch's own error when the connection failed.
 * @param {AsyncIterable<GradioMessage>} messages @param {Job["onStatus"]} onStatus
 * @param {Job["stale"]} stale @returns {Promise<Matte | null>}
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
