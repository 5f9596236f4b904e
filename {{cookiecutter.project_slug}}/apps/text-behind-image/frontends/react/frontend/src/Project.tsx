// The project's buttons (New, Save project, Open project: it opens a hidden file
// input), from the shared description in lib/controls.js, as in the vanilla and
// Svelte frontends. The work itself is kept by the editor (lib/persistence.js).
import { useRef } from "react";
import { OPEN_PROJECT, PROJECT_ACTIONS } from "./lib/controls.js";
import type { Editor } from "./lib/editor.js";

export function Project({ editor }: { editor: Editor }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="project" role="group" aria-label="Project">
      {PROJECT_ACTIONS.map((action) => (
        <button key={action.id} type="button" data-testid={action.testid} title={action.title} onClick={() => editor[action.id]()}>
          {action.label}
        </button>
      ))}
      <button type="button" data-testid={OPEN_PROJECT.button} onClick={() => input.current?.click()}>{OPEN_PROJECT.label}</button>
      <input
        ref={input} id="open-project" type="file" accept={OPEN_PROJECT.accept} data-testid={OPEN_PROJECT.testid} hidden
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = ""; // picking the same file again opens it again
          if (file) editor.openProject(file);
        }}
      />
    </div>
  );
}
