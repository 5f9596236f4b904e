import { defineConfig } from "vitest/config";

// `npm test` runs the unit tests (tests/js/) in Node: the setup file gives them the browser's
// canvas, pictures and fonts (backed by @napi-rs/canvas) before each test file.
export default defineConfig({ test: { setupFiles: ["tests/js/browser-fakes.setup.js"] } });
