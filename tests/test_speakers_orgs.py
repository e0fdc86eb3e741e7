"""Organisations and roles of speakers read from event texts: what a careful reader would not
take for a speaker's organisation (a year range, another person's name, the event itself, a
job's words) nor for their role. Fixtures are written for these tests, shaped like event pages."""
from __future__ import annotations

from kg import markdown
from kg.speakers import SpeakerMention, extract_speakers

STAFF = ["Jeni Tennison", "Tim Davies", "Adam Cantwell-Corn"]


def speakers(body: str, **kw) -> dict[str, SpeakerMention]:
    kw.setdefault("staff", STAFF)
    return {m.name: m for m in extract_speakers(markdown.parse(body), **kw)}


def org_of(body: str, name: str, **kw) -> str | None:
    return speakers(body, **kw)[name].organisation


def test_a_year_range_is_no_organisation():
    assert org_of("## Panellists\n\n**Nora Beckett** was leader of the Orchard Party from 2011-2015 and sits "
                  "in the Lords.\n", "Nora Beckett") is None


def test_a_former_title_gives_no_title_nor_organisation():
    found = speakers("We heard from Nora Beckett (former leader of the Orchard Party and now a peer).")
    assert (found["Nora Beckett"].title, found["Nora Beckett"].organisation) == (None, None)
    # a present one still does
    found = speakers("We heard from Nora Beckett (leader of the Orchard Party).")
    assert (found["Nora Beckett"].title, found["Nora Beckett"].organisation) == ("leader", "Orchard Party")


def test_an_organisation_ends_at_and_before_a_title():
    found = speakers("Our panellists were:\n\n* **Irene Vasseur**, Professor of law at the University of Namur "
                     "and Visiting research fellow at the Centre for Rights, Oxford.\n")
    assert found["Irene Vasseur"].organisation == "University of Namur"
    found = speakers("Our panellists were:\n\n* **Owen Pryce**, Branch Secretary for the CWU and BT engineer\n")
    assert found["Owen Pryce"].organisation == "CWU"
    # "and" inside a name goes on
    assert org_of("Our panellists were:\n\n* **Owen Pryce**, Fellow at the Centre for Data Ethics and Innovation "
                  "since 2020\n", "Owen Pryce") == "Centre for Data Ethics and Innovation"


def test_a_possessive_before_an_event_is_the_venue():
    found = speakers("On Tuesday, Jeni was the keynote speaker at the [ICO’s annual conference](https://ico.example/).")
    assert found["Jeni Tennison"].organisation is None


def test_the_event_they_spoke_at_is_no_organisation():
    found = speakers("**Jeni spoke on this panel, chaired by Cllr Rhona Pike, at the Green Spring Party "
                     "Conference 2024, alongside Sol Amari from Privacy First.**")
    assert found["Rhona Pike"].organisation is None
    assert found["Sol Amari"].organisation == "Privacy First"
    found = speakers("I spoke on the panel: Our digital economy, alongside Ivo Brandt, Mira Solberg and Kai "
                     "Lindqvist, at the Herald and Tech Weekly's Digital Futures Symposium 2022.",
                     author="Jeni Tennison")
    assert [found[n].organisation for n in ("Ivo Brandt", "Mira Solberg", "Kai Lindqvist")] == [None] * 3


def test_a_possessive_after_a_person_and_and_is_the_next_persons_organisation():
    found = speakers("Co-chaired by Connected by Data’s Jeni Tennison and the GMB’s Lena Hart, the aim of "
                     "the event was to hear from workers.")
    assert found["Lena Hart"].organisation == "GMB"
    assert found["Lena Hart"].role == "chair"


def test_an_organisation_listing_a_person_of_the_body_is_none():
    from kg.speakers import _Collector
    col = _Collector(STAFF)
    col.note_full_name("Ruth Okoro", 0)
    assert not col.org_ok("Jeni Tennison and the TUC")
    assert not col.org_ok("Open Lab, Ruth Okoro")
    assert col.org_ok("Tony Blair Institute")   # a name inside a part is the organisation's
    assert col.org_ok("Ruth Okoro Foundation and Open Lab")
    assert not col.org_ok("Spring Conference 2023")


def test_an_organisation_named_after_a_person_of_the_body_stays():
    found = speakers("Tony Blair wrote the foreword. We heard from Jeegar Patel of the Tony Blair Institute and "
                     "Ruth Okoro of Open Lab.")
    assert found["Jeegar Patel"].organisation == "Tony Blair Institute"


