"""kg.entities and kg.records: people and organisations with a page of their own each stay
themselves, whatever names, links and homepages lie between them; acronym merges are
reported once and decided on the organisations as they are then."""
import pytest

import kg
from kg.query import run_query

BASE = "https://site.example.org"
CONFIG = ("url: " + BASE + "\ncollections:\n"
          + "".join(f"  {c}:\n    output: true\n    permalink: /:collection/:name\n" for c in ("events", "people"))
          + "  funders:\n    output: {funders_output}\n")


def events(*bodies: str) -> dict[str, str]:
    return {f"_events/2024-01-0{i}-e{i}.md": f"---\ntitle: E{i}\ndate: 2024-01-0{i}\n---\nSpeakers:\n\n{body}\n"
            for i, body in enumerate(bodies, 1)}


def speakers(graph) -> dict[str, tuple[str, str | None]]:
    """Each speaker's name as shown, by event file: (name, person)."""
    return {r["source"]: (r["name"], r["person"]) for r in run_query("speakers", graph).records()}


def diagnostics(graph, code: str) -> list[dict]:
    return [d for d in graph.report["diagnostics"] if d["code"] == code]


TWO_PAGES = {"_people/jane-smith.md": "---\ntitle: Jane Smith\n---\n",
             "_people/jana-smith.md": "---\ntitle: Jana Smith\n---\n"}


def test_a_name_close_to_two_people_with_pages_joins_neither(make_site) -> None:
    """'Jan Smith' is as close to Jane Smith (94.7) as to Jana Smith: all three were one
    person, every event given to /people/jana-smith, without a word."""
    graph = kg.build_site(make_site({**TWO_PAGES, **events(
        "* **Jane Smith**, Director, [Org One](https://one.example/)",
        "* **Jana Smith**, Director, [Org Two](https://two.example/)",
        "* **Jan Smith**, Director, [Org Three](https://three.example/)")}))
    assert speakers(graph) == {
        "_events/2024-01-01-e1.md": ("Jane Smith", BASE + "/people/jane-smith"),
        "_events/2024-01-02-e2.md": ("Jana Smith", BASE + "/people/jana-smith"),
        "_events/2024-01-03-e3.md": ("Jan Smith", BASE + "/id/person/jan-smith")}
    [warning] = diagnostics(graph, "ambiguous-name")
    assert warning["severity"] == "warning" and warning["value"] == "Jan Smith"
    assert (warning["path"], warning["line"]) == ("_events/2024-01-03-e3.md", 7)   # where the editor settles it
    assert BASE + "/people/jane-smith" in warning["message"] and BASE + "/people/jana-smith" in warning["message"]
    assert "curation.yml" in warning["hint"]


def test_a_name_close_to_one_person_with_a_page_still_joins_them(make_site) -> None:
    graph = kg.build_site(make_site({"_people/jane-smith.md": "---\ntitle: Jane Smith\n---\n", **events(
        "* **Jane Smith**, Director, [Org One](https://one.example/)",
        "* **Jan Smith**, Director, [Org Three](https://three.example/)")}))
    assert {p for _, p in speakers(graph).values()} == {BASE + "/people/jane-smith"}
    assert not diagnostics(graph, "ambiguous-name")


