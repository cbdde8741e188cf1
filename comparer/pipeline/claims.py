"""Claims: split an article into claim sentences with offsets, attribution and figures.

Position 0 is the headline, position 1 the standfirst (if any); body sentences follow.
Offsets (``char_start``/``char_end``) index into ``Article.text`` for body sentences and are
``0``/``len(title)`` for the headline, so the UI can highlight sentences in place.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from comparer.pipeline import attribution, numbers

# Abbreviations after which a period does not end a sentence.
ABBREVIATIONS = {
    "gen", "lt", "col", "maj", "capt", "sgt", "adm", "brig", "cmdr", "mr", "mrs", "ms", "dr", "prof", "sen",
    "rep", "gov", "pres", "st", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat",
    "sun", "approx", "est", "fig", "dept", "univ", "mt", "ft", "gov't", "u.s", "u.k", "u.n", "e.g", "i.e",
}
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_CHECKWORTHY_HINT = re.compile(
    r"\d|\b(said|says|told|stated|announced|claimed|denied|reported|according|killed|destroyed|seized|"
    r"captured|attack|strike|exchange|advance|agreed|refused|failed|postponed|confirmed|accused)\b",
    re.IGNORECASE,
)


@dataclass
class ClaimDraft:
    position: int
    text: str
    char_start: int
    char_end: int
    is_headline: bool = False
    is_checkworthy: bool = True
    speaker: str = ""
    speaker_normalized: str = ""
    channel: str = ""
    channel_normalized: str = ""
    is_quote: bool = False
    numbers: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    places: list = field(default_factory=list)

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)


def text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _ends_with_abbreviation(text: str, end: int) -> bool:
    match = re.search(r"([A-Za-z][A-Za-z.']*)\.$", text[:end].rstrip("\"'”’)]"))
    if not match:
        return False
    word = match.group(1).lower()
    if word in ABBREVIATIONS:
        return True
    # Initials ("J. Smith", "U.S.") end in a single capital letter.
    return len(word.replace(".", "")) <= 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of sentences in ``text``; paragraphs always end a sentence."""
    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        p_start, chunk = paragraph.start(), paragraph.group(0)
        cursor = 0
        for match in _BOUNDARY.finditer(chunk):
            end = match.end()
            if _ends_with_abbreviation(chunk, end):
                continue
            spans.append((p_start + cursor, p_start + end))
            cursor = end
            while cursor < len(chunk) and chunk[cursor].isspace():
                cursor += 1
        if cursor < len(chunk):
            spans.append((p_start + cursor, p_start + len(chunk.rstrip())))
    return [(start, end) for start, end in spans if text[start:end].strip()]


def is_checkworthy(sentence: str) -> bool:
    words = sentence.split()
    if len(words) < 5:
        return False
    return bool(_CHECKWORTHY_HINT.search(sentence)) or any(w[:1].isupper() for w in words[1:])


def extract_claims(*, title: str, text: str, standfirst: str = "", published_at=None) -> list[ClaimDraft]:
    drafts: list[ClaimDraft] = []
    if title.strip():
        drafts.append(ClaimDraft(position=0, text=title.strip(), char_start=0, char_end=len(title.strip()),
                                 is_headline=True))
    for start, end in split_sentences(text):
        sentence = text[start:end].strip()
        drafts.append(ClaimDraft(position=len(drafts), text=sentence, char_start=start, char_end=end))
    for draft in drafts:
        found = attribution.extract(draft.text)
        draft.speaker, draft.channel, draft.is_quote = found.speaker, found.channel, found.is_quote
        draft.speaker_normalized = attribution.normalize_actor(found.speaker)
        draft.channel_normalized = attribution.normalize_actor(found.channel)
        draft.numbers = numbers.extract_quantities(draft.text)
        draft.dates = numbers.extract_dates(draft.text, published_at)
        draft.places = numbers.extract_places(draft.text)
        draft.is_checkworthy = draft.is_headline or is_checkworthy(draft.text)
    return drafts
