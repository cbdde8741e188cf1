"""The pages show each claim's language, filter by language, and say where relations across
languages are judged on figures and where they are only aligned."""
import pytest
from django.urls import reverse

from comparer.models import Article, Claim, Outlet

pytestmark = pytest.mark.django_db


def test_comparison_outlet_page_filters_and_api_show_languages(researcher_client, demo_corpus):
    russian = Article.objects.get(outlet__name__startswith="Sample Outlet R")
    exchange = russian.event

    html = researcher_client.get(reverse("web:event_detail", args=[exchange.id])).content.decode()
    # The original Russian and Ukrainian text, each marked with its language, beside the English.
    assert '<a class="claim-text" href="/claims/' in html
    assert 'lang="ru">Российская сторона ждала' in html
    assert 'lang="uk">' in html and 'title="Ukrainian"' in html and 'title="Russian"' in html
    assert 'title="English"' in html
    assert "same figure, different language: agree" in html
    assert "aligned across languages, not judged" in html

    outlet = researcher_client.get(reverse("web:outlet_detail", args=[russian.outlet.slug])).content.decode()
    assert "<dt>Language</dt><dd>Russian (" in outlet

    listed = researcher_client.get(reverse("web:event_list"), {"language": "uk"}).context["rows"]
    assert [event.id for event, _ in listed] == [exchange.id]
    assert len(researcher_client.get(reverse("web:event_list"), {"language": "en"}).context["rows"]) == 3

    found = researcher_client.get(reverse("web:search"), {"q": "Зорин", "language": "ru"}).context["results"]
    assert found and {claim.language for claim in found} == {"ru"}
    assert not researcher_client.get(reverse("web:search"), {"q": "Зорин", "language": "en"}).context["results"]

    claim = Claim.objects.filter(article=russian).first()
    api = researcher_client.get(f"/api/v1/claims/{claim.id}/").json()
    assert api["language"] == "ru"
    exported = researcher_client.get(reverse("web:event_comparison_json", args=[exchange.id])).json()
    languages = {c["language"] for row in exported["rows"] for cell in row["cells"] for c in cell["claims"]}
    assert languages == {"en", "ru", "uk"}
    assert {o["language"] for o in exported["outlets"]} >= {"ru", "uk"}
    assert Outlet.objects.get(id=russian.outlet_id).language == "ru"
