// The API as a JavaScript caller sees it: @gradio/client in Node, against the running app.
// tests/test_page.py starts the app and runs this file with GRADIO_URL, TEST_PHOTO (a JPEG)
// and OUT_DIR set; it then checks the pixels of the PNG written to OUT_DIR.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Client, handle_file } from "@gradio/client";

const { GRADIO_URL, TEST_PHOTO, OUT_DIR } = process.env;
const skip = !GRADIO_URL && "GRADIO_URL is not set: run it through `pytest tests/test_page.py`";

test("/remove_background answers with an RGBA PNG of the photo's size", { skip }, async () => {
  const client = await Client.connect(GRADIO_URL);
  const photo = new Blob([await readFile(TEST_PHOTO)], { type: "image/jpeg" });
  const result = await client.predict("/remove_background", { image_path: handle_file(photo) });
  const response = await fetch(result.data[0].url);
  assert.equal(response.status, 200);
  const png = new Uint8Array(await response.arrayBuffer());
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "not a PNG");
  const header = new DataView(png.buffer, png.byteOffset); // the IHDR chunk: size, then colour type
  assert.deepEqual([header.getUint32(16), header.getUint32(20)], [640, 480]);
  assert.equal(png[25], 6, "colour type 6 (RGBA)");
  await writeFile(join(OUT_DIR, "cutout.png"), png);
});

test("a file that is not an image gets the app's message", { skip }, async () => {
  const client = await Client.connect(GRADIO_URL);
  const notes = new Blob(["just some text"], { type: "text/plain" });
  await assert.rejects(client.predict("/remove_background", { image_path: handle_file(notes) }),
    (error) => /not an image/.test(error.message));
});