def test_a_name_close_to_a_page_no_text_names_joins_it(make_site) -> None:
    """Page titles are names too: 'Jon Quayle' was a person of his own beside the page of
    Jonathan Quayle when no event named the page's title as written."""
    graph = kg.build_site(make_site({"_people/jonathan-quayle.md": "---\ntitle: Jonathan Quayle\n---\n",
                                     **TWO_PAGES, **events(
        "* **Jon Quayle**, Director, [Org One](https://one.example/)",
        "* **Jan Smith**, Director, [Org Three](https://three.example/)")}))
    assert speakers(graph) == {
        "_events/2024-01-01-e1.md": ("Jonathan Quayle", BASE + "/people/jonathan-quayle"),
        "_events/2024-01-02-e2.md": ("Jan Smith", BASE + "/id/person/jan-smith")}
    [warning] = diagnostics(graph, "ambiguous-name")     # as when Jane and Jana are named in texts
    assert warning["value"] == "Jan Smith" and BASE + "/people/jana-smith" in warning["message"]
    merged = [m for m in graph.report["merges"] if m["kind"] == "person"]   # and the report says so
    assert merged == [{"kind": "person", "iri": BASE + "/people/jonathan-quayle",
                       "names": ["Jon Quayle", "Jonathan Quayle"]}], merged
    [joined] = diagnostics(graph, "name-joined-to-page")   # and the editor is told, at the line
    assert (joined["value"], joined["path"], joined["line"]) == ("Jon Quayle", "_events/2024-01-01-e1.md", 7)


def test_a_name_joined_to_a_page_by_its_spelling_is_said_where_it_is_written(make_site) -> None:
    """'Dan Lee' was shown as Daniela Lee (a first name that is the start of another)
    without a word, and no curation entry could keep them apart."""
    pages = {"_people/daniela-lee.md": "---\ntitle: Daniela Lee\n---\n"}
    said = events("* **Ann Able**, Director, [Org One](https://one.example/)\n* **Dan Lee**, Director, Org Two")
    graph = kg.build_site(make_site({**pages, **said}))

    def shown(g) -> set[tuple[str, str]]:
        return {(r["name"], r["person"]) for r in run_query("speakers", g).records()} - {
            ("Ann Able", BASE + "/id/person/ann-able")}
    assert shown(graph) == {("Daniela Lee", BASE + "/people/daniela-lee")}
    [warning] = diagnostics(graph, "name-joined-to-page")
    assert (warning["severity"], warning["path"], warning["line"], warning["value"]) == (
        "warning", "_events/2024-01-01-e1.md", 8, "Dan Lee")
    assert "Daniela Lee" in warning["message"] and "curation.yml" in warning["hint"]
    # the editor says which: one person (the warning goes) or two (a curation entry keeps them apart)
    one = kg.build_site(make_site({**pages, **said, "_kg/curation.yml": (
        "people:\n  - name: Daniela Lee\n    aliases: [Dan Lee]\n")}))
    assert shown(one) == {("Daniela Lee", BASE + "/people/daniela-lee")}
    assert not diagnostics(one, "name-joined-to-page")
    two = kg.build_site(make_site({**pages, **said, "_kg/curation.yml": "people:\n  - name: Dan Lee\n"}))
    assert shown(two) == {("Dan Lee", BASE + "/id/person/dan-lee")}
    assert not diagnostics(two, "name-joined-to-page")


def test_a_curation_entry_is_a_person_of_its_own_as_a_page_is(make_site) -> None:
    """`- name: Dan Lee` kept Dan Lee from Daniela Lee's page, but a third close name
    ("Danielle Lee") took the entry over: Dan Lee was shown as Danielle Lee, unsaid."""
    graph = kg.build_site(make_site({
        "_people/daniela-lee.md": "---\ntitle: Daniela Lee\n---\n", "_kg/curation.yml": "people:\n  - name: Dan Lee\n",
        **events("* **Dan Lee**, Director, [Acme](https://acme.example/)", "* **Danielle Lee**, Director, Gamma Org")}))
    assert speakers(graph) == {"_events/2024-01-01-e1.md": ("Dan Lee", BASE + "/id/person/dan-lee"),
                               "_events/2024-01-02-e2.md": ("Dan Lee", BASE + "/id/person/dan-lee")}
    [joined] = diagnostics(graph, "name-joined-to-page")     # a guess, said as one
    assert (joined["value"], joined["path"]) == ("Danielle Lee", "_events/2024-01-02-e2.md")
    assert "'Dan Lee'" in joined["message"]


