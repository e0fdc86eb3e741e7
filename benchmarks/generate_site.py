"""Generate a synthetic Jekyll site shaped like connectedbydata.org, for benchmarking kg.

usage: python benchmarks/generate_site.py OUT_DIR --events N [--seed 42] [--people P]

The site has the real site's shapes, with invented content (names from first/last name
lists, organisations from word lists, prose from phrase lists; no corpus text):

* ``_config.yml`` with the real collections, permalinks, ``excerpt_separator`` and a
  ``CNAME`` file giving the host;
* ``_events/YYYY-MM-DD-slug.md``: ``layout``, ``title`` (plain, double- or single-quoted),
  ``image``, ``upcoming``, ``writeup``, ``date`` (or ``dates: a, b``), ``author`` (one
  person, ``A and B``), ``category`` (with the real typos and capitals), ``link``,
  ``project`` (a string, an indented list, a four-space list under an empty key, or
  ``projects:``), ``topics`` lists, an occasional duplicate key, references with typos;
  bodies with paragraphs, ``<!--more-->``, absolute and relative links to other events
  and projects, speaker lists (``* **Name**, Title, [Org](https://org.example/)``,
  ``* [Name](https://www.linkedin.com/in/x), [Org](url), on …``, …), prose speakers
  ("Ada spoke on a panel with **X** and **Y**", "chaired by [Z](url)"), headings,
  images and non-speaker bullet lists;
* series: recurring titles (same title, or the same stem before ``:``) sharing a
  project, whose text says "the third meeting of …" and links to earlier meetings;
* ``_people`` (staff pages and ``guest.md``), ``_projects`` (with sub-projects naming
  their parent in ``project:``), ``_topics`` and ``_funders``.

Scale for N events: people on stage ~N/5 (Zipf-distributed, so a core of busy people
and a long tail), people pages max(10, N/200), organisations max(30, N/20), projects
max(6, N/200), topics 12 + N/10000, funders max(4, N/2000).

Everything comes from one ``random.Random(seed)``: the same seed and N give the same
bytes. A manifest, ``.kg-bench.json`` (a dot file: neither Jekyll nor kg reads it),
records the counts and good query parameters (a busy person, a series meeting, ...).
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".kg-bench.json"
GENERATOR_VERSION = 4

# --- word lists (generic vocabulary; every name and organisation is a combination) ----

FIRST = """Abena Adaeze Aditi Agnes Aiko Alba Alejandro Alinta Amara Amir Anders Anouk Arjun
Astrid Aurelio Ayesha Bao Beatriz Bela Benedikt Bertie Bilal Birgit Bogdan Bronwen Caio Calum
Camille Carys Cecilia Chidi Chiara Clement Cormac Dagny Dalia Damian Darius Delphine Desmond
Dilnoza Dmitri Eamon Edda Efua Elif Elodie Emeka Emrys Enzo Esi Esther Ewan Fatou Felix Femi
Fenella Florin Freya Gaspard Gethin Gideon Greta Gulnara Hamza Hana Hedda Hiroshi Horatio Ifeoma
Ilse Imogen Ines Isidore Ivo Jadwiga Jasper Javier Jonas Joaquim Jovana Jun Kalinda Kasia Kemal
Kenji Keziah Kofi Lachlan Laila Lars Leocadia Leilani Lennox Linnea Lorcan Lucia Ludovic Lwazi
Magnus Mairead Malik Manon Mariam Marisol Matteo Maud Meera Mihai Mireille Moana Morwenna Nadia
Nandi Naoko Nasrin Niamh Nikolai Nilufar Noor Oddny Odhran Olamide Olwen Orla Osei Ottilie Pablo
Paloma Pavel Petra Piotr Priyanka Quentin Radhika Rafael Ragnhild Ravi Reza Rhiannon Rosalind
Rowan Ruairi Sabine Saoirse Seren Shirin Sigrid Silas Siobhan Soraya Stellan Sunniva Taini Talia
Tamsin Tariq Teodora Thandiwe Tobias Tove Ulla Valentina Vesna Viggo Wanjiru Wilhelmina Xiomara
Yara Yusuf Zainab Zaria Zeynep Zofia""".split()

LAST = """Abernethy Achterberg Adeyemi Alvarez Amundsen Anand Arkwright Ashdown Balogun Barraclough
Beaumont Bergqvist Bhattacharya Blackwood Bramley Brennan Calloway Carvalho Castellanos Chaudhry
Chevalier Cheng Ciobanu Copeland Cunliffe Dalgleish Darcy Delacourt Demir Dlamini Drummond Dufresne
Eastwood Ekwueme Ellingham Esposito Fairclough Falkenberg Farquhar Fitzwilliam Fonseca Fraser
Gallagher Garside Ghosh Gilmartin Goldberg Greenhalgh Grimaldi Guerrero Haddad Halvorsen Hargreaves
Hartigan Hassan Heathcote Hendricks Holmberg Huxley Ibrahim Ingleby Iyer Jankowski Jardine Jovanovic
Kaminski Kapoor Karlsson Kavanagh Kettering Khumalo Kowalczyk Lachance Langford Larkspur Leclerc
Lindqvist Llewellyn Lockhart Lombardi Lundgren Macaulay Madsen Mahlangu Marchetti Marlowe Mbeki
McAllister Mendoza Merriweather Mistry Montgomery Moreau Mwangi Nakamura Navarro Nightingale Nkemelu
Novak Nyberg Oakley Obi Okonkwo Oyelaran Pacheco Pemberton Petrov Pinheiro Prendergast Quigley
Radcliffe Ramaswamy Ravensworth Reyes Ridgeway Rinaldi Rosenthal Rourke Sahin Salazar Sandoval
Sarkar Schofield Sekibo Severin Shackleton Sinclair Sorensen Stavros Strickland Sutherland
Tanaka Tembo Thackeray Thorne Tomlinson Trevelyan Umeh Underwood Valdez Vasquez Venkatesh Vidal
Wainwright Wakefield Waterhouse Whitcombe Wilberforce Winterbourne Wojcik Yamamoto Yilmaz Zamora
Zielinski""".split()

PLACE_A = "Ash Bram Cal Dun Eld Fen Gar Hal Kel Lin Mar Nor Oak Pen Rad Sel Thorn Wen Bex Crom".split()
PLACE_B = "bury field ford ham ley mouth stead wick ton dale brook combe".split()
ORG_ADJ = "Open Civic Fair Common Public Digital Shared Future Just Green Democratic Citizen".split()
ORG_NOUN = "Data Tech Rights Futures Commons Voice Knowledge Infrastructure Algorithm Privacy Society Policy".split()
ORG_KIND = ("Institute Foundation Network Lab Trust Alliance Collective Observatory Centre Forum "
            "Coalition Partnership Council Union Society Group Initiative Cooperative").split()
TLDS = [".example", ".example.org", ".example.net", ".example.co.uk", ".example.ac.uk"]

JOB_LEVEL = ["Director of", "Head of", "Senior Manager for", "Lead for", "Chief", "Deputy Director of",
             "Senior Researcher in", "Programme Manager for", "Policy Officer for", "Fellow in"]
JOB_AREA = ["Policy", "Research", "Data", "Programmes", "Engagement", "Digital Rights", "Public Affairs",
            "Campaigns", "Technology", "Partnerships", "Data Ethics", "Strategy", "Communications"]
JOB_PLAIN = ["Chief Executive", "Founder", "Co-founder", "Executive Director", "Professor of Law",
             "Lecturer in Sociology", "Trustee", "General Secretary", "Campaigns Lead",
             "Data Scientist", "Research Fellow", "Policy Adviser", "Councillor"]

TOPICS = ["Public sector", "Health", "Education", "Work", "Justice", "Housing", "Transport", "Climate",
          "Civil society", "Local government", "People and Participation", "Policing", "Welfare",
          "Energy", "Agriculture", "Finance", "Media", "Culture", "Migration", "Children",
          "Elections", "Science", "Libraries", "Procurement", "Employment law", "Consumer rights",
          "Digital identity", "Smart cities", "Open data", "Statistics"]
TOPIC_CATS = ["sector", "theme"]

SUBJECTS = ["data governance", "algorithmic accountability", "public participation", "AI procurement",
            "worker voice", "health data sharing", "digital identity", "data trusts",
            "open government", "automated decision-making", "workplace surveillance", "smart cities",
            "climate data", "data literacy", "deliberative democracy", "citizens' assemblies",
            "platform regulation", "children's data", "data cooperatives", "public interest technology",
            "collective data rights", "community data campaigns", "AI in education",
            "predictive policing", "benefit algorithms", "data protection reform", "data stewardship",
            "public attitudes to AI", "algorithmic transparency", "data access for researchers",
            "trusted research environments", "generative AI", "data justice", "digital inclusion",
            "civic technology", "participatory budgeting", "facial recognition", "data sharing in councils"]
ADJ = ["practical", "collective", "democratic", "participatory", "local", "national", "emerging",
       "responsible", "community-led", "inclusive", "meaningful", "accountable", "transparent",
       "sustainable", "cross-sector", "rights-based"]
EVENT_TYPES = ["roundtable", "workshop", "webinar", "panel", "symposium", "summit", "conference",
               "seminar", "hackathon", "briefing", "masterclass", "design lab", "town hall",
               "consultation event", "launch"]
CONF_A = ["Data", "Digital", "Civic Tech", "Open Government", "Tech Policy", "Public Service",
          "AI Ethics", "Privacy", "Democracy", "Rights", "Future Work", "Smart Places"]
CONF_B = ["Summit", "Festival", "Forum", "Conference", "Week", "Days", "Congress", "Expo", "Camp"]
SERIES_KINDS = ["Community of Practice", "Network Meeting", "Roundtable", "Learning Circle",
                "Practitioners' Forum", "Working Group", "Salon", "Clinic", "Assembly", "Exchange"]
STEM_SERIES = ["Connected Conversation", "Open Data Hour", "Policy Breakfast", "Data Salon",
               "Research Showcase", "Lunchtime Talk", "Evening Seminar", "Reading Group",
               "Ask Me Anything", "Community Call"]
CATEGORY = ["organising"] * 40 + ["speaking"] * 34 + ["attending"] * 16 + ["participating"] * 4 + [
    "partipating", "Attending", "Speaking", "organising ", "attending ", "Organising"]
ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
            "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
IMAGES = ["cbd-logo.png", "event.jpeg", "panel.jpg", "workshop.png", "conference.jpeg", "webinar.png"]

SENT_SUBJ = ["Participants", "The group", "Several attendees", "Practitioners from local government",
             "Speakers", "Researchers in the room", "Campaigners", "Civil servants", "Union representatives",
             "Members of the public", "One participant", "Another attendee", "The discussion",
             "People working in the voluntary sector", "Colleagues from academia", "The audience"]
SENT_VERB = ["discussed", "raised concerns about", "explored", "highlighted", "questioned",
             "reflected on", "debated", "shared experiences of", "made the case for", "asked about",
             "returned several times to", "pointed to gaps in", "drew lessons from", "welcomed work on"]
SENT_TAIL = ["in practice", "across the public sector", "at a local level", "over the next year",
             "for communities most affected", "in the current policy climate", "beyond the usual voices",
             "with limited resources", "as the technology develops", "in other countries",
             "for people on low incomes", "in schools and colleges", "inside large organisations",
             "when budgets are tight", "and what success would look like"]
SENT_EXTRA = ["There was broad agreement that {s} needs sustained attention.",
              "It was noted that {s} often depends on trust built over many years.",
              "Questions from the floor focused on {s} and who gets a say.",
              "A recurring theme was the gap between {s} in principle and in practice.",
              "Some felt that {s} is moving faster than regulation can follow.",
              "Examples ranged from {s} to {s2}.",
              "We agreed to share notes on {s} with everyone who took part.",
              "The conversation then turned to {s}, and how it connects with {s2}."]
BULLET_HEAD = ["Power", "Trust", "Capacity", "Funding", "Evidence", "Representation", "Redress",
               "Transparency", "Skills", "Scale", "Timing", "Language", "Consent", "Ownership"]
LEADS = ["We heard from:", "Speakers:", "Our speakers were:", "On the panel were:",
         "The session featured:", "We were joined by:", "Contributions from:"]
HEAD_LEADS = ["## Speakers", "## Panellists", "### Speakers", "## Who spoke"]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def yaml_str(text: str, rng: random.Random) -> str:
    """A YAML scalar for ``text``: plain where safe (sometimes quoted anyway), else quoted."""
    needs = (": " in text or " #" in text or text[:1] in "\"'&*!|>%@`{[-?#,"
             or text.endswith(":"))
    if not needs and rng.random() < 0.85:
        return text
    if '"' not in text and (needs or rng.random() < 0.7):
        return '"' + text.replace("\\", "\\\\") + '"'
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Org:
    name: str
    domain: str

    @property
    def url(self) -> str:
        return f"https://{self.domain}/"


@dataclass
class Person:
    first: str
    last: str
    affiliations: list[tuple[str, Org]]   # (job title, organisation), by period
    switch_year: int
    url: str | None
    staff: bool = False

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def at(self, year: int) -> tuple[str, Org]:
        return self.affiliations[1 if len(self.affiliations) > 1 and year >= self.switch_year else 0]


@dataclass
class Project:
    title: str
    stem: str
    parent: "Project | None" = None
    topics: list[str] = field(default_factory=list)


@dataclass
class Event:
    date: dt.date
    title: str
    stem: str = ""
    series: int | None = None       # index into the series list
    position: int = 0               # 1-based meeting number in its series
    project: Project | None = None


@dataclass
class SeriesPlan:
    name: str
    same_title: bool
    project: Project
    events: list[int] = field(default_factory=list)


class Generator:
    def __init__(self, n_events: int, seed: int = 42, people: int | None = None,
                 host: str = "bench-site.example.org") -> None:
        self.n = n_events
        self.rng = random.Random(seed)
        self.seed = seed
        self.host = host
        n = n_events
        self.n_staff = max(10, n // 200)
        self.n_people = max(self.n_staff + 50, people if people is not None else n // 5)
        self.n_orgs = max(30, n // 20)
        self.n_projects = max(6, n // 200)
        self.n_topics = min(len(TOPICS), 12 + n // 10000)
        self.n_funders = max(4, n // 2000)

    # --- entities -------------------------------------------------------------------

    def make_orgs(self) -> None:
        rng = self.rng
        places = [a + b for a in PLACE_A for b in PLACE_B]
        orgs: list[Org] = []
        seen: set[str] = set()
        while len(orgs) < self.n_orgs:
            r = rng.random()
            if r < 0.45:
                name = f"{rng.choice(ORG_ADJ)} {rng.choice(ORG_NOUN)} {rng.choice(ORG_KIND)}"
            elif r < 0.7:
                name = f"{rng.choice(places)} {rng.choice(ORG_NOUN)} {rng.choice(ORG_KIND)}"
            elif r < 0.82:
                name = f"University of {rng.choice(places)}"
            elif r < 0.92:
                name = f"{rng.choice(places)} City Council"
            else:
                name = f"The {rng.choice(ORG_ADJ)} {rng.choice(ORG_KIND)}"
            if name in seen:
                name = f"{name} {rng.choice(['UK', 'Europe', 'International', 'Wales', 'Scotland'])}"
                if name in seen:
                    continue
            seen.add(name)
            words = [w for w in slugify(name).split("-") if w not in ("the", "of")]
            base = "".join(w[0] for w in words) if rng.random() < 0.3 else "-".join(words)
            tld = ".example.ac.uk" if name.startswith("University") else rng.choice(TLDS)
            domain = base + tld
            k = 2
            while domain in self._domains:
                domain = f"{base}{k}{tld}"
                k += 1
            self._domains.add(domain)
            orgs.append(Org(name, domain))
        self.orgs = orgs
        # a few big organisations host many speakers: Zipf over organisations
        self.org_cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.9 for i in range(len(orgs))))

    def job(self) -> str:
        rng = self.rng
        if rng.random() < 0.55:
            return f"{rng.choice(JOB_LEVEL)} {rng.choice(JOB_AREA)}"
        return rng.choice(JOB_PLAIN)

    def make_people(self) -> None:
        rng = self.rng
        names: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        while len(names) < self.n_people:
            pair = (rng.choice(FIRST), rng.choice(LAST))
            if rng.random() < 0.04:
                pair = (pair[0], f"{pair[1]}-{rng.choice(LAST)}")
            if pair not in seen:
                seen.add(pair)
                names.append(pair)
        home = Org("Bench Site", self.host)
        people: list[Person] = []
        staff_firsts: set[str] = set()
        n_staff = 0
        for first, last in names:
            # the first 100 staff have distinct first names (pages say "Ada spoke"); a
            # bigger staff shares first names, as a big organisation's does
            is_staff = n_staff < self.n_staff and (first not in staff_firsts or n_staff >= 100)
            if is_staff:
                n_staff += 1
                staff_firsts.add(first)
                affs = [(self.job(), home)]
                url = f"/people/{slugify(first + ' ' + last)}"
            else:
                org = self.orgs[rng.choices(range(len(self.orgs)), cum_weights=self.org_cum)[0]]
                affs = [(self.job(), org)]
                if rng.random() < 0.25:
                    affs.append((self.job(), rng.choice(self.orgs)))
                r = rng.random()
                if r < 0.4:
                    url = f"https://www.linkedin.com/in/{slugify(first + ' ' + last)}-{rng.randrange(16**6):06x}/"
                elif r < 0.65:
                    url = f"https://{org.domain}/people/{slugify(first + ' ' + last)}"
                else:
                    url = None
            people.append(Person(first, last, affs, rng.randrange(2017, 2027), url, is_staff))
        self.staff = [p for p in people if p.staff]
        self.guests = [p for p in people if not p.staff]
        self.guest_cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.6 for i in range(len(self.guests))))
        # staff on stage: the first staff member is the busiest (as a founder is)
        self.staff_cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(self.staff))))

    def make_projects(self) -> None:
        rng = self.rng
        topics = TOPICS[: self.n_topics]
        self.topics = topics
        projects: list[Project] = []
        seen: set[str] = set()
        while len(projects) < self.n_projects:
            r = rng.random()
            subj = rng.choice(SUBJECTS)
            if r < 0.3:
                title = f"{rng.choice(ADJ).capitalize()} {subj}"
            elif r < 0.5:
                title = f"Giving communities a say in {subj}"
            elif r < 0.7:
                title = f"{rng.choice(self.orgs).name}: {subj}"
            elif r < 0.85:
                title = f"{subj[0].upper() + subj[1:]} {rng.choice(['programme', 'network', 'fund', 'pilot', 'toolkit'])}"
            else:
                title = f"Our {rng.choice(ORG_NOUN)} {rng.choice(['Futures', 'Agenda', 'Project', 'Commons'])}"
            if title.lower() in seen:
                continue
            seen.add(title.lower())
            year = rng.randrange(2016, 2027)
            stem = f"{year}-{slugify(title)[:40].strip('-')}"
            if any(p.stem == stem for p in projects):
                stem += f"-{len(projects)}"
            parent = None
            if projects and rng.random() < 0.3:
                parent = rng.choice(projects[: max(1, len(projects) // 2)])
                if parent.parent is not None:
                    parent = parent.parent
            projects.append(Project(title, stem, parent, rng.sample(topics, rng.choice([0, 1, 1, 2]))))
        self.projects = projects
        self.project_cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.7 for i in range(len(projects))))

    # --- events ---------------------------------------------------------------------

    def random_date(self) -> dt.date:
        return dt.date(2016, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 11))

    def plan_events(self) -> None:
        rng = self.rng
        n = self.n
        events: list[Event] = []
        series: list[SeriesPlan] = []
        # two long-running series whose length grows with the site, then short ones
        lengths = [max(4, n // 300), max(4, n // 400)]
        budget = int(n * 0.18) - sum(lengths)
        while budget > 0:
            k = rng.randrange(3, 13)
            lengths.append(k)
            budget -= k
        used_names: set[str] = set()
        for i, k in enumerate(lengths):
            k = min(k, n - len(events))
            if k < 2:
                break
            same_title = i < 2 or rng.random() < 0.55
            while True:
                if same_title:
                    r = rng.random()
                    if r < 0.4:
                        subj = rng.choice(SUBJECTS)
                        name = f"{subj[0].upper()}{subj[1:]}: {rng.choice(SERIES_KINDS)}"
                    elif r < 0.7:
                        name = f"{rng.choice(self.orgs).name} {rng.choice(SERIES_KINDS)}"
                    else:
                        name = f"{rng.choice(ADJ).capitalize()} {rng.choice(SUBJECTS)} {rng.choice(SERIES_KINDS).lower()}"
                else:
                    name = f"{rng.choice(STEM_SERIES)} {rng.choice(['', '', 'on ' + rng.choice(SUBJECTS).title()])}".strip()
                    if rng.random() < 0.5:
                        name = f"{rng.choice(ADJ).capitalize()} {name}"
                if name.lower() not in used_names:
                    used_names.add(name.lower())
                    break
            project = self.projects[rng.choices(range(len(self.projects)), cum_weights=self.project_cum)[0]]
            plan = SeriesPlan(name, same_title, project)
            start = self.random_date()
            gap = rng.choice([14, 28, 30, 42, 60, 91])
            dates = sorted({start + dt.timedelta(days=gap * j + rng.randrange(-3, 4)) for j in range(k)})
            for j, d in enumerate(dates, 1):
                title = name if same_title else f"{name}: {self.session_phrase()}"
                plan.events.append(len(events))
                events.append(Event(d, title, series=len(series), position=j, project=project))
            series.append(plan)
        places = [a + b for a in PLACE_A for b in PLACE_B]
        while len(events) < n:
            d = self.random_date()
            r = rng.random()
            if r < 0.25:
                title = f"{rng.choice(ADJ).capitalize()} {rng.choice(SUBJECTS)} {rng.choice(EVENT_TYPES)}"
            elif r < 0.4:
                title = f"{rng.choice(CONF_A)} {rng.choice(CONF_B)} {d.year}"
            elif r < 0.55:
                title = f"{rng.choice(CONF_A)} {rng.choice(CONF_B)} {d.year}: {self.session_phrase()}"
            elif r < 0.7:
                title = f"{rng.choice(self.orgs).name} {rng.choice(EVENT_TYPES)} on {rng.choice(SUBJECTS)}"
            elif r < 0.85:
                title = self.session_phrase()
            else:
                title = f"{rng.choice(EVENT_TYPES).capitalize()} - {rng.choice(SUBJECTS)} in {rng.choice(places)}"
            events.append(Event(d, title))
        # file names: date + slug, unique
        stems: set[str] = set()
        for e in events:
            base = f"{e.date.isoformat()}-{'-'.join(slugify(e.title).split('-')[:7])}"
            stem, k = base, 2
            while stem in stems:
                stem, k = f"{base}-{k}", k + 1
            stems.add(stem)
            e.stem = stem
        self.events = events
        self.series = series

    def session_phrase(self) -> str:
        rng = self.rng
        s = rng.choice(SUBJECTS)
        r = rng.random()
        if r < 0.3:
            return f"Who decides about {s}?"
        if r < 0.55:
            return f"{s[0].upper()}{s[1:]} and {rng.choice(SUBJECTS)}"
        if r < 0.8:
            return f"{rng.choice(ADJ).capitalize()} approaches to {s}"
        return f"What next for {s}?"

    # --- text -----------------------------------------------------------------------

    def make_sentence_pool(self, size: int = 4000) -> None:
        rng = self.rng
        pool = []
        for _ in range(size):
            if rng.random() < 0.6:
                pool.append(f"{rng.choice(SENT_SUBJ)} {rng.choice(SENT_VERB)} {rng.choice(ADJ)} "
                            f"{rng.choice(SUBJECTS)} {rng.choice(SENT_TAIL)}.")
            else:
                pool.append(rng.choice(SENT_EXTRA).format(s=rng.choice(SUBJECTS), s2=rng.choice(SUBJECTS)))
        self.sentences = pool

    def para(self, k: int | None = None) -> str:
        rng = self.rng
        return " ".join(rng.choices(self.sentences, k=k or rng.randrange(2, 6)))

    def site_url(self, path: str) -> str:
        """A link to a page of the site in one of the ways writers write them."""
        r = self.rng.random()
        if r < 0.45:
            return f"https://{self.host}{path}"
        if r < 0.8:
            return path
        if r < 0.9:
            return f"http://{self.host}{path}/"
        return f"https://www.{self.host}{path}"

    def guest(self) -> Person:
        return self.guests[self.rng.choices(range(len(self.guests)), cum_weights=self.guest_cum)[0]]

    def staff_member(self) -> Person:
        return self.staff[self.rng.choices(range(len(self.staff)), cum_weights=self.staff_cum)[0]]

    def speaker_item(self, p: Person, year: int) -> str:
        rng = self.rng
        title, org = p.at(year)
        r = rng.random()
        if r < 0.3:
            return f"* **{p.name}**, {title}, [{org.name}]({org.url})"
        if r < 0.5 and p.url:
            return f"* [{p.name}]({p.url}), [{org.name}]({org.url}), on {rng.choice(SUBJECTS)}"
        if r < 0.65:
            return f"* {p.name}, {title}, {org.name}, on [{rng.choice(SUBJECTS)}]({org.url}{slugify(rng.choice(SUBJECTS))})"
        if r < 0.8:
            return f"* **{p.name}** ({org.name})"
        link = f"[{p.name}]({p.url})" if p.url else p.name
        return f"* **{link}**, {title} at **[{org.name}]({org.url})**"

    def prose_speakers(self, host: Person, guests: list[Person], year: int) -> str:
        rng = self.rng
        r = rng.random()
        a = guests[0]
        b = guests[1] if len(guests) > 1 else self.guest()
        ta, oa = a.at(year)
        if r < 0.3:
            text = f"{host.first} spoke on a panel with **{a.name}** and **{b.name}**"
            if len(guests) > 2:
                c = guests[2]
                text += f", chaired by [{c.name}]({c.url or c.at(year)[1].url})"
            return text + f", at the {rng.choice(CONF_A)} {rng.choice(CONF_B)}. " + self.para(2)
        if r < 0.55:
            return (f"**[{a.name}]({a.url or oa.url})** from **[{oa.name}]({oa.url})** reflected that "
                    f"{rng.choice(SUBJECTS)} is {rng.choice(['changing fast', 'under-resourced', 'often misunderstood', 'a matter of power'])}. "
                    + self.para(2))
        if r < 0.8:
            tb, ob = b.at(year)
            return (f"The session was chaired by {a.name}, {ta} at {oa.name}, and {host.first} was joined by "
                    f"[{b.name}]({b.url or ob.url}) ({tb} at [{ob.name}]({ob.url})). " + self.para(2))
        tb, ob = b.at(year)
        return (f"**{host.name} spoke alongside {a.name}, {ta} at {oa.name}; and {b.name} from {ob.name}.** "
                + self.para(2))

    def event_text(self, i: int) -> str:
        rng = self.rng
        e = self.events[i]
        year = e.date.year
        cat = rng.choice(CATEGORY)
        host = self.staff_member()
        lines = ["---", "layout: event", f"title: {yaml_str(e.title, rng)}",
                 f"image: {rng.choice(IMAGES)}", "upcoming: false",
                 f"writeup: {'true' if rng.random() < 0.7 else 'false'}"]
        if rng.random() < 0.3:
            lines.append(f"add-background: {'true' if rng.random() < 0.5 else 'false'}")
        if rng.random() < 0.03:
            end = e.date + dt.timedelta(days=rng.randrange(1, 5))
            lines.append(f"dates: {e.date.isoformat()}, {end.isoformat()}" if rng.random() < 0.7
                         else f"dates: {e.date.isoformat()}")
        else:
            lines.append(f"date: {e.date.isoformat()}")
        r = rng.random()
        if r < 0.04:
            other = self.staff_member()
            lines.append(f"author: {host.name} and {other.name}" if other is not host else f"author: {host.name}")
        elif r < 0.06:
            lines.append(f"author: {host.name[:-1] if len(host.last) > 4 else host.name}")  # a typo
        elif r < 0.075:
            lines.append("author: Guest")
        else:
            lines.append(f"author: {host.name}")
        lines.append(f"category: {cat}")
        r = rng.random()
        if r < 0.6:
            lines.append(f"link: https://{rng.choice(self.orgs).domain}/events/{slugify(e.title)[:30].strip('-')}")
        elif r < 0.8:
            lines.append("link: ")
        # projects
        project = e.project
        if project is None and rng.random() < 0.8:
            project = self.projects[rng.choices(range(len(self.projects)), cum_weights=self.project_cum)[0]]
            e.project = project
        if project is not None:
            titles = [project.title]
            if project.parent is not None and rng.random() < 0.5:
                titles = [project.parent.title, project.title]
            if rng.random() < 0.01:  # a typo: a letter dropped
                t = titles[-1]
                cut = rng.randrange(1, len(t) - 1)
                titles[-1] = t[:cut] + t[cut + 1:]
            key = "projects" if rng.random() < 0.01 else "project"
            if len(titles) == 1 and rng.random() < 0.85:
                lines.append(f"{key}: {yaml_str(titles[0], rng)}")
            elif rng.random() < 0.5:
                lines.append(f"{key}:")
                lines += [f"  - {yaml_str(t, rng)}" for t in titles]
            else:
                lines.append(f"{key}: ")
                lines += [f"    - {yaml_str(t, rng)}" for t in titles]
        if rng.random() < 0.4:
            lines.append("topics:")
            lines += [f"  - {t}" for t in rng.sample(self.topics, rng.choice([1, 1, 2, 3]))]
            if rng.random() < 0.03:  # written twice, as happens when copying a template
                lines.append("topics:")
                lines.append(f"  - {rng.choice(self.topics)}")
        if rng.random() < 0.1:
            lines.append(f"featured: {'true' if rng.random() < 0.3 else 'false'}")
        if rng.random() < 0.08:
            lines += ["presentation: ", "presentation-image: "]
        lines.append("---")

        body: list[str] = []
        when = f"{WEEKDAYS[e.date.weekday()]} {e.date.day} {MONTHS[e.date.month - 1]} {e.date.year}"
        proj_link = (f"[{project.title}]({self.site_url('/projects/' + project.stem)})"
                     if project is not None else None)
        if e.series is not None:
            plan = self.series[e.series]
            pos = e.position + (1 if rng.random() < 0.05 else 0)  # a meeting with no file of its own
            nth = ORDINALS[pos - 1] if pos <= len(ORDINALS) else _numeral(pos)
            what = plan.name.split(": ")[-1].lower() if plan.same_title else f"our {plan.name} series"
            text = f"On {when} we held the {nth} meeting of {'a ' if plan.same_title else ''}{what}"
            if proj_link and rng.random() < 0.8:
                text += f" as part of our project on {'**' + proj_link + '**' if rng.random() < 0.3 else proj_link}"
            body.append(text + ".")
        elif cat.strip().lower() == "speaking":
            body.append(f"**{host.first} spoke at {yaml_safe_title(e.title)}, {when}.** " + self.para(1))
        elif cat.strip().lower() == "attending":
            body.append(f"{host.first} attended this {rng.choice(EVENT_TYPES)} on {when}. " + self.para(1))
        else:
            text = f"On {when}, we organised a {rng.choice(EVENT_TYPES)} on {rng.choice(SUBJECTS)}"
            if proj_link:
                text += f" as part of {proj_link}"
            body.append(text + ". " + self.para(1))
        body.append("<!--more-->")
        body.append(self.para())
        # people on stage
        on_stage = cat.strip().lower() in ("speaking", "organising") or e.series is not None
        if on_stage and rng.random() < 0.85:
            self.staged.add(i)
            guests: list[Person] = []
            for _ in range(rng.choice([2, 2, 3, 3, 4, 5])):
                g = self.guest()
                if g not in guests:
                    guests.append(g)
            if rng.random() < 0.55:
                body.append(rng.choice(LEADS) if rng.random() < 0.75 else rng.choice(HEAD_LEADS))
                items = [self.speaker_item(g, year) for g in guests]
                if rng.random() < 0.35:
                    items.insert(0, self.speaker_item(host, year))
                body.append("\n".join(items))
            else:
                body.append(self.prose_speakers(host, guests, year))
        body.append(self.para())
        # links to earlier meetings and to other pages of the site
        links = []
        if e.series is not None and e.position > 1:
            plan = self.series[e.series]
            prev = self.events[plan.events[e.position - 2]]
            links.append(f"You can read about the [previous meeting]({self.site_url('/events/' + prev.stem)})")
            if e.position > 2 and rng.random() < 0.4:
                first = self.events[plan.events[0]]
                links.append(f"the [first meeting]({self.site_url('/events/' + first.stem)})")
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            other = self.events[rng.randrange(len(self.events))]
            links.append(f"[{rng.choice(['a related event', 'an earlier session', 'our write-up', other.title.replace('[', '').replace(']', '')])}]"
                         f"({self.site_url('/events/' + other.stem)})")
        if proj_link and rng.random() < 0.5:
            links.append(f"more about {proj_link}")
        if links:
            body.append(("" if links[0].startswith("You") else "See ") + ", and ".join(links) + ".")
        if rng.random() < 0.3:
            body.append(f"## {rng.choice(['Discussion', 'Key takeaways', 'What we heard', 'Next steps'])}")
            body.append("\n".join(f"* **{h}** – {rng.choice(self.sentences)}"
                                  for h in rng.sample(BULLET_HEAD, rng.randrange(2, 5))))
        if rng.random() < 0.2:
            body.append(f"![{rng.choice(SUBJECTS)}]({{{{ site.baseurl }}}}/assets/events/{e.stem}.jpeg)")
        for k in range(rng.choice([0, 1, 1, 1, 2, 2, 3, 4, 7, 12])):  # a few long write-ups
            if k % 4 == 3:
                body.append(f"## {rng.choice(ADJ).capitalize()} {rng.choice(SUBJECTS)}")
            body.append(self.para(rng.randrange(3, 7)))
        if rng.random() < 0.15:
            f = rng.choice(self.funders)
            body.append(f"_This work is supported with funding from [{f[0]}]({f[1]})._")
        return "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"

    # --- other pages ----------------------------------------------------------------

    def person_text(self, p: Person, order: int) -> str:
        rng = self.rng
        roles = rng.choice([["team"], ["team", "board"], ["associate"], ["associate", "alumni"], ["alumni"]])
        slug = slugify(p.name)
        lines = ["---", "layout: person", "roles:"] + [f"  - {r}" for r in roles]
        if rng.random() < 0.4:
            lines.append(f"redirect_from: /{'team' if 'team' in roles else 'associates'}/{slug}")
        lines.append(f"title: {p.name}")
        if rng.random() < 0.5:
            lines.append(f"pronouns: {rng.choice(['she/her', 'he/him', 'they/them'])}")
        lines.append(f"role: {p.affiliations[0][0]}")
        if rng.random() < 0.6:
            lines.append(f"order: {order}")
        lines.append(f"picture: {slug}.jpg")
        if rng.random() < 0.6:
            lines.append(f'twitter: "@{p.first}{p.last[:3]}"')
        if rng.random() < 0.6:
            lines.append(f'linkedin: "{slug}"')
        if rng.random() < 0.3:
            lines.append(f'bluesky: "{slug}.bsky.example"')
        if rng.random() < 0.2:
            lines.append("topics:")
            lines += [f"  - {t}" for t in rng.sample(self.topics, 2)]
        lines.append(f'email: "{p.first.lower()}@{self.host}"')
        lines.append("---")
        org = rng.choice(self.orgs)
        body = [f"{p.first} is an expert in {rng.choice(SUBJECTS)} and {rng.choice(SUBJECTS)}.",
                f"{p.first} previously worked at [{org.name}]({org.url}). " + self.para(2),
                "<!--more-->", self.para(), self.para()]
        return "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"

    def project_text(self, p: Project) -> str:
        rng = self.rng
        lines = ["---", "layout: project", f"title: {yaml_str(p.title, rng)}",
                 f"subtitle: {rng.choice(ADJ).capitalize()} work on {rng.choice(SUBJECTS)}",
                 f"image: {slugify(p.title)[:20]}.png"]
        if p.topics:
            lines.append("topics:")
            lines += [f"  - {t}" for t in p.topics]
        if p.parent is not None:
            lines.append(f"project: {yaml_str(p.parent.title, rng)}")
        lines.append(f"add-background: {'true' if rng.random() < 0.5 else 'false'}")
        lines.append(f"completed: {'true' if rng.random() < 0.6 else 'false'}")
        lines.append("---")
        body = [self.para()]
        if p.parent is not None:
            body.append(f"This is part of our project on [{p.parent.title}]({self.site_url('/projects/' + p.parent.stem)}).")
        body += ["<!--more-->", self.para(), self.para()]
        if rng.random() < 0.5:
            f = rng.choice(self.funders)
            body.append(f"We are grateful to [{f[0]}]({f[1]}) for their support for this work.")
        return "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"

    def topic_text(self, t: str) -> str:
        rng = self.rng
        lines = ["---", "layout: topic", f"title: {t}",
                 f"subtitle: Giving people a powerful say in {t.lower()}",
                 f"category: {rng.choice(TOPIC_CATS)}", f"image: {slugify(t)}.png", "---"]
        return "\n".join(lines) + "\n" + self.para() + "\n\n" + self.para() + "\n"

    def make_funders(self) -> None:
        rng = self.rng
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        while len(out) < self.n_funders:
            r = rng.random()
            name = (f"{rng.choice(LAST)} Foundation" if r < 0.4 else
                    f"The {rng.choice(LAST)} {rng.choice(['Trust', 'Charitable Trust', 'Fund'])}" if r < 0.7 else
                    f"{rng.choice(ORG_ADJ)} {rng.choice(ORG_NOUN)} Fund")
            if name in seen:
                continue
            seen.add(name)
            domain = slugify(name.replace("The ", "")) + rng.choice(TLDS)
            if domain in self._domains:
                continue
            self._domains.add(domain)
            out.append((name, f"https://www.{domain}/"))
        self.funders = out

    def funder_text(self, f: tuple[str, str]) -> str:
        rng = self.rng
        p = rng.choice(self.projects)
        lines = ["---", f"link: {f[1]}", f"image: {slugify(f[0])}.svg", f"title: {f[0]}",
                 f"current: {'true' if rng.random() < 0.5 else 'false'}"]
        if rng.random() < 0.5:
            lines.append("logo-bg: white")
        lines.append("---")
        return ("\n".join(lines) + "\n" + f"[{f[0]}]({f[1]}) is funding us to work on "
                f"[{p.title}]({self.site_url('/projects/' + p.stem)}). " + self.para(2) + "\n")

    # --- the whole site -------------------------------------------------------------

    def generate(self, out: Path) -> dict:
        self._domains: set[str] = set()
        self.staged: set[int] = set()   # events with people on stage
        self.make_orgs()
        self.make_people()
        self.make_projects()
        self.make_funders()
        self.make_sentence_pool()
        self.plan_events()
        out.mkdir(parents=True, exist_ok=True)
        for sub in ("_events", "_people", "_projects", "_topics", "_funders"):
            d = out / sub
            if d.exists():
                shutil.rmtree(d)
            d.mkdir()
        (out / "_config.yml").write_text(CONFIG)
        (out / "CNAME").write_text(self.host + "\n")
        for name, title in (("events", "Events"), ("projects", "Projects"), ("topics", "Topics")):
            (out / f"{name}.md").write_text(f"---\nlayout: {name}\ntitle: {title}\npermalink: /{name}\n---\n")
        ev_dir = out / "_events"
        # texts come from the one random stream, in order; threads only write the bytes
        with ThreadPoolExecutor(4) as pool:
            batch: list[tuple[str, bytes]] = []
            for i, e in enumerate(self.events):
                batch.append((str(ev_dir / f"{e.stem}.md"), self.event_text(i).encode("utf-8")))
                if len(batch) == 500:
                    pool.submit(_write_all, batch)
                    batch = []
            if batch:
                pool.submit(_write_all, batch)
        for order, p in enumerate(self.staff, 1):
            (out / "_people" / f"{slugify(p.name)}.md").write_text(self.person_text(p, order), encoding="utf-8")
        (out / "_people" / "guest.md").write_text(
            f"---\nlayout: person\nroles:\n  - \ntitle: Guest\npicture: circles.png\n"
            f'email: "hello@{self.host}"\n---\n', encoding="utf-8")
        for p in self.projects:
            (out / "_projects" / f"{p.stem}.md").write_text(self.project_text(p), encoding="utf-8")
        for t in self.topics:
            (out / "_topics" / f"{slugify(t)}.md").write_text(self.topic_text(t), encoding="utf-8")
        for f in self.funders:
            (out / "_funders" / f"{slugify(f[0])}.md").write_text(self.funder_text(f), encoding="utf-8")
        manifest = self.manifest()
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        return manifest

    def manifest(self) -> dict:
        longest = max((s for s in self.series if s.same_title), key=lambda s: len(s.events))
        # a meeting in the middle of the series with people on stage
        order = sorted(longest.events, key=lambda i: (i not in self.staged, abs(i - longest.events[len(longest.events) // 2])))
        meeting = self.events[order[0]]
        with_children = [p for p in self.projects if any(c.parent is p for c in self.projects)]
        busy_project = with_children[0] if with_children else self.projects[0]
        busy_org = self.orgs[0]
        return {
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "host": self.host,
            "base_url": f"https://{self.host}",
            "counts": {"events": len(self.events), "people_pages": len(self.staff) + 1,
                       "staff": len(self.staff), "people_pool": self.n_people,
                       "organisations": len(self.orgs), "projects": len(self.projects),
                       "sub_projects": sum(p.parent is not None for p in self.projects),
                       "topics": len(self.topics), "funders": len(self.funders),
                       "series": len(self.series),
                       "events_in_series": sum(len(s.events) for s in self.series)},
            "params": {
                "busy_person": self.staff[0].name,
                "typical_person": self.guests[len(self.guests) // 10].name,
                "series_name": longest.name,
                "series_meeting": f"/events/{meeting.stem}",
                "project_query": busy_project.title,
                "topic_query": self.topics[0],
                "organisation_query": busy_org.name,
                "event_file": f"_events/{meeting.stem}.md",
            },
        }


def _write_all(batch: list[tuple[str, bytes]]) -> None:
    for path, data in batch:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def _numeral(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def yaml_safe_title(title: str) -> str:
    return title.replace("*", "").replace("[", "").replace("]", "")


CONFIG = """\
# Site settings (a synthetic site generated by kg's benchmarks/generate_site.py)
title: Bench Site
email: hello@bench-site.example.org
description: >- # this means to ignore newlines until "baseurl:"
  A synthetic site shaped like a small organisation's website.
