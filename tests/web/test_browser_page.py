"""The page at a laptop's size (1366×900) and a phone's (390×844), as a person uses it.

Every form of the answer is shown (typeset where it is maths) with a copy button; a link
carries every declared kind and size and restores them, even when they do not fit; an error
greys what it makes stale and is said where it is; on a phone the answer comes right after the
question and wide results show that they scroll; the symmetric-gradient convention can be
chosen; the keyboard reaches everything in order, with a visible focus, and Enter derives;
axe-core finds no serious or critical accessibility violation.  Pages are served under a
strict Content-Security-Policy (no inline script or style).  Screenshots are left in
``test-artifacts/`` (ignored by git), one per test and size.
"""

import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

SEED = "0.5*norm2(D*W - X)^2"
LOGISTIC = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"
SIZES = ["laptop", "phone"]
STATIC = Path(__file__).resolve().parents[2] / "src" / "matdiff" / "web" / "static"
SETTLED = """() => {
  const r = document.querySelector('#result');
  return !r.classList.contains('stale') && !r.classList.contains('empty')
    && document.querySelector('#busy').hidden;
}"""
STALE = "() => document.querySelector('#result').classList.contains('stale')"


def api_derivative(base: str, **body) -> dict:
    request = urllib.request.Request(base + "/api/derivative", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; "
              "img-src 'self' data:; connect-src 'self'; base-uri 'none'")


def open_at(open_page, live_server, size: str, state: dict | str, **options):
    """A page of ``size`` opened at a link with ``state`` (a dict, or a hash as typed), served
    under a strict Content-Security-Policy: no inline script or style at all."""
    page = open_page(size, **options)

    def strict(route):
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items()
                   if k.lower() != "content-security-policy"}
        route.fulfill(response=response,
                      headers={**headers, "Content-Security-Policy": STRICT_CSP})

    page.route(live_server + "/", strict)
    page.goto(live_server + "/#" + (state if isinstance(state, str) else urlencode(state)))
    return page


def color(locator) -> str:
    return locator.evaluate("e => getComputedStyle(e).color")


@pytest.mark.parametrize("size", SIZES)
def test_every_form_of_the_answer_is_shown_with_a_copy_button(open_page, live_server,
                                                              artifacts, size):
    page = open_at(open_page, live_server, size, {"expr": "A*X*B", "wrt": "X"},
                   permissions=["clipboard-read", "clipboard-write"])
    page.wait_for_function(SETTLED)
    expected = api_derivative(live_server, expr="A*X*B", wrt="X")
    assert expected["kron"] == "vec(dF) = kron(B', A)*vec(dX)"
    assert page.locator("#math .katex").count() == 1
    assert page.locator("#math .katex-html").inner_text().count("=") == 1  # one ∂F/∂X, not two
    assert page.locator("#index-math .katex").count() == 1
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('20px KaTeX_Main')")
    inline = "() => { const s = document.createElement('style');" \
        " s.textContent = '#text { color: rgb(1, 2, 3) }'; document.head.append(s);" \
        " return getComputedStyle(document.getElementById('text')).color; }"
    assert page.problems == []
    assert page.evaluate(inline) != "rgb(1, 2, 3)", "the strict CSP is not in force"
    assert all("Content Security Policy" in problem for problem in page.problems)
    page.problems.clear()
    assert "δ" not in page.locator("#index-math .katex-html").inner_text()
    for form in ("text", "latex", "index", "elementwise", "kron", "code"):
        shown = page.locator("#" + form)
        assert shown.is_visible(), form
        assert shown.inner_text().strip() == expected[form].strip(), form
        button = page.locator(f"button.copy[data-copy='{form}']")
        assert button.is_visible(), form
        assert button.get_attribute("aria-label").startswith("Copy"), form
    page.screenshot(path=str(artifacts / f"forms-kron-{size}.png"), full_page=True)
    if size == "phone":
        return
    for form in ("latex", "index", "kron"):
        page.click(f"button[data-copy='{form}']")
        page.wait_for_function(f"() => document.querySelector(\"button[data-copy='{form}']\")"
                               ".textContent === 'Copied'")
        assert page.evaluate("navigator.clipboard.readText()") == expected[form]

    page.locator("#expr").fill(SEED)
    page.wait_for_function("() => document.querySelector('#elementwise').textContent"
                           ".includes('D*W')")
    page.wait_for_function(SETTLED)
    expected = api_derivative(live_server, expr=SEED, wrt="X")
    assert page.locator("#elementwise").inner_text() == expected["elementwise"]
    assert expected["elementwise"].startswith("∂f/∂X_ij = ")
    assert expected["kron"] is None and page.locator("#kron-block").is_hidden()
    assert page.problems == []


