"""Attribution: who is said to have said a claim, and through which channel.

"General Alexander Zorin told TASS" → speaker "General Alexander Zorin", channel "TASS".
``normalize_actor`` maps name variants to one canonical form so actors match across outlets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_SPEECH = r"(?:said|says|told|stated|states|announced|claimed|claims|added|noted|reported|wrote|warned|insisted|denied|confirmed|declared|condemned)"
_NAME = r"(?:the\s+)?(?:[A-Z][\w'’.-]*(?:\s+(?:of|for|and|the|de|von|al)\b|\s+[A-Z][\w'’.-]*|\s+\d+)*)"

_TOLD = re.compile(rf"(?P<speaker>{_NAME})\s+(?:{_SPEECH})\s+(?P<channel>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)\b")
_SAID_IN = re.compile(rf"(?P<speaker>{_NAME})\s+{_SPEECH}\b(?:.*?\b(?:in|on|via)\s+(?:its|his|her|a|an|the)\s+(?:channel\s+on\s+)?(?P<channel>Telegram|X|Twitter|statement|briefing))?")
_ACCORDING = re.compile(rf"\baccording to\s+(?P<speaker>{_NAME})")
_QUOTE = re.compile(r"[\"“].{12,}?[\"”]")

# Canonical names for common variants; fuzzy matching covers the rest.
ALIASES = {
    "russian mod": "Russian Defence Ministry",
    "mod": "Russian Defence Ministry",
    "russia's defense ministry": "Russian Defence Ministry",
    "russia's defence ministry": "Russian Defence Ministry",
    "russian defense ministry": "Russian Defence Ministry",
    "russian defence ministry": "Russian Defence Ministry",
    "the ministry": "Ministry",
    "kiev": "Kyiv",
    "kiev regime": "Kyiv",
}


@dataclass
class Attribution:
    speaker: str = ""
    channel: str = ""
    is_quote: bool = False


def extract(sentence: str) -> Attribution:
    found = Attribution(is_quote=bool(_QUOTE.search(sentence)))
    match = _TOLD.search(sentence)
    if match and not re.match(r"(?:the\s+)?(?:On|In|At|Last)\b", match.group("speaker")):
        found.speaker, found.channel = match.group("speaker").strip(), match.group("channel").strip()
        if found.channel.split()[0] in {"That", "The", "Reporters", "On", "In"}:
            found.channel = ""
        return found
    match = _SAID_IN.search(sentence)
    if match:
        found.speaker = match.group("speaker").strip()
        found.channel = (match.group("channel") or "").strip()
        return found
    match = _ACCORDING.search(sentence)
    if match:
        found.speaker = match.group("speaker").strip()
    return found


def normalize_actor(name: str) -> str:
    name = re.sub(r"^(?:the)\s+", "", (name or "").strip(), flags=re.IGNORECASE).strip(" ,.")
    if not name:
        return ""
    return ALIASES.get(name.lower(), name)