def test_a_comma_that_starts_the_list_of_a_names_parts():
    found = speakers("Adam appeared alongside Tomos Price of the Bakers, Food and Allied Workers Union.")
    assert found["Tomos Price"].organisation == "Bakers, Food and Allied Workers Union"
    found = speakers("With that in mind, Rhian Lloyd, MP for Neath and Shadow Minister for Culture, Data and "
                     "Digital Skills, expressed concern.")
    assert (found["Rhian Lloyd"].title, found["Rhian Lloyd"].organisation) == \
        ("MP for Neath and Shadow Minister for Culture, Data and Digital Skills", None)
    # a comma after an organisation still ends it
    assert org_of("Adam appeared alongside Tomos Price of the Riverside Trust, Lee Owen and Kai Berg.",
                  "Tomos Price") == "Riverside Trust"


def test_a_job_title_in_brackets_is_no_organisation():
    found = speakers("Tim moderated a panel discussion between Lorna Pike (Open Towns) and Sian Roe (Data "
                     "Values Advocate).")
    assert (found["Sian Roe"].title, found["Sian Roe"].organisation) == ("Data Values Advocate", None)
    assert found["Lorna Pike"].organisation == "Open Towns"
    assert org_of("We heard from Sian Roe (The Economist).", "Sian Roe") == "The Economist"


def test_several_linked_organisations_give_the_first():
    found = speakers("We heard from [Rhea Banks](https://x.example/rb) from the [Turing Institute]"
                     "(https://turing.example/) and [TwinsKin](https://twins.example/) at [Queens College London]"
                     "(https://qcl.example/), which set up my own talk.")
    assert found["Rhea Banks"].organisation == "Turing Institute"
    assert found["Rhea Banks"].organisation_url == "https://turing.example/"


def test_a_part_on_stage_is_a_role_not_a_job_title():
    found = speakers("Tim was the guest speaker at a meeting of the [Open Commons](https://oc.example/) "
                     "\"AI and Us\" network, sharing learning from the People's Panel on AI.")
    assert (found["Tim Davies"].role, found["Tim Davies"].title, found["Tim Davies"].organisation) == \
        ("speaker", None, None)
    found = speakers("Yusuf Adeyemi, Moderator and Data Value Advocate, kicked off the session.")
    assert (found["Yusuf Adeyemi"].role, found["Yusuf Adeyemi"].title) == ("chair", "Data Value Advocate")
    # a job named like a part stays a job
    found = speakers("Lindsay Hale, Speaker of the House of Commons, opened the session.")
    assert (found["Lindsay Hale"].title, found["Lindsay Hale"].organisation) == ("Speaker", "House of Commons")


def test_the_chair_of_the_event_names_the_chair():
    found = speakers("The chair of the event, [Jon Hale](https://ledger.example/jon-hale), innovation editor of "
                     "the Ledger, noted the title of the discussion.")
    assert (found["Jon Hale"].role, found["Jon Hale"].title, found["Jon Hale"].organisation) == \
        ("chair", "innovation editor", "Ledger")


def test_chaired_by_goes_no_further_than_the_chairs_own_phrase():
    found = speakers("Jeni will be speaking in this dialogue, chaired by Mark Tully from Luma, Zara Khan from "
                     "Colombia University, Uma Rao from the Futures Lab, and Jun-Ho Tan from the Khazan Institute.")
    assert [found[n].role for n in ("Mark Tully", "Zara Khan", "Uma Rao", "Jun-Ho Tan")] == \
        ["chair", "speaker", "speaker", "speaker"]
    found = speakers("Jeni spoke on this panel, chaired by Cllr Lise Marr, at the Spring Conference, alongside "
                     "Sol Amari from Privacy First and Marta Lind from Foxtrot Legal.")
    assert [found[n].role for n in ("Lise Marr", "Sol Amari", "Marta Lind")] == ["chair", "panellist", "panellist"]
    found = speakers("The session was co-chaired by Ines Duarte and Sam Okafor.")
    assert [found[n].role for n in ("Ines Duarte", "Sam Okafor")] == ["chair", "chair"]


def test_evidence_of_something_makes_no_witness():
    found = speakers("This was followed by a report from Al Kerr, CEO of edtech company NetLearn. Al outlined "
                     "big questions remaining around pedagogy, privacy and evidence of impact.")
    assert found["Al Kerr"].role == "speaker"
    found = speakers("The committee heard oral evidence from Al Kerr of NetLearn.")
    assert found["Al Kerr"].role == "witness"


def test_a_title_before_a_first_name_alone_is_someone_elses():
    found = speakers("Appearing alongside a colleague from the TUC and in conversation with the FDA’s General "
                     "Secretary, Adam discussed our work with unions.")
    assert found["Adam Cantwell-Corn"].title is None
    found = speakers("The panel was chaired by the CEO of Libraries Linked, Isa Hunt, and others spoke.")
    assert (found["Isa Hunt"].title, found["Isa Hunt"].organisation) == ("CEO", "Libraries Linked")
