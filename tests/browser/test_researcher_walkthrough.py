"""The researcher's path through the UI, in a real browser: log in, open the contested prisoner
exchange, read the contradiction, filter, search, open a claim, export CSV."""
import csv
import io

import pytest

from comparer.models import Claim, ClaimRelation, Event
from tests.browser.conftest import log_in
from tests.web.conftest import SEED_CLAIM_START

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _exchange_event_and_seed():
    event = Event.objects.filter(articles__title__icontains="fails to show up").distinct().get()
    seed = Claim.objects.select_related("article__outlet").get(event=event, text__startswith=SEED_CLAIM_START)
    return event, seed


def test_walkthrough_from_login_to_csv_export(live_server, demo_corpus, researcher, laptop, screenshot):
    page = laptop
    base = live_server.url
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base)

    # Events list: the POW-exchange event is listed with its counts and coverage bar.
    event, seed = _exchange_event_and_seed()
    link = page.locator(f'a[href="/events/{event.id}/"]')
    assert link.is_visible()
    assert page.locator(".coverage").first.is_visible()
    screenshot(page, "1-events")
    link.click()
    page.wait_for_url(f"{base}/events/{event.id}/")

    # The seed's claim and a claim from another outlet that contradicts it share one row, with the reason.
    seed_cell = page.locator(f"#claim-{seed.id}")
    assert seed_cell.is_visible()
    row = page.locator("tr", has=seed_cell)
    assert "row-contradict" in row.get_attribute("class")
    seed_outlet = seed.article.outlet_id
    contradictions = ClaimRelation.objects.filter(event=event, label="contradict").select_related(
        "claim_a__article", "claim_b__article")
    shown_here = [r for r in contradictions
                  if row.locator(f"#claim-{r.claim_a_id}").count() and row.locator(f"#claim-{r.claim_b_id}").count()]
    assert shown_here, "the seed's row shows no contradicting pair"
    assert any(r.claim_a.article.outlet_id != seed_outlet or r.claim_b.article.outlet_id != seed_outlet
               for r in shown_here)
    assert row.locator(".reason").first.is_visible()
    assert row.locator(".status-col .badge.contradict").inner_text() == "contradicts"
    assert page.locator("figure.timeline svg").is_visible()
    screenshot(page, "2-event")

    # Only disagreements: every row left is a contradiction, and the seed's row is still there.
    page.get_by_role("button", name="Only disagreements").click()
    page.wait_for_url("**only=disagreements**")
    statuses = page.locator("table.comparison tbody tr").evaluate_all("rows => rows.map(r => r.className)")
    assert statuses and set(statuses) == {"row-contradict"}
    assert page.locator(f"#claim-{seed.id}").is_visible()
    screenshot(page, "3-only-disagreements")

    # Search for "prisoner exchange"; results link to claim pages.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search claims").fill("prisoner exchange")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=prisoner+exchange**")
    results = page.locator("ol.results > li")
    assert results.count() > 0
    screenshot(page, "4-search")
    first = results.first.locator("a").first
    claim_text = first.inner_text()
    first.click()
    page.wait_for_url("**/claims/*/")
    assert page.locator("h1").inner_text() == claim_text
    assert page.get_by_role("heading", name="Nearest claims elsewhere").is_visible()
    screenshot(page, "5-claim")

    # Export the comparison as CSV.
    page.goto(f"{base}/events/{event.id}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"event-{event.id}-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert any(int(r["claim_id"]) == seed.id and r["row_status"] == "contradict" and r["row_reasons"] for r in rows)
    assert dialogs == []


def test_pages_read_well_on_a_phone(live_server, demo_corpus, researcher, phone, screenshot):
    page = phone
    log_in(page, live_server.url)
    screenshot(page, "events")
    event, seed = _exchange_event_and_seed()
    page.goto(f"{live_server.url}/events/{event.id}/")
    # The table stacks into cards: no horizontal scrolling of the page, each cell labelled with its outlet.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    cell = page.locator(f"#claim-{seed.id}").locator("xpath=ancestor::td")
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert seed.article.outlet.name in label
    screenshot(page, "event")
    page.goto(f"{live_server.url}/claims/{seed.id}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "claim")


def test_keyboard_reaches_skip_link_and_filters(live_server, researcher, laptop):
    page = laptop
    log_in(page, live_server.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")
    # Every form control on the events page has a label.
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('main input, main select')]
        .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length)).map(el => el.name)""")
    assert unlabelled == []