@pytest.mark.parametrize("size", SIZES)
def test_a_shared_link_with_sizes_fills_the_table_and_keeps_them(open_page, live_server,
                                                                 artifacts, size):
    page = open_at(open_page, live_server, size, "expr=D*W&wrt=W&v.D=3,4&v.W=5,6")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert page.locator("#error-title").inner_text() == "Shape error"
    assert "4 and 5" in page.locator("#error-message").inner_text()
    assert page.locator("tr[data-name='D'] input.dims").input_value() == "3, 4"
    assert page.locator("tr[data-name='W'] input.dims").input_value() == "5, 6"
    assert page.locator("tr[data-name='D']").evaluate("r => r.classList.contains('fault')")
    assert page.locator("#wrt").input_value() == "W"
    assert "v.D=3,4" in page.url and "v.W=5,6" in page.url
    page.screenshot(path=str(artifacts / f"link-sizes-error-{size}.png"), full_page=True)

    page.locator("tr[data-name='W'] input.dims").fill("4, 6")
    page.wait_for_function(SETTLED)
    expected = api_derivative(live_server, expr="D*W", wrt="W", vars={"D": [3, 4], "W": [4, 6]})
    assert page.locator("#text").inner_text() == expected["text"]
    assert error.is_hidden()
    assert "v.D=3,4" in page.url and "v.W=4,6" in page.url
    assert "shape 3 × 6 × 4 × 6" in page.locator("#meta").inner_text()

    page.reload()
    page.wait_for_function(SETTLED)
    assert page.locator("tr[data-name='W'] input.dims").input_value() == "4, 6"
    assert page.locator("#text").inner_text() == expected["text"]
    assert page.problems == []


@pytest.mark.parametrize("size", SIZES)
def test_an_error_greys_what_is_stale_and_is_said_where_it_is(open_page, live_server,
                                                             artifacts, size):
    page = open_at(open_page, live_server, size, {"expr": SEED, "wrt": "W"})
    page.wait_for_function(SETTLED)
    fresh_text = color(page.locator("#text"))
    fresh_preview = color(page.locator("#preview"))
    fresh_row = color(page.locator("tr[data-name='X'] td.name"))
    fresh_reading = color(page.locator("#reading li").first)
    page.locator("#expr").fill("0.5*norm2(D*W - X")
    page.locator("#error").wait_for(state="visible")
    page.wait_for_function(STALE)
    assert page.locator("#error-title").inner_text() == "Parse error"
    assert "^" in page.locator("#error-detail").inner_text()
    assert color(page.locator("#text")) != fresh_text
    assert color(page.locator("#preview")) != fresh_preview
    assert color(page.locator("tr[data-name='X'] td.name")) != fresh_row
    assert color(page.locator("#reading li").first) != fresh_reading
    expr = page.locator("#expr").bounding_box()
    box = page.locator("#error").bounding_box()
    assert expr["y"] + expr["height"] <= box["y"] <= expr["y"] + expr["height"] + 120
    page.screenshot(path=str(artifacts / f"error-stale-{size}.png"), full_page=True)

    page.locator("tr[data-name='X'] input.dims").fill("m, -2")
    message = page.locator("#vars-error")
    message.wait_for(state="visible")
    assert "X: a dimension is a name or a positive integer" in message.inner_text()
    assert page.locator("tr[data-name='X'] input.dims").get_attribute("aria-invalid") == "true"
    table = page.locator("#vars").bounding_box()
    assert table["y"] <= message.bounding_box()["y"] <= table["y"] + table["height"] + 40

    page.locator("tr[data-name='X'] input.dims").fill("m, p")
    page.locator("#expr").fill(SEED)
    page.wait_for_function(SETTLED)
    assert color(page.locator("#text")) == fresh_text
    assert color(page.locator("#preview")) == fresh_preview
    assert message.is_hidden() and page.locator("#error").is_hidden()

    page.locator("#order").fill("0")
    message = page.locator("#order-error")  # said at the field, and the answer is stale
    message.wait_for(state="visible")
    assert "whole number from 1 to 8" in message.inner_text()
    assert page.locator("#order").get_attribute("aria-invalid") == "true"
    assert page.evaluate(STALE)
    order = page.locator("#order").bounding_box()
    assert 0 <= message.bounding_box()["y"] - (order["y"] + order["height"]) <= 80
    page.screenshot(path=str(artifacts / f"order-zero-{size}.png"), full_page=True)
    page.locator("#order").fill("2")
    page.wait_for_function("() => document.querySelector('#result-title').textContent"
                           " === 'Hessian'")
    page.wait_for_function(SETTLED)
    assert message.is_hidden()
    assert "order=2" in page.url
    assert page.problems == []


