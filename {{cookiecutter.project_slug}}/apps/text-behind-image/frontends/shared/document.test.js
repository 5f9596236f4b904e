// @ts-check
// Unit tests of the document (text layers) and its undo history, in Node by
// Vitest. Pure data: the pixels are editor-core.test.js's.
import { describe, expect, it } from "vitest";
import { ACTIONS, ADD_TEXT, CHOOSE_PHOTO, CONTROLS, EMPTY_STAGE, OPEN_PROJECT, TESTIDS, layerItems } from "./controls.js";
import {
  addLayer, createDoc, createHistory, deleteLayer, duplicateLayer, historyShortcut, layerActions,
  listKeyTarget, moveLayer, reorderLayer, selectLayer, selectedLayer, updateLayer, withPhoto,
} from "./document.js";

/** @import { Doc } from "./document.js" */

const SIZE = { width: 400, height: 200 };
const onPhoto = () => withPhoto(createDoc(), 1, SIZE);
/** @param {Doc} doc */
const texts = (doc) => doc.layers.map((l) => l.text);

describe("layers", () => {
  it("start as one default text, centred once there is a photo, and selected", () => {
    const doc = onPhoto();
    expect(doc.layers).toHaveLength(1);
    expect(doc.selected).toBe(doc.layers[0].id);
    expect([doc.layers[0].x, doc.layers[0].y, doc.layers[0].front]).toEqual([200, 100, false]);
  });

  it("are added centred on top, and duplicated just above, each new one selected", () => {
    let doc = updateLayer(onPhoto(), onPhoto().layers[0].id, {}); // no change, same doc
    const first = doc.layers[0];
    doc = moveLayer(updateLayer(doc, first.id, { text: "ONE", color: "#ff0000" }), first.id, -50, 0);
    doc = addLayer(doc);
    expect(texts(doc)).toEqual(["ONE", "HELLO"]);
    expect(selectedLayer(doc)).toMatchObject({ x: 200, y: 100, color: "#ffffff" });
    doc = duplicateLayer(selectLayer(doc, first.id));
    expect(texts(doc)).toEqual(["ONE", "ONE", "HELLO"]);
    const copy = doc.layers[1];
    expect(doc.selected).toBe(copy.id);
    expect(copy.id).not.toBe(first.id);
    expect([copy.color, copy.x, copy.y]).toEqual(["#ff0000", 150 + 12, 100 + 12]); // 3% of the width aside
  });

  it("are deleted (the one below is selected next) and reordered", () => {
    let doc = addLayer(addLayer(onPhoto()));
    const [a, b, c] = doc.layers;
    expect(layerActions(doc)).toMatchObject({ moveLayerUp: false, moveLayerDown: true });
    doc = reorderLayer(doc, -1);
    expect(doc.layers.map((l) => l.id)).toEqual([a.id, c.id, b.id]);
    const bottom = selectLayer(doc, a.id);
    expect(reorderLayer(bottom, -1)).toBe(bottom); // already at the bottom: no change
    doc = deleteLayer(doc); // c, now in the middle
    expect(doc.layers.map((l) => l.id)).toEqual([a.id, b.id]);
    expect(doc.selected).toBe(a.id);
    doc = deleteLayer(deleteLayer(doc));
    expect(doc.layers).toEqual([]);
    expect(doc.selected).toBeNull();
    expect(layerActions(doc)).toEqual({
      addLayer: true, duplicateLayer: false, deleteLayer: false, moveLayerUp: false, moveLayerDown: false,
      resetRefine: false,
    });
  });

  it("keep their place relative to the picture on a new photo", () => {
    let doc = onPhoto();
    doc = moveLayer(doc, doc.layers[0].id, 100, -50); // at (300, 50) of 400 x 200
    doc = withPhoto(doc, 2, { width: 800, height: 600 });
    expect([doc.photo, doc.layers[0].x, doc.layers[0].y]).toEqual([2, 600, 150]);
  });

  it("are listed top first and picked with the arrow keys", () => {
    let doc = updateLayer(addLayer(onPhoto()), onPhoto().layers[0].id, {});
    doc = updateLayer(doc, doc.layers[1].id, { text: "A very long line of text, too long\nsecond", front: true });
    expect(layerItems(doc.layers).map((i) => i.label)).toEqual(["A very long line of tex… · in front", "HELLO"]);
    const [bottom, top] = doc.layers;
    expect(listKeyTarget(doc, "ArrowDown")).toBe(bottom.id);
    expect(listKeyTarget(selectLayer(doc, bottom.id), "ArrowDown")).toBe(bottom.id); // stays at the end
    expect(listKeyTarget(selectLayer(doc, bottom.id), "ArrowUp")).toBe(top.id);
    expect(listKeyTarget(doc, "End")).toBe(bottom.id);
    expect(listKeyTarget(doc, "a")).toBeNull();
  });

  it("have a control, and buttons with their own data-testid", () => {
    expect(CONTROLS.find((c) => c.key === "front")).toMatchObject({ type: "checkbox", testid: "layer-front" });
    const ids = [ADD_TEXT, ...ACTIONS, CHOOSE_PHOTO, EMPTY_STAGE].map((a) => a.testid).concat(OPEN_PROJECT.button);
    for (const id of ["add-layer", "duplicate-layer", "delete-layer", "undo", "redo", "choose-photo"]) expect(ids).toContain(id);
    expect(Object.values(TESTIDS)).toEqual(expect.arrayContaining(["layer-list", "layer-item"]));
    expect(new Set([...ids, ...CONTROLS.map((c) => c.testid), ...Object.values(TESTIDS)]).size)
      .toBe(ids.length + CONTROLS.length + Object.values(TESTIDS).length);
  });
});

