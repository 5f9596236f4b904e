// @ts-check
// The editor's controls, as data. Every frontend loops over SECTIONS to build
// its form: the same controls, order, labels and data-testids everywhere (the
// browser tests and the docs rely on them). To add a control: a key in State and
// DEFAULT_STATE (editor-core.js), then one entry here; no frontend changes. They
// edit the selected layer; PHOTO_SECTION and EXPORT_SECTION, of the same shape,
// the photo's adjustments and the export's settings. The buttons are here too.

import { DEFAULT_ADJUST, DEFAULT_STATE } from "./editor-core.js";
import { FONTS, FONT_FILES } from "./fonts.js";
import { DEFAULT_EXPORT, EXPORT_FORMATS, exportFormat } from "./export.js";
import { DEFAULT_BRUSH } from "./refine.js";
import { LIMITS } from "./limits.js";

/** @import { State, Adjust } from "./editor-core.js" */
/** @import { ExportOptions } from "./export.js" */
/** @import { Brush } from "./refine.js" */
/** @import { Layer, Action } from "./document.js" */
/** @typedef {"range" | "color" | "select" | "checkbox" | "textarea"} ControlType */
/** @typedef {{value: string, label: string}} ControlOption */
/**
 * One control, bound to one State key (or, for `Control<Adjust>` and
 * `Control<ExportOptions>`, one key of those).
 * @template {object} [V=State]
 * @typedef {object} Control
 * @property {keyof V & string} key  the State key it edits
 * @property {string} label         visible label
 * @property {ControlType} type     which input to render
 * @property {string} testid        its data-testid
 * @property {number} [min]         range only
 * @property {number} [max]         range only
 * @property {number} [step]        range only (default 1)
 * @property {string} [unit]        range only: shown after the value ("%", "°")
 * @property {readonly ControlOption[]} [options]  select only
 * @property {"fonts"} [optionsFrom]  select only: its choices change, and are the snapshot's `menus[optionsFrom]` (see optionsOf)
 * @property {FileInput} [upload]  a file input shown after it (see FileInput)
 * @property {number} [rows]        textarea only
 * @property {number} [maxLength]   textarea only: the most characters it takes (its maxlength)
 * @property {(values: V) => boolean} [shown]  shown only while this holds (see isShown)
 */
/**
 * A titled group of controls (a <details> in the vanilla frontend).
 * @template {object} [V=State]
 * @typedef {{id: string, title: string, open: boolean, controls: readonly Control<V>[]}} Section
 */

/**
 * A file input that comes with a control: a button (`label`, data-testid `button`) opens the
 * hidden input (data-testid `testid`), as Choose photo does; the file picked goes to the
 * editor's method `action` (the font menu's: addFont, a font file of the user's).
 * @typedef {{ action: "addFont", label: string, button: string, testid: string, accept: string, title: string }} FileInput
 */
/** @type {FileInput} */
export const FONT_UPLOAD = {
  action: "addFont", label: "Add your own font…", button: "choose-font", testid: "font-upload", accept: FONT_FILES,
  title: "A TTF, OTF, WOFF or WOFF2 file: it joins the font menu, for the selected text, kept in this browser and in your project files",
};

/** @type {readonly ControlOption[]} */
const WEIGHTS = [
  { value: "400", label: "Regular" },
  { value: "700", label: "Bold" },
  { value: "900", label: "Black" },
];

// Gradient text: from Colour to Gradient colour, along the angle (0° left to right).
/** @type {readonly ControlOption[]} */
const FILLS = [
  { value: "solid", label: "Solid colour" },
  { value: "gradient", label: "Gradient" },
];

/** @param {State} s */
const gradient = (s) => s.fill === "gradient";

