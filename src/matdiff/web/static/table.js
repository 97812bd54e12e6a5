/* The variable table, and how the input was read.
 *
 * One row a variable: its kind and dimensions as inferred, editable to declare them (the
 * declaration goes into `state.decl`, hence into the link).  Rows are updated in place, never
 * rebuilt under the user's cursor.  After an error the rows stay, greyed where inferred, and
 * every declared name has a row even if the expression never parsed, so a shared link whose
 * sizes do not fit still shows them, ready to be corrected.  Dimensions that cannot be sent
 * (`m, -2`) are said at the table and flag their row; so is a variable an error marks.
 */

export const KINDS = ["scalar", "vector", "matrix", "symmetric", "spd"];
const RANK_KIND = ["scalar", "vector", "matrix"];
export const SQUARE = new Set(["symmetric", "spd"]);
const DIMS_HINT = { scalar: "scalar", vector: "length", matrix: "rows, columns",
  symmetric: "n, n", spd: "n, n" };
const DIM = /^(?:[1-9]\d*|[A-Za-z][A-Za-z0-9_]*)$/;

export function parseDims(text) {
  return text.split(/[\s,×]+/).filter(Boolean).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
}

/* The table of `state.decl`; `update` derives now, `schedule` after the typing pause. */
export function variableTable(state, { update, schedule }) {
  const $ = (id) => document.getElementById(id);
  const body = $("vars").tBodies[0];
  let badDims = {};  // name -> what is wrong with the dimensions typed for it

  /* Whether `text` is a list of dimensions; if not, the reason is kept for `showProblems`. */
  function readDims(name, text) {
    const wrong = text.split(/[\s,×]+/).filter(Boolean).find((d) => !DIM.test(d));
    if (wrong === undefined) {
      delete badDims[name];
      return true;
    }
    badDims[name] = `${name}: a dimension is a name or a positive integer, not “${wrong}”`;
    return false;
  }

  function showProblems() {
    const message = Object.values(badDims).join("; ");
    $("vars-error").textContent = message;
    $("vars-error").hidden = !message;
    for (const row of body.rows) {
      const wrong = row.dataset.name in badDims;
      row.classList.toggle("fault", wrong);
      row.querySelector(".dims").setAttribute("aria-invalid", wrong ? "true" : "false");
    }
    return Boolean(message);
  }

  /* A variable the error marks (its name spans a marked stretch of the input) is flagged. */
  function markFaults(marks) {
    const marked = new Set(marks.map(([from, to]) => state.expr.slice(from, to).trim()));
    for (const row of body.rows) {
      row.classList.toggle("fault", marked.has(row.dataset.name) || row.dataset.name in badDims);
    }
  }

  function setStale(stale) {
    $("vars-wrap").classList.toggle("stale", stale);
    $("reading-block").classList.toggle("stale", stale);
  }

  function entries(variables, parsedNames) {
    const all = { ...variables };
    if (parsedNames === null) {
      for (const [name, spec] of Object.entries(state.decl)) {
        if (name in all) continue;
        const shape = Array.isArray(spec) ? spec : [];
        all[name] = { kind: Array.isArray(spec) ? RANK_KIND[spec.length] || "tensor" : spec,
          shape: shape };
      }
    }
    return all;
  }

  /* The rows for `variables`; `parsedNames` null (after an error) keeps every row there is. */
  function render(variables, parsedNames) {
    const shown = entries(variables, parsedNames);
    const names = Object.keys(shown);
    for (const row of Array.from(body.rows)) {
      if (!names.includes(row.dataset.name) && parsedNames !== null) row.remove();
    }
    names.forEach((name, i) => {
      let row = body.querySelector(`tr[data-name="${CSS.escape(name)}"]`);
      if (!row) row = makeRow(name);
      if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] || null);
      fillRow(row, shown[name]);
    });
  }

  function makeRow(name) {
    const row = document.createElement("tr");
    row.dataset.name = name;
    const kind = document.createElement("select");
    kind.className = "kind";
    kind.setAttribute("aria-label", `kind of ${name}`);
    kind.append(...KINDS.map((k) => new Option(k, k)));
    const tensor = new Option("tensor", "tensor");
    tensor.disabled = true;
    kind.append(tensor);
    const dims = document.createElement("input");
    dims.className = "dims";
    dims.setAttribute("aria-label", `dimensions of ${name}`);
    dims.setAttribute("aria-describedby", "vars-error vars-hint");
    dims.spellcheck = false;
    dims.autocomplete = "off";
    kind.addEventListener("change", () => {
      state.decl[name] = kind.value;
      delete badDims[name];
      showDims(dims, kind.value, []);
      update();
    });
    dims.addEventListener("input", () => {
      if (readDims(name, dims.value)) {
        const list = parseDims(dims.value);
        if (list.length) state.decl[name] = list;
        else delete state.decl[name];
      }
      showProblems();
      schedule();
    });
    dims.addEventListener("keydown", (event) => {
      if (event.key === "Enter") update();
    });
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "reset";
    reset.textContent = "auto";
    reset.setAttribute("aria-label", `infer ${name} again`);
    reset.addEventListener("click", () => {
      delete state.decl[name];
      delete badDims[name];
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

  /* The dimensions field of a variable of `kind` and `shape`: fixed where the kind fixes it. */
  function showDims(dims, kind, shape) {
    dims.disabled = kind === "scalar" || SQUARE.has(kind);
    dims.placeholder = DIMS_HINT[kind] || "";
    if (document.activeElement !== dims) dims.value = shape.join(", ");
  }

  function fillRow(row, info) {
    const name = row.dataset.name;
    const spec = state.decl[name];
    const kind = row.querySelector(".kind");
    kind.value = typeof spec === "string" ? spec : info.kind;
    const shape = Array.isArray(spec) ? spec : info.shape;
    if (!(name in badDims)) showDims(row.querySelector(".dims"), kind.value, shape);
    row.classList.toggle("declared", spec !== undefined);
    row.classList.toggle("inferred", spec === undefined);
    row.querySelector(".reset").hidden = spec === undefined;
  }

  function forget() {
    badDims = {};
  }

  return { readDims, showProblems, markFaults, setStale, render, forget };
}

export function renderReading(reading) {
  const list = document.getElementById("reading");
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
  document.getElementById("reading-block").hidden = reading.length === 0;
}
