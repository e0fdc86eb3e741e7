"""Event series: which candidates (same title or title stem) are joined, on what evidence,
and what the build says of those left unjoined."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.series import link_places
from kg.query import run_query

SITE_HOST = "site.example.org"


@pytest.mark.parametrize("url, address, host", [
    # the same place however it is written: scheme, www., trailing slash, fragment
    ("https://www.scalar-conf.com/", "scalar-conf.com", "scalar-conf.com"),
    ("http://scalar-conf.com#top", "scalar-conf.com", "scalar-conf.com"),
    ("https://functionalconf.com/2019/", "functionalconf.com/2019", "functionalconf.com"),
    # a group's or an account's folder on a shared host is the place; the host is not
    ("https://www.meetup.com/nyc-design/events/123/", "meetup.com/nyc-design", None),
    ("https://twitter.com/nescalas", "twitter.com/nescalas", None),
    # elsewhere on a shared host only the same address is the same place
    ("https://www.eventbrite.com/e/design-meetup-46161272609", "eventbrite.com/e/design-meetup-46161272609", None),
    ("https://www.youtube.com/watch?v=abc", "youtube.com/watch?v=abc", None),
    # the root of a shared host, the site's own pages, and what is no web address: nothing
    ("https://www.eventbrite.co.uk/", None, None),
    ("https://meetup.com", None, None),
    ("https://site.example.org/", None, None),
    ("https://www.site.example.org/events/x", None, None),
    ("mailto:someone@example.org", None, None),
    ("not a link", None, None),
    # an archived copy is the page it copies
    ("https://web.archive.org/web/20160503224847/http://scalaupnorth.com/2015.html",
     "scalaupnorth.com/2015.html", "scalaupnorth.com"),
])
def test_link_places(url: str, address: str | None, host: str | None) -> None:
    assert link_places(url, SITE_HOST) == (address, host)


def event(title: str, date: str, extra: str = "", body: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def series_of(graph: kg.KnowledgeGraph) -> dict[str, tuple[list[str], list[str]]]:
    """Series name -> (its events' file stems, its evidence)."""
    return {s["name"]: ([e.rsplit("/", 1)[1] for e in s["events"]], s["evidence"]) for s in graph.report["series"]}


def unjoined(graph: kg.KnowledgeGraph) -> list[dict]:
    return [d for d in graph.report["diagnostics"] if d["code"] == "unjoined-series"]


def test_the_same_link_address_joins_events_of_one_title(make_site) -> None:
    """Scala conferences on scala-lang.org: the same title, no project, no link between
    the pages, but the same `link:` site each year: a series."""
    site = make_site({
        "_events/2023-03-23-scalar.md": event("Scalar", "2023-03-23", "link: https://scalar-conf.com/\n"),
        "_events/2024-03-21-scalar.md": event("Scalar", "2024-03-21", "link: https://www.scalar-conf.com\n"),
        "_events/2025-03-27-scalar.md": event("Scalar", "2025-03-27", "link: https://scalar-conf.com/2025/\n"),
    })
    graph = kg.build_site(site)
    assert series_of(graph) == {"Scalar": (["2023-03-23-scalar", "2024-03-21-scalar", "2025-03-27-scalar"],
                                           ["same link (scalar-conf.com)", "same title"])}
    assert unjoined(graph) == []


def test_a_sites_parent_domain_joins_its_yearly_sites_when_linked_to(make_site) -> None:
    site = make_site({
        "_events/2013-03-02-matsuri.md": event("Matsuri", "2013-03-02", "link: https://2013.matsuri.example/\n"),
        "_events/2014-09-06-matsuri.md": event("Matsuri", "2014-09-06", "link: https://2014.matsuri.example/\n"),
        "_events/2022-03-19-matsuri.md": event("Matsuri", "2022-03-19", "link: https://matsuri.example/en/\n"),
    })
    assert series_of(kg.build_site(site))["Matsuri"][0] == [
        "2013-03-02-matsuri", "2014-09-06-matsuri", "2022-03-19-matsuri"]


def test_a_site_other_events_link_to_as_well_is_no_evidence(make_site) -> None:
    """A ticket seller kg does not know as one (or a venue) that events of other titles
    link to too is no series' own site; the same address on it still is."""
    site = make_site({
        "_events/2024-01-10-data-night.md": event("Data Night", "2024-01-10", "link: https://tickets.example/e/1\n"),
        "_events/2024-02-10-data-night.md": event("Data Night", "2024-02-10", "link: https://tickets.example/e/2\n"),
        "_events/2024-03-10-code-club.md": event("Code Club", "2024-03-10", "link: https://tickets.example/e/3\n"),
        "_events/2024-04-10-code-club.md": event("Code Club", "2024-04-10", "link: https://tickets.example/e/3\n"),
    })
    graph = kg.build_site(site)
    assert series_of(graph) == {"Code Club": (["2024-03-10-code-club", "2024-04-10-code-club"],
                                              ["same link (tickets.example/e/3)", "same title"])}
    assert [d["value"] for d in unjoined(graph)] == ["Data Night"]


def test_the_sites_homepage_or_a_ticket_sellers_root_joins_nothing(make_site) -> None:
    site = make_site({
        "_events/2024-01-10-open-evening.md": event("Open Evening", "2024-01-10",
                                                    "link: https://site.example.org/\n"),
        "_events/2024-02-10-open-evening.md": event("Open Evening", "2024-02-10",
                                                    "link: https://site.example.org/\n"),
        "_events/2024-03-10-open-evening.md": event("Open Evening", "2024-03-10",
                                                    "link: https://www.eventbrite.co.uk/\n"),
    })
    graph = kg.build_site(site)
    assert series_of(graph) == {}
    assert len(unjoined(graph)) == 1


def test_a_front_matter_link_to_the_other_meeting_joins_them(make_site) -> None:
    site = make_site({
        "_events/2024-01-10-open-evening.md": event("Open Evening", "2024-01-10"),
        "_events/2024-02-10-open-evening.md": event(
            "Open Evening", "2024-02-10", "link: https://site.example.org/events/2024-01-10-open-evening\n"),
    })
    assert series_of(kg.build_site(site)) == {"Open Evening": (
        ["2024-01-10-open-evening", "2024-02-10-open-evening"], ["links between meetings", "same title"])}


def test_events_sharing_a_title_stem_without_evidence_are_said(make_site) -> None:
    """Six meetups "Open Source Design NYC: <date>" on opensourcedesign.net: no project,
    no link, no shared address. No series, and one info says which and what would join them."""
    site = make_site({
        f"_events/2018-0{m}-10-osd-nyc.md": event(f'"Design NYC: {m} 2018"', f"2018-0{m}-10",
                                                  body="Join us at [the venue](https://venue.example/).")
        for m in range(1, 7)})
    graph = kg.build_site(site)
    assert series_of(graph) == {}
    [info] = unjoined(graph)
    assert info["severity"] == "info" and info["path"] == "_events/2018-01-10-osd-nyc.md" and info["line"] == 2
    assert info["key"] == "title" and info["value"] == "Design NYC"
    assert info["message"] == (
        "6 events with titles starting 'Design NYC' are in no series: nothing joins them (_events/2018-01-10-osd-nyc.md, "
        "_events/2018-02-10-osd-nyc.md, _events/2018-03-10-osd-nyc.md, _events/2018-04-10-osd-nyc.md and 2 more)")
    assert info["hint"] == (
        "if they are meetings of one series, give them the same `project:` or the same `link:` address (the "
        "series' own website or group page), or link each meeting's page to the one before; if not, nothing to do")


def test_numbered_meetings_with_evidence_are_a_series_named_without_the_number(make_site) -> None:
    """"ParisJS #46", "#47", "#48" (one meetup group) shared no title: never candidates."""
    site = make_site({
        **{f"_events/2024-0{n - 40}-01-parisjs-{n}.md": event(
            f'"ParisJS #{n}: Talks"' if n == 48 else f'"ParisJS #{n}"', f"2024-0{n - 40}-01",
            f"link: https://www.meetup.com/parisjs/events/{n}\n") for n in (46, 47, 48)},
        "_events/2023-06-01-rightscon.md": event("RightsCon 2023", "2023-06-01"),
        "_events/2024-02-01-rightscon.md": event("RightsCon 2024", "2024-02-01"),
        "_events/2024-03-01-c20.md": event("C20 meeting", "2024-03-01"),
        "_events/2024-04-01-c21.md": event("C21 meeting", "2024-04-01"),
        # numbers that are part of a name stay; a first meeting without a number is one of them
        "_events/2020-03-01-covid-1.md": event("COVID-19 Briefing", "2020-03-01"),
        "_events/2020-04-01-covid-2.md": event("COVID-19 Briefing 2", "2020-04-01", "",
                                               "[the first](/events/2020-03-01-covid-1)")})
    graph = kg.build_site(site)
    assert series_of(graph) == {"ParisJS": (["2024-06-01-parisjs-46", "2024-07-01-parisjs-47", "2024-08-01-parisjs-48"],
                                            ["same link (meetup.com/parisjs)", "same title but for its number"]),
                                "COVID-19 Briefing": (["2020-03-01-covid-1", "2020-04-01-covid-2"],
                                                      ["links between meetings", "same title but for its number"])}
    [info] = unjoined(graph)     # a number that is part of a word ("C20") tells nothing
    assert (info["key"], info["value"], info["path"]) == ("title", "RightsCon", "_events/2023-06-01-rightscon.md")
    assert info["message"].startswith("2 events titled 'RightsCon' but for a number are in no series")


def test_two_series_of_one_name_have_two_iris(make_site) -> None:
    """"Scala Days" (same site each year) and "Scala Days 2015"/"2016" (another site, never
    linked to the first): one name, and both were one IRI. The first keeps the name and
    its address; the later one is named with its years."""
    site = make_site({
        "_events/2013-06-01-sd.md": event("Scala Days", "2013-06-01", "link: https://scaladays.example/\n"),
        "_events/2014-06-01-sd.md": event("Scala Days", "2014-06-01", "link: https://scaladays.example/\n"),
        "_events/2015-06-01-sd.md": event("Scala Days 2015", "2015-06-01", "link: https://days.example/2015\n"),
        "_events/2016-06-01-sd.md": event("Scala Days 2016", "2016-06-01", "link: https://days.example/2016\n")})
    graph = kg.build_site(site)
    found = sorted((s["iri"].rsplit("/", 1)[1], s["name"], [e.rsplit("/", 1)[1] for e in s["events"]])
                   for s in graph.report["series"])
    assert found == [("scala-days", "Scala Days", ["2013-06-01-sd", "2014-06-01-sd"]),
                     ("scala-days-2015-2016", "Scala Days (2015–2016)", ["2015-06-01-sd", "2016-06-01-sd"])]


def test_a_key_naming_the_series_joins_its_events_whatever_their_titles(make_site, tmp_path: Path) -> None:
    """`series: Data Drinks` in front matter: the site says which series, and kg had no
    way to read it (titles that share nothing were never joined)."""
    import yaml

    from kg.mapping import default_mapping_path
    spec = yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))
    spec["kinds"]["event"]["keys"]["series"] = {"series": True}
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    site = make_site({
        "_events/2024-01-10-a.md": event("Pints and privacy", "2024-01-10", "series: Data Drinks\n"),
        "_events/2024-02-10-b.md": event("Open data on tap", "2024-02-10", "series: data drinks\n"),
        "_events/2024-03-10-c.md": event("A one-off", "2024-03-10", "series: Solo Talks\n"),
        # the same title and a link between them, but two series named
        "_events/2024-04-10-d.md": event("Meetup", "2024-04-10", "series: North\n", "[next](/events/2024-05-10-e)"),
        "_events/2024-05-10-e.md": event("Meetup", "2024-05-10", "series: South\n"),
        "_events/2024-06-10-f.md": event("Meetup", "2024-06-10", "series: [4]\n"),
        # a chain: London, then one that names none, then Paris, each linking to the one before
        "_events/2024-01-20-l.md": event("Data Drinks", "2024-01-20", "series: London Drinks\n"),
        "_events/2024-02-20-m.md": event("Data Drinks", "2024-02-20", "", "[before](/events/2024-01-20-l)"),
        "_events/2024-03-20-n.md": event("Data Drinks", "2024-03-20", "series: [Paris Drinks, London Drinks]\n",
                                         "[before](/events/2024-02-20-m)"),
        "_events/2024-07-10-g.md": event("Quiz night", "2024-07-10"),
        "_events/2024-08-10-h.md": event("Quiz night", "2024-08-10")})
    graph = kg.build_site(site, mapping=mapping)
    assert series_of(graph) == {"Data Drinks": (["2024-01-10-a", "2024-02-10-b"], ["same `series:`"]),
                                "Solo Talks": (["2024-03-10-c"], ["same `series:`"]),
                                "North": (["2024-04-10-d"], ["same `series:`"]),
                                "South": (["2024-05-10-e"], ["same `series:`"]),
                                "London Drinks": (["2024-01-20-l", "2024-02-20-m"],
                                                  ["links between meetings", "same `series:`", "same title"]),
                                "Paris Drinks": (["2024-03-20-n"], ["same `series:`"])}
    [info] = unjoined(graph)       # what would join two of one title says the key too
    assert info["value"] == "Quiz night" and "give them the same `series:` or the same `project:`" in info["hint"]
    kept = graph.query('SELECT ?v WHERE { ?entry <https://w3id.org/kg/ns#key> "series" ; '
                       '<http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?v }')
    # no series' name, or more than one: kept as the file's value; no name is said
    assert sorted(str(row[0].value) for row in kept) == ["4", "London Drinks", "Paris Drinks"]
    [bad] = [d for d in graph.report["diagnostics"] if d["code"] == "bad-series"]
    assert (bad["path"], bad["line"], bad["severity"]) == ("_events/2024-06-10-f.md", 4, "warning")


