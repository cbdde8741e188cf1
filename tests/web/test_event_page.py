import pytest
from django.urls import reverse

from comparer.models import Event


@pytest.mark.django_db
def test_event_page_requires_login(client, demo_corpus):
    event = Event.objects.first()
    response = client.get(reverse("web:event_detail", args=[event.id]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_event_page_shows_outlets_side_by_side_with_contradiction(researcher_client, demo_corpus,
                                                                   django_assert_max_num_queries):
    event = Event.objects.filter(articles__title__icontains="fails to show up").distinct().get()
    with django_assert_max_num_queries(12):
        response = researcher_client.get(reverse("web:event_detail", args=[event.id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Al Mayadeen English" in html and "Sample Outlet A (Kyiv)" in html
    assert "Ukraine did not show up at the agreed-upon location" in html
    assert "contradicts" in html
