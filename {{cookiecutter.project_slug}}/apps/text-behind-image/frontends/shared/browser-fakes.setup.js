// @ts-check
// The browser's APIs that the editor's modules use, for their unit tests in Node: Vitest
// runs this module before every test file (test.setupFiles in the Vitest config), so each
// test finds them as a page or a worker would. @napi-rs/canvas (Skia, prebuilt binaries, no
// browser) backs them: the tests check real pixels and real fonts. Its canvases are not DOM
// types, hence the casts.
import { GlobalFonts, createCanvas, loadImage } from "@napi-rs/canvas";

const g = /** @type {any} */ (globalThis);
// A canvas without a page (makeCanvas's, where there is no document).
g.OffscreenCanvas ??= class {
  /** @param {number} w @param {number} h */
  constructor(w, h) { return createCanvas(w, h); }
};
// A picture decoded from a file; what is no picture is refused.
g.createImageBitmap ??= async (/** @type {Blob} */ blob) => loadImage(new Uint8Array(await blob.arrayBuffer()));
// FontFace: a face loads its file (a file: URL here, or bytes) into @napi-rs/canvas, which then
// draws with it, as a browser draws with the faces in document.fonts. A face it cannot read is
// refused in the browser's words (whatever the cause), and the file named, for a failing test.
g.FontFace ??= class {
  /** @param {string} family @param {string | ArrayBuffer} source */
  constructor(family, source) { Object.assign(this, { family, source }); }
  async load() {
    const { family, source } = /** @type {{ family: string, source: string | ArrayBuffer }} */ (/** @type {unknown} */ (this));
    const url = typeof source === "string" ? /^url\("file:\/\/(.*)"\)$/.exec(source)?.[1] : null;
    const loaded = url ? GlobalFonts.registerFromPath(decodeURIComponent(url), family) : GlobalFonts.register(g.Buffer.from(source), family);
    if (!loaded) throw new Error(`A network error occurred. (${url ?? "these bytes"}: no font @napi-rs/canvas can read)`);
    return this;
  }
};
// The worker's font set (a page has document.fonts): the faces are @napi-rs/canvas's once loaded.
g.fonts ??= { add() {} };
