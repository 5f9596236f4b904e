// @ts-check
// Unit tests of the photo store (photos.js), in Node by Vitest: @napi-rs/canvas
// (Skia) stands in for the browser's canvas and createImageBitmap
// (browser-fakes.setup.js).
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { MODEL_MAX_SIDE, NotAnImage, createPhotos, decodeForScreen, modelInput } from "./photos.js";

/** @import { Picture } from "./editor-core.js" */

/** A PNG file of a grey picture of this size. @param {number} width @param {number} height */
async function pngFile(width, height) {
  const c = createCanvas(width, height);
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#888";
  ctx.fillRect(0, 0, width, height);
  return new Blob([await c.encode("png")], { type: "image/png" });
}
/** @param {{ width: number, height: number }} p */
const sizeOf = (p) => [p.width, p.height];
const NOT_AN_IMAGE = new Blob(["not an image"], { type: "image/png" });

describe("decoding", () => {
  it("decodes a photo for the screen (in full without WebCodecs' ImageDecoder)", async () => {
    expect(sizeOf(await decodeForScreen(await pngFile(300, 200)))).toEqual([300, 200]);
    await expect(decodeForScreen(NOT_AN_IMAGE)).rejects.toThrow();
  });

  it("sends a small photo as it is, a bigger one as a JPEG of the model's size", async () => {
    const small = await pngFile(MODEL_MAX_SIDE, 500);
    expect(await modelInput(small, await decodeForScreen(small))).toBe(small);
    const big = await pngFile(3000, 1500);
    const input = await modelInput(big, await decodeForScreen(big));
    expect(input.type).toBe("image/jpeg");
    expect(/** @type {File} */ (input).name).toBe("photo.jpg");
    expect(sizeOf(await loadImage(new Uint8Array(await input.arrayBuffer())))).toEqual([1024, 512]);
  });
});

describe("createPhotos", () => {
  it("opens a file: its id, its picture and its model input; stored only once added", async () => {
    const photos = createPhotos();
    expect(photos.touched).toBe(false);
    const file = await pngFile(400, 200);
    const opened = await photos.open(file);
    expect(opened && [opened.id, sizeOf(opened.picture)]).toEqual([1, [400, 200]]);
    expect(await opened?.input).toBe(file);
    expect(photos.touched).toBe(true);
    expect(photos.get(1)).toBeUndefined();
    photos.add(1, /** @type {Picture} */ (opened?.picture), file);
    expect(photos.get(1)).toMatchObject({ picture: opened?.picture, file, matte: null, matteFile: null });
  });

  it("drops an older file's decode when a newer file came meanwhile", async () => {
    const photos = createPhotos();
    const [first, second] = await Promise.all([photos.open(await pngFile(3000, 1500)), photos.open(await pngFile(40, 20))]);
    expect(first).toBeNull();
    expect(second?.id).toBe(2);
  });

  it("says so when the file is not an image", async () => {
    const photos = createPhotos();
    const err = await photos.open(NOT_AN_IMAGE).catch((e) => e);
    expect(err).toBeInstanceOf(NotAnImage);
    expect(err.message).toBe("Could not read this file as an image. Try a JPEG, PNG or WebP photo.");
  });

  it("keeps each photo's matte and files for the browser's copy, and forgets the photos no longer named", async () => {
    const photos = createPhotos();
    const file = await pngFile(40, 20), matteFile = await pngFile(20, 10);
    const picture = await decodeForScreen(file), matte = await decodeForScreen(matteFile);
    photos.add(1, picture, file);
    photos.add(2, picture, file);
    const kept = photos.kept(1);
    expect(kept).toEqual({ key: expect.any(String), photo: file, matte: null });
    expect(photos.kept(2)?.key).not.toBe(kept?.key); // a key of its own, even for the same file
    expect(photos.setMatte(1, { picture: matte, file: matteFile })).toBe(true);
    expect(photos.get(1)?.matte).toBe(matte);
    expect(photos.kept(1)).toEqual({ ...kept, matte: matteFile });
    photos.keepOnly(new Set([0, 2]));
    expect([photos.get(1), photos.kept(1)]).toEqual([undefined, null]);
    expect(photos.setMatte(1, { picture: matte, file: matteFile })).toBe(false); // gone: nothing to set
    expect(photos.get(2)).toBeDefined();
  });

  it("restores the browser's copy under new ids, unless the user started meanwhile", async () => {
    const file = await pngFile(40, 20), matteFile = await pngFile(20, 10);
    const images = new Map([["a", { photo: file, matte: matteFile }], ["b", { photo: file, matte: null }]]);
    const photos = createPhotos();
    const ids = await photos.restore(images, () => true);
    expect(ids && [...ids]).toEqual([["a", 1], ["b", 2]]);
    expect(photos.get(1)).toMatchObject({ key: "a", file, matteFile });
    const matte = photos.get(1)?.matte;
    expect(matte && sizeOf(matte)).toEqual([20, 10]);
    expect(photos.get(2)).toMatchObject({ key: "b", matte: null, matteFile: null });
    expect(photos.kept(2)).toEqual({ key: "b", photo: file, matte: null }); // the same key: not written again

    const unwanted = createPhotos();
    expect(await unwanted.restore(images, () => false)).toBeNull();
    expect(unwanted.get(1)).toBeUndefined();
    const started = createPhotos(); // a file given while the copy was read
    const restoring = started.restore(images, () => true);
    await started.open(file);
    expect(await restoring).toBeNull();
    expect(started.get(1)).toBeUndefined();

    await expect(createPhotos().restore(new Map([["c", { photo: NOT_AN_IMAGE, matte: null }]]), () => true)).rejects.toThrow();
  });
});
