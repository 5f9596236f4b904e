// DOM bindings and backend calls. All drawing lives in editor-core.js.
import {
  FONTS, DEFAULT_STATE, createState, loadFont, fitWithin, imageSize, makeCanvas,
  drawPhoto, drawText, drawSubject, clientDeltaToImage, exportPng,
} from "./editor-core.js";

const GRADIO_CLIENT = "https://cdn.jsdelivr.net/npm/@gradio/client@2.7.0/dist/index.min.js";
const MODEL_MAX_SIDE = 1024; // the backend never needs more than this

const $ = (id) => document.getElementById(id);
const form = $("controls"), statusEl = $("status"), exportBtn = $("export");
const stage = $("stage"), wrap = $("stage-wrap"), placeholder = $("placeholder");
const layers = { photo: $("background"), text: $("text-layer"), subject: $("foreground") };

let photo = null; // ImageBitmap, EXIF orientation applied
let matte = null; // ImageBitmap whose alpha is the subject
let state = { ...DEFAULT_STATE };
let requestId = 0; // bumps on each upload, so late answers to older ones are dropped

function setStatus(text, kind = "info") {
  statusEl.textContent = text; // textContent only: messages never become HTML
  statusEl.dataset.kind = kind;
}

// Connect once at page load. The client is imported dynamically so the editor
// keeps working (without cut-outs) if the CDN or the backend is unreachable.
// Going through @gradio/client matters on ZeroGPU Spaces: it forwards the
// headers that attribute GPU quota to the visitor.
const connection = import(GRADIO_CLIENT).then(async (mod) => {
  const client = await mod.Client.connect(new URL("./", window.location.href).href, { events: ["data", "status"] });
  return { client, handle_file: mod.handle_file };
});
connection.then(
  () => { if (!requestId) setStatus("Ready. Upload a photo to start."); },
  (err) => setStatus(`Could not connect to the backend: ${err?.message || err}`, "error"),
);

// ---- Rendering: one canvas per layer, so moving or restyling the text only
// redraws the text canvas; the photo and the cut-out subject stay untouched.

function resizeStage() {
  if (!photo) return;
  const { width, height } = imageSize(photo);
  const narrow = window.matchMedia("(max-width: 800px)").matches; // stacked layout: leave room for controls
  const maxW = wrap.clientWidth - 24, maxH = Math.max(240, window.innerHeight * (narrow ? 0.6 : 1) - 140);
  const k = Math.min(maxW / width, maxH / height);
  stage.style.width = `${Math.floor(width * k)}px`;
  stage.style.height = `${Math.floor(height * k)}px`;
  const dpr = window.devicePixelRatio || 1;
  for (const c of Object.values(layers)) { // backing store = CSS size x DPR, stays sharp
    c.width = Math.round(width * k * dpr);
    c.height = Math.round(height * k * dpr);
  }
  renderAll();
}

const scaleOf = (canvas) => canvas.width / imageSize(photo).width;

function renderLayer(canvas, draw) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (photo) draw(ctx, scaleOf(canvas));
}
const renderPhoto = () => renderLayer(layers.photo, (ctx, s) => drawPhoto(ctx, photo, s));
const renderSubject = () => renderLayer(layers.subject, (ctx, s) => matte && drawSubject(ctx, photo, matte, s));
let textFrame = 0;
const renderText = () => { // coalesce bursts of input events into one frame
  cancelAnimationFrame(textFrame);
  textFrame = requestAnimationFrame(() =>
    renderLayer(layers.text, (ctx, s) => drawText(ctx, state, imageSize(photo), s)));
};
function renderAll() { renderPhoto(); renderText(); renderSubject(); }

new ResizeObserver(resizeStage).observe(wrap);

// ---- Controls: every form field is named after the state key it edits.

const UNITS = { fontSize: "%", opacity: "%", rotation: "°", skew: "°", depthAngle: "°" };
const fontSelect = $("fontFamily");
for (const f of FONTS) fontSelect.add(new Option(f.label, f.id));
fontSelect.value = state.fontFamily;

function readField(el) {
  if (el.type === "checkbox") return el.checked;
  if (el.type === "range" || el.name === "fontWeight") return Number(el.value);
  return el.value;
}
function showValue(el) {
  const out = form.querySelector(`output[for="${el.id}"]`);
  if (out) out.textContent = `${el.value}${UNITS[el.name] || ""}`;
}

// Web fonts are fetched only once chosen; on failure, say so and revert.
async function applyFont(family, weight) {
  const prev = { fontFamily: state.fontFamily, fontWeight: state.fontWeight };
  try {
    await loadFont(family, weight);
    state = { ...state, fontFamily: family, fontWeight: weight };
    renderText();
  } catch {
    setStatus(`Could not load the font "${fontSelect.selectedOptions[0]?.text}"; keeping the previous font.`, "error");
    fontSelect.value = prev.fontFamily;
    $("fontWeight").value = String(prev.fontWeight);
  }
}

