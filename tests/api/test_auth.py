"""No anonymous access; tokens authenticate, revoked tokens stop working; submitting needs a grant."""
import pytest
from rest_framework.test import APIClient

from tests.api.conftest import assert_error

DATA_ENDPOINTS = ["/api/v1/outlets/", "/api/v1/articles/", "/api/v1/events/", "/api/v1/claims/",
                  "/api/v1/relations/", "/api/v1/search/?q=ceasefire", "/api/v1/outlets/1/", "/api/v1/articles/1/",
                  "/api/v1/events/1/", "/api/v1/events/1/comparison/", "/api/v1/events/1/comparison.csv",
                  "/api/v1/claims/1/", "/api/v1/relations/1/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", DATA_ENDPOINTS)
def test_anonymous_requests_get_401_json(anonymous_api, url):
    response = anonymous_api.get(url)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/articles/", "/api/v1/articles/batch/"])
def test_anonymous_submission_gets_401(anonymous_api, url):
    assert_error(anonymous_api.post(url, {"outlet": "x", "text": "y" * 40}, format="json"), 401)


def test_unknown_token_gets_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert_error(client.get("/api/v1/events/"), 401, "authentication_failed")


def test_revoked_token_stops_working(api, partner):
    assert api.get("/api/v1/outlets/").status_code == 200
    partner[1].delete()  # what "revoke" in the admin does
    assert_error(api.get("/api/v1/outlets/"), 401, "authentication_failed")


def test_inactive_partner_gets_401(api, partner):
    user = partner[0]
    user.is_active = False
    user.save()
    assert_error(api.get("/api/v1/outlets/"), 401)


def test_read_only_token_cannot_submit(reader_api):
    response = reader_api.post("/api/v1/articles/", {"outlet": "Anything", "text": "x" * 50}, format="json")
    error = assert_error(response, 403, "permission_denied")
    assert "permission" in error["message"]
    assert reader_api.get("/api/v1/articles/").status_code == 200


def test_web_session_works_for_reading_and_needs_csrf_for_writing(client, partner):
    client.force_login(partner[0])
    assert client.get("/api/v1/outlets/").status_code == 200
    csrf_client = APIClient(enforce_csrf_checks=True)
    csrf_client.force_login(partner[0])
    response = csrf_client.post("/api/v1/articles/", {"outlet": "x", "text": "y" * 40}, format="json")
    error = assert_error(response, 403, "permission_denied")
    assert "CSRF" in error["message"]


def test_schema_and_docs_are_public(db, anonymous_api):
    assert anonymous_api.get("/api/v1/schema/").status_code == 200
    assert anonymous_api.get("/api/v1/docs/").status_code == 200
