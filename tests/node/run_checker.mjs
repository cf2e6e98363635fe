// Run checker.api.run inside real Pyodide under Node.js, offline: the runtime from
// node_modules/pyodide, the wheels and lock from a built site's assets/pyodide/.
//
//   node tests/node/run_checker.mjs SITE_DIR REQUESTS_JSON [wheels|bytecode|snapshot] > responses.json
//
// REQUESTS_JSON: a file with a JSON list of request strings; stdout: {python, responses,
// fetched_on_demand, imported_from_source}. `snapshot` restores the site's memory image
// (snapshot_boot.mjs) instead of loading the wheels; fetched_on_demand lists what the
// restored Python had to fetch because it was not in the image. `bytecode` boots the way
// the page's worker does without an image: the standard library and the package zips
// compiled at build time (hooks/pyodide_bytecode.py); imported_from_source lists the
// modules it still had to compile.
// Any attempt to fetch over the network fails the run: everything must be local.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { restoreFromSite } from "./snapshot_boot.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runtime = path.join(repo, "node_modules", "pyodide") + path.sep;
const assets = path.join(path.resolve(process.argv[2]), "assets", "pyodide") + path.sep;

const realFetch = globalThis.fetch;
globalThis.fetch = (resource, ...rest) => {
  const url = String(resource?.url ?? resource);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith("file:")) {
    throw new Error(`network access attempted: ${url}`);
  }
  return realFetch(resource, ...rest);
};

const log = (text) => process.stderr.write(`${text}\n`);
let pyodide;
let fetched = [];
if (process.argv[4] === "snapshot") {
  ({ pyodide, fetched } = await restoreFromSite(process.argv[2], log));
} else if (process.argv[4] === "bytecode") {
  const bytecode = path.join(assets, "bytecode") + path.sep;
  const manifest = JSON.parse(readFileSync(`${bytecode}manifest.json`, "utf-8"));
  const { loadPyodide } = await import(path.join(runtime, "pyodide.mjs"));
  pyodide = await loadPyodide({
    indexURL: runtime,
    lockFileURL: path.join(assets, "pyodide-lock.json"),
    packageBaseUrl: assets,
    stdLibURL: bytecode + manifest.stdlib.file_name,
    stdout: log,
    stderr: log,
  });
  pyodide.FS.mkdirTree("/checker-packages");
  const sysPath = pyodide.pyimport("sys").path;
  for (const { file_name } of manifest.packages) {
    pyodide.FS.writeFile(`/checker-packages/${file_name}`, readFileSync(bytecode + file_name));
    sysPath.append(`/checker-packages/${file_name}`);
  }
} else {
  const { loadPyodide } = await import(path.join(runtime, "pyodide.mjs"));
  pyodide = await loadPyodide({
    indexURL: runtime,
    lockFileURL: path.join(assets, "pyodide-lock.json"),
    packageBaseUrl: assets,
    packageCacheDir: assets,
    stdout: log,
    stderr: log,
  });
  await pyodide.loadPackage("checker", { messageCallback: () => {}, errorCallback: log });
}
const run = pyodide.pyimport("checker.api").run;
const version = pyodide.runPython("import sys; sys.version");

const requests = JSON.parse(readFileSync(process.argv[3], "utf-8"));
const responses = requests.map((request) => run(request));
const fromSource =
  process.argv[4] === "bytecode"
    ? pyodide
        .runPython(
          `import sys; [name for name, module in sys.modules.items()
           if (getattr(module.__spec__, "origin", None) or "").endswith(".py")]`,
        )
        .toJs()
    : [];
process.stdout.write(
  JSON.stringify({
    python: version,
    responses,
    fetched_on_demand: fetched,
    imported_from_source: fromSource,
  }),
);
