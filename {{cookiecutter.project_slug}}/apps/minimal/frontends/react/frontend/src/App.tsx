// The page: a person chooses a photo, the app cuts out its subject, the page shows it on a
// checkerboard and offers it as a PNG. The Gradio JS client does the talking (the upload, the
// queue, the answer); lib/cutout.js says what to show.
import { Client, handle_file } from "@gradio/client";
import { useEffect, useRef, useState, type ChangeEvent } from "react";
import { CONNECTING, DONE, READY, appUrl, cutOut, downloadName, failed, savePng, unreachable, type Status } from "./lib/cutout.js";

// Connect as the page opens (once, at module scope, whatever React renders), while the person
// picks a photo. "status" events bring the queue position; on ZeroGPU, calls must come through
// this client (it sends the visitor's headers).
const connection = Client.connect(appUrl(location.href), { events: ["data", "status"] }).catch(unreachable);
// index.html is the only file the template renders: the project name comes from its <title>.
const TITLE = document.title;

type Cutout = { url: string; name: string; alt: string };

export default function App() {
  const [status, setStatus] = useState<Status>(CONNECTING);
  const [cutout, setCutout] = useState<Cutout | null>(null);
  const latest = useRef(0); // how many photos were chosen: only the last one's answer is shown

  useEffect(() => {
    connection.then(() => latest.current || setStatus(READY), (error) => setStatus(failed(error)));
  }, []);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const photo = event.target.files?.[0];
    if (!photo) return;
    const mine = ++latest.current;
    const showMine = (next: Status) => mine === latest.current && setStatus(next);
    setCutout(null);
    try {
      const url = await cutOut(await connection, handle_file, photo, showMine);
      // The PNG the app serves, at the photo's full size: Done once the <img> has it.
      if (mine === latest.current) setCutout({ url, name: downloadName(photo.name), alt: `The subject of ${photo.name}, cut out` });
    } catch (error) {
      showMine(failed(error)); // and the person can choose another photo
    }
  }

  return (
    <main>
      <h1>{TITLE}</h1>
      <p>Choose a photo: the app cuts out its subject, on a transparent background.</p>
      <label htmlFor="upload">Choose a photo</label>
      <input id="upload" type="file" accept="image/*" data-testid="upload" onChange={choose} />
      <p className="status" data-testid="status" data-kind={status.kind} role="status">
        {status.text}
      </p>
      {cutout && (
        <>
          <figure className="checkerboard">
            <img data-testid="result" src={cutout.url} alt={cutout.alt} onLoad={() => setStatus(DONE)}
              onError={() => setStatus(failed("The cut-out did not load: choose the photo again."))} />
          </figure>
          <button type="button" className="button" data-testid="download"
            onClick={() => savePng(cutout.url, cutout.name).catch((error) => setStatus(failed(error)))}>
            Download PNG
          </button>
        </>
      )}
    </main>
  );
}
