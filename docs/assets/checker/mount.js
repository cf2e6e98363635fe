// Loaded on every page. It does nothing unless the page has the checker's report
// element; only then does it load the checker (and the checker boots Python).
// Material's instant navigation swaps pages inside one document, so mount on
// every document$ emission, not once on load.

const MARKER = "[data-checker-report]";

function mountIfPresent() {
  const report = document.querySelector(MARKER);
  if (report) {
    import("./checker.js").then((checker) => checker.mount(report));
  }
}

if (typeof document$ !== "undefined") {
  document$.subscribe(mountIfPresent);
} else {
  mountIfPresent();
}
