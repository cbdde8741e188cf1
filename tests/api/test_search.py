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
