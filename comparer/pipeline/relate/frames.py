"""Quantity frames: a figure is compared only with a figure for the same thing.

A frame is what is counted (``numbers.KINDS``: drones, missiles, soldiers, people...), what
happened to it (launched, intercepted, killed, wounded...), whose it is (Ukrainian drones,
Russian soldiers), where (in Kyiv, over Russia, nationwide) and over what period (overnight, this
week, since the start of the war). Two frames are the same when every part that both sentences
state agrees and the counted thing and its fate are stated on both sides; a part only one sentence
states is no conflict ("17 injured" / "17 injured in the capital"). Figures joined by "and"
inherit the fate of the first and add up: "at least 38 cruise missiles and six ballistic" gives
38 cruise, 6 ballistic and 44 missiles in all. A figure of one sort ("38 cruise missiles", "two
women") against one of no stated sort counts part of the whole, so it conflicts only when larger.

``compare`` returns ``("contradict", details)`` when some figure of one sentence has no
compatible figure in the other but a conflicting one in the same frame (3,435 against fewer than
600 killed; 45 against 44 missiles), ``("agree", details)`` when they share a frame and every shared
frame's figures can all be true and one figure is the same on both sides, and ``None`` otherwise
(no shared frame, or compatible figures that differ: "at least 70" / "about 100" injured).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from comparer.pipeline import numbers
from comparer.pipeline.attribution import DEMONYMS

_SIDES = {word: state for word, state in DEMONYMS.items()}
_PERIODS = (
    ("night", re.compile(r"\b(?:overnight|last night|during the night|tonight)\b|(?<!\w)(?:за ночь|ночью|минувшей ночью|"
                         r"за ніч|вночі|минулої ночі)(?!\w)", re.I)),
    ("week", re.compile(r"\b(?:this|last|past|the previous|over the) week\b", re.I)),
    ("month", re.compile(r"\b(?:this|last|past|the previous|over the) month\b", re.I)),
    ("total", re.compile(r"\b(?:in total|since the (?:start|beginning)|so far this year|since February 2022|"
                         r"total of|overall)\b", re.I)),
)
_NATIONWIDE = re.compile(r"\b(?:nationwide|across the country|across ukraine|across russia)\b", re.I)
_PLACE_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:in|over|near|on|across|outside)\s+(?:the\s+)?"
                          r"(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+"
                          r"|central\s+)?(?P<place>capital|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
_CONJOINED = re.compile(rf"^\s*,?\s*(?:and|plus)\s+{numbers._QUALIFIER}{numbers._NUMBER}\s+(?P<mod>[a-z][\w-]*)"
                        r"(?:\s+ones)?\b", re.I)
# Words that say what sort of the counted thing it is: "cruise missiles", "Shahed drones".
_QUALIFIER_WORDS = {word for qualifier in numbers._QUALIFIERS for word in qualifier.split()}
# Counted people who are part of a toll of people: "two women" among "3 dead".
_PEOPLE_SORTS = {"children", "women", "men", "civilians"}
_NOT_SUBKIND = {"a", "an", "more", "than", "about", "around", "some", "the", "of", "and", "were", "had", "have",
                "other", "new", "enemy", "combat", "military", "attack", "total", "all"}


@dataclass(frozen=True)
class Figure:
    kind: str
    fate: str
    subkind: str
    side: str
    place: str
    period: str
    value: float
    low: float
    high: float | None
    text: str

    def same_frame(self, other: Figure) -> bool:
        if self.kind != other.kind or not self.fate or self.fate != other.fate:
            return False
        for mine, theirs in ((self.side, other.side), (self.period, other.period), (self.subkind, other.subkind)):
            if mine and theirs and mine != theirs:
                return False
        return not (self.place and other.place and self.place != other.place
                    and "capital" not in (self.place, other.place))

    def compatible(self, other: Figure) -> bool:
        """The two figures can both be true (ranges overlap; exact counts must be equal)."""
        high_a = float("inf") if self.high is None else self.high
        high_b = float("inf") if other.high is None else other.high
        return not (high_a < other.low or high_b < self.low)

    def conflicts(self, other: Figure) -> bool:
        """The two figures cannot both be true. A figure of one sort against a figure of no stated sort
        counts part of the whole ("two women" among "3 dead", "38 cruise missiles" among "45
        missiles"): it conflicts only when the part is larger."""
        if bool(self.subkind) == bool(other.subkind):
            return not self.compatible(other)
        part, whole = (self, other) if self.subkind else (other, self)
        return whole.high is not None and part.low > whole.high


def _exact_range(quantity: dict) -> tuple[float, float | None]:
    """An unqualified count is the number itself; a qualifier widens it as ``numbers.value_range`` says."""
    if not quantity.get("qualifier"):
        value = float(quantity["value"])
        return value, value
    low, high = quantity.get("range") or numbers.value_range(float(quantity["value"]), "")
    return low, high


def _modifiers(quantity_text: str) -> tuple[str, str]:
    """(side, subkind) from the words between the number and the counted noun."""
    words = re.findall(r"[A-Za-z][\w.-]*", quantity_text)[:-1]
    side, subkind = "", ""
    for word in words:
        lower = word.lower()
        if lower in _SIDES:
            side = _SIDES[lower]
        elif lower not in _NOT_SUBKIND and lower not in numbers._WORD_NUMBERS and lower not in _QUALIFIER_WORDS:
            subkind = lower
    return side, subkind


def _place(text: str, end: int) -> str:
    if _NATIONWIDE.search(text):
        return "nationwide"
    match = _PLACE_AFTER.match(text[end:end + 70])
    if not match:
        return ""
    place = match.group("place")
    first = place.split()[0].lower()
    if first in _SIDES or first in numbers._MONTHS or first in numbers._WEEKDAYS:
        return ""
    return "capital" if place.lower() == "capital" else place.lower()


def figures(text: str) -> list[Figure]:
    return list(_figures(text))


# A claim is compared with up to k others, and ``relate_event`` asks ``figures_conflict`` before
# ``decide`` asks ``compare``: each sentence's figures are read once.
@functools.lru_cache(maxsize=50_000)
def _figures(text: str) -> tuple[Figure, ...]:
    period = next((name for name, pattern in _PERIODS if pattern.search(text)), "")
    quantities = sorted(numbers.extract_quantities(text), key=lambda q: q["start"])
    found: list[Figure] = []
    previous: Figure | None = None
    previous_end = -1
    starts = {q["start"] for q in quantities}
    for quantity in quantities:
        kind = quantity.get("kind") or quantity.get("unit")
        fate = numbers.WHAT_CLASS.get(quantity.get("what", ""), quantity.get("what", ""))
        side, subkind = _modifiers(quantity["text"])
        noun = quantity["text"].split()[-1].lower()
        subkind = subkind or (noun if kind == "people" and noun in _PEOPLE_SORTS else "")
        side = quantity.get("side") or side   # Russian / Ukrainian figures say whose in ``numbers``
        joined = previous is not None and re.fullmatch(r"\s*,?\s*(?:and|plus)\s+", text[previous_end:quantity["start"]])
        if joined:   # "launched 407 drones and 45 missiles": the fate reaches both counts
            fate = fate or previous.fate
            side = side or (previous.side if previous.kind == kind else "")
        low, high = _exact_range(quantity)
        figure = Figure(kind, fate, subkind, side, _place(text, quantity["end"]), period,
                        float(quantity["value"]), low, high, quantity["text"])
        found.append(figure)
        if joined and previous.kind == kind:
            found.append(_total(previous, figure))
        previous, previous_end = figure, quantity["end"]
        conjoined = _CONJOINED.match(text[quantity["end"]:])
        if conjoined and quantity["end"] + conjoined.start("number") not in starts:
            # "38 cruise missiles and six ballistic": the second figure counts the same thing.
            value = numbers._to_number(conjoined.group("number"))
            second = Figure(kind, fate, conjoined.group("mod").lower(), side, figure.place, period, value, value,
                            value, conjoined.group(0).strip(" ,"))
            found += [second, _total(figure, second)]
    return tuple(found)


def _total(first: Figure, second: Figure) -> Figure:
    high = None if first.high is None or second.high is None else first.high + second.high
    return Figure(first.kind, first.fate or second.fate, "", first.side, first.place, first.period,
                  first.value + second.value, first.low + second.low, high, f"{first.text} + {second.text}")


def _describe(figure: Figure) -> dict:
    return {"value": int(figure.value) if figure.value == int(figure.value) else figure.value, "text": figure.text,
            "frame": {"counted": figure.kind, "fate": figure.fate, "side": figure.side, "place": figure.place,
                      "period": figure.period, "sort": figure.subkind}}


def compare(text_a: str, text_b: str) -> tuple[str, dict] | None:
    figures_a, figures_b = figures(text_a), figures(text_b)
    pairs = [(a, b) for a in figures_a for b in figures_b if a.same_frame(b)]
    if not pairs:
        return None

    def matched(figure: Figure, others: list[Figure]) -> bool:
        return any(figure.same_frame(other) and figure.compatible(other) for other in others)

    for a, b in pairs:
        if a.conflicts(b) and not matched(a, figures_b) and not matched(b, figures_a):
            return "contradict", {"a": _describe(a), "b": _describe(b)}
    same = next(((a, b) for a, b in pairs if a.value == b.value), None)
    if same is None:
        return None   # compatible figures that are not the same ("at least 70" / "about 100") decide nothing
    return "agree", {"a": _describe(same[0]), "b": _describe(same[1])}


def figures_conflict(text_a: str, text_b: str) -> bool:
    """Whether ``compare`` finds two figures in one frame that cannot both be true: a decision the
    NLI model's reading cannot change (``decide``), so the pair need not be read."""
    outcome = compare(text_a, text_b)
    return outcome is not None and outcome[0] == "contradict"
