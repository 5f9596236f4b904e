// The React frontend: markup and event wiring only. The state, the backend
// calls and the drawing live in the shared editor (lib/), which the vanilla
// and Svelte frontends use too.
import { useEffect, useRef, useSyncExternalStore } from "react";
import { createEditor } from "./lib/editor.js";
import { fontUrl } from "./lib/fonts.vite.js";
import { Controls, SettingsSection } from "./Controls.tsx";
import { ADD_TEXT, CHOOSE_PHOTO, EXPORT_SECTION, PHOTO_SECTION, RETRY, actionTitle, downloadLabel } from "./lib/controls.js";
import { Layers } from "./Layers.tsx";
import { Project } from "./Project.tsx";
import { Refine } from "./Refine.tsx";
import { openBrowserStorage } from "./lib/persistence.js";
import { Stage } from "./Stage.tsx";

// One editor for the page, created at module scope rather than in a component:
// it connects to the backend at once, and survives re-renders (and StrictMode's
// double mounting). The dynamic import gives @gradio/client its own chunk,
// loaded in parallel with the first render. The fonts' files are in the build
// too (fonts.vite.js): the app serves everything the page loads. The work is
// kept in this browser (IndexedDB) across reloads.
const editor = createEditor({ loadGradio: () => import("@gradio/client"), fontUrl, storage: openBrowserStorage() });

// index.html is the only file the template renders, so the project name is
// read back from its <title>.
const TITLE = document.title;

export default function App() {
  // The editor is an external store: every change gives a new frozen snapshot,
  // and React re-renders with it.
  const snapshot = useSyncExternalStore(editor.subscribe, editor.getSnapshot);
  const { photo, state, status } = snapshot;
  // The photo's file input is hidden: Choose photo and the empty preview open it.
  const upload = useRef<HTMLInputElement>(null);
  const pickPhoto = () => upload.current?.click();

  // Undo and redo from anywhere on the page (but not inside the text box: see historyShortcut).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (editor.handleShortcut(e)) e.preventDefault(); };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <>
      <header className="topbar">
        <h1>{TITLE}</h1>
        <p id="status" className="status" data-testid="status" data-kind={status.kind} role="status" aria-live="polite">
          {status.text}
        </p>
        {/* Sends the photo for its cut-out again, after a full queue or a lost connection. */}
        <button type="button" className="retry" data-testid="retry" title={RETRY.title} hidden={!snapshot.canRetry} onClick={() => editor.retry()}>
          {RETRY.label}
        </button>
      </header>

      <main className="layout">
        <form id="controls" className="sidebar" autoComplete="off" onSubmit={(e) => e.preventDefault()}>
          <Project editor={editor} />
          <Layers editor={editor} snapshot={snapshot} />
          <fieldset id="layer-settings" className="layer-settings" disabled={!snapshot.selected}>
            <legend className="sr-only">The selected layer</legend>
            <Controls state={state} onSet={editor.set} menus={snapshot.menus} onUpload={(upload, file) => editor[upload.action](file)} />
          </fieldset>
          <Refine editor={editor} snapshot={snapshot} />
          <SettingsSection section={PHOTO_SECTION} state={snapshot.adjust} onSet={editor.adjustPhoto} />
          <SettingsSection section={EXPORT_SECTION} state={snapshot.exportOptions} onSet={editor.setExport} />
        </form>

        {/* The preview and the main actions under it (on a phone: first, and kept in view). */}
        <div className="workspace">
          <Stage editor={editor} snapshot={snapshot} onPick={pickPhoto} />
          <div className="actions" role="group" aria-label="Photo, text and download">
            <button type="button" data-testid={CHOOSE_PHOTO.testid} onClick={pickPhoto}>{CHOOSE_PHOTO.label}</button>
            <input
              ref={upload} id="upload" type="file" accept={CHOOSE_PHOTO.accept} data-testid="upload" hidden
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = ""; // picking the same file again loads it again
                if (file) editor.loadFile(file);
              }}
            />
            <button type="button" data-testid={ADD_TEXT.testid} title={actionTitle(ADD_TEXT)} onClick={() => editor.act(ADD_TEXT.id)}>
              {ADD_TEXT.label}
            </button>
            <button id="export" type="button" className="primary" data-testid="export" disabled={!photo} onClick={() => editor.download()}>
              {downloadLabel(snapshot.exportOptions)}
            </button>
            <span className="photo-name" data-testid="photo-name">{snapshot.photoName}</span>
          </div>
        </div>
      </main>
    </>
  );
}
