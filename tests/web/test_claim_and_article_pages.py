import pytest
from django.urls import reverse

XSS_TEXT = ('Officials met on Monday. <script>window.__pwned = 1; alert("x")</script> They said '
            '<img src=x onerror="window.__pwned=2"> nothing else.')


@pytest.mark.django_db
def test_claim_page_shows_context_relations_cluster_and_nearest(researcher_client, casualty_event,
                                                               django_assert_max_num_queries):
    claim = casualty_event["k_claim"]
    with django_assert_max_num_queries(10):
        response = researcher_client.get(reverse("web:claim_detail", args=[claim.id]))
    assert response.status_code == 200
    detail = response.context["detail"]
    assert [r.other for r in detail.relations] == [casualty_event["m_claim"]]
    assert detail.cluster_claims == [casualty_event["w_claim"]]
    assert detail.similar and claim not in detail.similar
    html = response.content.decode()
    assert "<mark>Ukraine lost 12 armored vehicles in the same period, the General Staff said.</mark>" in html
    assert "The strike hit military industry sites." in html  # the article context after the claim
    assert 'class="badge contradict">contradicts<' in html
    assert f'href="/events/{claim.event_id}/#claim-{claim.id}"' in html


@pytest.mark.django_db
def test_article_page_highlights_and_links_each_claim(researcher_client, casualty_event,
                                                      django_assert_max_num_queries):
    article = casualty_event["m_article"]
    with django_assert_max_num_queries(9):
        response = researcher_client.get(reverse("web:article_detail", args=[article.id]))
    html = response.content.decode()
    claim = casualty_event["m_claim"]
    assert (f'<a class="claim contradicted" id="claim-{claim.id}" href="/claims/{claim.id}/"' in html)
    sites = casualty_event["m_sites"]
    assert f'<a class="claim" id="claim-{sites.id}" href="/claims/{sites.id}/"' in html


@pytest.mark.django_db
def test_copy_and_original_articles_link_to_each_other(researcher_client, casualty_event):
    original, copy = casualty_event["k_article"], casualty_event["w_article"]
    html = researcher_client.get(reverse("web:article_detail", args=[copy.id])).content.decode()
    assert "Syndicated copy of" in html and f'href="/articles/{original.id}/"' in html
    html = researcher_client.get(reverse("web:article_detail", args=[original.id])).content.decode()
    assert "Republished by" in html and f'href="/articles/{copy.id}/"' in html


@pytest.mark.django_db
def test_script_in_article_text_and_title_is_escaped_everywhere(researcher_client, event_builder):
    builder = event_builder("Hostile <b>markup</b> event")
    outlet = builder.outlet('Outlet "<script>"')
    article = builder.article(outlet, 'Title <script>alert(1)</script>', XSS_TEXT)
    claim = builder.claim(article, 'They said <img src=x onerror="window.__pwned=2"> nothing else.', "x",
                          speaker="<i>speaker</i>")
    event = builder.finish()
    for url in (reverse("web:article_detail", args=[article.id]), reverse("web:claim_detail", args=[claim.id]),
                reverse("web:event_detail", args=[event.id]), reverse("web:event_list"),
                reverse("web:outlet_detail", args=[outlet.slug]), reverse("web:search") + "?q=officials+said"):
        html = researcher_client.get(url).content.decode()
        assert "<script>alert" not in html and "<script>window" not in html, url
        assert "<img src=x" not in html and "<i>speaker" not in html and "<b>markup" not in html, url
    html = researcher_client.get(reverse("web:article_detail", args=[article.id])).content.decode()
    assert "&lt;script&gt;window.__pwned = 1; alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_missing_claim_and_article_are_404(researcher_client):
    assert researcher_client.get(reverse("web:claim_detail", args=[987654])).status_code == 404
    assert researcher_client.get(reverse("web:article_detail", args=[987654])).status_code == 404
