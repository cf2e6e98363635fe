// Draw a checker report: the JSON of checker.api.run, as DOM nodes.
//
// Stateless and wordless: every word comes either from the report (which carries
// the verdict's title, each layer's status word, where each finding's evidence is)
// or from the page's <template data-checker-templates> (its headings and button
// labels), so the page's own language lives in the page. Every text from a report
// is set with textContent, never as HTML: the report quotes what was pasted.

// Catalogue texts mark commands with `backticks`: show those as code, as text.
function withCode(text) {
  return String(text)
    .split("`")
    .map((part, i) => {
      if (!(i % 2)) return document.createTextNode(part);
      const code = document.createElement("code");
      code.textContent = part;
      return code;
    });
}

function present(value) {
  return value !== null && value !== undefined && value !== "";
}

// A copy of the template part named `name`.
function part(templates, name) {
  const found = templates.content.querySelector(`[data-part="${name}"]`);
  if (!found) throw new Error(`the page has no template for the report's ${name}`);
  const copy = found.cloneNode(true);
  copy.removeAttribute("data-part");
  return copy;
}

function slot(node, name) {
  return node.querySelector(`[data-slot="${name}"]`);
}

function fill(node, name, value, { code = false } = {}) {
  const target = slot(node, name);
  if (!target) return;
  if (!present(value)) {
    target.remove();
    return;
  }
  target.replaceChildren(...(code ? withCode(value) : [document.createTextNode(value)]));
}

function verdictLine(report, templates) {
  const line = part(templates, "verdict");
  line.classList.add(`checker-verdict--${report.verdict}`);
  line.dataset.verdict = report.verdict;
  line.textContent = report.title;
  return line;
}

// The report as the access path: one hop a layer, in the order a connection passes
// them, each with its status; the first that fails is marked (and can take focus).
function layerList(report, templates, { siteLink, words }) {
  const list = part(templates, "layers");
  list.dataset.checkerPath = "";
  list.setAttribute("aria-label", words.pathLabel);
  const item = slot(list, "layer");
  item.remove();
  const failing = report.layers.find((layer) => layer.status === "failed");
  for (const layer of report.layers) {
    const entry = item.cloneNode(true);
    entry.removeAttribute("data-slot");
    entry.classList.add(`checker-layer--${layer.status}`);
    entry.dataset.layer = layer.id;
    entry.dataset.status = layer.status;
    fill(entry, "title", layer.title);
    fill(entry, "status", layer.status_text);
    const link = slot(entry, "link");
    link.removeAttribute("data-slot");
    link.href = siteLink(`troubleshooting/#${layer.id}`);
    if (layer === failing) {
      entry.classList.add("checker-layer--first-failure");
      link.setAttribute("aria-current", "step");
      link.dataset.checkerFocus = "";
    }
    list.append(entry);
  }
  return list;
}

function findingBlock(finding, templates, { siteLink, onEvidence }) {
  const block = part(templates, "finding");
  block.classList.add(`checker-finding--${finding.severity}`);
  block.dataset.finding = finding.id;
  fill(block, "message", finding.message, { code: true });
  const evidence = slot(block, "evidence");
  if (present(finding.evidence)) {
    slot(block, "box")?.remove();
    fill(evidence, "where", finding.where);
    fill(evidence, "line", finding.evidence);
    if (finding.source && finding.line) evidence.addEventListener("click", () => onEvidence(finding));
    else evidence.disabled = true;
  } else {
    evidence.remove();
    fill(block, "box", finding.where);
  }
  fill(block, "fix", finding.fix, { code: true });
  if (!present(finding.fix)) slot(block, "fix-block")?.remove();
  const links = slot(block, "links");
  for (const name of ["guide", "troubleshooting"]) {
    const link = slot(links, name);
    if (present(finding[name])) link.href = siteLink(finding[name]);
    else (link.closest("[data-joined]") || link).remove();
  }
  if (!links.querySelector("a")) links.remove();
  return block;
}

function summaryBlock(report, templates, { copy }) {
  const block = part(templates, "summary");
  fill(block, "summary", report.summary);
  const copied = slot(block, "copied");
  slot(block, "copy").addEventListener("click", async () => {
    copied.textContent = await copy(report.summary);
  });
  return block;
}

// The report as nodes: verdict, the path of layers, each finding, the summary to share.
// `siteLink(path)` makes a site address absolute; `onEvidence(finding)` is called
// when the reader asks to see a finding's line in its box; `copy(text)` copies the
// summary and resolves to the words that say how that went.
// Findings come below the path: what is wrong with the input first, then those of
// the failing hop, then the rest (warnings of the hops before it) as the report has them.
export function renderReport(report, templates, actions) {
  const rank = (finding) => (finding.layer === "input" ? 0 : finding.layer === report.verdict ? 1 : 2);
  const findings = [...report.findings].sort((a, b) => rank(a) - rank(b));
  return [
    verdictLine(report, templates),
    layerList(report, templates, actions),
    ...findings.map((finding) => findingBlock(finding, templates, actions)),
    summaryBlock(report, templates, actions),
  ];
}
