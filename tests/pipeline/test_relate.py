import numpy as np
import pytest

from comparer.models import Claim
from comparer.pipeline.claims import extract_claims
from comparer.pipeline.relate import judge, numeric_mismatch, rule_based_judge
from comparer.relations_model.pairs import LABELS


def _claim(text):
    draft = extract_claims(title="", text=text)[0]
    return Claim(text=draft.text, numbers=draft.numbers, speaker=draft.speaker,
                 speaker_normalized=draft.speaker_normalized, position=1, char_start=0, char_end=len(text))


def _proba(**values):
    return np.array([values.get(label, 0.0) for label in LABELS])


def test_numeric_mismatch_is_first_class_with_both_figures():
    moscow = _claim("Ukrainian forces lost more than 3,435 troops killed over the past week, according to the "
                    "Defense Ministry.")
    kyiv = _claim("Fewer than 600 Ukrainian soldiers were killed over that period, the General Staff said.")
    verdict = judge(moscow, kyiv, similarity=0.7, proba=_proba(agree=0.9, contradict=0.1))
    assert verdict.label == "contradict" and verdict.reason == "numeric_mismatch"
    assert verdict.details["a"] == {"value": 3435, "text": "more than 3,435 troops", "outlet": ""}
    assert verdict.details["b"]["value"] == 600 and verdict.details["unit"] == "soldiers"


def test_compatible_figures_are_not_a_mismatch():
    a = _claim("Moscow said Ukrainian forces had lost more than 3,435 troops killed.")
    b = _claim("Ukrainian forces suffered heavy losses, with over 3,435 troops killed.")
    assert numeric_mismatch(a.numbers, b.numbers) is None


def test_plain_negation_takes_precedence_over_the_model():
    a = _claim("Russian forces entered the Dnipropetrovsk region on Sunday.")
    b = _claim("Russian forces did not enter the Dnipropetrovsk region on Sunday.")
    verdict = judge(a, b, similarity=0.9, proba=_proba(agree=0.8, contradict=0.2))
    assert verdict.label == "contradict" and verdict.reason == "negation"


def test_model_contradiction_names_the_attribution_conflict():
    a = _claim("Ukraine failed to appear at the agreed location, Russian officials said.")
    b = _claim("The exchange was postponed until next week by both delegations, Ukrainian officials said.")
    verdict = judge(a, b, similarity=0.6, proba=_proba(contradict=0.7, agree=0.2, discusses=0.1))
    assert verdict.label == "contradict" and verdict.reason == "attribution_conflict"
    assert verdict.details["speakers"] == ["Russian officials", "Ukrainian officials"]
    # Caught before the model: a no-show and a postponement are incompatible accounts.
    assert verdict.details["accounts"] == ["no-show", "postponed"]


def test_model_unrelated_and_dissimilar_pairs_are_not_stored():
    a = _claim("Talks in Istanbul have produced no ceasefire.")
    b = _claim("Military experts in Berlin cautioned about the advance.")
    assert judge(a, b, similarity=0.3).label == "unrelated"
    assert judge(a, b, similarity=0.6, proba=_proba(unrelated=0.8, agree=0.2)).label == "unrelated"


def test_rule_based_fallback_without_model():
    a = _claim("The prisoner exchange was held on Saturday.")
    b = _claim("The prisoner exchange was postponed until next week.")
    assert rule_based_judge(a, b, similarity=0.7).reason == "antonym"


def test_matching_figures_of_a_kind_are_not_played_against_other_figures():
    a = _claim("The ministry said Russian forces destroyed 39 armored vehicles, including five US-made M113 armored "
               "personnel carriers.")
    b = _claim("Ukrainian forces lost 39 armored vehicles destroyed, including a Bradley IFV and five US-made M113 APCs.")
    assert numeric_mismatch(a.numbers, b.numbers) is None


def test_same_polarity_paraphrases_are_not_contradictions():
    a = _claim("Ukraine fails to show up for agreed prisoner and body exchange")
    b = _claim("Ukraine did not show up at the agreed-upon location for the POW and body exchange.")
    verdict = judge(a, b, similarity=0.8, proba=_proba(contradict=0.6, agree=0.3, discusses=0.1))
    assert verdict.label == "agree" and verdict.details["contradiction_overruled"]
    weak = judge(a, b, similarity=0.6, proba=_proba(contradict=0.45, discusses=0.42, agree=0.13))
    assert weak.label == "discusses"


def test_the_same_account_of_a_happening_is_no_contradiction():
    # Seed wording: both say Ukraine did not show up; the model's reading must not stand.
    a = _claim("Russian officials said Ukraine did not show up at the agreed location on Saturday.")
    b = _claim("Ukraine fails to show up at prisoner, body exchange")
    verdict = judge(a, b, similarity=0.7, proba=_proba(contradict=0.57, agree=0.3, discusses=0.13))
    assert verdict.label == "agree" and verdict.details["contradiction_overruled"]
    # Scored given that it is no contradiction: 0.3 / (0.3 + 0.13), not a weak-looking 0.3.
    assert verdict.score == pytest.approx(0.3 / 0.43)
    # Incompatible accounts are still a contradiction, by the rule, whatever the model says.
    postponed = _claim("Ukrainian officials said the exchange has been postponed until next week.")
    verdict = judge(a, postponed, similarity=0.7, proba=_proba(agree=0.6, discusses=0.4))
    assert verdict.label == "contradict" and verdict.details["accounts"] == ["no-show", "postponed"]
    assert verdict.reason == "attribution_conflict"  # Russian against Ukrainian officials


def test_two_denials_of_different_claims_take_the_same_side():
    casualties = _claim("The General Staff also rejected Moscow's claim that 3,435 Ukrainian soldiers were killed "
                        "during the past week.")
    entry = _claim("Ukraine's military denied that Russian forces had entered the Dnipropetrovsk region.")
    verdict = judge(casualties, entry, similarity=0.6, proba=_proba(contradict=0.81, agree=0.1, discusses=0.09))
    assert verdict.label != "contradict" and verdict.details["contradiction_overruled"]
    # Read without the contradiction, the pair is certainly related: not a weak-looking 0.19.
    assert verdict.label == "discusses" and verdict.score == pytest.approx(1.0)
    assert verdict.details["probabilities"]["contradict"] == 0.81
    # A denial against the claim it denies stands.
    claim = _claim("Russian troops push into Dnipropetrovsk region for the first time")
    verdict = judge(claim, entry, similarity=0.7, proba=_proba(contradict=0.9, discusses=0.1))
    assert verdict.label == "contradict"
    # Denials of the same thing share the denied content: this rule stays out of it.
    from comparer.pipeline.relate import _deny_different_things

    assert _deny_different_things(casualties.text, entry.text)
    assert not _deny_different_things("Kyiv denies reports that Russian forces entered the Dnipropetrovsk region.",
                                      entry.text)
    assert not _deny_different_things(claim.text, entry.text)  # only one side denies


