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
_INITIALISMS = {"u.s", "u.k", "u.n", "e.u", "u.s.a"}
_SENTENCE_STARTERS = {"The", "It", "He", "She", "They", "We", "I", "But", "A", "An", "In", "On", "This", "That",
                      "There", "His", "Her", "Their", "Its", "However", "Meanwhile", "Officials", "According"}
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_CHECKWORTHY_HINT = re.compile(
    r"\d|\b(said|says|told|stated|announced|claimed|denied|reported|according|killed|destroyed|seized|"
    r"captured|attack|strike|exchange|advance|agreed|refused|failed|postponed|confirmed|accused)\b"
    # Russian and Ukrainian reporting and war verbs, by stem.
    r"|(?<!\w)(заяв|сообщ|повідом|сказал|сказав|отметил|зазначи|подтверд|підтверд|опроверг|спростув|заперечи|"
    r"убит|погиб|загин|уничтож|знищ|захват|захоп|удар|обмен|обмін|перенес|согласова|погодж|обвини|звинуват)",
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
    if word in _INITIALISMS:
        # "in the U.S. The talks..." ends a sentence; "the U.S. military" does not.
        following = re.match(r"\s*[\"'“‘(]?([A-Za-z]+)", text[end:])
        return not (following and following.group(1) in _SENTENCE_STARTERS)
    if word in ABBREVIATIONS:
        return True
    # Initials ("J. Smith", "U.S.") end in a single capital letter.
    return len(word.replace(".", "")) <= 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


_DATELINE = re.compile(
    r"^(?P<dateline>(?:[A-Z][A-Z.'’-]+(?:[ -][A-Z][A-Z.'’-]+)*)(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?"
    r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))?(?:,?\s+\d{4})?"
    r"\s*(?:\((?:[A-Za-z .&-]{2,30})\))?\s*[-–—:]+\s+)")


def dateline(paragraph: str) -> str:
    """The leading "KYIV, June 8 (Reuters) -" of a wire story's first paragraph, or ""."""
    match = _DATELINE.match(paragraph)
    if not match:
        return ""
    place = match.group("dateline").split(",")[0].split("(")[0].strip(" -–—:")
    # Only all-capitals place names make a dateline ("KYIV"), not the start of a sentence ("A man -").
    return match.group("dateline") if len(place) >= 3 and place.upper() == place else ""


_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _is_cyrillic(paragraph: str) -> bool:
    """Mostly Cyrillic letters: Russian, Ukrainian, Belarusian... (a Latin name or two does not count)."""
    cyrillic = len(_CYRILLIC_LETTER.findall(paragraph))
    return cyrillic > 0 and cyrillic >= len(_LATIN_LETTER.findall(paragraph))


