"""Browser tests: Playwright driving the system Chromium (Debian package), against live_server.

With pytest-xdist each worker has its own Chromium and its own live server (on a free port),
against its own test database. The tests are transactional: each builds its data on
`small_jambi` with the factories, except the dashboard's acceptance test on the demo."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous and safe, so let Django allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("KDKMP_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; install the Debian package 'chromium'.")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it and runs these tests.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in_on(page, username, password):
    """Log in through the login page, as a user would (also for a page of another context)."""
    page.goto("/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit].btn-danger")
    page.wait_for_url("**/")
    return page


@pytest.fixture
def log_in(page, password):
    return lambda username: log_in_on(page, username, password)
