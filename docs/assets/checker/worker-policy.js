// Every Web Worker of this site runs under the page's Content-Security-Policy.
//
// A worker started from its own URL gets the policy of that URL's response, and
// a static host sends none with it: such a worker could reach any
// origin. A worker started from a blob: URL inherits the page's policy instead. So
// every same-origin worker (the checker's, and Material's search worker) is started
// from a one-line blob that loads the real script, and then connects, imports and
// fetches only what the page's policy allows: this site.
//
// Loaded in <head>, before any script that starts a worker; a classic script on
// purpose, so that nothing starts first.
(() => {
  const Native = window.Worker;
  if (!Native || Native.underPagePolicy) return;
  class Worker extends Native {
    constructor(script, options = {}) {
      const url = new URL(script, document.baseURI);
      if (url.protocol === "blob:" || url.protocol === "data:") {
        super(script, options);
        return;
      }
      if (url.origin !== location.origin) {
        throw new TypeError(`this site starts no worker from another origin (${url.origin})`);
      }
      const load =
        options.type === "module"
          ? `import ${JSON.stringify(url.href)};`
          : `importScripts(${JSON.stringify(url.href)});`;
      const blob = URL.createObjectURL(new Blob([load], { type: "text/javascript" }));
      super(blob, options);
      // The worker has read the blob by the time it runs its first line.
      setTimeout(() => URL.revokeObjectURL(blob), 60_000);
    }
  }
  Worker.underPagePolicy = true;
  window.Worker = Worker;
})();
