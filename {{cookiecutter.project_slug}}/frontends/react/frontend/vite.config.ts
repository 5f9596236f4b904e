import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `npm run dev` serves the editor with hot reload and forwards the API calls to
// the Python app running beside it (python app.py, or python -m tests.standin).
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:7860";

export default defineConfig({
  plugins: [react()],
  // The Python app serves the build: index.html at "/", every other file under "/ui/"
  // (Gradio owns /assets and /static). `npm run build` writes it to ../static.
  base: "/ui/",
  build: { outDir: "../static", emptyOutDir: true },
  server: { proxy: { "/gradio_api": backend, "/config": backend } },
  test: { environment: "node" },
});
