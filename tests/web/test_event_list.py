import pytest
from django.urls import reverse


@pytest.fixture
def two_events(casualty_event, event_builder):
    builder = event_builder("Quiet ceasefire talks", seed=2)
    outlet = builder.outlet("Outlet Geneva", "Switzerland")
    article = builder.article(outlet, "Talks resume", "Delegations met in Geneva on Monday.", hours=72)
    builder.claim(article, "Delegations met in Geneva on Monday.", "met")
    return casualty_event["event"], builder.finish()


@pytest.mark.django_db
def test_events_list_shows_counts_and_coverage_most_contested_first(researcher_client, two_events,
                                                                   django_assert_max_num_queries):
    contested, quiet = two_events
    with django_assert_max_num_queries(10):  # 9, and one for the language filter's choices
        response = researcher_client.get(reverse("web:event_list"))
    assert [event.id for event, _ in response.context["rows"]] == [contested.id, quiet.id]
    coverage = dict(response.context["rows"])[contested]
    assert {s.outlet_name for s in coverage} == {"Outlet Moscow", "Outlet Kyiv", "Outlet Wire"}
    assert abs(sum(s.share for s in coverage) - 1) < 1e-9
    html = response.content.decode()
    assert 'class="coverage" role="img" aria-label="Claims per outlet:' in html
    assert '<span class="badge contradict">1</span>' in html


@pytest.mark.django_db
def test_newest_first_order(researcher_client, two_events):
    contested, quiet = two_events
    response = researcher_client.get(reverse("web:event_list") + "?order=newest")
    assert [event.id for event, _ in response.context["rows"]] == [quiet.id, contested.id]


@pytest.mark.parametrize("query, expected", [
    ("has_contradictions=on", ["Strike on military industry"]),
    ("country=Switzerland", ["Quiet ceasefire talks"]),
    ("outlet=outlet-kyiv", ["Strike on military industry"]),
    ("date_from=2025-06-09", ["Quiet ceasefire talks"]),
    ("date_to=2025-06-08", ["Strike on military industry"]),
    ("date_from=2025-06-01&date_to=2025-06-30", ["Strike on military industry", "Quiet ceasefire talks"]),
])
@pytest.mark.django_db
def test_event_filters(researcher_client, two_events, query, expected):
    response = researcher_client.get(reverse("web:event_list") + "?" + query)
    assert response.status_code == 200
    assert [event.title for event, _ in response.context["rows"]] == expected


@pytest.mark.django_db
def test_bad_filter_input_explains_and_keeps_the_input(researcher_client, two_events):
    response = researcher_client.get(reverse("web:event_list") + "?date_from=2025-06-09&date_to=2025-06-01&country=Switzerland")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end date is before the start date" in html
    assert 'value="2025-06-09"' in html and '<option value="Switzerland" selected>' in html
    assert researcher_client.get(reverse("web:event_list") + "?outlet=no-such-outlet").status_code == 400


@pytest.mark.django_db
def test_pagination_keeps_filters(researcher_client, event_builder):
    for index in range(27):
        builder = event_builder(f"Event {index:02d}", seed=index)
        outlet = builder.outlet("Outlet Paged", "Paged")
        builder.article(outlet, f"Headline {index}", f"Body {index}.", hours=index)
        builder.finish()
    first = researcher_client.get(reverse("web:event_list") + "?country=Paged")
    assert len(first.context["rows"]) == 25
    html = first.content.decode()
    assert 'href="?country=Paged&amp;page=2"' in html
    second = researcher_client.get(reverse("web:event_list") + "?country=Paged&page=2")
    assert len(second.context["rows"]) == 2


@pytest.mark.django_db
def test_events_list_requires_login(client):
    assert client.get(reverse("web:event_list")).status_code == 302