def test_events_left_out_of_a_series_of_their_title_are_said(make_site) -> None:
    site = make_site({
        "_events/2017-11-15-bay.md": event("Bay Conf", "2017-11-15", "link: https://bay.example/\n"),
        "_events/2018-11-15-bay.md": event("Bay Conf", "2018-11-15", "link: https://bay.example/\n"),
        "_events/2019-11-13-bay.md": event("Bay Conf", "2019-11-13", "link: https://bay2019.sched.example/\n"),
        "_events/2020-11-12-bay.md": event("Bay Conf", "2020-11-12", "link: https://bay2020.sched.example/\n"),
    })
    graph = kg.build_site(site)
    assert series_of(graph)["Bay Conf"][0] == ["2017-11-15-bay", "2018-11-15-bay"]
    [info] = unjoined(graph)
    assert info["message"].startswith("2 of the 4 events titled 'Bay Conf' are in no series: nothing joins them "
                                      "to the others (_events/2019-11-13-bay.md, _events/2020-11-12-bay.md)")


def test_unjoined_events_are_said_in_a_rebuild_and_counted_in_the_summary(make_site, tmp_path: Path) -> None:
    site = make_site({
        "_events/2024-01-10-open-evening.md": event("Open Evening", "2024-01-10"),
        "_events/2024-02-10-open-evening.md": event("Open Evening", "2024-02-10"),
    })
    out = tmp_path / "g"
    first = kg.build_site(site, out).report
    again = kg.build_site(site, out).report  # (the series taken from the last build)
    assert [d for d in again["diagnostics"] if d["code"] == "unjoined-series"] == \
        [d for d in first["diagnostics"] if d["code"] == "unjoined-series"] != []
    result = CliRunner().invoke(cli, ["stats", "--graph", str(out)])
    assert "  series: 0; 1 title shared by events that nothing joins into a series (kg validate --infos, " \
           "or see report.json)\n" in result.output


