// Compile the checker page's Python to bytecode: site_build/bytecode.py runs this during
// the site build (see site_build/node.py for how steps are run and cached).
//
//   node make_bytecode.mjs RUNTIME_DIR ASSETS_DIR OUT_DIR PYTHON_FILE...
//
// RUNTIME_DIR is node_modules/pyodide; ASSETS_DIR the built site's assets/pyodide (the
// lock and the wheels it lists); the PYTHON_FILEs are this step's Python side
// (bytecode_compile.py and what it imports), put on Pyodide's sys.path. Writes the
// bytecode zips into OUT_DIR and prints what the manifest needs as JSON. Offline:
// every fetch fails.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [runtime, assets, out] = process.argv.slice(2, 5).map((p) => path.resolve(p) + path.sep);
const pythonFiles = process.argv.slice(5);
// Imported by Python as it starts (site-packages): every module is compiled without its
// docstrings, py_compile's too (site_build/in_pyodide/sitecustomize.py).
const startup = pythonFiles.find((file) => path.basename(file) === "sitecustomize.py");

globalThis.fetch = (resource) => {
  throw new Error(`bytecode is compiled offline, but Pyodide fetched ${resource}`);
};

const log = (text) => process.stderr.write(`${text}\n`);
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const { loadPyodide } = await import(pathToFileURL(path.join(runtime, "pyodide.mjs")).href);
const lockFile = path.join(assets, "pyodide-lock.json");
const pyodide = await loadPyodide({
  indexURL: runtime,
  lockFileURL: lockFile,
  packageBaseUrl: assets,
  // No column ranges in the bytecode's line tables (what draws ^^^ under the failing
  // part of a traceback line): a fifth of its bytes.
  env: { PYTHONNODEBUGRANGES: "1" },
  fsInit: (FS, { sitePackages }) =>
    FS.writeFile(`${sitePackages}/sitecustomize.py`, readFileSync(startup)),
  stdout: log,
  stderr: log,
});

// The wheels the lock lists, checked against it.
pyodide.FS.mkdirTree("/bytecode/wheels");
pyodide.FS.mkdirTree("/bytecode/out");
const wheels = Object.values(JSON.parse(readFileSync(lockFile, "utf-8")).packages).map(
  ({ file_name, sha256: expected }) => {
    const bytes = readFileSync(path.join(assets, file_name));
    if (sha256(bytes) !== expected) throw new Error(`${file_name} does not match the lock`);
    pyodide.FS.writeFile(`/bytecode/wheels/${file_name}`, bytes);
    return `/bytecode/wheels/${file_name}`;
  },
);
for (const file of pythonFiles.filter((file) => file !== startup)) {
  pyodide.FS.writeFile(`/bytecode/${path.basename(file)}`, readFileSync(file));
}
pyodide.runPython("import sys; sys.path.insert(0, '/bytecode')");
const made = JSON.parse(pyodide.pyimport("bytecode_compile").compile_all(pyodide.toPy(wheels), "/bytecode/out"));

for (const name of Object.keys(made.files)) {
  writeFileSync(path.join(out, name), pyodide.FS.readFile(`/bytecode/out/${name}`));
}
process.stdout.write(JSON.stringify(made));
