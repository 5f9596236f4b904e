// @ts-check
// Where the fonts' files are, for the Vite frontends (React, Svelte): createEditor's
// `fontUrl`. The fontsource packages are dependencies in package.json; this glob
// makes Vite copy each font file the editor may load (latin, upright: fonts.js)
// into the build, hashed, beside the page (ui/assets/...), and gives its URL, so
// the app serves them itself, in `npm run dev` and in the build alike. Nothing is
// downloaded: a font's file is only fetched when a text uses that font. ("?url":
// the URLs only; "no-inline": always a file, never a data: URL, which the page's
// Content-Security-Policy refuses for fonts.)
const FILES = import.meta.glob(
  ["/node_modules/@fontsource*/*/files/*-latin-[0-9]*-normal.woff2", "/node_modules/@fontsource*/*/files/*-latin-wght-normal.woff2"],
  { query: "?url&no-inline", import: "default", eager: true },
);

/** @type {import("./fonts.js").FontUrl} */
export function fontUrl(pkg, file) {
  const url = FILES[`/node_modules/${pkg}/files/${file}`];
  if (typeof url !== "string") throw new Error(`${pkg}/files/${file} is not in the build: is ${pkg} in package.json?`);
  return url;
}
