// Loaded on every page. It does nothing unless the page has the checker's report
// element; only then does it load the checker (and the checker boots Python).
// Material's instant navigation swaps pages inside one document, so mount on
// every document$ emission, not once on load.
//
// One exception: a reader who rests the pointer on a link to the checker, focuses
// it or touches it is about to open it. Python then starts while the browser is
// idle, and since instant navigation keeps this document, the checker page finds it
// booting, or ready, when it arrives. A page view, a pointer passing over the
// link, or a reader who asked to save data starts nothing.

const MARKER = "[data-checker-report]";
const CHECKER_PAGE = new URL("../../checker/", import.meta.url);
// Longer than a pointer passing over on its way elsewhere.
const DWELL_MS = 100;

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

// --- intent: start Python before the checker page is open ---------------------------

let started = false;
let dwell = null;

function linkToChecker(target) {
  const link = target instanceof Element ? target.closest("a[href]") : null;
  const opensChecker =
    link?.origin === CHECKER_PAGE.origin && link.pathname === CHECKER_PAGE.pathname;
  return opensChecker ? link : null;
}

function start() {
  if (started || navigator.connection?.saveData) return;
  started = true;
  const load = () => import("./checker.js").then((checker) => checker.prepare());
  if ("requestIdleCallback" in window) requestIdleCallback(load, { timeout: 500 });
  else setTimeout(load, 0);
}

document.addEventListener("pointerover", ({ target }) => {
  if (!started && linkToChecker(target)) {
    clearTimeout(dwell);
    dwell = setTimeout(start, DWELL_MS);
  }
});
document.addEventListener("pointerout", ({ target, relatedTarget }) => {
  const link = linkToChecker(target);
  if (link && !link.contains(relatedTarget)) clearTimeout(dwell);
});
for (const type of ["focusin", "touchstart"]) {
  document.addEventListener(type, ({ target }) => linkToChecker(target) && start(), {
    passive: true,
  });
}
