// The preview: four stacked canvases (photo, texts behind, cut-out subject, texts
// in front) that the shared editor draws into, plus clicking a text to select it,
// dragging, arrow keys, Delete and dropping a file.
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { PointerEvent, RefObject } from "react";
import { EMPTY_STAGE } from "./lib/controls.js";
import { fitInto } from "./lib/editor-core.js";
import type { Editor, Snapshot } from "./lib/editor.js";
import { NARROW, stageRoom } from "./lib/layout.js";

// onPick: open the photo's file input (a click on the empty preview).
type Props = { editor: Editor; snapshot: Snapshot; onPick: () => void };
type Size = { width: number; height: number };

export function Stage({ editor, snapshot, onPick }: Props) {
  const { photo, photoSize, matte } = snapshot;
  const wrapRef = useRef<HTMLElement>(null);
  const photoRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLCanvasElement>(null);
  const subjectRef = useRef<HTMLCanvasElement>(null);
  const frontRef = useRef<HTMLCanvasElement>(null);
  const room = useRoom(wrapRef);

  // The stage's CSS size: the photo fitted into the room available.
  const css = photoSize && room ? fitInto(photoSize, room.width, room.height) : null;
  const dpr = window.devicePixelRatio || 1;

  // Drawing is a side effect of rendering: once React has committed the new
  // stage size, hand the canvases to the editor (layout effect: drawn in the
  // same frame as the resize, no flash). Keyed on the whole snapshot, since a
  // font that finished loading gives a new snapshot with the same state.
  useLayoutEffect(() => {
    if (!css || !photoRef.current || !textRef.current || !subjectRef.current || !frontRef.current) return;
    const layers = { photo: photoRef.current, text: textRef.current, subject: subjectRef.current, front: frontRef.current };
    editor.renderLayers(layers, css, dpr);
  }, [editor, snapshot, css?.width, css?.height, dpr]);

  // Dragging: the pointer is captured, so the drag goes on outside the stage.
  // A ref, not state: the last position is bookkeeping, never rendered.
  const drag = useRef<{ id: number; x: number; y: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    editor.pickAt(e.clientX - box.left, e.clientY - box.top, e.currentTarget.clientWidth); // select the text there
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) { // not pressed: the brush's outline follows (while a brush mode is on)
      const box = e.currentTarget.getBoundingClientRect();
      return editor.hover(e.clientX - box.left, e.clientY - box.top, e.currentTarget.clientWidth);
    }
    if (e.pointerId !== d.id) return;
    editor.moveBy(e.clientX - d.x, e.clientY - d.y, e.currentTarget.clientWidth);
    drag.current = { ...d, x: e.clientX, y: e.clientY };
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current?.id === e.pointerId) drag.current = null;
  };

  return (
    <section
      ref={wrapRef} className="stage-wrap" id="stage-wrap"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const file = e.dataTransfer.files[0];
        if (file) editor.loadFile(file);
      }}
    >
      <div
        id="stage" className={`stage${photo ? " ready" : ""}${snapshot.brush.mode ? " painting" : ""}`}
        data-testid="stage" role="application" tabIndex={0}
        aria-label="Preview. Click a text to select it; drag it, or use the arrow keys, to move it; Delete removes it."
        style={css ? { width: `${css.width}px`, height: `${css.height}px` } : undefined}
        onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={endDrag} onPointerCancel={endDrag}
        onPointerLeave={() => editor.leave()}
        onKeyDown={(e) => { if (editor.handleKey(e)) e.preventDefault(); }}
      >
        <canvas ref={photoRef} id="background" data-testid="background" />
        <canvas ref={textRef} id="text-layer" data-testid="text-layer" />
        <canvas ref={subjectRef} id="foreground" data-testid="foreground" hidden={!matte} />
        <canvas ref={frontRef} id="front-layer" data-testid="front-layer" />
      </div>
      <button id="placeholder" type="button" className="placeholder" data-testid={EMPTY_STAGE.testid} hidden={Boolean(photo)} onClick={onPick}>
        {EMPTY_STAGE.label}
      </button>
    </section>
  );
}

// The room the preview may take (stageRoom: the wrapper's width, a share of the
// window's height). Measured on resize; null until mounted.
function useRoom(wrapRef: RefObject<HTMLElement | null>): Size | null {
  const [room, setRoom] = useState<Size | null>(null);
  useEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const measure = () => {
      const { width, height } = stageRoom(wrap.clientWidth, window.innerHeight, window.matchMedia(NARROW).matches);
      // Same numbers, same object: no re-render.
      setRoom((old) => (old && old.width === width && old.height === height ? old : { width, height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(wrap);
    window.addEventListener("resize", measure);
    return () => { observer.disconnect(); window.removeEventListener("resize", measure); };
  }, [wrapRef]);
  return room;
}
