// Restore a built site's memory image under Node.js, then import modules by name.
//
//   node tests/node/import_after_restore.mjs SITE_DIR MODULE... > result.json
//
// stdout: {modules: {name: {before, error}}, fetched_on_demand}: whether each module was
// in the image already, the error importing it raised (or null), and what the restored
// Python fetched on demand to import them.

import { restoreFromSite } from "./snapshot_boot.mjs";

const log = (text) => process.stderr.write(`${text}\n`);
const { pyodide, fetched } = await restoreFromSite(process.argv[2], log);
const tryImport = pyodide.runPython(`
import importlib, sys

def try_import(name):
    before = name in sys.modules
    try:
        importlib.import_module(name)
    except Exception as error:
        return before, f"{type(error).__name__}: {error}"
    return before, None

try_import
`);
const modules = {};
for (const name of process.argv.slice(3)) {
  const [before, error] = tryImport(name).toJs();
  modules[name] = { before, error: error ?? null };
}
process.stdout.write(JSON.stringify({ modules, fetched_on_demand: fetched }));
