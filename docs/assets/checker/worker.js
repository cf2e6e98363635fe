// The checker's Python, off the main thread: boot Pyodide from this site, load the
// checker and its dependencies, then answer {type: "run", id, request} with
// checker.api.run(request).
//
// Every URL is absolute and on this site: Pyodide resolves relative URLs
// inconsistently, and anything it cannot find locally it would fetch from a CDN.

import { loadPyodide, version } from "../pyodide/pyodide.mjs";
import { bootFromSnapshot } from "./snapshot.js";

const RUNTIME = new URL("../pyodide/", import.meta.url).href;
const BYTECODE = new URL("bytecode/", RUNTIME).href;
const PACKAGES_DIR = "/checker-packages";
// What the normal boot downloads, for the page to say (the snapshot boot knows its own).
const NORMAL_BOOT_MEGABYTES = 15;

// The boot steps, by name: "download", "load", "start", "ready". The page says each
// in its own words (docs/checker.md), so only names and numbers are sent.
function progress(step, details = {}) {
  postMessage({ type: "progress", step, ...details });
}

// The normal boot. Pyodide ships its standard library as source and the wheels hold
// source, and compiling it was most of the time Python took to start; the site build
// compiles it instead (site_build/bytecode.py). So Python starts with the bytecode/
// standard library, and the checker's packages are bytecode zips on sys.path: fetched
// while Python starts, checked against bytecode/manifest.json, never installed.
async function boot() {
  progress("download", { megabytes: NORMAL_BOOT_MEGABYTES });
  const packages = downloadPackages();
  packages.catch(() => {}); // awaited below, after loadPyodide
  const abort = watchAbort();
  const factory = import(new URL("pyodide.asm.mjs", RUNTIME).href);
  factory.catch(() => {}); // reported by loadPyodide
  const pyodide = await abort.race(
    loadPyodide({
      indexURL: RUNTIME,
      lockFileURL: new URL("pyodide-lock.json", RUNTIME).href,
      packageBaseUrl: RUNTIME,
      stdLibURL: new URL("python_stdlib.zip", BYTECODE).href,
      createPyodideModule: abort.watch(async (settings) => (await factory).default(settings)),
      stdout: () => {},
      stderr: (text) => console.warn(text),
    }),
  );
  progress("load");
  pyodide.FS.mkdirTree(PACKAGES_DIR);
  const path = pyodide.pyimport("sys").path;
  for (const { fileName, bytes } of await packages) {
    pyodide.FS.writeFile(`${PACKAGES_DIR}/${fileName}`, bytes);
    path.append(`${PACKAGES_DIR}/${fileName}`);
  }
  path.destroy();
  progress("start");
  const api = pyodide.pyimport("checker.api");
  // After "ready" is out: what the first check would do on first use, while the
  // reader is still copying what to paste (a check sent at once just waits for it).
  setTimeout(() => {
    try {
      api.warm_up();
    } catch (error) {
      console.warn(`The checker could not warm up: ${error.message}`);
    }
  }, 0);
  progress("ready");
  return api.run;
}

// Two failures leave loadPyodide's promise pending for ever: an Emscripten abort (a
// start-up that runs out of memory, say), which calls the module's onAbort; and a
// WebAssembly that fails to download or compile, which the pinned Pyodide only
// reports with console.warn("wasm instantiation failed!") and the error. So each boot
// attempt races its loadPyodide against both.
function watchAbort() {
  let reject;
  const aborted = new Promise((_, fail) => {
    reject = fail;
  });
  aborted.catch(() => {}); // reported by race
  return {
    watch: (createModule) => async (settings) => {
      settings.onAbort = (what) => reject(new Error(`Python stopped while starting: ${what}`));
      return createModule(settings);
    },
    race: async (booting) => {
      const warn = console.warn;
      let failing = false;
      console.warn = (...parts) => {
        warn(...parts);
        if (failing) reject(new Error(`Python stopped while starting: ${parts.join(" ")}`));
        failing = parts[0] === "wasm instantiation failed!";
      };
      try {
        return await Promise.race([booting, aborted]);
      } finally {
        console.warn = warn;
      }
    },
  };
}

async function downloadPackages() {
  const response = await fetch(new URL("manifest.json", BYTECODE));
  if (!response.ok) throw new Error(`bytecode/manifest.json: ${response.status}`);
  const { packages } = await response.json();
  return Promise.all(
    packages.map(async ({ file_name: fileName, integrity }) => {
      // The browser checks the download against the manifest's sha256.
      const zip = await fetch(new URL(fileName, BYTECODE), { integrity });
      if (!zip.ok) throw new Error(`bytecode/${fileName}: ${zip.status}`);
      return { fileName, bytes: new Uint8Array(await zip.arrayBuffer()) };
    }),
  );
}

// A memory image of the booted checker when the site has one (snapshot.js), else the
// normal boot; never a broken page.
const ready = bootFromSnapshot({
  loadPyodide,
  version,
  runtime: RUNTIME,
  progress,
  stderr: (text) => console.warn(text),
  abort: watchAbort(),
}).catch((error) => {
  console.warn(`The checker starts Python without its snapshot: ${error.message}`);
  return boot();
});
let started = false;
ready.then(
  () => {
    started = true;
    postMessage({ type: "ready" });
  },
  (error) => postMessage({ type: "boot-error", message: String(error?.message || error) }),
);

// Whatever else goes wrong in here is the page's to know: during the boot it fails
// the boot, after it the page restarts the worker (client.js).
function report(what) {
  const message = String(what?.message || what || "an unknown error");
  postMessage({ type: started ? "crash" : "boot-error", message });
}
addEventListener("error", (event) => report(event.error || event.message));
addEventListener("unhandledrejection", (event) => report(event.reason));

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
