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
