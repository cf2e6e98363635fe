// The checker's Python, as seen from the page: one module Web Worker per document
// (worker.js), booted once, asked to run requests.
//
// Material's instant navigation keeps the document (and this module) alive across
// pages, so leaving the checker and coming back reuses the Python already running,
// and mount.js can start it before the checker page is open.

let worker = null;
let booted = null;
let latestProgress = null;
const progressListeners = new Set();
const pending = new Map();
let nextId = 1;

function onMessage({ data }, resolve, reject) {
  if (data.type === "progress") {
    latestProgress = data;
    for (const listener of progressListeners) listener(data);
  } else if (data.type === "ready") {
    resolve();
  } else if (data.type === "boot-error") {
    reject(new Error(data.message));
  } else if (data.type === "result" || data.type === "error") {
    const call = pending.get(data.id);
    pending.delete(data.id);
    if (call && data.type === "result") call.resolve(data.response);
    if (call && data.type === "error") call.reject(new Error(data.message));
  }
}

// Boot Python once; the promise resolves when it is ready to run requests.
export function boot() {
  if (booted) return booted;
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  booted = new Promise((resolve, reject) => {
    worker.addEventListener("message", (event) => onMessage(event, resolve, reject));
    worker.addEventListener("error", (event) => {
      reject(new Error(event.message || "the checker's worker could not start"));
    });
  });
  return booted;
}

// Start Python before the checker page is open (mount.js: the reader is about to
// open it). Its errors are the page's to show, once it mounts.
export function prepare() {
  boot().catch(() => {});
}

// Follow the boot: `listener({step, megabytes})` now with the latest step, if any,
// and at every step after. Returns a function that stops following.
export function followProgress(listener) {
  progressListeners.add(listener);
  if (latestProgress) listener(latestProgress);
  return () => progressListeners.delete(listener);
}

// checker.api.run(requestJson) in the worker: the report as JSON text.
export async function run(requestJson) {
  await boot();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type: "run", id, request: requestJson });
  });
}
