// @ts-check
// The vanilla frontend: DOM bindings only. The controls come from controls.js,
// the state, backend calls and drawing from editor.js / editor-core.js (shared
// with the React and Svelte frontends). Plain ES modules: no build step.
import {
  ACTIONS, OPEN_PROJECT, PROJECT_ACTIONS, SECTIONS, actionTitle, controlId, displayValue, inputValue, isShown, layerItemId, layerItems,
  optionsOf, parseInput,
} from "./controls.js";
import {
  ADD_TEXT, BRUSH_MODES, CHOOSE_PHOTO, EMPTY_STAGE, EXPORT_SECTION, PHOTO_SECTION, REFINE_RESET, REFINE_SECTION, RETRY, downloadLabel,
} from "./controls.js";
import { fitInto } from "./editor-core.js";
import { createEditor } from "./editor.js";
import { NARROW, stageRoom } from "./layout.js";
import { openBrowserStorage } from "./persistence.js";

/** @import { Control, ControlOption, FileInput } from "./controls.js" */
/** @import { Snapshot } from "./editor.js" */
/** @import { FontUrl } from "./fonts.js" */
/**
 * Where a field's value comes from and goes to: the selected layer (the
 * default), the photo's adjustments or the export's settings.
 * @typedef {{ read: (s: Snapshot) => object, write: (key: string, value: unknown) => unknown }} Binding
 */

// The app serves everything the page loads. static/vendor/ holds the pinned npm packages'
// files that the page needs (put there by vendor.py, from package-lock.json): the Gradio
// client and the fonts. Relative URLs (from this module): they work under a proxy's prefix.
const GRADIO_CLIENT = "./vendor/@gradio/client/dist/index.min.js";
/** @type {FontUrl} */
const fontUrl = (pkg, file) => new URL(`./vendor/${pkg}/files/${file}`, import.meta.url).href;
// The work is kept in this browser (IndexedDB) across reloads.
const editor = createEditor({ loadGradio: () => import(GRADIO_CLIENT), fontUrl, storage: openBrowserStorage() });

/** @template {HTMLElement} T @param {string} id @returns {T} */
const $ = (id) => /** @type {T} */ (document.getElementById(id));
/** @type {HTMLFormElement} */ const form = $("controls");
/** @type {HTMLInputElement} */ const upload = $("upload");
/** @type {HTMLButtonElement} */ const exportButton = $("export");
/** @type {HTMLFieldSetElement} */ const settings = $("layer-settings");
const statusLine = $("status"), stage = $("stage"), wrap = $("stage-wrap"), placeholder = $("placeholder");
const list = $("layer-list"), photoName = $("photo-name");
// Beside the status: sends the photo for its cut-out again, after a full queue or a lost connection.
const retryButton = Object.assign(document.createElement("button"), { type: "button", className: "retry", textContent: RETRY.label, title: RETRY.title, hidden: true });
retryButton.dataset.testid = "retry";
retryButton.addEventListener("click", () => editor.retry());
statusLine.after(retryButton);
/** @type {import("./editor.js").Layers & { subject: HTMLCanvasElement}} */
const layers = { photo: $("background"), text: $("text-layer"), subject: $("foreground"), front: $("front-layer") };

// ---- The main actions under the preview: Choose photo (it opens the hidden file input),
// Add text, Download; and the empty preview, a button that opens the file input too.
/** @type {HTMLButtonElement} */ const choosePhoto = $("choose-photo");
/** @type {HTMLButtonElement} */ const addText = $("add-text");
Object.assign(choosePhoto, { textContent: CHOOSE_PHOTO.label });
choosePhoto.dataset.testid = CHOOSE_PHOTO.testid;
upload.accept = CHOOSE_PHOTO.accept;
Object.assign(addText, { textContent: ADD_TEXT.label, title: actionTitle(ADD_TEXT) });
addText.dataset.testid = ADD_TEXT.testid;
placeholder.textContent = EMPTY_STAGE.label;
placeholder.dataset.testid = EMPTY_STAGE.testid;
for (const button of [choosePhoto, placeholder]) button.addEventListener("click", () => upload.click());
addText.addEventListener("click", () => editor.act(ADD_TEXT.id));

