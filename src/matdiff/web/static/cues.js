/* Scroll cues: a box of class `scroller` whose content is wider than the box shows a fade at
 * each edge that has more to see (classes `cue-left`, `cue-right`, drawn by style.css), and
 * takes keyboard focus so it can be scrolled with the arrow keys (a named region: "the code,
 * scrolls sideways").  Nothing is cut silently.
 *
 * `scrollCues.refresh()` re-measures every scroller (the page calls it after each render);
 * scrolling, resizing and fonts arriving (KaTeX's load on first use) re-measure by themselves.
 */
"use strict";

window.scrollCues = (function () {
  const SLACK = 1;
  /* Boxes with no role of their own become a named region while they scroll (a list item
   * keeps its role: it scrolls focusable but unnamed). */
  const NAMELESS = new Set(["DIV", "PRE"]);

  function measure(box) {
    const overflow = box.scrollWidth - box.clientWidth > SLACK;
    const left = overflow && box.scrollLeft > SLACK;
    const right = overflow && box.scrollLeft + box.clientWidth < box.scrollWidth - SLACK;
    box.classList.toggle("cue-left", left);
    box.classList.toggle("cue-right", right);
    if (overflow === box.hasAttribute("tabindex")) return;
    if (overflow) {
      box.tabIndex = 0;
      if (NAMELESS.has(box.tagName)) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", `${box.dataset.label || "wide content"}, scrolls sideways`);
      }
    } else {
      for (const attribute of ["tabindex", "role", "aria-label"]) box.removeAttribute(attribute);
    }
  }

  function refresh() {
    for (const box of document.querySelectorAll(".scroller")) measure(box);
  }

  let pending = false;
  function refreshSoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      refresh();
    });
  }

  document.addEventListener("scroll", (event) => {
    const box = event.target;
    if (box instanceof Element && box.classList.contains("scroller")) measure(box);
  }, true);
  window.addEventListener("resize", refreshSoon);
  if (document.fonts) document.fonts.addEventListener("loadingdone", refreshSoon);

  return { refresh: refreshSoon };
})();
