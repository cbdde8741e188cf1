"""A curator, in real headless Chromium, merges two events and relabels a relation in the admin.

Screenshots go to test-artifacts/curation/ (git-ignored).
"""
from pathlib import Path

import pytest
from django.db import connections

from comparer.curation.models import CurationDecision
from comparer.models import ClaimRelation, Event

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "curation"


@pytest.fixture
def page(live_server, browser):
    """A Chromium page; closed before the live server stops, so no request thread keeps a DB session."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()
    # While Playwright's loop runs, Django's ORM holds a separate connection for this context;
    # close it here, or the test database cannot be dropped at the end of the session.
    connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_curator_merges_two_events_and_relabels_a_relation(page, live_server, demo_corpus, django_user_model,
                                                            user_groups):
    curator = django_user_model.objects.create_user(username="carla", password="pw-carla-curates", is_staff=True)
    curator.groups.add(user_groups["curator"])
    strikes = Event.objects.filter(articles__title__icontains="massive strike").distinct().get()
    dnipro = Event.objects.filter(articles__title__icontains="Dnipropetrovsk").distinct().get()

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "carla")
    page.fill("#id_password", "pw-carla-curates")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    # Merge: select both events, run the action, confirm with a new title.
    page.goto(f"{live_server.url}/admin/comparer/event/")
    page.check(f"input.action-select[value='{strikes.id}']")
    page.check(f"input.action-select[value='{dnipro.id}']")
    page.select_option("select[name=action]", "merge_events")
    page.click("button[name=index]")
    page.wait_for_selector("#merge-form")
    page.screenshot(path=str(ARTIFACTS / "1-merge-confirm.png"), full_page=True)
    page.fill("#merge-title", "Russian strikes and the Dnipropetrovsk push")
    page.fill("#merge-note", "One offensive, reported as two")
    page.click("#merge-form input[type=submit]")
    success = page.wait_for_selector("ul.messagelist li.success")
    assert "Merged 2 events" in success.inner_text()
    page.screenshot(path=str(ARTIFACTS / "2-merged.png"), full_page=True)

    merged = Event.objects.get(id=strikes.id)
    assert merged.title == "Russian strikes and the Dnipropetrovsk push" and merged.locked
    assert not Event.objects.filter(id=dnipro.id).exists()

    # The side-by-side preview of the merged event, inside admin.
    page.goto(f"{live_server.url}/admin/comparer/event/{merged.id}/preview/")
    page.wait_for_selector("table.comparison")
    assert "Sample Outlet D (Berlin)" in page.locator("table.comparison").text_content()
    page.screenshot(path=str(ARTIFACTS / "3-preview.png"), full_page=True)

    # Relabel: the review queue for this event, first (most doubtful or consequential) relation.
    page.goto(f"{live_server.url}/admin/curation/relationreview/?event={merged.id}")
    first_row = page.locator("#result_list tbody tr").first
    relation_id = int(first_row.locator("button[name=decision]").first.get_attribute("data-relation"))
    relation = ClaimRelation.objects.get(id=relation_id)
    new_label = "unrelated" if relation.label != "unrelated" else "agree"
    first_row.locator(f"input[name='note-{relation_id}']").fill("Different days, not the same claim")
    page.screenshot(path=str(ARTIFACTS / "4-review-queue.png"))
    first_row.locator(f"button[name=decision][value='{new_label}']").click()
    success = page.wait_for_selector("ul.messagelist li.success")
    assert f"Labelled relation #{relation_id} {new_label}" in success.inner_text()
    assert page.locator(f"button[data-relation='{relation_id}']").count() == 0, "a decided relation leaves the queue"

    relation.refresh_from_db()
    assert (relation.label, relation.set_by, relation.locked, relation.curator_id, relation.note) == \
        (new_label, "curator", True, curator.id, "Different days, not the same claim")

    # The audit trail shows both decisions.
    page.goto(f"{live_server.url}/admin/curation/curationdecision/")
    trail = page.inner_text("#result_list")
    assert "merge events" in trail and "set relation label" in trail
    page.screenshot(path=str(ARTIFACTS / "5-audit-trail.png"), full_page=True)
    assert list(CurationDecision.objects.order_by("id").values_list("action", "user__username")) == \
        [("event_merge", "carla"), ("relation_label", "carla")]
