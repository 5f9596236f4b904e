// @ts-check
// Exporting the picture as PNG, JPEG or WebP, at the photo's full size or a
// chosen long side: the formats, and the drawing and encoding of one export.
// Drawing and encoding a 12 MP picture takes a second or more: where the
// browser can, export-worker.js runs encodeJob off the main thread (editor.js
// sends it the job), so the page stays responsive.

import { canvasToBlob, renderExport } from "./editor-core.js";
import { loadFace } from "./fonts.js";

/** @import { Picture, State, Size, Adjust, Stroke } from "./editor-core.js" */
/** @import { FontSource } from "./fonts.js" */
/** @typedef {"png" | "jpeg" | "webp"} ExportFormat */
/**
 * The export's settings (not part of the document: not undone).
 * @typedef {{ format: ExportFormat, quality: number, longSide: number }} ExportOptions
 *   quality: 1-100, for JPEG and WebP; longSide: in pixels, 0 for the photo's full size
 */
/**
 * Everything one export needs: the pictures and the document's drawing data.
 * @typedef {object} ExportJob
 * @property {Picture | Blob} photo    the photo's file (decoded here, upright), or its pixels
 * @property {Picture | null} matte
 * @property {readonly State[]} layers
 * @property {Size} placedOn           the size the layers were placed on (the screen's photo)
 * @property {Adjust} adjust
 * @property {readonly Stroke[]} [refine]  the brush strokes over the matte (plain data: they travel to the worker)
 * @property {ExportOptions} options
 * @property {readonly FontSource[]} fonts  the layers' font files, as URLs: a worker has no page to
 *   find them from, nor the page's fonts (the page has loaded them: they come from its cache)
 */

/** @type {Readonly<ExportOptions>} */
export const DEFAULT_EXPORT = { format: "png", quality: 92, longSide: 0 };

/** @type {readonly { value: ExportFormat, label: string, type: string, ext: string, lossy: boolean }[]} */
export const EXPORT_FORMATS = [
  { value: "png", label: "PNG", type: "image/png", ext: "png", lossy: false },
  { value: "jpeg", label: "JPEG", type: "image/jpeg", ext: "jpg", lossy: true },
  { value: "webp", label: "WebP", type: "image/webp", ext: "webp", lossy: true },
];

/** @param {string} format */
export const exportFormat = (format) => EXPORT_FORMATS.find((f) => f.value === format) ?? EXPORT_FORMATS[0];

/** The download's file name: its extension follows the format. @param {ExportOptions} options @param {string} [base] */
export const exportFileName = (options, base = "text-behind-image") => `${base}.${exportFormat(options.format).ext}`;

/**
 * Draws and encodes one export, here (the worker runs this too). A browser that
 * cannot encode the format (toBlob then silently gives a PNG) is an error.
 * @param {ExportJob} job @returns {Promise<Blob>}
 */
export async function encodeJob({ photo, matte, layers, placedOn, adjust, refine, options, fonts }) {
  const format = exportFormat(options.format);
  await Promise.all(fonts.map(loadFace)); // a font that cannot load fails the export: no stand-in font
  // The file, decoded where the job runs: in the worker, the decode of a 12 MP photo, and
  // the 48 MB of its pixels, never touch the main thread (sending decoded pixels stalls it).
  const full = photo instanceof Blob ? await createImageBitmap(photo, { imageOrientation: "from-image" }) : photo;
  const canvas = renderExport(full, matte, layers, placedOn, { adjust, refine, longSide: options.longSide });
  if (full !== photo && "close" in full) full.close();
  const blob = await canvasToBlob(canvas, format.type, format.lossy ? options.quality / 100 : undefined);
  if (blob.type !== format.type) throw new Error(`this browser cannot encode ${format.label}`);
  return blob;
}
