"""What became of a scheduled happening (an exchange, a vote, a match, talks), where a sentence says so plainly.

Outlets that disagree about a planned happening usually give it different fates: it went ahead,
it was postponed, it was called off, or a party did not show up. Each is a plain verb phrase that
sentence-pair models trained on captions read as neutral, so two aligned sentences that give the
same happening different fates are a contradiction (``incompatible_outcomes``). The fates are
looked for only in sentences that share the happening's noun, and a negated fate ("was not
postponed") is no fate at all, so the check stays quiet where it cannot be sure.
"""
from __future__ import annotations

import re

HAPPENINGS = re.compile(r"\b(exchange|swap|vote|election|referendum|match|game|talks|meeting|summit|hearing|trial|"
                        r"concert|launch|ceremony|handover|session|visit)s?\b", re.I)
_NEGATED = r"(?<!not )(?<!n't )(?<!never )"
FATES = {
    "held": re.compile(rf"{_NEGATED}\b(?:took place|went ahead|was held|were held|was completed|was carried out)\b", re.I),
    "postponed": re.compile(rf"{_NEGATED}\b(?:postponed|rescheduled|put off|pushed back|delayed until)\b", re.I),
    "cancelled": re.compile(rf"{_NEGATED}\b(?:called off|cancell?ed|scrapped)\b", re.I),
    "no-show": re.compile(r"\b(?:did not|didn't|failed to|fails to|never)\s+(?:show(?:ed)? up|turn(?:ed)? up|appear|"
                          r"attend)\b(?!\s+(?:late|on time))", re.I),
}


def fates(text: str) -> set[str]:
    return {fate for fate, pattern in FATES.items() if pattern.search(text)}


def incompatible_outcomes(text_a: str, text_b: str) -> dict | None:
    """Both fates when two sentences about the same kind of happening give it different fates."""
    shared = {m.lower().rstrip("s") for m in HAPPENINGS.findall(text_a)} & \
        {m.lower().rstrip("s") for m in HAPPENINGS.findall(text_b)}
    fates_a, fates_b = fates(text_a), fates(text_b)
    if not shared or not fates_a or not fates_b or fates_a & fates_b:
        return None
    return {"outcomes": [sorted(fates_a)[0], sorted(fates_b)[0]], "happening": sorted(shared)[0]}