def projects_site(make_site, titles: list[str], projects: list[str | None]) -> Path:
    """Events titled ``titles`` a month apart from January 2019, the i-th in project
    ``projects[i]`` (none for ``None``), beside a page for each project."""
    files = {f"_projects/{p}.md": f"---\ntitle: {p.capitalize()}\n---\n" for p in set(projects) if p}
    for i, (title, project) in enumerate(zip(titles, projects)):
        date = f"{2019 + i // 12}-{i % 12 + 1:02d}-01"
        extra = f"project: {project.capitalize()}\n" if project else ""
        files[f"_events/{date}-e{i}.md"] = event(f'"{title}"', date, extra)
    return make_site(files)


@pytest.mark.parametrize("titles, name", [
    ([f"Data Camp {year}" for year in range(2019, 2025)], "Data Camp"),
    ([f"Design lab - {what}" for what in ("maps", "health", "schools", "work", "homes", "buses")], "Design lab"),
    (["Data Camp"] * 6, "Data Camp")])
def test_a_project_few_of_one_titles_events_share_makes_no_series(make_site, titles: list[str], name: str) -> None:
    """On the 10,000-event benchmark site "AI Ethics Camp 2016" … "2026" (25 events in
    fourteen projects) were four series "AI Ethics Camp", "AI Ethics Camp (2016–2023)"…,
    each two or three events that happened to share a project. A project two of six
    events of one title are in is no series' own: no series, and the build says so."""
    graph = kg.build_site(projects_site(make_site, titles, ["a", "b", "a", "b", "c", "c"]))
    assert series_of(graph) == {}
    [info] = unjoined(graph)
    assert info["value"] == name and info["message"].startswith("6 events ")


