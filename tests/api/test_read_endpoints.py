"""List and detail endpoints: content, filters, ordering, cursor pagination, bounded queries."""
from urllib.parse import urlencode

import pytest

from comparer.models import Article, Claim, ClaimRelation, Event, Outlet
from tests.api.conftest import assert_error

# Auth (1 query), the page (1), plus the savepoints ATOMIC_REQUESTS wraps each request in;
# the bound holds whatever the page size, which is the point.
MAX_QUERIES_LIST = 5
MAX_QUERIES_DETAIL = 5


def _all_pages(api, url: str) -> list[dict]:
    items, seen_urls = [], set()
    while url:
        assert url not in seen_urls
        seen_urls.add(url)
        response = api.get(url)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        assert set(body) == {"next", "previous", "results"}
        items.extend(body["results"])
        url = body["next"]
    return items


ENDPOINTS = [("outlets", Outlet), ("articles", Article), ("events", Event), ("claims", Claim),
             ("relations", ClaimRelation)]


def test_every_list_pages_by_cursor_in_bounded_queries(api, demo_corpus, django_assert_max_num_queries):
    for endpoint, model in ENDPOINTS:
        items = _all_pages(api, f"/api/v1/{endpoint}/?page_size=7")
        ids = [item["id"] for item in items]
        assert len(ids) == len(set(ids)) == model.objects.count() > 0, endpoint
        for page_size in (1, 200):
            with django_assert_max_num_queries(MAX_QUERIES_LIST):
                assert api.get(f"/api/v1/{endpoint}/?page_size={page_size}").status_code == 200
        row = model.objects.order_by("id").last()
        with django_assert_max_num_queries(MAX_QUERIES_DETAIL):
            response = api.get(f"/api/v1/{endpoint}/{row.id}")  # the trailing slash is optional
        assert response.status_code == 200 and response.json()["id"] == row.id, endpoint


@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _ in ENDPOINTS])
def test_unknown_id_is_404_json(api, db, endpoint):
    assert_error(api.get(f"/api/v1/{endpoint}/987654321/"), 404, "not_found")
    assert_error(api.get(f"/api/v1/{endpoint}/not-a-number/"), 404, "not_found")


def test_article_detail_has_text_and_status_but_list_does_not_carry_text(api, demo_corpus):
    article = Article.objects.exclude(published_at=None).first()
    detail = api.get(f"/api/v1/articles/{article.id}/").json()
    assert detail["text"] == article.text
    assert detail["analysis_status"] == "done"
    assert detail["outlet"] == {"id": article.outlet.id, "name": article.outlet.name, "slug": article.outlet.slug,
                                "country": article.outlet.country}
    assert detail["claim_count"] == article.claims.count()
    listed = api.get("/api/v1/articles/").json()["results"][0]
    assert "text" not in listed


def test_article_filters(api, demo_corpus):
    outlet = Outlet.objects.filter(articles__isnull=False).first()
    by_outlet = _all_pages(api, f"/api/v1/articles/?outlet={outlet.id}")
    assert {a["id"] for a in by_outlet} == set(outlet.articles.values_list("id", flat=True))

    dated = Article.objects.exclude(published_at=None).order_by("published_at")
    first, last = dated.first().published_at, dated.last().published_at
    window = _all_pages(api, "/api/v1/articles/?" + urlencode({"date_from": first.isoformat(),
                                                               "date_to": first.isoformat()}))
    assert {a["id"] for a in window} == set(Article.objects.filter(published_at=first).values_list("id", flat=True))
    by_day = _all_pages(api, f"/api/v1/articles/?date_from={last.date().isoformat()}")
    assert all(a["published_at"] >= last.date().isoformat() for a in by_day) and by_day

    contradicted = _all_pages(api, "/api/v1/articles/?has_contradictions=true")
    expected = Article.objects.filter(event__contradict_count__gt=0)
    assert {a["id"] for a in contradicted} == set(expected.values_list("id", flat=True))
    assert _all_pages(api, "/api/v1/articles/?analysis_status=failed") == []


def test_article_ordering_puts_undated_articles_in_place(api, demo_corpus):
    newest_first = [a["published_at"] for a in _all_pages(api, "/api/v1/articles/?page_size=2")]
    dated = [when for when in newest_first if when]
    assert dated == sorted(dated, reverse=True)
    oldest_first = _all_pages(api, "/api/v1/articles/?ordering=published_at&page_size=2")
    assert [a["id"] for a in oldest_first] == [a["id"] for a in reversed(
        _all_pages(api, "/api/v1/articles/?ordering=-published_at&page_size=2"))]


