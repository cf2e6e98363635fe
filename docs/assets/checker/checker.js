// The checker page: read the boxes, ask the Python checker in a Web Worker, show
// its report. No diagnosis happens here: the page sends the same request the CLI
// builds to the same `checker.api.run`, and renders the JSON it gets back.
//
// One worker and one boot promise per document: Material's instant navigation
// keeps the document (and this module) alive across pages, so leaving the
// checker and coming back reuses the Python that is already running.
//
// Every text from a report is inserted with textContent / text nodes, never as
// HTML: the report quotes what the user pasted.

const BOXES = {
  "tailscale-status": { field: "tailscale_status", name: "tailscale status --json" },
  kubeconfig: { field: "kubeconfig", name: "kubeconfig" },
  "kubectl-output": { field: "kubectl_output", name: "kubectl output" },
};
const STATUS_WORDS = {
  passed: "passed",
  failed: "failed",
  warning: "warning",
  not_checked: "not checked",
};
// Typing is checked once it pauses; a paste, a drop, an opened file or a role is a
// whole answer and is checked at once.
const DEBOUNCE_MS = 150;
const WHOLE_TEXT = new Set(["insertFromPaste", "insertFromPasteAsQuotation", "insertFromDrop"]);
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const SITE_ROOT = new URL("../../", import.meta.url);

// --- the runtime: one worker per document -------------------------------------

let worker = null;
let booted = null;
let progress = { step: 0, steps: 3, text: "Starting the checker…" };
const progressListeners = new Set();
const pending = new Map();
let nextId = 1;

function boot() {
  if (booted) return booted;
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  booted = new Promise((resolve, reject) => {
    worker.addEventListener("message", ({ data }) => {
      if (data.type === "progress") {
        progress = data;
        for (const listener of progressListeners) listener(progress);
      } else if (data.type === "ready") {
        resolve();
      } else if (data.type === "boot-error") {
        reject(new Error(data.message));
      } else if (data.type === "result" || data.type === "error") {
        const call = pending.get(data.id);
        pending.delete(data.id);
        if (call && data.type === "result") call.resolve(data.response);
        if (call && data.type === "error") call.reject(new Error(data.message));
      }
    });
    worker.addEventListener("error", (event) => {
      reject(new Error(event.message || "the checker's worker could not start"));
    });
  });
  return booted;
}

// Start Python before the checker page is open (mount.js: the reader is about to
// open it). Its errors are the page's to show, once it mounts.
export function prepare() {
  boot().catch(() => {});
}

async function runChecker(request) {
  await boot();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type: "run", id, request });
  });
}

// --- small DOM helpers ------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// Catalogue texts mark commands with `backticks`: show those as code, as text.
function withCode(text) {
  const parts = String(text).split("`");
  return parts.map((part, i) => (i % 2 ? el("code", {}, part) : part));
}

// --- one mounted page ---------------------------------------------------------------