def test_the_project_most_of_one_titles_events_are_in_joins_them(make_site) -> None:
    """Three of five "Data Drinks" in one project are a series; the two in another were a
    second "Data Drinks (2019)" beside it, and are now said to be in none. An event in no
    project neither counts for nor against."""
    titles = [f"Data Drinks {n}" for n in range(1, 7)]
    graph = kg.build_site(projects_site(make_site, titles, ["a", "a", "b", "a", "b", None]))
    assert series_of(graph) == {"Data Drinks": (["2019-01-01-e0", "2019-02-01-e1", "2019-04-01-e3"],
                                                ["same title but for its number", "shared project"])}
    [info] = unjoined(graph)
    assert info["message"].startswith("3 of the 6 events titled 'Data Drinks' but for a number are in no series: "
                                      "nothing joins them to the others (_events/2019-03-01-e2.md, "
                                      "_events/2019-05-01-e4.md, _events/2019-06-01-e5.md)")


def test_an_event_titled_just_the_stem_is_one_of_those_starting_with_it(make_site) -> None:
    """"Data Expo 2022" twice and "Data Expo 2022: …" twice, all in one project (that
    fewer than half of all the "Data Expo" are in), were two series "Data Expo 2022" and
    "Data Expo 2022 (2019)": the whole titles and the stems were candidates apart."""
    titles = ["Data Expo 2022: Maps", "Data Expo 2022", "Data Expo 2022: Homes", "Data Expo 2022"]
    graph = kg.build_site(projects_site(make_site, titles + ["Data Expo 2023"] * 5, ["a"] * 4 + list("bcdef")))
    assert series_of(graph) == {"Data Expo 2022": (["2019-01-01-e0", "2019-02-01-e1", "2019-03-01-e2", "2019-04-01-e3"],
                                                   ["same stem", "same title", "shared project"])}


