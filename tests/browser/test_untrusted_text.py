"""Article text is untrusted: markup in it must reach the page as text and never run."""
import pytest

from tests.browser.conftest import log_in
from tests.web.conftest import EventBuilder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = ('Officials met on Monday. <script>window.__pwned = "script"; alert("pwned")</script> Then '
           '<img src=x onerror="window.__pwned = \'img\'; alert(1)"> they left.')


def test_script_in_an_article_stays_inert(live_server, researcher, laptop, screenshot):
    builder = EventBuilder('Talks <script>window.__pwned="title"</script>')
    outlet = builder.outlet("Outlet <b>Bold</b>")
    article = builder.article(outlet, 'Headline <script>window.__pwned="headline"</script>', HOSTILE)
    claim = builder.claim(article, 'Then <img src=x onerror="window.__pwned = \'img\'; alert(1)"> they left.', "c",
                          speaker='<svg onload="window.__pwned=1">')
    event = builder.finish()
    page = laptop
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server.url)
    for path in (f"/articles/{article.id}/", f"/events/{event.id}/", f"/claims/{claim.id}/", "/",
                 f"/search/?q=officials"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("main script, main img, main b, main svg[onload]").count() == 0, path
    page.goto(f"{live_server.url}/articles/{article.id}/")
    assert '<script>window.__pwned = "script"; alert("pwned")</script>' in page.locator(".article-text").inner_text()
    screenshot(page, "article")
    assert dialogs == []
