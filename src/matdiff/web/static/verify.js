/* Check my answer: the claim typed under the result is judged by /api/verify (SPEC §8) for
 * the question as it stands (expression, variable, declarations, layout, symmetric-gradient
 * convention).  Typing is debounced, Enter checks at once, a stale verdict is dropped.
 */

const DEBOUNCE_MS = 300;
const VERDICTS = { correct: "Correct", wrong: "Wrong", "ill-shaped": "Ill-shaped" };

/* The checker of `state`'s question; `post(path, body)` asks the API. */
export function answerChecker(state, post) {
  const $ = (id) => document.getElementById(id);
  let serial = 0;
  let timer = null;

  function show(verdict, headline, text) {
    const line = $("verdict");
    line.hidden = !headline;
    line.textContent = headline;
    line.className = "verdict" + (verdict ? " verdict-" + verdict : "");
    line.dataset.verdict = verdict || "";
    $("verdict-text").hidden = !text;
    $("verdict-text").textContent = text || "";
  }

  async function check() {
    clearTimeout(timer);
    const mine = ++serial;
    const claim = $("claim").value;
    if (!claim.trim() || !state.expr.trim()) {
      show("", "", "");
      return;
    }
    try {
      const result = await post("/api/verify", {
        expr: state.expr, wrt: state.wrt || null, vars: state.decl, claim: claim,
        layout: state.layout, symmetric_gradient: state.symmetric,
      });
      if (mine !== serial) return;
      if (result.error) {
        show("error", "Cannot check: " + result.error.message, result.error.detail);
        return;
      }
      const why = result.diagnosis ? " (" + result.diagnosis + ")" : "";
      show(result.verdict, VERDICTS[result.verdict] + why, result.text);
    } catch (e) {
      if (mine === serial) show("error", "the server cannot be reached", "");
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  }

  $("claim").addEventListener("input", schedule);
  $("claim").addEventListener("keydown", (event) => {
    if (event.key === "Enter") check();
  });
  return { schedule, pending: () => Boolean($("claim").value.trim()) };
}