def test_a_description_of_a_place_is_unrelated_to_a_denial_of_an_entry_into_it():
    # Demo wording: the background sentence shares the place with the denial, and the model read the
    # pair as a contradiction (0.96, 0.61, 0.56 against the three denials).
    background = _claim("The Dnipropetrovsk region is a major mining and industrial centre for Ukraine.")
    denials = [_claim("Ukraine's military denied that Russian forces had entered the Dnipropetrovsk region."),
               _claim("Ukraine's General Staff on Sunday denied that Russian forces had entered the Dnipropetrovsk "
                      "region."),
               _claim("General Staff denies Russian entry into Dnipropetrovsk region, disputes loss figures")]
    for denial, contradict in zip(denials, (0.958, 0.609, 0.558)):
        proba = _proba(contradict=contradict, agree=(1 - contradict) * 0.6, discusses=(1 - contradict) * 0.4)
        for first, second in ((background, denial), (denial, background)):
            verdict = judge(first, second, similarity=0.62, proba=proba)
            assert verdict.label == "unrelated" and verdict.details["description_beside_denial"]
    # The claims the denial is about still contradict it.
    for text in ("Russian troops push into Dnipropetrovsk region for the first time",
                 "Russia's Defense Ministry claimed earlier in the day that a tank division had advanced beyond the "
                 "western edge of the Donetsk region into Dnipropetrovsk."):
        verdict = judge(_claim(text), denials[0], similarity=0.7, proba=_proba(contradict=0.85, discusses=0.15))
        assert verdict.label == "contradict"


def test_only_an_unattributed_description_that_names_nothing_denied_is_set_aside():
    from comparer.pipeline.relate import _description_beside_denial

    denial = "Ukraine's military denied that Russian forces had entered the Dnipropetrovsk region."
    assert _description_beside_denial("Pokrovsk is a key logistics hub.", denial)
    # A description whose predicate names what is denied is left to the model.
    assert not _description_beside_denial("The Dnipropetrovsk region is a crucial mining and industrial center for "
                                          "Ukraine, and further Russian advances into the area could severely "
                                          "impact Kiev's already strained military and economy.", denial)
    assert not _description_beside_denial("The village is a Russian stronghold.", denial)
    # A copula inside someone's claim, a negated or hedged one, or a headline's verbs: not a description.
    for text in ("Analysts say the region is a vital hub.",
                 "Officials said Pokrovsk is a major mining centre.",
                 "Pokrovsk is not a major mining centre.",
                 "Pokrovsk is reportedly a major mining centre.",
                 "Banksy Arrested Real Identity Revealed Is The Same Hoax From Last Year"):
        assert not _description_beside_denial(text, denial), text
    # Without a denial on the other side the rule does not apply.
    assert not _description_beside_denial("Pokrovsk is a key logistics hub.",
                                          "Russian forces did not enter the Dnipropetrovsk region.")


def test_a_denial_contradicts_the_sentence_that_asserts_what_it_denies():
    # Demo pairs the models read as agreement (0.58-0.67) or discussion.
    denial = _claim("Ukraine's General Staff on Sunday denied that Russian forces had entered the Dnipropetrovsk "
                    "region.")
    for text, similarity, proba in (
            ("Russian forces have advanced into Ukraine's Dnipropetrovsk region for the first time since the start "
             "of the offensive, the Russian Defense Ministry said on Sunday.", 0.69,
             _proba(agree=0.672, discusses=0.252, contradict=0.075)),
            ("Russia's Defense Ministry said on Sunday that its forces had advanced into Ukraine's Dnipropetrovsk "
             "region for the first time in the war.", 0.68, _proba(agree=0.584, discusses=0.367, contradict=0.049))):
        verdict = judge(_claim(text), denial, similarity=similarity, proba=proba)
        assert verdict.label == "contradict" and verdict.details["denial"], text
        assert verdict.reason == "attribution_conflict"


def test_a_denial_is_not_played_against_what_it_does_not_deny():
    from comparer.pipeline.relate import denial_of_assertion

    denial = "Ukraine's military denied that Russian forces had entered the Dnipropetrovsk region."
    # Shares the place only (2 of the 5 denied words): left to the model.
    assert not denial_of_assertion("The Dnipropetrovsk region is a major mining and industrial centre for Ukraine.",
                                   denial)
    # A supposition, a negation, another denial or a sentence reporting the dispute is not an assertion.
    assert not denial_of_assertion("If Russian forces entered the Dnipropetrovsk region, it would be a first.", denial)
    assert not denial_of_assertion("Russian forces have not entered the Dnipropetrovsk region.", denial)
    assert not denial_of_assertion("Kyiv denies reports that Russian forces entered the Dnipropetrovsk region.", denial)
    assert not denial_of_assertion("Moscow said Russian forces had entered the Dnipropetrovsk region, which Kyiv "
                                   "disputes.", denial)
    # What the speaker asserts after the denial is not denied: both say the exchange was postponed.
    assert not denial_of_assertion("Ukrainian officials denied that Kyiv had failed to appear and said the exchange "
                                   "was postponed until next week.",
                                   "Kyiv says prisoner and body exchange postponed until next week")
    # "Refuses to confirm or deny" denies nothing (Emergent training headline).
    assert not denial_of_assertion("Morin refuses to confirm or deny report that Apple is buying Path",
                                   "Apple is buying Path")
    assert denial_of_assertion("North Korea denies plans to open a restaurant in Scotland",
                               "North Korea plans to open a restaurant in Scotland")