describe("history", () => {
  /** A history of numbers with a clock the test moves. */
  function numbers() {
    let t = 0;
    const history = createHistory(0, { limit: 100, now: () => t });
    return { history, tick: (/** @type {number} */ ms) => { t += ms; } };
  }

  it("undoes and redoes, and a new change drops the redo steps", () => {
    const { history } = numbers();
    history.commit(1);
    history.commit(2);
    expect(history.undo()).toBe(true);
    expect(history.present).toBe(1);
    expect(history.redo()).toBe(true);
    expect(history.present).toBe(2);
    history.undo();
    history.commit(3);
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBe(false);
    history.undo();
    expect(history.present).toBe(1);
    history.undo();
    expect(history.undo()).toBe(false);
    expect([history.present, history.canUndo]).toEqual([0, false]);
  });

  it("makes one step of a drag, and of a slider moved, however many changes", () => {
    const { history, tick } = numbers();
    for (let i = 1; i <= 300; i++) { history.commit(i, "drag:1"); tick(16); }
    history.commit(301, "drag:2"); // the next drag: a new step
    for (let i = 302; i <= 310; i++) { history.commit(i, "set:fontSize", 1000); tick(100); }
    tick(1500);
    history.commit(311, "set:fontSize", 1000); // the same slider later: a new step
    history.seal();
    history.commit(312, "set:fontSize", 1000); // sealed (a new gesture): a new step
    const seen = [history.present];
    while (history.undo()) seen.push(history.present);
    expect(seen).toEqual([312, 311, 310, 301, 300, 0]);
  });

  it("keeps at most `limit` steps", () => {
    const history = createHistory(0, { limit: 100 });
    for (let i = 1; i <= 150; i++) history.commit(i);
    let undos = 0;
    while (history.undo()) undos++;
    expect([undos, history.present]).toEqual([100, 50]);
    expect(history.entries()).toHaveLength(101);
  });

  it("lists its steps oldest first with the present's index, and takes a whole history back", () => {
    const { history } = numbers();
    for (const n of [1, 2, 3]) history.commit(n);
    history.undo();
    history.undo();
    expect([history.entries(), history.at]).toEqual([[0, 1, 2, 3], 1]);
    const restored = createHistory(-1);
    restored.reset(history.entries(), history.at); // as after a reload
    expect([restored.present, restored.canUndo, restored.canRedo]).toEqual([1, true, true]);
    restored.redo();
    restored.redo();
    expect([restored.present, restored.redo()]).toEqual([3, false]);
    while (restored.undo());
    expect(restored.present).toBe(0);
  });

  it("replaces the present without a step (a selection)", () => {
    const { history } = numbers();
    history.commit(1);
    history.replace(2);
    history.undo();
    expect(history.present).toBe(0);
    history.redo();
    expect(history.present).toBe(2);
  });

  it("reads the keyboard shortcuts, leaving text fields their own undo", () => {
    expect(historyShortcut({ key: "z", ctrlKey: true })).toBe("undo");
    expect(historyShortcut({ key: "z", metaKey: true })).toBe("undo");
    expect(historyShortcut({ key: "Z", ctrlKey: true, shiftKey: true })).toBe("redo");
    expect(historyShortcut({ key: "z", metaKey: true, shiftKey: true })).toBe("redo");
    expect(historyShortcut({ key: "y", ctrlKey: true })).toBe("redo");
    expect(historyShortcut({ key: "z" })).toBeNull();
    expect(historyShortcut({ key: "x", ctrlKey: true })).toBeNull();
    const field = /** @type {EventTarget} */ (/** @type {unknown} */ ({ tagName: "TEXTAREA" }));
    const slider = /** @type {EventTarget} */ (/** @type {unknown} */ ({ tagName: "INPUT", type: "range" }));
    expect(historyShortcut({ key: "z", ctrlKey: true, target: field })).toBeNull();
    expect(historyShortcut({ key: "z", ctrlKey: true, target: slider })).toBe("undo");
  });
});
