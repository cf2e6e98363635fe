// The checker's Python, off the main thread: boot Pyodide from this site, load the
// checker and its dependencies, then answer {type: "run", id, request} with
// checker.api.run(request).
//
// Every URL is absolute and on this site: Pyodide resolves relative URLs
// inconsistently, and anything it cannot find locally it would fetch from a CDN.

import { loadPyodide, version } from "../pyodide/pyodide.mjs";
import { xzDecoder } from "../pyodide/xz-decompress.mjs";
import { decodedAndChecked, download, linkSpeed, tarMembers } from "./files.js";
import { bootFromSnapshot, MANIFEST as SNAPSHOT_MANIFEST, unusable } from "./snapshot.js";

const RUNTIME = new URL("../pyodide/", import.meta.url).href;
const BYTECODE = new URL("bytecode/", RUNTIME).href;
const LOCK = "pyodide-lock.json";
const PACKAGES_DIR = "/checker-packages";
// Where Pyodide fetches its WebAssembly from (servingToPyodide answers it).
const WASM = new URL("pyodide.asm.wasm", RUNTIME).href;
// What the page knows of the link, sent first thing (client.js): `speed`, "fast",
// "slow" or null when it could not tell (files.js's linkSpeed says what is fast), and
// whether the reader asked to save data.
const link = new Promise((resolve) => {
  addEventListener("message", function told({ data }) {
    if (data.type !== "link") return;
    removeEventListener("message", told);
    resolve(data);
  });
});
// A slow link's download takes many seconds: the page hears how far it is this often.
const PROGRESS_EVERY_MS = 250;
// "normal" or "snapshot" when a benchmark or test chose (client.js), else null.
const CHOSEN = new URL(import.meta.url).searchParams.get("boot");

// The boot steps, by name: "download", "load", "start", "ready". The page says each
// in its own words (docs/checker.md), so only names and numbers are sent.
function progress(step, details = {}) {
  postMessage({ type: "progress", step, ...details });
}

// Which boot, then boot: the memory image when the site has one that fits and the
// link is fast (or the image is in the browser's cache already), else the normal
// boot, which downloads the fewest bytes. Nothing waits for the choice on a slow link:
// the page's <head> has started the normal boot's biggest download, which its fetch
// joins, and the link is busy with it meanwhile.
async function start() {
  const fresh = { cache: "no-cache" }; // these name the files: never an old copy
  const [manifest, snapshot, lock] = await Promise.all([
    download(BYTECODE, "manifest.json", fresh).then((response) => response.json()),
    download(RUNTIME, SNAPSHOT_MANIFEST, fresh).then((response) => response.json(), () => null),
    download(RUNTIME, LOCK, fresh).then((response) => response.text()),
  ]);
  // Only now: parsing this big module would hold up the three small files above, and
  // with them the start of the downloads.
  const factory = import(new URL("pyodide.asm.mjs", RUNTIME).href);
  factory.catch(() => {}); // reported where it is awaited
  const megabytes = Math.round((manifest.wasm.bytes + manifest.archive.bytes) / 1e6);
  progress("download", { megabytes });
  const why = snapshot ? await unusable(snapshot, version, lock) : "the site has none";
  if (why) {
    console.info(`The checker starts Python without its snapshot: ${why}`);
  } else if (CHOSEN === "snapshot" || (CHOSEN !== "normal" && (await snapshotPays(snapshot, factory)))) {
    try {
      return await bootFromSnapshot({
        loadPyodide, manifest: snapshot, lock, factory, runtime: RUNTIME, progress,
        stderr: (text) => console.warn(text), abort: watchAbort(),
      });  // prettier-ignore
    } catch (error) {
      console.warn(`The checker starts Python without its snapshot: ${error.message}`);
    }
  }
  return boot(manifest, lock, factory);
}

// Whether the memory image is worth its bytes: it is cached already, or the page saw
// a fast link, or (when the page could not tell) the link brought pyodide.asm.mjs,
// which both boots load first, faster than the image pays. A reader who asked to
// save data gets the boot that downloads least.
async function snapshotPays(snapshot, factory) {
  const { speed, saveData } = await link;
  if (saveData || navigator.connection?.saveData) return false;
  if (speed === "fast") return true;
  const image = new URL(snapshot.image.file_name, RUNTIME);
  try {
    const cached = await fetch(image, { cache: "only-if-cached", mode: "same-origin" });
    await cached.body?.cancel();
    if (cached.ok) return true;
  } catch {
    // not in the cache
  }
  if (speed === "slow") return false;
  await factory;
  const [timing] = performance.getEntriesByName(new URL("pyodide.asm.mjs", RUNTIME).href);
  // Nothing measured (cached, or revalidated): the lighter boot.
  return Boolean(timing) && linkSpeed(timing) === "fast";
}