def test_a_report_of_the_dispute_discusses_each_sides_account():
    # Demo pairs the models read as agreement (0.44-0.88).
    dispute = _claim("Russia and Ukraine on Sunday gave conflicting accounts of why a planned exchange of prisoners "
                     "of war and soldiers' bodies did not go ahead.")
    no_show = _claim("Ukraine did not show up at the agreed-upon location for the POW and body exchange agreement "
                     "with Russia, which both sides reached during the latest round of talks in Istanbul.")
    verdict = judge(dispute, no_show, similarity=0.7, proba=_proba(agree=0.81, discusses=0.15, contradict=0.04))
    assert verdict.label == "discusses" and verdict.details["dispute_reported"]
    accusations = _claim("Russia and Ukraine trade accusations over delayed prisoner and body exchange")
    verdict = judge(_claim("Ukraine fails to show up at prisoner, body exchange"), accusations, similarity=0.7,
                    proba=_proba(agree=0.51, contradict=0.3, discusses=0.19))
    # The agreement's weight goes to discusses: the pair stays as surely related as the models read it.
    assert verdict.label == "discusses" and verdict.score == pytest.approx(0.51 + 0.19)
    # Two reports of the dispute agree with each other.
    other_report = _claim("Russia and Ukraine on Sunday offered conflicting accounts of why a planned exchange of "
                          "prisoners of war did not go ahead.")
    assert judge(dispute, other_report, similarity=0.9, proba=_proba(agree=0.9, discusses=0.1)).label == "agree"
    # Unrelated stays unrelated, and accusing one side is not reporting a dispute.
    assert judge(dispute, no_show, similarity=0.7, proba=_proba(unrelated=0.6, agree=0.4)).label == "unrelated"
    accused = _claim("Russian officials accused Kyiv of lying and said Ukraine did not show up.")
    assert judge(accused, no_show, similarity=0.7, proba=_proba(agree=0.7, discusses=0.3)).label == "agree"


def test_no_show_and_postponement_are_incompatible_accounts():
    from comparer.pipeline.relate import happening_statuses, status_conflict

    no_show = ("Ukraine did not show up at the agreed-upon location for the POW and body exchange agreement "
               "with Russia.")
    postponed = "Officials said the prisoner and body exchange agreed with Russia has been postponed until next week."
    assert happening_statuses(no_show) == {"no-show"}
    assert happening_statuses(postponed) == {"postponed"}
    assert status_conflict(no_show, postponed, similarity=0.6) == {"accounts": ["no-show", "postponed"]}
    verdict = judge(_claim(no_show), _claim(postponed), similarity=0.6, proba=_proba(discusses=0.6, agree=0.4))
    assert verdict.label == "contradict" and verdict.reason == "antonym"
    assert verdict.details == {"accounts": ["no-show", "postponed"]}


def test_a_denied_no_show_is_an_appearance_and_compatible_accounts_do_not_conflict():
    from comparer.pipeline.relate import happening_statuses, status_conflict

    denial = "Kyiv denied Russian claims that it had failed to appear at the agreed location."
    assert happening_statuses(denial) == {"appeared"}
    assert status_conflict("Ukraine did not show up at the agreed location.", denial, 0.6) == {
        "accounts": ["no-show", "appeared"]}
    # Both say "postponed"; that one also denies a no-show does not set them against each other.
    assert status_conflict("Kyiv says the exchange was postponed until next week.",
                           "Officials denied that Kyiv had failed to appear and said the exchange was postponed.",
                           0.8) is None
    assert status_conflict("Ukraine did not show up for the exchange.", "Sides trade accusations over delayed exchange.",
                           0.8) is None
    # "did not take place" is what a postponement means: both can be true.
    assert status_conflict("The exchange did not take place on Saturday.", "The exchange was postponed.", 0.8) is None
    # Different happenings (no shared content word) are never played against each other.
    assert status_conflict("Ukraine did not show up.", "The summit was postponed.", 0.8) is None
    assert status_conflict("Ukraine did not show up at the exchange.", "The exchange was postponed.", 0.4) is None


def test_a_meeting_not_missed_is_an_appearance():
    from comparer.pipeline.relate import happening_statuses

    assert happening_statuses('"Ukraine did not miss any meeting.') == {"appeared"}
    assert happening_statuses("Ukraine missed the agreed exchange on Saturday.") == {"no-show"}
    assert happening_statuses("Kyiv denied that it had missed the exchange.") == {"appeared"}
    assert happening_statuses("The ministry missed the point of the talks.") == set()
    # Demo pair the models read as agreement (0.71), at its cosine.
    verdict = judge(_claim('"Ukraine did not miss any meeting.'),
                    _claim("Russian officials said Ukraine did not show up at the agreed location on Saturday."),
                    similarity=0.643, proba=_proba(agree=0.71, discusses=0.165, contradict=0.125))
    assert verdict.label == "contradict" and verdict.details["accounts"] == ["appeared", "no-show"]


def test_incompatible_accounts_conflict_at_any_similarity_worth_judging():
    # Demo pairs at cosine 0.46-0.52 that the models read as agreement (0.50-0.83).
    no_show = _claim("Ukraine did not show up for the agreed exchange of prisoners of war and bodies on Saturday, "
                     "Russian officials said.")
    denial = _claim("Ukrainian officials denied that Kyiv had failed to appear and said the exchange was postponed "
                    "until next week.")
    verdict = judge(no_show, denial, similarity=0.499, proba=_proba(agree=0.834, discusses=0.074, contradict=0.082))
    assert verdict.label == "contradict" and verdict.reason == "attribution_conflict"
    assert verdict.details["accounts"] == ["no-show", "appeared"]
    appeared = _claim("Kyiv denied Russian claims that it had failed to appear at the agreed location on Saturday.")
    verdict = judge(no_show, appeared, similarity=0.462, proba=_proba(agree=0.502, discusses=0.056, contradict=0.437))
    assert verdict.label == "contradict"


def test_a_close_headline_that_calls_the_story_false_or_asks_it_is_no_paraphrase():
    # Emergent headlines: close wording, opposite stance; the model's contradiction stands.
    stolen = _claim("The Batmobile was stolen")
    asked = _claim("Batmobile stolen in Detroit? Good one, joker")
    verdict = judge(stolen, asked, similarity=0.8, proba=_proba(contradict=0.7, agree=0.2, discusses=0.1))
    assert verdict.label == "contradict" and not verdict.details.get("contradiction_overruled")
    hoax = _claim("Video of the Batmobile being stolen was a hoax")
    verdict = judge(_claim("Video shows the Batmobile being stolen"), hoax, similarity=0.8,
                    proba=_proba(contradict=0.7, agree=0.3))
    assert verdict.label == "contradict"
    # Same cue on both sides: still a paraphrase, the contradiction is overruled.
    verdict = judge(_claim("Police called the Batmobile theft a hoax"), hoax, similarity=0.8,
                    proba=_proba(contradict=0.6, agree=0.4))
    assert verdict.label == "agree" and verdict.details["contradiction_overruled"]


