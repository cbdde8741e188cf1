from comparer.pipeline.embed import encode
from comparer.pipeline.propositions import group_propositions
from comparer.relations_model.features import Analyzer


def test_paraphrases_group_and_different_claims_about_one_topic_do_not():
    texts = [
        "Ukraine did not show up for the agreed exchange of prisoners of war and bodies on Saturday.",
        "Ukraine fails to show up for agreed prisoner and body exchange",
        "Russia says Ukraine failed to appear at the prisoner and body exchange",
        "Russian forces destroyed 39 armored vehicles, the ministry said.",
        "The ministry said 39 Ukrainian armoured vehicles were destroyed.",
        "Talks in Istanbul have produced no ceasefire.",
    ]
    groups = group_propositions(texts, encode(texts), Analyzer())
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] == groups[4] != groups[0]
    assert groups[5] not in (groups[0], groups[3])


def test_trivial_inputs():
    assert group_propositions([], encode([]), Analyzer()) == []
    assert group_propositions(["One claim only."], encode(["One claim only."]), Analyzer()) == [0]
