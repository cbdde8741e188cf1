"""/api/v1/watches/: partners create, list and delete watches and read their changes; no one else's."""
import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comparer.watches import services
from comparer.watches.models import Watch
from tests.api.conftest import assert_error, fresh_throttle_buckets  # noqa: F401  (autouse: empty rate buckets)

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_create_list_read_changes_and_delete(watcher, story):
    api = client_for(watcher)
    response = api.post("/api/v1/watches/", {"kind": "event", "event": story.event.id}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "event" and body["event"] == story.event.id and body["description"].startswith("Event:")
    assert response["Location"].rstrip("/") == f"/api/v1/watches/{body['id']}"
    again = api.post("/api/v1/watches/", {"kind": "event", "event": story.event.id}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]

    search = api.post("/api/v1/watches/", {"kind": "search", "query": "bodies", "filter_outlet": story.kyiv.id},
                      format="json")
    assert search.status_code == 201 and search.json()["filters"]["outlet"] == story.kyiv.id

    listed = api.get("/api/v1/watches/").json()
    assert {w["id"] for w in listed["results"]} == {body["id"], search.json()["id"]}

    mismatch = story.figure_mismatch()
    changes = api.get("/api/v1/watches/changes/").json()["results"]
    assert {c["watch"] for c in changes} == {body["id"], search.json()["id"]}
    change = next(c for c in changes if c["watch"] == body["id"])
    assert change["kind"] == "figure_mismatch" and change["reason"] == "numeric_mismatch"
    assert change["relation"] == mismatch.id and change["figures"] == ["6,000 bodies", "1,212 bodies"]
    assert change["claim_a"]["outlet"] and change["claim_b"]["text"]
    assert change["event"] == {"id": story.event.id, "title": story.event.title}
    assert change["link"].endswith(f"/events/{story.event.id}/?only=disagreements#claim-{mismatch.claim_a_id}")
    one = api.get(body["changes_url"]).json()["results"]
    assert [c["id"] for c in one] == [change["id"]]

    assert api.delete(f"/api/v1/watches/{body['id']}/").status_code == 204
    assert not Watch.objects.filter(id=body["id"]).exists()


@pytest.mark.parametrize("payload, field", [
    ({"kind": "event"}, "non_field_errors"),
    ({"kind": "event", "event": "12"}, "event"),
    ({"kind": "event", "event": 10**17}, "event"),
    ({"kind": "outlet_pair", "outlet_a": 10**6}, "outlet_a"),
    ({"kind": "search", "query": 5}, "query"),
    ({"kind": "search", "query": "a\x00b"}, "query"),
    ({"kind": "search", "query": "x", "search_mode": "fuzzy"}, "search_mode"),
    ({"kind": "moon"}, "kind"),
])
def test_an_invalid_watch_is_a_400_in_the_api_error_shape(watcher, payload, field):
    assert not Watch.objects.exists()
    error = assert_error(client_for(watcher).post("/api/v1/watches/", payload, format="json"), 400, "invalid")
    assert field in error["fields"]
    assert not Watch.objects.exists()


def test_one_outlet_twice_is_refused_with_the_reason(watcher, story):
    error = assert_error(client_for(watcher).post("/api/v1/watches/", {
        "kind": "outlet_pair", "outlet_a": story.kyiv.id, "outlet_b": story.kyiv.id}, format="json"), 400, "invalid")
    assert error["fields"] == {"non_field_errors": ["Pick two different outlets."]}


def test_no_partner_reads_or_deletes_another_partners_watches(watcher, other_researcher, story):
    theirs, _ = services.watch_create(user=other_researcher, kind="event", event=story.event)
    story.figure_mismatch()
    api = client_for(watcher)
    assert api.get("/api/v1/watches/").json()["results"] == []
    assert api.get("/api/v1/watches/changes/").json()["results"] == []
    assert_error(api.get(f"/api/v1/watches/{theirs.id}/"), 404, "not_found")
    assert_error(api.get(f"/api/v1/watches/{theirs.id}/changes/"), 404, "not_found")
    assert_error(api.delete(f"/api/v1/watches/{theirs.id}/"), 404, "not_found")
    assert Watch.objects.filter(id=theirs.id).exists()


def test_the_watches_api_needs_a_token(story):
    assert_error(APIClient().get("/api/v1/watches/"), 401)
    assert_error(APIClient().post("/api/v1/watches/", {"kind": "event", "event": story.event.id}, format="json"), 401)


def test_the_openapi_schema_documents_the_watch_endpoints(watcher):
    schema = client_for(watcher).get(reverse("api:schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/watches/"])
    assert {"get", "delete"} <= set(paths["/api/v1/watches/{id}/"])
    assert "get" in paths["/api/v1/watches/changes/"] and "get" in paths["/api/v1/watches/{id}/changes/"]
    created = paths["/api/v1/watches/"]["post"]["responses"]
    assert {"200", "201", "400", "401"} <= set(created)
    change = schema["components"]["schemas"]["WatchChange"]["properties"]
    assert {"kind", "claim_a", "claim_b", "reason", "figures", "link"} <= set(change)