form.addEventListener("input", (e) => {
  const el = e.target;
  if (!el.name) return;
  showValue(el);
  if (el.name === "fontFamily" || el.name === "fontWeight") {
    applyFont(fontSelect.value, Number($("fontWeight").value));
    return;
  }
  state = { ...state, [el.name]: readField(el) };
  renderText();
});
form.addEventListener("submit", (e) => e.preventDefault());
for (const el of form.elements) {
  if (el.name && el.name in state) state[el.name] = readField(el); // sync with form (e.g. restored values)
  showValue(el);
}

// ---- Upload: decode locally (instant preview), then ask the backend for the matte.

async function openFile(file) {
  if (!file) return;
  const id = ++requestId;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    setStatus("Could not read this file as an image. Try a JPEG, PNG or WebP photo.", "error");
    return; // the previous photo (if any) stays editable
  }
  if (id !== requestId) return;
  photo = bitmap;
  matte = null;
  layers.subject.hidden = true;
  const size = imageSize(photo);
  state = { ...state, x: size.width / 2, y: size.height / 2 };
  placeholder.hidden = true;
  stage.classList.add("ready");
  exportBtn.disabled = false;
  resizeStage();
  await requestMatte(file, bitmap, id);
}

// The model works at <= 1024 px, so big photos are downscaled before upload.
async function modelInput(file, bitmap) {
  const { width, height } = imageSize(bitmap);
  if (Math.max(width, height) <= MODEL_MAX_SIDE) return file;
  const fit = fitWithin(width, height, MODEL_MAX_SIDE);
  const c = makeCanvas(fit.width, fit.height);
  c.getContext("2d").drawImage(bitmap, 0, 0, fit.width, fit.height);
  const blob = await new Promise((resolve) => c.toBlob(resolve, "image/jpeg", 0.92));
  return new File([blob], "photo.jpg", { type: "image/jpeg" });
}

async function requestMatte(file, bitmap, id) {
  const current = () => id === requestId;
  try {
    setStatus("Connecting…");
    const { client, handle_file } = await connection;
    const upload = await modelInput(file, bitmap);
    if (!current()) return;
    setStatus("Uploading…");
    let result = null;
    for await (const msg of client.submit("/matte", { image_path: handle_file(upload) })) {
      if (!current()) return;
      if (msg.type === "status") {
        // "process_starts" arrives as stage "pending": the job left the queue.
        const running = msg.stage === "generating" || msg.original_msg === "process_starts";
        if (msg.stage === "error") throw new Error(errorText(msg.message));
        else if (running) setStatus("Cutting out the subject…");
        else if (msg.stage === "pending" && msg.position != null && msg.size) {
          setStatus(`Waiting in queue: position ${msg.position + 1} of ${msg.size}`); // rank is 0-based
        } else if (msg.stage === "pending") setStatus("Waiting in queue…");
      } else if (msg.type === "data") {
        result = msg.data?.[0];
        break;
      }
    }
    if (!result?.url) throw new Error("The backend returned no matte.");
    const blob = await (await fetch(result.url)).blob();
    const decoded = await createImageBitmap(blob);
    if (!current()) return;
    matte = decoded;
    layers.subject.hidden = false;
    renderSubject();
    setStatus("Done. Drag the text to place it, then download.", "done");
  } catch (err) {
    const reason = String(err?.message || err).replace(/\.$/, "");
    if (current()) setStatus(`Could not cut out the subject: ${reason}. You can still add text and download.`, "error");
  }
}

function errorText(message) {
  if (Array.isArray(message)) return message.map((m) => m.message || JSON.stringify(m)).join("; ");
  return message || "Unknown error";
}

$("upload").addEventListener("change", (e) => openFile(e.target.files[0]));
wrap.addEventListener("dragover", (e) => e.preventDefault());
wrap.addEventListener("drop", (e) => { e.preventDefault(); openFile(e.dataTransfer.files[0]); });

// ---- Moving the text: pointer drag (CSS px -> image px) or arrow keys.

let drag = null;
stage.addEventListener("pointerdown", (e) => {
  if (!photo) return;
  stage.setPointerCapture(e.pointerId);
  drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
});
stage.addEventListener("pointermove", (e) => {
  if (!drag || e.pointerId !== drag.id) return;
  const d = clientDeltaToImage(e.clientX - drag.x, e.clientY - drag.y, stage.clientWidth, imageSize(photo).width);
  drag.x = e.clientX;
  drag.y = e.clientY;
  state = { ...state, x: state.x + d.dx, y: state.y + d.dy };
  renderText();
});
const endDrag = (e) => { if (drag && e.pointerId === drag.id) drag = null; };
stage.addEventListener("pointerup", endDrag);
stage.addEventListener("pointercancel", endDrag);

const KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
stage.addEventListener("keydown", (e) => {
  if (!photo || !KEYS[e.key]) return;
  e.preventDefault();
  const step = (e.shiftKey ? 0.05 : 0.01) * imageSize(photo).width;
  state = { ...state, x: state.x + KEYS[e.key][0] * step, y: state.y + KEYS[e.key][1] * step };
  renderText();
});

// ---- Export: full resolution, same drawing code as the preview.

exportBtn.addEventListener("click", async () => {
  if (!photo) return;
  try {
    const blob = await exportPng(photo, matte, state);
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = "text-behind-image.png";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    setStatus(`Export failed: ${err?.message || err}`, "error");
  }
});
