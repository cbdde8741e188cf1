import pytest
from django.urls import reverse

from comparer.models import Claim
from tests.web.conftest import SEED_CLAIM_START


@pytest.mark.django_db
def test_event_page_requires_login(client, casualty_event):
    response = client.get(reverse("web:event_detail", args=[casualty_event["event"].id]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_unknown_event_is_a_404(researcher_client):
    assert researcher_client.get(reverse("web:event_detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_seed_claim_and_a_contradicting_claim_share_a_row_with_the_reason(researcher_client, exchange_event,
                                                                         django_assert_max_num_queries):
    # 10, one for the Watch button (does the user watch it?), and one for the agreements across
    # languages (the exchange event holds Russian and Ukrainian samples; English-only pages skip it).
    with django_assert_max_num_queries(13):  # 12, and one for the running story's parts
        response = researcher_client.get(reverse("web:event_detail", args=[exchange_event.id]))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    seed = Claim.objects.get(event=exchange_event, text__startswith=SEED_CLAIM_START)
    row = next(row for row in comparison.rows if seed.id in {claim.id for cell in row.cells for claim in cell})
    assert row.status == "contradict"
    # The contradiction shown with the seed: one that involves the seed's claim when the analysis
    # judged that pair directly, otherwise the row's strongest one between two other outlets' claims
    # stating the same proposition (the row merges them because they contradict).
    direct = [r for r in row.contradictions if seed.id in (r.claim_a_id, r.claim_b_id)]
    relation = (direct or row.contradictions)[0]
    other = relation.claim_b if relation.claim_a_id == seed.id else relation.claim_a
    assert other.article.outlet_id != seed.article.outlet_id
    html = response.content.decode()
    row_html = html[html.index(f'id="{row.key}"'):]
    row_html = row_html[:row_html.index("</tr>")]
    assert f'id="claim-{seed.id}"' in row_html and f'id="claim-{other.id}"' in row_html
    assert 'class="badge contradict">contradicts<' in row_html
    assert f'<div class="reason">{relation.get_reason_display()}' in row_html


@pytest.mark.django_db
def test_numeric_mismatch_row_highlights_both_figures_and_names_speaker_and_channel(researcher_client, casualty_event):
    response = researcher_client.get(reverse("web:event_detail", args=[casualty_event["event"].id]))
    html = response.content.decode()
    assert 'numeric mismatch: <mark class="figure">39 armored vehicles</mark> vs <mark class="figure">12 armored vehicles</mark>' in html
    assert 'destroyed <mark class="figure">39 armored vehicles</mark>, TASS reported.' in html
    assert 'Ukraine lost <mark class="figure">12 armored vehicles</mark> in the same period' in html
    assert "the ministry, via TASS" in html


@pytest.mark.django_db
def test_a_contradiction_names_which_claim_contradicts_which(researcher_client, casualty_event):
    """A row can hold several outlets' claims: its reason line quotes the two sentences that
    contradict each other, and each of those cells says which outlet's claim it contradicts."""
    response = researcher_client.get(reverse("web:event_detail", args=[casualty_event["event"].id]))
    html = response.content.decode()
    m_claim, k_claim = casualty_event["m_claim"], casualty_event["k_claim"]
    line = html[html.index('<div class="meta pair">'):]
    line = line[:line.index("</div>")]
    assert f'<a href="#claim-{m_claim.id}">Outlet Moscow</a>: “{m_claim.text}”' in line
    assert '<strong class="versus" aria-label="contradicts">✕</strong>' in line
    assert f'<a href="#claim-{k_claim.id}">Outlet Kyiv</a>: “{k_claim.text}”' in line
    cell = html[html.index(f'id="claim-{m_claim.id}"'):]
    cell = cell[:cell.index('<div class="claim', 10) if '<div class="claim' in cell[10:] else len(cell)]
    assert (f'<div class="meta contradicts"><span class="badge contradict">contradicts</span> '
            f'<a href="#claim-{k_claim.id}">Outlet Kyiv</a></div>') in cell


@pytest.mark.django_db
def test_cells_link_to_claim_article_sentence_and_source(researcher_client, casualty_event):
    claim = casualty_event["m_claim"]
    html = researcher_client.get(reverse("web:event_detail", args=[casualty_event["event"].id])).content.decode()
    assert f'href="/claims/{claim.id}/"' in html
    assert f'href="/articles/{claim.article_id}/#claim-{claim.id}"' in html
    assert f'href="{claim.article.url}#:~:text=The%20ministry%20said%20Russian,vehicles%2C%20TASS%20reported.' in html


@pytest.mark.django_db
def test_syndicated_copy_is_grouped_not_counted_as_confirmation(researcher_client, casualty_event):
    response = researcher_client.get(reverse("web:event_detail", args=[casualty_event["event"].id]))
    comparison = response.context["comparison"]
    row = next(r for r in comparison.rows if casualty_event["w_sites"].id in {c.id for c in sum(r.cells, [])})
    assert row.outlet_count == 3 and row.independent_outlet_count == 2
    wire_column = next(c for c in comparison.outlets if c.outlet == casualty_event["wire"])
    assert wire_column.copies_from == ["Outlet Kyiv"]
    html = response.content.decode()
    assert "republishes Outlet Kyiv" in html and "syndicated copy, not independent" in html
    assert "2 outlets + 1 syndicated copy" in html


@pytest.mark.django_db
def test_only_disagreements_keeps_contradict_rows_only(researcher_client, casualty_event):
    url = reverse("web:event_detail", args=[casualty_event["event"].id])
    everything = researcher_client.get(url).context["comparison"]
    only = researcher_client.get(url + "?only=disagreements")
    assert {r.status for r in everything.rows} >= {"contradict", "agree"}
    assert only.context["comparison"].rows and {r.status for r in only.context["comparison"].rows} == {"contradict"}
    html = only.content.decode()
    assert 'aria-pressed="true"' in html and f"({everything.total_rows} rows in all)" in html


@pytest.mark.django_db
def test_columns_sort_by_first_report_by_default_and_by_name_on_request(researcher_client, casualty_event):
    url = reverse("web:event_detail", args=[casualty_event["event"].id])
    by_time = [c.outlet.name for c in researcher_client.get(url).context["comparison"].outlets]
    by_name = [c.outlet.name for c in researcher_client.get(url + "?columns=name").context["comparison"].outlets]
    assert by_time == ["Outlet Moscow", "Outlet Kyiv", "Outlet Wire"]
    assert by_name == sorted(by_time)
    html = researcher_client.get(url).content.decode()
    assert "first report</strong>" in html
    # an unknown order falls back to the default rather than failing
    assert researcher_client.get(url + "?columns=bogus").status_code == 200


@pytest.mark.django_db
def test_timeline_svg_marks_first_report_and_escapes_titles(researcher_client, casualty_event):
    article = casualty_event["m_article"]
    article.title = 'Strike <script>alert("x")</script>'
    article.save()
    html = researcher_client.get(reverse("web:event_detail", args=[casualty_event["event"].id])).content.decode()
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count("<circle") == 3 and "★" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg


@pytest.mark.django_db
def test_event_page_query_count_does_not_grow_with_the_event(researcher_client, casualty_event, event_builder,
                                                              django_assert_max_num_queries):
    builder = event_builder("Large event")
    outlets = [builder.outlet(f"Outlet {i}") for i in range(6)]
    for index, outlet in enumerate(outlets):
        text = " ".join(f"Sentence {n} from outlet {index} about the exchange." for n in range(8))
        article = builder.article(outlet, f"Report {index}", text, hours=index)
        claims = [builder.claim(article, f"Sentence {n} from outlet {index} about the exchange.", f"c{n}")
                  for n in range(8)]
        if index:
            builder.relate(claims[0], previous, "contradict", "negation")
        previous = claims[0]
    large = builder.finish()
    counts = []
    for event in (casualty_event["event"], large):
        with django_assert_max_num_queries(12) as captured:  # 10, one for the Watch button, one for the story's parts
            response = researcher_client.get(reverse("web:event_detail", args=[event.id]))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
    assert len(response.context["comparison"].outlets) == 6


@pytest.mark.django_db
def test_rows_are_paginated_contradictions_first(researcher_client, event_builder):
    from comparer.web.views import ROWS_PER_PAGE

    builder = event_builder("Many rows")
    one, two = builder.outlet("Outlet One"), builder.outlet("Outlet Two")
    sentences = [f"Statement number {n} about the front." for n in range(ROWS_PER_PAGE + 5)]
    a = builder.article(one, "One", " ".join(sentences), hours=0)
    b = builder.article(two, "Two", " ".join(sentences), hours=1)
    pairs = [(builder.claim(a, s, f"r{n}"), builder.claim(b, s, f"r{n}")) for n, s in enumerate(sentences)]
    builder.relate(*pairs[-1], "contradict", "negation")  # the last proposition is the contested one
    event = builder.finish()
    url = reverse("web:event_detail", args=[event.id])
    first = researcher_client.get(url)
    rows = first.context["comparison"].rows
    assert len(rows) == ROWS_PER_PAGE and rows[0].status == "contradict"
    assert 'href="?rows=2"' in first.content.decode()
    second = researcher_client.get(url + "?rows=2").context["comparison"]
    # 30 propositions plus each article's headline, which is a row of its own
    assert second.row_count == ROWS_PER_PAGE + 5 + 2 and len(second.rows) == 7
    assert researcher_client.get(url + "?rows=99").context["comparison"].row_offset == ROWS_PER_PAGE
    assert researcher_client.get(url + "?rows=abc").status_code == 200


@pytest.mark.django_db
def test_a_stored_unsafe_url_is_never_a_source_link_in_the_comparison(researcher_client, event_builder):
    builder = event_builder("Unsafe link")
    outlet = builder.outlet("Outlet Unsafe")
    other = builder.outlet("Outlet Safe")
    bad = builder.article(outlet, "Exchange postponed", "The exchange was postponed.", url="javascript:alert(1)")
    good = builder.article(other, "Exchange held", "The exchange went ahead.", hours=1)
    one = builder.claim(bad, "The exchange was postponed.", "x")
    two = builder.claim(good, "The exchange went ahead.", "y")
    builder.relate(one, two, "contradict", "antonym")
    event = builder.finish()
    html = researcher_client.get(reverse("web:event_detail", args=[event.id])).content.decode()
    assert "javascript:" not in html
    assert good.url in html
