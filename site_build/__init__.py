"""The site build: everything the MkDocs hook (hooks/site_hook.py) does, as plain Python.

- `organisation`: the MkDocs config, the role guides and the palette, from the data;
- `pipeline`: the steps after the pages, in order (runtime, bytecode, snapshot, csp);
- `runtime`, `bytecode`, `snapshot`: the checker page's Python runtime;
- `csp`: the Content-Security-Policy of every page;
- `node`: running the pinned Pyodide under Node.js, cached by the files a step uses;
- `in_pyodide/`: Python that only ever runs inside Pyodide (at build time);
- `node/`: the Node.js scripts that run it.
"""
