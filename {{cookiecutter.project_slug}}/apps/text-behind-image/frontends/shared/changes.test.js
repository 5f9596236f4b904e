// @ts-check
// Unit tests of what an undo or a redo says it did (changes.js), in Node by Vitest.
import { describe, expect, it } from "vitest";
import { describeChange } from "./changes.js";
import { addLayer, adjustPhoto, createDoc, deleteLayer, moveLayer, reorderLayer, updateLayer, withPhoto } from "./document.js";

/** @import { Doc } from "./document.js" */

const SIZE = { width: 400, height: 200 };
/** A photo and one text, HELLO. */
const start = () => withPhoto(createDoc(), 1, SIZE);
/** The selected layer's id. @param {Doc} doc */
const sel = (doc) => /** @type {string} */ (doc.selected);

describe("what a step did", () => {
  it("names each kind of change, and the text it changed", () => {
    const doc = start();
    expect(describeChange(createDoc(), doc)).toBe("chose the photo");
    /** @type {[Doc, string][]} */
    const steps = [
      [withPhoto(doc, 2, { width: 800, height: 400 }), "changed the photo"],
      [moveLayer(doc, sel(doc), 10, 0), "moved HELLO"],
      [updateLayer(doc, sel(doc), { text: "HEY" }), "typed HEY"],
      [updateLayer(doc, sel(doc), { color: "#ff0000" }), "changed the colour of HELLO"],
      [updateLayer(doc, sel(doc), { fontFamily: "pacifico" }), "changed the font of HELLO"],
      [updateLayer(doc, sel(doc), { depth: 10 }), "changed the 3D depth of HELLO"],
      [updateLayer(doc, sel(doc), { front: true }), "put HELLO in front of the subject"],
      [adjustPhoto(doc, { brightness: 120 }), "changed the photo's brightness"],
      [addLayer(doc), "added HELLO"],
      [deleteLayer(doc), "deleted HELLO"],
    ];
    for (const [after, words] of steps) expect(describeChange(doc, after)).toBe(words);
  });

  it("says which way a layer moved in the stack, and when the photo went", () => {
    const two = addLayer(start()); // HELLO, then a second HELLO on top, selected
    const renamed = updateLayer(two, sel(two), { text: "TOP" });
    expect(describeChange(renamed, reorderLayer(renamed, -1))).toBe("moved TOP down");
    expect(describeChange(reorderLayer(renamed, -1), renamed)).toBe("moved TOP up");
    expect(describeChange(renamed, createDoc())).toBe("started a new picture");
    const { layers: _, ...rest } = renamed;
    expect(describeChange(renamed, { ...rest, layers: createDoc().layers })).toBe("replaced the text layers"); // a project opened
    expect(describeChange(renamed, { ...renamed })).toBe("changed the picture"); // nothing it can name
  });
});
