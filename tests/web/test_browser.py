"""The page in a real headless Chromium, as a person uses it (SPEC §7).

Type the seed question and see the typeset gradient and its steps; make a shape mismatch and
see the message with its caret; open a shared link and see the same result; check that the
page fits a laptop and a phone.  Each test leaves a screenshot in ``test-artifacts/``.
"""

import json
import urllib.request
from urllib.parse import urlencode

SEED = "0.5*norm2(D*W - X)^2"
SETTLED = """() => {
  const r = document.querySelector('#result');
  return !r.classList.contains('stale') && document.querySelector('#busy').hidden
    && document.querySelector('#text').textContent.length > 0;
}"""


def api_derivative(base: str, **body) -> dict:
    request = urllib.request.Request(base + "/api/derivative", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def type_expression(page, text: str) -> None:
    box = page.locator("#expr")
    box.fill("")
    box.press_sequentially(text, delay=10)


def test_type_seed_and_see_gradient(page, live_server, artifacts):
    page.goto(live_server + "/#expr=")
    type_expression(page, SEED)
    page.wait_for_selector("#wrt option[value='W']", state="attached")
    page.select_option("#wrt", "W")
    page.wait_for_function("() => document.querySelector('#meta').textContent.includes('by W')")
    page.wait_for_function(SETTLED)
    expected = api_derivative(live_server, expr=SEED, wrt="W")
    assert page.locator("#math .katex").count() == 1
    assert "D" in page.locator("#math .katex-html").inner_text()
    assert page.locator("#text").inner_text() == expected["text"]
    assert page.locator("#index").inner_text() == expected["index"]
    assert page.locator("#steps-block").is_visible()
    steps = page.locator("#steps li")
    assert steps.count() == len(expected["steps"])
    assert page.locator("#no-steps").is_visible() == (not expected["steps"])
    assert "max relative error" in page.locator("#check").inner_text()
    assert "def " in page.locator("#code").inner_text()
    assert "wrt=W" in page.url and "norm2" in page.url
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('20px KaTeX_Main')")
    page.screenshot(path=str(artifacts / "seed-gradient.png"), full_page=True)
    assert page.problems == []


def test_copy_button_copies_the_text_form(browser, live_server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server + "/#" + urlencode({"expr": "tr(A*B)", "wrt": "A"}))
    page.wait_for_function(SETTLED)
    page.click("button[data-copy='text']")
    page.wait_for_function("() => document.querySelector(\"button[data-copy='text']\")"
                           ".textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#text").inner_text()
    context.close()


def test_shape_mismatch_shows_caret(page, live_server, artifacts):
    page.goto(live_server + "/#expr=")
    type_expression(page, "eye(2)*x + eye(3)*x")  # no kind of x makes it well-shaped
    error = page.locator("#error")
    error.wait_for(state="visible")
    detail = page.locator("#error-detail").inner_text()
    assert page.locator("#error-title").inner_text() == "Shape error"
    assert "eye(3)*x" in detail and "^" in detail.splitlines()[-1]
    page.screenshot(path=str(artifacts / "shape-error-product.png"), full_page=True)

    type_expression(page, SEED)
    page.wait_for_function(SETTLED)
    assert error.is_hidden()
    page.locator("tr[data-name='D'] input.dims").fill("3, 4")
    page.locator("tr[data-name='W'] input.dims").fill("5, 6")
    error.wait_for(state="visible")
    assert page.locator("#error-title").inner_text() == "Shape error"
    assert "^" in page.locator("#error-detail").inner_text()
    assert page.locator("#result").evaluate("r => r.classList.contains('stale')")
    assert "v.D=3,4" in page.url
    page.screenshot(path=str(artifacts / "shape-error-declared.png"), full_page=True)


def test_the_reading_is_shown_beside_the_variables(page, live_server, artifacts):
    page.goto(live_server + "/#" + urlencode({"expr": "a'*X*b", "wrt": "X"}))
    page.wait_for_function(SETTLED)
    items = page.locator("#reading li")
    assert items.count() == 3
    assert items.nth(0).inner_text().startswith("a read as a vector of length")
    assert "transposed name is not a scalar" in items.nth(0).inner_text()
    assert page.locator("#text").inner_text() == "a*b'"
    type_expression(page, r"\log|\Sigma|")
    page.wait_for_function("() => document.querySelector('#reading').textContent"
                           ".includes('determinant')")
    page.screenshot(path=str(artifacts / "reading.png"), full_page=True)
    assert page.problems == []


def test_shared_link_reproduces_the_result(page, live_server, artifacts):
    state = {"expr": SEED, "wrt": "W", "v.D": "3,4", "layout": "denominator"}
    page.goto(live_server + "/#" + urlencode(state))
    page.wait_for_function(SETTLED)
    expected = api_derivative(live_server, expr=SEED, wrt="W", vars={"D": [3, 4]},
                              layout="denominator")
    assert page.locator("#expr").input_value() == SEED
    assert page.locator("#wrt").input_value() == "W"
    assert page.locator("#layout").input_value() == "denominator"
    assert page.locator("tr[data-name='D'] input.dims").input_value() == "3, 4"
    assert page.locator("#text").inner_text() == expected["text"]
    assert "denominator layout" in page.locator("#meta").inner_text()
    page.screenshot(path=str(artifacts / "shared-link.png"), full_page=True)
    assert page.problems == []


def test_page_fits_laptop_and_phone(browser, live_server, artifacts):
    sizes = {"laptop": ({"width": 1366, "height": 900}, False),
             "phone": ({"width": 390, "height": 844}, True)}
    url = live_server + "/#" + urlencode({"expr": SEED, "wrt": "W"})
    for name, (viewport, mobile) in sizes.items():
        context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile,
                                      device_scale_factor=2 if mobile else 1)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(SETTLED)
        page.evaluate("document.fonts.ready")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
        question = page.locator("#question").bounding_box()
        result = page.locator("#result").bounding_box()
        if mobile:
            assert result["y"] >= question["y"] + question["height"]
        else:
            assert result["x"] >= question["x"] + question["width"]
        page.screenshot(path=str(artifacts / f"page-{name}.png"), full_page=True)
        context.close()


