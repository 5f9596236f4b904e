// @ts-check
// The photo store: every photo the editor's undo history names, decoded for the
// screen, with the file it came from and, once the backend sent it, its matte.
// A Doc holds only a photo's id (document.js), so an undo can go back to an
// earlier photo, matte and all, without decoding it again:
//
//   const opened = await photos.open(file); // { id, picture, input } or null (a newer file came)
//   photos.add(opened.id, opened.picture, file);
//   photos.setMatte(opened.id, matte);      // when the backend answered
//   photos.keepOnly(idsTheHistoryNames);    // after each change: the rest is forgotten

import { canvasToBlob, context2d, fitWithin, imageSize, makeCanvas } from "./editor-core.js";
import { checkPixels } from "./persistence.js";

/** @import { Picture } from "./editor-core.js" */
/** @import { Images, KeptPhoto } from "./persistence.js" */
/**
 * One photo: `picture` for the screen (maybe a reduced decode: decodeForScreen), `file` as
 * the user gave it, and the `matte` (alpha = subject) with its PNG `matteFile` once the
 * backend answered. `key` names it in the browser's copy of the work, across reloads.
 * @typedef {{ key: string, picture: Picture, file: Blob, matte: Picture | null, matteFile: Blob | null }} Photo
 */

export const MODEL_MAX_SIDE = 1024; // the backend's matte is <= 1024 px: a bigger upload only costs time

/** A file that is not an image the browser can decode. */
export class NotAnImage extends Error {}

/** A key no other photo has, in this browser's copy or any later one. */
const newKey = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export function createPhotos() {
  /** @type {Map<number, Photo>} */
  const photos = new Map();
  let latest = 0; // the last id given: bumps on each file, so a slower, older decode is dropped

  return {
    /** @param {number} id */
    get: (id) => photos.get(id),
    /** Whether a file was ever given (then the browser's copy is not restored over it). */
    get touched() { return latest > 0; },

    /**
     * Decodes a file for the screen and starts making the model's input from it (a JPEG of
     * 1024 px: tens of milliseconds). Null when a newer file came meanwhile; throws
     * NotAnImage when the file is not an image, OutOfBounds (persistence.js) when it has
     * more pixels than the editor opens. The photo is not stored yet: `add` does that.
     * @param {Blob} file @returns {Promise<{ id: number, picture: Picture, input: Promise<Blob> } | null>}
     */
    async open(file) {
      const id = ++latest;
      /** @type {Picture} */
      let picture;
      try {
        picture = await decodeForScreen(file);
      } catch {
        throw new NotAnImage("Could not read this file as an image. Try a JPEG, PNG or WebP photo.");
      }
      checkPixels(imageSize(picture), "photo", "The");
      const input = modelInput(file, picture);
      await input.catch(() => {}); // a failure is reported where the input is awaited (the upload)
      return id === latest ? { id, picture, input } : null;
    },

    /** Stores an opened photo. @param {number} id @param {Picture} picture @param {Blob} file */
    add(id, picture, file) {
      photos.set(id, { key: newKey(), picture, file, matte: null, matteFile: null });
    },

    /**
     * A photo's matte has arrived: kept even when an undo went back to an earlier photo
     * (a redo shows it). False when the photo is gone.
     * @param {number} id @param {{ picture: Picture, file: Blob }} matte
     */
    setMatte(id, { picture, file }) {
      const photo = photos.get(id);
      if (photo) Object.assign(photo, { matte: picture, matteFile: file });
      return Boolean(photo);
    },

    /** A photo's files, as the browser's copy keeps them. @param {number} id @returns {KeptPhoto | null} */
    kept(id) {
      const photo = photos.get(id);
      return photo ? { key: photo.key, photo: photo.file, matte: photo.matteFile } : null;
    },

    /** Forgets the photos no longer named. @param {Set<number>} ids */
    keepOnly(ids) {
      for (const id of photos.keys()) if (!ids.has(id)) photos.delete(id);
    },

    /**
     * Decodes the photos of the browser's copy (by key) and stores them, unless a file was given
     * meanwhile or `wanted()` turned false: then null, and nothing is stored. Their ids, by key.
     * Throws when a photo cannot be decoded, OutOfBounds when a picture has too many pixels.
     * @param {Map<string, Images>} images @param {() => boolean} wanted
     * @returns {Promise<Map<string, number> | null>}
     */
    async restore(images, wanted) {
      const decoded = await Promise.all([...images].map(async ([key, files]) => /** @type {const} */ (
        [key, await decodeForScreen(files.photo), files.matte && await createImageBitmap(files.matte), files])));
      for (const [, picture, matte] of decoded) {
        checkPixels(imageSize(picture), "photo", "its");
        if (matte) checkPixels(imageSize(matte), "matte", "its");
      }
      if (latest || !wanted()) return null;
      /** @type {Map<string, number>} */
      const ids = new Map();
      for (const [key, picture, matte, { photo: file, matte: matteFile }] of decoded) {
        ids.set(key, ++latest);
        photos.set(latest, { key, picture, file, matte, matteFile });
      }
      return ids;
    },
  };
}

/** @typedef {ReturnType<typeof createPhotos>} Photos */

/**
 * Decodes a photo for the screen, upright (EXIF applied, as the backend does). A
 * 12 MP JPEG takes ~150 ms in full, much less at 1/8 ... 7/8 of its size, which
 * WebCodecs' ImageDecoder picks when asked for a smaller box: at least twice the
 * model's size, at most what the screen shows (the export decodes the file in
 * full, in its worker). Other formats, or no ImageDecoder: decoded in full.
 * @param {Blob} file @returns {Promise<ImageBitmap>}
 */
export async function decodeForScreen(file) {
  if (file.type === "image/jpeg" && typeof ImageDecoder !== "undefined") {
    const box = Math.max(2 * MODEL_MAX_SIDE, Math.ceil(Math.max(screen.width, screen.height) * devicePixelRatio));
    const decoder = new ImageDecoder({ data: file.stream(), type: file.type, desiredWidth: box, desiredHeight: box });
    try {
      const { image } = await decoder.decode();
      try {
        return await createImageBitmap(image); // upright: the frame carries the EXIF orientation
      } finally {
        image.close();
      }
    } catch {
      // Not a JPEG after all (the type comes from the file name): decoded below.
    } finally {
      decoder.close();
    }
  }
  return createImageBitmap(file, { imageOrientation: "from-image" });
}

/**
 * What goes to the backend: the file itself, or a JPEG downscaled to the
 * model's size when the photo is bigger (a 12 MP photo would be ~5 MB).
 * @param {Blob} file @param {Picture} photo its decoded pixels (a reduced decode of a
 * bigger photo is still bigger than the model's size) @returns {Promise<Blob>}
 */
export async function modelInput(file, photo) {
  const { width, height } = imageSize(photo);
  if (Math.max(width, height) <= MODEL_MAX_SIDE) return file;
  const fit = fitWithin(width, height, MODEL_MAX_SIDE);
  const c = makeCanvas(fit.width, fit.height);
  context2d(c).drawImage(photo, 0, 0, fit.width, fit.height);
  const blob = await canvasToBlob(c, "image/jpeg", 0.92);
  return typeof File === "undefined" ? blob : new File([blob], "photo.jpg", { type: "image/jpeg" });
}
