// @ts-check
// What a step of the undo history did, in words: the status line says it after an
// undo or a redo ("Undid: moved HELLO"). Read from the step's two documents, so
// every kind of change has its words without each one being named where it is made.

import { CONTROLS, PHOTO_SECTION, layerName } from "./controls.js";

/** @import { Doc, Layer } from "./document.js" */

/** A label inside a sentence: "Colour" -> "colour", "3D depth" stays. @param {string} label */
const inSentence = (label) => (/^[A-Z][a-z]/.test(label) ? label[0].toLowerCase() + label.slice(1) : label);

/**
 * The change from one document to the next, as the end of a sentence: "moved HELLO",
 * "added HELLO", "changed the colour of HELLO", "changed the photo's brightness".
 * @param {Doc} before @param {Doc} after @returns {string}
 */
export function describeChange(before, after) {
  if (before.photo !== after.photo) {
    if (!after.photo) return "started a new picture";
    return before.photo ? "changed the photo" : "chose the photo";
  }
  const kept = (/** @type {Doc} */ d, /** @type {Doc} */ other) => d.layers.filter((l) => other.layers.some((o) => o.id === l.id));
  const added = after.layers.filter((l) => !before.layers.some((b) => b.id === l.id));
  const removed = before.layers.filter((l) => !after.layers.some((a) => a.id === l.id));
  if (added.length === 1 && !removed.length) return `added ${layerName(added[0])}`;
  if (removed.length === 1 && !added.length) return `deleted ${layerName(removed[0])}`;
  if (added.length || removed.length) return "replaced the text layers"; // a project opened
  const order = kept(before, after).map((l) => l.id), now = after.layers.map((l) => l.id);
  if (order.some((id, i) => id !== now[i])) {
    const layer = after.layers.find((l) => l.id === after.selected) ?? after.layers[0];
    return `moved ${layerName(layer)} ${now.indexOf(layer.id) > order.indexOf(layer.id) ? "up" : "down"}`;
  }
  for (const layer of after.layers) {
    const old = /** @type {Layer} */ (before.layers.find((l) => l.id === layer.id));
    if (old !== layer) {
      const said = layerChange(old, layer);
      if (said) return said;
    }
  }
  const adjusted = PHOTO_SECTION.controls.find((c) => before.adjust[c.key] !== after.adjust[c.key]);
  if (adjusted) return `changed the photo's ${inSentence(adjusted.label)}`;
  return "changed the picture";
}

/** One layer's change, or "" when none shows. @param {Layer} before @param {Layer} after */
function layerChange(before, after) {
  const changed = /** @type {(keyof Layer)[]} */ (Object.keys(after)).filter((k) => before[k] !== after[k]); // never the id
  const name = layerName(after);
  if (!changed.length) return "";
  if (changed.includes("x") || changed.includes("y")) return `moved ${name}`;
  if (changed.includes("text")) return `typed ${name}`;
  if (changed.includes("front")) return `put ${name} ${after.front ? "in front of" : "behind"} the subject`;
  const control = CONTROLS.find((c) => changed.includes(c.key));
  return control ? `changed the ${inSentence(control.label)} of ${name}` : `changed ${name}`;
}
