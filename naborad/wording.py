"""The "talk with, not about" prompt: words that label people and patterns that may point out a person.

Generic words and patterns only, from naborad/data/wording.json (each entry with a category, why it
labels or points out, and what to say instead). The facility's name and address come from the settings
(FACILITY_NAME, FACILITY_ADDRESS), so "han fra <the facility>" is caught in any council. It never looks
at member names: a prompt that reacted to real names would reveal who lives at the facility.

Measured on tests/data/wording_cases.tsv by tests/test_wording_corpus.py.
"""
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context

DATA = Path(__file__).resolve().parent / "data" / "wording.json"

# Used when there is no app (the corpus tests) and as the config defaults (naborad/config.py).
DEFAULT_FACILITY_NAME = "Eksempeltunet"
DEFAULT_FACILITY_ADDRESS = "Eksempelveien 12"


@dataclass(frozen=True)
class Finding:
    kind: str  # "word" (labels people), "flat" (points out a home), "point" (a person) or "name"
    text: str
    suggest: str | None = None
    why: str | None = None  # one sentence in bokmål: why it labels or points out
    rule: str | None = field(default=None, compare=False)  # the id of the entry in wording.json


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    regex: re.Pattern
    hints: tuple[str, ...]  # tried only around a word (lower case) that starts with one of these
    suggest: str | None
    why: str | None
    category: str | None = None


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _phrase(text: str) -> str:
    """A name or an address as a pattern: any whitespace between its words."""
    return r"\s+".join(re.escape(word) for word in text.split())


@lru_cache(maxsize=8)
def rules(facility_name: str = DEFAULT_FACILITY_NAME, facility_address: str = DEFAULT_FACILITY_ADDRESS):
    """The compiled rules for one facility (cached, so a check compiles nothing): the word rules, the
    patterns, the capitalised words that are not names, and the index of the rules' hints."""
    data = _data()
    facility = [p for p in (facility_name, facility_address) if p and p.strip()]
    place = "(?i:" + "|".join([r"botiltak(?:et)?"] + [_phrase(p) for p in facility]) + r")(?!\w)"
    place_hints = ["botiltak"] + [re.match(r"\w*", p.split()[0].lower()).group() for p in facility]

    def hints(entry):
        return tuple(h for hint in entry["hints"] for h in (place_hints if hint == "%place%" else [hint]))

    words = [Rule(w["id"], "word", re.compile(r"\b(?:" + w["match"] + r")(?!\w)", re.IGNORECASE), hints(w),
                  w["suggest"], w.get("why"), w["category"]) for w in data["words"]]
    parts = dict(data["parts"], place=place)
    patterns = []
    for p in data["patterns"]:
        source = p["pattern"]
        for key, value in parts.items():
            source = source.replace(f"%{key}%", value)
        flags = 0 if p["kind"] == "name" else re.IGNORECASE
        patterns.append(Rule(p["id"], p["kind"], re.compile(source, flags), hints(p), p.get("suggest"), p.get("why")))
    not_names = frozenset(data["not_names"]) | frozenset(
        word for word in f"{facility_name} {facility_address}".split() if word[:1].isupper())
    # hint[:2] -> (hint, index in words + patterns): a word's first two letters find the rules to try.
    index: dict[str, list[tuple[str, int]]] = {}
    for number, rule in enumerate(words + patterns):
        for hint in rule.hints:
            if len(hint) >= 2:
                index.setdefault(hint[:2], []).append((hint, number))
    return words, patterns, not_names, index


def _facility() -> tuple[str, str]:
    if has_app_context():
        config = current_app.config
        return (config.get("FACILITY_NAME", DEFAULT_FACILITY_NAME) or "",
                config.get("FACILITY_ADDRESS", DEFAULT_FACILITY_ADDRESS) or "")
    return DEFAULT_FACILITY_NAME, DEFAULT_FACILITY_ADDRESS


def _loose_at_start(text: str, match: re.Match) -> bool:
    """A capitalised word that opens a sentence, followed by "på" or "i" and the facility, is more often a title
    ("Sommerfest på botiltaket") than a name; mid-sentence, or with "fra" or "som bor på", it is taken as one."""
    if not match.groupdict().get("loose"):
        return False
    before = text[:match.start()].rstrip()
    return not before or before[-1] in ".!?:;\n\"«(-–"


WORD = re.compile(r"\w+")

# How far around a hinting word a rule is tried: a match starts at most BEFORE characters before the word
# ("kvinnen med den store svarte hunden som bor på botiltaket" ends at its hint) and ends at most AFTER after it.
BEFORE, AFTER = 120, 40


def _windows(positions: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The stretches of the text around the words that hint at a rule, merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, start - BEFORE), min(length, end + AFTER)) for start, end in positions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _hinted(text: str, index, count: int) -> dict[int, list[tuple[int, int]]]:
    """rule number -> where to try it: around each word that starts with one of its hints. Looking the text's
    distinct words up costs little; one run of every expression over a long text would cost milliseconds."""
    low = text.lower()
    if len(low) != len(text):  # a few letters change length in lower case: then try every rule everywhere
        return {number: [(0, len(text))] for number in range(count)}
    positions: dict[int, list[tuple[int, int]]] = {}
    for token in [token for token in set(WORD.findall(low)) if token[:2] in index]:
        numbers = [number for hint, number in index[token[:2]] if token.startswith(hint)]
        if not numbers:
            continue
        at = low.find(token)
        while at != -1:
            end = at + len(token)
            if not (at and _is_word_char(low[at - 1])) and not (end < len(low) and _is_word_char(low[end])):
                for number in numbers:
                    positions.setdefault(number, []).append((at, end))
            at = low.find(token, end)
    return {number: _windows(spans, len(text)) for number, spans in positions.items()}


def _matches(text: str, windows: dict[int, list[tuple[int, int]]], rules_, offset: int, not_names):
    """(match, rule) for the rules, each tried in its windows, in text order; where two overlap, the earlier
    rule in wording.json wins."""
    kept = []
    for number, rule in enumerate(rules_, offset):
        for start, end in windows.get(number, ()):
            for match in rule.regex.finditer(text, start, end):
                if rule.kind == "name" and (match.group("name") in not_names or _loose_at_start(text, match)):
                    continue
                if not any(match.start() < other.end() and other.start() < match.end() for other, _ in kept):
                    kept.append((match, rule))
    kept.sort(key=lambda found: found[0].start())
    return kept


def check(*texts: str | None) -> list[Finding]:
    """The findings for the texts someone is about to post: labelling words, then what may point out a person,
    each once, in the order found."""
    words, patterns, not_names, index = rules(*_facility())
    findings: list[Finding] = []
    seen = set()
    for text in texts:
        if not text:
            continue
        windows = _hinted(text, index, len(words) + len(patterns))
        for group, offset in ((words, 0), (patterns, len(words))):
            for match, rule in _matches(text, windows, group, offset, not_names):
                key = (rule.kind, match.group(0).casefold())
                if key not in seen:
                    seen.add(key)
                    findings.append(Finding(rule.kind, match.group(0).strip(), rule.suggest, rule.why, rule.id))
    return findings
