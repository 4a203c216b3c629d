"""The "talk with, not about" prompt: labelling words and patterns that may single out a person.

Generic words and patterns only, from naborad/data/wording.json. It never looks
at member names: a prompt that reacted to real names would reveal who lives at
the facility.
"""
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "wording.json"


@dataclass(frozen=True)
class Finding:
    kind: str  # "word", "flat" or "name"
    text: str
    suggest: str | None = None


@lru_cache(maxsize=1)
def _rules():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    words = {w["word"].casefold(): w["suggest"] for w in data["words"]}
    word_re = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\w*",
                         re.IGNORECASE)
    patterns = [(re.compile(p["pattern"], 0 if p["kind"] == "name" else re.IGNORECASE), p["kind"])
                for p in data["patterns"]]
    return words, word_re, patterns, frozenset(data.get("not_names", []))


def check(*texts: str | None) -> list[Finding]:
    words, word_re, patterns, not_names = _rules()
    findings: list[Finding] = []
    seen = set()
    for text in texts:
        if not text:
            continue
        for match in word_re.finditer(text):
            key = ("word", match.group(0).casefold())
            if key not in seen:
                seen.add(key)
                findings.append(Finding("word", match.group(0), words[match.group(1).casefold()]))
        for pattern, kind in patterns:
            for match in pattern.finditer(text):
                if kind == "name" and match.group("name") in not_names:
                    continue
                key = (kind, match.group(0).casefold())
                if key not in seen:
                    seen.add(key)
                    findings.append(Finding(kind, match.group(0).strip()))
    return findings
