"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, one browser per session.

Pages are served by pytest-django's ``live_server`` (transactional database). Screenshots go to
``test-artifacts/`` (git-ignored) so a person can look at what the tests saw.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (the session ``browser`` fixture lives there)

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
LAPTOP = {"width": 1366, "height": 850}
PHONE = {"width": 390, "height": 844}

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture
def screenshot(request):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def _context(browser, viewport):
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(15000)
    return context


@pytest.fixture
def laptop(browser):
    context = _context(browser, LAPTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = _context(browser, PHONE)
    yield context.new_page()
    context.close()


def log_in(page, base_url: str, username: str = "researcher", password: str = "pw-researcher-1") -> None:
    page.goto(base_url + "/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base_url + "/")