export function mount(report) {
  if (report.dataset.checkerMounted) return;
  report.dataset.checkerMounted = "true";

  const page = report.closest("article") || document;
  // The organisation data the CLI reads too, rendered into the page at build time
  // (an attribute, not a <script> element: instant navigation re-runs scripts).
  const organisation = JSON.parse(report.dataset.checkerOrganisation || "{}");
  const inputs = {};
  for (const box of Object.keys(BOXES)) {
    inputs[box] = page.querySelector(`[data-checker-input="${box}"]`);
  }
  const role = page.querySelector('[data-checker-input="role"]');
  const status = report.querySelector("[data-checker-status]");
  // A line near the top of the page repeats the status, since the report is far below.
  const overview = page.querySelector("[data-checker-overview]");
  const bar = el("progress", { class: "checker-progress", max: "3", value: "0" });
  const output = el("div", { class: "checker-report__output" });
  if (overview) overview.after(bar);
  else report.prepend(bar);
  report.append(output);

  let timer = null;
  let latest = 0;
  let ready = false;
  let fileProblem = null;

  function setState(state) {
    report.dataset.checkerState = state;
  }

  function showStatus(text, overviewText = text) {
    status.textContent = text;
    if (overview && overviewText) {
      overview.replaceChildren(overviewText);
    }
  }

  function showProgress(p) {
    if (ready) return;
    bar.max = p.steps;
    bar.value = p.step;
    showStatus(p.text);
  }

  function request() {
    const texts = {};
    for (const [box, { field }] of Object.entries(BOXES)) {
      const text = inputs[box].value;
      texts[field] = text.trim() === "" ? null : text;
    }
    return {
      ...texts,
      role: role.value || null,
      // Tests pin the clock and the expected tailnets (the CLI's --now and --tailnet)
      // with these attributes; readers never see or set them.
      tailnets: JSON.parse(report.dataset.checkerTailnets || "[]"),
      now: report.dataset.checkerNow || null,
      organisation,
    };
  }

  function isEmpty(req) {
    return Object.values(BOXES).every(({ field }) => req[field] === null);
  }

  async function check() {
    clearTimeout(timer);
    if (!report.isConnected) return;
    const id = ++latest;
    if (fileProblem) {
      showError(fileProblem);
      return;
    }
    const req = request();
    if (isEmpty(req)) {
      output.replaceChildren();
      delete report.dataset.checkerVerdict;
      setState("ready");
      showStatus(
        "Ready. Paste or open the outputs above; the report appears here.",
        "Ready. Paste or open the outputs below; the report appears at the end of the page.",
      );
      return;
    }
    setState("checking");
    try {
      const response = JSON.parse(await runChecker(JSON.stringify(req)));
      if (id !== latest || !report.isConnected) return;
      render(response);
      report.dataset.checkerVerdict = response.verdict;
      setState("done");
    } catch (error) {
      if (id !== latest || !report.isConnected) return;
      showError(`The checker failed: ${error.message}`);
    }
  }

  function showError(message) {
    output.replaceChildren();
    delete report.dataset.checkerVerdict;
    showStatus(message);
    setState("error");
  }

  function schedule(delay = DEBOUNCE_MS) {
    clearTimeout(timer);
    // Before the runtime is ready, the check runs once it is (see below).
    if (ready) {
      setState("checking");
      timer = setTimeout(check, delay);
    }
  }

  function render(response) {
    const layers = new Map(response.layers.map((layer) => [layer.id, layer]));
    const heading = verdictHeading(response, layers);
    showStatus("", null);
    overview?.replaceChildren(`${heading.textContent}. `, el("a", { href: "#report" }, "See the report."));
    output.replaceChildren(
      heading,
      el(
        "ol",
        { class: "checker-layers" },
        ...response.layers.map((layer) =>
          el(
            "li",
            { class: `checker-layer checker-layer--${layer.status}`, "data-layer": layer.id },
            el("span", { class: "checker-layer__title" }, layer.title),
            " ",
            el("span", { class: "checker-layer__status" }, STATUS_WORDS[layer.status] || layer.status),
          ),
        ),
      ),
      ...response.findings.map(findingBlock),
      summaryBlock(response.summary),
    );
  }

  function verdictHeading(response, layers) {
    const verdict = response.verdict;
    const warnings = response.layers.some((layer) => layer.status === "warning");
    let title;
    if (verdict === "ok") {
      title = warnings ? "Every layer passed, with warnings" : "Every layer passed";
    } else if (verdict === "input") {
      title = "The checker cannot use what was pasted";
    } else {
      title = `Fails at: ${layers.get(verdict)?.title || verdict}`;
    }
    return el(
      "p",
      { class: `checker-verdict checker-verdict--${verdict}`, "data-verdict": verdict },
      title,
    );
  }

  function findingBlock(finding) {
    const where = BOXES[finding.source];
    const block = el(
      "div",
      {
        class: `checker-finding checker-finding--${finding.severity}`,
        "data-finding": finding.id,
      },
      el("p", { class: "checker-finding__message" }, ...withCode(finding.message)),
    );
    // Which box the finding is about: on the evidence line, or on its own without one.
    if (where && (finding.evidence === null || finding.evidence === undefined)) {
      block.append(el("p", { class: "checker-finding__where" }, `In the ${where.name} box`));
    }
    if (finding.evidence !== null && finding.evidence !== undefined) {
      const label = finding.line ? `line ${finding.line}` : "evidence";
      const button = el(
        "button",
        { type: "button", class: "checker-finding__evidence" },
        el("span", { class: "checker-finding__where" }, where ? `${where.name}, ${label}` : label),
        el("code", {}, finding.evidence),
      );
      if (where && finding.line) {
        button.title = "Show this line in the box";
        button.addEventListener("click", () => selectLine(inputs[finding.source], finding.line));
      } else {
        button.disabled = true;
      }
      block.append(button);
    }
    if (finding.fix) {
      block.append(el("p", { class: "checker-finding__fix" }, el("strong", {}, "Fix: "), ...withCode(finding.fix)));
    }
    const links = [];
    if (finding.guide) links.push(el("a", { href: siteLink(finding.guide) }, "the step in the guide"));
    if (finding.troubleshooting) {
      links.push(el("a", { href: siteLink(finding.troubleshooting) }, "troubleshooting"));
    }
    if (links.length) {
      block.append(el("p", { class: "checker-finding__links" }, "See ", ...join(links, " and "), "."));
    }
    return block;
  }

  function summaryBlock(summary) {
    const copied = el("span", { class: "checker-summary__copied", role: "status" });
    const button = el("button", { type: "button", class: "md-button" }, "Copy redacted summary");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(summary);
        copied.textContent = "Copied.";
      } catch {
        copied.textContent = "Could not copy: select the summary below and copy it.";
      }
    });
    return el(
      "div",
      { class: "checker-summary" },
      button,
      " ",
      copied,
      el(
        "details",
        {},
        el("summary", {}, "Show the redacted summary"),
        el("pre", { class: "checker-summary__text" }, summary),
      ),
    );
  }

  // --- input: paste, type, open or drop a file ----------------------------------------

  for (const [box, textarea] of Object.entries(inputs)) {
    textarea.addEventListener("input", (event) => {
      fileProblem = null;
      schedule(WHOLE_TEXT.has(event.inputType) ? 0 : DEBOUNCE_MS);
    });
    textarea.addEventListener("change", () => schedule());
    const container = textarea.closest("[data-checker-box]") || textarea;
    const picker = page.querySelector(`[data-checker-file="${box}"]`);
    picker?.addEventListener("change", () => {
      if (picker.files.length) loadFile(box, picker.files[0]);
      picker.value = "";
    });
    container.addEventListener("dragover", (event) => {
      if (event.dataTransfer?.types.includes("Files")) {
        event.preventDefault();
        container.classList.add("checker-box--drop");
      }
    });
    container.addEventListener("dragleave", () => container.classList.remove("checker-box--drop"));
    container.addEventListener("drop", (event) => {
      container.classList.remove("checker-box--drop");
      const file = event.dataTransfer?.files[0];
      if (file) {
        event.preventDefault();
        loadFile(box, file);
      }
    });
  }
  role.addEventListener("change", () => schedule(0));

  async function loadFile(box, file) {
    if (file.size > MAX_FILE_BYTES) {
      fileProblem = `${BOXES[box].name}: ${file.name} is ${Math.round(file.size / 1024)} KB; expected at most ${MAX_FILE_BYTES / 1024} KB. Is it the right file?`;
      check();
      return;
    }
    inputs[box].value = await file.text();
    fileProblem = null;
    schedule(0);
  }

  // --- boot, then check whatever is already there -------------------------------------

  progressListeners.add(showProgress);
  showProgress(progress);
  boot().then(
    () => {
      progressListeners.delete(showProgress);
      ready = true;
      bar.remove();
      // Anything pasted while Python was loading is checked now.
      check();
    },
    (error) => {
      progressListeners.delete(showProgress);
      bar.remove();
      showError(`The checker could not start: ${error.message}. Reload the page to try again.`);
    },
  );
}

function siteLink(path) {
  return new URL(path, SITE_ROOT).href;
}

function join(items, separator) {
  return items.flatMap((item, i) => (i ? [separator, item] : [item]));
}

// Select one line of a textarea and scroll it into view, so the reader sees what
// the finding quotes.
function selectLine(textarea, line) {
  const lines = textarea.value.split("\n");
  const index = Math.min(Math.max(line, 1), lines.length) - 1;
  const start = lines.slice(0, index).reduce((sum, text) => sum + text.length + 1, 0);
  const end = start + lines[index].length;
  textarea.focus();
  textarea.setSelectionRange(start, end);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
  textarea.scrollTop = Math.max(0, index * lineHeight - textarea.clientHeight / 3);
  textarea.scrollIntoView({ block: "nearest" });
}
