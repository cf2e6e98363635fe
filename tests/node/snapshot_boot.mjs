// Restore the checker's memory image from a built site under Node.js, the way the page's
// worker does (with docs/assets/checker/snapshot.js), with the files read from disk
// instead of downloaded.
//
// A Web Worker can fetch synchronously and Node.js cannot: `fetched` lists what the
// restored Python asked for with a synchronous XMLHttpRequest (the standard library
// on demand), answered here from the site's files.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runtime = path.join(repo, "node_modules", "pyodide") + path.sep;

// A synchronous XMLHttpRequest (what stdlib_on_demand.py sends) answered from the
// site's files; returns the list of what was asked for.
export function answerSynchronousRequests() {
  const fetched = [];
  globalThis.XMLHttpRequest = class {
    open(method, url, async) {
      if (async !== false) throw new Error("expected a synchronous request");
      this.url = url;
    }
    send() {
      fetched.push(this.url);
      const bytes = readFileSync(fileURLToPath(this.url));
      this.response = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      this.status = 200;
    }
  };
  return fetched;
}

export async function restoreFromSite(siteDir, log) {
  const assets = path.join(path.resolve(siteDir), "assets", "pyodide") + path.sep;
  const manifest = JSON.parse(readFileSync(assets + "snapshot-manifest.json", "utf-8"));
  const page = (name) => pathToFileURL(path.join(repo, "docs", "assets", "checker", name)).href;
  const { inflateInto, restoring } = await import(page("snapshot.js"));
  const { untar } = await import(page("files.js"));
  const inflated = (made) => {
    const bytes = new Uint8Array(made.raw_bytes);
    return [bytes, inflateInto(bytes, new Response(readFileSync(assets + made.file_name)), made)];
  };

  const fetched = answerSynchronousRequests();

  const { loadPyodide } = await import(pathToFileURL(runtime + "pyodide.mjs").href);
  const factory = import(pathToFileURL(runtime + "pyodide.asm.mjs").href);
  const [image, filled] = inflated(manifest.image);
  const [tar, unpacked] = inflated(manifest.site_packages);
  const pyodide = await loadPyodide({
    indexURL: runtime,
    lockFileURL: assets + "pyodide-lock.json",
    packageBaseUrl: assets,
    stdLibURL: assets + manifest.stdlib.file_name,
    _loadSnapshot: image,
    createPyodideModule: restoring(factory, image, filled, manifest.image),
    stdout: log,
    stderr: log,
  });
  await unpacked;
  untar(tar, manifest.site_packages.path, pyodide.FS);
  const onDemand = pathToFileURL(assets + manifest.stdlib.on_demand).href;
  pyodide.pyimport("stdlib_on_demand").standard_library_on_demand(onDemand);
  return { pyodide, fetched };
}
