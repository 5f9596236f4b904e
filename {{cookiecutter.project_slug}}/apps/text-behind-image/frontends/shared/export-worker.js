// @ts-check
// The export, off the main thread: draws the picture on an OffscreenCanvas and
// encodes it (export.js sends the job, this answers with the file). Plain ES
// module: the vanilla page loads it as is, Vite bundles it for React/Svelte.

import { encodeJob } from "./export.js";

/** @import { ExportJob } from "./export.js" */

self.addEventListener("message", async (/** @type {MessageEvent<{ id: number, job: ExportJob }>} */ { data: { id, job } }) => {
  try {
    self.postMessage({ id, blob: await encodeJob(job) });
  } catch (err) {
    self.postMessage({ id, error: String((err instanceof Error && err.message) || err) });
  }
});
