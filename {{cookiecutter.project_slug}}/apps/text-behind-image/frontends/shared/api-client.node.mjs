// The API as a JavaScript caller sees it: @gradio/client in Node, against the running app.
// tests/test_frontend.py starts the app and runs this file with GRADIO_URL, TEST_PHOTO
// (a JPEG) and OUT_DIR set; it then checks the pixels of the files written to OUT_DIR.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Client, handle_file } from "@gradio/client";

const { GRADIO_URL, TEST_PHOTO, OUT_DIR } = process.env;
const skip = !GRADIO_URL && "GRADIO_URL is not set: run it through `pytest tests/test_frontend.py`";

/** Width, height and colour type from a PNG's IHDR chunk (6 = RGBA, 4 = grey + alpha). */
function pngHeader(bytes) {
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], "not a PNG");
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return { width: view.getUint32(16), height: view.getUint32(20), colourType: bytes[25] };
}

for (const [endpoint, colourTypes] of [["/remove_background", [6]], ["/matte", [4, 6]]]) {
  test(`${endpoint} answers with a PNG of the photo's size`, { skip }, async () => {
    const client = await Client.connect(GRADIO_URL);
    const photo = new Blob([await readFile(TEST_PHOTO)], { type: "image/jpeg" });
    const result = await client.predict(endpoint, { image_path: handle_file(photo) });
    const file = result.data[0];
    const response = await fetch(file.url);
    assert.equal(response.status, 200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const header = pngHeader(bytes);
    assert.deepEqual([header.width, header.height], [640, 480]);
    assert.ok(colourTypes.includes(header.colourType), `colour type ${header.colourType}`);
    await writeFile(join(OUT_DIR, `${endpoint.slice(1)}.png`), bytes);
  });
}
