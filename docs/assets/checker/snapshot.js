// Start the checker's Python from a memory image instead of from scratch.
//
// The site build (site_build/snapshot.py, site_build/node/make_snapshot.mjs) runs Pyodide once
// in Node.js, imports the checker and runs it on samples, and saves Pyodide's memory.
// Restoring that memory skips Python's start-up and every import. Around the image:
//
// - snapshot-manifest.json names the Pyodide version, the lock file and the image it
//   was made with; anything that does not match is not used;
// - the image is gzipped at build time and inflated here, whatever the host does. Its
//   memory is stored as the difference from the memory pyodide.asm.wasm starts with, so
//   the static data the WebAssembly file already carries is not downloaded twice, and
//   without its long runs of zeros (the manifest lists these "holes");
// - the file system is not in the image: site-packages comes as a tarball of exactly
//   the files the image was made with (the lock's wheels, unpacked), and the standard
//   library zip is an empty one (site_build/in_pyodide/stdlib_on_demand.py fetches the
//   real one if a module that is not in memory is ever imported).
//
// Every problem throws; worker.js then boots Python the normal way.
//
// The build uses `restoring` and `inflateInto` too: it checks each image it makes by
// restoring it this way under Node.js.

import { download, sha256, untar } from "./files.js";

export const MANIFEST = "snapshot-manifest.json";
const PAGE_BYTES = 65536;

// Why the image cannot be used with this page and lock, or null.
export async function unusable(manifest, version, lock) {
  if (typeof DecompressionStream !== "function") {
    return "this browser cannot inflate it (no DecompressionStream)";
  }
  if (manifest.pyodide !== version) {
    return `it is for Pyodide ${manifest.pyodide}, the page runs ${version}`;
  }
  if ((await sha256(new TextEncoder().encode(lock))) !== manifest.lock_sha256) {
    return "it was made with other wheels than pyodide-lock.json lists";
  }
  return null;
}

// Boot from the image `manifest` describes (checked with `unusable` first); `factory`
// is the import of pyodide.asm.mjs, `lock` the lock's text.
export async function bootFromSnapshot({
  loadPyodide, manifest, lock, factory, runtime, progress, stderr, abort,
}) {
  const megabytes = Math.round(manifest.boot_bytes / 1e6);
  progress("download", { megabytes });
  // Pyodide takes the image's bytes before it starts its WebAssembly, but reads them
  // only after: the image fills in while the WebAssembly downloads and compiles.
  const { image: made, site_packages: files } = manifest;
  const image = new Uint8Array(made.raw_bytes);
  const filled = download(runtime, made.file_name).then((response) =>
    inflateInto(image, response, made),
  );
  filled.catch(() => {}); // reported where it is awaited
  const tar = new Uint8Array(files.raw_bytes);
  const sitePackages = download(runtime, files.file_name).then((response) =>
    inflateInto(tar, response, files),
  );
  const [pyodide] = await Promise.all([
    abort.race(
      loadPyodide({
        indexURL: runtime,
        lockFileContents: lock,
        packageBaseUrl: runtime,
        stdLibURL: new URL(manifest.stdlib.file_name, runtime).href,
        _loadSnapshot: image,
        createPyodideModule: abort.watch(restoring(factory, image, filled, made)),
        stdout: () => {},
        stderr,
      }),
    ),
    sitePackages,
  ]);

  // Pyodide keeps its options, and so the image, once it is in memory: let it go.
  globalThis.structuredClone?.(image.buffer, { transfer: [image.buffer] });
  progress("load");
  untar(tar, files.path, pyodide.FS);
  const onDemand = new URL(manifest.stdlib.on_demand, runtime).href;
  pyodide.pyimport("stdlib_on_demand").standard_library_on_demand(onDemand);
  progress("start");
  const run = pyodide.pyimport("checker.api").run;
  progress("ready");
  return run;
}

// A createPyodideModule for loadPyodide that completes the image before Pyodide copies
// it into memory: once the WebAssembly is instantiated it waits for the image to be
// filled, grows the memory to the image's size (Pyodide 314 copies the image as it is),
// checks that the memory the WebAssembly starts with is the one the image was made
// against, and adds that memory back.
export function restoring(factory, image, filled, made) {
  const { base_bytes: baseBytes, base_sha256: baseSha256 } = made;
  return async (settings) => {
    const { default: createPyodideModule } = await factory;
    const instantiate = settings.instantiateWasm;
    if (typeof instantiate !== "function") {
      throw new Error("this Pyodide does not let the page see its memory before it starts");
    }
    let problem = null;
    settings.instantiateWasm = (imports, receive) =>
      instantiate(imports, (instance, module) => {
        filled
          .then(() => addBase(image, instance.exports.memory, baseBytes, baseSha256))
          .then(
            () => receive(instance, module),
            (error) => {
              problem = error;
              receive(instance, module);
            },
          );
      });
    const pyodideModule = await createPyodideModule(settings);
    if (problem) throw problem;
    return pyodideModule;
  };
}

async function addBase(image, memory, baseBytes, baseSha256) {
  const offset = memoryOffset(image);
  const missing = image.length - offset - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
  const base = new Uint8Array(memory.buffer, 0, baseBytes);
  if ((await sha256(base)) !== baseSha256) {
    throw new Error("it was made against another pyodide.asm.wasm");
  }
  xorInto(image, offset, base);
}

// Where the memory starts in a Pyodide snapshot: its header says (second 32-bit word).
export function memoryOffset(image) {
  return new DataView(image.buffer, image.byteOffset, 8).getUint32(4, true);
}

// XOR base into image from offset on: stores the difference, and undoes it.
export function xorInto(image, offset, base) {
  for (let i = 0; i < base.length; i++) image[offset + i] ^= base[i];
}

// Inflate a gzipped download into `into` as it arrives, leaving the holes (runs of
// zeros the build left out, [offset, length] in `into`) as they are, and check the
// download's sha256.
export async function inflateInto(into, response, { file_name: name, sha256: expected, holes }) {
  const [packed, toInflate] = response.body.tee();
  const digest = new Response(packed).arrayBuffer().then(sha256);
  digest.catch(() => {}); // awaited below unless inflating fails first
  const reader = toInflate.pipeThrough(new DecompressionStream("gzip")).getReader();
  const skips = [...(holes ?? []), [into.length, 0]];
  let at = 0;
  let next = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let chunk = value;
      while (chunk.length) {
        if (at === skips[next][0] && next < skips.length - 1) {
          at += skips[next++][1];
          continue;
        }
        const part = chunk.subarray(0, skips[next][0] - at);
        if (!part.length) throw new Error("more bytes than expected");
        into.set(part, at);
        at += part.length;
        chunk = chunk.subarray(part.length);
      }
    }
  } catch (error) {
    throw new Error(`${name}: ${error.message}`);
  }
  while (next < skips.length - 1 && at === skips[next][0]) at += skips[next++][1];
  if ((await digest) !== expected) throw new Error(`${name}: not the sha256 the manifest says`);
  if (at !== into.length) throw new Error(`${name}: ${into.length - at} bytes missing`);
}