def _cyrillic_spans(chunk: str) -> list[tuple[int, int]]:
    """Sentences of a Russian or Ukrainian paragraph, by ``razdel`` (Natasha's rule-based splitter).

    The English rules below only end a sentence before a Latin capital, and their abbreviations
    are English; razdel knows "г.", "т. е.", initials ("А. Зорин") and «guillemet» quotations.
    """
    import razdel

    return [(piece.start, piece.stop) for piece in razdel.sentenize(chunk)]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of sentences in ``text``; paragraphs always end a sentence.

    A period after an abbreviation ("Gen.", "U.S.", "Jan.") or an initial does not end a
    sentence; a leading wire dateline is left out of the first sentence's span. Paragraphs in
    Cyrillic script (Russian, Ukrainian) are split by ``razdel``.
    """
    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        p_start, chunk = paragraph.start(), paragraph.group(0)
        if _is_cyrillic(chunk):
            spans.extend((p_start + start, p_start + end) for start, end in _cyrillic_spans(chunk))
            continue
        cursor = len(dateline(chunk))
        for match in _BOUNDARY.finditer(chunk):
            end = match.end()
            if end <= cursor or _ends_with_abbreviation(chunk, end):
                continue
            spans.append((p_start + cursor, p_start + end))
            cursor = end
            while cursor < len(chunk) and chunk[cursor].isspace():
                cursor += 1
        if cursor < len(chunk) and chunk[cursor:].strip():
            spans.append((p_start + cursor, p_start + len(chunk.rstrip())))
    return [(start, end) for start, end in spans if text[start:end].strip()]


_FILLER = re.compile(r"^(?:read more|subscribe|follow us|sign up|click here|share this|advertisement|photo:|"
                     r"watch:|related:|all rights reserved|copyright|©)", re.IGNORECASE)


def is_checkworthy(sentence: str, *, has_figures: bool = False, has_speaker: bool = False,
                   has_places: bool = False) -> bool:
    """A statement a reader could check: figures, named actors, places, attributed or factual verbs.

    Filler (navigation, bylines, questions to the reader, very short fragments) is not.
    """
    words = sentence.split()
    if len(words) < 5 or _FILLER.search(sentence.strip()) or sentence.rstrip().endswith("?"):
        return False
    if has_figures or has_speaker or has_places:
        return True
    return bool(_CHECKWORTHY_HINT.search(sentence)) or any(w[:1].isupper() for w in words[1:])


_OPENING_QUOTES = "\"“"


def _quote_runs(sentences: list[str]) -> list[tuple[int, int]]:
    """Index ranges of consecutive sentences inside one quotation that spans sentences."""
    runs, open_at, depth = [], None, 0
    for index, sentence in enumerate(sentences):
        straight = sentence.count('"')
        curly_open, curly_close = sentence.count("“"), sentence.count("”")
        if open_at is None:
            if straight % 2 == 1 or curly_open > curly_close:
                open_at, depth = index, 1
        else:
            if straight % 2 == 1 or curly_close > curly_open:
                runs.append((open_at, index))
                open_at, depth = None, 0
    return runs


_GENERIC_SPEAKER = re.compile(r"^(?:an?|the)?\s*(?:(?:senior|ukrainian|russian|military|government)\s+)?"
                              r"(?P<head>official|source|ministry|spokesperson|spokesman|staff|agency|general)$",
                              re.IGNORECASE)


def _resolve_in_context(speaker: str, earlier: list[str]) -> str:
    """"the Ministry" after "the Russian Defense Ministry" is that ministry."""
    match = _GENERIC_SPEAKER.match(speaker.strip())
    if not match:
        return speaker
    head = match.group("head").lower()
    for previous in reversed(earlier):
        if previous.lower() != speaker.lower() and previous.lower().split()[-1:] == [head] or (
                head in previous.lower().split() and len(previous.split()) > 1):
            return previous
    return speaker


def extract_claims(*, title: str, text: str, standfirst: str = "", published_at=None) -> list[ClaimDraft]:
    drafts: list[ClaimDraft] = []
    if title.strip():
        drafts.append(ClaimDraft(position=0, text=title.strip(), char_start=0, char_end=len(title.strip()),
                                 is_headline=True))
    body_places: list[str] = []
    first_paragraph = text.lstrip().split("\n", 1)[0]
    line = dateline(first_paragraph)
    if line:
        body_places.append(line.split(",")[0].split("(")[0].strip(" -–—:").title())
    for start, end in split_sentences(text):
        sentence = text[start:end].strip()
        drafts.append(ClaimDraft(position=len(drafts), text=sentence, char_start=start, char_end=end))
    found = [attribution.extract(draft.text) for draft in drafts]
    # A quotation that spans sentences is attributed once, usually after it closes:
    # '"A. B," General Zorin told TASS.' gives both A and B the speaker and channel.
    body = drafts[1:] if drafts and drafts[0].is_headline else drafts
    offset = len(drafts) - len(body)
    for first, last in _quote_runs([d.text for d in body]):
        source = next((found[offset + i] for i in (last, first) if found[offset + i].speaker), None)
        if source is None:
            continue
        for i in range(first, last + 1):
            found[offset + i] = attribution.Attribution(speaker=source.speaker, channel=source.channel,
                                                        is_quote=True)
    earlier_speakers: list[str] = []
    for draft, attributed in zip(drafts, found):
        speaker = _resolve_in_context(attributed.speaker, earlier_speakers) if attributed.speaker else ""
        draft.speaker, draft.channel, draft.is_quote = speaker, attributed.channel, attributed.is_quote
        draft.speaker_normalized = attribution.normalize_actor(speaker)
        draft.channel_normalized = attribution.normalize_actor(attributed.channel)
        if speaker and not draft.is_headline:
            earlier_speakers.append(speaker)
        draft.numbers = numbers.extract_quantities(draft.text)
        draft.dates = numbers.extract_dates(draft.text, published_at)
        draft.places = numbers.extract_places(draft.text)
        if draft.position == 1 and body_places:
            draft.places = list(dict.fromkeys(body_places + draft.places))
        draft.is_checkworthy = draft.is_headline or is_checkworthy(
            draft.text, has_figures=bool(draft.numbers), has_speaker=bool(speaker), has_places=bool(draft.places))
    return drafts
