// @ts-check
// Unit tests of the project file format, the browser copy's records and the
// autosave, in Node by Vitest. IndexedDB itself is the browser's: the browser
// tests (tests/test_frontend.py) reload real pages.
import { afterEach, describe, expect, it, vi } from "vitest";
import { OPEN_PROJECT, PROJECT_ACTIONS } from "./controls.js";
import { addLayer, adjustPhoto, createDoc, updateLayer, withPhoto } from "./document.js";
import { DEFAULT_ADJUST, DEFAULT_STATE } from "./editor-core.js";
import {
  FormatError, MAX_PROJECT_BYTES, PROJECT_FORMAT, PROJECT_VERSION, createAutosave, documentData, historyData, keptSteps,
  parseProject as parse, readProjectFile, readWork, storageError, withProject,
} from "./persistence.js";

/** @import { Doc } from "./document.js" */
/** @import { Storage, Work } from "./persistence.js" */

const SIZE = { width: 400, height: 200 };
/** Two layers on a 400 x 200 photo: "ONE" red at (100, 50), "TWO" in front, selected. */
function twoLayers() {
  let doc = withPhoto(createDoc(), 1, SIZE);
  doc = updateLayer(doc, doc.layers[0].id, { text: "ONE", color: "#ff0000", x: 100, y: 50 });
  doc = addLayer(doc);
  return updateLayer(doc, /** @type {string} */ (doc.selected), { text: "TWO", front: true, fontSize: 30 });
}
/** @param {Doc} doc */
const settings = (doc) => doc.layers.map(({ id, ...state }) => state);
// Version 1 project files (project.test.js has version 2's): the layers, the selection and the
// adjustments at the top level, no photo. Files of this version still open.
/** @param {Doc} doc */
const projectData = (doc) => {
  const { size, selected, layers, adjust } = documentData(doc);
  return { format: PROJECT_FORMAT, version: 1, size, selected, layers, adjust };
};
/** @param {Doc} doc */
const projectJson = (doc) => JSON.stringify(projectData(doc), null, 2);
/** @param {string} text */
const parseProject = (text) => parse(text).project;
const valid = () => JSON.parse(projectJson(twoLayers()));
/** @param {(data: any) => void} spoil */
const spoiled = (spoil) => { const data = valid(); spoil(data); return JSON.stringify(data); };

