"""Numbers, dates and places mentioned in a claim.

Quantities keep what they count: "3,435 troops killed" → {"value": 3435, "unit": "troops", ...}.
Dates are resolved against the article's publication date ("on Sunday" → the Sunday before).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "fifty": 50,
                 "hundred": 100}
_QUALIFIER = r"(?P<qualifier>over|more than|at least|about|around|nearly|almost|up to|fewer than|less than|some|roughly)?\s*"
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(_WORD_NUMBERS) + r")"
_SCALE = r"(?:\s+(?P<scale>thousand|million|billion))?"
_UNIT = r"(?P<unit>(?:[A-Za-z][\w-]*\s+){0,2}?(?:troops|soldiers|people|civilians|servicemen|fighters|killed|dead|wounded|" \
        r"injured|vehicles|tanks|drones|missiles|aircraft|planes|pieces|prisoners|bodies|POWs|villages|km|kilometers|" \
        r"kilometres|miles|percent|%|armored vehicles|armoured vehicles|APCs|IFVs|launchers|ships|helicopters|" \
        r"[A-Za-z][\w-]+))"
_QUANTITY = re.compile(rf"\b{_QUALIFIER}{_NUMBER}{_SCALE}\s+{_UNIT}", re.IGNORECASE)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_YEAR_LIKE = re.compile(r"^(19|20)\d\d$")
_PLACE = re.compile(r"\b(?:in|into|at|near|of|from)\s+(?P<place>(?:the\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})")
_STOP_UNITS = {"of", "and", "the", "a", "to", "in", "on", "at", "was", "were", "is", "had", "have"}


def _to_number(raw: str) -> float:
    raw = raw.lower()
    if raw in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[raw])
    return float(raw.replace(",", ""))


def extract_quantities(text: str) -> list[dict]:
    found = []
    for match in _QUANTITY.finditer(text):
        raw_number = match.group("number")
        unit = match.group("unit").strip()
        if _YEAR_LIKE.match(raw_number) and not match.group("qualifier"):
            continue
        if unit.lower() in _STOP_UNITS or unit.lower() in _MONTHS:
            continue
        value = _to_number(raw_number)
        scale = (match.group("scale") or "").lower()
        value *= {"thousand": 1e3, "million": 1e6, "billion": 1e9}.get(scale, 1)
        following = text[match.end():match.end() + 30]
        counted = re.match(r"\s+(killed|destroyed|wounded|injured|dead|captured|seized|eliminated)", following)
        found.append({
            "value": int(value) if value == int(value) else value,
            "text": match.group(0).strip(),
            "unit": unit.lower(),
            "qualifier": (match.group("qualifier") or "").lower(),
            "what": counted.group(1).lower() if counted else "",
            "start": match.start("number"),
            "end": match.end(),
        })
    return found


def extract_dates(text: str, published_at: datetime | date | None = None) -> list[dict]:
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    found = []
    for match in re.finditer(rf"\b(?:on\s+)?({'|'.join(_MONTHS)})\s+(\d{{1,2}})(?:,?\s+(\d{{4}}))?\b", text, re.I):
        month = _MONTHS.index(match.group(1).lower()) + 1
        year = int(match.group(3)) if match.group(3) else (anchor.year if anchor else None)
        resolved = None
        if year:
            try:
                resolved = date(year, month, int(match.group(2))).isoformat()
            except ValueError:
                resolved = None
        found.append({"text": match.group(0).strip(), "date": resolved})
    for match in re.finditer(rf"\b(?:on|last|this)\s+({'|'.join(_WEEKDAYS)})\b", text, re.I):
        resolved = None
        if anchor:
            weekday = _WEEKDAYS.index(match.group(1).lower())
            resolved = (anchor - timedelta(days=(anchor.weekday() - weekday) % 7)).isoformat()
        found.append({"text": match.group(0).strip(), "date": resolved})
    for word, delta in (("yesterday", -1), ("today", 0), ("last night", -1)):
        if re.search(rf"\b{word}\b", text, re.I):
            found.append({"text": word, "date": (anchor + timedelta(days=delta)).isoformat() if anchor else None})
    return found


def extract_places(text: str) -> list[str]:
    places = []
    for match in _PLACE.finditer(text):
        place = re.sub(r"^the\s+", "", match.group("place"))
        if place.split()[0].lower() in _MONTHS + _WEEKDAYS:
            continue
        if place not in places:
            places.append(place)
    return places