// ---- Build the controls from their description (createElement + textContent:
// nothing here is ever parsed as HTML).

/** @type {Binding} */
const LAYER = { read: (s) => s.state, write: /** @type {Binding["write"]} */ (editor.set) };
/** @type {{control: Control, field: HTMLElement, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, output: HTMLOutputElement | null, read: Binding["read"], listed?: readonly ControlOption[]}[]} */
const fields = [];

/** @param {Control} control */
function createInput(control) {
  if (control.type === "textarea") {
    const textarea = Object.assign(document.createElement("textarea"), { rows: control.rows ?? 2 });
    if (control.maxLength) textarea.maxLength = control.maxLength;
    return textarea;
  }
  if (control.type === "select") {
    const select = document.createElement("select");
    for (const o of control.options ?? []) select.add(new Option(o.label, o.value));
    return select;
  }
  const input = Object.assign(document.createElement("input"), { type: control.type });
  if (control.type === "range") {
    Object.assign(input, { min: String(control.min), max: String(control.max), step: String(control.step ?? 1) });
  }
  return input;
}

/** @param {Control} control @param {Binding} [binding] */
function createField(control, { read, write } = LAYER) {
  const field = document.createElement("div");
  field.className = "field";
  field.dataset.type = control.type;
  const label = document.createElement("label");
  label.htmlFor = controlId(control);
  label.textContent = control.label;
  const input = createInput(control);
  input.id = controlId(control);
  input.name = control.key;
  input.dataset.testid = control.testid;
  /** @type {HTMLOutputElement | null} */
  let output = null;
  if (control.type === "range") {
    output = document.createElement("output");
    output.htmlFor.add(input.id);
    label.append(" ", output);
  }
  if (control.type === "checkbox") { // <label><input> Text</label>
    label.prepend(input, " ");
    field.append(label);
  } else {
    field.append(label, input);
  }
  if (control.upload) field.append(createUpload(control.upload));
  input.addEventListener("input", () => {
    const raw = input instanceof HTMLInputElement && input.type === "checkbox" ? input.checked : input.value;
    write(control.key, parseInput(control, raw));
  });
  fields.push({ control, field, input, output, read });
  return field;
}

// A control's file input (the font menu's: a font file of the user's, for editor.addFont).
/** @param {FileInput} upload */
function createUpload({ action, label, button, testid, accept, title }) {
  const input = Object.assign(document.createElement("input"), { type: "file", accept, hidden: true });
  input.dataset.testid = testid;
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = ""; // picking the same file again reads it again
    if (file) editor[action](file);
  });
  const open = Object.assign(document.createElement("button"), { type: "button", className: "upload", textContent: label, title });
  open.dataset.testid = button;
  open.addEventListener("click", () => input.click());
  const box = document.createDocumentFragment();
  box.append(open, input);
  return box;
}

// A titled group of fields (a <details>): the layer's sections, the photo's adjustments and
// the export's settings, each bound to where its values live.
/** @param {import("./controls.js").Section<any>} section @param {Binding} [binding] */
function createSection(section, binding) {
  const details = Object.assign(document.createElement("details"), { className: "section", open: section.open });
  const summary = Object.assign(document.createElement("summary"), { textContent: section.title });
  // Typed as a layer's control: only the binding tells them apart.
  details.append(summary, ...section.controls.map((c) => createField(/** @type {Control} */ (c), binding)));
  return details;
}
settings.append(...SECTIONS.map((section) => createSection(section)));
form.addEventListener("submit", (e) => e.preventDefault());
$("photo-settings").append(createSection(PHOTO_SECTION, {
  read: (s) => s.adjust, write: /** @type {Binding["write"]} */ (editor.adjustPhoto),
}));
$("export-settings").append(createSection(EXPORT_SECTION, {
  read: (s) => s.exportOptions, write: /** @type {Binding["write"]} */ (editor.setExport),
}));

