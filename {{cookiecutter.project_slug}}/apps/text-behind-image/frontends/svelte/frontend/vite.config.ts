import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

// `npm run dev` serves the editor with hot reload and forwards the API calls to
// the Python app running beside it (python app.py, or python -m tests.standin).
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:7860";
// The editor connects to the page's own directory ("/" here, as from the Python app),
// so the Gradio routes are forwarded from there.
const api = { target: backend };

export default defineConfig({
  plugins: [svelte()],
  // The Python app serves the build: index.html at "/", every other file under "/ui/"
  // (Gradio owns /assets and /static). `npm run build` writes it to ../static.
  // Every URL in the build is relative ("./", and "ui/..." in index.html), so the same
  // build works at the root and under a proxy's path prefix (GRADIO_ROOT_PATH).
  base: "./",
  experimental: {
    renderBuiltUrl: (file, { hostType }) => (hostType === "html" ? `ui/${file}` : undefined),
  },
  build: { outDir: "../static", emptyOutDir: true },
  server: { proxy: { "^/(gradio_api/|config)": api } },
  // The unit tests run in Node: the setup file gives them the browser's canvas, pictures and
  // fonts (backed by @napi-rs/canvas) before each test file.
  test: { environment: "node", setupFiles: ["src/lib/browser-fakes.setup.js"] },
});