baseurl: "" # the subpath of your site, e.g. /blog
url: "" # the base hostname & protocol for your site, e.g. http://example.com
twitter_username: BenchSite
future: true

collections:
  people:
    output: true
    permalink: :collection/:name
  jobs:
    output: true
    permalink: :collection/:name
  literature:
    output: false
  events:
    output: true
    permalink: :collection/:name
  resources:
    output: true
    permalink: :collection/:name
  funders:
    output: false
  projects:
    output: true
    permalink: :collection/:name
  topics:
    output: true
    permalink: :collection/:name

defaults:
  - scope:
      path: ''
    values:
      layout: 'page'

excerpt_separator: <!--more-->
permalink: "/:categories/:year/:month/:day/:slug"

paginate: 20
paginate_path: "/blog/archive:num/"
"""


def generate_site(out: str | Path, events: int, seed: int = 42, people: int | None = None) -> dict:
    """Write a synthetic site of ``events`` events to ``out``; return its manifest."""
    return Generator(events, seed, people).generate(Path(out))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="example: python benchmarks/generate_site.py /tmp/site-10k --events 10000")
    ap.add_argument("out", help="folder to write the site to (its collection folders are replaced)")
    ap.add_argument("--events", type=int, default=1000, help="number of events (default 1000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--people", type=int, default=None,
                    help="distinct people on stage (default events/5, at least staff+50)")
    args = ap.parse_args(argv)
    if args.events < 1:
        ap.error("--events must be at least 1")
    started = time.perf_counter()
    m = generate_site(args.out, args.events, args.seed, args.people)
    c = m["counts"]
    print(f"wrote {args.out}: {c['events']} events, {c['people_pages']} people pages "
          f"({c['people_pool']} people on stage), {c['projects']} projects ({c['sub_projects']} sub-projects), "
          f"{c['topics']} topics, {c['funders']} funders, {c['organisations']} organisations, "
          f"{c['series']} series in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
