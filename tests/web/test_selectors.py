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
def test_a_row_pairs_a_cluster_with_its_strongest_contradiction_and_never_chains(event_builder):
    """A is contradicted by B (two outlets' claims) and, less strongly, by C; D contradicts C. Joining
    every connected cluster would make one row of all four; each row holds one pair instead."""
    builder = event_builder("Chained contradictions")
    outlets = [builder.outlet(f"Chain outlet {n}") for n in range(5)]
    claims = {}
    for n, (name, sentence) in enumerate([("a1", "The convoy arrived on Monday."), ("a2", "The convoy arrived on Monday."),
                                          ("b1", "The convoy never arrived."), ("b2", "The convoy never arrived."),
                                          ("c1", "The convoy arrived on Tuesday."), ("d1", "No convoy was sent.")]):
        article = builder.article(outlets[n % 5], f"Report {name}", sentence, hours=n)
        claims[name] = builder.claim(article, sentence, cluster=name[0])
    for a, b, score in (("a1", "b1", 0.9), ("a2", "b2", 0.9), ("a1", "c1", 0.95), ("c1", "d1", 0.7)):
        builder.relate(claims[a], claims[b], "contradict", "negation", score)
    comparison = event_comparison(event_id=builder.finish().id)

    def row_of(name):
        return next(row for row in comparison.rows if claims[name].id in {c.id for cell in row.cells for c in cell})

    assert row_of("a1") is row_of("b1") is row_of("a2") is row_of("b2")
    assert row_of("c1") is row_of("d1") is not row_of("a1")
    assert [row.status for row in comparison.rows[:2]] == ["contradict", "contradict"]
    assert all(len(row.cluster_ids) <= 2 for row in comparison.rows)


@pytest.mark.django_db
def test_pow_exchange_rows_hold_one_proposition_and_its_contradiction(exchange_event):
    from comparer.models import Claim
    from tests.web.conftest import SEED_CLAIM_START

    comparison = event_comparison(event_id=exchange_event.id)
    seed = Claim.objects.get(event=exchange_event, text__startswith=SEED_CLAIM_START)
    row = next(row for row in comparison.rows if seed.id in {c.id for cell in row.cells for c in cell})
    postponed = {c.id for c in Claim.objects.filter(event=exchange_event, text__icontains="postponed until next week",
                                                    article__outlet__name__startswith="Sample Outlet A")}
    assert row.status == "contradict" and postponed & {c.id for cell in row.cells for c in cell}
    assert row.distinct_contradictions
    assert all(len(r.cluster_ids) <= 2 for r in comparison.rows)


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
