"""The base layout at phone size: readable at 360 px, big touch targets, strong contrast."""

import pytest

pytestmark = pytest.mark.browser

# Interactive elements narrower or shorter than 44 CSS px, and the page's overflow.
TARGETS_JS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a, button, input, select, textarea')) {
    if (el.type === 'hidden' || el.closest('.skip') || el.classList.contains('skip')) continue;
    const target = el.type === 'checkbox' ? el.closest('label') : el;
    const r = target.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.height < 44 || r.width < 44)
      small.push(`${el.outerHTML.slice(0, 60)} ${r.width}x${r.height}`);
  }
  return {small, scrollWidth: document.documentElement.scrollWidth,
          lang: document.documentElement.lang};
}"""

# WCAG contrast ratio of an element's text against the nearest opaque background.
CONTRAST_JS = """(selector) => {
  const parse = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const el = document.querySelector(selector);
  let bg = el, color;
  while (bg) {
    color = getComputedStyle(bg).backgroundColor;
    const p = parse(color);
    if (p.length < 4 || p[3] === 1) break;
    bg = bg.parentElement;
  }
  const a = lum(parse(getComputedStyle(el).color)), b = lum(parse(bg ? color : 'rgb(255,255,255)'));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def login(page, base, email, password):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def demo_password(runner, email):
    output = runner.invoke(args=["demo"]).output
    return next(line.split()[1] for line in output.splitlines() if line.strip().startswith(email))


def test_login_page_fits_a_phone(live_server, phone, screenshot):
    phone.goto(f"{live_server}/login")
    facts = phone.evaluate(TARGETS_JS)
    screenshot(phone, "login-360")
    assert facts["lang"] == "es-MX"
    assert facts["scrollWidth"] <= 360, "the page scrolls sideways at 360 px"
    assert facts["small"] == [], "touch targets under 44 px"
    for selector in ("h1", "label[for=email]", "button[type=submit]", ".footer a"):
        assert phone.evaluate(CONTRAST_JS, selector) >= 7, selector  # WCAG AAA, for the sun


def test_wrong_password_message_in_spanish(live_server, phone, runner):
    demo_password(runner, "inspector@demo.fieldapp.mx")
    login(phone, live_server, "inspector@demo.fieldapp.mx", "no-es-la-clave")
    assert phone.locator(".form-error").inner_text().startswith("Correo o contraseña incorrectos")
    assert phone.evaluate(CONTRAST_JS, ".form-error") >= 7


def test_demo_inspector_logs_in_and_sees_home(live_server, phone, runner, screenshot):
    password = demo_password(runner, "inspector@demo.fieldapp.mx")
    login(phone, live_server, "inspector@demo.fieldapp.mx", password)
    phone.wait_for_url(f"{live_server}/")
    assert phone.locator("h1").inner_text() == "Hola, Juan Promotor (demo)"
    assert phone.locator(".list > li").count() == 5
    facts = phone.evaluate(TARGETS_JS)
    screenshot(phone, "home-360")
    assert facts["scrollWidth"] <= 360 and facts["small"] == []


def test_admin_pages_fit_a_phone(live_server, phone, runner, screenshot):
    password = demo_password(runner, "admin@demo.fieldapp.mx")
    login(phone, live_server, "admin@demo.fieldapp.mx", password)
    phone.wait_for_url(f"{live_server}/")
    for path, name in (
        ("/admin/users", "admin-users-360"),
        ("/admin/users/new", "user-new-360"),
        ("/account", "account-360"),
    ):
        phone.goto(live_server + path)
        facts = phone.evaluate(TARGETS_JS)
        screenshot(phone, name)
        assert facts["scrollWidth"] <= 360, path
        assert facts["small"] == [], path