/** @type {readonly Section[]} */
export const SECTIONS = [
  {
    id: "text", title: "Text", open: true, controls: [
      { key: "text", label: "Text", type: "textarea", rows: 2, maxLength: LIMITS.textChars, testid: "text-input" },
      { key: "fontFamily", label: "Font", type: "select", testid: "font-family",
        options: FONTS.map((f) => ({ value: f.id, label: f.label })), optionsFrom: "fonts", upload: FONT_UPLOAD },
      { key: "fontWeight", label: "Weight", type: "select", options: WEIGHTS, testid: "font-weight" },
      { key: "color", label: "Colour", type: "color", testid: "text-color" },
      { key: "fill", label: "Fill", type: "select", options: FILLS, testid: "text-fill" },
      { key: "color2", label: "Gradient colour", type: "color", testid: "text-color-2", shown: gradient },
      { key: "gradientAngle", label: "Gradient angle", type: "range", min: 0, max: 360, unit: "°", testid: "gradient-angle", shown: gradient },
      { key: "fontSize", label: "Size", type: "range", min: 2, max: 60, unit: "%", testid: "font-size" },
      { key: "letterSpacing", label: "Letter spacing", type: "range", min: -20, max: 100, testid: "letter-spacing" },
      { key: "opacity", label: "Opacity", type: "range", min: 0, max: 100, unit: "%", testid: "opacity" },
      { key: "front", label: "In front of the subject", type: "checkbox", testid: "layer-front" },
    ],
  },
  {
    id: "box", title: "Box & outline", open: false, controls: [
      { key: "bgEnabled", label: "Background box", type: "checkbox", testid: "bg-enabled" },
      { key: "bgColor", label: "Box colour", type: "color", testid: "bg-color" },
      { key: "strokeWidth", label: "Outline width", type: "range", min: 0, max: 20, testid: "stroke-width" },
      { key: "strokeColor", label: "Outline colour", type: "color", testid: "stroke-color" },
    ],
  },
  {
    id: "effects", title: "Shadow & 3D", open: false, controls: [
      { key: "shadowBlur", label: "Shadow blur", type: "range", min: 0, max: 60, testid: "shadow-blur" },
      { key: "shadowOffsetX", label: "Shadow X", type: "range", min: -50, max: 50, testid: "shadow-x" },
      { key: "shadowOffsetY", label: "Shadow Y", type: "range", min: -50, max: 50, testid: "shadow-y" },
      { key: "shadowColor", label: "Shadow colour", type: "color", testid: "shadow-color" },
      { key: "depth", label: "3D depth", type: "range", min: 0, max: 40, testid: "depth" },
      { key: "depthAngle", label: "3D angle", type: "range", min: 0, max: 360, unit: "°", testid: "depth-angle" },
      { key: "depthColor", label: "3D colour", type: "color", testid: "depth-color" },
    ],
  },
  {
    id: "transform", title: "Transform", open: false, controls: [
      { key: "bend", label: "Bend", type: "range", min: -100, max: 100, unit: "%", testid: "bend" }, // the arc: editor-core's arcOf
      { key: "rotation", label: "Rotation", type: "range", min: -180, max: 180, unit: "°", testid: "rotation" },
      { key: "skew", label: "Skew", type: "range", min: -45, max: 45, unit: "°", testid: "skew" },
      { key: "tilt", label: "Perspective tilt", type: "range", min: -1, max: 1, step: 0.05, testid: "tilt" },
    ],
  },
];

/** Every control, flat, in display order. @type {readonly Control[]} */
export const CONTROLS = SECTIONS.flatMap((s) => s.controls);

/**
 * The photo's adjustments: the background only, the subject stays as shot.
 * Outside the layer's fieldset (they work with no text layer). Blur is in % of
 * the photo's long side, so the export looks like the preview.
 * @type {Section<Adjust>}
 */
export const PHOTO_SECTION = {
  id: "photo", title: "Photo adjustments", open: false, controls: [
    { key: "brightness", label: "Brightness", type: "range", min: 0, max: 200, unit: "%", testid: "brightness" },
    { key: "contrast", label: "Contrast", type: "range", min: 0, max: 200, unit: "%", testid: "contrast" },
    { key: "saturation", label: "Saturation", type: "range", min: 0, max: 200, unit: "%", testid: "saturation" },
    { key: "greyscale", label: "Greyscale", type: "range", min: 0, max: 100, unit: "%", testid: "greyscale" },
    { key: "blur", label: "Blur", type: "range", min: 0, max: 3, step: 0.1, unit: "%", testid: "blur" },
  ],
};

/**
 * The brush that refines the cut-out (refine.js): its size and softness, bound to the brush
 * (a tool setting, not undone). Each frontend renders, inside this section and before its
 * fields, the BRUSH_MODES buttons and REFINE_RESET.
 * @type {Section<Brush>}
 */
export const REFINE_SECTION = {
  id: "refine", title: "Refine the cut-out", open: false, controls: [
    { key: "size", label: "Brush size", type: "range", min: 1, max: 25, unit: "%", testid: "brush-size" },
    { key: "softness", label: "Brush softness", type: "range", min: 0, max: 100, unit: "%", testid: "brush-softness" },
  ],
};
/**
 * The brush's modes: toggle buttons (aria-pressed), each calling editor.toggleBrush(mode):
 * while one is on, a drag on the stage paints; pressing it again, the drag moves the text.
 * @type {readonly { mode: "keep" | "remove", label: string, testid: string, title: string }[]}
 */
