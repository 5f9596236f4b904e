import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

// `npm run dev` serves the page with hot reload and forwards the API calls to the Python app
// running beside it (python dev.py starts both).
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:7860";

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
  // The page connects to its own folder ("/" here, as from the Python app): Gradio's routes.
  server: { proxy: { "^/(gradio_api/|config)": { target: backend } } },
});
