"""Numbers, dates and places mentioned in a claim.

Quantities keep what they count and what happened to it: "3,435 troops killed" →
{"value": 3435, "unit": "troops", "kind": "soldiers", "what": "killed", ...}; "fewer than 600
Ukrainian soldiers were killed" → {"value": 600, "qualifier": "fewer than", "kind": "soldiers",
"what": "killed"}. ``kind`` groups synonyms (troops / soldiers / servicemen) so two outlets'
figures for the same quantity can be compared; ``range`` turns the qualifier into the interval
of values the sentence allows, which is what ``figures_conflict`` compares.
Dates are resolved against the article's publication date ("on Sunday" → the Sunday before).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "fifteen": 15, "twenty": 20,
                 "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "hundreds": 100, "thousands": 1000,
                 "dozens": 24}
_QUALIFIERS = ("more than", "over", "at least", "about", "around", "nearly", "almost", "up to", "fewer than",
               "less than", "some", "roughly", "approximately", "at most", "under", "just over", "just under")
_QUALIFIER = (r"(?:(?P<qualifier>" + "|".join(q.replace(" ", r"\s+") for q in _QUALIFIERS)
              + r")\s+(?:an?\s+(?=dozen|hundred|thousand))?)?")   # "more than a dozen"
_NUMBER = (r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
           + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")")
_SCALE = r"(?:\s+(?P<scale>thousand|million|billion|mn|bn)\b)?"
_QUANTITY = re.compile(rf"\b{_QUALIFIER}{_NUMBER}(?P<percent>%)?{_SCALE}", re.IGNORECASE)

# Unit words grouped by the kind of thing they count; two figures are comparable when their kinds match.
KINDS = {
    "soldiers": {"troops", "soldiers", "servicemen", "fighters", "personnel", "militants", "combatants", "marines"},
    "people": {"people", "civilians", "residents", "persons", "children", "women", "men", "victims"},
    "armored vehicles": {"armored vehicles", "armoured vehicles", "tanks", "apcs", "ifvs", "armored personnel carriers",
                         "armoured personnel carriers", "infantry fighting vehicles"},
    "vehicles": {"vehicles", "trucks", "cars", "military vehicles"},
    "artillery": {"artillery pieces", "artillery", "guns", "howitzers", "mortars"},
    "drones": {"drones", "uavs", "unmanned aerial vehicles"},
    "missiles": {"missiles", "rockets"},
    "aircraft": {"aircraft", "planes", "jets", "helicopters"},
    "prisoners": {"prisoners", "pows", "prisoners of war", "detainees", "hostages"},
    "bodies": {"bodies", "remains"},
    "settlements": {"villages", "towns", "settlements", "cities"},
    "distance": {"km", "kilometres", "kilometers", "miles", "metres", "meters"},
    "percent": {"percent", "per cent", "%"},
    "money": {"dollars", "euros", "roubles", "rubles", "hryvnias", "pounds"},
}
_UNIT_TO_KIND = {unit: kind for kind, units in KINDS.items() for unit in units}
_UNITS_BY_LENGTH = sorted(_UNIT_TO_KIND, key=len, reverse=True)
_MODIFIER = r"(?:[A-Za-z][\w-]*\s+){0,3}?"
_KNOWN_UNIT = re.compile(rf"\s+(?P<mod>{_MODIFIER})(?P<unit>{'|'.join(re.escape(u) for u in _UNITS_BY_LENGTH)})\b",
                         re.IGNORECASE)
_GENERIC_UNIT = re.compile(r"\s+(?P<unit>[a-z][a-z-]{2,}s)\b")
_WHAT = re.compile(r"^[\w\s,-]{0,25}?\b(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+|been\s+)?"
                   r"(?P<what>killed|destroyed|wounded|injured|dead|captured|seized|eliminated|shot down|"
                   r"intercepted|lost|detained|arrested|evacuated|displaced|missing|released|exchanged|hit|"
                   r"launched|fired|hurt)\b",
                   re.IGNORECASE)
_WHAT_BEFORE = re.compile(r"\b(?P<what>killed|destroyed|wounded|injured|lost|captured|intercepted|shot down|"
                          r"released|detained|launched|fired)\s+(?:about\s+|some\s+|more than\s+|over\s+|"
                          r"at least\s+|a total of\s+)?$",
                          re.IGNORECASE)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_MONTH_ABBR = {m[:3]: i for i, m in enumerate(_MONTHS)} | {"sept": 8}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_YEAR_LIKE = re.compile(r"^(19|20)\d\d$")
_PLACE = re.compile(r"\b(?:in|into|at|near|of|from|outside|towards|toward)\s+(?P<place>(?:the\s+)?[A-Z][\w'’-]+"
                    r"(?:\s+(?:[A-Z][\w'’-]+|People's|of))*(?:\s+[A-Z][\w'’-]+)?)")
_NOT_PLACES = {"russian", "ukrainian", "the", "russia's", "ukraine's", "general", "foreign", "security", "defense",
               "defence", "president", "minister", "sample", "moscow's", "kyiv's", "kiev's"}
_STOP_AFTER = {"of", "and", "the", "a", "to", "in", "on", "at", "was", "were", "is", "had", "have", "as", "that",
               "for", "by", "from", "with", "per", "or", "has", "its", "his", "her", "their", "days", "hours",
               "years", "weeks", "months", "minutes", "times"}


def _to_number(raw: str) -> float:
    raw = raw.lower()
    if raw in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[raw])
    return float(raw.replace(",", ""))


def value_range(value: float, qualifier: str) -> tuple[float, float]:
    """The interval of true values a figure with this qualifier allows."""
    qualifier = " ".join((qualifier or "").lower().split())
    if qualifier in ("more than", "over", "at least", "just over"):
        return value, float("inf")
    if qualifier in ("fewer than", "less than", "up to", "at most", "under", "just under"):
        return 0.0, value
    if qualifier in ("about", "around", "nearly", "almost", "some", "roughly", "approximately"):
        return value * 0.85, value * 1.1
    return value * 0.95, value * 1.05


def _is_date_number(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 12):start].lower()
    after = text[end:end + 12].lower()
    return bool(re.search(r"\b(?:" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+$",
                          before)) or bool(re.match(r"\s+(?:" + "|".join(_MONTHS) + r")\b", after)) or bool(
        re.match(r"(?:st|nd|rd|th)\b", after))


def extract_quantities(text: str) -> list[dict]:
    if has_cyrillic(text):
        return extract_quantities_cyrillic(text)
    found = []
    for match in _QUANTITY.finditer(text):
        raw_number = match.group("number")
        start, end = match.start("number"), match.end()
        if match.group("qualifier") is None and _YEAR_LIKE.match(raw_number) and not match.group("percent"):
            continue
        if _is_date_number(text, start, match.end("number")):
            continue
        if not raw_number[0].isdigit() and raw_number.lower() in ("one",) and not match.group("qualifier"):
            continue   # "one of the ..." is rarely a figure
        value = _to_number(raw_number)
        scale = (match.group("scale") or "").lower()
        value *= {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9}.get(scale, 1)
        if match.group("percent"):
            unit, kind, unit_end = "%", "percent", end
        else:
            rest = text[end:]
            known = _KNOWN_UNIT.match(rest)
            generic = _GENERIC_UNIT.match(rest)
            if known:
                unit = known.group("unit").lower()
                kind = _UNIT_TO_KIND[unit]
                modifier = known.group("mod").strip()
                if modifier:
                    unit_text = f"{modifier} {known.group('unit')}"
                else:
                    unit_text = known.group("unit")
                unit_end = end + known.end()
            elif (casualty := _CASUALTY_AFTER.match(rest)) is not None:
                # "17 injured", "three dead": people, counted by what happened to them.
                unit, kind, unit_end = "people", "people", end
            elif generic and generic.group("unit").lower() not in _STOP_AFTER:
                unit = unit_text = generic.group("unit").lower()
                kind = unit
                unit_end = end + generic.end()
            elif (toll := _TOLL_BEFORE.search(text[max(0, match.start() - 80):match.start()])) is not None:
                # "the number of injured in the capital rose to 27", "the death toll reached 12"
                unit, kind, unit_end = "people", "people", end
                found.append(_figure(text, match, value, unit, kind, unit_end, toll.group("what") or "killed"))
                continue
            else:
                continue
        following = _WHAT.match(text[unit_end:unit_end + 40])
        preceding = _WHAT_BEFORE.search(text[max(0, match.start() - 30):match.start()])
        what = (following or preceding).group("what").lower() if (following or preceding) else ""
        found.append(_figure(text, match, value, unit, kind, unit_end, what))
    return found


_CASUALTY_AFTER = re.compile(r"\s+(?:people\s+)?(?:were\s+|have\s+been\s+)?(?P<what>killed|dead|wounded|injured|hurt)\b",
                             re.IGNORECASE)
_TOLL_BEFORE = re.compile(r"\b(?:death toll|number of (?P<what>dead|killed|injured|wounded|casualties|victims))\b"
                          r"[^.;]{0,50}?\b(?:rose|risen|climbed|reached|stands?|stood|is|was|has risen|increased|grew)"
                          r"(?:\s+(?:to|at))?\s+$", re.IGNORECASE)


def _figure(text: str, match: re.Match, value: float, unit: str, kind: str, unit_end: int, what: str) -> dict:
    qualifier = " ".join((match.group("qualifier") or "").lower().split())
    low, high = value_range(value, qualifier)
    what = what.lower()
    return {
        "value": int(value) if value == int(value) else value,
        "text": text[match.start():unit_end].strip(),
        "unit": unit,
        "kind": kind,
        "qualifier": qualifier,
        "what": {"casualties": "killed", "victims": "killed"}.get(what, what),
        "range": [low, None if high == float("inf") else high],
        "start": match.start("number"),
        "end": unit_end,
    }


# What happened to the counted things, in classes of words outlets use interchangeably.
WHAT_CLASS = {"killed": "killed", "dead": "killed", "eliminated": "lost", "destroyed": "lost", "lost": "lost",
              "hit": "lost", "wounded": "wounded", "injured": "wounded", "captured": "captured", "seized": "captured",
              "detained": "captured", "arrested": "captured", "shot down": "intercepted", "intercepted": "intercepted",
              "launched": "launched", "fired": "launched", "hurt": "wounded"}


def same_quantity(a: dict, b: dict) -> bool:
    """Two figures count the same thing (same kind, and the same event if both say which)."""
    kind_a, kind_b = a.get("kind") or a.get("unit"), b.get("kind") or b.get("unit")
    if kind_a != kind_b:
        return False
    what_a, what_b = a.get("what") or "", b.get("what") or ""
    return not (what_a and what_b and WHAT_CLASS.get(what_a, what_a) != WHAT_CLASS.get(what_b, what_b))


def figures_conflict(a: dict, b: dict) -> bool:
    """The ranges two figures allow do not overlap ("more than 3,435" vs "fewer than 600")."""
    low_a, high_a = a.get("range") or value_range(float(a["value"]), a.get("qualifier", ""))
    low_b, high_b = b.get("range") or value_range(float(b["value"]), b.get("qualifier", ""))
    high_a = float("inf") if high_a is None else high_a
    high_b = float("inf") if high_b is None else high_b
    return high_a < low_b or high_b < low_a


MONTH_NAMES = _MONTHS + ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
_MONTH_NAMES = "|".join(MONTH_NAMES)
_CALENDAR_DATES = (
    re.compile(rf"\b(?:on\s+)?(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
               rf"(?:,?\s+(?P<year>\d{{4}}))?\b", re.I),
    re.compile(rf"\b(?:on\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_NAMES})\.?"
               rf"(?:,?\s+(?P<year>\d{{4}}))?\b", re.I),
)
_WEEKDAY_DATE = re.compile(rf"\b(?P<rel>on|last|this|next|since|by)?\s*(?P<day>{'|'.join(_WEEKDAYS)})\b", re.I)
_RELATIVE_DAYS = tuple((word, delta, re.compile(rf"\b{word}\b", re.I)) for word, delta in (
    ("the day before yesterday", -2), ("yesterday", -1), ("today", 0), ("last night", -1), ("tomorrow", 1),
    ("earlier in the day", 0), ("overnight", 0)))
_DAYS_AGO = re.compile(r"\b(?P<n>\d+|two|three|four|five|six|seven|ten)\s+(?P<unit>days?|weeks?)\s+ago\b", re.I)
_RELATIVE_WEEKS = tuple((phrase, days, re.compile(rf"\b{phrase}\b", re.I))
                        for phrase, days in (("last week", -7), ("next week", 7)))


def extract_dates(text: str, published_at: datetime | date | None = None) -> list[dict]:
    """Dates mentioned, resolved against the publication date when they are relative."""
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    found = []
    for pattern in _CALENDAR_DATES:
        for match in pattern.finditer(text):
            name = match.group("month").lower()
            month = (_MONTHS.index(name) if name in _MONTHS else _MONTH_ABBR[name]) + 1
            year = int(match.group("year")) if match.group("year") else None
            if year is None and anchor:
                year = anchor.year
                # "December 30" in an article of 2 January is last year's.
                if month - anchor.month > 6:
                    year -= 1
            resolved = None
            if year:
                try:
                    resolved = date(year, month, int(match.group("day"))).isoformat()
                except ValueError:
                    resolved = None
            found.append({"text": match.group(0).strip(), "date": resolved})
    for match in _WEEKDAY_DATE.finditer(text):
        resolved = None
        if anchor:
            weekday = _WEEKDAYS.index(match.group("day").lower())
            if (match.group("rel") or "").lower() == "next":
                resolved = anchor + timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
            else:
                # News reports past events: a bare weekday is the most recent one, today included.
                resolved = anchor - timedelta(days=(anchor.weekday() - weekday) % 7)
            resolved = resolved.isoformat()
        found.append({"text": match.group(0).strip(), "date": resolved})
    for word, delta, pattern in _RELATIVE_DAYS:
        if pattern.search(text) and not (word == "yesterday" and "day before yesterday" in text.lower()):
            found.append({"text": word, "date": (anchor + timedelta(days=delta)).isoformat() if anchor else None})
    for match in _DAYS_AGO.finditer(text):
        n = int(match.group("n")) if match.group("n").isdigit() else _WORD_NUMBERS[match.group("n").lower()]
        days = n * (7 if match.group("unit").lower().startswith("week") else 1)
        found.append({"text": match.group(0), "date": (anchor - timedelta(days=days)).isoformat() if anchor else None})
    for phrase, days, pattern in _RELATIVE_WEEKS:
        if pattern.search(text):
            found.append({"text": phrase, "date": (anchor + timedelta(days=days)).isoformat() if anchor else None,
                          "approximate": True})
    return found


def extract_places(text: str) -> list[str]:
    places = []
    for match in _PLACE.finditer(text):
        place = re.sub(r"^the\s+", "", match.group("place")).strip()
        place = re.sub(r"['’]s$", "", place)
        place = re.sub(r"^[A-Z][\w-]*['’]s\s+(?=[A-Z])", "", place)   # "Ukraine's Dnipropetrovsk" → "Dnipropetrovsk"
        place = re.sub(r"\bKiev\b", "Kyiv", place)
        first = place.split()[0].lower()
        if first in _MONTHS or first in _WEEKDAYS or first in _NOT_PLACES:
            continue
        if place not in places:
            places.append(place)
    return places


# --- Russian and Ukrainian figures ------------------------------------------------------------------
# The same figure dicts as ``extract_quantities`` (``kind``, ``what`` in the English vocabulary of
# ``KINDS`` / ``WHAT_CLASS``), so quantity frames compare a Russian or Ukrainian figure with an English
# one. Words are matched by stem, since both languages inflect the counted noun after a number
# ("1212 тел", "39 танков", "407 дронів"); the tables list stems, one row per kind or fate.
_CYRILLIC = re.compile(r"[А-Яа-яЁёІіЇїЄєҐґ]")
_CYR_WORD = r"[А-Яа-яЁёІіЇїЄєҐґ'’ʼ-]+"
_CYR_KINDS = {
    "soldiers": ("военнослужащ", "военн", "солдат", "боец", "бойц", "боевик", "військовослужбов", "військов",
                 "бійц", "бойовик", "вояк", "морпех", "десантник"),
    "people": ("человек", "людей", "люди", "мирн", "жител", "ребён", "детей", "дітей", "діт", "осіб", "особ",
               "цивільн", "мешканц", "жертв", "пострадавш", "постраждал"),
    "armored vehicles": ("танк", "бронемашин", "бронетехник", "бронетехнік", "бтр", "бмп", "бронированн",
                         "броньован"),
    "vehicles": ("автомобил", "автомобіл", "машин", "грузовик", "вантажівк", "транспортн"),
    "artillery": ("артиллерийск", "артилерійськ", "орудий", "орудия", "гармат", "гаубиц", "гаубиц", "миномёт",
                  "миномет", "міномет"),
    "drones": ("беспилотник", "беспилотн", "безпілотник", "безпілотн", "дрон", "бпла", "бпла", "шахед"),
    "missiles": ("ракет",),
    "aircraft": ("самолёт", "самолет", "літак", "вертолёт", "вертолет", "гелікоптер"),
    "prisoners": ("военнопленн", "пленн", "полонен", "військовополонен", "заложник", "заручник"),
    "bodies": ("тел", "тіл", "останк", "решт"),
    "settlements": ("населённ", "населенн", "населен", "сёл", "сел", "деревн", "посёлк", "поселк", "міст",
                    "городов"),
    "distance": ("километр", "кілометр", "км"),
    "percent": ("процент", "відсот"),
    "money": ("доллар", "долар", "евро", "євро", "рубл", "гривен", "гривн", "гривень"),
}
# Longest stem first, so "военнопленн" wins over "пленн" and "бронетехник" over "тех".
_CYR_STEMS = sorted(((stem, kind) for kind, stems in _CYR_KINDS.items() for stem in stems),
                    key=lambda pair: len(pair[0]), reverse=True)
_CYR_FATES = (   # stem → the English word ``WHAT_CLASS`` reads
    ("уничтож", "destroyed"), ("знищ", "destroyed"), ("ликвидир", "eliminated"), ("ліквідов", "eliminated"),
    ("убит", "killed"), ("убил", "killed"), ("погиб", "killed"), ("погибш", "killed"), ("загинул", "killed"),
    ("загинув", "killed"), ("загибл", "killed"), ("вбит", "killed"), ("вбил", "killed"), ("мёртв", "dead"),
    ("раненых", "wounded"), ("ранен", "wounded"), ("поранен", "wounded"), ("пострадал", "injured"),
    ("постраждал", "injured"), ("сбит", "shot down"), ("сбил", "shot down"), ("збит", "shot down"),
    ("збил", "shot down"), ("перехвач", "intercepted"), ("перехоплен", "intercepted"), ("перехопил", "intercepted"),
    ("запущ", "launched"), ("запустил", "launched"), ("выпущ", "launched"), ("выпустил", "launched"),
    ("випущ", "launched"), ("випустил", "launched"), ("атакува", "launched"), ("захвач", "captured"),
    ("захопл", "captured"), ("захопил", "captured"), ("взят", "captured"), ("задержа", "detained"),
    ("затрима", "detained"), ("освобожд", "released"), ("освободил", "released"), ("звільн", "released"),
    ("обменя", "exchanged"), ("обміня", "exchanged"), ("потерял", "lost"), ("втратил", "lost"),
    ("потер", "lost"), ("втрат", "lost"),
)
_CYR_SIDES = (("украинск", "ukraine"), ("українськ", "ukraine"), ("всу", "ukraine"), ("зсу", "ukraine"),
              ("российск", "russia"), ("російськ", "russia"), ("рф", "russia"), ("вражеск", ""), ("ворож", ""))
_CYR_WORD_NUMBERS = {
    "один": 1, "одна": 1, "одного": 1, "два": 2, "две": 2, "дві": 2, "двух": 2, "двох": 2, "три": 3, "трёх": 3,
    "трьох": 3, "трое": 3, "троє": 3, "четыре": 4, "чотири": 4, "пять": 5, "пʼять": 5, "п'ять": 5, "шесть": 6,
    "шість": 6, "семь": 7, "сім": 7, "восемь": 8, "вісім": 8, "девять": 9, "дев'ять": 9, "десять": 10,
    "двенадцать": 12, "дванадцять": 12, "пятнадцать": 15, "двадцать": 20, "двадцять": 20, "тридцать": 30,
    "тридцять": 30, "сорок": 40, "пятьдесят": 50, "сто": 100, "сотни": 100, "сотні": 100, "десятки": 24,
    "тысячи": 1000, "тисячі": 1000, "тысяча": 1000, "тисяча": 1000,
}
_CYR_QUALIFIERS = {   # → the English qualifier ``value_range`` reads
    "более чем": "more than", "более": "more than", "больше": "more than", "свыше": "more than",
    "понад": "more than", "більше": "more than", "більш ніж": "more than", "не менее": "at least",
    "не менше": "at least", "щонайменше": "at least", "как минимум": "at least", "по меньшей мере": "at least",
    "около": "about", "порядка": "about", "примерно": "about", "приблизно": "about", "близько": "about",
    "почти": "nearly", "майже": "nearly", "менее": "fewer than", "меньше": "fewer than", "менше": "fewer than",
    "менш ніж": "fewer than", "до": "up to",
}
_CYR_NUMBER = (r"(?P<number>\d{1,3}(?:[  \u202f]\d{3})+|\d+(?:[.,]\d+)?|"
               + "|".join(sorted((re.escape(w) for w in _CYR_WORD_NUMBERS), key=len, reverse=True)) + ")")
_CYR_QUANTITY = re.compile(
    r"(?<![\w])(?:(?P<qualifier>" + "|".join(sorted((q.replace(" ", r"\s+") for q in _CYR_QUALIFIERS),
                                                    key=len, reverse=True)) + r")\s+)?"
    + _CYR_NUMBER + r"(?:\s*(?P<scale>тыс\.?|тысяч\w*|тисяч\w*|млн\.?|миллион\w*|мільйон\w*|млрд\.?)(?![\w]))?"
    + r"(?P<percent>\s*%)?(?![\w])", re.IGNORECASE)
_CYR_MONTHS = ("январ", "феврал", "март", "апрел", "мая", "май", "июн", "июл", "август", "сентябр", "октябр",
               "ноябр", "декабр", "січ", "лют", "берез", "квіт", "травн", "червн", "черв", "лип", "серп", "верес",
               "жовт", "листопад", "груд", "год", "рок", "рік", "числ")


def _cyr_value(raw: str) -> float:
    lower = raw.lower()
    if lower in _CYR_WORD_NUMBERS:
        return float(_CYR_WORD_NUMBERS[lower])
    return float(re.sub(r"[  \u202f]", "", lower).replace(",", "."))


def _cyr_fate(word: str) -> str:
    lower = word.lower()
    return next((what for stem, what in _CYR_FATES if lower.startswith(stem)), "")


def _cyr_side(word: str) -> str | None:
    lower = word.lower()
    return next((side for stem, side in _CYR_SIDES if lower.startswith(stem) or lower == stem), None)


def extract_quantities_cyrillic(text: str) -> list[dict]:
    """Figures in Russian or Ukrainian text: a number, then within three words the counted noun
    (by stem); what happened to it from a word between them ("1212 погибших военнослужащих"), just
    after ("были уничтожены") or just before ("уничтожено 39 танков"); whose ("украинских") kept as
    ``side``."""
    found = []
    for match in _CYR_QUANTITY.finditer(text):
        raw = match.group("number")
        after = text[match.end():match.end() + 60]
        if re.match(r"\s*(?:" + "|".join(_CYR_MONTHS) + ")", after.lower()):
            continue   # "7 июня", "2025 года"
        if raw.isdigit() and _YEAR_LIKE.match(raw) and not match.group("qualifier"):
            continue
        value = _cyr_value(raw)
        scale = (match.group("scale") or "").lower()
        if scale:
            value *= 1e3 if scale.startswith(("тыс", "тис")) else 1e9 if scale.startswith("млрд") else 1e6
        words = list(re.finditer(_CYR_WORD, after))[:4]
        kind = unit = ""
        fate, side, unit_end = "", "", match.end()
        if match.group("percent"):
            kind, unit = "percent", "%"
        for word in words:
            lower = word.group(0).lower()
            if kind:
                break
            hit = next((k for stem, k in _CYR_STEMS if lower.startswith(stem)), None)
            if hit is not None and not (len(lower) <= 3 and lower not in ("тел", "тіл", "км", "бтр", "бмп", "бпла")):
                kind, unit, unit_end = hit, lower, match.end() + word.end()
                continue
            fate = fate or _cyr_fate(lower)
            side = side if side else (_cyr_side(lower) or "")
        if not kind:
            continue
        tail = text[unit_end:unit_end + 40]
        following = next((f for w in re.findall(_CYR_WORD, tail)[:3] if (f := _cyr_fate(w))), "")
        before = re.findall(_CYR_WORD, text[max(0, match.start() - 30):match.start()])[-2:]
        adjacent = _cyr_fate(before[-1]) if before and re.fullmatch(
            rf"[\s\S]*{re.escape(before[-1])}\s*", text[max(0, match.start() - 30):match.start()]) else ""
        preceding = next((f for w in reversed(before) if (f := _cyr_fate(w))), "")
        # "сбито 45 беспилотников" (the fate right before), else "были уничтожены" after, else nearby before.
        what = fate or adjacent or following or preceding
        qualifier = _CYR_QUALIFIERS.get(" ".join((match.group("qualifier") or "").lower().split()), "")
        low, high = value_range(value, qualifier)
        found.append({
            "value": int(value) if value == int(value) else value,
            "text": text[match.start():unit_end].strip(),
            "unit": unit, "kind": kind, "qualifier": qualifier, "what": what, "side": side,
            "range": [low, None if high == float("inf") else high],
            "start": match.start("number"), "end": unit_end,
        })
    return found


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text or ""))