def test_a_new_kind_updates_the_shape_field(open_page, live_server):
    page = open_at(open_page, live_server, "laptop", {"expr": SEED, "wrt": "W"})
    page.wait_for_function(SETTLED)
    dims = page.locator("tr[data-name='D'] input.dims")
    assert dims.input_value() == "m, n"
    page.select_option("tr[data-name='D'] select.kind", "vector")
    assert dims.input_value() != "m, n"
    page.wait_for_function("() => document.querySelector(\"tr[data-name='D'] input.dims\")"
                           ".value.length > 0")
    page.wait_for_function(SETTLED)
    assert "," not in dims.input_value()
    assert "v.D=vector" in page.url
    page.select_option("tr[data-name='D'] select.kind", "symmetric")
    page.wait_for_function(SETTLED)
    assert dims.is_disabled()
    first, second = dims.input_value().split(", ")
    assert first == second
    assert page.problems == []


CUT = """() => Array.from(document.querySelectorAll('body *')).filter((e) => {
  if (e.closest('.katex') || e.closest('.visually-hidden')) return false;
  const x = getComputedStyle(e).overflowX;
  return x !== 'visible' && e.scrollWidth > e.clientWidth + 1
    && !(e.classList.contains('cue-right') || e.classList.contains('cue-left'));
}).map((e) => e.id || e.className)"""


@pytest.mark.parametrize("size", SIZES)
def test_the_answer_follows_the_question_and_wide_results_show_a_cue(open_page, live_server,
                                                                     artifacts, size):
    page = open_at(open_page, live_server, size, {"expr": LOGISTIC, "wrt": "w", "order": "2"})
    page.wait_for_function(SETTLED)
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(100)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    question = page.locator("#question").bounding_box()
    result = page.locator("#result").bounding_box()
    setup = page.locator("#setup").bounding_box()
    if size == "phone":  # the answer right after the question, on the first screen
        assert 0 <= result["y"] - (question["y"] + question["height"]) <= 24
        assert setup["y"] >= result["y"] + result["height"]
        assert page.locator("#math").bounding_box()["y"] < 844
        page.screenshot(path=str(artifacts / "first-screen-phone.png"))
    else:
        assert result["x"] >= question["x"] + question["width"]
        assert setup["y"] >= question["y"] + question["height"]
    assert page.evaluate(CUT) == []
    math = page.locator("#math")
    wide = math.evaluate("e => e.scrollWidth > e.clientWidth + 1")
    assert wide == (size == "phone")
    if wide:
        assert math.evaluate("e => e.classList.contains('cue-right')")
        assert math.evaluate("e => getComputedStyle(e).maskImage") != "none"
        assert math.get_attribute("tabindex") == "0"
        page.screenshot(path=str(artifacts / f"wide-cue-{size}.png"), full_page=True)
        page.locator("#result").screenshot(path=str(artifacts / f"wide-cue-result-{size}.png"))
        math.focus()  # the keyboard scrolls it too
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('#math').classList"
                               ".contains('cue-left')")
        math.evaluate("e => e.scrollLeft = e.scrollWidth")
        page.wait_for_function("() => !document.querySelector('#math').classList"
                               ".contains('cue-right')")
        assert math.evaluate("e => e.classList.contains('cue-left')")
    else:
        assert math.evaluate("e => getComputedStyle(e).maskImage") == "none"
    assert page.problems == []


