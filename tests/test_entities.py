"""kg.entities: one node per person and organisation, the curation file, merges and near misses."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg.entities import acronym, load_curation
from kg.errors import MappingError
from kg.query import run_query
from kg.resolve import homepage_domain


def site_with(make_site, bodies: dict[str, str], extra: dict[str, str] | None = None):
    files = {f"_events/2024-01-0{i}-e{i}.md": f"---\ntitle: E{i}\ndate: 2024-01-0{i}\n---\n{body}"
             for i, body in enumerate(bodies.values(), 1)}
    files.update(extra or {})
    return kg.build_site(make_site(files))


def orgs(graph) -> dict[str, str]:
    return {r["name"]: r["organisation"] for r in run_query("organisations", graph).records()}


def speakers(graph) -> set[tuple[str, str | None, str]]:
    return {(r["name"], r["organisation"], r["person"].rsplit("/", 1)[1]) for r in run_query("speakers", graph).records()}


def test_same_homepage_is_one_organisation_whatever_its_name(make_site) -> None:
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Ann Able**, Director, [Southbank Institute for Civic Technology](https://sict.example.ac.uk/)\n",
        "b": "Speakers:\n\n* **Ben Baker**, Researcher, [SICT](https://www.sict.example.ac.uk/about)\n"})
    assert set(orgs(graph).values()) == {"https://site.example.org/id/organisation/sict.example.ac.uk"}


def test_acronym_joins_the_named_organisation(make_site) -> None:
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Ann Able**, Director, [Department for Science, Innovation and Technology](https://dsit.example.gov/)\n",
        "b": "Speakers:\n\n* **Ben Baker**, Analyst, DSIT\n"})
    assert {o for _, o, _ in speakers(graph)} == {"Department for Science, Innovation and Technology"}


def test_a_name_without_the_word_of_its_kind_is_the_organisation(make_site) -> None:
    """"Aapti" and "Aapti Institute", "Open Future" and "Open Future Foundation" were two
    organisations each; "Fair Society" beside "Fair Society Group" and "Fair Society
    Initiative" could be either, and stays apart."""
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Ann Able**, Director, [Aapti Institute](https://aapti.example/)\n",
        "b": "Speakers:\n\n* **Ben Baker**, Researcher, Aapti\n",
        "c": "Speakers:\n\n* **Cat Cole**, Director, Open Future\n* **Dan Dale**, Fellow, Open Future Foundation\n",
        "d": "Speakers:\n\n* **Eve Easton**, Director, Fair Society Group\n* **Fay Fell**, Fellow, Fair Society Initiative\n"
             "* **Gus Gray**, Member, Fair Society\n"})
    by_person = {name: org for name, org, _ in speakers(graph)}
    assert by_person["Ann Able"] == by_person["Ben Baker"] == "Aapti Institute"
    assert by_person["Cat Cole"] == by_person["Dan Dale"] == "Open Future Foundation"
    assert len({by_person[p] for p in ("Eve Easton", "Fay Fell", "Gus Gray")}) == 3
    merged = {tuple(m["names"]) for m in graph.report["merges"] if m["kind"] == "organisation"}
    assert {("Aapti", "Aapti Institute"), ("Open Future", "Open Future Foundation")} <= merged