def test_a_meeting_titled_otherwise_whose_text_calls_it_one_joins_its_series(make_site) -> None:
    """"Robust norms: …" of the Connected Conversations project began "This connected
    conversation brought together…" and was left out of the series its text names; so
    was "Global Voices: …" ("our Connected Conversation with Global Voices")."""
    drinks = [event(f'"Data Drinks: {what}"', f"2024-0{i}-01", "project: Pubs\n") for i, what in
              enumerate(("maps", "health", "schools"), 1)]
    site = make_site({
        "_projects/pubs.md": "---\ntitle: Pubs\n---\n",
        "_projects/other.md": "---\ntitle: Other\n---\n",
        **{f"_events/2024-0{i}-01-drinks.md": text for i, text in enumerate(drinks, 1)},
        "_events/2024-05-01-norms.md": event('"Robust norms"', "2024-05-01", "project: Pubs\n",
                                             "In this Data Drinks we heard from three speakers."),
        "_events/2024-06-01-voices.md": event('"Global Voices"', "2024-06-01", "project: Pubs\n",
                                              "The question we asked in our Data Drinks with Global Voices."),
        # the series as a whole, another project, or two series named: not a meeting of it
        "_events/2024-07-01-plans.md": event('"Plans"', "2024-07-01", "project: Pubs\n",
                                             "Our Data Drinks series goes on in the autumn."),
        "_events/2024-08-01-elsewhere.md": event('"Elsewhere"', "2024-08-01", "project: Other\n",
                                                 "This Data Drinks was not ours."),
        # another meeting spoken of: "our Data Drinks next Friday", "from our Data Drinks in March"
        "_events/2024-09-01-budget.md": event('"Budget workshop"', "2024-09-01", "project: Pubs\n",
                                              "Come along to our Data Drinks next Friday."),
        "_events/2024-10-01-lab.md": event('"Design lab"', "2024-10-01", "project: Pubs\n",
                                           "Following on from our Data Drinks in March, this lab met."),
    })
    graph = kg.build_site(site)
    [(name, (events, evidence))] = series_of(graph).items()
    assert name == "Data Drinks"
    assert events == ["2024-01-01-drinks", "2024-02-01-drinks", "2024-03-01-drinks", "2024-05-01-norms",
                      "2024-06-01-voices"]
    assert "a meeting's text calls it one (“this Data Drinks”)" in evidence
    assert not unjoined(graph)