def test_the_symmetric_gradient_convention_can_be_chosen(open_page, live_server, artifacts):
    state = {"expr": "x'*S*x", "wrt": "S", "v.S": "symmetric"}
    page = open_at(open_page, live_server, "laptop", state)
    page.wait_for_function(SETTLED)
    vars = {"S": "symmetric"}
    projected = api_derivative(live_server, expr="x'*S*x", wrt="S", vars=vars)
    cookbook = api_derivative(live_server, expr="x'*S*x", wrt="S", vars=vars,
                              symmetric_gradient="cookbook")
    assert projected["text"] != cookbook["text"]
    assert page.locator("#text").inner_text() == projected["text"]
    assert "projected symmetric gradient" in page.locator("#meta").inner_text()
    page.select_option("#symmetric", "cookbook")
    page.wait_for_function("t => document.querySelector('#text').textContent === t",
                           arg=cookbook["text"])
    assert "cookbook symmetric gradient" in page.locator("#meta").inner_text()
    assert "sym=cookbook" in page.url
    page.screenshot(path=str(artifacts / "symmetric-cookbook-laptop.png"), full_page=True)
    page.reload()
    page.wait_for_function(SETTLED)
    assert page.locator("#symmetric").input_value() == "cookbook"
    assert page.locator("tr[data-name='S'] select.kind").input_value() == "symmetric"
    assert "v.S=symmetric" in page.url
    assert page.locator("#text").inner_text() == cookbook["text"]
    assert page.problems == []


FOCUS = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {id: e.id || e.dataset.copy || e.className, tag: e.tagName,
          row: (e.closest('tr') || {dataset: {}}).dataset.name || null,
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""


def test_the_keyboard_reaches_everything_in_order_and_enter_derives(open_page, live_server):
    page = open_page("laptop")
    page.clock.install()
    page.goto(live_server + "/#" + urlencode({"expr": SEED, "wrt": "W"}))
    page.wait_for_function(SETTLED)
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUS))
    seen = [stop for stop in seen if stop["tag"] != "BODY"]  # past the last stop, and round
    assert all(stop["outline"] for stop in seen), [s for s in seen if not s["outline"]]
    ids = [stop["id"] for stop in seen]
    order = ["expr", "wrt", "order", "layout", "symmetric", "claim", "text", "latex", "index",
             "elementwise", "code"]
    assert [ids.index(i) for i in order] == sorted(ids.index(i) for i in order)
    assert any(stop["row"] == "D" for stop in seen[ids.index("code"):])

    page.locator("#expr").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("tr(A*B)")
    page.keyboard.press("Enter")  # the debounce timer is frozen: only Enter can derive
    page.wait_for_function("() => document.querySelector('#text').textContent === \"B'\"")
    assert page.locator("#expr").input_value() == "tr(A*B)"
    page.keyboard.press("Shift+Enter")
    assert page.locator("#expr").input_value() == "tr(A*B)\n"
    assert page.problems == []


@pytest.mark.parametrize("size", SIZES)
def test_axe_finds_no_serious_violation(open_page, live_server, axe, artifacts, size):
    page = open_at(open_page, live_server, size, {"expr": "A*X*B", "wrt": "X"})
    page.wait_for_function(SETTLED)
    page.locator("#claim").fill("kron(B', A)")
    page.locator("#verdict").wait_for(state="visible")
    assert axe(page) == []
    page.locator("#expr").fill("A*X*B + ")
    page.locator("#error").wait_for(state="visible")
    page.wait_for_function(STALE)
    page.locator("#order").fill("0")
    assert axe(page) == []
    page.screenshot(path=str(artifacts / f"axe-error-{size}.png"), full_page=True)
    if size == "laptop":
        return
    page.emulate_media(color_scheme="dark")
    assert axe(page) == []
    page.screenshot(path=str(artifacts / f"axe-error-dark-{size}.png"), full_page=True)


def test_the_page_has_no_inline_script_or_style():
    html = (STATIC / "index.html").read_text()
    assert "<style" not in html and " style=" not in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(re.search(r'\ssrc="/static/[^"]+\.js"', tag) for tag in scripts)
    assert html.count("></script>") == len(scripts)  # each one empty: its code is in its file
    assert re.search(r"\son[a-z]+\s*=", html) is None
    for script in STATIC.glob("*.js"):
        text = script.read_text()
        for unsafe in ("innerHTML", "eval(", "new Function", "setAttribute(\"style\""):
            assert unsafe not in text, (script.name, unsafe)
