"""event_comparison: the one place the matrix is computed (web page, API, exports, admin preview)."""
import pytest

from comparer.selectors import event_comparison


@pytest.mark.django_db
def test_comparison_costs_the_same_queries_whatever_the_page(casualty_event, django_assert_num_queries):
    event_id = casualty_event["event"].id
    with django_assert_num_queries(3):
        everything = event_comparison(event_id=event_id)
    with django_assert_num_queries(5):  # event, layout ids, articles, the page's claims, their relations
        page = event_comparison(event_id=event_id, row_limit=1, contradictions_only=True)
    assert page.row_count == everything.row_count == len(everything.rows)
    assert [r.key for r in page.rows] == [everything.rows[0].key]
    for relation in everything.relations:  # claims attached: reading them costs nothing
        with django_assert_num_queries(0):
            assert relation.claim_a.article.outlet.name and relation.claim_b.text


@pytest.mark.django_db
def test_contradiction_merges_two_clusters_into_one_row(casualty_event):
    comparison = event_comparison(event_id=casualty_event["event"].id)
    row = next(r for r in comparison.rows if r.status == "contradict")
    claims = {c for cell in row.cells for c in cell}
    assert {casualty_event["m_claim"], casualty_event["k_claim"], casualty_event["w_claim"]} <= claims
    assert row.figures == {casualty_event["m_claim"].id: ["39 armored vehicles"],
                           casualty_event["k_claim"].id: ["12 armored vehicles"]}
    assert comparison.rows[0] is row  # contradictions first


@pytest.mark.django_db
def test_contradictions_only_leaves_statuses_alone(casualty_event):
    full = event_comparison(event_id=casualty_event["event"].id)
    slim = event_comparison(event_id=casualty_event["event"].id, row_limit=50, contradictions_only=True)
    assert [(r.key, r.status) for r in full.rows] == [(r.key, r.status) for r in slim.rows]
    assert {r.label for r in slim.relations} == {"contradict"}


@pytest.mark.django_db
def test_unknown_column_order_is_refused(casualty_event):
    with pytest.raises(ValueError, match="unknown column order"):
        event_comparison(event_id=casualty_event["event"].id, column_order="alphabet")


@pytest.mark.django_db
def test_timeline_geometry(casualty_event):
    from comparer.web.charts import event_timeline

    timeline = event_timeline(event_comparison(event_id=casualty_event["event"].id))
    assert [lane.name for lane in timeline.lanes] == ["Outlet Moscow", "Outlet Kyiv", "Outlet Wire"]
    first, kyiv, wire = timeline.dots
    assert first.is_first_report and not kyiv.is_first_report
    assert first.x == timeline.plot_left and wire.x == timeline.plot_right and first.x < kyiv.x < wire.x
    assert wire.is_copy and first.in_contradiction and first.claims == 3
