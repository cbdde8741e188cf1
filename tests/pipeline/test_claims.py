from datetime import datetime, timezone

from comparer.pipeline.claims import dateline, extract_claims, is_checkworthy, split_sentences
from tests.conftest import SEED


def _sentences(text):
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "Gen. Oleksandr Syrskyi said the U.S. military aid arrived late. Lt. Col. J. Smith disagreed."
    assert _sentences(text) == ["Gen. Oleksandr Syrskyi said the U.S. military aid arrived late.",
                                "Lt. Col. J. Smith disagreed."]


def test_initialism_at_the_end_of_a_sentence_still_ends_it():
    assert _sentences("The aid came from the U.S. The talks resume on Monday.") == [
        "The aid came from the U.S.", "The talks resume on Monday."]


def test_wire_dateline_is_left_out_of_the_first_sentence():
    text = "KYIV, June 8 (Reuters) - Ukrainian officials said the exchange was postponed."
    assert dateline(text) == "KYIV, June 8 (Reuters) - "
    assert _sentences(text) == ["Ukrainian officials said the exchange was postponed."]
    drafts = extract_claims(title="Exchange postponed", text=text)
    assert "Kyiv" in drafts[1].places


def test_sentence_starting_with_capitalised_word_is_not_a_dateline():
    assert dateline("Russia said on Sunday - without evidence - that it advanced.") == ""


def test_seed_quote_spanning_two_sentences_keeps_the_speaker_and_channel():
    seed = SEED.read_text(encoding="utf-8")
    start = seed.index("Ukraine did not show up at the agreed-upon")
    drafts = extract_claims(title="Ukraine fails to show up at prisoner, body exchange", text=seed[start:start + 1200],
                            published_at=datetime(2025, 6, 8, tzinfo=timezone.utc))
    first = next(d for d in drafts if d.text.startswith('"We have seen reports'))
    second = next(d for d in drafts if d.text.startswith("We are awaiting official communications"))
    for draft in (first, second):
        assert draft.speaker_normalized == "Alexander Zorin"
        assert draft.channel_normalized == "TASS"
        assert draft.is_quote
    assert any(d["date"] == "2025-06-07" for d in second.dates)
    assert drafts[0].is_headline and drafts[0].position == 0


def test_generic_speaker_resolves_to_the_institution_named_earlier():
    text = ("On June 6, the Russian Defense Ministry announced that its forces had unleashed strikes.\n"
            "\"Last night, the armed forces carried out a massive strike,\" the Ministry stated in its channel on Telegram.")
    drafts = extract_claims(title="Strikes", text=text)
    assert drafts[2].speaker_normalized == "Russian Defence Ministry"
    assert drafts[2].channel_normalized == "Telegram"


def test_checkworthiness_separates_statements_from_filler():
    assert is_checkworthy("Russian forces destroyed 39 armored vehicles, the ministry said.", has_figures=True)
    assert not is_checkworthy("Read more: our live coverage of the war in Ukraine")
    assert not is_checkworthy("Thanks for reading.")
    assert not is_checkworthy("What happens next for the talks in Istanbul?")
