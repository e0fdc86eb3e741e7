"""kg.words: which words of a page are its terms for the "similar text" of related events."""
from __future__ import annotations

from importlib import resources

import yaml

from kg.words import STOPWORDS, body_terms


def test_days_months_and_filler_words_are_no_terms() -> None:
    text = "Join us on Sat 10 Feb (Saturday, 10 February) for a totally new day of estuary science: add it now!"
    assert body_terms(text) == {"join": 1, "estuary": 1, "science": 1}


def test_the_stop_list_is_the_data_file() -> None:
    """The words never counted live in ``ontology/stopwords.yml``, not in code: each group a
    string of words in lower case, none written twice in a group."""
    groups = yaml.safe_load((resources.files("kg.ontology") / "stopwords.yml").read_text(encoding="utf-8"))
    assert {"function_words", "weekdays", "months", "filler"} <= set(groups)
    for name, words in groups.items():
        listed = words.split()
        assert listed == [w.lower() for w in listed] and len(set(listed)) == len(listed), name
    assert STOPWORDS == {w for words in groups.values() for w in words.split()}
    assert {"sat", "saturday", "feb", "february", "thurs", "sept", "add", "totally", "day", "the"} <= STOPWORDS