def test_a_profile_link_says_which_of_two_close_pages_a_name_is(make_site) -> None:
    """A shared profile link is surer than a close spelling: 'Jan Smith' with Jane Smith's
    LinkedIn is Jane Smith, though the name is as close to Jana Smith."""
    graph = kg.build_site(make_site({**TWO_PAGES, **events(
        "* [Jane Smith](https://www.linkedin.com/in/jane-smith), Director, [Org One](https://one.example/)",
        "* **Jana Smith**, Director, [Org Two](https://two.example/)",
        "* [Jan Smith](https://linkedin.com/in/jane-smith/), Director, [Org Three](https://three.example/)")}))
    people = {source: person for source, (_, person) in speakers(graph).items()}
    assert people == {"_events/2024-01-01-e1.md": BASE + "/people/jane-smith",
                      "_events/2024-01-02-e2.md": BASE + "/people/jana-smith",
                      "_events/2024-01-03-e3.md": BASE + "/people/jane-smith"}
    assert not diagnostics(graph, "ambiguous-name")


def test_a_profile_link_given_to_two_people_with_pages_joins_neither(make_site) -> None:
    """The profile link was a union with no check at all: two people with a page each and
    one LinkedIn link between them were one person."""
    graph = kg.build_site(make_site({**TWO_PAGES, **events(
        "* [Jane Smith](https://www.linkedin.com/in/j-smith), Director, [Org One](https://one.example/)",
        "* [Jana Smith](https://www.linkedin.com/in/j-smith), Director, [Org Two](https://two.example/)")}))
    assert {p for _, p in speakers(graph).values()} == {BASE + "/people/jane-smith", BASE + "/people/jana-smith"}
    [warning] = diagnostics(graph, "ambiguous-name")
    assert "linkedin.com/in/j-smith" in warning["message"] and "jana-smith" in warning["message"]


FUNDERS = {"_funders/ukri.md": "---\ntitle: UKRI\nlink: https://www.ukri.org/\n---\n",
           "_funders/epsrc.md": "---\ntitle: EPSRC\nlink: https://www.ukri.org/councils/epsrc/\n---\n"}
FUNDED = events("* **Ann Able**, Director, [EPSRC](https://www.ukri.org/councils/epsrc/)\n"
                "* **Bob Baker**, Director, EPSRC\n"
                "* **Cat Cole**, Director, [UKRI](https://www.ukri.org/)\n"
                "* **Dan Dale**, Director, [UK Research and Innovation](https://www.ukri.org/about-us/)")


def test_funders_whose_homepages_share_a_site_stay_two_organisations(make_site) -> None:
    """EPSRC's homepage is a folder of UKRI's site: both were keyed `ukri.org`, one node,
    EPSRC's speakers shown as UKRI's, and a warning that Jekyll writes one of two pages
    to one address (it writes neither: funders have no output)."""
    graph = kg.build_site(make_site({**FUNDERS, **FUNDED}))
    rows = run_query("view-participation", graph).records()
    assert {(r["person"].rsplit("/", 1)[1], r["organisation"]) for r in rows} == {
        ("ann-able", BASE + "/id/organisation/ukri.org/councils/epsrc"),
        ("bob-baker", BASE + "/id/organisation/ukri.org/councils/epsrc"),
        ("cat-cole", BASE + "/id/organisation/ukri.org"),
        ("dan-dale", BASE + "/id/organisation/ukri.org")}
    shown = {r["name"]: r["organisation"] for r in run_query("speakers", graph).records()}
    assert shown == {"Ann Able": "EPSRC", "Bob Baker": "EPSRC", "Cat Cole": "UKRI", "Dan Dale": "UKRI"}
    assert graph.report["nodes_by_class"]["kg:Funder"] == 2
    assert not diagnostics(graph, "url-conflict")


