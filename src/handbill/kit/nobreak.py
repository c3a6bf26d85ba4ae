"""No-break spaces where a line must not break: dates, times, sums, addresses, an imprint's end.

A reader who meets "24" at the end of one line and "April" at the start of the next, or "7" and
"pm", loses the date or the time; so does "£" left alone. The space inside such a pair becomes a
no-break space (U+00A0), in content, titles, vars, fill-in values and data cells alike, so every
template gets it, in every language handbill has month names for. An address keeps each of its
parts whole, and the imprint never leaves its last word alone on a line.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"

# Month names, as they follow or precede a day: English (in full and short), Welsh, Polish (the
# genitive of a date: "24 kwietnia") and Urdu.
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|"
    "Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr|"
    "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|wrze\u015bnia|"
    "pa\u017adziernika|listopada|grudnia|"
    "\u062c\u0646\u0648\u0631\u06cc|\u0641\u0631\u0648\u0631\u06cc|\u0645\u0627\u0631\u0686|"
    "\u0627\u067e\u0631\u06cc\u0644|\u0645\u0626\u06cc|\u062c\u0648\u0646|"
    "\u062c\u0648\u0644\u0627\u0626\u06cc|\u0627\u06af\u0633\u062a|\u0633\u062a\u0645\u0628\u0631|"
    "\u0627\u06a9\u062a\u0648\u0628\u0631|\u0646\u0648\u0645\u0628\u0631|\u062f\u0633\u0645\u0628\u0631"
)
# What a number is counted in: times of day, money, distances, durations, shares.
_UNITS = (
    r"am|pm|a\.m\.|p\.m\.|%|per cent|percent|p|bn|billion|million|m|"
    r"mm|cm|km|kg|g|miles?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
)
# Any script's digits: \d also matches Arabic-Indic (U+0660-0669) and Extended Arabic-Indic
# (U+06F0-06F9, as Urdu writes "\u06f6"), and the Arabic decimal separator U+066B.
_DIGITS = r"\d+(?:[.,:\u066b]\d+)*"
# Words that end a time of day: Urdu "baje" (o'clock, "6 baje"), Welsh "yh"/"yb" (pm/am: "7
# yh") and "o'r gloch" ("7 o'r gloch", its apostrophe straight or curly).
_CLOCK = "\u0628\u062c\u06d2|y\\.?h|y\\.?b|o['\u2019]r[ \u00a0]gloch"
# A plain space (or a run of them) between the two halves of a pair.
_PAIRS = re.compile(
    rf"(?<!\w)({_DIGITS}) +(?=(?:{_MONTHS}|{_UNITS}|{_CLOCK})(?![\w%]))"  # 24 April, 7 pm
    rf"|(?<!\w)((?:{_MONTHS})\.?) +(?=\d{{1,2}}(?!\w))"  # April 24 (but April / 2018 may break)
    r"|([£$€]) +(?=\d)",  # £ 10
    re.IGNORECASE,
)


# A short name in brackets, "(Docs Not Cops)", "(Maternity Action)": broken across two lines it
# reads as two fragments, "(Docs Not" and "Cops)". Longer asides may break.
SHORT_ASIDE = 24
_ASIDE = re.compile(rf"\((?=[^()\n]{{3,{SHORT_ASIDE}}}\))([^()\n]*? [^()\n]*)\)")
# A range of times or numbers, "10am to 4pm" or "6 to 8pm", kept on one line with its "to".
_RANGE = re.compile(r"(?<=\d)((?:\s?(?:am|pm|a\.m\.|p\.m\.))?) +(to|until|till) +(?=\d)", re.I)


# Urdu times: "6 baje" (6 o'clock), "sarhe 6 baje" (half past 6), "sawa 6 baje" (quarter
# past), "paune 6 baje" (quarter to), and before them the part of the day when it is short:
# "sham" (evening), "subah" (morning), "dopahar" (afternoon), "raat" (night).
_URDU_O_CLOCK = "\u0628\u062c\u06d2"
_URDU_PAST_TO = "\u0633\u0627\u0691\u06be\u06d2|\u0633\u0648\u0627|\u067e\u0648\u0646\u06d2"
_URDU_DAY_PARTS = (
    "\u0634\u0627\u0645|\u0635\u0628\u062d|\u062f\u0648\u067e\u06c1\u0631|\u0631\u0627\u062a"
)
# Words that lead a time and stay with it: Urdu's half past, quarter past and quarter to;
# Polish "o 19:00" (a one-letter word never ends a line), "godz. 19" and "o godz. 19".
_BEFORE_TIME = re.compile(
    rf"(?<![\w.])({_URDU_PAST_TO}|o|godz\.|godzinie) +(?=\d|godz\.)", re.IGNORECASE
)
_DAY_PART = re.compile(
    rf"(?<!\w)({_URDU_DAY_PARTS}) +"
    rf"(?=(?:(?:{_URDU_PAST_TO})[ \u00a0]+)?{_DIGITS}[ \u00a0]+{_URDU_O_CLOCK}(?!\w))"
)
_GLOCH = re.compile(r"(?<=\bo['\u2019]r) +(?=gloch\b)", re.IGNORECASE)  # "o'r gloch" whole


# A regnal number stays with its name: "King Edward VII Avenue", "Henry VIII", never "Edward /
# VII". A lone "I" is left alone (it is more often the pronoun).
_REGNAL = re.compile(r"\b([A-Z][a-z]+) (?=(?:II|III|IV|VI{0,3}|IX|XI{0,3}|XIV|XV|XVI)\b)")


def keep_together(text: str) -> str:
    """``text`` with a no-break space inside each date, time, sum or measure, inside a short
    name in brackets, and before a regnal number ("Edward VII")."""
    if " " not in text:
        return text
    text = _ASIDE.sub(lambda match: "(" + re.sub(" +", NBSP, match[1]) + ")", text)
    text = _RANGE.sub(lambda match: f"{match[1]}{NBSP}{match[2]}{NBSP}", text)
    text = _DAY_PART.sub(lambda match: match[1] + NBSP, text)
    text = _BEFORE_TIME.sub(lambda match: match[1] + NBSP, text)
    text = _GLOCH.sub(NBSP, text)
    text = _REGNAL.sub(lambda match: match[1] + NBSP, text)
    return _PAIRS.sub(lambda match: next(part for part in match.groups() if part) + NBSP, text)


# An address part longer than this may still break (a narrow column must hold it); shorter
# ones ("2 Sample Road", "Manchester M1 1AA") are kept whole.
UNBROKEN_PART = 32
_NUMBER_WORD = re.compile(r"(?<!\S)(\d+[A-Za-z]?) (?=\S)")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) (\d[A-Z]{2})\b")


def unbroken_address(address: str) -> str:
    """The address with no-break spaces inside each comma-separated part, so that a line never
    ends in "2" above "Sample Road", in "M1" above "1AA" or in "c/" above "o"; a long part binds
    only a house number to its street and a postcode's two halves."""
    parts = []
    for part in address.split(","):
        words = part.strip()
        if len(words) <= UNBROKEN_PART:
            # A word joiner after "/" keeps "c/o" whole (a line may otherwise break after "/").
            words = "\u00a0".join(words.split()).replace("/", "/\u2060")
        else:
            words = _POSTCODE.sub("\\1\u00a0\\2", _NUMBER_WORD.sub("\\1\u00a0", words))
        parts.append(words)
    return ", ".join(parts)


# The last word is bound to the one before it when it is no longer than this: a word alone on
# the imprint's last line ("supporter.") looks like a mistake; a long address part does not.
SHORT_LAST_WORD = 15
# A heading binds its last two words only when it has this many: in a three-word title
# ("Social care conference") the binding leaves the first word alone on its line, which reads
# worse than the last one alone, and splits a pair of words that belong together.
HEADING_MIN_WORDS = 4


def last_words_together(text: str, min_words: int = 2) -> str:
    """``text`` with a no-break space before its last word, when that word is short and
    ``text`` has at least ``min_words`` words."""
    head, space, last = text.rpartition(" ")
    if not space or "\u00a0" in last or len(last) > SHORT_LAST_WORD:
        return text
    if len(text.split()) < min_words:
        return text
    return f"{head}\u00a0{last}"


def heading_last_words_together(text: str) -> str:
    """``last_words_together`` for a heading or title (``keeplast`` in templates)."""
    return last_words_together(text, HEADING_MIN_WORDS)
