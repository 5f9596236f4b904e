// The controls, generated from the shared description in lib/controls.js, so
// all three frontends show the same inputs with the same labels and testids.
import { SECTIONS, controlId, displayValue, inputValue, isShown, optionsOf, parseInput } from "./lib/controls.js";
import { useRef } from "react";
import type { ChangeEvent, ReactNode } from "react";
import type { Control, FileInput, Section } from "./lib/controls.js";
import type { Editor, Snapshot } from "./lib/editor.js";

type State = Snapshot["state"];
// `menus`: the choices that change (the user's fonts); `onUpload`: a control's file input was used.
type Extras = { menus?: Snapshot["menus"]; onUpload?: (upload: FileInput, file: File) => unknown };
type Props = { state: State; onSet: Editor["set"] } & Extras;
// A field edits the selected layer (V = State), the photo's adjustments or the export's settings.
type FieldProps<V extends object> = { control: Control<V>; state: V; onSet: (key: keyof V & string, value: V[keyof V]) => unknown } & Extras;

export function Controls({ state, onSet, menus, onUpload }: Props) {
  return SECTIONS.map((section) => (
    // `open` is only the initial state: React leaves the attribute alone while
    // the prop doesn't change, so the user's toggling sticks.
    <details key={section.id} className="section" open={section.open}>
      <summary>{section.title}</summary>
      {section.controls.map((control) => (
        <Field key={control.key} control={control} state={state} onSet={onSet} menus={menus} onUpload={onUpload} />
      ))}
    </details>
  ));
}

// One controlled input: its value always comes from the editor's state (so a
// reverted font shows up in the select), and every edit goes back through
// editor.set, which updates the state synchronously, before React re-renders.
function Field<V extends object>({ control, state, onSet, menus, onUpload }: FieldProps<V>) {
  const id = controlId(control);
  const value = inputValue(control, state);
  const hidden = !isShown(control, state);
  const common = {
    id, name: control.key, "data-testid": control.testid,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => {
      const el = e.currentTarget;
      const raw = el instanceof HTMLInputElement && el.type === "checkbox" ? el.checked : el.value;
      onSet(control.key, parseInput(control, raw));
    },
  };

  if (control.type === "checkbox") { // the checkbox sits inside its label
    return (
      <div className="field" data-type={control.type} hidden={hidden}>
        <label htmlFor={id}><input type="checkbox" checked={Boolean(value)} {...common} /> {control.label}</label>
      </div>
    );
  }

  let input;
  if (control.type === "textarea") {
    input = <textarea rows={control.rows ?? 2} maxLength={control.maxLength} value={String(value)} {...common} />;
  } else if (control.type === "select") {
    input = (
      <select value={String(value)} {...common}>
        {optionsOf(control, menus).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    );
  } else if (control.type === "range") {
    input = <input type="range" min={control.min} max={control.max} step={control.step ?? 1} value={String(value)} {...common} />;
  } else {
    input = <input type={control.type} value={String(value)} {...common} />;
  }
  return (
    <div className="field" data-type={control.type} hidden={hidden}>
      <label htmlFor={id}>
        {control.label}
        {control.type === "range" && <> <output htmlFor={id}>{displayValue(control, state)}</output></>}
      </label>
      {input}
      {control.upload && onUpload && <Upload upload={control.upload} onFile={(file) => onUpload(control.upload!, file)} />}
    </div>
  );
}

// A control's file input (the font menu's: a font file of the user's).
function Upload({ upload, onFile }: { upload: FileInput; onFile: (file: File) => unknown }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button" className="upload" data-testid={upload.button} title={upload.title}
        onClick={() => input.current?.click()}
      >
        {upload.label}
      </button>
      <input
        ref={input} type="file" hidden accept={upload.accept} data-testid={upload.testid}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = ""; // picking the same file again reads it again
          if (file) onFile(file);
        }}
      />
    </>
  );
}

// A section of other settings than the layer's (lib/controls.js: PHOTO_SECTION,
// EXPORT_SECTION, REFINE_SECTION), drawn with the same fields, after its `children` if any.
type SectionProps<V extends object> = Omit<FieldProps<V>, "control"> & { section: Section<V>; children?: ReactNode };
export function SettingsSection<V extends object>({ section, state, onSet, children }: SectionProps<V>) {
  return (
    <details className="section" open={section.open}>
      <summary>{section.title}</summary>
      {children}
      {section.controls.map((control) => <Field key={control.key} control={control} state={state} onSet={onSet} />)}
    </details>
  );
}
