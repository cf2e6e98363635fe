// Links within the page (the table of contents, "See the report", "Skip to content",
// a heading's ¶) jump the way the browser does, without Material's instant
// navigation: it fetches the page again on the first such click, and the checker
// page promises that nothing is requested once it is ready. The address gets the
// link's #fragment without a new history entry (Material's navigation.tracking
// rewrites it the same way as the reader scrolls), and focus moves to the target,
// as it does when the browser jumps.

function samePageTarget(event) {
  if (event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link || link.target || !link.hash) return null;
  if (link.origin !== location.origin || link.pathname !== location.pathname) return null;
  if (link.search !== location.search) return null;
  return document.getElementById(decodeURIComponent(link.hash.slice(1)));
}

document.addEventListener(
  "click",
  (event) => {
    const target = samePageTarget(event);
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    const link = event.target.closest("a[href]");
    history.replaceState(history.state, "", link.hash);
    target.scrollIntoView();
    if (!target.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
  },
  { capture: true },
);