def test_funders_on_one_site_without_one_at_its_root_leave_the_site_to_neither(make_site) -> None:
    """Two councils of one site: a link elsewhere on the site is to neither council."""
    graph = kg.build_site(make_site({
        "_funders/epsrc.md": "---\ntitle: EPSRC\nlink: https://www.ukri.org/councils/epsrc/\n---\n",
        "_funders/mrc.md": "---\ntitle: MRC\nlink: https://www.ukri.org/councils/mrc/\n---\n",
        **events("* **Ann Able**, Director, [EPSRC](https://www.ukri.org/councils/epsrc/)\n"
                 "* **Bob Baker**, Director, [MRC](https://www.ukri.org/councils/mrc/news/)\n"
                 "* **Cat Cole**, Director, [UKRI](https://www.ukri.org/)")}))
    rows = run_query("view-participation", graph).records()
    assert {(r["person"].rsplit("/", 1)[1], r["organisation"]) for r in rows} == {
        ("ann-able", BASE + "/id/organisation/ukri.org/councils/epsrc"),
        ("bob-baker", BASE + "/id/organisation/ukri.org/councils/mrc"),
        ("cat-cole", BASE + "/id/organisation/ukri.org")}
    assert graph.report["nodes_by_class"]["kg:Funder"] == 2


def test_a_funder_alone_on_its_homepages_site_is_keyed_by_the_site_and_takes_its_links(make_site) -> None:
    """EPSRC's homepage is a folder of UKRI's site, but no other funder is there: it is
    keyed by the site alone, and a link anywhere on the site is to it."""
    graph = kg.build_site(make_site({
        "_funders/epsrc.md": "---\ntitle: EPSRC\nlink: https://www.ukri.org/councils/epsrc/\n---\n",
        **events("* **Ann Able**, Director, [UK Research and Innovation](https://www.ukri.org/about-us/)")}))
    rows = {r["person"].rsplit("/", 1)[1]: r["organisation"] for r in run_query("view-participation", graph).records()}
    assert rows == {"ann-able": BASE + "/id/organisation/ukri.org"}
    assert graph.report["nodes_by_class"]["kg:Funder"] == 1


def test_a_link_to_a_site_goes_to_the_funder_keyed_by_it_whatever_the_curation_says(make_site) -> None:
    """A curated homepage puts Alpha (keyed by its own homepage, alpha.example) at the
    root of UKRI's site too: a link there is UKRI's, the funder whose IRI the site gave,
    not Alpha's for coming first (as working out again which homepage is at the root would
    have it)."""
    graph = kg.build_site(make_site({
        "_funders/alpha.md": "---\ntitle: Alpha\nlink: https://alpha.example/\n---\n",
        "_funders/ukri.md": "---\ntitle: UKRI\nlink: https://www.ukri.org/\n---\n",
        "_kg/curation.yml": "organisations:\n  - name: Alpha\n    homepage: https://www.ukri.org/\n",
        **events("* **Ann Able**, Director, [UK Research and Innovation](https://www.ukri.org/about-us/)")}))
    rows = {r["person"].rsplit("/", 1)[1]: r["organisation"] for r in run_query("view-participation", graph).records()}
    assert rows == {"ann-able": BASE + "/id/organisation/ukri.org"}
    assert graph.report["nodes_by_class"]["kg:Funder"] == 2


SAME_ADDRESS_CONFIG = CONFIG.replace("{funders_output}", "true\n    permalink: /funders/:name")


def test_same_page_address_is_warned_for_pages_jekyll_writes_whatever_their_homepages(make_site) -> None:
    """Funders with output write two pages to one address when they share a permalink,
    though their homepages (which made their IRIs) differ: the case was not seen."""
    graph = kg.build_site(make_site({
        "_config.yml": SAME_ADDRESS_CONFIG,
        "_funders/a.md": "---\ntitle: Alpha Fund\nlink: https://alpha.example/\npermalink: /funders/fund/\n---\n",
        "_funders/b.md": "---\ntitle: Beta Fund\nlink: https://beta.example/\npermalink: /funders/fund/\n---\n"}))
    [warning] = diagnostics(graph, "url-conflict")
    assert warning["path"] == "_funders/b.md" and "_funders/a.md" in warning["message"]
    assert BASE + "/funders/fund" in warning["message"]


