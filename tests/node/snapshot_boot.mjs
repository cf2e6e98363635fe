// Restore the checker's memory image from a built site under Node.js, the way the page's
// worker does (docs/assets/checker/snapshot.js), with the files read from disk instead
// of downloaded.
//
// A Web Worker can fetch synchronously and Node.js cannot: `fetched` lists what the
// restored Python asked for with a synchronous XMLHttpRequest (the standard library
// on demand), answered here from the site's files.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runtime = path.join(repo, "node_modules", "pyodide") + path.sep;

export async function restoreFromSite(siteDir, log) {
  const assets = path.join(path.resolve(siteDir), "assets", "pyodide") + path.sep;
  const manifest = JSON.parse(readFileSync(assets + "snapshot-manifest.json", "utf-8"));
  const packed = readFileSync(assets + manifest.image.file_name);
  if (createHash("sha256").update(packed).digest("hex") !== manifest.image.sha256) {
    throw new Error(`${manifest.image.file_name} does not match the manifest`);
  }
  const image = new Uint8Array(gunzipSync(packed));

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

  const { loadPyodide } = await import(pathToFileURL(runtime + "pyodide.mjs").href);
  const { restoring } = await import(
    pathToFileURL(path.join(repo, "docs", "assets", "checker", "snapshot.js")).href
  );
  const factory = import(pathToFileURL(runtime + "pyodide.asm.mjs").href);
  const pyodide = await loadPyodide({
    indexURL: runtime,
    lockFileURL: assets + "pyodide-lock.json",
    packageBaseUrl: assets,
    stdLibURL: assets + manifest.stdlib.file_name,
    _loadSnapshot: image,
    createPyodideModule: restoring(factory, image, Promise.resolve(), manifest.image),
    stdout: log,
    stderr: log,
  });
  const lock = JSON.parse(readFileSync(assets + "pyodide-lock.json", "utf-8"));
  for (const { file_name } of Object.values(lock.packages)) {
    const wheel = new Uint8Array(readFileSync(assets + file_name));
    pyodide.unpackArchive(wheel, "wheel", { extractDir: manifest.site_packages });
  }
  const onDemand = pathToFileURL(assets + manifest.stdlib.on_demand).href;
  pyodide.pyimport("snapshot_image").standard_library_on_demand(onDemand);
  return { pyodide, fetched };
}