// The brush that refines the cut-out: its section's fields, and before them the mode buttons
// (toggles: aria-pressed) and Reset.
const refine = createSection(REFINE_SECTION, { read: (s) => s.brush, write: /** @type {Binding["write"]} */ (editor.setBrush) });
/** @param {{ label: string, testid: string, title: string }} b @param {() => void} onClick */
function brushButton({ label, testid, title }, onClick) {
  const button = Object.assign(document.createElement("button"), { type: "button", textContent: label, title });
  button.dataset.testid = testid;
  button.addEventListener("click", onClick);
  return button;
}
const modes = BRUSH_MODES.map((m) => ({ mode: m.mode, button: brushButton(m, () => editor.toggleBrush(m.mode)) }));
const resetButton = brushButton({ ...REFINE_RESET, title: actionTitle(REFINE_RESET) }, () => editor.act(REFINE_RESET.id));
const brushBar = Object.assign(document.createElement("div"), { className: "brush" });
brushBar.setAttribute("role", "group");
brushBar.setAttribute("aria-label", "Brush");
brushBar.append(...modes.map((m) => m.button), resetButton);
refine.querySelector("summary")?.after(brushBar);
$("refine-settings").append(refine);

// The layer and history buttons, and the layer list (a listbox: the arrow keys
// pick a layer, a click too).
const buttons = ACTIONS.map((action) => {
  const button = Object.assign(document.createElement("button"), { type: "button", textContent: action.label, title: actionTitle(action) });
  button.dataset.testid = action.testid;
  button.addEventListener("click", () => editor.act(action.id));
  return { action, button };
});
$("layer-actions").append(...buttons.map((b) => b.button));
list.addEventListener("keydown", (e) => { if (editor.handleListKey(e)) e.preventDefault(); });
/** @type {unknown[]} */
let listed = [];
/** @param {import("./editor.js").Snapshot} snapshot */
function renderList({ layers: texts, selected }) {
  if (listed[0] === texts && listed[1] === selected) return; // rebuilt only when it changes
  listed = [texts, selected];
  list.replaceChildren(...layerItems(texts).map(({ id, label }) => {
    const item = Object.assign(document.createElement("li"), { id: layerItemId(id), role: "option", textContent: label });
    item.dataset.testid = "layer-item";
    item.setAttribute("aria-selected", String(id === selected));
    item.addEventListener("click", () => editor.selectLayer(id));
    return item;
  }));
  if (selected) list.setAttribute("aria-activedescendant", layerItemId(selected));
  else list.removeAttribute("aria-activedescendant");
}

// ---- Redraw on every change, at most once per frame.

let frame = 0;
editor.subscribe(() => {
  cancelAnimationFrame(frame);
  frame = requestAnimationFrame(render);
});

function render() {
  const snapshot = editor.getSnapshot();
  const { photo, photoSize, matte, state, status, can } = snapshot;
  statusLine.textContent = status.text; // textContent: messages never become HTML
  statusLine.dataset.kind = status.kind;
  retryButton.hidden = !snapshot.canRetry;
  for (const f of fields) {
    const { control, field, input, output, read } = f;
    const values = /** @type {typeof state} */ (read(snapshot));
    const options = control.optionsFrom && optionsOf(control, snapshot.menus); // a menu that changes (the fonts)
    if (options && options !== f.listed && input instanceof HTMLSelectElement) {
      input.replaceChildren(...options.map((o) => new Option(o.label, o.value)));
      f.listed = options;
    }
    const value = inputValue(control, values); // e.g. a font reverted after a failed download
    if (input instanceof HTMLInputElement && input.type === "checkbox") input.checked = Boolean(value);
    else if (input.value !== value) input.value = String(value);
    if (output) output.textContent = displayValue(control, values);
    field.hidden = !isShown(control, values);
  }
  for (const { action, button } of buttons) button.disabled = !can[action.id];
  for (const { mode, button } of modes) button.setAttribute("aria-pressed", String(snapshot.brush.mode === mode));
  resetButton.disabled = !can.resetRefine;
  stage.classList.toggle("painting", Boolean(snapshot.brush.mode)); // a drag paints: style.css's cursor
  renderList(snapshot);
  settings.disabled = !snapshot.selected; // no layers left: nothing to edit
  exportButton.disabled = !photo;
  exportButton.textContent = downloadLabel(snapshot.exportOptions);
  photoName.textContent = snapshot.photoName ?? "";
  placeholder.hidden = Boolean(photo);
  stage.classList.toggle("ready", Boolean(photo));
  layers.subject.hidden = !matte;
  if (!photoSize) return;
  const room = stageRoom(wrap.clientWidth, window.innerHeight, window.matchMedia(NARROW).matches);
  const css = fitInto(photoSize, room.width, room.height);
  stage.style.width = `${css.width}px`;
  stage.style.height = `${css.height}px`;
  editor.renderLayers(layers, css, window.devicePixelRatio || 1);
}
render();
new ResizeObserver(render).observe(wrap);
window.addEventListener("resize", render); // the window's height sets the room too (a phone's keyboard)

