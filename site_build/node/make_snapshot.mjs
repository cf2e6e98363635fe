// Make the checker's memory image: site_build/snapshot.py runs this during the site
// build (see site_build/node.py), and docs/assets/checker/snapshot.js restores the
// image in the browser.
//
//   node make_snapshot.mjs RUNTIME_DIR ASSETS_DIR OUT_DIR PYTHON_FILE... SNAPSHOT_JS
//
// RUNTIME_DIR is node_modules/pyodide; ASSETS_DIR the built site's assets/pyodide (its
// lock); OUT_DIR holds what the page restores with besides the image: stdlib.zip (the
// empty standard library) and site-packages.tar.gz (the lock's wheels, unpacked), and
// receives image.bin.gz. The PYTHON_FILEs are this step's Python side (snapshot_image.py
// and what it imports); SNAPSHOT_JS is the page's restore code (snapshot.js, and the
// files.js it imports), which restores the image here too. Prints what the manifest
// needs as JSON. Offline: every fetch
// fails, everything comes from the three directories.
//
// The image: Pyodide after site-packages is in place and hooks/snapshot_image.py has
// imported and warmed up the checker; free memory zeroed; the memory stored as its
// difference from the memory the WebAssembly starts with, and without its runs of
// zeros (the "holes"). The build then restores the image with the page's own code
// and checks that the restored checker gives the same reports on the samples before
// it keeps the image.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";

const [runtime, assets, out] = process.argv.slice(2, 5).map((p) => path.resolve(p) + path.sep);
const inputs = process.argv.slice(5);
const pythonFiles = inputs.filter((file) => file.endsWith(".py"));
// Imported by Python as it starts (site-packages): compiles every module without its
// docstrings, for the image only.
const startup = pythonFiles.find((file) => path.basename(file) === "sitecustomize.py");
const pageCode = (name) => pathToFileURL(inputs.find((file) => file.endsWith(`/${name}`))).href;
const { inflateInto, memoryOffset, restoring, xorInto } = await import(pageCode("snapshot.js"));
const { untar } = await import(pageCode("files.js"));

globalThis.fetch = (resource) => {
  throw new Error(`the snapshot is made offline, but Pyodide fetched ${resource}`);
};

// Zeros are left out of the image in runs of whole blocks of this size.
const HOLE_BLOCK = 65536;
const log = (text) => process.stderr.write(`${text}\n`);
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const { loadPyodide } = await import(pathToFileURL(path.join(runtime, "pyodide.mjs")).href);
const factory = import(pathToFileURL(path.join(runtime, "pyodide.asm.mjs")).href);

const lockFile = path.join(assets, "pyodide-lock.json");
const packedFiles = readFileSync(path.join(out, "site-packages.tar.gz"));
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
  // the seed it was made with either way.) No column ranges in the code's line tables
  // (they are what draws the ^^^ under the failing part of a traceback line): they made
  // some 450 kB of the gzipped image. The restored Python keeps both settings.
  env: { PYTHONHASHSEED: "0", PYTHONNODEBUGRANGES: "1" },
  fsInit: (FS, { sitePackages }) =>
    FS.writeFile(`${sitePackages}/sitecustomize.py`, readFileSync(startup)),
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
untar(new Uint8Array(gunzipSync(packedFiles)), sitePackages, maker.FS);
maker.FS.mkdirTree("/snapshot");
for (const file of pythonFiles.filter((file) => file !== startup)) {
  maker.FS.writeFile(`/snapshot/${path.basename(file)}`, readFileSync(file));
}
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
// its first megabytes, the static data), gzipped without its runs of zero blocks.
const image = maker.makeMemorySnapshot();
let baseBytes = base.length;
while (baseBytes > 0 && base[baseBytes - 1] === 0) baseBytes--;
baseBytes = Math.ceil(baseBytes / 4) * 4;
base = base.subarray(0, baseBytes);
xorInto(image, memoryOffset(image), base);
const holes = zeroRuns(image, HOLE_BLOCK);
const packed = gzipSync(withoutHoles(image, holes), { level: 9 });
const made = {
  file_name: "image.bin.gz",
  sha256: sha256(packed),
  raw_bytes: image.length,
  holes,
  base_bytes: baseBytes,
  base_sha256: sha256(base),
};

// 3. Restore it the way the page does, and compare the reports.
const restoredImage = new Uint8Array(image.length);
const filled = inflateInto(restoredImage, new Response(packed), made);
const restored = await loadPyodide({
  ...common,
  stdLibURL: path.join(out, "stdlib.zip"),
  _loadSnapshot: restoredImage,
  createPyodideModule: restoring(factory, restoredImage, filled, made),
});
const tar = new Uint8Array(gunzipSync(packedFiles).length);
const files = { file_name: "site-packages.tar.gz", sha256: sha256(packedFiles) };
await inflateInto(tar, new Response(packedFiles), files);
untar(tar, sitePackages, restored.FS);
const reports = restored.pyimport("snapshot_image").sample_reports();
if (reports !== prepared) {
  log(`before the snapshot:\n${prepared}\nrestored:\n${reports}`);
  throw new Error("the restored checker reports differently from the one in the snapshot");
}

writeFileSync(path.join(out, made.file_name), packed);
const { file_name: _, ...manifest } = made;
process.stdout.write(JSON.stringify({ ...manifest, site_packages: sitePackages, python, modules }));

// [offset, length] of the runs of all-zero blocks of `block` bytes.
function zeroRuns(bytes, block) {
  const runs = [];
  for (let at = 0; at < bytes.length; at += block) {
    const end = Math.min(at + block, bytes.length);
    if (bytes.subarray(at, end).some((byte) => byte !== 0)) continue;
    const last = runs.at(-1);
    if (last && last[0] + last[1] === at) last[1] += end - at;
    else runs.push([at, end - at]);
  }
  return runs;
}

function withoutHoles(bytes, holes) {
  const parts = [];
  let at = 0;
  for (const [offset, length] of holes) {
    parts.push(bytes.subarray(at, offset));
    at = offset + length;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}

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