VERDICT_IS = "(v) => document.querySelector('#verdict').dataset.verdict === v"


def test_check_my_answer_shows_the_verdict_as_typed(page, live_server, artifacts):
    page.goto(live_server + "/#" + urlencode({"expr": SEED, "wrt": "W"}))
    page.wait_for_function(SETTLED)
    claim = page.locator("#claim")
    claim.press_sequentially("2*D'*(D*W - X)", delay=10)
    page.wait_for_function(VERDICT_IS, arg="wrong")
    assert page.locator("#verdict").inner_text() == "Wrong (factor)"
    assert "twice the right answer" in page.locator("#verdict-text").inner_text()
    assert "Counterexample" in page.locator("#verdict-text").inner_text()
    claim.fill("")
    claim.press_sequentially("D^T(DW-X)", delay=10)  # LaTeX, as on a math page
    page.wait_for_function(VERDICT_IS, arg="correct")
    assert page.locator("#verdict").inner_text() == "Correct"
    page.screenshot(path=str(artifacts / "check-my-answer.png"), full_page=True)
    assert page.problems == []


def test_repeated_parts_are_shown_named(page, live_server, artifacts):
    expr = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"
    page.goto(live_server + "/#" + urlencode({"expr": expr, "wrt": "w", "order": "2"}))
    page.wait_for_function(SETTLED)
    page.wait_for_function("() => !document.querySelector('#pretty-block').hidden")
    assert page.locator("#pretty").inner_text() == \
        "X'*diag(s.*(1 - s))*X where s = sigmoid(X*w)"
    assert page.locator("#pretty-math .katex").count() == 1
    assert page.locator("#text").inner_text() == "X'*diag(sigmoid(X*w).*(1 - sigmoid(X*w)))*X"
    page.screenshot(path=str(artifacts / "named-parts.png"), full_page=True)
    page.fill("#order", "1")
    page.wait_for_function("() => !document.querySelector('#text').textContent"
                           ".includes('diag')")
    page.wait_for_function(SETTLED)
    assert not page.locator("#pretty-block").is_visible()
    assert page.problems == []
