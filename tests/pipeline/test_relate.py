"""The relate stage's parts: quantity frames, alignment, the decision; and relate_event on stored claims.

Frame examples are real sentences from ECB+ (``../shared/data/ecbplus``, cross-document reports of
one happening), plus the figure pairs the real-coverage audit found wrongly judged.
"""
import numpy as np
import pytest

from comparer.pipeline.relate import align, frames
from comparer.pipeline.relate.decide import judge, negated_words, negates_the_other
from comparer.relations_model.features import stem
from comparer.relations_model.nli import PairReading


def _verdict(a, b):
    result = frames.compare(a, b)
    return result and result[0]


# --- quantity frames --------------------------------------------------------------------------

def test_same_count_with_different_figures_is_a_contradiction_with_both_figures():
    result = frames.compare("Russia launched 407 drones and 45 missiles overnight.",
                            "Overnight Russia launched 407 drones and 44 missiles at Ukraine.")
    assert result[0] == "contradict"
    assert {result[1]["a"]["value"], result[1]["b"]["value"]} == {44, 45}
    assert result[1]["a"]["frame"]["counted"] == "missiles"


def test_a_toll_that_rose_is_a_different_figure_for_the_same_count():
    assert _verdict("17 people were injured in the capital.",
                    "The number of injured in the capital rose to 27.") == "contradict"


def test_figures_of_different_fates_or_sides_are_not_compared():
    # Launched against intercepted, and Russia's drones against Ukrainian ones.
    assert _verdict("Russia launched 407 drones overnight.", "82 Ukrainian drones were intercepted over Russia.") is None
    assert _verdict("12 people were killed in Kharkiv.", "12 people were killed in Odesa.") is None


def test_conjoined_figures_add_up():
    assert _verdict("Russia fired at least 38 cruise missiles and six ballistic.", "Russia fired 44 missiles.") == "agree"
    assert _verdict("Russia fired 38 cruise missiles and six ballistic missiles.",
                    "Russia fired 50 missiles.") == "contradict"


def test_real_reports_of_one_quake_agree_on_the_toll():
    # ECB+: the Qeshm island earthquake and the Greek bank fire, each reported by two outlets.
    assert _verdict("Ten people were killed and at least 50 injured when an earthquake razed mud-brick villages on "
                    "the Persian Gulf island of Qeshm off Iran's southern coast Sunday, officials and state media said",
                    "State television quoted the disaster center in the province of Hormozgan as saying 10 people "
                    "were killed") == "agree"
    assert _verdict("3 dead after protesters torch Greek bank", "BREAKING NEWS-3 DEAD due to Molotov cocktail at Bank"
                    ) == "agree"


def test_real_figures_that_can_both_be_true_decide_nothing():
    # ECB+ Greek riots: "at least 70" and "about 100" injured can both be true.
    assert _verdict("Violence has wracked Greece every day since the death of 15-year-old Alexandros Grigoropoulos, "
                    "leaving at least 70 people injured", "About 100 people have been injured") is None


def test_real_reports_with_conflicting_injury_counts_contradict():
    assert _verdict("Police said 12 people were injured in the riots",
                    "The riots in cities throughout the country has left at least 70 people injured") == "contradict"


def test_a_count_of_one_sort_of_people_is_part_of_the_toll():
    # ECB+ Athens bank fire: "two women and a man" are the "3 dead", not a second toll.
    assert _verdict("The two women and a man were killed during demonstrations by tens of thousands who marched "
                    "through Athens.", "Greek anti-austerity march erupts in violence, 3 dead") is None
    assert _verdict("A fire-bomb attack on a bank in Greece killed at least three people Wednesday",
                    "A petrol bomb hurled at an Athens branch of the Marfin Investment Bank killed two women and a man "
                    "who were caught in the resulting inferno.") is None
    assert _verdict("Five children were killed in the shelling.", "Three people were killed in the shelling.") \
        == "contradict"   # a part larger than the whole


