"""Held-out rows that the other benchmark's training rows already show are set apart (no shared data needed)."""
from comparer.relations_model.pairs import StancePair
from comparer.relations_model.training import leak_free, subset


def fnc(headline, label, group):
    return StancePair(headline, "An article body. It has sentences.", label, group, "fnc1", evidence_is_document=True)


def emergent(claim, headline, label, group):
    return StancePair(claim, headline, label, group, "emergent")


TRAIN = [fnc("Batmobile stolen in Detroit!", "agree", "fnc7"),
         emergent("ISIS beheads Steve Sotloff", "Islamic State beheads US hostage Steven Sotloff", "agree", "c9")]
VALIDATION = {
    "emergent": [emergent("The Batmobile was stolen", "BATMOBILE STOLEN IN DETROIT", "agree", "c1"),
                 emergent("The Batmobile was stolen", "Batmobile found in a garage", "contradict", "c1"),
                 emergent("Tesla is building its gigafactory in Nevada", "Tesla picks Nevada", "agree", "c2")],
    "fnc1": [fnc("Islamic State beheads US hostage Steven Sotloff", "agree", "fnc3"),
             fnc("Sotloff video is authentic, U.S. says", "discusses", "fnc3"),
             fnc("Tesla picks Nevada", "agree", "fnc4")],
    "sick": [StancePair("A man is playing a guitar", "A man is not playing a guitar", "contradict", "s1", "sick")],
    "curator": [],
}


def test_a_group_with_a_headline_the_other_benchmark_trained_on_is_not_leak_free():
    masks = leak_free(TRAIN, VALIDATION)
    # Case and punctuation do not hide a shared headline; the whole claimId / component goes.
    assert masks["emergent"].tolist() == [False, False, True]
    assert masks["fnc1"].tolist() == [False, False, True]
    # A held-out headline the other benchmark only holds out too ("Tesla picks Nevada") is no leak.
    assert masks["sick"].tolist() == [True] and masks["curator"].tolist() == []


def test_subset_keeps_the_rows_and_their_probabilities():
    import numpy as np

    masks = leak_free(TRAIN, VALIDATION)
    proba = {"emergent": np.arange(12.0).reshape(3, 4), "fnc1": np.arange(12.0).reshape(3, 4)}
    pairs, kept = subset(VALIDATION, masks, proba)
    assert [p.evidence for p in pairs["emergent"]] == ["Tesla picks Nevada"]
    assert kept["emergent"].tolist() == [[8.0, 9.0, 10.0, 11.0]] and kept["fnc1"].shape == (1, 4)
    assert len(pairs["sick"]) == 1
