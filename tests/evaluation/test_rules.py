"""Benchmark sentence pairs get the relate stage's rules; document pairs do not."""
import numpy as np

from comparer.evaluation.rules import with_app_rules
from comparer.pipeline.embed import encode
from comparer.relations_model.pairs import LABELS, StancePair

CONTRADICT = LABELS.index("contradict")


def test_sentence_pairs_get_the_rules_and_documents_keep_the_model_reading():
    negated = StancePair("Russian forces entered the Dnipropetrovsk region on Sunday.",
                         "Russian forces did not enter the Dnipropetrovsk region on Sunday.", "contradict")
    paraphrase = StancePair("Ukraine did not show up for the prisoner exchange on Saturday.",
                            "Ukraine did not show up for Saturday's prisoner exchange.", "agree")
    document = StancePair("Russian forces entered the Dnipropetrovsk region on Sunday.",
                          "Russian forces did not enter the Dnipropetrovsk region on Sunday. Officials said so.",
                          "contradict", evidence_is_document=True)
    proba = np.array([[0.8, 0.2, 0.0, 0.0], [0.3, 0.6, 0.1, 0.0], [0.8, 0.2, 0.0, 0.0]])
    adjusted = with_app_rules([negated, paraphrase, document], proba, encode)
    assert LABELS[int(np.argmax(adjusted[0]))] == "contradict"          # plain negation, as judge() decides
    assert adjusted[1][CONTRADICT] == 0 and LABELS[int(np.argmax(adjusted[1]))] == "agree"   # paraphrase
    assert list(adjusted[2]) == list(proba[2])                           # a body is not a claim sentence
    assert proba[0][CONTRADICT] == 0.2                                   # the input is left alone


def test_a_description_beside_a_denial_is_scored_unrelated_as_judge_decides():
    description = StancePair("The Dnipropetrovsk region is a major mining and industrial centre for Ukraine.",
                             "Ukraine's military denied that Russian forces had entered the Dnipropetrovsk region.",
                             "unrelated")
    adjusted = with_app_rules([description], np.array([[0.02, 0.96, 0.01, 0.01]]), encode)
    assert list(adjusted[0]) == [0.0, 0.0, 0.0, 1.0]


def test_a_report_of_the_dispute_is_scored_as_discussing_an_account_as_judge_decides():
    report = StancePair("Canadian-Israeli Gill Rosenberg captured by ISIS while fighting with Kurdish forces",
                        "Conflicting reports on alleged IS capture of Canadian woman", "discusses")
    adjusted = with_app_rules([report], np.array([[0.7, 0.1, 0.15, 0.05]]), encode)
    assert list(adjusted[0]) == [0.0, 0.0, 1.0, 0.0]


def test_only_documents_is_a_no_op():
    document = StancePair("Headline", "Body one. Body two.", "agree", evidence_is_document=True)
    proba = np.array([[0.1, 0.6, 0.2, 0.1]])
    assert with_app_rules([document], proba, encode) is proba


def test_training_validation_scores_sentence_pairs_with_and_without_the_rules(tmp_path):
    from comparer.relations_model.encoding_cache import EncodingCache
    from comparer.relations_model.training import score_validation

    negated = StancePair("Russian forces entered the Dnipropetrovsk region on Sunday.",
                         "Russian forces did not enter the Dnipropetrovsk region on Sunday.", "contradict")
    same = StancePair("A man is playing a guitar on the stage.", "A man plays the guitar on stage.", "agree")
    validation = {"fnc1": [], "emergent": [], "sick": [negated, same], "curator": []}
    proba = {"sick": np.array([[0.8, 0.2, 0.0, 0.0], [0.9, 0.05, 0.0, 0.05]])}
    cache = EncodingCache(tmp_path / "vectors.npz")
    with_rules = score_validation(None, validation, cache, None, False, proba)
    without = score_validation(None, validation, cache, None, False, proba, rules=False)
    assert with_rules["sick"]["acc"] == 1.0 and with_rules["sick"]["contradiction_f1"] == 1.0
    assert without["sick"]["acc"] == 0.5 and without["sick"]["contradiction_f1"] == 0.0


def test_sentence_pairs_are_grouped_into_propositions_as_the_apps_claims_are():
    # An Emergent training pair labelled 'observing' that the blend reads as agreement (0.60): the
    # headline reports a probe into complaints, not the castrations the claim states.
    probe = StancePair("400 men were castrated on the orders of an Indian spiritual guru",
                       "Court Orders Probe Into Complaints Of Forced Castration In Religious Dera Sect", "discusses")
    paraphrase = StancePair("Ukraine fails to show up for agreed prisoner and body exchange",
                            "Ukraine fails to show up at prisoner, body exchange", "agree")
    proba = np.array([[0.603, 0.03, 0.367, 0.0], [0.922, 0.018, 0.059, 0.001]])
    adjusted = with_app_rules([probe, paraphrase], proba, encode)
    assert LABELS[int(np.argmax(adjusted[0]))] == "discusses"
    assert LABELS[int(np.argmax(adjusted[1]))] == "agree"
