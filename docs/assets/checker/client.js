// The checker's Python, as seen from the page: one module Web Worker per document
// (worker.js), booted once, asked to run requests.
//
// Material's instant navigation keeps the document (and this module) alive across
// pages, so leaving the checker and coming back reuses the Python already running,
// and mount.js can start it before the checker page is open.
//
// Every failure ends in an error that says what happened, never in a wait: a boot
// that fails or says nothing for BOOT_DEADLINE_MS rejects; a run that takes longer
// than RUN_TIMEOUT_MS, or a worker that crashes or sends what cannot be read, ends
// the worker and rejects every pending run, and the next run starts a new worker.

import { linkSpeed } from "./files.js";

const BOOT_DEADLINE_MS = 300_000; // even 16 MB at 1 Mbit/s arrive well before this
const RUN_TIMEOUT_MS = 30_000; // a 1 MB kubeconfig takes under a second
// Benchmarks and tests choose the boot with ?checker-boot=normal or =snapshot on the
// page's address; readers never need to, the worker chooses (worker.js).
const CHOSEN_BOOT = new URLSearchParams(location.search).get("checker-boot");

let worker = null;
let booted = null;
let latestProgress = null;
const progressListeners = new Set();
const restartListeners = new Set();
const pending = new Map();
let nextId = 1;

function settle(id, settle) {
  const call = pending.get(id);
  if (!call) return;
  pending.delete(id);
  clearTimeout(call.timer);
  settle(call);
}

// End this worker: every pending run fails with `reason`; the next run boots anew.
function stop(reason) {
  worker?.terminate();
  worker = null;
  booted = null;
  latestProgress = null;
  for (const id of [...pending.keys()]) settle(id, (call) => call.reject(new Error(reason)));
  for (const listener of restartListeners) listener(reason);
}

// Boot Python once; the promise resolves when it is ready to run requests.
export function boot() {
  if (booted) return booted;
  const script = new URL("./worker.js", import.meta.url);
  if (CHOSEN_BOOT) script.searchParams.set("boot", CHOSEN_BOOT);
  const current = new Worker(script, { type: "module" });
  // Its first message, in the same address every time, so the browser caches it.
  // Save-Data too: the worker may not see what the page does (an emulated setting).
  const saveData = Boolean(navigator.connection?.saveData);
  current.postMessage({ type: "link", speed: preloadSpeed(), saveData });
  worker = current;
  booted = new Promise((resolve, reject) => {
    let ready = false;
    const deadline = setTimeout(() => {
      reject(new Error(`it did not start within ${BOOT_DEADLINE_MS / 60_000} minutes`));
      stop("the checker did not start");
    }, BOOT_DEADLINE_MS);
    const failed = (message) => {
      clearTimeout(deadline);
      if (!ready) {
        reject(new Error(message));
        if (worker === current) worker?.terminate();
      } else if (worker === current) {
        stop(`the checker stopped (${message}) and was restarted`);
      }
    };
    current.addEventListener("message", ({ data }) => {
      if (data.type === "progress") {
        latestProgress = data;
        for (const listener of progressListeners) listener(data);
      } else if (data.type === "ready") {
        ready = true;
        clearTimeout(deadline);
        resolve();
      } else if (data.type === "boot-error" || data.type === "crash") {
        failed(data.message);
      } else if (data.type === "result") {
        settle(data.id, (call) => call.resolve(data.response));
      } else if (data.type === "error") {
        settle(data.id, (call) => call.reject(new Error(data.message)));
      }
    });
    current.addEventListener("error", (event) => {
      event.preventDefault();
      failed(event.message || "its worker failed");
    });
    current.addEventListener("messageerror", () => failed("it sent a message the page cannot read"));
  });
  booted.catch(() => {
    if (worker === current) booted = null; // a later run may try again
  });
  return booted;
}

// How fast the link is, from the WebAssembly that the checker page's <head> preloads
// (site_build/preload.py), for the worker's choice of boot: as linkSpeed says, and
// "slow" while it is still on its way (on a fast link it arrives long before the
// worker starts); null when there is none (another page opened first).
function preloadSpeed() {
  const preload = document.querySelector("link[data-checker-preload]");
  if (!preload) return null;
  const [timing] = performance.getEntriesByName(preload.href);
  return timing ? linkSpeed(timing) : "slow";
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

// `listener(reason)` when the worker was stopped and will be started again.
export function onRestart(listener) {
  restartListeners.add(listener);
  return () => restartListeners.delete(listener);
}

// checker.api.run(requestJson) in the worker: the report as JSON text.
export async function run(requestJson, timeoutMs = RUN_TIMEOUT_MS) {
  await boot();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const seconds = Math.round(timeoutMs / 100) / 10;
    const timer = setTimeout(
      () => stop(`the check took longer than ${seconds} seconds; the checker was restarted`),
      timeoutMs,
    );
    pending.set(id, { resolve, reject, timer });
    worker.postMessage({ type: "run", id, request: requestJson });
  });
}