export const BRUSH_MODES = [
  { mode: "keep", label: "Keep", testid: "refine-keep", title: "Paint the subject back: drag on the preview" },
  { mode: "remove", label: "Remove", testid: "refine-remove", title: "Take the subject away: drag on the preview" },
];

/** The long sides offered for the export ("0": the photo's own). @type {readonly ControlOption[]} */
const SIZES = [
  { value: "0", label: "Full size" },
  ...[4096, 3000, 2048, 1600, 1080, 720].map((px) => ({ value: String(px), label: `${px} px long side` })),
];

/** The export's settings, above the download button. @type {Section<ExportOptions>} */
export const EXPORT_SECTION = {
  id: "export", title: "Export", open: true, controls: [
    { key: "format", label: "Format", type: "select", testid: "export-format",
      options: EXPORT_FORMATS.map((f) => ({ value: f.value, label: f.label })) },
    { key: "quality", label: "Quality", type: "range", min: 10, max: 100, unit: "%", testid: "export-quality",
      shown: (o) => exportFormat(o.format).lossy }, // PNG is lossless: no quality to choose
    { key: "longSide", label: "Size", type: "select", options: SIZES, testid: "export-size" },
  ],
};

/** The download button's text. @param {ExportOptions} options */
export const downloadLabel = (options) =>
  `Download ${EXPORT_FORMATS.find((f) => f.value === options.format)?.label ?? "PNG"}`;

/**
 * A button acting on the layers or the history; `label` is its visible text (and
 * so its accessible name), `keys` its keyboard shortcut, shown in its tooltip.
 * @typedef {{id: Action, label: string, testid: string, keys?: string}} ActionButton
 */
/** Removes every brush stroke (one undo step). @type {ActionButton} */
export const REFINE_RESET = { id: "resetRefine", label: "Reset cut-out", testid: "refine-reset" };

/** The buttons above the layer list, in order. @type {readonly ActionButton[]} */
export const ACTIONS = [
  { id: "duplicateLayer", label: "Duplicate", testid: "duplicate-layer" },
  { id: "deleteLayer", label: "Delete", testid: "delete-layer", keys: "Delete, on the preview" },
  { id: "moveLayerUp", label: "Move up", testid: "layer-up" },
  { id: "moveLayerDown", label: "Move down", testid: "layer-down" },
  { id: "undo", label: "Undo", testid: "undo", keys: "Ctrl+Z" },
  { id: "redo", label: "Redo", testid: "redo", keys: "Ctrl+Shift+Z or Ctrl+Y" },
];

// The main actions, under the preview (where a phone keeps them in reach): the photo's
// button (it opens the file input, TESTIDS.upload), a new text, and the download (TESTIDS.export).
/** The photo's button. */
export const CHOOSE_PHOTO = Object.freeze({ label: "Choose photo", testid: "choose-photo", accept: "image/*" });
/** A new text, where it overlaps no other. @type {ActionButton} */
export const ADD_TEXT = { id: "addLayer", label: "Add text", testid: "add-layer" };
/** The empty preview: a click or a drop there chooses the photo too. */
export const EMPTY_STAGE = Object.freeze({ label: "Choose a photo, or drop one here", testid: "empty-stage" });

/** A button's tooltip. @param {ActionButton} a */
export const actionTitle = (a) => (a.keys ? `${a.label} (${a.keys})` : a.label);

/**
 * The layer list's items, top layer first (as image editors show them); each
 * with its id, its text's first line (shortened) and where it sits.
 * @param {readonly Layer[]} layers @returns {{id: string, label: string}[]}
 */
export function layerItems(layers) {
  return layers.map((l) => ({ id: l.id, label: `${layerName(l)}${l.front ? " · in front" : ""}` })).reverse();
}

/** A layer's name: its text's first line, shortened. @param {{ text: string }} layer */
export function layerName(layer) {
  const line = String(layer.text).trim().split("\n")[0] || "(empty)";
  return line.length > 24 ? `${line.slice(0, 23)}…` : line;
}

/** The element id of a layer item (the list's aria-activedescendant). @param {string} layerId */
export const layerItemId = (layerId) => `item-${layerId}`;

