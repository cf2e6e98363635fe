// Run checker.api.run inside real Pyodide under Node.js, offline: the runtime from
// node_modules/pyodide, the wheels and lock from a built site's assets/pyodide/.
//
//   node tests/node/run_checker.mjs SITE_DIR REQUESTS_JSON [wheels|bytecode|snapshot] > responses.json
//
// REQUESTS_JSON: a file with a JSON list of request strings; stdout: {python, responses,
// fetched_on_demand, imported_from_source}. `snapshot` restores the site's memory image
// (snapshot_boot.mjs) instead of loading the wheels. `bytecode` boots the way the page's
// worker does without an image: the standard library and the package zips compiled at
// build time (site_build/bytecode.py), unpacked from their archive with the site's own
// xz decoder. For both, fetched_on_demand lists what Python had to fetch because the
// boot lacked it (the whole standard library), and imported_from_source the modules it
// had to compile.
// Any attempt to fetch over the network fails the run: everything must be local.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { answerSynchronousRequests, restoreFromSite } from "./snapshot_boot.mjs";

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
  // The archive as the page unpacks it: with the site's xz decoder and files.js.
  const bytecode = path.join(assets, "bytecode") + path.sep;
  const manifest = JSON.parse(readFileSync(`${bytecode}manifest.json`, "utf-8"));
  const { xzDecoder } = await import(pathToFileURL(`${assets}xz-decompress.mjs`).href);
  const page = (name) => pathToFileURL(path.join(repo, "docs", "assets", "checker", name)).href;
  const { tarMembers } = await import(page("files.js"));
  const Decoder = xzDecoder();
  const packed = new Blob([readFileSync(bytecode + manifest.archive.file_name)]).stream();
  const tar = await new Response(new Decoder(packed)).arrayBuffer();
  const files = tarMembers(new Uint8Array(tar));
  const stdlib = path.join(mkdtempSync(path.join(tmpdir(), "bytecode-")), "python_stdlib.zip");
  writeFileSync(stdlib, files.get(manifest.stdlib.file_name));
  const { loadPyodide } = await import(path.join(runtime, "pyodide.mjs"));
  pyodide = await loadPyodide({
    indexURL: runtime,
    lockFileURL: path.join(assets, "pyodide-lock.json"),
    packageBaseUrl: assets,
    stdLibURL: stdlib,
    stdout: log,
    stderr: log,
  });
  pyodide.FS.mkdirTree("/checker-packages");
  const sysPath = pyodide.pyimport("sys").path;
  for (const { file_name } of manifest.packages) {
    pyodide.FS.writeFile(`/checker-packages/${file_name}`, files.get(file_name));
    sysPath.append(`/checker-packages/${file_name}`);
  }
  fetched = answerSynchronousRequests();
  const onDemand = pathToFileURL(assets + manifest.stdlib.on_demand).href;
  pyodide.pyimport("stdlib_on_demand").standard_library_on_demand(onDemand);
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
