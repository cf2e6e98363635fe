// The checker's Python, off the main thread: boot Pyodide from this site, load the
// checker wheel, then answer {type: "run", id, request} with checker.api.run(request).
//
// Every URL is absolute and on this site: Pyodide resolves relative URLs
// inconsistently, and anything it cannot find locally it would fetch from a CDN.

import { loadPyodide, version } from "../pyodide/pyodide.mjs";
import { bootFromSnapshot } from "./snapshot.js";

const RUNTIME = new URL("../pyodide/", import.meta.url).href;
const STEPS = 3;

function progress(step, text) {
  postMessage({ type: "progress", step, steps: STEPS, text });
}

async function boot() {
  progress(0, "Downloading Python for the checker (about 13 MB, once)…");
  const pyodide = await loadPyodide({
    indexURL: RUNTIME,
    lockFileURL: new URL("pyodide-lock.json", RUNTIME).href,
    packageBaseUrl: RUNTIME,
    stdout: () => {},
    stderr: (text) => console.warn(text),
  });
  progress(1, "Loading the checker…");
  await pyodide.loadPackage("checker", {
    messageCallback: () => {},
    errorCallback: (text) => console.warn(text),
    checkIntegrity: true,
  });
  progress(2, "Starting the checker…");
  const run = pyodide.pyimport("checker.api").run;
  progress(3, "Ready.");
  return run;
}

// A memory image of the booted checker when the site has one (snapshot.js), else the
// normal boot; never a broken page.
const ready = bootFromSnapshot({
  loadPyodide,
  version,
  runtime: RUNTIME,
  progress,
  stderr: (text) => console.warn(text),
}).catch((error) => {
  console.warn(`The checker starts Python without its snapshot: ${error.message}`);
  return boot();
});
ready.then(
  () => postMessage({ type: "ready" }),
  (error) => postMessage({ type: "boot-error", message: String(error?.message || error) }),
);

addEventListener("message", async ({ data }) => {
  if (data.type !== "run") return;
  let run;
  try {
    run = await ready;
  } catch (error) {
    postMessage({ type: "error", id: data.id, message: String(error?.message || error) });
    return;
  }
  try {
    postMessage({ type: "result", id: data.id, response: run(data.request) });
  } catch (error) {
    postMessage({ type: "error", id: data.id, message: String(error?.message || error) });
  }
});
