"""POST articles (single and batch): validation, idempotency, unknown outlets, analysis after commit."""
import pytest

from comparer.models import Article, Outlet
from tests.api.conftest import assert_error

TEXT = ("Officials in the regional administration said on Monday that 42 people were evacuated from the "
        "flooded district overnight, and that rescue teams were still searching the riverbank.")


@pytest.fixture
def outlet(db):
    return Outlet.objects.create(name="Sample Wire Service", slug="sample-wire-service", domain="wire.example",
                                 country="Testland", is_sample=True)


def _article(**overrides):
    data = {"url": "https://wire.example/flood-evacuation", "outlet": "sample-wire-service",
            "title": "Dozens evacuated as river floods district", "published_at": "2025-06-08T09:30:00Z",
            "text": TEXT}
    data.update(overrides)
    return data


def test_submit_creates_then_returns_the_same_article(api, outlet, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = api.post("/api/v1/articles/", _article(), format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] is True and body["analysis_status"] == "pending"
    assert body["outlet"]["id"] == outlet.id
    assert first["Location"] == f"/api/v1/articles/{body['id']}"
    assert len(callbacks) == 1  # analysis is queued for after the commit, not run in the request

    again = api.post("/api/v1/articles/", _article(), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"] and again.json()["created"] is False
    same_text_no_url = api.post("/api/v1/articles/", _article(url=None), format="json")
    assert same_text_no_url.status_code == 200 and same_text_no_url.json()["id"] == body["id"]
    assert Article.objects.count() == 1


def test_analysis_runs_after_commit_and_status_says_done(api, outlet, settings, django_capture_on_commit_callbacks):
    settings.COMPARER_TASK_BACKEND = "sync"
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/articles/", _article(), format="json").json()
    detail = api.get(f"/api/v1/articles/{created['id']}/").json()
    assert detail["analysis_status"] == "done"
    assert detail["claim_count"] > 0
    claims = api.get("/api/v1/claims/", {"article": created["id"]}).json()["results"]
    assert any(number["value"] == 42 for claim in claims for number in claim["numbers"])


def test_outlet_is_matched_by_slug_name_or_domain(api, outlet):
    for i, reference in enumerate(["sample-wire-service", "SAMPLE WIRE SERVICE", "wire.example"]):
        response = api.post("/api/v1/articles/", _article(url=f"https://wire.example/{i}", title=f"Report {i}",
                                                           outlet=reference), format="json")
        assert response.status_code == 201, response.content
        assert response.json()["outlet"]["id"] == outlet.id


def test_unknown_outlet_is_refused_with_a_hint_unless_creation_is_asked(api, outlet):
    error = assert_error(api.post("/api/v1/articles/", _article(outlet="Sample Wire Servce"), format="json"),
                         400, "invalid")
    assert "Unknown outlet" in error["fields"]["outlet"][0]
    assert "Sample Wire Service" in error["fields"]["outlet"][0]  # did-you-mean
    assert Article.objects.count() == 0 and Outlet.objects.count() == 1

    created = api.post("/api/v1/articles/", _article(outlet="Brand New Gazette", create_outlet=True), format="json")
    assert created.status_code == 201
    assert created.json()["outlet"]["name"] == "Brand New Gazette"
    assert Outlet.objects.filter(name="Brand New Gazette").exists()


@pytest.mark.parametrize("payload, field", [
    ({"title": "No body", "text": None}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "too short"}, "text"),
    ({"text": 12345}, "text"),
    ({"text": ["a", "list"]}, "text"),
    ({"outlet": None}, "outlet"),
    ({"outlet": {"name": "object"}}, "outlet"),
    ({"published_at": "8 June 2025"}, "published_at"),
    ({"published_at": "2025-02-30T10:00:00Z"}, "published_at"),
    ({"published_at": 1749375000}, "published_at"),
    ({"url": "not a url"}, "url"),
    ({"url": "https://wire.example/" + "x" * 1000}, "url"),
    ({"create_outlet": "perhaps"}, "create_outlet"),
    ({"title": "t" * 1001}, "title"),
    ({"text": "nul \x00 byte in the article text, which PostgreSQL cannot store"}, "text"),
])
def test_bad_payloads_get_field_errors_and_store_nothing(api, outlet, payload, field):
    body = _article(**payload)
    error = assert_error(api.post("/api/v1/articles/", body, format="json"), 400, "invalid")
    assert field in error["fields"], error
    assert Article.objects.count() == 0


def test_missing_required_fields_are_named(api, outlet):
    error = assert_error(api.post("/api/v1/articles/", {}, format="json"), 400, "invalid")
    assert "outlet" in error["fields"]
    error = assert_error(api.post("/api/v1/articles/", {"outlet": "sample-wire-service"}, format="json"), 400)
    assert "text" in error["fields"]


def test_ten_megabyte_text_is_refused_by_the_article_limit(api, outlet, settings):
    assert settings.COMPARER["MAX_ARTICLE_BYTES"] < 10 * 1024 * 1024
    error = assert_error(api.post("/api/v1/articles/", _article(text="word " * 2_100_000), format="json"), 400)
    assert "MB article limit" in error["fields"]["text"][0]
    assert Article.objects.count() == 0


def test_body_over_the_request_limit_is_413(api, outlet, settings):
    settings.COMPARER_API = {**settings.COMPARER_API, "MAX_REQUEST_BYTES": 1024 * 1024}
    error = assert_error(api.post("/api/v1/articles/", _article(text="word " * 300_000), format="json"),
                         413, "payload_too_large")
    assert "MB limit" in error["message"]


def test_malformed_json_and_wrong_content_type(api, outlet):
    error = assert_error(api.post("/api/v1/articles/", data="{not json", content_type="application/json"), 400)
    assert "JSON" in error["message"]
    assert_error(api.post("/api/v1/articles/", data="outlet=x", content_type="application/x-www-form-urlencoded"),
                 415, "unsupported_media_type")
    error = assert_error(api.post("/api/v1/articles/", data="[1, 2]", content_type="application/json"), 400)
    assert error["fields"]


def test_html_submission_is_extracted(api, outlet):
    html = f"<html><head><title>Flood</title></head><body><article><h1>Flood</h1><p>{TEXT}</p></article></body></html>"
    response = api.post("/api/v1/articles/", _article(text=None, html=html), format="json")
    assert response.status_code == 201, response.content
    assert "42 people were evacuated" in Article.objects.get(id=response.json()["id"]).text


def test_batch_reports_each_article_and_is_idempotent(api, outlet, django_capture_on_commit_callbacks):
    batch = {"articles": [_article(), _article(url="https://wire.example/second", title="Second report",
                                               text=TEXT.replace("42", "44"))]}
    with django_capture_on_commit_callbacks() as callbacks:
        first = api.post("/api/v1/articles/batch/", batch, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["created_count"] == 2 and len(callbacks) == 1
    again = api.post("/api/v1/articles/batch", batch, format="json")
    assert again.status_code == 200
    assert again.json()["existing_count"] == 2
    assert [r["id"] for r in again.json()["results"]] == [r["id"] for r in first.json()["results"]]


def test_batch_with_one_bad_article_stores_none_and_points_at_it(api, outlet):
    batch = {"articles": [_article(), _article(url="https://wire.example/2", published_at="yesterday")]}
    error = assert_error(api.post("/api/v1/articles/batch/", batch, format="json"), 400, "invalid")
    assert list(error["fields"]["articles"]) == ["1"]  # errors by position; the first article is fine
    assert "published_at" in error["fields"]["articles"]["1"]
    assert Article.objects.count() == 0


@pytest.mark.parametrize("body", [{}, {"articles": []}, {"articles": "x"}, {"articles": [_article()] * 101}])
def test_batch_shape_errors(api, outlet, body):
    assert "articles" in assert_error(api.post("/api/v1/articles/batch/", body, format="json"), 400)["fields"]


def test_submission_query_count_is_bounded(api, outlet, django_assert_max_num_queries):
    # validation (outlet lookup, 1) + ingest (url, hash, outlet, insert) + auth + permission + savepoints
    with django_assert_max_num_queries(14):
        assert api.post("/api/v1/articles/", _article(), format="json").status_code == 201
    with django_assert_max_num_queries(12):
        assert api.post("/api/v1/articles/", _article(), format="json").status_code == 200
