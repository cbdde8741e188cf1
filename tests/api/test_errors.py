"""Every error under /api/ is JSON in one shape: no HTML pages and no tracebacks."""
import logging

from comparer.api import views
from tests.api.conftest import assert_error


def test_unknown_api_url_is_json_404(api, db):
    error = assert_error(api.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert "docs" in error["message"]
    assert_error(api.get("/api/v2/events/"), 404, "not_found")


def test_wrong_method_is_json_405(api, db):
    response = api.delete("/api/v1/events/")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    assert_error(api.put("/api/v1/articles/1/", {}, format="json"), 405)


def test_unhandled_error_is_json_500_without_traceback(api, db, monkeypatch, caplog):
    def broken(self):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views.OutletViewSet, "get_queryset", broken)
    with caplog.at_level(logging.ERROR, logger="comparer.api"):
        response = api.get("/api/v1/outlets/")
    error = assert_error(response, 500, "server_error")
    assert b"secret internal detail" not in response.content and b"Traceback" not in response.content
    assert "secret internal detail" in caplog.text  # the operators still get it


def test_unauthenticated_error_body_names_the_fix(anonymous_api, db):
    error = assert_error(anonymous_api.get("/api/v1/events/"), 401, "not_authenticated")
    assert "credentials" in error["message"].lower()