def test_a_first_name_alone_beside_an_organisation_is_the_one_person_of_that_name_there(make_site) -> None:
    """"We heard from Mary from the TUC" was a person called Mary beside Mary Towers of
    the TUC; two Marys of one organisation could be either, and one of another is not her."""
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Mary Towers**, Policy Officer, TUC\n",
        "b": "We heard from Mary from the TUC and Ann Able.",
        "c": "We heard from Mary from the TUC and Ben Baker.",
        "d": "Speakers:\n\n* **Cat Cole**, Director, Harbour Board\n* **Cat Cobb**, Officer, Harbour Board\n",
        "e": "We heard from Cat from the Harbour Board and Dan Dale.",
        "f": "Speakers:\n\n* **Eve Evans**, Director, Quay Trust\n",
        "g": "We heard from Eve from the Harbour Board and Gus Gray.",
        "h": "We heard from Eve from the Quay Trust and Fay Fell."})   # (the last Eve's decided, wrongly)
    people = {(name, where) for name, _, where in speakers(graph)}
    # (named by the full name, however often the first name alone is written)
    assert ("Mary Towers", "mary-towers") in people and not {p for p in people if p[0] == "Mary"}
    assert [m["names"] for m in graph.report["merges"] if m["kind"] == "person"] == [["Mary", "Mary Towers"]]
    assert ("Cat", "cat") in people   # either of the two Cats of the Harbour Board: neither
    assert ("Eve", "eve") in people   # every "Eve" is one node, and not all of them are of the Quay Trust


def test_shared_hosts_never_key_an_organisation() -> None:
    assert homepage_domain("https://www.youtube.com/watch?v=x") is None
    assert homepage_domain("https://www.linkedin.com/company/x") is None
    assert homepage_domain("https://www.gov.uk/government/organisations/dsit/about") == "gov.uk/government/organisations/dsit"
    assert homepage_domain("https://site.example.org/projects/x", "site.example.org") is None
    assert homepage_domain("https://www.example.com/team") == "example.com"


def test_same_profile_link_is_one_person(make_site) -> None:
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* [Ines Carvalho](https://www.linkedin.com/in/ines-c), Researcher, [Lab](https://lab.example/)\n",
        "b": "Speakers:\n\n* [Inês Carvalho Silva](https://linkedin.com/in/ines-c/), Researcher, [Lab](https://lab.example/)\n"})
    assert len({p for _, _, p in speakers(graph)}) == 1
    assert graph.report["merges"][0]["kind"] == "person"


def test_a_person_joined_by_profile_is_named_by_name_not_handle(make_site) -> None:
    """`@tbassetto` in three talks and "Thomas Bassetto" in one, with one profile: the
    person is Thomas Bassetto, though the handle is written more often."""
    front = "---\ntitle: T{i}\ndate: 2024-01-0{i}\nspeakers:\n  - name: \"{name}\"\n    url: https://twitter.com/tbassetto\n---\n"
    files = {f"_events/2024-01-0{i}-t{i}.md": front.format(i=i, name="@tbassetto" if i < 4 else "Thomas Bassetto")
             for i in range(1, 5)}
    graph = kg.build_site(make_site(files))
    names = {r["name"] for r in run_query("people", graph).records()}
    assert "Thomas Bassetto" in names and "@tbassetto" not in names


def test_initial_and_full_first_name_merge(make_site) -> None:
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Jonathan Quayle**, Director, [Qua Org](https://qua.example/)\n",
        "b": "Speakers:\n\n* **Jon Quayle**, Director, [Qua Org](https://qua.example/)\n"})
    assert len({p for _, _, p in speakers(graph)}) == 1


def test_close_but_different_names_are_a_near_miss(make_site) -> None:
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Ann Able**, Director, [Open Cities](https://opencities.example/)\n",
        "b": "Speakers:\n\n* **Ben Baker**, Director, Open Cities Hub\n"})
    # ("Open Cities Lab" is Open Cities: a word of an organisation's kind, see the test above)
    assert graph.report["near_misses"] == [{"kind": "organisation", "a": "open cities", "b": "open cities hub",
                                            "score": pytest.approx(84.6, abs=0.1)}]
    assert len(set(orgs(graph).values())) == 2


