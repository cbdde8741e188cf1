"""Attribution: who is said to have said a claim, and through which channel.

"General Alexander Zorin told TASS" → speaker "General Alexander Zorin", channel "TASS";
"Russia's defense ministry stated" → speaker "Russia's defense ministry". ``normalize_actor``
maps a speaker or channel to one canonical form so the same actor matches across outlets:
titles are dropped ("General Alexander Zorin" → "Alexander Zorin"), spellings unified
("Kiev" → "Kyiv", "defense" → "defence"), and known institutions matched with rapidfuzz
("Russian Ministry of Defence", "Russian MoD" → "Russian Defence Ministry"); a state's body is its
people's ("Ukraine's Air Force" → "Ukrainian Air Force"), and an unnamed spokesperson is the body they
speak for ("General Staff spokesperson" → "Ukrainian General Staff").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from comparer.pipeline import numbers

_SPEECH = (r"(?:said|says|told|tells|stated|states|announced|announces|claimed|claims|added|adds|noted|reported|"
           r"wrote|writes|posted|warned|insisted|denied|denies|confirmed|confirms|declared|condemned|accused|"
           r"explained|stressed|emphasised|emphasized|alleged|asserted|argued|tweeted|published|saying)")
_CAP = r"[A-Z][\w'’.-]*"
# A named actor: capitalised words, optionally joined by "of/for/and/the" ("Ministry of Defence"),
# optionally preceded by "the" and lower-case role words ("Russia's defense ministry").
_NAME = (rf"(?:[Tt]he\s+)?(?:{_CAP}(?:\s+(?:of|for|and|the|de|von|al|bin)\b|\s+{_CAP}|\s+\d+)*)"
         rf"(?:\s+(?:defen[cs]e|foreign|interior|health|press|state|military)?\s*"
         rf"(?:ministry|office|spokesperson|spokesman|spokeswoman|official|officials|service|staff|"
         rf"agency|command|council|army|forces|military|governor|president)\b)?"
         r"|(?:[Tt]he|[Aa]n?)\s+(?:[a-z]+\s+)?(?:source|sources|official|officials|spokesperson|spokesman|"
         r"ministry|statement|report)\b")

# When something was said ("on Sunday", "late Saturday", "on June 7", "this week", "earlier in the day"): it
# may stand between a speaker and the verb ("Ukraine's General Staff on Sunday denied"), and is never
# itself the speaker.
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# Capitalised, unlike the date finder's month names: "may" the verb is no month.
_MONTH = r"(?:" + "|".join(sorted({name.capitalize() for name in numbers.MONTH_NAMES}, key=len, reverse=True)) + r")\.?"
_PREFIX = r"(?:(?:[Oo]n|[Ll]ate|[Ee]arly|[Ee]arlier|[Ll]ater|[Ll]ast|[Tt]his|[Nn]ext|[Bb]y|[Ii]n|[Tt]he)\s+)*"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
# A day named outright; a bare month is left out of what is never a speaker ("Theresa May said").
_DAY = (rf"(?:{_WEEKDAY}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|"
        r"[Yy]esterday|[Tt]oday|[Tt]onight)")
_TIME = rf"{_PREFIX}(?:{_DAY}|{_MONTH}|week|weekend|month|year|morning|afternoon|evening|night|day){_PART}"
_WHEN = rf"(?:,?\s+{_TIME},?)?"
_QUALIFIER = r"(?:,?\s+(?:involved in|close to|familiar with|from|at|with)\s+(?:the\s+)?[\w'’ -]{1,40}?,?)?"
_TOLD = re.compile(rf"(?P<speaker>{_NAME}){_QUALIFIER}{_WHEN}\s+(?:told|tells)\s+(?P<channel>[\w'’ .-]{{1,60}}?)"
                   r"(?=\s+(?:on|in|that|about|at|last|this|during|after|before|by)\b|[,;:]|\.(?:\s|$)|$)")
_SAID_ON = re.compile(rf"(?P<speaker>{_NAME}){_WHEN},?\s+{_SPEECH}\b[^.\"“”]*?\b(?:in|on|via|to)\s+"
                      r"(?:(?:its|his|her|their|a|an|the)\s+)?(?:(?:official\s+)?(?:channel|account|page)\s+on\s+)?"
                      r"(?P<channel>Telegram|X|Twitter|Facebook|Instagram|VKontakte|VK|YouTube|state television|"
                      r"television|TV|radio)\b")
_SAID = re.compile(rf"(?P<speaker>{_NAME}){_WHEN},?\s+(?:(?:also|has|had|have|later|then|previously)\s+)?{_SPEECH}\b")
_INVERTED = re.compile(rf"[,\"”]\s*(?:{_SPEECH})\s+(?P<speaker>{_NAME})")
_ACCORDING = re.compile(rf"\b[Aa]ccording to\s+(?P<speaker>{_NAME})")
_QUOTE = re.compile(r"[\"“][^\"“”]{12,}[\"”]")
_NOT_ACTORS = {"on", "in", "at", "last", "this", "that", "it", "he", "she", "they", "we", "i", "you", "there",
               "but", "and", "however", "meanwhile", "earlier", "later", "also", "a", "an", "which", "who",
               # Subordinators open a clause; "If confirmed, ..." is no speaker's confirmation.
               "if", "when", "whether", "unless", "while", "as", "once", "after", "before", "since", "though",
               "although", "because"}
_TIME_ONLY = re.compile(rf"{_PREFIX}(?:{_DAY}|week|weekend|month|year|morning|afternoon|evening|night|day){_PART}",
                        re.IGNORECASE)
_TRAILING_TIME = re.compile(rf"\s+{_DAY}{_PART}$")

TITLES = {"general", "gen", "lt", "lieutenant", "col", "colonel", "maj", "major", "capt", "captain", "sgt",
          "sergeant", "adm", "admiral", "brig", "brigadier", "commander", "cmdr", "president", "prime", "minister",
          "chairman", "chairwoman", "chair", "deputy", "spokesperson", "spokesman", "spokeswoman", "secretary",
          "director", "ambassador", "envoy", "governor", "mayor", "adviser", "advisor", "aide", "chief", "head",
          "senator", "sen", "rep", "mr", "mrs", "ms", "dr", "prof", "professor", "foreign", "defence", "defense",
          "security", "council", "ministry", "russian", "ukrainian", "us", "u.s", "official", "press", "vice",
          "kremlin", "former", "acting", "state", "of", "the"}

# Institutions that outlets name in many ways; rapidfuzz maps close variants onto these.
CANONICAL = {
    "Russian Defence Ministry": ["russian defence ministry", "russia's defence ministry", "russian ministry of defence",
                                 "ministry of defence of russia", "russian mod", "defence ministry of russia",
                                 "ministry of defence of the russian federation", "russian military"],
    "Ukrainian General Staff": ["ukrainian general staff", "ukraine's general staff", "general staff of ukraine",
                                "general staff of the armed forces of ukraine", "general staff"],
    "Ukrainian Defence Ministry": ["ukrainian defence ministry", "ukraine's defence ministry",
                                   "ministry of defence of ukraine"],
    "Russian Foreign Ministry": ["russian foreign ministry", "russia's foreign ministry", "russian mfa"],
    "Kremlin": ["kremlin", "the kremlin"],
    "Kyiv": ["kyiv", "kyiv regime", "ukraine's government"],
    "Moscow": ["moscow"],
}
_VARIANT_TO_CANONICAL = {variant: canonical for canonical, variants in CANONICAL.items() for variant in variants}
_SPELLINGS = [(re.compile(r"\bKiev\b", re.I), "Kyiv"), (re.compile(r"\bdefense\b", re.I), "defence"),
              (re.compile(r"\bDefense\b"), "Defence"), (re.compile(r"\bMoD\b"), "defence ministry"),
              (re.compile(r"\bMinistry of Defen[cs]e\b", re.I), "defence ministry"),
              (re.compile(r"[’`]"), "'")]
FUZZY_CUTOFF = 90


@dataclass
class Attribution:
    speaker: str = ""
    channel: str = ""
    is_quote: bool = False


def _clean(name: str) -> str:
    return re.sub(r"\s+", " ", name or "").strip(" ,.;:\"“”'")


def _acceptable(name: str) -> bool:
    """A name that can be a speaker: not a time ("Sunday", "June 7"), a bare article ("The claims could not
    be verified") or a word that opens a clause ("If confirmed, ...")."""
    words = name.split()
    if not words or _TIME_ONLY.fullmatch(name):
        return False
    first = words[0].lower()
    if first in {"the", "a", "an"}:
        return len(words) > 1
    return first not in _NOT_ACTORS


def _speaker(match: re.Match, sentence: str) -> str:
    """The matched speaker without a time it ran into ("Zelensky Sunday"), or "" when it is none: a
    speaker of a contrasted claim ("not 39 as Moscow claimed") is not the sentence's."""
    if re.search(r"\b(?:as|than)\s+$", sentence[:match.start()], re.IGNORECASE):
        return ""
    speaker = _TRAILING_TIME.sub("", _clean(match.group("speaker")))
    return speaker if _acceptable(speaker) else ""


def _channel_name(raw: str) -> str:
    """The outlet's own name from "the Russian state news agency TASS" → "TASS"."""
    raw = _clean(raw)
    if raw.split()[:1] and raw.split()[0] in {"That", "The", "Reporters", "On", "In", "Him", "Her", "Them"}:
        return ""
    trailing = re.search(r"([A-Z][A-Za-z.-]*(?:\s+[A-Z][A-Za-z.-]*)*)$", raw)
    if not trailing:
        return ""
    name = trailing.group(1)
    return re.sub(r"\s+(?:On|In|At|That)$", "", name)


def extract(sentence: str) -> Attribution:
    found = Attribution(is_quote=bool(_QUOTE.search(sentence)))
    for pattern in (_TOLD, _SAID_ON):
        for match in pattern.finditer(sentence):
            speaker = _speaker(match, sentence)
            if speaker:
                found.speaker = speaker
                found.channel = _channel_name(match.group("channel"))
                return found
    for pattern in (_SAID, _INVERTED, _ACCORDING):
        for match in pattern.finditer(sentence):
            speaker = _speaker(match, sentence)
            if speaker:
                found.speaker = speaker
                return found
    return found


def _strip_titles(name: str) -> str:
    """"General Alexander Zorin" → "Alexander Zorin"; institutions are left whole."""
    words = name.split()
    if len(words) < 2 or any(w.lower() in {"ministry", "staff", "council", "office", "agency", "command", "forces",
                                           "force", "army", "navy", "guard", "military", "service", "government"}
                             for w in words[-1:]):
        return name
    index = len(words)
    while index > 0 and words[index - 1].lower().rstrip(".") not in TITLES:
        index -= 1
    person = words[index:]
    if person and all(w[:1].isupper() for w in person) and index > 0:
        return " ".join(person)
    return name


# An unnamed spokesperson speaks for the body named before the role ("General Staff spokesperson",
# "a Kremlin spokesman"): the body is the speaker. A named one is the person ("Foreign Ministry
# spokesperson Maria Zakharova" → "Maria Zakharova", by ``_strip_titles``).
_BODY_SPOKESPERSON = re.compile(r"^(?:an?\s+)?(?P<body>.+?)\s+(?:spokesperson|spokesman|spokeswoman|spokespeople|"
                                r"spokesmen|spokeswomen|press\s+(?:service|office))$", re.IGNORECASE)
# "<Country>'s <body>" names the body as its people's: "Ukraine's Air Force" → "Ukrainian Air Force", as
# "Ukraine's General Staff" is "Ukrainian General Staff".
_POSSESSOR = re.compile(r"^(?P<country>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*?)(?:'s|(?<=s)')\s+(?P<body>.+)$")


def _demonym_for(country: str) -> str:
    """"ukraine" → "Ukrainian"; "" for a name that is no state in ``DEMONYMS``."""
    demonym = _DEMONYM_OF.get(country.lower().removeprefix("the "))
    return demonym[:1].upper() + demonym[1:] if demonym else ""


def normalize_actor(name: str) -> str:
    """One canonical form per actor, so the same speaker or channel matches across outlets."""
    name = _clean(name)
    name = re.sub(r"^(?:the)\s+", "", name, flags=re.IGNORECASE)
    if not name:
        return ""
    for pattern, replacement in _SPELLINGS:
        name = pattern.sub(replacement, name)
    body = _BODY_SPOKESPERSON.match(name)
    if body and body.group("body")[:1].isupper():
        name = re.sub(r"(?:'s|(?<=s)')$", "", re.sub(r"^(?:the)\s+", "", body.group("body"), flags=re.IGNORECASE))
    possessed = _POSSESSOR.match(name)
    if possessed and _demonym_for(possessed.group("country")):
        name = f"{_demonym_for(possessed.group('country'))} {possessed.group('body')}"
    key = name.lower()
    if key in _VARIANT_TO_CANONICAL:
        return _VARIANT_TO_CANONICAL[key]
    from rapidfuzz import fuzz, process

    match = process.extractOne(key, list(_VARIANT_TO_CANONICAL), scorer=fuzz.token_sort_ratio,
                               score_cutoff=FUZZY_CUTOFF)
    if match:
        return _VARIANT_TO_CANONICAL[match[0]]
    name = _strip_titles(name)
    return name[:1].upper() + name[1:]


def same_actor(a: str, b: str) -> bool:
    """True when two normalised names denote one actor ("Zorin" and "Alexander Zorin")."""
    from rapidfuzz import fuzz

    if not a or not b:
        return False
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short.split()) == 1 and short in long.split():
        return True
    # "Air Force" and "Ukrainian Air Force": the body with and without its people's name.
    first, _, rest = long.partition(" ")
    if first in DEMONYMS and rest == short:
        return True
    return fuzz.token_sort_ratio(a, b) >= FUZZY_CUTOFF


# A state's people ("Ukrainian officials"), as outlets name its bodies and forces.
DEMONYMS = {"ukrainian": "ukraine", "russian": "russia", "israeli": "israel", "palestinian": "palestine",
             "american": "united states", "us": "united states", "u.s.": "united states", "chinese": "china",
             "iranian": "iran", "syrian": "syria", "turkish": "turkey", "british": "united kingdom",
             "french": "france", "german": "germany", "polish": "poland", "belarusian": "belarus"}
# The people's name for each state, the first listed ("ukraine" → "ukrainian", "united states" → "american").
_DEMONYM_OF = {state: demonym for demonym, state in reversed(DEMONYMS.items())}
