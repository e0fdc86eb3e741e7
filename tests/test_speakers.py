"""Tests for kg.speakers: small snippets for each shape, and the corpus score when present."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg import markdown
from kg.speakers import SpeakerMention, extract_speakers

STAFF = ["Jeni Tennison", "Tim Davies", "Anna Dent", "Anna Steere", "Gavin Freeguard"]
SHARED = Path(__file__).resolve().parents[2] / "shared"


def speakers(body: str, **kw) -> dict[str, SpeakerMention]:
    kw.setdefault("staff", STAFF)
    return {m.name: m for m in extract_speakers(markdown.parse(body), **kw)}


def test_bold_list_items_under_a_speakers_lead_in():
    found = speakers(
        "Our speakers were:\n\n"
        "* **Priya Raman**, Head of Research, [Open Fields Trust](https://openfields.example)\n"
        "* **Marcus Hale**, Senior Lecturer at the University of Exeter\n")
    assert set(found) == {"Priya Raman", "Marcus Hale"}
    assert found["Priya Raman"].title == "Head of Research"
    assert found["Priya Raman"].organisation == "Open Fields Trust"
    assert found["Priya Raman"].organisation_url == "https://openfields.example"
    assert found["Marcus Hale"].organisation == "University of Exeter"
    assert found["Marcus Hale"].role == "speaker"
    assert found["Marcus Hale"].line == 4


def test_linked_names_with_linked_organisations():
    found = speakers(
        "The panel featured:\n\n"
        "* [Olu Adeyemi](https://www.linkedin.com/in/olu), [Civic Signals](https://civic.example), on local data\n"
        "* [Hanna Berg](https://people.example/hanna), Director, Nordic Data Collective\n")
    assert found["Olu Adeyemi"].url == "https://www.linkedin.com/in/olu"
    assert found["Olu Adeyemi"].organisation == "Civic Signals"
    assert found["Olu Adeyemi"].role == "panellist"
    assert found["Hanna Berg"].title == "Director"
    assert found["Hanna Berg"].organisation == "Nordic Data Collective"


def test_non_person_bold_items_are_not_speakers():
    found = speakers(
        "We talked about lessons from other fields:\n\n"
        "* **Suffrage** – we discussed representation and voting.\n"
        "* **Road safety** – who is protected, and who is not.\n"
        "* **Climate Change** is a useful analogy for collective harm and climate change action.\n")
    assert found == {}


def test_prose_panel_with_alongside_and_chair():
    found = speakers(
        "Jeni spoke on this panel alongside Rosa Quinlan from Fairwork Labs and "
        "Dev Patil, Policy Lead at the Open Rights Forum, chaired by Dr Ellen Marsh.")
    assert found["Jeni Tennison"].role == "panellist"
    assert found["Rosa Quinlan"].organisation == "Fairwork Labs"
    assert found["Dev Patil"].title == "Policy Lead"
    assert found["Dev Patil"].organisation == "Open Rights Forum"
    assert found["Ellen Marsh"].role == "chair"


def test_two_bold_names_with_titles_from_one_organisation():
    found = speakers("**Kofi Mensah**, Chief Executive, and **Lena Ortiz**, Programme Manager, from Tidewater Council "
                     "opened the session.")
    assert set(found) == {"Kofi Mensah", "Lena Ortiz"}


def test_moderated_by_and_facilitated_by():
    found = speakers("The roundtable was moderated by Sam Okafor (Data Commons Network). "
                     "The afternoon workshop was facilitated by Ines Duarte of Civic Lab.")
    assert found["Sam Okafor"].role == "chair"
    assert found["Sam Okafor"].organisation == "Data Commons Network"
    assert found["Ines Duarte"].role == "facilitator"
    assert found["Ines Duarte"].organisation == "Civic Lab"


def test_witness_at_an_evidence_session():
    found = speakers("The committee heard evidence from a range of groups, including "
                     "the Data Union's Tomas Reyes.")
    assert found["Tomas Reyes"].role == "witness"
    assert found["Tomas Reyes"].organisation == "Data Union"


def test_we_heard_from_list():
    found = speakers("On the day we heard from:\n\n"
                     "* Clara Voss, Research Fellow at Westbrook Institute, on co-design\n")
    assert found["Clara Voss"].organisation == "Westbrook Institute"
    assert found["Clara Voss"].title == "Research Fellow"


def test_staff_first_name_resolves_when_unique():
    found = speakers("Tim chaired the session and Gavin gave a short introduction.")
    assert found["Tim Davies"].role == "chair"
    assert "Gavin Freeguard" in found


def test_staff_first_name_shared_by_two_people_is_left_out():
    assert speakers("Anna spoke on a panel about data and care.") == {}


def test_honorifics_are_stripped_and_kept_as_title():
    found = speakers("The day closed with a keynote by Professor Sir Alan Wickham and "
                     "a talk by Cllr Jo Bright.")
    assert "Alan Wickham" in found
    assert found["Alan Wickham"].title == "Professor"
    assert found["Jo Bright"].title == "Cllr"


def test_cited_authors_and_attendees_are_not_speakers():
    found = speakers("Jeni attended the conference. There is more in "
                     "[this paper by Mira Solis and Owen Park](https://papers.example/1), "
                     "and a report written by Ada Brennan.")
    assert found == {}


def test_first_mention_wins_and_later_mentions_fill_gaps():
    found = speakers("Leah Novak spoke first.\n\nLeah Novak, Director of Policy at Brightline, then "
                     "presented the findings.")
    assert list(found) == ["Leah Novak"]
    assert found["Leah Novak"].line == 1
    assert found["Leah Novak"].organisation == "Brightline"
    assert found["Leah Novak"].title == "Director of Policy"


def test_speaker_headings_under_a_speakers_section():
    found = speakers("## Insights from our speakers\n\n"
                     "### Nadia Farouk, Senior Advisor, Commons Policy Unit: on standards\n\n"
                     "Nadia argued for open standards.\n")
    assert found["Nadia Farouk"].organisation == "Commons Policy Unit"


def test_discussion_section_does_not_make_speakers():
    found = speakers("## Open floor\n\nRuth Ingram noted that the timetable was tight.\n")
    assert found == {}


@pytest.fixture(scope="module")
def corpus_score():
    if not (SHARED / "corpus").is_dir() or not (SHARED / "gold" / "dev.jsonl").is_file():
        pytest.skip(f"../shared/corpus not present: {SHARED}")
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "score_speakers_raw.py"
    spec = importlib.util.spec_from_file_location("score_speakers_raw", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score(SHARED, show=0)


def test_corpus_meets_targets(corpus_score):
    out = corpus_score["output"]
    assert corpus_score["precision"] >= 0.95, out
    assert corpus_score["recall"] >= 0.90, out
    assert corpus_score["organisation_accuracy"] >= 0.90, out
