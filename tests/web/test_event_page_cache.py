"""The event page's cache (comparer/web/page_cache.py): a repeat request for an unchanged event is
served from it, and no write to the event's data, however it is made, is ever hidden by it.

Each write below is followed by a request that must miss and must equal the page rendered with
no cache at all. The writes run inside the test's transaction, as a request's own writes would:
rows updated twice in one transaction must still change the version."""
import re

import pytest
from django.db import connection
from django.urls import reverse

from comparer import selectors, services
from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Outlet
from comparer.web import page_cache
from tests.web.conftest import SEED_CLAIM_START


@pytest.fixture
def curator(db, django_user_model):
    return django_user_model.objects.create_user(username="curator-web", password="pw-curator-web", is_staff=True)


def _main(response) -> str:
    """The page's <main> (the rest holds the visitor's name and a per-response CSRF token; the
    Watch button's form in <main> has one too, blanked here)."""
    html = response.content.decode()
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", html[html.index("<main"):html.index("</main>")])


class Page:
    def __init__(self, client, url, settings):
        self.client, self.url, self.settings = client, url, settings

    def get(self, expect: str):
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert response["X-Comparer-Page-Cache"] == expect, self.url
        return response

    def fresh(self) -> str:
        """The page rendered with no cache at all."""
        caches = self.settings.CACHES
        self.settings.CACHES = {**caches, page_cache.CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        try:
            return _main(self.get("miss"))
        finally:
            self.settings.CACHES = caches

    def assert_current(self) -> str:
        """After a write: the next request misses, and shows what an uncached render shows."""
        html = _main(self.get("miss"))
        assert html == self.fresh()
        assert _main(self.get("hit")) == html
        return html


@pytest.fixture
def page(researcher_client, casualty_event, settings):
    page = Page(researcher_client, reverse("web:event_detail", args=[casualty_event["event"].id]), settings)
    page.get("miss")
    page.get("hit")
    return page


@pytest.mark.django_db
def test_a_repeat_request_is_served_from_the_cache_in_few_queries(researcher_client, casualty_event,
                                                                 django_assert_max_num_queries):
    url = reverse("web:event_detail", args=[casualty_event["event"].id])
    first = researcher_client.get(url)
    assert first["X-Comparer-Page-Cache"] == "miss" and "comparison" in first.context
    # savepoint, session, user, the event's version, whether the user watches it (the Watch
    # button), release: nothing about claims or relations
    with django_assert_max_num_queries(6):
        second = researcher_client.get(url)
    assert second["X-Comparer-Page-Cache"] == "hit" and "comparison" not in second.context
    assert _main(second) == _main(first)
    assert 'numeric mismatch: <mark class="figure">39 armored vehicles</mark>' in _main(second)


@pytest.mark.django_db
def test_each_view_of_the_event_is_its_own_entry(researcher_client, casualty_event):
    url = reverse("web:event_detail", args=[casualty_event["event"].id])
    pages = {}
    for query in ("", "?only=disagreements", "?columns=name", "?rows=2"):
        assert researcher_client.get(url + query)["X-Comparer-Page-Cache"] == "miss"
        pages[query] = _main(researcher_client.get(url + query))
    assert len({pages[""], pages["?only=disagreements"], pages["?columns=name"]}) == 3
    table = lambda html: html[html.index("<table"):html.index("</table>")]  # noqa: E731
    assert table(pages["?rows=2"]) == table(pages[""])  # one page of rows: past the end shows the last one
    # the toolbar keeps other query parameters; it is rendered per request, not cached
    response = researcher_client.get(url + "?only=disagreements&lang=fr")
    assert response["X-Comparer-Page-Cache"] == "hit" and "lang=fr" in response.content.decode()


@pytest.mark.django_db
def test_relabelling_a_relation_through_the_service_shows_at_once(page, casualty_event, curator):
    assert 'class="badge contradict">contradicts<' in _main(page.get("hit"))
    services.relation_set_label(relation=casualty_event["mismatch"], label="agree", by=curator)
    html = page.assert_current()
    assert 'class="badge contradict">' not in html and "numeric mismatch" not in html


@pytest.mark.django_db
def test_curation_of_claims_events_and_metadata_shows_at_once(page, casualty_event, curator):
    event = casualty_event["event"]
    services.claim_move(claim=casualty_event["w_sites"], cluster=ClaimCluster.objects.get(
        event=event, claims=casualty_event["w_claim"]), by=curator)
    page.assert_current()
    services.event_rename(event=event, title="Strike on industry (curated title)", by=curator)
    assert "Strike on industry (curated title)" in page.assert_current()
    services.metadata_update(instance=casualty_event["wire"], data={"name": "Outlet Wire Service"}, by=curator)
    assert "Outlet Wire Service" in page.assert_current()
    services.metadata_update(instance=casualty_event["k_article"], data={"url": "https://kyiv.example/moved"},
                             by=curator)
    assert "https://kyiv.example/moved#:~:text=" in page.assert_current()


@pytest.mark.django_db
def test_queryset_bulk_and_raw_writes_show_at_once(page, casualty_event):
    """The pipeline writes with queryset updates, bulk_update and deletes, which send no signals."""
    event = casualty_event["event"]
    Claim.objects.filter(id=casualty_event["w_claim"].id).update(cluster=None)
    page.assert_current()
    claim = Claim.objects.get(id=casualty_event["m_sites"].id)
    claim.speaker = "a ministry spokesman"
    Claim.objects.bulk_update([claim], ["speaker"])
    assert "a ministry spokesman" in page.assert_current()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ClaimRelation._meta.db_table} SET details = details || '{{\"b\": "
                       f"{{\"value\": 13, \"text\": \"13 armored vehicles\"}}}}'::jsonb WHERE id = %s",
                       [casualty_event["mismatch"].id])
    assert '<mark class="figure">13 armored vehicles</mark>' in page.assert_current()
    ClaimRelation.objects.filter(event=event, label="agree").delete()
    page.assert_current()
    Claim.objects.filter(id=casualty_event["k_claim"].id).delete()
    page.assert_current()
    Outlet.objects.filter(id=casualty_event["moscow"].id).update(name="Outlet Moscow (renamed)")
    assert "Outlet Moscow (renamed)" in page.assert_current()