def test_apply_rules_gives_benchmark_pairs_the_judgement_the_app_gives():
    from comparer.pipeline.relate import apply_rules

    texts_a = ["Russian forces entered the Dnipropetrovsk region on Sunday.",
               "Ukraine fails to show up for agreed prisoner and body exchange",
               "A man is playing a guitar on the stage",
               "Ukrainian forces lost more than 3,435 troops killed over the past week."]
    texts_b = ["Russian forces did not enter the Dnipropetrovsk region on Sunday.",
               "Ukraine did not show up at the agreed-upon location for the POW and body exchange.",
               "A woman is slicing an onion in the kitchen",
               "Fewer than 600 Ukrainian soldiers were killed over the past week."]
    # Vectors with the cosines the rules need: 0.9, 0.8, 0.3 and 0.7.
    angles = np.arccos([0.9, 0.8, 0.3, 0.7])
    vectors_a = np.tile([1.0, 0.0], (4, 1))
    vectors_b = np.stack([np.cos(angles), np.sin(angles)], axis=1) * 3   # length does not matter
    proba = np.array([_proba(agree=0.8, contradict=0.2),       # negation rule beats the model
                      _proba(contradict=0.6, agree=0.3, discusses=0.1),   # paraphrase: overruled
                      _proba(contradict=0.45, unrelated=0.4, agree=0.15),  # not the more likely reading
                      _proba(agree=0.9, contradict=0.1)])      # numeric mismatch
    adjusted, reasons = apply_rules(texts_a, texts_b, vectors_a, vectors_b, proba)
    assert reasons == ["negation", None, None, "numeric_mismatch"]
    assert list(adjusted[0]) == list(_proba(contradict=1.0)) and list(adjusted[3]) == list(_proba(contradict=1.0))
    assert LABELS[int(np.argmax(adjusted[1]))] == "agree" and adjusted[1][LABELS.index("contradict")] == 0
    assert LABELS[int(np.argmax(adjusted[2]))] == "unrelated" and adjusted[2][LABELS.index("contradict")] == 0
    # The same pairs through judge(): the labels agree.
    for i, expected in enumerate(["contradict", "agree", "unrelated", "contradict"]):
        verdict = judge(_claim(texts_a[i]), _claim(texts_b[i]), similarity=float(np.cos(angles[i])), proba=proba[i])
        assert verdict.label == expected
    assert proba[0][LABELS.index("agree")] == 0.8   # the input is not changed


# Demo pairs the models read as agreement; probabilities and cosines as the demo's analysis gave them.
NO_SHOW = "Ukraine did not show up for the agreed exchange of prisoners of war and bodies on Saturday, Russian officials said."
LISTS = "Kyiv said the lists of prisoners presented by Moscow did not match what had been agreed."
MINING = "The Dnipropetrovsk region is a major mining and industrial centre for Ukraine."
DENIAL = "Ukraine's General Staff on Sunday denied that Russian forces had entered the Dnipropetrovsk region."


def test_an_account_of_the_exchanges_fate_does_not_agree_with_a_rival_explanation():
    verdict = judge(_claim(NO_SHOW), _claim(LISTS), similarity=0.671,
                    proba=_proba(agree=0.929, discusses=0.055, unrelated=0.001, contradict=0.015))
    assert verdict.label == "discusses" and verdict.details["agreement_overruled"] == "fate_beside_other_matter"
    assert verdict.score == pytest.approx(0.929 + 0.055)  # the agreement's weight goes to discusses
    verdict = judge(_claim('"Ukraine did not miss any meeting.'), _claim(LISTS), similarity=0.489,
                    proba=_proba(agree=0.853, discusses=0.019, unrelated=0.018, contradict=0.109))
    assert verdict.label == "discusses"      # stored though the discusses reading is weak: the pair is related
    # Two sentences giving the same fate still agree, and so do two postponements.
    verdict = judge(_claim(NO_SHOW), _claim("Russian officials said Ukraine did not show up at the agreed location on "
                                            "Saturday."),
                    similarity=0.826, proba=_proba(agree=0.913, discusses=0.055, contradict=0.031))
    assert verdict.label == "agree"
    verdict = judge(_claim("The exchange was postponed until next week by a working arrangement between the two "
                           "delegations, the official said."),
                    _claim("Ukrainian officials denied that Kyiv had failed to appear and said the exchange was "
                           "postponed until next week."),
                    similarity=0.551, proba=_proba(agree=0.796, discusses=0.132, unrelated=0.001, contradict=0.071))
    assert verdict.label == "agree"


def test_a_description_of_the_place_where_something_happened_is_background_not_agreement():
    verdict = judge(_claim(MINING), _claim("Russia advances offensive in Ukraine's Dnipropetrovsk region"),
                    similarity=0.694, proba=_proba(agree=0.904, discusses=0.086, contradict=0.009))
    assert verdict.label == "unrelated" and verdict.details["description_of_setting"]
    verdict = judge(_claim(MINING), _claim("According to the ministry, troops from a tank division reached the western "
                                           "edge of the Donetsk region and pushed on into Dnipropetrovsk."),
                    similarity=0.556, proba=_proba(agree=0.587, discusses=0.407, contradict=0.006))
    assert verdict.label == "unrelated"
    # A sentence restating the description agrees with it.
    verdict = judge(_claim(MINING), _claim("The Dnipropetrovsk region is a crucial mining and industrial center for "
                                           "Ukraine, and further Russian advances into the area could severely impact "
                                           "Kiev's already strained military and economy."),
                    similarity=0.891, proba=_proba(agree=0.739, discusses=0.256, contradict=0.005))
    assert verdict.label == "agree"
    # A subject the other sentence is about (an Emergent training pair labelled "for") is left to the model.
    verdict = judge(_claim("Jihadi John is a Londoner named Mohammed Emwazi"),
                    _claim("Jihadi John identified as British man from West London"),
                    similarity=0.8, proba=_proba(agree=0.8, discusses=0.2))
    assert verdict.label == "agree"


def test_a_supposition_that_the_advance_is_true_does_not_agree_with_the_claim_of_it():
    verdict = judge(_claim("Russia's Defense Ministry claimed earlier in the day that a tank division had advanced "
                           "beyond the western edge of the Donetsk region into Dnipropetrovsk."),
                    _claim("If confirmed, the advance would mark Russia's first ground incursion into the region, a key "
                           "mining and industrial hub."),
                    similarity=0.473, proba=_proba(agree=0.799, discusses=0.181, unrelated=0.005, contradict=0.014))
    assert verdict.label == "discusses" and verdict.details["agreement_overruled"] == "supposition"


