/* matdiff page behaviour: read the question, ask the JSON API, show the answer in every form.
 *
 * State (expression, variable to differentiate by, order, layout, symmetric-gradient
 * convention, declared kinds and sizes) lives in `state` and in the URL hash, so a link
 * reproduces a derivation.  Typing is debounced (300 ms), Enter derives at once; every request
 * carries a serial number and a stale answer is dropped.  While the input has an error, what
 * it no longer describes (preview, inferred variables, results) is greyed and the error is
 * said where it is: under the expression, at the order field, or at the variable table
 * (table.js).  Check my answer is verify.js; scroll cues are cues.js.
 */

import { KINDS, SQUARE, parseDims, renderReading, variableTable } from "./table.js";
import { answerChecker } from "./verify.js";

const DEBOUNCE_MS = 300;
const GREEK = new Set(("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu " +
  "nu xi pi rho sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma " +
  "Upsilon Phi Psi Omega").split(" "));
const EXAMPLES = [
  { label: "least squares", expr: "0.5*norm2(D*W - X)^2", wrt: "W" },
  { label: "trace", expr: "tr(A*B)", wrt: "A" },
  { label: "Hessian", expr: "x'*A*x", wrt: "x", order: 2 },
  { label: "log-det", expr: "logdet(X)", wrt: "X", vars: { X: "spd" } },
  { label: "symmetric", expr: "x'*S*x", wrt: "S", vars: { S: "symmetric" } },
  { label: "Kronecker", expr: "A*X*B", wrt: "X" },
  { label: "LaTeX", expr: "\\frac{1}{2}\\|DW-X\\|_F^2", wrt: "W" },
  { label: "logistic", expr: "sum(log(1 + exp(-y.*(X*w))))", wrt: "w" },
];

const $ = (id) => document.getElementById(id);
const state = { expr: "", wrt: "", order: 1, layout: "numerator", symmetric: "projected",
  decl: {} };
let variables = {};
let parsedNames = null;  // the names of the last expression that parsed; null after an error
let serial = 0;
let timer = null;
let last = null;

/* ---- URL state ---- */

function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  state.expr = params.get("expr") || "";
  state.wrt = params.get("wrt") || "";
  state.order = Math.max(1, parseInt(params.get("order") || "1", 10) || 1);
  state.layout = params.get("layout") === "denominator" ? "denominator" : "numerator";
  state.symmetric = params.get("sym") === "cookbook" ? "cookbook" : "projected";
  state.decl = {};
  table.forget();
  for (const [key, value] of params) {
    if (!key.startsWith("v.")) continue;
    const name = key.slice(2);
    if (KINDS.includes(value)) state.decl[name] = value;
    else if (table.readDims(name, value)) state.decl[name] = parseDims(value);
  }
}

function writeHash() {
  const pairs = [["expr", state.expr]];
  if (state.wrt) pairs.push(["wrt", state.wrt]);
  if (state.order !== 1) pairs.push(["order", String(state.order)]);
  if (state.layout !== "numerator") pairs.push(["layout", state.layout]);
  if (state.symmetric !== "projected") pairs.push(["sym", state.symmetric]);
  for (const [name, spec] of Object.entries(state.decl)) {
    if (parsedNames && !parsedNames.has(name)) continue;
    pairs.push(["v." + name, Array.isArray(spec) ? spec.join(",") : spec]);
  }
  const encode = (s) => encodeURIComponent(s).replace(/%2C/g, ",");
  history.replaceState(null, "", "#" + pairs.map(([k, v]) => `${k}=${encode(v)}`).join("&"));
}

function showInputs() {
  $("expr").value = state.expr;
  $("order").value = String(state.order);
  $("layout").value = state.layout;
  $("symmetric").value = state.symmetric;
  showOrderError("");
}

/* ---- API ---- */

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  try {
    return await response.json();
  } catch (e) {
    return { error: { kind: "internal", message: `the server answered ${response.status}` } };
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(update, DEBOUNCE_MS);
}