@pytest.mark.django_db
def test_a_row_changed_twice_in_one_transaction_still_changes_the_page(page, casualty_event):
    article = Article.objects.get(id=casualty_event["m_article"].id)
    original = article.title
    article.title = "A new headline"
    article.save()
    assert "A new headline" in page.assert_current()
    article.title = original
    article.save()  # same transaction, same xmin: the row's new ctid still tells the versions apart
    assert "A new headline" not in page.assert_current()


@pytest.mark.django_db
def test_syndication_marks_show_at_once(page, casualty_event, curator):
    services.article_mark_syndicated(article=casualty_event["w_article"], original=None, by=curator)
    html = page.assert_current()
    assert "republishes Outlet Kyiv" not in html


@pytest.mark.django_db
def test_a_pipeline_rerun_shows_at_once(researcher_client, exchange_event, settings):
    from comparer.pipeline.run import analyze

    url = reverse("web:event_detail", args=[exchange_event.id])
    page = Page(researcher_client, url, settings)
    page.get("miss")
    version = selectors.event_comparison_version(event_id=exchange_event.id)
    analyze(full=True)
    assert selectors.event_comparison_version(event_id=exchange_event.id) != version
    html = page.assert_current()
    assert SEED_CLAIM_START in html


@pytest.mark.django_db
def test_a_broken_cache_costs_a_render_not_the_page(researcher_client, casualty_event, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    backend = page_cache.caches[page_cache.CACHE_ALIAS]
    monkeypatch.setattr(backend, "get", broken)
    monkeypatch.setattr(backend, "set", broken)
    response = researcher_client.get(reverse("web:event_detail", args=[casualty_event["event"].id]))
    assert response.status_code == 200 and response["X-Comparer-Page-Cache"] == "miss"


@pytest.mark.django_db
def test_version_of_an_unknown_event_is_none(db):
    assert selectors.event_comparison_version(event_id=987654) is None


def test_keys_differ_by_version_options_and_code(monkeypatch):
    key = page_cache.page_key(event_id=1, version="v1", only=False, order="name", rows=1)
    assert key == page_cache.page_key(event_id=1, version="v1", only=False, order="name", rows=1)
    assert key != page_cache.page_key(event_id=1, version="v2", only=False, order="name", rows=1)
    assert key != page_cache.page_key(event_id=1, version="v1", only=True, order="name", rows=1)
    assert key != page_cache.page_key(event_id=1, version="v1", only=False, order="name", rows=2)
    monkeypatch.setattr(page_cache, "code_version", lambda: "another deploy")
    assert key != page_cache.page_key(event_id=1, version="v1", only=False, order="name", rows=1)
