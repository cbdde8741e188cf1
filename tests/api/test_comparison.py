"""events/<id>/comparison (JSON) and comparison.csv: the same matrix the web page shows."""
import csv
import io

from comparer import exports
from comparer.models import Event
from comparer.selectors import event_comparison
from tests.api.conftest import assert_error

# Auth, the request's savepoints and event_comparison's fixed set of queries (event, claims,
# articles, relations, ...): a constant, whatever the number of outlets, rows and relations.
MAX_QUERIES_COMPARISON = 10


def test_comparison_json_is_the_shared_matrix(api, demo_corpus, django_assert_max_num_queries):
    event = Event.objects.filter(contradict_count__gt=0).first()
    with django_assert_max_num_queries(MAX_QUERIES_COMPARISON):
        response = api.get(f"/api/v1/events/{event.id}/comparison")
    assert response.status_code == 200
    body = response.json()
    assert body == exports.comparison_json(event_comparison(event_id=event.id))
    assert body["event"]["id"] == event.id
    outlet_ids = [outlet["id"] for outlet in body["outlets"]]
    contradicted = [row for row in body["rows"] if row["status"] == "contradict"]
    assert contradicted and contradicted[0]["reasons"]
    for row in body["rows"]:
        assert [cell["outlet_id"] for cell in row["cells"]] == outlet_ids
    relation = contradicted[0]["relations"][0]
    assert relation["label"] == "contradict" and relation["reason"]

    only = api.get(f"/api/v1/events/{event.id}/comparison/", {"only_disagreements": "true"}).json()
    assert only["rows"] and all(row["status"] == "contradict" for row in only["rows"])


def test_comparison_csv_is_the_shared_export(api, demo_corpus, django_assert_max_num_queries):
    event = Event.objects.filter(contradict_count__gt=0).first()
    with django_assert_max_num_queries(MAX_QUERIES_COMPARISON):
        response = api.get(f"/api/v1/events/{event.id}/comparison.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"event-{event.id}-comparison.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text == exports.comparison_csv(event_comparison(event_id=event.id))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {row["event_id"] for row in rows} == {str(event.id)}


def test_unknown_event_is_json_404_even_when_csv_was_asked_for(api, db):
    assert_error(api.get("/api/v1/events/424242/comparison"), 404, "not_found")
    assert_error(api.get("/api/v1/events/424242/comparison.csv", HTTP_ACCEPT="text/csv"), 404, "not_found")