def test_surnames_that_differ_by_a_doubled_letter_are_one_person(make_site) -> None:
    """Only names of one surname were compared: "Natalie Bennet" and "Natalie Bennett"
    (the corpus has three such) were two people, not even a near miss."""
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Natalie Bennett**, Peer, [House of Lords](https://lords.example/)\n",
        "b": "Speakers:\n\n* **Natalie Bennet**, Peer, House of Lords\n",
        "c": "Speakers:\n\n* **Mael Nilson**, Developer, [Web Co](https://web.example/)\n",
        "d": "Speakers:\n\n* **Mael Nison**, Developer, Web Co\n"})
    people = {(name, person) for name, _, person in speakers(graph)}
    assert {p for n, p in people if n.startswith("Natalie")} == {"natalie-bennett"}
    assert {p for n, p in people if n.startswith("Mael")} == {"mael-nilson", "mael-nison"}   # two surnames
    assert [m for m in graph.report["merges"] if m["kind"] == "person"] == [
        {"kind": "person", "iri": "https://site.example.org/id/person/natalie-bennett",
         "names": ["Natalie Bennet", "Natalie Bennett"]}]
    assert [m for m in graph.report["near_misses"] if m["kind"] == "person"] == [
        {"kind": "person", "a": "mael nilson", "b": "mael nison", "score": pytest.approx(95.2, abs=0.1)}]


def test_an_organisation_given_by_its_homepage_alone_is_named_by_its_site(make_site) -> None:
    """`organisation_url:` without `organisation:` stopped the build with a traceback
    (an organisation with no name to show)."""
    graph = kg.build_site(make_site({"_events/2024-01-08-h.md": "---\ntitle: H\ndate: 2024-01-08\nspeakers:\n"
                                     "  - name: Hal Hunt\n    organisation_url: https://www.h.example/team\n---\n"}))
    assert speakers(graph) == {("Hal Hunt", "h.example", "hal-hunt")}


def test_staff_speaker_resolves_to_person_page(make_site) -> None:
    graph = site_with(make_site, {"a": "Priya spoke on a panel with **Ben Baker** from Baker Labs.\n"},
                      {"_people/priya-raman.md": "---\ntitle: Priya Raman\n---\n"})
    people = {p for _, _, p in speakers(graph)}
    assert "priya-raman" in people


def test_curation_wins(make_site) -> None:
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Dr Jane Doe**, Director, DSIT\n* **Suffrage Movement**, Guest, [Votes](https://votes.example/)\n",
        "b": "Speakers:\n\n* **J. Doe**, Director, [Dept for Sci](https://dsit.example.gov/)\n"},
        {"_kg/curation.yml": """
people:
  - name: Jane Doe
    aliases: [J. Doe]
organisations:
  - name: Department for Science, Innovation and Technology
    homepage: https://dsit.example.gov/
    aliases: [DSIT, Dept for Sci]
not_people: [Suffrage Movement]
"""})
    found = speakers(graph)
    assert found == {("Jane Doe", "Department for Science, Innovation and Technology", "jane-doe")}


def test_curation_file_errors_name_the_file(tmp_path) -> None:
    (tmp_path / "_kg").mkdir()
    (tmp_path / "_kg" / "curation.yml").write_text("people:\n  - aliases: [x]\n")
    with pytest.raises(MappingError, match="needs a `name:`") as info:
        load_curation(tmp_path)
    assert "curation.yml" in str(info.value)
    (tmp_path / "_kg" / "curation.yml").write_text("peoples: []\n")
    with pytest.raises(MappingError, match="unknown section"):
        load_curation(tmp_path)


def test_a_curation_name_written_alone_is_a_list_of_one(tmp_path) -> None:
    """``not_people: Hollis Fairweather`` (no brackets) names one person, not eighteen letters."""
    (tmp_path / "_kg").mkdir()
    (tmp_path / "_kg" / "curation.yml").write_text(
        "not_people: Hollis Fairweather\npeople:\n  - name: Ada Lovelace\n    aliases: A. Lovelace\n")
    cur = load_curation(tmp_path)
    assert cur.not_people == {"hollis fairweather"}
    assert cur.person_alias == {"ada lovelace": "Ada Lovelace", "a lovelace": "Ada Lovelace"}
    (tmp_path / "_kg" / "curation.yml").write_text("not_organisations: {a: b}\n")
    with pytest.raises(MappingError, match="`not_organisations:` .* a name or a list of names"):
        load_curation(tmp_path)