def test_a_bare_denial_does_not_agree_with_a_plain_assertion_nor_with_a_denial_of_something_else():
    # The demo sentence goes on to say the troops "pushed on into Dnipropetrovsk", which the denial contradicts
    # (test_a_denial_contradicts_an_entry_by_forces_the_other_sentence_leaves_unnamed); without that it only
    # reports something the denial does not deny.
    verdict = judge(_claim(DENIAL), _claim("According to the ministry, troops from a tank division reached the western "
                                           "edge of the Donetsk region."),
                    similarity=0.537, proba=_proba(agree=0.585, discusses=0.256, contradict=0.158))
    assert verdict.label == "discusses" and verdict.details["agreement_overruled"] == "denial_beside_assertion"
    # The model's contradiction of two denials of different things is overruled; its agreement is not kept either.
    verdict = judge(_claim("The General Staff also rejected Moscow's claim that 3,435 Ukrainian soldiers were killed "
                           "during the past week."),
                    _claim("Ukraine's military denied that Russian forces had entered the Dnipropetrovsk region."),
                    similarity=0.469, proba=_proba(agree=0.163, discusses=0.018, unrelated=0.007, contradict=0.812))
    assert verdict.label == "discusses" and verdict.details["agreement_overruled"] == "different_denials"
    # Two denials of the same thing agree.
    verdict = judge(_claim(DENIAL), _claim("Ukraine's military denied that Russian forces had entered the "
                                           "Dnipropetrovsk region."),
                    similarity=0.94, proba=_proba(agree=0.86, discusses=0.1, contradict=0.04))
    assert verdict.label == "agree"


def test_apply_rules_moves_an_overruled_agreement_to_discusses_and_a_setting_description_to_unrelated():
    from comparer.pipeline.relate import apply_rules

    texts_a = [NO_SHOW, MINING]
    texts_b = [LISTS, "Russia advances offensive in Ukraine's Dnipropetrovsk region"]
    angles = np.arccos([0.671, 0.694])
    vectors_a = np.tile([1.0, 0.0], (2, 1))
    vectors_b = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    proba = np.array([_proba(agree=0.929, discusses=0.055, unrelated=0.001, contradict=0.015),
                      _proba(agree=0.904, discusses=0.086, contradict=0.009)])
    adjusted, _ = apply_rules(texts_a, texts_b, vectors_a, vectors_b, proba)
    assert adjusted[0][LABELS.index("agree")] == 0 and LABELS[int(np.argmax(adjusted[0]))] == "discusses"
    # A benchmark without *discusses* (SICK) takes the next reading.
    from comparer.relations_model import restricted_argmax

    assert restricted_argmax(adjusted[:1], ("agree", "contradict", "unrelated")) == ["unrelated"]
    assert list(adjusted[1]) == list(_proba(unrelated=1.0))


def _in_cluster(claim, cluster_id):
    claim.cluster_id = cluster_id
    return claim


ADVANCE = "Russia advances into Ukraine’s Dnipropetrovsk region for the first time in its ongoing offensive, striking " \
          "strategic facilities and seizing new territory."
STRIKE = "Russia launched a massive missile and drone strike on Ukraine overnight into June 6, Ukraine's Air Force said."
QUOTE = ('"Last night, in response to the terrorist actions of the Kiev regime, the armed forces of the Russian Federation '
         'carried out a massive strike with long-range air, sea, and ground-based high-precision weapons, as well as with '
         'strike UAVs against design bureaus, enterprises producing and repairing weapons and military hardware of '
         'Ukraine, attack drone assembly workshops, flight training centers, and AFU weapons and military hardware '
         'depots," the Ministry stated in its channel on Telegram.')


def test_claims_of_different_propositions_do_not_agree_unless_one_restates_the_other():
    proba = _proba(agree=0.582, discusses=0.403, contradict=0.016)
    verdict = judge(_in_cluster(_claim(ADVANCE), 1), _in_cluster(_claim(STRIKE), 2), similarity=0.52, proba=proba)
    assert verdict.label == "discusses" and verdict.details["agreement_overruled"] == "different_propositions"
    # Without clusters (or in one cluster) the model's reading stands.
    assert judge(_claim(ADVANCE), _claim(STRIKE), similarity=0.52, proba=proba).label == "agree"
    assert judge(_in_cluster(_claim(ADVANCE), 1), _in_cluster(_claim(STRIKE), 1), similarity=0.52,
                 proba=proba).label == "agree"
    # A short sentence restated within the ministry's long quote, clustered apart from it, still agrees.
    described = _claim('The ministry described the strike as a response to "terrorist actions of the Kiev regime".')
    verdict = judge(_in_cluster(described, 1), _in_cluster(_claim(QUOTE), 2), similarity=0.68,
                    proba=_proba(agree=0.916, discusses=0.08, contradict=0.004))
    assert verdict.label == "agree"
    # So do two accounts of the same fate worded apart.
    verdict = judge(_in_cluster(_claim('"Ukraine did not miss any meeting.'), 1),
                    _in_cluster(_claim("Ukrainian officials denied that Kyiv had failed to appear and said the exchange "
                                       "was postponed until next week."), 2),
                    similarity=0.51, proba=_proba(agree=0.54, discusses=0.3, contradict=0.16))
    assert verdict.label == "agree"


def test_apply_rules_uses_proposition_groups_when_given():
    from comparer.pipeline.relate import apply_rules

    angles = np.arccos([0.52])
    vectors_a, vectors_b = np.array([[1.0, 0.0]]), np.stack([np.cos(angles), np.sin(angles)], axis=1)
    proba = np.array([_proba(agree=0.582, discusses=0.403, contradict=0.016)])
    apart, _ = apply_rules([ADVANCE], [STRIKE], vectors_a, vectors_b, proba, [0], [1])
    together, _ = apply_rules([ADVANCE], [STRIKE], vectors_a, vectors_b, proba, [0], [0])
    unknown, _ = apply_rules([ADVANCE], [STRIKE], vectors_a, vectors_b, proba)
    assert LABELS[int(np.argmax(apart[0]))] == "discusses"
    assert LABELS[int(np.argmax(together[0]))] == "agree" and LABELS[int(np.argmax(unknown[0]))] == "agree"


@pytest.mark.parametrize("text_a, text_b", [
    # Accounts of different parties are compatible.
    ("Russia did not show up at the peace talks in Geneva.", "Ukraine attended the talks in Geneva."),
    ("Hamas delegation did not attend the Cairo meeting.", "Israeli negotiators attended the Cairo meeting."),
    # Different happenings that share only a place.
    ("The band did not show up for the concert in Kyiv.", "The football match in Kyiv was postponed."),
])
def test_accounts_of_different_parties_or_happenings_do_not_conflict(text_a, text_b):
    from comparer.pipeline.relate import status_conflict

    assert status_conflict(text_a, text_b, similarity=0.6) is None


