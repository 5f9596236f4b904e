// @ts-check
// The page: a person chooses a photo, the app cuts out its subject, the page shows it on a
// checkerboard and offers it as a PNG. The Gradio JS client does the talking (the upload, the
// queue, the answer); cutout.js says what to show. Plain ES modules: no build step.
import { DONE, READY, appUrl, cutOut, downloadName, failed, savePng, unreachable } from "./cutout.js";

/** @import { Status } from "./cutout.js" */

// The client as the app serves it, from static/vendor/ (vendor.py put it there, at the version
// package-lock.json pins): the page asks nothing of any other site.
const GRADIO_CLIENT = "./vendor/@gradio/client/dist/index.min.js";
/** @type {typeof import("@gradio/client")} */
const { Client, handle_file } = await import(GRADIO_CLIENT);

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const upload = /** @type {HTMLInputElement} */ ($("upload"));
const result = /** @type {HTMLImageElement} */ ($("result"));
const statusLine = $("status"), cutout = $("cutout"), download = $("download");

/** @param {Status} status */
function show({ kind, text }) {
  statusLine.textContent = text;
  statusLine.dataset.kind = kind;
}

// Connect as the page opens, while the person picks a photo. "status" events bring the queue
// position; on ZeroGPU, calls must come through this client (it sends the visitor's headers).
// Until then, the status line says "Connecting…" (index.html).
const client = Client.connect(appUrl(location.href), { events: ["data", "status"] }).catch(unreachable);
let latest = 0; // how many photos were chosen: only the last one's answer is shown
client.then(() => latest || show(READY), (error) => show(failed(error)));

upload.addEventListener("change", async () => {
  const photo = upload.files?.[0];
  if (!photo) return;
  const mine = ++latest;
  const showMine = (/** @type {Status} */ status) => mine === latest && show(status);
  cutout.hidden = download.hidden = true;
  try {
    const url = await cutOut(await client, handle_file, photo, showMine);
    if (mine !== latest) return; // another photo was chosen meanwhile
    result.src = url; // the PNG the app serves, at the photo's full size
    result.alt = `The subject of ${photo.name}, cut out`;
    download.dataset.name = downloadName(photo.name);
    await result.decode(); // shown once it can be drawn
    if (mine !== latest) return;
    cutout.hidden = download.hidden = false;
    show(DONE);
  } catch (error) {
    showMine(failed(error)); // and the person can choose another photo
  }
});

download.addEventListener("click", () =>
  savePng(result.src, download.dataset.name ?? "cutout.png").catch((error) => show(failed(error))),
);