def test_tolls_in_different_countries_are_different_frames():
    # ECB+: a Chinese and an Iranian earthquake in one topic.
    assert _verdict("On Saturday, more than a dozen people were killed by a quake in eastern China.",
                    "Ten dead in southern Iran quake") is None
    assert frames.figures("On Saturday, more than a dozen people were killed by a quake in eastern China.")[0].high \
        is None   # "more than a dozen" is a lower bound


def test_figures_without_a_stated_fate_are_no_frame():
    assert _verdict("The brigade has 3,000 soldiers.", "About 500 soldiers were killed.") is None


# --- alignment ----------------------------------------------------------------------------------

def test_each_claim_is_paired_with_at_most_k_claims_of_other_outlets():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(1, 8))
    matrix = base + 0.05 * rng.normal(size=(30, 8))     # thirty near-identical claims
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    outlets = [i % 3 for i in range(30)]
    eligible = np.ones(30, dtype=bool)
    pairs = align.nearest_pairs(matrix, outlets, eligible, np.arange(30), k=4)
    per_claim = {}
    for i, j in pairs:
        assert outlets[i] != outlets[j] and i < j
        per_claim[i] = per_claim.get(i, 0) + 1
    # 30 sources × 4 neighbours at most (a pair found from both sides counts once).
    assert 0 < len(pairs) <= 30 * 4


def test_alignment_skips_ineligible_rows_and_dissimilar_claims():
    matrix = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0], [0.98, 0.2]])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    eligible = np.array([True, True, True, False])
    pairs = align.nearest_pairs(matrix, [1, 2, 3, 4], eligible, np.array([0]), k=3)
    assert set(pairs) == {(0, 1)}   # row 2 is orthogonal, row 3 is a copy's repeated sentence


def test_an_anchor_is_a_shared_frame_or_two_content_words():
    a = align.anchors("Ukraine denies Russian forces entered the Dnipropetrovsk region")
    b = align.anchors("Russian forces pushed into the Dnipropetrovsk region, officials said")
    c = align.anchors("The weather in the region was mild")
    assert align.share_anchor(a, b, set(), set())
    assert not align.share_anchor(a, c, set(), set())
    assert align.share_anchor(set(), set(), {"drones"}, {"drones"})


# --- decision ----------------------------------------------------------------------------------

def _reading(ab=0.0, ba=0.0, contradiction=0.0):
    return PairReading(entails_ab=ab, entails_ba=ba, contradiction=contradiction)


def test_agreement_needs_entailment_both_ways():
    a, b = "Russian troops entered the village.", "Russian troops entered the village on Sunday."
    assert judge(a, b, _reading(ab=0.95, ba=0.9)).label == "agree"
    assert judge(a, b, _reading(ab=0.95, ba=0.2)) is None     # one-way: B says more than A


def test_contradiction_needs_a_confident_model():
    a, b = "Russian forces entered the Dnipropetrovsk region.", "No Russian troops are in the Dnipropetrovsk region."
    verdict = judge(a, b, _reading(contradiction=0.93))
    assert verdict.label == "contradict" and verdict.reason == "model" and verdict.score == pytest.approx(0.93)
    assert verdict.details["nli"]["contradiction"] == 0.93
    assert judge(a, b, _reading(contradiction=0.55)) is None


def test_conflicting_figures_contradict_whatever_the_model_reads():
    verdict = judge("Russia launched 407 drones and 45 missiles overnight.",
                    "Russia launched 407 drones and 44 missiles overnight.", _reading(ab=0.9, ba=0.9))
    assert verdict.label == "contradict" and verdict.reason == "numeric_mismatch"


