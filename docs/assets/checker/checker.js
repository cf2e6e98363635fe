// The checker page's controller: read the boxes, ask the Python checker (client.js),
// show its report (report.js). No diagnosis happens here, and no wording: the page
// sends the request checker/request.py describes to the same `checker.api.run` the
// CLI uses, and every word it shows comes from the report or from the page itself
// (the boxes' names in their data attributes, the messages and the report's parts in
// <template data-checker-templates>).

import { boot, followProgress, onRestart, prepare, run } from "./client.js";
import { renderReport } from "./report.js";

export { prepare };

// Typing is checked once it pauses; a paste, a drop, an opened file or a role is a
// whole answer and is checked at once.
const DEBOUNCE_MS = 150;
const WHOLE_TEXT = new Set(["insertFromPaste", "insertFromPasteAsQuotation", "insertFromDrop"]);
const SITE_ROOT = new URL("../../", import.meta.url);

// The page's words: <template data-checker-templates> holds one [data-message] per
// message, with {placeholders}, and one [data-step] per boot step, in order.
function wordsOf(templates) {
  const messages = new Map();
  for (const node of templates.content.querySelectorAll("[data-message]")) {
    messages.set(node.dataset.message, node.textContent);
  }
  const steps = [...templates.content.querySelectorAll("[data-step]")].map((node) => [
    node.dataset.step,
    node.textContent,
  ]);
  const fillIn = (text, values) =>
    text.trim().replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  return {
    say: (name, values = {}) => fillIn(messages.get(name) ?? name, values),
    // Boot step `name` as [its number, its words], or null for a step the page lacks.
    step(name, values = {}) {
      const number = steps.findIndex(([step]) => step === name);
      return number < 0 ? null : [number, fillIn(steps[number][1], values)];
    },
    stepCount: steps.length - 1,
  };
}

