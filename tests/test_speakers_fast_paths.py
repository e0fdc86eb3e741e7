"""The shortcuts kg.speakers takes for speed give what the plain searches give.

Each shortcut (a look at the end of the text before a search anchored there, a pattern
reordered or opened with a look-ahead) must find exactly what the plain form finds,
including on the odd cases: text that starts with the match, letters that ``re.I``
folds specially (long s, Kelvin sign, dotless i), non-breaking spaces.
"""
from __future__ import annotations

import itertools
import re

import pytest

from kg import speakers as sp

ODD = ["", " ", "\u00a0", "\n", "x", "A", ":", ",", "’", "'", "-", "ſ", "\u212a", "ı", "İ", "é", "É", "."]
WORDS = ["by", "BY", "with", "chaired by", "Chaired  by", "chair:", "host:", "MC", "mc:", "moderator",
         "facilitator:", "witnesses", "witness", "evidence from", "alongſide", "alongside", "joined by",
         "bringing together", "featuring", "invited", "keynote of", "keynote speech,", "keynote ‘Data’,",
         "chaired by A, B and", "heard from", "Then heard from", "talks by", "panel with:", "of", "and",
         "the", "Tim", "Sir", "Dr", "said", "Jeni Tennison, our Director,", "\u212aeynote by"]


def _texts():
    for a, b in itertools.product(ODD, WORDS):
        for tail in ("", " ", "  \n", "\u00a0", "\t"):
            yield a + b + tail
            yield b + a + tail
            yield "the talk was " + a + b + tail


def test_before_cue_is_the_first_cue_pattern_that_matches():
    for text in _texts():
        plain = next((role for rx, role in sp._BEFORE_CUES if rx.search(text)), None)
        assert sp._before_cue(text) == plain, repr(text)


def test_capitalised_run_pattern_matches_the_look_behind_first_form():
    upper, particles = sp._UPPER, sp._PARTICLE_ALT
    plain = re.compile(
        rf"(?<![\w'’-])[{upper}][\w'’-]*(?:\.(?=[ \u00a0]))?"
        rf"(?:[ \u00a0]+(?:(?:{particles})[ \u00a0]+)*[{upper}][\w'’-]*(?:\.(?=[ \u00a0]))?)*")
    samples = ["A", "xA", "'A", "-A", "’A", "\nA", " A", "é A", "Jane Doe", "jane Doe", "Dr. Jane van der Berg",
               "O’Neil", "Mc Donald", "Tim\u00a0Davies", "AI ethics", "ÉLODIE Ž", "_A", "1A", "a-B C"]
    for a, b in itertools.product(samples, repeat=2):
        for text in (a + b, a + " " + b, a + ". " + b):
            assert [m.span() for m in sp._RUN.finditer(text)] == [m.span() for m in plain.finditer(text)], text


@pytest.mark.parametrize("name", ["_SENTENCE_CUE", "_PANEL", "_EVIDENCE", "_TAIL_STOP"])
def test_look_ahead_guards_change_no_match(name):
    guarded = getattr(sp, name)
    plain = re.compile(re.sub(r"^\(\?=\[[^\]]*\]\)", "", guarded.pattern), guarded.flags)
    assert plain.pattern != guarded.pattern
    words = ["spoke", "ſpoke", "SPEAKERS", "\u212aeynote", "panel", "Roundtable", "witneſs", "evidence",
             "gave the", "heard from", "who", "which", "on the", "about", "to", "said", "and we", ", shared",
             " alongside", " and Jo Bloggs of the Met", ";", ". ", " – ", " - ", "Title at Org", "xspoke", "tos"]
    for a, b, c in itertools.product(["", " ", "A ", "x", "ſ"], words, ["", " ", ".", "s", " more"]):
        text = a + b + c
        m, p = guarded.search(text), plain.search(text)
        assert (m and m.span()) == (p and p.span()), repr(text)


def test_lead_in_role_as_before():
    def plain(text: str) -> str | None:
        role = sp._list_role(text) if text.rstrip().endswith(":") or len(text) < 200 else None
        if role and not text.rstrip().endswith(":") and not re.search(
                r"\b(?:were|are|was|is|include[ds]?|included)\s*:?\s*$|:\s*$", text.rstrip()):
            role = None
        return role
    for text in ["Our speakers were", "Our speakers were:", "The panel included", "The panel includes ",
                 "Chaired by", "Speakers", "Our speakers are\n", "The speakers were great", "Speakers: ",
                 "x" * 250 + " speakers were", "x" * 250 + " speakers:", "The panellists is", "Speakers IS"]:
        assert sp._lead_in_role(text) == plain(text), text