// The normal boot. Pyodide ships its standard library as source and the wheels hold
// source, and compiling it was most of the time Python took to start; the site build
// compiles it instead, keeps only what the page imports, and packs it with xz
// (site_build/bytecode.py), as it does the WebAssembly. Both download at once and are
// unpacked as they arrive: the WebAssembly compiles while it downloads, Python starts
// with the bytecode standard library, and the checker's packages are bytecode zips on
// sys.path, never installed.
async function boot(manifest, lock, factory) {
  // Unpacked side by side as they arrive, each by its own decoder; on a slow link
  // the page shows how much has come.
  const arrived = downloadProgress(manifest.wasm.bytes + manifest.archive.bytes);
  const wasm = unpackedWasm(download(BYTECODE, manifest.wasm.file_name), manifest, arrived);
  const archive = unpackedArchive(
    download(BYTECODE, manifest.archive.file_name),
    manifest,
    arrived,
  );
  const member = async (name) => {
    const found = (await archive).get(name);
    if (!found) throw new Error(`${manifest.archive.file_name} has no ${name}`);
    return found;
  };
  const stdlib = new URL(manifest.stdlib.file_name, BYTECODE).href;
  const abort = watchAbort();
  const pyodide = await servingToPyodide(
    {
      [WASM]: async () => wasm,
      [stdlib]: async () => new Response(await member(manifest.stdlib.file_name)),
    },
    () =>
      abort.race(
        loadPyodide({
          indexURL: RUNTIME,
          lockFileContents: lock,
          packageBaseUrl: RUNTIME,
          stdLibURL: stdlib,
          createPyodideModule: abort.watch(async (settings) => (await factory).default(settings)),
          stdout: () => {},
          stderr: (text) => console.warn(text),
        }),
      ),
  );
  progress("load");
  pyodide.FS.mkdirTree(PACKAGES_DIR);
  const path = pyodide.pyimport("sys").path;
  for (const { file_name: fileName } of manifest.packages) {
    pyodide.FS.writeFile(`${PACKAGES_DIR}/${fileName}`, await member(fileName));
    path.append(`${PACKAGES_DIR}/${fileName}`);
  }
  path.destroy();
  const onDemand = new URL(manifest.stdlib.on_demand, RUNTIME).href;
  pyodide.pyimport("stdlib_on_demand").standard_library_on_demand(onDemand);
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

// How much of the normal boot's download has come, told to the page at most every
// PROGRESS_EVERY_MS and once all has come: the "download" step, with `received` and
// `bytes` (the total).
function downloadProgress(bytes) {
  const megabytes = Math.round(bytes / 1e6);
  let received = 0;
  let told = -Infinity;
  return (count) => {
    received += count;
    const now = performance.now();
    if (now - told >= PROGRESS_EVERY_MS || received >= bytes) {
      told = now;
      progress("download", { megabytes, received: Math.min(received, bytes), bytes });
    }
  };
}

// Two xz decoders, so that the two downloads are unpacked side by side as they arrive.
const [WasmDecoder, ArchiveDecoder] = [xzDecoder(), xzDecoder()];

// Pyodide's WebAssembly, from its xz (site_build/bytecode.py), as a Response that
// WebAssembly's streaming compiler reads as it arrives and is unpacked.
function unpackedWasm(downloading, manifest, arrived) {
  const unxz = (stream) => new WasmDecoder(stream);
  const unpacked = decodedAndChecked(downloading, unxz, manifest.wasm, arrived);
  return new Response(unpacked, { headers: { "Content-Type": "application/wasm" } });
}

// The normal boot's archive (site_build/bytecode.py), unpacked: its files by name.
function unpackedArchive(downloading, manifest, arrived) {
  const unxz = (stream) => new ArchiveDecoder(stream);
  const files = new Response(decodedAndChecked(downloading, unxz, manifest.archive, arrived))
    .arrayBuffer()
    .then((buffer) => tarMembers(new Uint8Array(buffer)));
  files.catch(() => {}); // awaited by the normal boot
  return files;
}

// Pyodide fetches its WebAssembly and its standard library itself, by URL: while it
// starts, those URLs are answered with what this worker unpacked.
async function servingToPyodide(answers, starting) {
  const network = globalThis.fetch;
  globalThis.fetch = (resource, options) => {
    const answer = answers[new URL(resource?.url ?? resource, location).href];
    return answer ? answer() : network(resource, options);
  };
  try {
    return await starting();
  } finally {
    globalThis.fetch = network;
  }
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

// Never a broken page: a boot that fails says why (client.js shows it).
const ready = start();
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