@pytest.mark.parametrize("text_a, text_b", [
    ("Ukraine did not show up at the talks in Istanbul.", "Kyiv's delegation attended the talks in Istanbul."),
    ('"Ukraine did not miss any meeting.',
     "Ukraine did not show up at the agreed-upon location for the POW and body exchange agreement with Russia."),
    ("Kyiv says prisoner and body exchange postponed until next week",
     "Ukraine fails to show up at prisoner, body exchange"),
    ("Ukrainian officials denied that Kyiv had failed to appear and said the exchange was postponed until next week.",
     "Ukraine fails to show up at prisoner, body exchange"),
])
def test_accounts_of_one_party_or_one_happening_conflict(text_a, text_b):
    from comparer.pipeline.relate import status_conflict

    assert status_conflict(text_a, text_b, similarity=0.6) is not None


def test_a_denial_of_entry_is_not_contradicted_by_other_news_of_the_same_forces_or_place():
    from comparer.pipeline.relate import denial_of_assertion

    denial = "Ukraine's General Staff denied that Russian forces had entered the Dnipropetrovsk region."
    assert denial_of_assertion(denial, "Russia's Defense Ministry said on Sunday that its forces had advanced into "
                                       "Ukraine's Dnipropetrovsk region.")
    assert denial_of_assertion(denial, "Russian troops push into Dnipropetrovsk region for the first time")
    # Sharing the forces and the place (60% of the denied words) is not enough: the happening must recur.
    assert not denial_of_assertion(denial, "Russian forces shelled the Dnipropetrovsk region overnight.")
    assert not denial_of_assertion(denial, "Russian forces struck energy facilities in the Dnipropetrovsk region.")
    assert not denial_of_assertion(denial, "Russian forces entered the Kharkiv region.")


def test_a_title_case_headline_denial_keeps_the_share_test():
    from comparer.pipeline.relate import denial_of_assertion

    # Emergent training pair (gold 'against'): in Title Case every word looks like a name.
    assert denial_of_assertion("A wife and child of ISIS leader Abu Bakr al-Baghdadi were detained in Lebanon",
                               "Iraq Denies Lebanon Captured Abu Bakr al-Baghdadi's Wife and Child")


def test_a_denial_contradicts_an_entry_by_forces_the_other_sentence_leaves_unnamed():
    from comparer.pipeline.relate import denial_of_assertion

    # Demo pairs the models read as agreement; the other sentence tells of the troops without naming whose.
    pushed_on = _claim("According to the ministry, troops from a tank division reached the western edge of the Donetsk "
                       "region and pushed on into Dnipropetrovsk.")
    verdict = judge(_claim(DENIAL), pushed_on, similarity=0.537, proba=_proba(agree=0.585, discusses=0.256,
                                                                               contradict=0.158))
    assert verdict.label == "contradict" and verdict.details["denial"]
    continuing = _claim("Units of a tank division reached the western edge of the Donetsk People's Republic and are "
                        "continuing the offensive into the Dnipropetrovsk region, the ministry said.")
    verdict = judge(continuing, _claim("Ukraine's military denied that Russian forces had entered the Dnipropetrovsk "
                                       "region."), similarity=0.462, proba=_proba(agree=0.6, discusses=0.3,
                                                                                 contradict=0.1))
    assert verdict.label == "contradict" and verdict.details["denial"]
    # Near misses: another party's troops, another place, or another happening in the same place.
    for text in ("Ukrainian troops pushed on into the Dnipropetrovsk region.",
                 "Belarusian units are continuing the offensive into the Dnipropetrovsk region.",
                 "Troops from a tank division pushed on into the Kharkiv region.",
                 "Troops from a tank division shelled the Dnipropetrovsk region.",
                 "Units of a tank division reached the western edge of the Donetsk People's Republic, the ministry "
                 "said."):
        assert not denial_of_assertion(DENIAL, text), text


MEDVEDEV_AND_ZAKHAROVA = ("Russian Foreign Ministry spokesperson Maria Zakharova and Security Council deputy chairman "
                          "Dmitry Medvedev accused Kyiv of refusing to take back the bodies of its dead soldiers.")


def test_an_added_point_agrees_only_with_a_sentence_that_restates_it():
    from comparer.pipeline.relate import agreement_overruled

    # Demo pair (model: agree 0.85, one claim cluster): compensation is a further motive, not the refusal.
    compensation = "Medvedev said Kiev also wanted to avoid paying compensation to the soldiers' families."
    verdict = judge(_claim(compensation), _claim(MEDVEDEV_AND_ZAKHAROVA), similarity=0.545,
                    proba=_proba(agree=0.852, discusses=0.111, contradict=0.037))
    assert verdict.label == "discusses" and verdict.details["agreement_overruled"] == "added_point"
    # The demo's report of the same point still agrees with it.
    assert agreement_overruled(compensation, "The Russian Security Council deputy chairman, Dmitry Medvedev, published "
                               "a scathing criticism on X, saying that \"The Kiev bastards don't want to take the bodies "
                               "of their dead soldiers,\" and emphasizing that Ukraine did not receive the bodies out of "
                               "fear of admitting their losses and wanting to avoid compensating their families.",
                               True) is None
    # An added point that the other sentence restates is one proposition.
    assert agreement_overruled("Medvedev also said Kiev refused to take back the bodies of its dead soldiers.",
                               MEDVEDEV_AND_ZAKHAROVA, True) is None
    assert agreement_overruled("Kyiv also denied that its troops had retreated from Pokrovsk.",
                               "Ukraine's military denied that its troops had retreated from Pokrovsk.", True) is None


def test_what_one_sentence_only_supposes_does_not_agree_with_the_assertion_of_it():
    from comparer.pipeline.relate import agreement_overruled

    # Demo pairs (model: agree 0.79 and 0.68, one claim cluster): the bodies and soldiers the two share are in the
    # curse's condition; the curse sentence asserts a condemnation and a curse, not the refusal.
    for curse, similarity, proba in (
            ("Foreign Ministry spokesperson Maria Zakharova condemned Kiev's move and said a generational curse would "
             "befall the Ukrainian authorities if they failed to recover their soldiers' bodies.", 0.492,
             _proba(agree=0.785, discusses=0.171, contradict=0.043, unrelated=0.001)),
            ("The Russian Foreign Ministry Spokesperson Maria Zakharova condemned Ukraine's move, claiming that a "
             "generational curse will befall the Ukrainian authorities should they fail to recover the bodies of "
             "Kiev's soldiers.", 0.518, _proba(agree=0.68, discusses=0.207, contradict=0.112))):
        verdict = judge(_claim(curse), _claim(MEDVEDEV_AND_ZAKHAROVA), similarity=similarity, proba=proba)
        assert verdict.label == "discusses", curse
        assert verdict.details["agreement_overruled"] == "condition_beside_assertion"
    # Near misses: the main clauses share what is said, or both sentences state a condition.
    assert agreement_overruled("Zakharova said a generational curse would befall the Ukrainian authorities if they "
                               "failed to recover the bodies.",
                               "Zakharova warned that a curse would befall the Ukrainian authorities.", True) is None
    assert agreement_overruled("If the talks fail, Russia will resume its offensive, Peskov said.",
                               "Peskov said Russia would resume the offensive unless talks succeeded.", True) is None


