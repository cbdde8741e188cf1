"""A running story's parts: linked on the event page, badged and filtered on the events list and the API."""
import pytest
from django.urls import reverse

from comparer.models import Event


@pytest.fixture
def story(casualty_event, event_builder):
    """The strike event, continued three days later by a second part of the same story."""
    first = casualty_event["event"]
    builder = event_builder("Strike on military industry: day four", seed=3)
    outlet = builder.outlet("Outlet Kyiv", "Ukraine")
    article = builder.article(outlet, "New strikes overnight", "Russia struck again overnight.", hours=72)
    builder.claim(article, "Russia struck again overnight.", "again")
    later = builder.finish()
    Event.objects.filter(id=later.id).update(story=first)
    alone = event_builder("Quiet ceasefire talks", seed=4)
    talks = alone.article(alone.outlet("Outlet Geneva"), "Talks resume", "Delegations met.", hours=10)
    alone.claim(talks, "Delegations met.", "met")
    return first, later, alone.finish()


@pytest.mark.django_db
def test_events_list_badges_story_parts_and_filters_to_one_story(researcher_client, story):
    first, later, alone = story
    html = researcher_client.get(reverse("web:event_list")).content.decode()
    listing = reverse("web:event_list")
    assert f'href="{listing}?story={first.id}" title="The first part of a running story: every part">running story · 2 parts' in html
    assert f'href="{listing}?story={first.id}" title="A later part of a running story: every part">continues a story' in html
    assert html.count('class="badge story"') == 2        # the talks stand alone

    response = researcher_client.get(reverse("web:event_list") + f"?story={first.id}")
    assert response.status_code == 200
    assert {event.id for event, _ in response.context["rows"]} == {first.id, later.id}
    assert "The parts of one running story" in response.content.decode()
    assert researcher_client.get(reverse("web:event_list") + "?story=abc").status_code == 400


@pytest.mark.django_db
def test_event_page_lists_the_storys_parts_and_marks_the_current_one(researcher_client, story):
    first, later, alone = story
    html = researcher_client.get(reverse("web:event_detail", args=[later.id])).content.decode()
    assert 'aria-label="Parts of this running story"' in html
    assert f'<a href="{reverse("web:event_detail", args=[first.id])}">Strike on military industry</a>' in html
    assert '<strong aria-current="page">Strike on military industry: day four</strong>' in html
    assert "Parts of this running story" not in researcher_client.get(
        reverse("web:event_detail", args=[alone.id])).content.decode()


@pytest.mark.django_db
def test_a_new_part_refreshes_the_cached_page_of_the_first(researcher_client, story):
    first, later, alone = story
    url = reverse("web:event_detail", args=[first.id])
    researcher_client.get(url)
    assert researcher_client.get(url)["X-Comparer-Page-Cache"] == "hit"
    Event.objects.filter(id=alone.id).update(story=first)    # e.g. a curator's merge of stories
    response = researcher_client.get(url)
    assert response["X-Comparer-Page-Cache"] == "miss"
    assert f'<a href="{reverse("web:event_detail", args=[alone.id])}">Quiet ceasefire talks</a>' in response.content.decode()


@pytest.mark.django_db
def test_api_events_carry_their_story_and_filter_by_it(story, django_user_model):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    first, later, alone = story
    user = django_user_model.objects.create_user("partner-story", password="x")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    body = client.get(f"/api/v1/events/{later.id}").json()
    assert body["story"] == first.id
    assert client.get(f"/api/v1/events/{first.id}").json()["story"] is None
    listed = client.get(f"/api/v1/events/?story={first.id}").json()["results"]
    assert {item["id"] for item in listed} == {first.id, later.id}
