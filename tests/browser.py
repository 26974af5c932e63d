"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests."""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no internet: keep Chromium from calling home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's ORM in the same thread is safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Reports every Content Security Policy violation of every document the page loads
# (an init script runs before the page's own and is not itself subject to the CSP).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    page: location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""


@pytest.fixture
def page(browser):
    """A fresh page that records CSP violations, script errors and console errors.

    Every browser test fails if any of them happened on any page it visited; a test
    that expects one (a 404 page logs its own status) removes it from `page.problems`.
    """
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    problems = []
    context.expose_function("reportCspViolation", lambda v: problems.append(("csp", v)))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on(
        "console",
        lambda m: m.type == "error" and problems.append(("console", m.text, m.location["url"])),
    )
    page.on("pageerror", lambda error: problems.append(("pageerror", str(error), page.url)))
    page.problems = problems
    yield page
    # Violations are reported asynchronously: let the last ones arrive.
    if not page.is_closed():
        page.wait_for_timeout(50)
    context.close()
    assert problems == [], f"CSP violations or script errors: {problems}"


def axe_violations(page, impacts=("serious", "critical")):
    """axe-core's violations of the given impacts on the current page, readable."""
    from axe_playwright_python.sync_playwright import Axe

    # Let colour transitions (the admin's links have them) finish after a switch of
    # prefers-color-scheme, or axe measures a colour half-way.
    page.wait_for_timeout(300)
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in impacts
    ]


def login(page, base_url, username, password):
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base_url + "/admin/")


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