def test_a_model_contradiction_between_two_negative_sentences_is_not_shown():
    """Both sentences deny or negate: they take the same side, whatever the caption-trained model reads
    (the real-coverage audit's "Ukraine denies..." / "There are no Russians..." was shown as a contradiction)."""
    confident = _reading(contradiction=0.9)
    assert judge("Ukraine denies Russian claims of advance.",
                 "There are no Russians on the territory of the region.", confident) is None
    assert judge("No one was injured in the fire.", "Nobody was hurt when the blaze hit the church.", confident) is None
    one_sided = judge("The results from the test were released Wednesday.",
                      "Results of the blood-alcohol test have not been released.", confident)
    assert one_sided.label == "contradict" and one_sided.reason == "model"


def test_a_model_contradiction_is_shown_only_where_one_sentence_negates_what_the_other_says():
    """ECB+ sentences the shipped model reads as contradictions (``bench/FINDINGS.md``, eighth session):
    a negation beside the story's other details is not a contradiction of them."""
    confident = _reading(contradiction=0.9)
    negated = [
        ("Gary Ross Will Not Direct 'Hunger Games' Sequel",
         "Gary Ross in negotiations to direct 'The Hunger Games' sequel 'Catching Fire'"),
        ("Results of Williams' blood-alcohol test have not been released.",
         "The results from the test were released Wednesday and showed a level of 0."),
        ("Apple denies it is shutting down Beats Music", "Apple Plans To Shut Down Beats Music"),
    ]
    for a, b in negated:
        assert negates_the_other(a, b) and negates_the_other(b, a)
        assert judge(a, b, confident).label == "contradict"
    beside = [
        ("No-one is believed to have been injured in the incident, which saw more than 50 firefighters tackle the "
         "blaze.", "More than 50 firefighters tackled the blaze, which broke out on the roof of the supermarket at "
         "about 2045 GMT."),
        ('"Nobody has the right to violence and particularly violence that leads to murder," Prime Minister George '
         'Papandreou told parliament.', "Prime Minister George Papandreou vowed Wednesday that those responsible for "
         "the deaths would be found and brought to justice."),
        ("Jackson released a statement through the team later Tuesday.",
         "Jackson says he doesn't think charges will be filed."),
    ]
    for a, b in beside:
        assert not negates_the_other(a, b)
        assert judge(a, b, confident) is None
    # Neither sentence negates: different details of one story, not a contradiction.
    assert judge("Jones has 193 yards on the ground.", "Bush will finish the year with 404 yards rushing.",
                 confident) is None


def test_negated_words_skip_auxiliaries():
    assert negated_words("The results have not been released by the police.") == {stem("released"), "by"}
    assert stem("direct") in negated_words("Ross won't direct the sequel.")
    assert negated_words("Ross will direct the sequel.") == set()


def test_real_paraphrases_that_both_negate_are_not_read_as_contradictions():
    """ECB+ sentences (two reports of one church fire; two of one blood-alcohol test) through the real model."""
    from comparer.pipeline.relate import judge_texts

    paraphrase = ("No one was injured in the fire last night, which was intentionally set while people, including "
                  "two children, were inside.",
                  "No one was injured, but several people, including two children, were inside the church when "
                  "the blaze started.")
    conflict = ("The results from the test were released Wednesday and showed a level of 0.",
                "Results of Williams' blood-alcohol test have not been released.")
    from comparer.relations_model import nli

    paraphrase_reading, conflict_reading = nli.pair_readings([paraphrase, conflict], model=nli.load_nli())
    assert paraphrase_reading.contradiction >= 0.7, "the model itself reads the paraphrase as a contradiction"
    verdict_paraphrase, verdict_conflict = judge_texts([paraphrase, conflict])
    assert verdict_paraphrase is None or verdict_paraphrase.label != "contradict"
    assert verdict_conflict is not None and verdict_conflict.label == "contradict"


