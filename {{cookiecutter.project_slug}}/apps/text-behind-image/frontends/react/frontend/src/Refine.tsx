// The brush that refines the cut-out (lib/refine.js), from the shared description in
// lib/controls.js, as in the vanilla and Svelte frontends: the mode buttons (toggles, so
// aria-pressed) and Reset, then the brush's fields.
import { BRUSH_MODES, REFINE_RESET, REFINE_SECTION, actionTitle } from "./lib/controls.js";
import { SettingsSection } from "./Controls.tsx";
import type { Editor, Snapshot } from "./lib/editor.js";

type Props = { editor: Editor; snapshot: Snapshot };

export function Refine({ editor, snapshot }: Props) {
  const { brush, can } = snapshot;
  return (
    <SettingsSection section={REFINE_SECTION} state={brush} onSet={editor.setBrush}>
      <div className="brush" role="group" aria-label="Brush">
        {BRUSH_MODES.map((m) => (
          <button
            key={m.mode} type="button" data-testid={m.testid} title={m.title}
            aria-pressed={brush.mode === m.mode} onClick={() => editor.toggleBrush(m.mode)}
          >
            {m.label}
          </button>
        ))}
        <button
          type="button" data-testid={REFINE_RESET.testid} title={actionTitle(REFINE_RESET)}
          disabled={!can.resetRefine} onClick={() => editor.act(REFINE_RESET.id)}
        >
          {REFINE_RESET.label}
        </button>
      </div>
    </SettingsSection>
  );
}