export function mount(report) {
  if (report.dataset.checkerMounted) return;
  report.dataset.checkerMounted = "true";

  const page = report.closest("article") || document;
  const templates = page.querySelector("template[data-checker-templates]");
  const words = wordsOf(templates);
  // Each box: its textarea, the request key it fills and its name in messages.
  const boxes = [...page.querySelectorAll("textarea[data-checker-input]")].map((input) => ({
    id: input.dataset.checkerInput,
    field: input.dataset.checkerField,
    name: input.dataset.checkerName,
    input,
  }));
  const role = page.querySelector('[data-checker-input="role"]');
  // The most a box takes (checker.text.MAX_CHARS): more is refused before it reaches
  // the box, where laying out millions of lines would freeze the tab.
  const maxChars = Number(report.dataset.checkerMaxChars) || 2_000_000;
  const status = report.querySelector("[data-checker-status]");
  // A line near the top of the page repeats the status, since the report is far below.
  const overview = page.querySelector("[data-checker-overview]");
  const bar = document.createElement("progress");
  bar.className = "checker-progress";
  bar.max = words.stepCount;
  bar.value = 0;
  const output = document.createElement("div");
  output.className = "checker-report__output";
  if (overview) overview.after(bar);
  else report.prepend(bar);
  report.append(output);

  let timer = null;
  let latest = 0;
  let ready = false;
  let fileProblem = null;

  const setState = (state) => {
    report.dataset.checkerState = state;
  };

  function showStatus(text, overviewText = text) {
    status.textContent = text;
    if (overview && overviewText) overview.replaceChildren(overviewText);
  }

  function showProgress({ step, megabytes }) {
    const shown = words.step(step, { megabytes });
    if (ready || !shown) return;
    [bar.value] = shown;
    showStatus(shown[1]);
  }

  function request() {
    const texts = Object.fromEntries(
      boxes.map(({ field, input }) => [field, input.value.trim() === "" ? null : input.value]),
    );
    return {
      ...texts,
      role: role.value || null,
      // Tests pin the clock and the expected tailnets (the CLI's --now and --tailnet)
      // with these attributes; readers never see or set them.
      tailnets: JSON.parse(report.dataset.checkerTailnets || "[]"),
      now: report.dataset.checkerNow || null,
      // The organisation data the CLI reads too, rendered into the page at build time
      // (an attribute, not a <script> element: instant navigation re-runs scripts).
      organisation: JSON.parse(report.dataset.checkerOrganisation || "{}"),
    };
  }

  // The report shown is for inputs that are gone: say so at once, and let no answer
  // to an older request replace a newer one.
  function invalidate() {
    latest += 1;
    if (output.childElementCount) output.dataset.stale = "true";
    delete report.dataset.checkerVerdict;
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
    if (boxes.every(({ field }) => req[field] === null)) {
      output.replaceChildren();
      delete report.dataset.checkerVerdict;
      setState("ready");
      showStatus(words.say("ready"), words.say("ready-overview"));
      return;
    }
    setState("checking");
    try {
      // Tests shorten the run's time limit with this attribute; readers never set it.
      const timeout = Number(report.dataset.checkerRunTimeout) || undefined;
      const response = JSON.parse(await run(JSON.stringify(req), timeout));
      if (id !== latest || !report.isConnected) return;
      render(response);
      delete output.dataset.stale;
      report.dataset.checkerVerdict = response.verdict;
      setState("done");
    } catch (error) {
      if (id !== latest || !report.isConnected) return;
      showError(words.say("failed", { reason: error.message }));
    }
  }

  function showError(message) {
    output.replaceChildren();
    delete output.dataset.stale;
    delete report.dataset.checkerVerdict;
    showStatus(message);
    setState("error");
  }

  function schedule(delay = DEBOUNCE_MS) {
    clearTimeout(timer);
    invalidate();
    // Before the runtime is ready, the check runs once it is (see below).
    if (ready) {
      setState("checking");
      timer = setTimeout(check, delay);
    }
  }

  function render(response) {
    showStatus("", null);
    const link = document.createElement("a");
    link.href = "#report";
    link.textContent = words.say("see-report");
    overview?.replaceChildren(`${response.title}. `, link);
    output.replaceChildren(
      ...renderReport(response, templates, {
        siteLink: (path) => new URL(path, SITE_ROOT).href,
        onEvidence: (finding) => {
          const box = boxes.find(({ id }) => id === finding.source);
          if (box) selectLine(box.input, finding.line);
        },
        copy: async (text) => {
          try {
            await navigator.clipboard.writeText(text);
            return words.say("copied");
          } catch {
            return words.say("copy-failed");
          }
        },
      }),
    );
  }

  // --- input: paste, type, open or drop a file ----------------------------------------

  for (const box of boxes) {
    listen(box, page, {
      typed: (whole) => {
        fileProblem = null;
        schedule(whole ? 0 : DEBOUNCE_MS);
      },
      left: () => schedule(),
      opened: (file) => loadFile(box, file),
      tooLong: (length) => refuse(words.say("paste-too-large", sizes(box, length))),
      maxChars,
    });
  }
  role.addEventListener("change", () => schedule(0));

  function sizes(box, length) {
    return { box: box.name, size: Math.round(length / 1024), max: Math.round(maxChars / 1024) };
  }

  // Text too long for a box never reaches it; the reader is told why, like a file.
  function refuse(message) {
    invalidate();
    fileProblem = message;
    check();
  }

  async function loadFile(box, file) {
    if (file.size > maxChars) {
      refuse(words.say("file-too-large", { ...sizes(box, file.size), file: file.name }));
      return;
    }
    box.input.value = await file.text();
    fileProblem = null;
    schedule(0);
  }

  // --- boot, then check whatever is already there -------------------------------------

  onRestart((reason) => {
    // A run that was waiting fails with the reason (check() shows it); otherwise the
    // report stays, and the status says that the next change starts Python again.
    if (report.isConnected && report.dataset.checkerState !== "checking") {
      status.textContent = words.say("restarted", { reason });
    }
  });
  const unfollow = followProgress(showProgress);
  boot().then(
    () => {
      unfollow();
      ready = true;
      bar.remove();
      // Anything pasted while Python was loading is checked now.
      check();
    },
    (error) => {
      unfollow();
      bar.remove();
      showError(words.say("cannot-start", { reason: error.message }));
    },
  );
}

// Call `typed(whole)` when the box's text changes (whole: pasted or dropped, not
// typed), `left()` when the reader leaves it, `opened(file)` when a file is opened
// with its picker or dropped on it.
function listen(box, page, { typed, left, opened, tooLong, maxChars }) {
  const { input } = box;
  input.addEventListener("input", (event) => typed(WHOLE_TEXT.has(event.inputType)));
  input.addEventListener("change", left);
  input.addEventListener("paste", (event) => {
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (text.length + input.value.length > maxChars) {
      event.preventDefault();
      tooLong(text.length);
    }
  });
  const container = input.closest("[data-checker-box]") || input;
  const picker = page.querySelector(`[data-checker-file="${box.id}"]`);
  picker?.addEventListener("change", () => {
    if (picker.files.length) opened(picker.files[0]);
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
    const text = file ? "" : (event.dataTransfer?.getData("text/plain") ?? "");
    if (file) {
      event.preventDefault();
      opened(file);
    } else if (text.length > maxChars) {
      event.preventDefault();
      tooLong(text.length);
    }
  });
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
