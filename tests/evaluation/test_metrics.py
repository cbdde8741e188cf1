import pytest

from comparer.evaluation.metrics import accuracy, b_cubed, confusion, fnc_score, macro_f1, per_class_f1


def test_fnc_score_follows_the_official_weights():
    gold = ["agree", "disagree", "unrelated", "discuss"]
    predicted = ["agree", "discuss", "unrelated", "unrelated"]
    score, best = fnc_score(gold, predicted)
    # agree right: 1.0; disagree as discuss: related right only, 0.25; unrelated right: 0.25; discuss missed: 0
    assert score == pytest.approx(1.5)
    assert best == pytest.approx(3.25)


def test_per_class_and_macro_f1():
    gold = ["a", "a", "b", "b"]
    predicted = ["a", "b", "b", "b"]
    scores = per_class_f1(gold, predicted, ["a", "b"])
    assert scores["a"]["precision"] == 1.0 and scores["a"]["recall"] == 0.5
    assert scores["b"]["f1"] == pytest.approx(0.8)
    assert macro_f1(scores) == pytest.approx((2 / 3 + 0.8) / 2)
    assert confusion(gold, predicted, ["a", "b"]) == [[1, 1], [0, 2]]
    assert accuracy(gold, predicted) == 0.75


def test_b_cubed():
    assert b_cubed(["x", "x", "y"], [1, 1, 2]) == (1.0, 1.0, 1.0)
    precision, recall, f1 = b_cubed(["x", "x", "y", "y"], [1, 1, 1, 1])
    assert precision == 0.5 and recall == 1.0 and f1 == pytest.approx(2 / 3)
    precision, recall, _ = b_cubed(["x", "x"], [1, 2])
    assert precision == 1.0 and recall == 0.5


def test_fnc_score_at_the_test_label_mix_reweights_each_gold_label():
    from comparer.evaluation.metrics import fnc_score_at_label_mix

    gold = ["unrelated", "unrelated", "agree", "agree", "disagree", "discuss"]
    perfect = fnc_score_at_label_mix(gold, gold)
    assert perfect == 100.0
    # Half the agree rows called discuss: each keeps its related quarter point, loses 0.75.
    predicted = ["unrelated", "unrelated", "agree", "discuss", "disagree", "discuss"]
    counts = {"agree": 10, "disagree": 10, "discuss": 10, "unrelated": 40}
    best = 30 * 1.0 + 40 * 0.25
    assert fnc_score_at_label_mix(gold, predicted, counts) == 100 * (best - 10 * 0.5 * 0.75) / best
    # Every unrelated row called related: the 40 x 0.25 go, whatever the raw hold-out had.
    wrong_unrelated = ["discuss", "discuss", "agree", "agree", "disagree", "discuss"]
    assert fnc_score_at_label_mix(gold, wrong_unrelated, counts) == 100 * 30 / best
    assert fnc_score_at_label_mix(["agree"], ["agree"]) is None