// ---- Upload (file picker or drop), select / drag / arrow keys / Delete, undo, export.

upload.addEventListener("change", () => {
  const file = upload.files?.[0];
  upload.value = ""; // picking the same file again loads it again
  if (file) editor.loadFile(file);
});
wrap.addEventListener("dragover", (e) => e.preventDefault());
wrap.addEventListener("drop", (e) => {
  e.preventDefault();
  const file = e.dataTransfer?.files[0];
  if (file) editor.loadFile(file);
});

/** @type {{id: number, x: number, y: number} | null} */
let drag = null;
stage.addEventListener("pointerdown", (e) => {
  const box = stage.getBoundingClientRect();
  editor.pickAt(e.clientX - box.left, e.clientY - box.top, stage.clientWidth); // select the text there
  stage.setPointerCapture(e.pointerId);
  drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
});
stage.addEventListener("pointermove", (e) => {
  if (!drag) { // not pressed: the brush's outline follows (while a brush mode is on)
    const box = stage.getBoundingClientRect();
    return editor.hover(e.clientX - box.left, e.clientY - box.top, stage.clientWidth);
  }
  if (e.pointerId !== drag.id) return;
  editor.moveBy(e.clientX - drag.x, e.clientY - drag.y, stage.clientWidth);
  drag = { ...drag, x: e.clientX, y: e.clientY };
});
/** @param {PointerEvent} e */
const endDrag = (e) => { if (drag?.id === e.pointerId) drag = null; };
stage.addEventListener("pointerup", endDrag);
stage.addEventListener("pointercancel", endDrag);
stage.addEventListener("pointerleave", () => editor.leave());
stage.addEventListener("keydown", (e) => { if (editor.handleKey(e)) e.preventDefault(); });
// Undo and redo from anywhere on the page (but not inside the text box: see historyShortcut).
window.addEventListener("keydown", (e) => { if (editor.handleShortcut(e)) e.preventDefault(); });

exportButton.addEventListener("click", () => editor.download());

// ---- The project: New, Save project, Open project (a button that opens a hidden file
// input, emptied after each pick, so that picking the same file again opens it again).

const openInput = Object.assign(document.createElement("input"), { type: "file", accept: OPEN_PROJECT.accept, id: "open-project", hidden: true });
openInput.dataset.testid = OPEN_PROJECT.testid;
openInput.addEventListener("change", () => {
  const file = openInput.files?.[0];
  openInput.value = "";
  if (file) editor.openProject(file);
});
const openButton = Object.assign(document.createElement("button"), { type: "button", textContent: OPEN_PROJECT.label });
openButton.dataset.testid = OPEN_PROJECT.button;
openButton.addEventListener("click", () => openInput.click());
$("project").append(...PROJECT_ACTIONS.map((action) => {
  const button = Object.assign(document.createElement("button"), { type: "button", textContent: action.label, title: action.title });
  button.dataset.testid = action.testid;
  button.addEventListener("click", () => editor[action.id]());
  return button;
}), openButton, openInput);