def test_acronym_of_names() -> None:
    assert acronym("Department for Science, Innovation and Technology") == "dsit"
    assert acronym("Ada") == ""


@settings(max_examples=150, deadline=None)
@given(st.lists(st.builds(lambda first, middle, last: " ".join(x for x in (first, middle, last) if x),
                          st.sampled_from(["a", "ad", "ada", "adam", "b", "bob", "bo", "al", "alan", ""]),
                          st.sampled_from(["", "j", "jo", "kay"]),
                          st.sampled_from(["ng", "lovelace", "lovelac", "ngo", "smith"])),
                min_size=2, max_size=30, unique=True),
       st.booleans())
def test_close_pairs_holds_every_pair_that_can_merge_or_nearly(texts: list[str], people: bool) -> None:
    """The pairs the fuzzy merge looks at (worked out for a whole block at once) are
    all those the plain loop over every pair would act on, in the loop's order."""
    from rapidfuzz import fuzz

    from kg.entities import NEAR_SCORE, _compatible_first_names, close_pairs
    got = close_pairs(texts, people)
    assert got == sorted(got) and all(i < j for i, j in got)
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if fuzz.ratio(texts[i], texts[j]) >= NEAR_SCORE or (
                    people and _compatible_first_names(texts[i], texts[j])):
                assert (i, j) in got, (texts[i], texts[j])


def test_the_report_of_merges_does_not_depend_on_the_hash_seed(make_site) -> None:
    """Organisations merged are listed in one order in every process (set order changes
    with PYTHONHASHSEED), so that report.json is the same for the same site."""
    import json
    import os
    import subprocess
    import sys
    pairs = [("Alpha Group", "Alpha Collective"), ("Beta Works", "Beta Studio"), ("Gamma Trust", "Gamma Fund"),
             ("Delta Lab", "Delta Unit"), ("Eta Forum", "Eta Circle")]
    files = {}
    for i, names in enumerate(pairs):
        for j, org in enumerate(names):
            files[f"_events/2024-0{i + 1}-0{j + 1}-e{i}{j}.md"] = (
                f"---\ntitle: E{i}{j}\ndate: 2024-0{i + 1}-0{j + 1}\nspeakers:\n  - name: Ada Person{i}{j}\n"
                f"    organisation: {org}\n    organisation_url: https://org{i}.example.net/\n---\nWords.\n")
    site = make_site(files)
    script = "import json, sys, kg; print(json.dumps(kg.build_site(sys.argv[1]).report['merges']))"
    outputs = {subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
               for seed in range(1, 6)}
    assert len(outputs) == 1 and sum(m["kind"] == "organisation" for m in json.loads(outputs.pop())) == 5


def test_the_curation_fingerprint_is_the_same_in_every_process(tmp_path) -> None:
    """Caches are kept under the curation's fingerprint: it must not change with the
    process's hash seed (a set's repr does), or no rebuild of a curated site reuses anything."""
    import subprocess
    import sys
    (tmp_path / "_kg").mkdir()
    (tmp_path / "_kg" / "curation.yml").write_text(
        "not_people: [Welcome, Coffee break, Lunch, Panel discussion]\n"
        "not_organisations: [Independent, TBC, Various]\n")
    code = ("import sys; from pathlib import Path; from kg.entities import load_curation; "
            "print(load_curation(Path(sys.argv[1])).fingerprint())")
    prints = {subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True,
                             env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)}).stdout
              for seed in range(6)}
    assert len(prints) == 1 and "coffee break" in prints.pop().lower()


