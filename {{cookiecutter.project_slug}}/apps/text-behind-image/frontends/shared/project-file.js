// @ts-check
// Save project and Open project: the editor's side of the project file, the whole
// work in one file that opens in any browser (persistence.js has the format). Opening
// checks everything first (the file and its bounds, its pictures, its fonts) and changes
// nothing on a refusal; then the photo, the document and the fonts come in as one undo step.
// Saving refuses to write a file too big to open again.

import { imageSize } from "./editor-core.js";
import { createDoc } from "./document.js";
import { FontFileError, loadUserFont } from "./fonts.js";
import { NotAnImage } from "./photos.js";
import { FormatError, MAX_PROJECT_BYTES, PROJECT_FILENAME, checkPictures, projectJson, readProjectFile, withProject } from "./persistence.js";

/** @import { Store, Editor } from "./editor.js" */
/** @import { FontLibrary } from "./font-library.js" */
/** @import { Storage } from "./persistence.js" */
/** @import { Photos } from "./photos.js" */

/**
 * @param {Store} store @param {FontLibrary} library @param {Storage | null} storage
 * @param {{ loadAll: (layers: readonly import("./document.js").Layer[]) => void }} fonts loads the opened texts' fonts
 * @param {(blob: Blob, filename: string) => void} saveBlob
 */
export function projectFile(store, library, storage, fonts, saveBlob) {
  const { history, photos } = store;
  /** @param {unknown} err */
  const why = (err) => String((err instanceof Error && err.message) || err).replace(/\.$/, "");

  /** @type {Editor["saveProject"]} */
  async function saveProject() {
    const doc = history.present, shot = photos.get(doc.photo);
    try {
      const text = await projectJson(doc, { photo: shot?.file ?? null, matte: shot?.matteFile ?? null, fonts: library.mine() });
      const blob = new Blob([text], { type: "application/json" });
      if (blob.size > MAX_PROJECT_BYTES) { // a file the editor would not open again
        const mb = (/** @type {number} */ n) => `${Math.ceil(n / 1e6)} MB`;
        return store.setStatus("error", `Could not save the project: it would be ${mb(blob.size)}, and the editor opens project files of at most ${mb(MAX_PROJECT_BYTES)}. A smaller photo makes it smaller.`);
      }
      saveBlob(blob, PROJECT_FILENAME);
    } catch (err) {
      return store.setStatus("error", `Could not save the project: ${why(err)}.`);
    }
    store.setStatus("done", `Saved ${PROJECT_FILENAME}: ${shot ? "the photo, its cut-out, " : ""}the layers and your fonts, to open in any browser.`);
  }

  /** @type {Editor["openProject"]} */
  async function openProject(file) {
    try {
      const opened = await readProjectFile(file);
      const { project } = opened;
      // The photo and its matte, decoded, and their sizes checked; the fonts loaded.
      /** @type {Awaited<ReturnType<Photos["open"]>> | false} */
      let shot = false; // no photo in the file, or one that is no image
      if (opened.photo) {
        try {
          shot = await photos.open(opened.photo);
        } catch (err) {
          if (!(err instanceof NotAnImage)) throw err;
        }
        if (shot === null) return; // a photo chosen meanwhile: that one wins
      }
      const matte = opened.matte && await createImageBitmap(opened.matte).catch(() => null);
      checkPictures(opened, shot ? imageSize(shot.picture) : null, matte ? imageSize(matte) : null);
      for (const font of opened.fonts) {
        await loadUserFont(font).catch((err) => { throw new FormatError(`This project file is damaged: font ${why(err)}.`); });
      }
      // Every check passed: the file's work comes in, as one undo step.
      for (const font of opened.fonts) {
        await library.add(font);
        storage?.addFont(font).catch(() => {}); // kept like an added one (a failure shows at the next autosave)
      }
      store.menus = { ...store.menus, fonts: library.menu() };
      if (shot && opened.photo) {
        photos.add(shot.id, shot.picture, opened.photo);
        if (matte && opened.matte) photos.setMatte(shot.id, { picture: matte, file: opened.matte });
        else store.retryable = { id: shot.id, input: shot.input };
        store.edit(() => withProject({ ...createDoc(), photo: shot.id, size: imageSize(shot.picture) }, project));
      } else {
        store.edit((doc) => withProject(doc, project)); // no photo in it: its texts on the current photo
      }
      fonts.loadAll(project.layers);
      const n = project.layers.length, layers = `${n} text layer${n === 1 ? "" : "s"}`;
      store.setStatus(shot && !matte ? "info" : "done", shot
        ? `Opened the project: its photo and ${layers}${matte ? "." : ", but not its cut-out (it had not arrived when it was saved): Try again sends the photo."}`
        : `Opened a project of ${layers}.`);
    } catch (err) {
      const known = err instanceof FormatError || err instanceof FontFileError;
      store.setStatus("error", known ? /** @type {Error} */ (err).message : `Could not read this file: ${why(err)}.`);
    }
  }

  return { saveProject, openProject };
}
