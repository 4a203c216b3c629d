"""The "talk with, not about" check measured on tests/data/wording_cases.tsv (issue 17, item 3).

Run it alone to see the figures:  PYTHONPATH=$PWD .venv/bin/pytest -q tests/test_wording_corpus.py
(they are printed, and stated in the assertion message when a threshold is missed)."""
import time
from pathlib import Path

import pytest

from naborad import wording
from naborad.wording import DEFAULT_FACILITY_ADDRESS, DEFAULT_FACILITY_NAME, check, rules

CASES = Path(__file__).parent / "data" / "wording_cases.tsv"
EXPECTS = ("label", "point", "plain")


def load_cases() -> list[tuple[str, str]]:
    cases = []
    for number, line in enumerate(CASES.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        expect, sentence = line.split("\t")
        assert expect in EXPECTS, f"line {number}: {expect!r}"
        cases.append((expect, sentence))
    return cases


def figures(cases) -> dict:
    """Labelling recall (a label case gets a "word" finding), pointing recall (a point case gets any
    finding that is not a word), and the share of plain cases that get any prompt at all."""
    hits = {expect: [] for expect in EXPECTS}
    missed = {expect: [] for expect in EXPECTS}
    for expect, sentence in cases:
        kinds = {finding.kind for finding in check(sentence)}
        hit = {"label": "word" in kinds, "point": bool(kinds - {"word"}), "plain": bool(kinds)}[expect]
        (hits if hit else missed)[expect].append(sentence)
    share = {expect: len(hits[expect]) / ((len(hits[expect]) + len(missed[expect])) or 1) for expect in EXPECTS}
    return {"labelling recall": share["label"], "pointing recall": share["point"], "plain prompted": share["plain"],
            "missed labels": missed["label"], "missed pointing": missed["point"], "prompted plain": hits["plain"],
            "counts": {expect: len(hits[expect]) + len(missed[expect]) for expect in EXPECTS}}


def describe(result: dict) -> str:
    lines = [f"labelling recall {result['labelling recall']:.1%}, pointing recall {result['pointing recall']:.1%}, "
             f"plain prompted {result['plain prompted']:.1%} (cases: {result['counts']})"]
    for key in ("missed labels", "missed pointing", "prompted plain"):
        lines += [f"  {key}: {sentence}" for sentence in result[key]]
    return "\n".join(lines)


def test_the_corpus_is_large_enough_and_has_no_repeats():
    cases = load_cases()
    assert len(cases) >= 150
    assert all(sum(expect == e for e, _ in cases) >= 40 for expect in EXPECTS)
    sentences = [sentence.casefold().strip() for _, sentence in cases]
    assert len(set(sentences)) == len(sentences)


def test_the_check_meets_the_figures_on_the_corpus(capsys):
    result = figures(load_cases())
    with capsys.disabled():
        print("\nwording corpus: " + describe(result))
    assert (result["labelling recall"] >= 0.95 and result["pointing recall"] >= 0.85
            and result["plain prompted"] <= 0.05), describe(result)


def test_every_word_and_pattern_matches_at_least_two_sentences_of_the_corpus():
    """Each entry of wording.json earns its place: it gives findings on two or more differently worded sentences
    (the corpus has no repeats, see above), all of them labelling or pointing ones."""
    words, patterns, _, _ = rules(DEFAULT_FACILITY_NAME, DEFAULT_FACILITY_ADDRESS)
    found = {rule.id: [] for rule in words + patterns}
    for expect, sentence in load_cases():
        for finding in check(sentence):
            found[finding.rule].append((expect, sentence))
    weak = {rule: [sentence for _, sentence in cases] for rule, cases in found.items() if len(cases) < 2}
    wrong = {rule: sentence for rule, cases in found.items() for expect, sentence in cases if expect == "plain"}
    assert not weak, f"entries with findings on fewer than two sentences: {weak}"
    assert not wrong, f"entries with findings on a plain sentence: {wrong}"


@pytest.mark.config(FACILITY_NAME="Solbakken bo- og omsorgssenter", FACILITY_ADDRESS="Lia 4")
def test_the_facility_comes_from_the_settings(app):
    """Another council's facility is caught by its own name and address, and the demo one is not."""
    assert {f.kind for f in check("Hun fra Solbakken bo- og omsorgssenter roper om natta.")} == {"point"}
    assert [f.rule for f in check("Han i Lia 4 sto og røyka ved porten.")] == ["person-facility"]
    assert [f.kind for f in check("I går tok Trond på Solbakken bo- og omsorgssenter avisa mi.")] == ["name"]
    assert check("Sommerfest på Solbakken bo- og omsorgssenter!") == []
    assert check("Han fra Eksempeltunet var innom.") == []
    assert check("Solbakken bo- og omsorgssenter inviterer til åpen dag i Lia 4.") == []


def test_the_hints_hide_nothing():
    """check() tries a rule only around words that start with one of its hints (for speed); on every corpus
    sentence, and on the corpus as one text, that finds exactly what trying every rule everywhere finds."""
    words, patterns, not_names, _ = rules(DEFAULT_FACILITY_NAME, DEFAULT_FACILITY_ADDRESS)
    texts = [sentence for _, sentence in load_cases()]
    for text in texts + [" ".join(texts), "\n".join(texts).upper()]:
        everywhere = {number: [(0, len(text))] for number in range(len(words) + len(patterns))}
        for group, offset in ((words, 0), (patterns, len(words))):
            full = [(m.span(), rule.id) for m, rule in wording._matches(text, everywhere, group, offset, not_names)]
            hinted = wording._hinted(text, wording.rules()[3], len(words) + len(patterns))
            assert [(m.span(), rule.id) for m, rule in wording._matches(text, hinted, group, offset, not_names)] == full


@pytest.mark.parametrize("text", [
    "a" * 2000,
    ("mannen med " + "den store " * 200)[:2000],
    ("han som bor i " * 200)[:2000],
    ("Kari fra " * 300)[:2000],
    ("i nr " * 400)[:2000],
    ("den sinnssyke " * 200)[:2000],
    ("botiltaket " * 200)[:2000],
])
def test_the_check_stays_fast_on_long_and_odd_texts(text):
    """No expression backtracks badly: 2,000 characters of the worst repeats take milliseconds at most (a
    typical post takes well under one; see the README)."""
    check(text)
    started = time.process_time()
    for _ in range(10):
        check(text)
    assert (time.process_time() - started) / 10 < 0.02
