// @ts-check
// What the editor opens, keeps and lets you make: one bound per thing a crafted project file
// (or the work kept in this browser) could hold enough of to freeze the page: thousands of
// layers, a text of 200,000 lines, a brush stroke of a million points. A project file and the
// browser's copy are checked against them as they are read (persistence.js), before anything
// is drawn, stored or loaded, and refused with the reason when out of bounds; the editor's own
// controls stay within them (the text field's maxlength in controls.js; Add text and Duplicate
// in editor.js, the brush in refine.js, Add font in font-library.js, a chosen photo in photos.js,
// Save project in project-file.js), so a saved file always opens again. Each bound is far above
// what a picture needs. A layer's settings and the photo's adjustments are bounded by their
// sliders' ranges (controls.js: what a slider can set is what a file may hold).

export const LIMITS = Object.freeze({
  /** Text layers in a picture (Add text and Duplicate say so beyond it). */
  layers: 50,
  /** Characters in one text (the text field's maxlength); a line break is one, so lines are bounded too. */
  textChars: 1_000,
  /** Brush strokes refining a cut-out (the brush says so beyond it). */
  strokes: 200,
  /** Points of all those strokes together (a long drag is a few hundred). */
  strokePoints: 20_000,
  /** Pixels of a photo or a matte, as decoded: the backend's MAX_PIXELS. */
  photoPixels: 40_000_000,
  /** The user's own font files: in the browser, and in a project file. */
  fonts: 50,
  /** Bytes of one font file (the largest fonts, CJK ones, are ~15 MB). */
  fontBytes: 20_000_000,
  /** Bytes of a project file (a phone's photo is a few MB, a third more in base64). */
  projectBytes: 100_000_000,
  /** Undo steps (the oldest are forgotten); the browser keeps these and the present. */
  undoSteps: 100,
  /** Photos the browser's copy keeps: its steps around the present that name at most these. */
  keptPhotos: 3,
});

/** A number as people read it: 5,000. @param {number} n */
export const count = (n) => n.toLocaleString("en-US");
