import pytest
from django.urls import reverse



@pytest.mark.django_db
def test_keyword_search_links_results_into_the_event_comparison(researcher_client, exchange_event,
                                                               django_assert_max_num_queries):
    with django_assert_max_num_queries(9):  # 8, and one for the claim-language filter's choices
        response = researcher_client.get(reverse("web:search") + "?q=prisoner+exchange")
    results = response.context["results"]
    assert results and all("exchange" in c.text.lower() for c in results)
    html = response.content.decode()
    claim = results[0]
    assert f'href="/events/{claim.event_id}/#claim-{claim.id}"' in html


@pytest.mark.django_db
def test_semantic_search_finds_a_paraphrase(researcher_client, exchange_event):
    response = researcher_client.get(reverse("web:search") + "?q=Kyiv+never+turned+up+for+the+POW+swap&mode=semantic")
    texts = [c.text for c in response.context["results"][:5]]
    assert any("show up" in t or "failed to appear" in t for t in texts), texts
    assert "similarity 0." in response.content.decode()


@pytest.mark.django_db
def test_search_filters_by_outlet_and_event(researcher_client, casualty_event, event_builder):
    other = event_builder("Other strike", seed=5)
    article = other.article(casualty_event["moscow"], "Other", "The strike hit a depot.", hours=50)
    other.claim(article, "The strike hit a depot.", "d")
    other.finish()
    url = reverse("web:search") + "?q=strike"
    assert {c.event_id for c in researcher_client.get(url).context["results"]} == {casualty_event["event"].id,
                                                                                    other.event.id}
    scoped = researcher_client.get(url + f"&event={other.event.id}")
    assert {c.event_id for c in scoped.context["results"]} == {other.event.id}
    assert "Within event: <strong>Other strike</strong>" in scoped.content.decode()
    kyiv_only = researcher_client.get(url + "&outlet=outlet-kyiv").context["results"]
    assert kyiv_only and {c.article.outlet.slug for c in kyiv_only} == {"outlet-kyiv"}


@pytest.mark.django_db
def test_search_form_errors_are_explained(researcher_client, casualty_event):
    response = researcher_client.get(reverse("web:search") + "?q=x&mode=telepathy")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    response = researcher_client.get(reverse("web:search") + "?q=x&date_from=2025-07-01&date_to=2025-06-01")
    assert response.status_code == 400 and "The end date is before the start date" in response.content.decode()


@pytest.mark.django_db
def test_empty_search_shows_the_form_only(researcher_client):
    response = researcher_client.get(reverse("web:search"))
    assert response.status_code == 200 and response.context["ran"] is False


@pytest.mark.django_db
def test_a_query_without_a_mode_searches_words_and_says_so(researcher_client, exchange_event):
    import re

    html = researcher_client.get(reverse("web:search") + "?q=prisoner+exchange").content.decode()
    assert re.search(r'<input[^>]*value="keyword"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="semantic"[^>]*checked', html)


@pytest.mark.django_db
def test_no_word_match_offers_the_same_search_by_meaning(researcher_client, exchange_event):
    response = researcher_client.get(reverse("web:search") + "?q=Kyiv+never+turned+up+for+the+POW+swap"
                                     + f"&event={exchange_event.id}")
    assert response.context["results"] == []
    link = response.context["by_meaning_url"]
    assert "mode=semantic" in link and f"event={exchange_event.id}" in link
    assert f'<a href="{link.replace("&", "&amp;")}">search the same words by meaning</a>' in response.content.decode()
    followed = researcher_client.get(reverse("web:search") + link)
    assert followed.context["results"] and followed.context["by_meaning_url"] is None
