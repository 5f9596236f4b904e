// The layer and history buttons and the layer list (a listbox: click an item, or
// focus the list and use the arrow keys), from the shared description in
// lib/controls.js, as in the vanilla and Svelte frontends.
import { ACTIONS, actionTitle, layerItemId, layerItems } from "./lib/controls.js";
import type { Editor, Snapshot } from "./lib/editor.js";

type Props = { editor: Editor; snapshot: Snapshot };

export function Layers({ editor, snapshot }: Props) {
  const { layers, selected, can } = snapshot;
  return (
    <div className="layers">
      <div className="layer-actions" role="group" aria-label="Layers and history">
        {ACTIONS.map((action) => (
          <button
            key={action.id} type="button" data-testid={action.testid} title={actionTitle(action)}
            disabled={!can[action.id]} onClick={() => editor.act(action.id)}
          >
            {action.label}
          </button>
        ))}
      </div>
      <ul
        id="layer-list" className="layer-list" role="listbox" tabIndex={0} aria-label="Text layers" data-testid="layer-list"
        aria-activedescendant={selected ? layerItemId(selected) : undefined}
        onKeyDown={(e) => { if (editor.handleListKey(e)) e.preventDefault(); }}
      >
        {layerItems(layers).map(({ id, label }) => (
          <li
            key={id} id={layerItemId(id)} role="option" data-testid="layer-item" aria-selected={id === selected}
            onClick={() => editor.selectLayer(id)}
          >
            {label}
          </li>
        ))}
      </ul>
    </div>
  );
}
