"""The optional weak-neutral source of ``nli_fit`` keeps the frozen dev pack's FNC-1 text out of training."""
from comparer.relations_model import nli_fit
from tests.conftest import ROOT

DEVPACK = ROOT / "comparer" / "evaluation" / "devpack" / "pairs.tsv"


def test_the_dev_packs_fnc1_bodies_and_headlines_are_found_to_be_excluded():
    bodies, headlines = nli_fit.devpack_fnc1_ids(DEVPACK)
    sources = DEVPACK.read_text(encoding="utf-8")
    # 133 body cells and 53 headline cells name fewer distinct ids; each one is named in the pack.
    assert 50 <= len(bodies) <= 133 and 20 <= len(headlines) <= 53
    assert all(f"fnc1:body:{body}" in sources for body in bodies)
    assert all(f"fnc1:headline:{index}" in sources for index in headlines)


def test_news_sentences_keep_whole_sentences_of_a_usable_length():
    text = ('Officials said the blast was caused by a gas leak in the basement of the building. "We are '
            'still looking," the chief said. Short one.\nA second paragraph reports that two people were '
            'taken to hospital with minor injuries on Sunday night.')
    assert nli_fit.news_sentences(text) == [
        "Officials said the blast was caused by a gas leak in the basement of the building.",
        "A second paragraph reports that two people were taken to hospital with minor injuries on Sunday night.",
    ]
