"""The Watch buttons (plain POST forms) on the event, outlet-pair and search pages, and the watches page."""
import pytest
from django.urls import reverse

from comparer.watches import services
from comparer.watches.models import Watch, WatchSettings

pytestmark = pytest.mark.django_db


def test_the_event_page_has_a_watch_button_that_works_without_javascript(researcher_client, researcher, story):
    page = researcher_client.get(reverse("web:event_detail", args=[story.event.id]))
    html = page.content.decode()
    assert 'action="/watches/add/"' in html and "Watch this event" in html
    response = researcher_client.post(reverse("watches:add"), {
        "kind": "event", "event": story.event.id, "next": f"/events/{story.event.id}/"})
    assert response.status_code == 302 and response["Location"] == f"/events/{story.event.id}/"
    watch = Watch.objects.get(user=researcher)
    assert watch.event == story.event
    html = researcher_client.get(reverse("web:event_detail", args=[story.event.id])).content.decode()
    assert "Watching this event" in html and f'action="/watches/{watch.id}/remove/"' in html


def test_the_outlet_pair_page_watches_the_pair(researcher_client, researcher, story):
    page = researcher_client.get(reverse("web:outlet_compare"), {"a": story.moscow.slug, "b": story.kyiv.slug})
    assert "Watch these two outlets" in page.content.decode()
    researcher_client.post(reverse("watches:add"), {"kind": "outlet_pair", "a": story.moscow.slug,
                                                    "b": story.kyiv.slug})
    watch = Watch.objects.get(user=researcher)
    assert {watch.outlet_a, watch.outlet_b} == {story.moscow, story.kyiv}


def test_the_search_page_watches_the_search_with_its_filters(researcher_client, researcher, story):
    query = {"q": "bodies", "mode": "keyword", "outlet": story.kyiv.slug, "date_from": "2025-06-01"}
    html = researcher_client.get(reverse("web:search"), query).content.decode()
    assert "Watch this search" in html
    assert 'name="outlet" value="outlet-kyiv"' in html and 'name="date_from" value="2025-06-01"' in html
    researcher_client.post(reverse("watches:add"), {"kind": "search", **query})
    watch = Watch.objects.get(user=researcher)
    assert (watch.query, watch.search_mode, watch.filter_outlet, str(watch.filter_date_from)) == (
        "bodies", "keyword", story.kyiv, "2025-06-01")
    assert "Watching this search" in researcher_client.get(reverse("web:search"), query).content.decode()


def test_the_watches_page_lists_news_and_removes_a_watch(researcher_client, researcher, story):
    watch, _ = services.watch_create(user=researcher, kind="event", event=story.event)
    story.figure_mismatch()
    page = researcher_client.get(reverse("watches:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Event: Prisoner exchange fails" in html and "Figures differ" in html
    assert story.m_bodies.text in html and f"#claim-{story.m_bodies.id}" in html
    assert WatchSettings.objects.get(user=researcher).feed_token in html
    assert "<script" not in html
    response = researcher_client.post(reverse("watches:remove", args=[watch.id]))
    assert response.status_code == 302 and not Watch.objects.exists()


def test_article_text_on_the_watches_page_is_escaped(researcher_client, researcher, story):
    services.watch_create(user=researcher, kind="event", event=story.event)
    story.new_outlet(name="Outlet <script>alert(1)</script>")
    html = researcher_client.get(reverse("watches:list")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_one_removes_another_users_watch(client, researcher, other_researcher, story):
    watch, _ = services.watch_create(user=other_researcher, kind="event", event=story.event)
    client.force_login(researcher)
    assert client.post(reverse("watches:remove", args=[watch.id])).status_code == 404
    assert Watch.objects.filter(id=watch.id).exists()
    assert "Prisoner exchange fails" not in client.get(reverse("watches:list")).content.decode()


def test_the_pages_need_a_login_and_changes_need_post(client, researcher, story):
    assert client.get(reverse("watches:list")).status_code == 302
    assert client.post(reverse("watches:add"), {"kind": "event", "event": story.event.id}).status_code == 302
    assert not Watch.objects.exists()
    client.force_login(researcher)
    assert client.get(reverse("watches:add")).status_code == 405
    assert client.get(reverse("watches:feed_renew")).status_code == 405


def test_a_bad_watch_request_says_what_to_fix(researcher_client):
    response = researcher_client.post(reverse("watches:add"), {"kind": "search", "q": "  "})
    assert response.status_code == 400 and "Type the words" in response.content.decode()
    response = researcher_client.post(reverse("watches:add"), {"kind": "event", "event": 999999})
    assert response.status_code == 400 and "no longer exists" in response.content.decode()


def test_next_never_leaves_the_site(researcher_client, story):
    response = researcher_client.post(reverse("watches:add"), {"kind": "event", "event": story.event.id,
                                                               "next": "https://evil.example/"})
    assert response["Location"] == reverse("watches:list")


def test_the_digest_setting(researcher_client, researcher):
    response = researcher_client.post(reverse("watches:digest"), {"digest_frequency": "hourly"})
    assert response.status_code == 302
    assert WatchSettings.objects.get(user=researcher).digest_frequency == "hourly"
    assert researcher_client.post(reverse("watches:digest"), {"digest_frequency": "weekly"}).status_code == 400
