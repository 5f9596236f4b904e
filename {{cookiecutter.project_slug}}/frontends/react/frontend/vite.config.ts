import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `npm run dev` serves the editor with hot reload and forwards the API calls to
// the Python app running beside it (python app.py, or python -m tests.standin).
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:7860";
// The editor connects to the page's own directory: "/" when the Python app serves
// it, "/ui/" here. So the Gradio routes are forwarded from both, without the "/ui".
const api = { target: backend, rewrite: (path: string) => path.replace(/^\/ui/, "") };

export default defineConfig({
  plugins: [react()],
  // The Python app serves the build: index.html at "/", every other file under "/ui/"
  // (Gradio owns /assets and /static). `npm run build` writes it to ../static.
  base: "/ui/",
  build: { outDir: "../static", emptyOutDir: true },
  server: { proxy: { "^(/ui)?/(gradio_api/|config)": api } },
  test: { environment: "node" },
});