def test_negations_of_different_happenings_do_not_agree():
    from comparer.pipeline.relate import agreement_overruled

    # Demo pair (model: agree 0.78, one claim cluster): the dates were never finalised (Kyiv's reason for not
    # coming) is not that no new date has been announced (after the postponement).
    verdict = judge(_claim("The dates for the exchange were never finalised,\" a Ukrainian official involved in the talks "
                           "told Sample Outlet A."),
                    _claim("No new date for the exchange has been officially announced."), similarity=0.59,
                    proba=_proba(agree=0.775, discusses=0.121, contradict=0.104))
    assert verdict.label == "discusses" and verdict.details["agreement_overruled"] == "different_negations"
    # Negations of one happening agree, in any form of the verb.
    assert agreement_overruled("No date for the exchange has been finalized.",
                               "The dates for the exchange were never finalised.", True) is None
    assert agreement_overruled("Kyiv did not receive the lists of prisoners.", "Kyiv never received the lists of "
                               "prisoners, the official said.", True) is None
    assert agreement_overruled("A new date has not been announced.", "No new date has been officially announced.",
                               True) is None


def test_figures_of_different_quantities_do_not_agree():
    from comparer.pipeline.relate import agreement_overruled

    # Demo pair (model: agree 0.78, one claim cluster): armoured vehicles lost and troops killed are two figures.
    verdict = judge(_claim("Ukraine lost 12 armored vehicles in the same period, not 39 as Moscow claimed, according to "
                           "the General Staff."),
                    _claim("Moscow said Ukrainian forces had lost more than 3,435 troops killed, a figure Kyiv "
                           "disputes."), similarity=0.631, proba=_proba(agree=0.781, discusses=0.212, contradict=0.007))
    assert verdict.label == "discusses" and verdict.details["agreement_overruled"] == "different_quantities"
    # Near misses: the same figure, or figures of the same thing, are left to the model.
    assert agreement_overruled("Ukraine lost 12 armored vehicles in the same period, according to the General Staff.",
                               "The General Staff said Ukraine had lost 12 vehicles that week.", True) is None
    assert agreement_overruled("Russia fired 40 missiles and 300 drones overnight.",
                               "Ukraine's air force said it shot down 280 drones overnight.", True) is None
    # A sentence without a figure is not played against one with figures.
    assert agreement_overruled("Ukraine lost 12 armored vehicles in the same period.",
                               "Ukraine lost armored vehicles in the same period.", True) is None


FURTHER_ADVANCES = ("The Dnipropetrovsk region is a crucial mining and industrial center for Ukraine, and further Russian "
                    "advances into the area could severely impact Kiev's already strained military and economy.")


def test_a_sentence_that_only_supposes_a_denied_entry_is_not_contradicted_by_the_denial():
    from comparer.pipeline.relate import _denied_only_as_supposed, contradiction_overruled

    # Demo pair the model read as a contradiction (0.787): a description and what further advances could do.
    denial = _claim("Ukraine's military denied that Russian forces had entered the Dnipropetrovsk region.")
    verdict = judge(_claim(FURTHER_ADVANCES), denial, similarity=0.6,
                    proba=_proba(agree=0.121, discusses=0.092, unrelated=0.001, contradict=0.787))
    assert verdict.label != "contradict" and verdict.details["contradiction_overruled"]
    for supposition in (FURTHER_ADVANCES,
                        "If confirmed, the advance would mark Russia's first ground incursion into the region, a key "
                        "mining and industrial hub.",
                        "Further Russian advances into the Dnipropetrovsk region may cut supply lines."):
        assert _denied_only_as_supposed(supposition, denial.text), supposition
        assert _denied_only_as_supposed("General Staff denies Russian entry into Dnipropetrovsk region, disputes "
                                        "loss figures", supposition), supposition
    # Near misses: the entry asserted in a clause of its own, beside a modal or a month named May.
    for assertion in ("Russian forces entered the Dnipropetrovsk region and could push further.",
                      "Russian forces have advanced into Ukraine's Dnipropetrovsk region, which could force Kyiv to "
                      "divert reserves.",
                      "In May, Russian forces entered the Dnipropetrovsk region.",
                      "Russian troops push into Dnipropetrovsk region for the first time"):
        assert not _denied_only_as_supposed(assertion, denial.text), assertion
        assert not contradiction_overruled(assertion, denial.text, 0.7, 0.8), assertion
    verdict = judge(_claim("Russian forces entered the Dnipropetrovsk region and could push further."), denial,
                    similarity=0.7, proba=_proba(contradict=0.8, agree=0.1, discusses=0.1))
    assert verdict.label == "contradict"


HEADLINE_DENIAL = "General Staff denies Russian entry into Dnipropetrovsk region, disputes loss figures"


def test_a_headline_denial_of_an_entry_contradicts_the_advance_it_denies():
    from comparer.pipeline.relate import denial_of_assertion

    # Demo pairs the models read as discussion (0.77-0.91).
    for text, similarity, proba in (
            ("Russian forces have advanced into Ukraine's Dnipropetrovsk region for the first time since the start "
             "of the offensive, the Russian Defense Ministry said on Sunday.", 0.62,
             _proba(agree=0.159, discusses=0.821, contradict=0.02)),
            ("Russia's Defense Ministry said on Sunday that its forces had advanced into Ukraine's Dnipropetrovsk "
             "region for the first time in the war.", 0.62, _proba(agree=0.086, discusses=0.901, contradict=0.013)),
            ("Russia announced on Sunday that its forces were advancing into Ukraine’s eastern industrial "
             "Dnipropetrovsk region for the first time in its three-year offensive, marking a significant "
             "territorial expansion as peace talks remain stalled.", 0.6,
             _proba(agree=0.085, discusses=0.912, contradict=0.003)),
            ("According to the ministry, troops from a tank division reached the western edge of the Donetsk region "
             "and pushed on into Dnipropetrovsk.", 0.55, _proba(agree=0.207, discusses=0.772, contradict=0.021))):
        verdict = judge(_claim(HEADLINE_DENIAL), _claim(text), similarity=similarity, proba=proba)
        assert verdict.label == "contradict" and verdict.details["denial"], text
    # Near misses: another party's troops, another place, another happening in the same place.
    for text in ("Ukrainian troops pushed on into the Dnipropetrovsk region.",
                 "Russian forces shelled the Dnipropetrovsk region overnight.",
                 "Russian forces entered the Kharkiv region.",
                 "Troops from a tank division shelled the Dnipropetrovsk region.",
                 "Belarusian units are continuing the offensive into the Dnipropetrovsk region."):
        assert not denial_of_assertion(HEADLINE_DENIAL, text), text