// The other elements the frontends must mark with these data-testid values.
export const TESTIDS = Object.freeze({
  upload: "upload", // the photo's <input type="file"> (hidden: CHOOSE_PHOTO's button opens it)
  photoName: "photo-name", // the photo's file name, beside CHOOSE_PHOTO's button
  export: "export", // the download button
  status: "status", // the status line (role="status")
  stage: "stage", // the element holding the four layer canvases; click and drag target
  photo: "background", // layer canvas: the photo
  text: "text-layer", // layer canvas: the texts behind the subject
  subject: "foreground", // layer canvas: the cut-out subject, hidden until the matte arrives
  front: "front-layer", // layer canvas: the texts in front of the subject
  layers: "layer-list", // the layer list (role="listbox"), top layer first
  layer: "layer-item", // one of its items (role="option"), aria-selected="true" when selected
  retry: "retry", // the "Try again" button beside the status: shown while the snapshot's canRetry
});
/** The button that sends the photo for its cut-out again, beside the status line. */
export const RETRY = Object.freeze({ label: "Try again", title: "Send the photo for its cut-out again" });

/**
 * Whether a control shows now: a control that only matters for some values of
 * another (the gradient's colours, the quality of a lossy format) is hidden
 * otherwise, keeping its value. Frontends set the field's `hidden` attribute.
 * @template {object} [V=State] @param {Control<V>} control @param {V} values
 */
export const isShown = (control, values) => !control.shown || control.shown(values);

/**
 * A select's choices now: its `options`, or, for one whose choices change (the fonts:
 * the user's own join the menu), the snapshot's `menus[optionsFrom]`.
 * @template {object} [V=State] @param {Control<V>} control @param {Readonly<Record<string, readonly ControlOption[]>>} [menus]
 */
export const optionsOf = (control, menus) => (control.optionsFrom && menus?.[control.optionsFrom]) || control.options || [];

/** The element id for a control (pair it with <label for>). @template {object} [V=State] @param {Control<V>} control */
export const controlId = (control) => `control-${control.key}`;

/**
 * The value to put in the input for a state: a boolean for checkboxes
 * (`checked`), else a string (`value`).
 * @template {object} [V=State]
 * @param {Control<V>} control @param {V} state @returns {string | boolean}
 */
export function inputValue(control, state) {
  const v = state[control.key];
  return control.type === "checkbox" ? Boolean(v) : String(v);
}

/** Every setting's default, by key: its type is the input's. @type {Readonly<Record<string, unknown>>} */
const DEFAULTS = { ...DEFAULT_STATE, ...DEFAULT_ADJUST, ...DEFAULT_EXPORT, ...DEFAULT_BRUSH };

/**
 * The reverse: what an input holds (`checked` for checkboxes, else `value`) as
 * the State value, with the State's type (numbers for ranges and weights).
 * @template {object} [V=State]
 * @template {keyof V} [K=keyof V]
 * @param {Control<V> & { key: K}} control @param {string | boolean} raw @returns {V[K]}
 */
export function parseInput(control, raw) {
  const kind = typeof DEFAULTS[control.key];
  const value = kind === "number" ? Number(raw) : kind === "boolean" ? Boolean(raw) : String(raw);
  return /** @type {V[K]} */ (/** @type {unknown} */ (value));
}

/** The value shown next to a range ("18%", "-8°"); "" for other types. @template {object} [V=State] @param {Control<V>} control @param {V} state */
export function displayValue(control, state) {
  return control.type === "range" ? `${state[control.key]}${control.unit ?? ""}` : "";
}

// ---- The project: New, Save project, Open project (persistence.js keeps the work).

/**
 * A button acting on the whole work; `id` names the editor's method it calls.
 * @typedef {{id: "newWork" | "saveProject", label: string, testid: string, title: string}} ProjectButton
 */
/** The project's buttons, in order; each frontend renders them, then OPEN_PROJECT. @type {readonly ProjectButton[]} */
export const PROJECT_ACTIONS = [
  { id: "newWork", label: "New", testid: "new", title: "Start again with no photo (Undo brings the last picture back)" },
  { id: "saveProject", label: "Save project", testid: "save-project", title: "Download the whole picture as one file that opens in any browser: the photo, its cut-out, the layers and your fonts" },
];
/**
 * Opening a saved project (its photo, layers and fonts replace the current ones): a button,
 * `button` its data-testid, that opens a hidden file input, `testid` its data-testid.
 */
export const OPEN_PROJECT = Object.freeze({ label: "Open project", button: "choose-project", testid: "open-project", accept: ".json,application/json" });