def test_the_same_figure_agrees_unless_the_model_reads_a_denial_of_it():
    a, b = "Ten people were killed in the blast.", "The blast killed 10 people, officials said."
    assert judge(a, b, _reading(ab=0.3, ba=0.3)).reason == "same_figure"
    # A model contradiction with nothing negated is the model's error: the figures agree.
    assert judge(a, b, _reading(contradiction=0.95)).reason == "same_figure"
    denied = judge(a, "Officials denied that the blast killed 10 people.", _reading(contradiction=0.95))
    assert denied.label == "contradict" and denied.reason == "model"
    assert judge(a, b, None).label == "agree"       # figures are read without the model too


def test_topical_pairs_are_not_shown():
    assert judge("Talks in Istanbul produced no ceasefire.", "Military experts cautioned about the advance.",
                 _reading(ab=0.2, ba=0.1, contradiction=0.3)) is None


def test_different_fates_of_one_happening_contradict():
    verdict = judge("Ukraine did not show up at the agreed location for the prisoner exchange.",
                    "The prisoner exchange was postponed until next week.", _reading(contradiction=0.2))
    assert verdict.label == "contradict" and verdict.reason == "antonym"
    assert verdict.details["outcomes"] == ["no-show", "postponed"] and verdict.details["happening"] == "exchange"
    # The same fate, a negated fate, or no shared happening decide nothing.
    assert judge("The vote was postponed.", "The vote was postponed again.", None) is None
    assert judge("The match was not postponed.", "The match went ahead.", None) is None
    assert judge("The vote was postponed.", "The concert went ahead.", None) is None


def test_the_same_sentence_from_two_outlets_agrees_whatever_the_model_reads():
    # A wire sentence that FNC-1 train bodies 0, 715 and 1249 all carry (1,035 sentences recur so across bodies).
    a = "He said it is still not clear if the meteorite disintegrated or was buried."
    b = "He said it is still not clear if the meteorite disintegrated or was buried"
    for reading in (None, _reading(contradiction=0.99)):
        verdict = judge(a, b.upper(), reading)
        assert verdict.label == "agree" and verdict.reason == "same_proposition" and verdict.score == 1.0
    assert judge(a, a.replace("not clear", "clear"), _reading(contradiction=0.99)).label == "contradict"


def test_reading_back_only_where_it_can_decide_gives_the_same_decisions_on_the_dev_pack():
    """``pair_readings(decide_at=...)`` skips B→A where it cannot change the decision: on real pairs
    (the first 80 of the frozen dev pack, FNC-1 and ECB+ sentences) every decision is the same."""
    import csv

    from comparer.pipeline.relate.decide import AGREE_MIN, CONTRADICT_MIN
    from comparer.relations_model import nli
    from tests.conftest import ROOT

    with open(ROOT / "comparer" / "evaluation" / "devpack" / "pairs.tsv", encoding="utf-8") as handle:
        pairs = [(row["a"], row["b"]) for row in csv.DictReader(handle, delimiter="\t")][:80]
    model = nli.load_nli()
    full = nli.pair_readings(pairs, model=model)
    lazy = nli.pair_readings(pairs, model=model, decide_at=(AGREE_MIN, CONTRADICT_MIN))
    assert 0 < sum(not reading.both_ways for reading in lazy) < len(pairs)
    decision = lambda pair, reading: (lambda v: v and (v.label, v.reason))(judge(*pair, reading))  # noqa: E731
    assert [decision(p, r) for p, r in zip(pairs, lazy)] == [decision(p, r) for p, r in zip(pairs, full)]
    for reading, whole in zip(lazy, full):
        if reading.both_ways:
            assert reading == whole
    # Where no model contradiction can be shown (nothing negated), B→A is read for agreement only.
    gated = nli.pair_readings(pairs, model=model, decide_at=(AGREE_MIN, CONTRADICT_MIN),
                              may_contradict=[negates_the_other(*pair) for pair in pairs])
    assert sum(r.both_ways for r in gated) < sum(r.both_ways for r in lazy)
    assert [decision(p, r) for p, r in zip(pairs, gated)] == [decision(p, r) for p, r in zip(pairs, full)]