def test_funders_with_output_and_homepages_on_one_site_are_no_address_conflict(make_site) -> None:
    graph = kg.build_site(make_site({"_config.yml": SAME_ADDRESS_CONFIG, **FUNDERS, **FUNDED}))
    assert not diagnostics(graph, "url-conflict")
    assert graph.report["nodes_by_class"]["kg:Funder"] == 2
    shown = {r["name"]: r["organisation"] for r in run_query("speakers", graph).records()}
    assert shown == {"Ann Able": "EPSRC", "Bob Baker": "EPSRC", "Cat Cole": "UKRI", "Dan Dale": "UKRI"}


def test_a_name_of_one_funder_linking_another_is_taken_by_its_link(make_site) -> None:
    """A mention naming EPSRC but linking UKRI's root cannot make the two one organisation."""
    graph = kg.build_site(make_site({**FUNDERS, **events(
        "* **Ann Able**, Director, [EPSRC](https://www.ukri.org/)\n* **Bob Baker**, Director, EPSRC")}))
    rows = {r["person"].rsplit("/", 1)[1]: r["organisation"] for r in run_query("view-participation", graph).records()}
    assert rows == {"ann-able": BASE + "/id/organisation/ukri.org",
                    "bob-baker": BASE + "/id/organisation/ukri.org/councils/epsrc"}


def test_a_name_written_with_two_funders_links_joins_neither(make_site) -> None:
    """'Research Councils' linked to EPSRC's homepage at one event and to UKRI's at
    another: each mention is the funder it links, the name alone is neither."""
    graph = kg.build_site(make_site({**FUNDERS, **events(
        "* **Ann Able**, Director, [Research Councils](https://www.ukri.org/councils/epsrc/)",
        "* **Bob Baker**, Director, [Research Councils](https://www.ukri.org/)",
        "* **Cat Cole**, Director, Research Councils")}))
    rows = {r["person"].rsplit("/", 1)[1]: r["organisation"] for r in run_query("view-participation", graph).records()}
    assert rows == {"ann-able": BASE + "/id/organisation/ukri.org/councils/epsrc",
                    "bob-baker": BASE + "/id/organisation/ukri.org",
                    "cat-cole": BASE + "/id/organisation/research-councils"}
    [warning] = diagnostics(graph, "ambiguous-name")
    assert warning["message"].startswith("'Research Councils' could be ")
    assert (warning["path"], warning["line"]) == ("_events/2024-01-01-e1.md", 7)
    assert "'EPSRC' (" in warning["message"] and "'UKRI' (" in warning["message"]
    assert "`organisations:`" in warning["hint"]


def test_an_acronym_never_makes_two_funders_one(make_site) -> None:
    """The ODI (Overseas Development Institute, a page titled by its acronym) and the
    Open Data Institute, whose initials it is: each has a page, so they stay two."""
    graph = kg.build_site(make_site({
        "_funders/odi.md": "---\ntitle: ODI\nlink: https://odi.org/\n---\n",
        "_funders/open-data-institute.md": "---\ntitle: Open Data Institute\nlink: https://theodi.org/\n---\n",
        **events("* **Ann Able**, Director, [ODI](https://odi.org/)\n"
                 "* **Ben Baker**, Director, [Open Data Institute](https://theodi.org/)")}))
    rows = {r["person"].rsplit("/", 1)[1]: r["organisation"] for r in run_query("view-participation", graph).records()}
    assert rows == {"ann-able": BASE + "/id/organisation/odi.org", "ben-baker": BASE + "/id/organisation/theodi.org"}