async function update() {
  clearTimeout(timer);
  const mine = ++serial;
  writeHash();
  if (!state.expr.trim()) {
    clearAll();
    return;
  }
  if (table.showProblems()) {
    markStale();
    return;
  }
  $("busy").hidden = false;
  try {
    const parsed = await post("/api/parse", { expr: state.expr, vars: state.decl });
    if (mine !== serial) return;
    if (parsed.error) {
      showError(parsed.error);
      return;
    }
    variables = parsed.variables;
    parsedNames = new Set(Object.keys(variables));
    hideError();
    renderPreview(parsed.latex);
    chooseWrt(parsed.wrt);
    table.render(variables, parsedNames);
    renderReading(parsed.reading || []);
    writeHash();
    if (!$("order-error").hidden) {
      $("result").classList.add("stale");
      return;
    }
    if (!state.wrt) {
      showError({ kind: "argument", message: "the expression has no variables to " +
        "differentiate by" });
      return;
    }
    const result = await post("/api/derivative", {
      expr: state.expr, wrt: state.wrt, vars: state.decl, order: state.order,
      layout: state.layout, symmetric_gradient: state.symmetric,
    });
    if (mine !== serial) return;
    if (result.error) {
      showError(result.error);
      return;
    }
    renderResult(result);
    if (checker.pending()) checker.schedule();
  } catch (e) {
    if (mine === serial) showError({ kind: "network", message: "the server cannot be reached" });
  } finally {
    if (mine === serial) $("busy").hidden = true;
    window.scrollCues.refresh();
  }
}

function chooseWrt(prefixWrt) {
  const names = Object.keys(variables);
  if (prefixWrt && names.includes(prefixWrt)) state.wrt = prefixWrt;
  else if (!names.includes(state.wrt)) state.wrt = names[0] || "";
  showWrtOptions(names);
}

/* The choices of the variable to differentiate by; `state.wrt` is one of `names`. */
function showWrtOptions(names) {
  const select = $("wrt");
  const current = Array.from(select.options).map((o) => o.value).join(" ");
  if (current !== names.join(" ")) {
    select.replaceChildren(...names.map((n) => new Option(n, n)));
  }
  select.value = state.wrt;
}

/* ---- rendering ---- */

function tex(target, latex, display) {
  if (window.katex) {
    katex.render(latex, target, { displayMode: display, throwOnError: false });
  } else {
    target.textContent = latex;
  }
}

function texName(name) {
  const m = /^([A-Za-z]+)(?:_(\w+))?$/.exec(name);
  if (!m) return "\\mathit{" + name.replace(/_/g, "\\_") + "}";
  const base = GREEK.has(m[1]) ? "\\" + m[1] : m[1].length > 1 ? `\\mathit{${m[1]}}` : m[1];
  return m[2] ? `${base}_{${m[2]}}` : base;
}

function renderPreview(latex) {
  const box = $("preview");
  box.classList.remove("stale");
  if (latex) tex(box, latex, true);
  else box.replaceChildren();
}

function whatItIs(result) {
  const wrtShape = (variables[result.wrt] || { shape: [] }).shape;
  const outRank = result.shape.length - result.order * wrtShape.length;
  if (result.order === 1) return outRank === 0 ? "gradient" : "Jacobian";
  if (result.order === 2 && outRank === 0) return "Hessian";
  return `derivative of order ${result.order}`;
}

function shapeText(shape) {
  return shape.length ? shape.join(" × ") : "scalar";
}

function renderResult(result) {
  last = result;
  $("result").classList.remove("stale", "empty");
  const w = texName(result.wrt);
  const k = result.order;
  const lhs = k === 1 ? `\\frac{\\partial f}{\\partial ${w}}`
    : `\\frac{\\partial^{${k}} f}{\\partial ${w}^{${k}}}`;
  const matrixForm = result.latex !== result.index_latex;  // else it is written with its own ∂
  tex($("math"), matrixForm ? `${lhs} = ${result.latex}` : result.latex, true);
  const what = whatItIs(result);
  $("result-title").textContent = what[0].toUpperCase() + what.slice(1);
  const kind = (variables[result.wrt] || {}).kind;
  const convention = SQUARE.has(kind) ? ` · ${result.symmetric_gradient} symmetric gradient`
    : "";
  $("meta").textContent = `by ${result.wrt} · shape ${shapeText(result.shape)} · ` +
    `${result.layout} layout${convention}`;
  $("text").textContent = result.text;
  $("latex").textContent = result.latex;
  tex($("index-math"), result.index_latex, true);
  $("index").textContent = result.index;
  $("elementwise").textContent = result.elementwise;
  $("kron-block").hidden = !result.kron;
  $("kron").textContent = result.kron || "";
  renderPretty(result, lhs);
  $("code").textContent = result.code || "";
  renderSteps(result.steps || []);
  renderCheck(result);
}

function renderSteps(steps) {
  $("steps").replaceChildren(...steps.map((step) => {
    const li = document.createElement("li");
    li.className = "scroller";
    const math = document.createElement("span");
    math.className = "step-math";
    tex(math, step.latex, false);
    const rule = document.createElement("span");
    rule.className = "rule";
    rule.textContent = step.rule;
    li.append(math, rule);
    return li;
  }));
  $("no-steps").hidden = steps.length > 0;
}

