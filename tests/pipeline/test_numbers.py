from datetime import date

from comparer.pipeline.numbers import extract_dates, extract_places, extract_quantities, figures_conflict, same_quantity

SEED_LOSSES = ("The Russian Defense Ministry said in a statement that Ukrainian forces suffered heavy losses, with over "
               "3,435 troops killed, 39 armored vehicles destroyed - including a Bradley IFV and five US-made M113 "
               "APCs, along with 44 other military vehicles and 29 artillery pieces eliminated in the fighting.")


def _by_text(sentence):
    return {q["text"]: q for q in extract_quantities(sentence)}


def test_seed_losses_keep_what_they_count():
    found = _by_text(SEED_LOSSES)
    troops = found["over 3,435 troops"]
    assert troops["value"] == 3435 and troops["kind"] == "soldiers" and troops["what"] == "killed"
    assert troops["qualifier"] == "over" and troops["range"] == [3435, None]
    armored = found["39 armored vehicles"]
    assert armored["kind"] == "armored vehicles" and armored["what"] == "destroyed"
    assert found["29 artillery pieces"]["kind"] == "artillery"
    assert found["44 other military vehicles"]["kind"] == "vehicles"


def test_dates_are_not_quantities():
    assert extract_quantities("General Alexander Zorin told TASS on June 7 that talks continue in 2025.") == []


def test_figures_for_the_same_quantity_conflict_only_when_ranges_exclude_each_other():
    moscow = _by_text(SEED_LOSSES)["over 3,435 troops"]
    kyiv = extract_quantities("Fewer than 600 Ukrainian soldiers were killed over that period.")[0]
    assert same_quantity(moscow, kyiv) and figures_conflict(moscow, kyiv)
    again = extract_quantities("Moscow said Ukrainian forces had lost more than 3,435 troops killed.")[0]
    assert same_quantity(moscow, again) and not figures_conflict(moscow, again)
    armored_kyiv = extract_quantities("Ukraine lost 12 armored vehicles in the same period.")[0]
    armored_moscow = _by_text(SEED_LOSSES)["39 armored vehicles"]
    assert same_quantity(armored_kyiv, armored_moscow) and figures_conflict(armored_kyiv, armored_moscow)
    assert not same_quantity(armored_moscow, _by_text(SEED_LOSSES)["29 artillery pieces"])


def test_relative_dates_resolve_against_publication_date():
    published = date(2025, 6, 8)  # a Sunday
    found = {d["text"]: d["date"] for d in extract_dates(
        "On Sunday officials said the exchange of June 7 was postponed until next week; it was agreed on Friday, "
        "two days ago.", published)}
    assert found["On Sunday"] == "2025-06-08"
    assert found["June 7"] == "2025-06-07"
    assert found["on Friday"] == "2025-06-06"
    assert found["two days ago"] == "2025-06-06"
    assert found["next week"] == "2025-06-15"


def test_places_with_spelling_variants():
    places = extract_places("Russian forces advanced into Ukraine's Dnipropetrovsk region near Fedorovka and Kiev.")
    assert "Dnipropetrovsk" in places and "Fedorovka" in places
    assert extract_places("the terrorist actions of the Kiev regime") == ["Kyiv"]