def test_the_curation_tells_apart_people_whose_names_differ_only_by_accents(tmp_path) -> None:
    (tmp_path / "_kg").mkdir()
    (tmp_path / "_kg" / "curation.yml").write_text(
        "people:\n  - name: Zoë Ng\n    aliases: [Dr Zoë Ng]\n  - name: Zoe Ng\n  - name: Ada Lovelace\n")
    cur = load_curation(tmp_path)
    assert cur.person_apart == {"zoe ng"}
    assert cur.person_written == {"zoë ng": "Zoë Ng", "zoe ng": "Zoe Ng"}
    assert cur.person_alias == {"dr zoe ng": "Zoë Ng", "ada lovelace": "Ada Lovelace"}
    assert [cur.person_name(n) for n in ("ZOË NG", "zoe  ng", "Zoé Ng", "dr zoe ng")] == [
        "Zoë Ng", "Zoe Ng", "Zoé Ng", "Zoë Ng"]
    (tmp_path / "_kg" / "curation.yml").write_text("people:\n  - name: Zoe Ng\n  - name: zoe-ng\n")
    with pytest.raises(MappingError, match="alias 'zoe-ng' is given to two people"):
        load_curation(tmp_path)
    (tmp_path / "_kg" / "curation.yml").write_text(
        "people:\n  - name: Zoë Ng\n  - name: Zoe Ng\nnot_people: [ZOE NG]\n")
    with pytest.raises(MappingError, match="'ZOE NG' is under `not_people:` and is 'Zoë Ng' under `people:`"):
        load_curation(tmp_path)


def test_a_page_is_taken_by_the_one_of_two_told_apart_whose_name_it_has(make_site) -> None:
    graph = site_with(make_site, {"a": "Speakers:\n\n* **Zoë Ng**, Director, Ng Lab\n",
                                  "b": "Speakers:\n\n* **Zoe Ng**, Chair, Other Lab\n"},
                      {"_people/zoe-ng.md": "---\ntitle: Zoë Ng\n---\n",
                       "_kg/curation.yml": "people:\n  - name: Zoë Ng\n  - name: Zoe Ng\n"})
    rows = run_query("speakers", graph).records()
    assert {(r["name"], r["organisation"], r["person"]) for r in rows} == {
        ("Zoë Ng", "Ng Lab", "https://site.example.org/people/zoe-ng"),
        ("Zoe Ng", "Other Lab", "https://site.example.org/id/person/zoe-ng")}


def test_two_told_apart_by_accents_each_keep_their_own_page(make_site) -> None:
    graph = site_with(make_site, {"a": "Speakers:\n\n* **Zoë Ng**, Director, Ng Lab\n",
                                  "b": "Speakers:\n\n* **Zoe Ng**, Chair, Other Lab\n"},
                      {"_people/zoe-ng.md": "---\ntitle: Zoë Ng\n---\n",
                       "_people/zoe-ng-2.md": "---\ntitle: Zoe Ng\n---\n",
                       "_kg/curation.yml": "people:\n  - name: Zoë Ng\n  - name: Zoe Ng\n"})
    rows = run_query("speakers", graph).records()
    assert {(r["name"], r["person"]) for r in rows} == {
        ("Zoë Ng", "https://site.example.org/people/zoe-ng"), ("Zoe Ng", "https://site.example.org/people/zoe-ng-2")}


def test_an_organisation_is_named_as_most_often_written_an_acronym_too(make_site) -> None:
    """A full name over a first name alone is for people: "TUC" written twice is the
    organisation's name beside "Trades Union Congress" written once."""
    graph = site_with(make_site, {
        "a": "Speakers:\n\n* **Ann Able**, Officer, [TUC](https://tuc.example/)\n",
        "b": "Speakers:\n\n* **Ben Baker**, Officer, [TUC](https://tuc.example/about)\n",
        "c": "Speakers:\n\n* **Cat Cole**, Officer, [Trades Union Congress](https://tuc.example/)\n"})
    assert set(orgs(graph)) == {"TUC"}
