"""Every page carries a Content-Security-Policy, and the pages, the admin and the API docs work under
it in Chromium: nothing they load or run is refused (issue 17)."""
import pytest
from django.db import connections

from tests.browser.conftest import log_in
from tests.web.conftest import EventBuilder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs (Playwright injects it outside the page's policy), so
# every violation the browser reports is caught even when the console says nothing.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""


def _event():
    builder = EventBuilder("Prisoner exchange postponed")
    kyiv, moscow = builder.outlet("Sample Outlet A"), builder.outlet("Sample Outlet B")
    a = builder.article(kyiv, "Exchange postponed", "Officials said the exchange was postponed until Friday.")
    b = builder.article(moscow, "Exchange went ahead", "Officials said the exchange went ahead on Monday.", hours=2)
    claim_a = builder.claim(a, "Officials said the exchange was postponed until Friday.", "exchange")
    claim_b = builder.claim(b, "Officials said the exchange went ahead on Monday.", "exchange")
    builder.relate(claim_a, claim_b, "contradict")
    return builder.finish()


@pytest.fixture
def watched_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 850})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    yield page, console
    context.close()
    connections.close_all()


def _visit(page, console, url: str) -> list[str]:
    response = page.goto(url)
    page.wait_for_load_state("load")
    assert response.status == 200, url
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy and "default-src 'none'" in policy, (url, policy)
    refused = [m for m in console if "Content Security Policy" in m or "Refused to" in m or "page error" in m]
    return refused + page.evaluate("window.__csp")


def test_admin_event_page_and_api_docs_load_without_a_policy_violation(live_server, researcher, watched_page,
                                                                       django_user_model):
    event = _event()
    django_user_model.objects.create_superuser("admin-csp", "a@example.org", "pw-admin-csp-1")
    page, console = watched_page

    assert _visit(page, console, f"{live_server.url}/admin/login/") == []
    # The admin's stylesheets and scripts really loaded (a refused stylesheet leaves the login unstyled).
    assert page.evaluate("getComputedStyle(document.querySelector('#header')).display") != "inline"
    page.fill("#id_username", "admin-csp")
    page.fill("#id_password", "pw-admin-csp-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in ("/admin/", "/admin/comparer/event/", f"/admin/comparer/event/{event.id}/change/",
                 f"/admin/comparer/event/{event.id}/preview/", "/api/v1/docs/"):
        assert _visit(page, console, live_server.url + path) == [], path
    assert page.locator("h2#schemas").count() == 1
    # The docs page's stylesheet applied (it used to be an inline <style>).
    assert page.evaluate("getComputedStyle(document.querySelector('.op')).borderLeftStyle") == "solid"

    page.context.clear_cookies()
    log_in(page, live_server.url)
    for path in ("/", f"/events/{event.id}/", f"/articles/{event.articles.first().id}/", "/outlets/",
                 "/search/?q=exchange"):
        assert _visit(page, console, live_server.url + path) == [], path
    # The comparison table's styles (moved from an inline <style> to static CSS) applied.
    assert page.goto(f"{live_server.url}/events/{event.id}/").ok
    assert page.evaluate("getComputedStyle(document.querySelector('table.comparison .status-col')).position") == "sticky"


def test_an_injected_inline_script_or_style_element_is_refused(live_server, researcher, watched_page):
    """The policy itself, not only the templates, keeps inline script out."""
    page, console = watched_page
    log_in(page, live_server.url)
    page.goto(live_server.url + "/outlets/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
