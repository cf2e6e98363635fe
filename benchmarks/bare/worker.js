// The runtime alone: the same loadPyodide() call as the checker's worker, then 1+1.
// With ?stdlib=PATH (relative to pyodide/), Python starts with that standard library
// zip instead of Pyodide's own.

import { loadPyodide } from "./pyodide/pyodide.mjs";

const RUNTIME = new URL("./pyodide/", import.meta.url).href;
const stdlib = new URL(import.meta.url).searchParams.get("stdlib");

try {
  const pyodide = await loadPyodide({
    indexURL: RUNTIME,
    lockFileURL: new URL("pyodide-lock.json", RUNTIME).href,
    packageBaseUrl: RUNTIME,
    ...(stdlib && { stdLibURL: new URL(stdlib, RUNTIME).href }),
    stdout: () => {},
    stderr: () => {},
  });
  postMessage({ result: pyodide.runPython("1+1") });
} catch (error) {
  postMessage({ error: String(error?.message || error) });
}