def test_an_acronym_merge_is_reported_once(make_site) -> None:
    """'DSIT' written with a link and without is two nodes of one organisation: each
    added its own identical acronym record to report.json."""
    graph = kg.build_site(make_site(events(
        "* **Ann Able**, Director, [Department for Science, Innovation and Technology](https://gov.example/dsit)",
        "* **Ben Baker**, Analyst, DSIT",
        "* **Cat Cole**, Analyst, [DSIT](https://dsit.example/)")))
    acronyms = [m for m in graph.report["merges"] if m.get("reason") == "acronym"]
    assert acronyms == [{"kind": "organisation", "iri": BASE + "/id/organisation/dsit.example", "names": ["DSIT"],
                         "reason": "acronym"}]


def test_an_acronym_counts_organisations_as_joined_by_acronyms_before_it(make_site) -> None:
    """'ABC' fits two organisations' initials ('Alpha Beta Council', 'Alpha Beta Centre')
    that the acronym 'DEF' has already made one: it joins that one (counted as they were
    before any acronym, they were two, and 'ABC' stayed apart)."""
    graph = kg.build_site(make_site(events(
        "* **Ann Able**, Director, [Alpha Beta Council](https://s1.example/)\n"
        "* **Ben Baker**, Director, [DEF](https://s1.example/)",
        "* **Cat Cole**, Director, [Delta Echo Foxtrot](https://s2.example/)\n"
        "* **Dan Dale**, Director, [Alpha Beta Centre](https://s2.example/)",
        "* **Erin Ellis**, Director, ABC")))
    rows = {r["person"].rsplit("/", 1)[1]: r["organisation"] for r in run_query("view-participation", graph).records()}
    assert len(rows) == 5 and set(rows.values()) == {BASE + "/id/organisation/s1.example"}, rows


def test_names_merged_in_the_end_are_no_near_miss(make_site) -> None:
    """'Harbour Daata Trust' and 'Harbour Data Trustees' (90.0) are each close enough
    to 'Harbour Data Trusts' (94.7, 95.0) to merge: one organisation, so not 'kept
    apart' (a near miss was listed when the close pair came before the merges that made
    them one)."""
    graph = kg.build_site(make_site(events(
        "* **Ann Able**, Director, Harbour Daata Trust",
        "* **Ben Baker**, Director, Harbour Data Trustees",
        "* **Cat Cole**, Director, Harbour Data Trusts")))
    rows = run_query("view-participation", graph).records()
    assert len(rows) == 3 and len({r["organisation"] for r in rows}) == 1
    assert graph.report["near_misses"] == [] and not diagnostics(graph, "near-miss")


def test_an_acronym_with_small_letters_joins_the_named_organisation(make_site) -> None:
    """'IFoW' is an acronym to the speaker reader (kg.speakers) and now to the resolver
    too, by its capitals: it was kept as an organisation of its own (not all capitals)."""
    graph = kg.build_site(make_site(events(
        "* **Ann Able**, Director, [Institute for the Future of Work](https://ifow.example/)",
        "* **Ben Baker**, Researcher, IFoW")))
    rows = run_query("view-participation", graph).records()
    assert len(rows) == 2 and {r["organisation"] for r in rows} == {BASE + "/id/organisation/ifow.example"}
    assert {"kind": "organisation", "iri": BASE + "/id/organisation/ifow.example", "names": ["IFoW"],
            "reason": "acronym"} in graph.report["merges"]


@pytest.mark.parametrize("brand, name", [("OpenAI", "Office for Artificial Intelligence"),
                                         ("TechUK", "Trust for Urban Knowledge")])
def test_a_brand_in_camel_case_is_no_acronym(make_site, brand: str, name: str) -> None:
    """'OpenAI' has the capitals o-a-i, the initials of 'Office for Artificial
    Intelligence': read as an acronym, the two were merged into one organisation."""
    graph = kg.build_site(make_site(events(f"* **Ann Able**, Director, {name}", f"* **Ben Baker**, CEO, {brand}")))
    rows = run_query("view-participation", graph).records()
    assert len({r["organisation"] for r in rows}) == 2, rows
    assert not [m for m in graph.report["merges"] if m.get("reason") == "acronym"]
