// Start the worker and note when Python answers. performance.now() counts from the
// navigation, like the checker page's timeline in benchmarks/run.py. The page's query
// goes to the worker (?stdlib=...: start with another standard library zip).

const worker = new Worker(new URL(`./worker.js${location.search}`, import.meta.url), {
  type: "module",
});
worker.addEventListener("message", ({ data }) => {
  window.bare = { ms: performance.now(), ...data };
});
worker.addEventListener("error", (event) => {
  window.bare = { ms: performance.now(), error: event.message || "the worker did not start" };
});
