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

// What was pasted, and the role, for the life of this document only: Material's instant
// navigation keeps the document, so a reader who follows a guide link from the report
// and comes back finds the boxes as they left them. A reload forgets it, as the page
// promises; nothing is stored.
const memory = { texts: new Map(), role: "" };

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
    pathLabel: messages.get("path-label") ?? "",
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
  // One short sentence a check for screen readers: the verdict, not the whole report.
  const announce = report.querySelector("[data-checker-announce]");
  // In an attribute, not a <script type="application/json">: instant navigation
  // re-inserts the scripts of a page it swaps in, and the policy blocks inline ones.
  const examples = JSON.parse(
    page.querySelector("[data-checker-examples]")?.dataset.checkerExamples || "[]",
  );
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
  let shownKey = null; // the request whose report is shown
  let example = null; // the example in the boxes, until the reader changes one
  let toReport = false; // an example was chosen: its report takes focus once drawn

  const setState = (state) => {
    report.dataset.checkerState = state;
  };

  function showStatus(text, overviewText = text) {
    status.textContent = text;
    if (overview && overviewText) overview.replaceChildren(overviewText);
  }

  // A boot step; within the download, how much has come (the bar moves through the
  // step, and the words say how many megabytes), where the worker counts it.
  function showProgress({ step, megabytes, received, bytes }) {
    const shown = words.step(step, { megabytes });
    if (ready || !shown) return;
    const [number, text] = shown;
    if (step === "download" && bytes > 0 && received >= 0) {
      bar.value = number + Math.min(received / bytes, 1);
      showStatus(words.say("downloading", { megabytes, received: (received / 1e6).toFixed(1) }));
    } else {
      bar.value = number;
      showStatus(text);
    }
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
      // An example is checked at the time its case was captured, so it never rots.
      now: report.dataset.checkerNow || example?.now || null,
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
    const key = JSON.stringify(req);
    if (boxes.every(({ field }) => req[field] === null)) {
      output.replaceChildren();
      shownKey = null;
      delete report.dataset.checkerVerdict;
      setState("ready");
      showStatus(words.say("ready"), words.say("ready-overview"));
      return;
    }
    if (key === shownKey && output.childElementCount) {
      delete output.dataset.stale;
      report.dataset.checkerVerdict = report.dataset.checkerShownVerdict;
      setState("done");
      return;
    }
    setState("checking");
    try {
      // Tests shorten the run's time limit with this attribute; readers never set it.
      const timeout = Number(report.dataset.checkerRunTimeout) || undefined;
      const response = JSON.parse(await run(key, timeout));
      if (id !== latest || !report.isConnected) return;
      render(response);
      shownKey = key;
      delete output.dataset.stale;
      report.dataset.checkerVerdict = response.verdict;
      report.dataset.checkerShownVerdict = response.verdict;
      setState("done");
    } catch (error) {
      if (id !== latest || !report.isConnected) return;
      showError(words.say("failed", { reason: error.message }));
    }
  }

  function showError(message) {
    shownKey = null;
    output.replaceChildren();
    delete output.dataset.stale;
    delete report.dataset.checkerVerdict;
    showStatus(message);
    setState("error");
  }

  function schedule(delay = DEBOUNCE_MS) {
    clearTimeout(timer);
    if (!fileProblem && JSON.stringify(request()) === shownKey) {
      // Nothing changed (the reader left a box, chose the same role): no check, no redraw.
      report.dataset.checkerVerdict = report.dataset.checkerShownVerdict;
      return;
    }
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
    // Said once a check: a title equal to the last one is told apart by a trailing
    // no-break space, or screen readers would stay silent.
    announce.textContent =
      announce.textContent === response.title ? `${response.title}\u00a0` : response.title;
    // Where focus was in the report, it stays: on the same finding's button, else on
    // the failing hop, never on the page's body.
    const focused = output.contains(document.activeElement) ? document.activeElement : null;
    const again = focused?.closest("[data-finding]")?.dataset.finding;
    const notice = example
      ? [Object.assign(document.createElement("p"), {
          className: "checker-example-notice",
          textContent: words.say("example", { label: example.label }),
        })]
      : [];
    output.replaceChildren(
      ...notice,
      ...renderReport(response, templates, {
        siteLink: (path) => new URL(path, SITE_ROOT).href,
        words,
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
    if (focused || toReport) {
      const same = again && output.querySelector(`[data-finding="${CSS.escape(again)}"] button`);
      (same || output.querySelector("[data-checker-focus]") || output.querySelector("[data-verdict]"))
        ?.focus();
    }
    toReport = false;
  }

  function remember() {
    for (const { id, input } of boxes) memory.texts.set(id, input.value);
    memory.role = role.value;
  }

  function showExample(chosen) {
    for (const { field, input } of boxes) input.value = chosen.texts[field] ?? "";
    role.value = chosen.role;
    fileProblem = null;
    example = chosen;
    // A chosen example is read, not typed into: its failing hop (or verdict) takes focus.
    toReport = true;
    remember();
    schedule(0);
  }

  // --- input: paste, type, open or drop a file ----------------------------------------

  for (const box of boxes) {
    listen(box, page, {
      typed: (whole) => {
        fileProblem = null;
        example = null;
        toReport = false;
        remember();
        schedule(whole ? 0 : DEBOUNCE_MS);
      },
      left: () => schedule(),
      opened: (file) => loadFile(box, file),
      tooLong: (length) => refuse(words.say("paste-too-large", sizes(box, length))),
      maxChars,
    });
  }
  role.addEventListener("change", () => {
    remember();
    schedule(0);
  });
  for (const button of page.querySelectorAll("[data-checker-example]")) {
    const chosen = examples.find(({ id }) => id === button.dataset.checkerExample);
    if (chosen) button.addEventListener("click", () => showExample(chosen));
  }
  // The boxes as the reader left them, when they come back to the page.
  if (boxes.every(({ input }) => !input.value) && [...memory.texts.values()].some(Boolean)) {
    for (const { id, input } of boxes) input.value = memory.texts.get(id) ?? "";
    role.value = memory.role;
  }

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
    example = null;
    remember();
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
  // A button a keyboard reaches opens the file picker, which is hidden.
  page.querySelector(`[data-checker-pick="${box.id}"]`)?.addEventListener("click", () => picker?.click());
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
