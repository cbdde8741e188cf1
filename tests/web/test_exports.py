import csv
import io
import json

import pytest

from comparer.exports import CSV_COLUMNS, comparison_csv, comparison_json, comparison_rows_for_export
from comparer.models import Claim, Event
from comparer.selectors import event_comparison


def _exchange_event():
    return Event.objects.filter(articles__title__icontains="fails to show up").distinct().get()


@pytest.mark.django_db
def test_json_export_has_aligned_cells_and_a_contradiction_with_reason(demo_corpus):
    comparison = event_comparison(event_id=_exchange_event().id)
    data = comparison_json(comparison)
    json.dumps(data)  # must be serialisable as is
    outlet_ids = [o["id"] for o in data["outlets"]]
    assert len(outlet_ids) >= 2
    for row in data["rows"]:
        assert [cell["outlet_id"] for cell in row["cells"]] == outlet_ids
    contradict_rows = [r for r in data["rows"] if r["status"] == "contradict"]
    assert contradict_rows
    relation = contradict_rows[0]["relations"][0]
    assert relation["label"] == "contradict" and relation["reason"] and 0 <= relation["score"] <= 1
    claim = next(c for cell in contradict_rows[0]["cells"] for c in cell["claims"])
    assert set(claim) >= {"claim_id", "text", "speaker", "channel", "article_url"}


@pytest.mark.django_db
def test_csv_export_round_trips_every_claim_cell(demo_corpus):
    comparison = event_comparison(event_id=_exchange_event().id)
    text = comparison_csv(comparison)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert list(parsed[0].keys()) == CSV_COLUMNS
    records = comparison_rows_for_export(comparison)
    assert len(parsed) == len(records) == sum(len(cell) for row in comparison.rows for cell in row.cells)
    assert {int(r["claim_id"]) for r in parsed} == {c.id for row in comparison.rows for cell in row.cells for c in cell}
    assert any(r["row_status"] == "contradict" and r["row_reasons"] for r in parsed)


@pytest.mark.django_db
def test_csv_export_neutralises_spreadsheet_formulas(demo_corpus):
    comparison = event_comparison(event_id=_exchange_event().id)
    claim = comparison.rows[0].cells[next(i for i, cell in enumerate(comparison.rows[0].cells) if cell)][0]
    claim.text = '=HYPERLINK("http://evil.example","x")'
    parsed = list(csv.DictReader(io.StringIO(comparison_csv(comparison))))
    row = next(r for r in parsed if int(r["claim_id"]) == claim.id)
    assert row["claim_text"].startswith("'=")
    assert Claim.objects.get(id=claim.id).text != claim.text  # nothing was written back


@pytest.mark.django_db
def test_csv_and_json_downloads_from_the_event_page(researcher_client, casualty_event):
    from django.urls import reverse

    event = casualty_event["event"]
    response = researcher_client.get(reverse("web:event_comparison_csv", args=[event.id]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.id}-strike-on-military-industry.csv"'
    parsed = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {int(r["claim_id"]) for r in parsed} >= {casualty_event["m_claim"].id, casualty_event["k_claim"].id}
    mismatch_row = next(r for r in parsed if int(r["claim_id"]) == casualty_event["m_claim"].id)
    assert mismatch_row["row_reasons"] == "numeric mismatch: 39 armored vehicles vs 12 armored vehicles"
    data = researcher_client.get(reverse("web:event_comparison_json", args=[event.id]) + "?only=disagreements").json()
    assert [row["status"] for row in data["rows"]] == ["contradict"]
    assert data["rows"][0]["relations"][0]["details"]["unit"] == "armored vehicles"


@pytest.mark.django_db
def test_exports_require_login(client, casualty_event):
    from django.urls import reverse

    for name in ("web:event_comparison_csv", "web:event_comparison_json"):
        assert client.get(reverse(name, args=[casualty_event["event"].id])).status_code == 302