def test_a_comma_and_a_second_verb_end_what_is_denied():
    from comparer.pipeline.relate import _denied_clause

    assert _denied_clause(HEADLINE_DENIAL) == "Russian entry into Dnipropetrovsk region"
    assert _denied_clause("Kyiv rejected the claim, accused Moscow of lying") == "the claim"
    assert _denied_clause("Kyiv denied that troops entered the region, saying fighting continues") == (
        "troops entered the region")
    # A list, or a verb in another form than the denial's, stays in the denied clause.
    assert _denied_clause("Kyiv denies strikes on schools, hospitals and homes") == (
        "strikes on schools, hospitals and homes")
    assert _denied_clause("Ukraine denies Russian troops crossed the border, shelled villages") == (
        "Russian troops crossed the border, shelled villages")


@pytest.mark.parametrize("text", [
    "Russian officials said Ukraine never showed up at the agreed location for the exchange.",
    "Ukraine never turned up for the exchange.",
    "Kyiv failed to turn up for the exchange.",
])
def test_never_showing_up_is_a_no_show(text):
    from comparer.pipeline.relate import happening_statuses, status_conflict

    assert happening_statuses(text) == {"no-show"}
    assert status_conflict(text, "Kyiv says the exchange was postponed until next week.", 0.6) == {
        "accounts": ["no-show", "postponed"]}


@pytest.mark.parametrize("text", [
    "Ukraine never showed up late for an exchange.",
    "The delegation never shows up on time.",
    "Ukraine did not show up late.",
    "Ukraine never failed to show up for an exchange.",
    "The envoy never came back with an answer.",
])
def test_how_one_came_or_never_failing_to_come_is_no_no_show(text):
    from comparer.pipeline.relate import happening_statuses

    assert "no-show" not in happening_statuses(text)


CLAIMED_BEYOND = ("Russia's Defense Ministry claimed earlier in the day that a tank division had advanced beyond the "
                  "western edge of the Donetsk region into Dnipropetrovsk.")


def test_a_move_past_a_line_into_a_region_is_an_entry_and_a_division_is_armed_men():
    from comparer.pipeline.relate import denial_of_assertion

    # Demo sentences (one article): "advanced beyond ... into" was not read as entering.
    assert denial_of_assertion(DENIAL, CLAIMED_BEYOND)
    verdict = judge(_claim(CLAIMED_BEYOND), _claim("Ukraine's military denied that Russian forces had entered the "
                                                   "Dnipropetrovsk region."),
                    similarity=0.6, proba=_proba(agree=0.094, discusses=0.053, unrelated=0.002, contradict=0.851))
    assert verdict.label == "contradict" and verdict.details["denial"]
    # A formation left unnamed may be the denied party's: a division, brigade, battalion or regiment.
    for text in ("A tank division had advanced beyond the western edge of the Donetsk region into the Dnipropetrovsk "
                 "region, the ministry said.",
                 "Two brigades crossed the border into the Dnipropetrovsk region, the ministry said.",
                 "A motorised rifle regiment moved past Velykomykhailivka into the Dnipropetrovsk region."):
        assert denial_of_assertion(DENIAL, text), text
    # Near misses that must not change: another party's formation, a move that stops short of the region,
    # another happening there, a fire brigade and a division that is no formation of armed men.
    for text in ("Ukraine's 93rd Brigade had advanced beyond the western edge of the Donetsk region into the "
                 "Dnipropetrovsk region.",
                 "A tank division had advanced beyond the western edge of the Donetsk region.",
                 "A tank division had advanced to the border of the Dnipropetrovsk region.",
                 "A tank division shelled the Dnipropetrovsk region.",
                 "A fire brigade moved into the Dnipropetrovsk region.",
                 "A division of the mining company moved into the Dnipropetrovsk region.",
                 "Ukrainian troops pushed into the Dnipropetrovsk region.",
                 "Russian forces shelled the Dnipropetrovsk region overnight.",
                 "Russian forces entered the Kharkiv region."):
        assert not denial_of_assertion(DENIAL, text), text


HEADLINE_NO_SHOW = "Ukraine fails to show up for agreed prisoner and body exchange"


def test_a_fate_of_the_exchange_does_not_contradict_a_rival_explanation():
    # Demo pairs the model read as contradictions: the other sentence says nothing of the exchange's fate.
    verdict = judge(_claim(HEADLINE_NO_SHOW), _claim(LISTS), similarity=0.6,
                    proba=_proba(agree=0.409, discusses=0.068, unrelated=0.003, contradict=0.52))
    # The next reading, agreement, is overruled as well: the pair discusses.
    assert verdict.label == "discusses" and verdict.details["contradiction_overruled"]
    assert verdict.details["agreement_overruled"] == "fate_beside_other_matter"
    verdict = judge(_claim("Russia received no official notice of any postponement from Kiev, the source said."),
                    _claim("Kyiv denied Russian claims that it had failed to appear at the agreed location on "
                           "Saturday."), similarity=0.6,
                    proba=_proba(agree=0.147, discusses=0.022, unrelated=0.003, contradict=0.828))
    assert verdict.label != "contradict" and verdict.details["contradiction_overruled"]
    # Near misses that stay contradictions: a sentence that negates what the fate sentence presumes, and
    # two incompatible fates.
    verdict = judge(_claim(HEADLINE_NO_SHOW), _claim("The prisoner and body exchange was never agreed by Kyiv."),
                    similarity=0.6, proba=_proba(agree=0.2, discusses=0.1, contradict=0.7))
    assert verdict.label == "contradict"
    verdict = judge(_claim(HEADLINE_NO_SHOW), _claim("Kyiv says prisoner and body exchange postponed until next week"),
                    similarity=0.6, proba=_proba(agree=0.7, discusses=0.1, contradict=0.2))
    assert verdict.label == "contradict"
