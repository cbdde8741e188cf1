"""What the demo must show: the POW-exchange contradiction and the casualty-figure mismatch."""
import pytest

from comparer.models import Claim, ClaimRelation
from comparer.selectors import event_comparison


@pytest.mark.django_db
def test_pow_exchange_no_show_and_postponement_sit_in_one_row_as_a_contradiction(demo_corpus):
    no_show = Claim.objects.get(article__outlet__name="Al Mayadeen English",
                                text__startswith="Ukraine did not show up at the agreed-upon location")
    postponed = Claim.objects.filter(article__outlet__name__startswith="Sample Outlet A",
                                     text__icontains="postponed until next week")
    assert postponed.exists()
    relations = ClaimRelation.objects.filter(label="contradict").filter(
        claim_a__in=[no_show, *postponed], claim_b__in=[no_show, *postponed])
    assert relations.exists(), "no contradict relation between the seed's no-show and Kyiv's postponement"
    relation = relations.order_by("-score").first()
    # Different fates of one exchange: a no-show against a postponement.
    assert relation.reason == "antonym" and set(relation.details["outcomes"]) == {"no-show", "postponed"}
    comparison = event_comparison(event_id=no_show.event_id)
    row = next(row for row in comparison.rows if no_show.id in {c.id for cell in row.cells for c in cell})
    in_row = {c.id for cell in row.cells for c in cell}
    assert in_row & {c.id for c in postponed}
    assert row.status == "contradict"


@pytest.mark.django_db
def test_casualty_figures_show_as_numeric_mismatch_with_both_values(demo_corpus):
    mismatches = ClaimRelation.objects.filter(reason="numeric_mismatch", label="contradict")
    figures = [{r.details["a"]["value"], r.details["b"]["value"]} for r in mismatches]
    assert {3435, 600} in figures
    relation = next(r for r in mismatches if {r.details["a"]["value"], r.details["b"]["value"]} == {3435, 600})
    # Both figures in one frame: soldiers killed.
    assert relation.details["a"]["frame"]["counted"] == relation.details["b"]["frame"]["counted"] == "soldiers"
    assert relation.details["a"]["frame"]["fate"] == "killed"
    assert {relation.details["a"]["outlet"], relation.details["b"]["outlet"]} >= {"Sample Outlet A (Kyiv)"}
    # Figures that cannot both be true decide whatever the model reads, so it was not asked.
    assert all("nli" not in r.details for r in mismatches)


@pytest.mark.django_db
def test_a_stored_reading_says_whether_the_model_read_the_pair_both_ways(demo_corpus):
    readings = [r.details["nli"] for r in ClaimRelation.objects.all() if "nli" in r.details]
    assert readings
    for reading in readings:
        if reading.get("read") == "a_to_b":
            assert set(reading) == {"entails_ab", "contradiction_ab", "read"}
        else:
            assert set(reading) == {"entails_ab", "entails_ba", "contradiction"}


@pytest.mark.django_db
def test_seed_quote_attribution_is_stored(demo_corpus):
    awaiting = Claim.objects.get(article__outlet__name="Al Mayadeen English",
                                 text__startswith="We are awaiting official communications")
    assert awaiting.speaker_normalized == "Alexander Zorin" and awaiting.channel_normalized == "TASS"


@pytest.mark.django_db
def test_the_regions_background_description_does_not_contradict_the_denial_of_entry(demo_corpus):
    background = Claim.objects.get(text__startswith="The Dnipropetrovsk region is a major mining and industrial centre")
    denials = list(Claim.objects.filter(text__contains="denied that Russian forces had entered the Dnipropetrovsk"))
    assert len(denials) >= 2
    assert not ClaimRelation.objects.filter(label="contradict").filter(
        claim_a__in=[background, *denials], claim_b__in=[background, *denials]).exists()


@pytest.mark.django_db
def test_no_relation_in_the_demo_reads_incompatible_accounts_of_the_exchange_as_agreement(demo_corpus):
    from comparer.pipeline.relate.outcomes import incompatible_outcomes

    for relation in ClaimRelation.objects.exclude(label="contradict").select_related("claim_a", "claim_b"):
        assert incompatible_outcomes(relation.claim_a.text, relation.claim_b.text) is None, (
            relation.label, relation.claim_a.text, relation.claim_b.text)


@pytest.mark.django_db
def test_reports_of_the_dispute_agree_with_no_sides_account(demo_corpus):
    reports = Claim.objects.filter(text__regex=r"conflicting accounts|trade accusations")
    assert reports.count() >= 2
    agreeing = ClaimRelation.objects.filter(label="agree").filter(claim_a__in=reports).exclude(claim_b__in=reports)
    agreeing = agreeing.union(ClaimRelation.objects.filter(label="agree", claim_b__in=reports)
                              .exclude(claim_a__in=reports))
    assert not agreeing.exists(), [(r.claim_a.text, r.claim_b.text) for r in agreeing]


@pytest.mark.django_db
def test_no_agreement_between_different_propositions_the_models_read_as_one(demo_corpus):
    def agreeing(a, b):
        return ClaimRelation.objects.filter(label="agree").filter(
            claim_a__in=[*a, *b], claim_b__in=[*a, *b]).exclude(claim_a__in=b, claim_b__in=b).exclude(
            claim_a__in=a, claim_b__in=a)

    # The region's background description beside the advance it is the setting of.
    background = Claim.objects.filter(text__startswith="The Dnipropetrovsk region is a major mining")
    advances = Claim.objects.filter(text__regex=r"advanc|push(ed|ing)? (on |further )?into").exclude(
        text__startswith="The Dnipropetrovsk region")
    assert background.exists() and advances.count() >= 4
    assert not agreeing(background, advances).exists()
    # Rival explanations of the failed exchange: a no-show against mismatched lists.
    no_shows = Claim.objects.filter(text__regex=r"did not show up|fails to show up")
    lists = Claim.objects.filter(text__contains="did not match")
    assert no_shows.exists() and lists.exists()
    assert not agreeing(no_shows, lists).exists()
    # The same war, different happenings: an advance and the week's missile strike.
    strike = Claim.objects.filter(text__startswith="Russia launched a massive missile and drone strike")
    assert strike.exists()
    assert not agreeing(strike, Claim.objects.filter(text__startswith="Russia advances")).exists()