describe("project file, version 1", () => {
  it("round-trips the layers, their order, the selection and the photo's size", () => {
    const doc = twoLayers();
    const text = projectJson(doc);
    expect(JSON.parse(text)).toMatchObject({ format: PROJECT_FORMAT, version: 1, size: SIZE, selected: 1 });
    const project = parseProject(text);
    expect(project.size).toEqual(SIZE);
    expect(project.layers.map(({ id, ...s }) => s)).toEqual(settings(doc));
    expect(project.selected).toBe(project.layers[1].id);
    // New ids: no clash with the session's layers.
    expect(project.layers.map((l) => l.id)).not.toContain(doc.layers[0].id);
  });

  it("round-trips a gradient layer and the photo's adjustments", () => {
    let doc = twoLayers();
    doc = updateLayer(doc, doc.layers[0].id, { fill: "gradient", color2: "#00ff00", gradientAngle: 135 });
    doc = adjustPhoto(doc, { brightness: 140, blur: 2.5 });
    const project = parseProject(projectJson(doc));
    expect(project.layers[0]).toMatchObject({ fill: "gradient", color: "#ff0000", color2: "#00ff00", gradientAngle: 135 });
    expect(project.adjust).toEqual({ ...DEFAULT_ADJUST, brightness: 140, blur: 2.5 });
    // Opened onto another document (a reload, or Open project): both come back.
    const opened = withProject(createDoc(), project);
    expect(opened.adjust).toEqual(project.adjust);
    expect(settings(opened)).toEqual(settings(doc));
    // And through the browser's copy too.
    const kept = readWork({ history: historyData([doc], 0, () => null) });
    expect(kept?.steps[0].project.adjust).toEqual(project.adjust);
  });

  it("opens a file saved before the adjustments existed with none (its version is the same)", () => {
    const project = parseProject(spoiled((d) => { delete d.adjust; delete d.layers[0].fill; }));
    expect(project.adjust).toEqual(DEFAULT_ADJUST);
    expect(project.layers[0].fill).toBe("solid");
    expect(parseProject(spoiled((d) => { d.adjust = { contrast: 80 }; })).adjust).toEqual({ ...DEFAULT_ADJUST, contrast: 80 });
  });

  it("opens onto another photo at the same place relative to the picture, as one document", () => {
    const project = parseProject(projectJson(twoLayers()));
    const other = withPhoto(createDoc(), 7, { width: 800, height: 600 });
    const doc = withProject(other, project);
    expect(doc.photo).toBe(7);
    expect(doc.size).toEqual({ width: 800, height: 600 });
    expect(doc.layers.map((l) => [l.text, l.x, l.y])).toEqual([["ONE", 200, 150], ["TWO", 400, 300]]);
    expect(doc.selected).toBe(project.selected);
  });

  it("opens with no photo yet, keeping its size so that the next photo places the layers alike", () => {
    const doc = withProject(createDoc(), parseProject(projectJson(twoLayers())));
    expect([doc.photo, doc.size]).toEqual([0, SIZE]);
    const placed = withPhoto(doc, 2, { width: 200, height: 100 });
    expect(placed.layers.map((l) => [l.x, l.y])).toEqual([[50, 25], [100, 50]]);
  });

  it("gives a setting the file lacks its default, and ignores keys it does not know", () => {
    const project = parseProject(spoiled((d) => {
      delete d.layers[0].shadowColor;
      d.layers[0].sparkle = true;
    }));
    expect(project.layers[0].shadowColor).toBe(DEFAULT_STATE.shadowColor);
    expect(project.layers[0]).not.toHaveProperty("sparkle");
  });

  it("reads a project saved before any photo (no size) or with no layer", () => {
    expect(parseProject(projectJson(createDoc())).size).toBeNull();
    const empty = parseProject(spoiled((d) => { d.layers = []; d.selected = null; }));
    expect([empty.layers, empty.selected]).toEqual([[], null]);
  });

  /** @type {[string, string, RegExp][]} */
  const BAD = [
    ["not JSON", "{ layers: [", /not JSON/],
    ["JSON, not an object", "[1, 2]", /not a Text Behind Image project file/],
    ["another format", spoiled((d) => { d.format = "something-else"; }), /not a Text Behind Image project file/],
    ["a newer version", spoiled((d) => { d.version = PROJECT_VERSION + 1; }), /version 3, from a newer editor; this one reads versions 1 to 2/],
    ["no version", spoiled((d) => { delete d.version; }), /unknown format version/],
    ["version 0", spoiled((d) => { d.version = 0; }), /unknown format version \(0\)/],
    ["layers not a list", spoiled((d) => { d.layers = { a: 1 }; }), /damaged: "layers" is not a list/],
    ["a layer not an object", spoiled((d) => { d.layers[1] = "TWO"; }), /damaged: layer 2 is not a set of settings/],
    ["a wrong type", spoiled((d) => { d.layers[0].fontSize = "big"; }), /damaged: layer 1's "fontSize" is not a number/],
    ["not a finite number", projectJson(twoLayers()).replace('"x": 100', '"x": 1e999'), /damaged: layer 1's "x" is not a number/],
    ["a null setting", spoiled((d) => { d.layers[0].color = null; }), /damaged: layer 1's "color" is not a string/],
    ["adjustments not an object", spoiled((d) => { d.adjust = [1]; }), /damaged: "adjust" is not a set of photo adjustments/],
    ["an adjustment of the wrong type", spoiled((d) => { d.adjust.blur = "soft"; }), /damaged: the photo adjustment "blur" is not a number/],
    ["a bad size", spoiled((d) => { d.size = { width: -3, height: 2 }; }), /damaged: "size"/],
    ["a selection out of range", spoiled((d) => { d.selected = 5; }), /damaged: "selected"/],
  ];
  it.each(BAD)("refuses %s with its message", (_, text, message) => {
    expect(() => parseProject(text)).toThrow(FormatError);
    expect(() => parseProject(text)).toThrow(message);
  });

  it("refuses a file too big to be one, before reading it", async () => {
    const big = new Blob(["x".repeat(MAX_PROJECT_BYTES + 1)]);
    await expect(readProjectFile(big)).rejects.toThrow(/too big/);
    await expect(readProjectFile(new Blob([projectJson(twoLayers())]))).resolves.toHaveProperty("project.size", SIZE);
  });
});

describe("the browser's copy", () => {
  const png = new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" });
  const image = { version: 1, photo: png, matte: null };
  /** Three steps: two layers on photo 1, then one edited, then photo 2. */
  function session() {
    const a = twoLayers(), b = updateLayer(a, a.layers[0].id, { text: "EDITED" }), c = withPhoto(b, 2, { width: 800, height: 400 });
    return [a, b, c];
  }
  const keyOf = (/** @type {number} */ photo) => `key-${photo}`;

  it("reads the undo history back: every step, the present, each layer the same layer throughout", () => {
    const steps = session();
    const data = structuredClone(historyData(steps, 1, keyOf)); // as IndexedDB stores it
    const work = /** @type {Work} */ (readWork({ history: data, photos: new Map([["key-1", image], ["key-2", image]]) }));
    expect(work.at).toBe(1);
    expect(work.steps.map((s) => s.photo)).toEqual(["key-1", "key-1", "key-2"]);
    expect(work.steps.map((s) => s.project.layers[0].text)).toEqual(["ONE", "EDITED", "EDITED"]);
    expect(work.steps[2].project.size).toEqual({ width: 800, height: 400 });
    const ids = work.steps.map((s) => s.project.layers.map((l) => l.id));
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
    expect(new Set(ids[0]).size).toBe(2);
    expect(work.steps[0].project.selected).toBe(ids[0][1]); // "TWO" was selected
    expect(work.images.get("key-2")).toEqual({ photo: png, matte: null });
    expect(work.legacy).toBe(false);
    expect(readWork({})).toBeNull(); // nothing kept
  });

  it("reads a history kept before project files held the photo (each step a version 1 project)", () => {
    const steps = session(), data = structuredClone(historyData(steps, 1, keyOf));
    const old = { ...data, version: 1, steps: data.steps.map(({ ids, photo }, i) => ({ project: projectData(steps[i]), ids, photo })) };
    const work = /** @type {Work} */ (readWork({ history: old, photos: new Map([["key-1", image], ["key-2", image]]) }));
    expect(work.steps.map((s) => s.project.layers.map((l) => l.text))).toEqual([["ONE", "TWO"], ["EDITED", "TWO"], ["EDITED", "TWO"]]);
    expect(work.at).toBe(1);
  });

  it("reads the records of the version that kept no history as one step", () => {
    const work = readWork({ layers: projectData(twoLayers()), images: image });
    expect(work?.legacy).toBe(true);
    expect(work?.steps.map((s) => s.project.layers.map((l) => l.text))).toEqual([["ONE", "TWO"]]);
    expect(work?.images.get(/** @type {string} */ (work.steps[0].photo))).toEqual({ photo: png, matte: null });
    expect(readWork({ layers: projectData(createDoc()) })?.steps[0].photo).toBeNull();
  });

  it("refuses damaged or other-version records", () => {
    const good = () => structuredClone(historyData(session(), 2, keyOf));
    const photos = new Map([["key-1", image], ["key-2", image]]);
    expect(() => readWork({ layers: undefined, images: image })).toThrow(FormatError);
    expect(() => readWork({ layers: projectData(twoLayers()), images: { ...image, version: 0 } })).toThrow(FormatError);
    expect(() => readWork({ layers: projectData(twoLayers()), images: { ...image, photo: "photo.jpg" } })).toThrow(FormatError);
    expect(() => readWork({ layers: { ...projectData(twoLayers()), version: 0 } })).toThrow(/unknown format version/);
    expect(() => readWork({ history: good(), photos: new Map([["key-1", image]]) })).toThrow(/undo history.*damaged/); // a photo gone
    expect(() => readWork({ history: { ...good(), version: 3 }, photos })).toThrow(FormatError);
    expect(() => readWork({ history: { ...good(), at: 3 }, photos })).toThrow(FormatError);
    const noIds = good();
    noIds.steps[0].ids.pop();
    expect(() => readWork({ history: noIds, photos })).toThrow(FormatError);
    const badLayer = good();
    /** @type {any} */ (badLayer.steps[1].document).layers[0].fontSize = "big";
    expect(() => readWork({ history: badLayer, photos })).toThrow(/layer 1's "fontSize"/);
    /** @type {Map<string, unknown>} */
    const spoilt = new Map([["key-1", image]]);
    spoilt.set("key-2", { ...image, matte: "x" });
    expect(() => readWork({ history: good(), photos: spoilt })).toThrow(FormatError);
  });

  it("keeps the steps around the present that name at most three photos, the undo side first", () => {
    const steps = [1, 1, 2, 0, 3, 4, 4, 5].map((photo) => ({ photo }));
    expect(keptSteps(steps, 5)).toEqual({ steps: steps.slice(2, 7), at: 3 }); // photos 2, 3, 4 (0 is no photo)
    expect(keptSteps(steps, 0)).toEqual({ steps: steps.slice(0, 5), at: 0 }); // photos 1, 2, 3, not 4
    expect(keptSteps(steps, 7, 1)).toEqual({ steps: steps.slice(7), at: 0 });
  });
});

describe("autosave", () => {
  afterEach(() => { vi.useRealTimers(); });

  /** A Storage in memory that records each save; `fail` makes the next saves throw. */
  function memory() {
    /** @type {Parameters<Storage["save"]>[0][]} */
    const saves = [];
    let fail = false;
    /** @type {Storage} */
    const storage = {
      load: async () => null,
      save: async (parts) => {
        if (fail) throw Object.assign(new Error("quota"), { name: "QuotaExceededError" });
        saves.push(parts);
      },
      clear: async () => {},
      fonts: async () => [],
      addFont: async () => {},
    };
    return { storage, saves, failNext: (/** @type {boolean} */ on) => { fail = on; } };
  }
  const photo = new Blob(["photo"]), matte = new Blob(["matte"]), other = new Blob(["other"]);
  /** The editor's photos, as createAutosave asks for them: photo 1, and photo 2 once chosen. */
  const files = new Map([[1, { key: "k1", photo, matte: /** @type {Blob | null} */ (null) }]]);
  const photoOf = (/** @type {number} */ id) => files.get(id) ?? null;
  afterEach(() => {
    files.clear();
    files.set(1, { key: "k1", photo, matte: null });
  });

  it("writes a burst of changes once, a photo's files only when they change", async () => {
    vi.useFakeTimers();
    const { storage, saves } = memory();
    const autosave = createAutosave(storage, { delay: 300 });
    let doc = twoLayers();
    const steps = [doc];
    autosave.update(steps, 0, photoOf);
    doc = updateLayer(doc, doc.layers[0].id, { text: "ON" });
    steps.push(doc);
    autosave.update(steps, 1, photoOf);
    doc = updateLayer(doc, doc.layers[0].id, { text: "O" });
    autosave.update([...steps, doc], 2, photoOf);
    expect(saves).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(saves).toHaveLength(1);
    expect(saves[0].history).toEqual(historyData([...steps, doc], 2, () => "k1"));
    expect(saves[0].images).toEqual(new Map([["k1", { photo, matte: null }]]));

    files.set(1, { key: "k1", photo, matte }); // the matte arrived: that photo only
    autosave.update([...steps, doc], 2, photoOf);
    await autosave.flush();
    expect(saves[1]).toEqual({ images: new Map([["k1", { photo, matte }]]) });
    autosave.update([...steps, doc], 2, photoOf); // nothing new: nothing written
    await autosave.flush();
    expect(saves).toHaveLength(2);
    autosave.update([...steps, doc], 1, photoOf); // an undo: the history only
    await autosave.flush();
    expect(saves[2]).toEqual({ history: historyData([...steps, doc], 1, () => "k1") });

    // Photos 2, 3, 4 chosen one after another: the first falls out of the kept steps, and goes.
    const on = [2, 3, 4].map((id) => withPhoto(doc, id, SIZE));
    for (const id of [2, 3, 4]) files.set(id, { key: `k${id}`, photo: other, matte: null });
    autosave.update([...steps, doc, ...on], 5, photoOf);
    await autosave.flush();
    expect(saves[3].history).toEqual(historyData(on, 2, (id) => `k${id}`));
    expect(saves[3].images).toEqual(new Map([
      ["k2", { photo: other, matte: null }], ["k3", { photo: other, matte: null }], ["k4", { photo: other, matte: null }], ["k1", null],
    ]));
  });

  it("writes nothing for what the storage holds already (a restore)", async () => {
    const { storage, saves } = memory();
    const autosave = createAutosave(storage);
    const steps = [twoLayers()];
    autosave.stored(steps, 0, photoOf);
    autosave.update(steps, 0, photoOf);
    await autosave.flush();
    expect(saves).toHaveLength(0);
  });

  it("reports each failed write, and writes everything again once it works", async () => {
    const { storage, saves, failNext } = memory();
    const onError = vi.fn();
    const autosave = createAutosave(storage, { onError });
    failNext(true);
    files.set(1, { key: "k1", photo, matte });
    autosave.update([twoLayers()], 0, photoOf);
    await autosave.flush();
    autosave.update([createDoc()], 0, photoOf);
    await autosave.flush();
    expect(onError).toHaveBeenCalledTimes(2);
    expect(storageError(onError.mock.calls[0][0])).toMatch(/storage is full.*lost on reload.*Save project/);
    failNext(false);
    const doc = twoLayers();
    autosave.update([doc], 0, photoOf);
    await autosave.flush();
    expect(saves).toEqual([{ history: historyData([doc], 0, () => "k1"), images: new Map([["k1", { photo, matte }]]) }]);
  });
});

describe("controls", () => {
  it("describe New, Save project and Open project with their data-testids", () => {
    expect(PROJECT_ACTIONS.map((a) => [a.id, a.testid])).toEqual([["newWork", "new"], ["saveProject", "save-project"]]);
    expect(OPEN_PROJECT.testid).toBe("open-project");
  });
});