@pytest.mark.parametrize("text, ordinal", [
    ("We held the third meeting of the circle.", 3),
    ("This write-up is from the second workshop.", 2),
    ("The second meeting of the circle looked at housing.", 2),
    ("In line with what we heard from the first workshop, members asked for more.", None),
    ("The crisis was the second most significant event of the decade.", None),
    ("Since the 2nd session, the group has grown.", None),
    ("At the third meeting of the Data Council, we heard from two speakers.", 3),
    ("We held the second West Midlands workshop.", 2),
    ("We held the first Interest Group meeting.", 1),
    ("At the end of the second day of the event, we left.", None),
    ("We held the 0th meeting.", None)])
def test_a_stated_ordinal_is_of_this_meeting(text: str, ordinal: int | None) -> None:
    from kg.records import stated_ordinal
    assert stated_ordinal(text) == ordinal


def test_an_event_whose_front_matter_names_its_speakers_still_states_its_ordinal(make_site) -> None:
    """The body was read for nothing once the front matter named speakers: "we held the
    second meeting" was lost, and with it the series' check of its order."""
    site = make_site({
        "_projects/pubs.md": "---\ntitle: Pubs\n---\n",
        "_events/2024-01-01-a.md": event('"Data Drinks: maps"', "2024-01-01", "project: Pubs\n",
                                         "We held the first meeting of Data Drinks."),
        "_events/2024-02-01-b.md": event('"Data Drinks: health"', "2024-02-01",
                                         "project: Pubs\nspeakers:\n  - name: Ann Able\n",
                                         "We held the second meeting of Data Drinks."),
    })
    graph = kg.build_site(site)
    rows = run_query("series", graph).records()
    assert [(r["position"], r["ordinal"]) for r in rows] == [(1, 1), (2, 2)]
