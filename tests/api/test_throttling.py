"""Per-token rate limits by scope: 429 with Retry-After, in the one error shape."""
import pytest

from tests.api.conftest import assert_error


@pytest.fixture
def tight_rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "read": "3/min", "search": "1/min", "submit": "2/min", "export": "1/min"}}


def test_fourth_read_in_a_minute_is_429_with_retry_after(api, db, tight_rates):
    for _ in range(3):
        assert api.get("/api/v1/outlets/").status_code == 200
    response = api.get("/api/v1/events/")  # the bucket is per scope, not per URL
    error = assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert "available in" in error["message"]


def test_each_token_has_its_own_bucket(api, reader_api, db, tight_rates):
    for _ in range(3):
        api.get("/api/v1/outlets/")
    assert api.get("/api/v1/outlets/").status_code == 429
    assert reader_api.get("/api/v1/outlets/").status_code == 200


def test_scopes_are_separate(api, db, tight_rates):
    assert api.get("/api/v1/search/", {"q": "x"}).status_code == 200
    assert_error(api.get("/api/v1/search/", {"q": "x"}), 429)
    assert api.get("/api/v1/outlets/").status_code == 200
    for _ in range(2):
        api.post("/api/v1/articles/", {}, format="json")
    assert_error(api.post("/api/v1/articles/", {}, format="json"), 429)