def test_event_filters_and_ordering(api, demo_corpus):
    contradicted = _all_pages(api, "/api/v1/events/?has_contradictions=true")
    assert contradicted, "the demo corpus has a contradiction"
    assert {e["id"] for e in contradicted} == set(Event.objects.filter(contradict_count__gt=0).values_list("id", flat=True))
    calm = _all_pages(api, "/api/v1/events/?has_contradictions=false")
    assert all(e["contradict_count"] == 0 for e in calm)

    by_count = _all_pages(api, "/api/v1/events/?ordering=-contradict_count&page_size=1")
    counts = [e["contradict_count"] for e in by_count]
    assert counts == sorted(counts, reverse=True) and len(by_count) == Event.objects.count()

    outlet = Outlet.objects.filter(articles__event__isnull=False).first()
    covered = _all_pages(api, f"/api/v1/events/?outlet={outlet.id}")
    assert {e["id"] for e in covered} == set(outlet.articles.exclude(event=None).values_list("event_id", flat=True))
    if outlet.country:
        by_country = _all_pages(api, f"/api/v1/events/?country={outlet.country.upper()}")
        assert {e["id"] for e in covered} <= {e["id"] for e in by_country}


def test_claim_filters(api, demo_corpus):
    event = Event.objects.filter(contradict_count__gt=0).first()
    claims = _all_pages(api, f"/api/v1/claims/?event={event.id}&page_size=50")
    assert {c["id"] for c in claims} == set(Claim.objects.filter(event=event).values_list("id", flat=True))
    contradicted = _all_pages(api, "/api/v1/claims/?has_contradictions=true")
    relation = ClaimRelation.objects.filter(label="contradict").first()
    assert {relation.claim_a_id, relation.claim_b_id} <= {c["id"] for c in contradicted}
    numeric = next(c for c in claims if c["numbers"])
    assert {"value", "text", "unit"} <= set(numeric["numbers"][0])


def test_relation_filters_show_reasons_and_numeric_pairs(api, demo_corpus):
    contradictions = _all_pages(api, "/api/v1/relations/?label=contradict&min_score=0.5")
    assert contradictions and all(r["label"] == "contradict" and r["score"] >= 0.5 for r in contradictions)
    numeric = _all_pages(api, "/api/v1/relations/?reason=numeric_mismatch")
    for relation in numeric:
        assert set(relation["details"]) >= {"a", "b"}
        assert relation["claim_a"]["outlet"]["id"] != relation["claim_b"]["outlet"]["id"]
    strongest = [r["score"] for r in _all_pages(api, "/api/v1/relations/?page_size=2")]
    assert strongest == sorted(strongest, reverse=True)
    claim_id = contradictions[0]["claim_a"]["id"]
    of_claim = _all_pages(api, f"/api/v1/relations/?claim={claim_id}")
    assert all(claim_id in (r["claim_a"]["id"], r["claim_b"]["id"]) for r in of_claim) and of_claim


@pytest.mark.parametrize("query, field", [
    ("/api/v1/articles/?date_from=8th of June", "date_from"),
    ("/api/v1/articles/?date_to=2025-02-30", "date_to"),
    ("/api/v1/articles/?outlet=abc", "outlet"),
    ("/api/v1/articles/?outlet=-4", "outlet"),
    ("/api/v1/events/?outlet=99999999999999999999999", "outlet"),
    ("/api/v1/relations/?min_score=1.5", "min_score"),
    ("/api/v1/relations/?min_score=NaN", "min_score"),
    ("/api/v1/relations/?label=maybe", "label"),
    ("/api/v1/articles/?analysis_status=unknown", "analysis_status"),
    ("/api/v1/outlets/?country=Rus%00sia", "country"),
])
def test_bad_filter_values_are_400_naming_the_parameter(api, db, query, field):
    error = assert_error(api.get(query), 400, "invalid")
    assert field in error["fields"], error


def test_tampered_cursor_is_404_json(api, demo_corpus):
    # garbage; "p=not-a-date"; "o=5&p=2025-99-99"; a NUL byte, which PostgreSQL text cannot hold
    for cursor in ["garbage", "cD1ub3QtYS1kYXRl", "bz01JnA9MjAyNS05OS05OQ==", "cD0AeA=="]:
        assert_error(api.get("/api/v1/articles/", {"cursor": cursor}), 404, "not_found")
    assert_error(api.get("/api/v1/outlets/", {"cursor": "cD0AeA=="}), 404, "not_found")
    assert_error(api.get("/api/v1/relations/", {"cursor": "cD1ub3QtYS1kYXRl"}), 404, "not_found")