function renderPretty(result, lhs) {
  const named = Boolean(result.pretty) && result.pretty !== result.text;
  $("pretty-block").hidden = !named;
  $("pretty").textContent = named ? result.pretty : "";
  if (named) {
    tex($("pretty-math"), `${lhs} = ${result.pretty_latex}`, true);
  } else {
    $("pretty-math").replaceChildren();
  }
}

function renderCheck(result) {
  const box = $("check");
  box.className = "check";
  if (typeof result.check === "number") {
    const good = result.check <= 1e-5;
    box.classList.add(good ? "good" : "bad");
    const error = result.check.toExponential(1);
    box.textContent = `${good ? "✓" : "✗"} max relative error ${error}` +
      " against central finite differences on random inputs";
  } else {
    box.textContent = result.check_error || "not available";
  }
}

function clearAll() {
  hideError();
  variables = {};
  parsedNames = new Set();
  table.render(variables, parsedNames);
  renderReading([]);
  chooseWrt(null);
  $("preview").replaceChildren();
  $("result").classList.add("stale");
}

/* What the input no longer describes is greyed; declared rows are the user's and stay. */
function markStale() {
  parsedNames = null;
  $("result").classList.add("stale");
  $("preview").classList.add("stale");
  table.setStale(true);
  writeHash();
}

function showError(error) {
  markStale();
  table.render(variables, parsedNames);
  const known = [...Object.keys(variables), ...Object.keys(state.decl), state.wrt];
  showWrtOptions([...new Set(known.filter(Boolean))]);
  table.markFaults(error.marks || []);
  const kind = error.kind || "error";
  $("error-title").textContent = `${kind[0].toUpperCase()}${kind.slice(1)} error`;
  const detail = error.detail || error.message;
  const quoted = detail.startsWith(error.message) ? detail.slice(error.message.length) : "";
  $("error-message").textContent = quoted ? error.message : detail;
  $("error-detail").textContent = quoted.replace(/^\n/, "");
  $("error-detail").hidden = !quoted.trim();
  $("error").hidden = false;
}

function hideError() {
  $("error").hidden = true;
  table.setStale(false);
  table.markFaults([]);
}

function showOrderError(message) {
  $("order-error").textContent = message;
  $("order-error").hidden = !message;
  $("order").setAttribute("aria-invalid", message ? "true" : "false");
}

/* ---- wiring ---- */

function copyText(text, button) {
  const done = () => {
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy"; }, 1200);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
  } else {
    fallbackCopy(text, done);
  }
}

function fallbackCopy(text, done) {
  const area = document.createElement("textarea");
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
  done();
}

function showExamples() {
  $("examples").replaceChildren(...EXAMPLES.map((ex) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.textContent = ex.label;
    button.title = ex.expr;
    button.addEventListener("click", () => {
      Object.assign(state, { expr: ex.expr, wrt: ex.wrt, order: ex.order || 1,
        layout: "numerator", decl: { ...(ex.vars || {}) } });
      table.forget();
      showInputs();
      update();
    });
    return button;
  }));
}

function readOrder() {
  const field = $("order");
  const text = field.value.trim();
  const k = Number(text);
  const max = Number(field.max);
  if (!/^\d+$/.test(text) || k < 1 || k > max) {
    const what = text ? `not “${text}”` : "it is empty";
    showOrderError(`The order is a whole number from 1 to ${max}, ${what}.`);
    $("result").classList.add("stale");
    return;
  }
  showOrderError("");
  state.order = k;
  schedule();
}

function start() {
  readHash();
  if (!state.expr && !location.hash) {
    Object.assign(state, { expr: EXAMPLES[0].expr, wrt: EXAMPLES[0].wrt });
  }
  showInputs();
  showExamples();
  $("expr").addEventListener("input", () => {
    state.expr = $("expr").value;
    schedule();
  });
  $("expr").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      state.expr = $("expr").value;
      update();
    }
  });
  $("wrt").addEventListener("change", () => {
    state.wrt = $("wrt").value;
    update();
  });
  $("order").addEventListener("input", readOrder);
  $("order").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && $("order-error").hidden) update();
  });
  $("layout").addEventListener("change", () => {
    state.layout = $("layout").value;
    update();
  });
  $("symmetric").addEventListener("change", () => {
    state.symmetric = $("symmetric").value;
    update();
  });
  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", () => {
      if (last) copyText(last[button.dataset.copy] || "", button);
    });
  }
  window.addEventListener("hashchange", () => {
    readHash();
    showInputs();
    update();
  });
  update();
}

const table = variableTable(state, { update, schedule });
const checker = answerChecker(state, post);
start();
