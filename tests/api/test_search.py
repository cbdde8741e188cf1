"""search?q=...&mode=keyword|semantic over claims."""
from comparer.models import Claim
from tests.api.conftest import assert_error


def test_keyword_and_semantic_search(api, demo_corpus):
    keyword = api.get("/api/v1/search/", {"q": "Dnipropetrovsk", "mode": "keyword"})
    assert keyword.status_code == 200
    body = keyword.json()
    assert body["mode"] == "keyword" and body["count"] == len(body["results"]) > 0
    assert all("dnipropetrovsk" in claim["text"].lower() for claim in body["results"])
    assert all("rank" in claim for claim in body["results"])

    semantic = api.get("/api/v1/search", {"q": "troops captured a village", "mode": "semantic", "limit": 5}).json()
    assert 0 < semantic["count"] <= 5
    distances = [claim["distance"] for claim in semantic["results"]]
    assert distances == sorted(distances)

    outlet_id = body["results"][0]["outlet"]["id"]
    narrowed = api.get("/api/v1/search/", {"q": "Dnipropetrovsk", "outlet": outlet_id}).json()
    assert narrowed["results"] and all(c["outlet"]["id"] == outlet_id for c in narrowed["results"])
    assert {c["id"] for c in narrowed["results"]} <= set(Claim.objects.filter(article__outlet_id=outlet_id)
                                                         .values_list("id", flat=True))


def test_search_needs_a_query_and_a_known_mode(api, db):
    assert "q" in assert_error(api.get("/api/v1/search/"), 400, "invalid")["fields"]
    assert "q" in assert_error(api.get("/api/v1/search/", {"q": ""}), 400)["fields"]
    assert "mode" in assert_error(api.get("/api/v1/search/", {"q": "x", "mode": "fuzzy"}), 400)["fields"]
    assert "limit" in assert_error(api.get("/api/v1/search/", {"q": "x", "limit": 0}), 400)["fields"]
    assert "q" in assert_error(api.get("/api/v1/search/", {"q": "a\x00b"}), 400)["fields"]


def _exact_distances(vector, claims) -> dict[int, float]:
    """Brute force: cosine distance from ``vector`` to every claim of ``claims`` with a vector."""
    import numpy as np

    rows = list(claims.filter(embedding__isnull=False).values_list("id", "embedding"))
    matrix = np.array([embedding for _, embedding in rows], dtype=np.float64)
    query = np.asarray(vector, dtype=np.float64)
    distances = 1 - matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query))
    return dict(zip([claim_id for claim_id, _ in rows], distances.tolist()))


def _exact_scans_only():
    """HNSW is approximate, and the test database's graph also holds the rolled-back rows of earlier
    tests; tests of what the search SQL selects compare against brute force with exact scans."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")


def _assert_exact_neighbours(found, vector, claims, limit):
    """``found`` are the ``limit`` claims of ``claims`` nearest to ``vector``, best first (ids may
    differ only between equally distant claims)."""
    exact = _exact_distances(vector, claims)
    best = sorted(exact.values())[:limit]
    assert len(found) == len(best)
    for claim, distance in zip(found, best):
        assert claim.id in exact
        assert abs(exact[claim.id] - distance) < 1e-5 and abs(claim.distance - distance) < 1e-5


def test_semantic_search_with_filters_finds_the_exact_nearest_claims(demo_corpus, django_assert_num_queries):
    """Every filter narrows the kNN in SQL and keeps exact quality; results carry what lists show."""
    from datetime import timedelta

    from comparer import search
    from comparer.models import Article, Outlet
    from comparer.pipeline.embed import encode

    vector = encode(["troops captured a village in the region"])[0]
    _exact_scans_only()
    claims = Claim.objects.all()
    article = Article.objects.exclude(published_at=None).exclude(event=None).order_by("published_at").first()
    outlet = article.outlet
    Outlet.objects.filter(id=outlet.id).update(country="Atlantis")
    day = article.published_at
    cases = [
        (None, claims),
        (search.ClaimFilters(outlet_id=outlet.id), claims.filter(article__outlet_id=outlet.id)),
        (search.ClaimFilters(event_id=article.event_id), claims.filter(event_id=article.event_id)),
        (search.ClaimFilters(country="atlantis"), claims.filter(article__outlet__country__iexact="atlantis")),
        (search.ClaimFilters(date_from=day, date_to=day + timedelta(days=1)),
         claims.filter(article__published_at__gte=day, article__published_at__lte=day + timedelta(days=1))),
    ]
    for filters, expected in cases:
        assert expected.exists(), filters
        _assert_exact_neighbours(search.nearest_claims(vector, filters, limit=8), vector, expected, 8)
    # One query (two when the scan comes back short), and nothing more while reading the display fields.
    with django_assert_num_queries(1):
        found = search.nearest_claims(vector, None, limit=5)
        shown = [(c.text, c.speaker, c.numbers, c.article.outlet.slug, c.article.published_at,
                  c.article.syndicated_copy_of_id, c.event.title if c.event_id else None) for c in found]
    assert len(shown) == 5 and all(isinstance(c.numbers, list) for c in found)
    # Fields outside the result columns still load on access.
    assert found[0].article.text == Article.objects.get(id=found[0].article_id).text


def test_semantic_search_falls_back_to_an_exact_scan_when_the_index_comes_back_short(demo_corpus):
    """Without iterative scan an HNSW scan returns at most ef_search rows (and a filter removes
    some of those); the exact scan then still returns the true nearest claims."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comparer import search
    from comparer.models import Outlet
    from comparer.pipeline.embed import encode

    vector = encode(["the prisoner exchange was postponed"])[0]
    outlet = Outlet.objects.filter(articles__claims__isnull=False).order_by("id").last()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the demo tables are small enough for a seq scan
        cursor.execute("SET LOCAL hnsw.ef_search = 3")
        cursor.execute("SET LOCAL hnsw.iterative_scan = off")
    with CaptureQueriesContext(connection) as queries:
        found = search.nearest_claims(vector, limit=10)
    assert len(queries) == 2, "the HNSW scan should have come back short"
    _assert_exact_neighbours(found, vector, Claim.objects.all(), 10)
    found = search.nearest_claims(vector, search.ClaimFilters(outlet_id=outlet.id), limit=10)
    _assert_exact_neighbours(found, vector, Claim.objects.filter(article__outlet_id=outlet.id), 10)


def test_similar_claims_leave_out_the_claims_own_article_and_optionally_its_event(demo_corpus):
    from comparer import search

    _exact_scans_only()
    claim = Claim.objects.exclude(event=None).order_by("id")[3]
    others = Claim.objects.exclude(article_id=claim.article_id)
    _assert_exact_neighbours(search.similar_claims(claim, limit=6), claim.embedding, others, 6)
    elsewhere = search.similar_claims(claim, limit=6, other_events_only=True)
    _assert_exact_neighbours(elsewhere, claim.embedding, others.exclude(event_id=claim.event_id), 6)
