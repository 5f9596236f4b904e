// @ts-check
// Unit tests of the project file format, the browser copy's records and the
// autosave, in Node by Vitest. IndexedDB itself is the browser's: the browser
// tests (tests/test_frontend.py) reload real pages.
import { afterEach, describe, expect, it, vi } from "vitest";
import { OPEN_PROJECT, PROJECT_ACTIONS } from "./controls.js";
import { addLayer, adjustPhoto, createDoc, updateLayer, withPhoto } from "./document.js";
import { DEFAULT_ADJUST, DEFAULT_STATE } from "./editor-core.js";
import {
  FormatError, MAX_PROJECT_BYTES, PROJECT_FORMAT, PROJECT_VERSION, createAutosave, parseProject, projectData,
  projectJson, readProjectFile, readWork, storageError, withProject,
} from "./persistence.js";

/** @import { Doc } from "./document.js" */
/** @import { Storage } from "./persistence.js" */

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
const valid = () => JSON.parse(projectJson(twoLayers()));
/** @param {(data: any) => void} spoil */
const spoiled = (spoil) => { const data = valid(); spoil(data); return JSON.stringify(data); };

describe("project file", () => {
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
    expect(readWork(projectData(doc), undefined).project.adjust).toEqual(project.adjust);
  });

  it("opens a file saved before the adjustments existed with none (its version is the same)", () => {
    const project = parseProject(spoiled((d) => { delete d.adjust; delete d.layers[0].fill; }));
    expect(project.adjust).toEqual(DEFAULT_ADJUST);
    expect(project.layers[0].fill).toBe("solid");
    expect(parseProject(spoiled((d) => { d.adjust = { contrast: 80 }; })).adjust).toEqual({ ...DEFAULT_ADJUST, contrast: 80 });
  });

  it("holds the layers and the adjustments only, not the photo", () => {
    expect(Object.keys(valid()).sort()).toEqual(["adjust", "format", "layers", "selected", "size", "version"]);
    expect(Object.keys(valid().layers[0])).not.toContain("id");
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
    ["a newer version", spoiled((d) => { d.version = PROJECT_VERSION + 1; }), /version 2, from a newer editor; this one reads version 1/],
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
    await expect(readProjectFile(new Blob([projectJson(twoLayers())]))).resolves.toHaveProperty("size", SIZE);
  });
});

describe("the browser's copy", () => {
  const png = new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" });
  it("reads the layers and the images back", () => {
    const work = readWork(projectData(twoLayers()), { version: 1, photo: png, matte: null });
    expect(work.images).toEqual({ photo: png, matte: null });
    expect(work.project.layers.map((l) => l.text)).toEqual(["ONE", "TWO"]);
    expect(readWork(projectData(createDoc()), undefined).images).toBeNull();
  });

  it("refuses damaged or other-version records", () => {
    expect(() => readWork(undefined, { version: 1, photo: png, matte: null })).toThrow(FormatError);
    expect(() => readWork(projectData(twoLayers()), { version: 0, photo: png, matte: null })).toThrow(FormatError);
    expect(() => readWork(projectData(twoLayers()), { version: 1, photo: "photo.jpg", matte: null })).toThrow(FormatError);
    expect(() => readWork({ ...projectData(twoLayers()), version: 0 }, undefined)).toThrow(/unknown format version/);
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
    };
    return { storage, saves, failNext: (/** @type {boolean} */ on) => { fail = on; } };
  }
  const photo = new Blob(["photo"]), matte = new Blob(["matte"]);

  it("writes a burst of changes once, the images only when they change", async () => {
    vi.useFakeTimers();
    const { storage, saves } = memory();
    const autosave = createAutosave(storage, { delay: 300 });
    let doc = twoLayers();
    autosave.update(doc, { photo, matte: null });
    doc = updateLayer(doc, doc.layers[0].id, { text: "ON" });
    autosave.update(doc, { photo, matte: null });
    doc = updateLayer(doc, doc.layers[0].id, { text: "O" });
    autosave.update(doc, { photo, matte: null });
    expect(saves).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(saves).toHaveLength(1);
    expect(saves[0].project).toEqual(projectData(doc));
    expect(saves[0].images).toEqual({ photo, matte: null });

    autosave.update(doc, { photo, matte }); // the matte arrived: the images only
    await autosave.flush();
    expect(saves[1]).toEqual({ images: { photo, matte } });
    autosave.update(doc, { photo, matte }); // nothing new: nothing written
    await autosave.flush();
    expect(saves).toHaveLength(2);
    autosave.update(createDoc(), null); // New: the images go
    await autosave.flush();
    expect(saves[2]).toMatchObject({ images: null });
  });

  it("reports each failed write, and writes everything again once it works", async () => {
    const { storage, saves, failNext } = memory();
    const onError = vi.fn();
    const autosave = createAutosave(storage, { onError });
    failNext(true);
    autosave.update(twoLayers(), { photo, matte });
    await autosave.flush();
    autosave.update(createDoc(), null);
    await autosave.flush();
    expect(onError).toHaveBeenCalledTimes(2);
    expect(storageError(onError.mock.calls[0][0])).toMatch(/storage is full.*lost on reload.*Save project/);
    failNext(false);
    const doc = twoLayers();
    autosave.update(doc, { photo, matte });
    await autosave.flush();
    expect(saves).toEqual([{ project: projectData(doc), images: { photo, matte } }]);
  });
});

describe("controls", () => {
  it("describe New, Save project and Open project with their data-testids", () => {
    expect(PROJECT_ACTIONS.map((a) => [a.id, a.testid])).toEqual([["newWork", "new"], ["saveProject", "save-project"]]);
    expect(OPEN_PROJECT.testid).toBe("open-project");
  });
});
