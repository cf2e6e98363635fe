// Make the checker's memory image: hooks/pyodide_snapshot.py runs this during the site
// build, and docs/assets/checker/snapshot.js restores the image in the browser.
//
//   node hooks/make_snapshot.mjs RUNTIME_DIR ASSETS_DIR OUT_DIR
//
// RUNTIME_DIR is node_modules/pyodide; ASSETS_DIR the built site's assets/pyodide (the
// lock and the wheels it lists); OUT_DIR holds stdlib.zip, the empty standard library
// the page restores with, and receives image.bin.gz. Prints what the manifest needs as
// JSON. Offline: every fetch fails, everything comes from the three directories.
//
// The image: Pyodide after the wheels are unpacked and hooks/snapshot_image.py has
// imported and warmed up the checker; free memory zeroed (it compresses to nothing);
// the memory stored as its difference from the memory the WebAssembly starts with. The
// build then restores the image, the way the page does, and checks that the restored
// checker gives the same reports on the samples before it keeps the image.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
const { memoryOffset, restoring, xorInto } = await import(
  pathToFileURL(path.join(here, "..", "docs", "assets", "checker", "snapshot.js")).href
);
const [runtime, assets, out] = process.argv.slice(2).map((p) => path.resolve(p) + path.sep);

globalThis.fetch = (resource) => {
  throw new Error(`the snapshot is made offline, but Pyodide fetched ${resource}`);
};

const log = (text) => process.stderr.write(`${text}\n`);
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const { loadPyodide } = await import(pathToFileURL(path.join(runtime, "pyodide.mjs")).href);
const factory = import(pathToFileURL(path.join(runtime, "pyodide.asm.mjs")).href);

// The wheels the lock lists, checked against it.
const lockFile = path.join(assets, "pyodide-lock.json");
const wheels = Object.values(JSON.parse(readFileSync(lockFile, "utf-8")).packages).map(
  ({ file_name, sha256: expected }) => {
    const bytes = new Uint8Array(readFileSync(path.join(assets, file_name)));
    if (sha256(bytes) !== expected) throw new Error(`${file_name} does not match the lock`);
    return bytes;
  },
);
const common = {
  indexURL: runtime,
  lockFileURL: lockFile,
  packageBaseUrl: assets,
  stdout: log,
  stderr: log,
};

// 1. Pyodide with the checker, warmed up; the memory its WebAssembly started with.
let base = null;
const maker = await loadPyodide({
  ...common,
  // A fixed hash seed: the same inputs make the same image. (A restored image keeps
  // the seed it was made with either way.)
  env: { PYTHONHASHSEED: "0" },
  _makeSnapshot: true,
  createPyodideModule: async (settings) => {
    const { default: createPyodideModule } = await factory;
    const instantiate = settings.instantiateWasm;
    settings.instantiateWasm = (imports, receive) =>
      instantiate(imports, (instance, module) => {
        base = new Uint8Array(instance.exports.memory.buffer).slice();
        receive(instance, module);
      });
    return createPyodideModule(settings);
  },
});
const sitePackages = maker.runPython("import site; site.getsitepackages()[0]");
for (const wheel of wheels) maker.unpackArchive(wheel, "wheel", { extractDir: sitePackages });
maker.FS.mkdirTree("/snapshot");
const source = readFileSync(path.join(here, "snapshot_image.py"));
maker.FS.writeFile("/snapshot/snapshot_image.py", source);
const prepared = maker.runPython(`
import sys
sys.path.insert(0, "/snapshot")
import snapshot_image
sys.path.remove("/snapshot")
snapshot_image.prepare()
`);
const python = maker.runPython("import sys; '.'.join(map(str, sys.version_info[:3]))");
const modules = maker.runPython("import sys; len(sys.modules)");
zeroFreeMemory(maker._module);

// 2. The image, as its difference from the starting memory (which is non-zero only in
// its first megabytes, the static data).
const image = maker.makeMemorySnapshot();
let baseBytes = base.length;
while (baseBytes > 0 && base[baseBytes - 1] === 0) baseBytes--;
baseBytes = Math.ceil(baseBytes / 4) * 4;
base = base.subarray(0, baseBytes);
xorInto(image, memoryOffset(image), base);
const made = { base_bytes: baseBytes, base_sha256: sha256(base) };

// 3. Restore it the way the page does, and compare the reports.
const copy = image.slice();
const restored = await loadPyodide({
  ...common,
  stdLibURL: path.join(out, "stdlib.zip"),
  _loadSnapshot: copy,
  createPyodideModule: restoring(factory, copy, Promise.resolve(), made),
});
for (const wheel of wheels) restored.unpackArchive(wheel, "wheel", { extractDir: sitePackages });
const reports = restored.pyimport("snapshot_image").sample_reports();
if (reports !== prepared) {
  log(`before the snapshot:\n${prepared}\nrestored:\n${reports}`);
  throw new Error("the restored checker reports differently from the one in the snapshot");
}

writeFileSync(path.join(out, "image.bin.gz"), gzipSync(image, { level: 9 }));
const rawBytes = image.length;
process.stdout.write(
  JSON.stringify({ ...made, raw_bytes: rawBytes, site_packages: sitePackages, python, modules }),
);

// Free heap memory still holds whatever was there before it was freed: allocating all
// of it with calloc (which zeroes it) and freeing it again leaves zeros, which cost
// nothing compressed. Stops at each size as soon as an allocation would grow the heap.
function zeroFreeMemory(module) {
  const brk = () => module.HEAPU32[module._emscripten_get_sbrk_ptr() >>> 2];
  const blocks = [];
  for (let size = 1 << 16; size >= 16; size >>= 1) {
    for (;;) {
      const before = brk();
      const block = module._calloc(1, size);
      if (!block) break;
      if (brk() !== before) {
        module._free(block);
        break;
      }
      blocks.push(block);
    }
  }
  for (const block of blocks) module._free(block);
  module._malloc_trim(0);
  module.HEAPU8.fill(0, brk());
  // The unused part of the C stack (it grows down; nothing runs in WebAssembly now).
  const stackEnd = module._emscripten_stack_get_end();
  module.HEAPU8.fill(0, stackEnd, module._emscripten_stack_get_current() - 1024);
}
