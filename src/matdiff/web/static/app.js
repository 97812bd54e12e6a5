/* matdiff page behaviour: read the question, ask the JSON API, show the answer.
 *
 * State (expression, variable to differentiate by, order, layout, declared variables) lives
 * in `state` and in the URL hash, so a link reproduces a derivation.  Typing is debounced
 * (300 ms); every request carries a serial number and a stale answer is dropped.  The
 * variable table is updated in place, never rebuilt under the user's cursor.
 */
"use strict";

(function () {
  const KINDS = ["scalar", "vector", "matrix", "symmetric", "spd"];
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
    { label: "LaTeX", expr: "\\frac{1}{2}\\|DW-X\\|_F^2", wrt: "W" },
    { label: "logistic", expr: "sum(log(1 + exp(-y.*(X*w))))", wrt: "w" },
  ];

  const $ = (id) => document.getElementById(id);
  const state = { expr: "", wrt: "", order: 1, layout: "numerator", decl: {} };
  let variables = {};
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
    state.decl = {};
    for (const [key, value] of params) {
      if (!key.startsWith("v.")) continue;
      state.decl[key.slice(2)] = KINDS.includes(value) ? value : parseDims(value);
    }
  }

  function writeHash() {
    const params = new URLSearchParams();
    params.set("expr", state.expr);
    if (state.wrt) params.set("wrt", state.wrt);
    if (state.order !== 1) params.set("order", String(state.order));
    if (state.layout !== "numerator") params.set("layout", state.layout);
    for (const [name, spec] of Object.entries(state.decl)) {
      if (name in variables) params.set("v." + name, Array.isArray(spec) ? spec.join(",") : spec);
    }
    history.replaceState(null, "", "#" + params.toString());
  }

  function parseDims(text) {
    return text.split(/[\s,×]+/).filter(Boolean).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
  }

  function showInputs() {
    $("expr").value = state.expr;
    $("order").value = String(state.order);
    $("layout").value = state.layout;
  }

  /* ---- API ---- */

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data;
    try {
      data = await response.json();
    } catch (e) {
      data = { error: { kind: "internal", message: `the server answered ${response.status}` } };
    }
    return data;
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
    $("busy").hidden = false;
    try {
      const parsed = await post("/api/parse", { expr: state.expr, vars: state.decl });
      if (mine !== serial) return;
      if (parsed.error) {
        showError(parsed.error);
        return;
      }
      variables = parsed.variables;
      renderPreview(parsed.latex);
      chooseWrt(parsed.wrt);
      renderVariables();
      renderReading(parsed.reading || []);
      writeHash();
      if (!state.wrt) {
        showError({ kind: "argument", message: "the expression has no variables to " +
          "differentiate by" });
        return;
      }
      const result = await post("/api/derivative", {
        expr: state.expr, wrt: state.wrt, vars: state.decl,
        order: state.order, layout: state.layout,
      });
      if (mine !== serial) return;
      if (result.error) {
        showError(result.error);
        return;
      }
      hideError();
      renderResult(result);
      if ($("claim").value.trim()) scheduleVerify();
    } catch (e) {
      if (mine === serial) showError({ kind: "network", message: "the server cannot be reached" });
    } finally {
      if (mine === serial) $("busy").hidden = true;
    }
  }

  function chooseWrt(prefixWrt) {
    const names = Object.keys(variables);
    if (prefixWrt && names.includes(prefixWrt)) state.wrt = prefixWrt;
    else if (!names.includes(state.wrt)) state.wrt = names[0] || "";
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
    tex($("math"), `${lhs} = ${result.latex}`, true);
    $("result-title").textContent = whatItIs(result)[0].toUpperCase() + whatItIs(result).slice(1);
    $("meta").textContent = `by ${result.wrt} · shape ${shapeText(result.shape)} · ` +
      `${result.layout} layout`;
    $("text").textContent = result.text;
    $("index").textContent = result.index;
    renderPretty(result, lhs);
    $("code").textContent = result.code || "";
    const steps = $("steps");
    steps.replaceChildren(...(result.steps || []).map((step) => {
      const li = document.createElement("li");
      const math = document.createElement("span");
      math.className = "step-math";
      tex(math, step.latex, false);
      const rule = document.createElement("span");
      rule.className = "rule";
      rule.textContent = step.rule;
      li.append(math, rule);
      return li;
    }));
    $("no-steps").hidden = (result.steps || []).length > 0;
    renderCheck(result);
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
    renderVariables();
    renderReading([]);
    chooseWrt(null);
    $("preview").replaceChildren();
    $("result").classList.add("stale");
  }

  function showError(error) {
    const kind = error.kind || "error";
    $("error-title").textContent = `${kind[0].toUpperCase()}${kind.slice(1)} error`;
    const detail = error.detail || error.message;
    const quoted = detail.startsWith(error.message) ? detail.slice(error.message.length) : "";
    $("error-message").textContent = quoted ? error.message : detail;
    $("error-detail").textContent = quoted.replace(/^\n/, "");
    $("error-detail").hidden = !quoted.trim();
    $("error").hidden = false;
    $("result").classList.add("stale");
  }

  function hideError() {
    $("error").hidden = true;
  }

  /* ---- the variable table, and how the input was read ---- */

  function renderReading(reading) {
    const list = $("reading");
    list.replaceChildren(...reading.map((choice) => {
      const item = document.createElement("li");
      item.className = `reading-${choice.topic}`;
      const subject = document.createElement("code");
      subject.textContent = choice.subject;
      const why = document.createElement("span");
      why.className = "why";
      why.textContent = ` (${choice.why})`;
      item.append(subject, ` read as ${choice.meaning}`, why);
      return item;
    }));
    $("reading-block").hidden = reading.length === 0;
  }

  function renderVariables() {
    const body = $("vars").querySelector("tbody");
    const names = Object.keys(variables);
    for (const row of Array.from(body.rows)) {
      if (!names.includes(row.dataset.name)) row.remove();
    }
    names.forEach((name, i) => {
      let row = body.querySelector(`tr[data-name="${CSS.escape(name)}"]`);
      if (!row) row = makeRow(name);
      if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] || null);
      fillRow(row, name);
    });
  }

  function makeRow(name) {
    const row = document.createElement("tr");
    row.dataset.name = name;
    const kind = document.createElement("select");
    kind.className = "kind";
    kind.setAttribute("aria-label", `kind of ${name}`);
    kind.append(...KINDS.map((k) => new Option(k, k)));
    kind.addEventListener("change", () => {
      state.decl[name] = kind.value;
      update();
    });
    const dims = document.createElement("input");
    dims.className = "dims";
    dims.setAttribute("aria-label", `dimensions of ${name}`);
    dims.spellcheck = false;
    dims.addEventListener("input", () => {
      const list = parseDims(dims.value);
      if (list.length) state.decl[name] = list;
      else delete state.decl[name];
      schedule();
    });
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "reset";
    reset.textContent = "auto";
    reset.title = `infer ${name} again`;
    reset.addEventListener("click", () => {
      delete state.decl[name];
      update();
    });
    const cells = [name, kind, dims, reset].map((content) => {
      const td = document.createElement("td");
      td.append(content);
      return td;
    });
    cells[0].className = "name mono";
    row.append(...cells);
    return row;
  }

  function fillRow(row, name) {
    const info = variables[name];
    const spec = state.decl[name];
    const kind = row.querySelector(".kind");
    const dims = row.querySelector(".dims");
    kind.value = typeof spec === "string" ? spec : info.kind;
    const fixedBySpec = typeof spec === "string" && (spec === "symmetric" || spec === "spd");
    dims.disabled = fixedBySpec;
    dims.placeholder = info.shape.length ? "" : "scalar";
    if (document.activeElement !== dims) dims.value = info.shape.join(", ");
    row.classList.toggle("declared", spec !== undefined);
    row.querySelector(".reset").hidden = spec === undefined;
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
        showInputs();
        update();
      });
      return button;
    }));
  }

  /* ---- check my answer ---- */

  let verifySerial = 0;
  let verifyTimer = null;
  const VERDICTS = { correct: "Correct", wrong: "Wrong", "ill-shaped": "Ill-shaped" };

  function scheduleVerify() {
    clearTimeout(verifyTimer);
    verifyTimer = setTimeout(verifyClaim, DEBOUNCE_MS);
  }

  function showVerdict(verdict, headline, text) {
    const line = $("verdict");
    line.hidden = !headline;
    line.textContent = headline;
    line.className = "verdict" + (verdict ? " verdict-" + verdict : "");
    line.dataset.verdict = verdict || "";
    $("verdict-text").hidden = !text;
    $("verdict-text").textContent = text || "";
  }

  async function verifyClaim() {
    clearTimeout(verifyTimer);
    const mine = ++verifySerial;
    const claim = $("claim").value;
    if (!claim.trim() || !state.expr.trim()) {
      showVerdict("", "", "");
      return;
    }
    try {
      const result = await post("/api/verify", {
        expr: state.expr, wrt: state.wrt || null, vars: state.decl, claim: claim,
        layout: state.layout,
      });
      if (mine !== verifySerial) return;
      if (result.error) {
        showVerdict("error", "Cannot check: " + result.error.message, result.error.detail);
        return;
      }
      const why = result.diagnosis ? " (" + result.diagnosis + ")" : "";
      showVerdict(result.verdict, VERDICTS[result.verdict] + why, result.text);
    } catch (e) {
      if (mine === verifySerial) showVerdict("error", "the server cannot be reached", "");
    }
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
    $("claim").addEventListener("input", scheduleVerify);
    $("wrt").addEventListener("change", () => {
      state.wrt = $("wrt").value;
      update();
    });
    $("order").addEventListener("input", () => {
      const k = parseInt($("order").value, 10);
      if (k >= 1) {
        state.order = k;
        schedule();
      }
    });
    $("layout").addEventListener("change", () => {
      state.layout = $("layout").value;
      update();
    });
    for (const button of document.querySelectorAll("button.copy")) {
      button.addEventListener("click", () => {
        if (last) copyText(button.dataset.copy === "code" ? last.code : last.text, button);
      });
    }
    window.addEventListener("hashchange", () => {
      readHash();
      showInputs();
      update();
    });
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
